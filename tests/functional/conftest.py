import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'support'))

# pylint: disable=wrong-import-position,unused-import
from playbook import ensure_collection_path  # noqa: E402
# Shared fixtures: the portal simulator, SMTP servers on loopback, the real mail stack.
from sim_fixtures import liferay_sim, liferay_sim_module, smtp_servers, start_sim, tls  # noqa: E402,F401
from mailstack_fixtures import mail_stack, mail_stack_session, pop_stack  # noqa: E402,F401

ensure_collection_path()
