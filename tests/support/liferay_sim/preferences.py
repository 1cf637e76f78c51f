"""The portal's PortalPreferences rows: system level (company 0) and per company.

Kept as JSON so they survive restarts, like the portal database; every write
replaces the file atomically. Several simulators given the same --state-dir
share it like the nodes of a cluster share one database: a read picks up the
file again when another process replaced it, and a write holds a lock file
while it reads, changes and replaces it.
"""

import fcntl
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
        self._seen = None  # (inode, mtime_ns, size) of the file last read
        self._data = {}
        self._refresh()

    def _stamp(self):
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def _refresh(self):
        """Read the file again if another process has replaced it since the last read."""
        stamp = self._stamp()
        if stamp == self._seen:
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                raw = json.load(handle)
        except FileNotFoundError:
            raw = {}
        self._data = {int(company): dict(values) for company, values in raw.items()}
        self._seen = stamp

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
        self._seen = self._stamp()

    def get(self, company_id):
        with self._lock:
            self._refresh()
            return dict(self._data.get(company_id, {}))

    def update(self, company_id, set_values=None, remove_keys=()):
        """Set and remove keys of one company in one atomic store()."""
        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        with self._lock, open(os.path.join(directory, "sim-preferences.json.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another simulator may share the store
            self._refresh()
            values = self._data.setdefault(company_id, {})
            for key in remove_keys:
                values.pop(key, None)
            values.update(set_values or {})
            if not values:
                self._data.pop(company_id, None)
            try:
                self._write()
            except BaseException:
                self._seen = None  # the write failed: the next read takes the file as it is
                raise
