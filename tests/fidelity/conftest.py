"""Differential tests against Liferay's real libraries (Commons Configuration 1.10, JavaMail)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'support'))

# pylint: disable=wrong-import-position
from playbook import ensure_collection_path  # noqa: E402

ensure_collection_path()
