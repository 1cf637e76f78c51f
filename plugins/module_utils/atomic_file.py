# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a file that holds passwords without ever leaving it half written.

Shared by the file backends: a temporary file in the same directory, fsync, the
old file's mode and owner (or 0600 for a new file), an optional backup, then
``module.atomic_move``. An exclusive lock on the directory, held from read to
rename, serialises concurrent runs against the same file.

Members of ``module`` used here: ``check_mode``, ``atomic_move``, ``backup_local``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import fcntl
import os
import tempfile

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import Backend, BackendError

NEW_FILE_MODE = 0o600


def read_existing(path, option, example_name=None):
    """The bytes of ``path``, or None when it does not exist. Errors name ``option`` and the fix.

    ``example_name``: the file a user most likely meant when ``path`` is a directory.
    """
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return None
        if exc.errno == errno.EISDIR:
            hint = ', e.g. %s' % os.path.join(path, example_name) if example_name else ''
            raise BackendError('%s: %s is a directory: give the file itself%s' % (option, path, hint))
        if exc.errno == errno.EACCES:
            raise BackendError('%s: %s is not readable by this user: run with become or fix its permissions'
                               % (option, path))
        raise BackendError('%s: cannot read %s: %s' % (option, path, exc.strerror))


def lock_directory(module, directory):
    """Take an exclusive lock on ``directory``; returns the descriptor to pass to unlock(), None in check mode."""
    if module.check_mode or not os.path.isdir(directory):
        return None
    fd = os.open(directory, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def unlock(fd):
    if fd is not None:
        os.close(fd)


def write_atomically(module, path, data, exists, option, backup=False):
    """Replace ``path`` with ``data`` (bytes). Returns the backup file name, or None.

    ``option`` names the module option that chose the file, so that errors say what to fix.
    """
    directory = os.path.dirname(path)
    try:
        fd, tmp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    except OSError as exc:
        raise BackendError('%s: cannot write in %s (%s): the location is read-only or not writable by this user'
                           % (option, directory, exc.strerror))
    backup_file = None
    moved = False
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if exists:
            stat = os.stat(path)
            os.chmod(tmp_path, stat.st_mode & 0o7777)
            if os.geteuid() == 0:
                os.chown(tmp_path, stat.st_uid, stat.st_gid)
        else:
            os.chmod(tmp_path, NEW_FILE_MODE)
        # Try the owner/group/mode options on the temp file first: a bad mode or an unknown
        # owner then fails (fail_json) before the old file is replaced.
        apply_file_attributes(module, tmp_path, False)
        if exists and backup:
            backup_file = module.backup_local(path)
        module.atomic_move(tmp_path, path, unsafe_writes=False)
        moved = True
    except OSError as exc:
        raise BackendError('%s: writing %s failed (%s); the previous file is unchanged' % (option, path, exc.strerror))
    finally:
        # Also on fail_json (SystemExit): never leave the temp file behind.
        if not moved:
            remove_quietly(tmp_path)
    if not exists:
        # atomic_move gives a new file the umask's mode; this one holds passwords.
        os.chmod(path, NEW_FILE_MODE)
    return backup_file


def apply_file_attributes(module, path, changed):
    """Apply the owner/group/mode options to ``path``; returns whether anything changed."""
    if not os.path.exists(path):
        return changed
    file_args = module.load_file_common_arguments(module.params, path=path)
    return bool(module.set_fs_attributes_if_different(file_args, changed))


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


class FileBackend(Backend):
    """A backend that owns one file: ``path``, its ``directory``, whether it ``exists``.

    run() holds the directory lock from read to rename, applies owner/group/mode, and
    names the option that chose the file (``file_option``) when the directory is missing.
    """

    file_option = 'path'

    def __init__(self, module, settings, path):
        super(FileBackend, self).__init__(module, settings)
        # A symlink is edited at its target, so the link survives.
        self.path = os.path.realpath(path)
        self.layer_name = self.path
        self.directory = os.path.dirname(self.path)
        self.exists = False

    def run(self):
        if not os.path.isdir(self.directory):
            raise BackendError('%s: the directory %s does not exist: create it first or correct %s'
                               % (self.file_option, self.directory, self.file_option))
        lock = lock_directory(self.module, self.directory)
        try:
            result = super(FileBackend, self).run()
            if self.exists:
                result['changed'] = apply_file_attributes(self.module, self.path, self.changed)
                self.check_written_file()
        finally:
            unlock(lock)
        result['path'] = self.path
        return result

    def check_written_file(self):
        """Hook for warnings about the file as it is now (e.g. its permissions)."""
