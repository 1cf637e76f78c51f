import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'support'))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position,unused-import
from playbook import ensure_collection_path  # noqa: E402
# Shared fixture: one portal simulator per test module.
from sim_fixtures import liferay_sim_module  # noqa: E402,F401

# In-process tests import the collection as ansible_collections.liferay_ops.mail.
COLLECTIONS = ensure_collection_path()
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: ignored when it is not loaded
def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist's default distribution, keep each test module on one worker.

    Most modules here run ONE ansible-playbook process in a module-scoped fixture; spread over two
    workers, each worker would run that whole playbook again. Honoured when this directory is named
    on the command line (its conftest is then loaded by the controlling process).
    """
    if config.getoption('dist', 'load') != 'load':
        return None
    from xdist.scheduler import LoadFileScheduling
    return LoadFileScheduling(config, log)
