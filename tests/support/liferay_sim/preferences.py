"""The portal's PortalPreferences rows: system level (company 0) and per company.

Kept as JSON so they survive restarts, like the portal database; every write
replaces the file atomically.
"""

import json
import os
import tempfile
import threading

SYSTEM = 0
MASK = "********"


def is_secret_key(key):
    return "password" in key.lower()


def masked(values, secrets=False):
    if secrets:
        return dict(values)
    return {k: (MASK if is_secret_key(k) and v else v) for k, v in values.items()}


class PreferencesStore(object):
    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._data = self._read()

    def _read(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                raw = json.load(handle)
        except FileNotFoundError:
            return {}
        return {int(company): dict(values) for company, values in raw.items()}

    def _write(self):
        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".sim-preferences.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({str(k): v for k, v in sorted(self._data.items())}, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o600)
            os.replace(temp, self.path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def get(self, company_id):
        with self._lock:
            return dict(self._data.get(company_id, {}))

    def update(self, company_id, set_values=None, remove_keys=()):
        """Set and remove keys of one company in one atomic store()."""
        with self._lock:
            values = self._data.setdefault(company_id, {})
            for key in remove_keys:
                values.pop(key, None)
            values.update(set_values or {})
            if not values:
                self._data.pop(company_id, None)
            self._write()
