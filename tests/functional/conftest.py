import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'support'))

from playbook import ensure_collection_path  # noqa: E402

ensure_collection_path()
