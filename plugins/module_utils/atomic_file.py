# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read, lock and replace files that hold passwords, never leaving one half written.

The one writer of the collection: the file backends and the api backend's state file
both use it. A temporary file in the same directory, fsync, the old file's mode and
owner (or ``mode`` for a new file), an optional ``prepare`` step on the temporary file
(owner/group/mode options, a backup), then the rename. An exclusive lock on the
directory, held from read to rename, serialises concurrent runs against one file.
"""

import errno
import fcntl
import os
import tempfile
from contextlib import contextmanager

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError

NEW_FILE_MODE = 0o600


def read_existing(path, option, example_name=None):
    """The bytes of ``path``, or None when it does not exist. Errors name ``option`` and the fix.

    ``example_name``: the file a user most likely meant when ``path`` is a directory.
    """
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        if exc.errno == errno.EISDIR:
            hint = ', e.g. %s' % os.path.join(path, example_name) if example_name else ''
            raise BackendError('%s: %s is a directory: give the file itself%s' % (option, path, hint))
        if exc.errno == errno.EACCES:
            raise BackendError('%s: %s is not readable by this user: run with become or fix its permissions'
                               % (option, path))
        raise BackendError('%s: cannot read %s: %s' % (option, path, exc.strerror))


@contextmanager
def locked(directory, enabled=True):
    """Hold an exclusive lock on ``directory`` (when it exists and ``enabled``) for the ``with`` block."""
    fd = os.open(directory, os.O_RDONLY) if enabled and os.path.isdir(directory) else None
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _default_failure(option, path):
    def failure(exc, created):
        if not created:
            return BackendError('%s: cannot write in %s (%s): the location is read-only or not writable by this user'
                                % (option, os.path.dirname(path), exc.strerror))
        return BackendError('%s: writing %s failed (%s); the previous file is unchanged' % (option, path, exc.strerror))
    return failure


def write_atomically(path, data, option, mode=None, prepare=None, move=os.replace, failure=None):
    """Replace ``path`` with ``data`` (bytes); returns what ``prepare`` returned.

    ``mode``: the file's mode; None keeps the old file's mode and owner (0600 for a new file).
    ``prepare(tmp_path, exists)`` runs on the written temporary file before the rename (it may
    fail, and then the old file is untouched). ``move(tmp_path, path)`` renames. ``failure(exc,
    created)`` turns an OSError into the error to raise (``created``: the temporary file existed);
    by default the messages name ``option``.
    """
    failure = failure or _default_failure(option, path)
    exists = os.path.exists(path)
    try:
        fd, tmp_path = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    except OSError as exc:
        raise failure(exc, False)
    moved = False
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if mode is None and exists:
            stat = os.stat(path)
            os.chmod(tmp_path, stat.st_mode & 0o7777)
            if os.geteuid() == 0:
                os.chown(tmp_path, stat.st_uid, stat.st_gid)
        else:
            os.chmod(tmp_path, NEW_FILE_MODE if mode is None else mode)
        prepared = prepare(tmp_path, exists) if prepare is not None else None
        move(tmp_path, path)
        moved = True
    except OSError as exc:
        raise failure(exc, True)
    finally:
        # Also on a failure raised by prepare or move (even SystemExit): never leave the temp file behind.
        if not moved:
            remove_quietly(tmp_path)
    if not exists:
        # A move may give a new file the umask's mode; this one holds passwords.
        os.chmod(path, NEW_FILE_MODE if mode is None else mode)
    return prepared


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
