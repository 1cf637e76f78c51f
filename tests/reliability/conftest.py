import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'support'))
sys.path.insert(0, HERE)

from playbook import ensure_collection_path  # noqa: E402

# In-process tests import the collection as ansible_collections.liferay_ops.mail.
COLLECTIONS = ensure_collection_path()
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
