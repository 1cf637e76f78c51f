# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: properties``: the managed keys of portal-ext.properties (or a file it includes)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import fcntl
import os
import tempfile

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import Backend, BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.properties_file import (
    PropertiesDocument,
    PropertiesFileError,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS

NEW_FILE_MODE = 0o600


def properties_path(params):
    """The file to edit: ``path``, else ``<liferay_home>/portal-ext.properties``."""
    if params.get('path'):
        return params['path']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'portal-ext.properties')
    raise BackendError('path: backend properties needs path (or liferay_home) to know which file to edit')


def read_properties_document(path):
    """Parse an existing properties file; None when it does not exist. Errors name the path and the fix."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return None
        if exc.errno == errno.EISDIR:
            raise BackendError('path: %s is a directory: give the properties file itself, e.g. %s'
                               % (path, os.path.join(path, 'portal-ext.properties')))
        if exc.errno == errno.EACCES:
            raise BackendError('path: %s is not readable by this user: run with become or fix its permissions' % path)
        raise BackendError('path: cannot read %s: %s' % (path, exc.strerror))
    try:
        return PropertiesDocument.from_bytes(data)
    except PropertiesFileError as exc:
        raise BackendError('path: %s cannot be parsed as Liferay reads it (%s); fix or re-save the file as UTF-8' % (path, exc))


class PropertiesBackend(Backend):
    layer_name = 'portal-ext.properties'

    def __init__(self, module, settings):
        super(PropertiesBackend, self).__init__(module, settings)
        # A symlinked portal-ext.properties is edited at its target, so the link survives.
        self.path = os.path.realpath(properties_path(self.params))
        self.layer_name = self.path
        self.directory = os.path.dirname(self.path)
        self.document = None
        self.exists = False

    def run(self):
        if not os.path.isdir(self.directory):
            raise BackendError('path: the directory %s does not exist: create the Liferay home first or correct path'
                               % self.directory)
        lock = self._lock()
        try:
            result = super(PropertiesBackend, self).run()
            result.update(self._file_attributes())
        finally:
            if lock is not None:
                os.close(lock)
        result['path'] = self.path
        return result

    def _lock(self):
        """An exclusive lock on the directory, held from read to rename, so concurrent runs serialise."""
        if self.module.check_mode:
            return None
        fd = os.open(self.directory, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def read(self):
        self.document = read_properties_document(self.path)
        self.exists = self.document is not None
        if self.document is None:
            self.document = PropertiesDocument.from_text('')
        # Values as the portal reads them back ($${ as ${), so they compare with what the user gave.
        return dict((key, self.document.get(key, {})) for key in MANAGED_KEYS if self.document.get(key) is not None)

    def needs_write(self, before, desired):
        # reads_as() is false for a key defined twice (the portal merges duplicates into a comma list),
        # so duplicates are collapsed even when the first value already matches.
        for key, value in desired.items():
            if value is None and before.get(key) is not None:
                return True
            if value is not None and not self.document.reads_as(key, value):
                return True
        return False

    def write(self, desired):
        for key, value in desired.items():
            if value is None:
                self.document.remove(key)
            else:
                for warning in self.document.set(key, value):
                    self.module.warn(warning)
        self._atomic_write(self.document.to_bytes())

    def _atomic_write(self, data):
        try:
            fd, tmp_path = tempfile.mkstemp(dir=self.directory, prefix='.%s.' % os.path.basename(self.path), suffix='.tmp')
        except OSError as exc:
            raise BackendError('path: cannot write in %s (%s): the location is read-only or not writable by this user'
                               % (self.directory, exc.strerror))
        try:
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if self.exists:
                stat = os.stat(self.path)
                os.chmod(tmp_path, stat.st_mode & 0o7777)
                if os.geteuid() == 0:
                    os.chown(tmp_path, stat.st_uid, stat.st_gid)
                if self.params.get('backup'):
                    self.extra['backup_file'] = self.module.backup_local(self.path)
            else:
                os.chmod(tmp_path, NEW_FILE_MODE)
        except OSError as exc:
            _remove_quietly(tmp_path)
            raise BackendError('path: writing %s failed (%s); the previous file is unchanged' % (self.path, exc.strerror))
        created = not self.exists
        self.module.atomic_move(tmp_path, self.path, unsafe_writes=False)
        if created:
            # atomic_move gives a new file the umask's mode; this one holds passwords.
            os.chmod(self.path, NEW_FILE_MODE)
        self.exists = True

    def _file_attributes(self):
        """Apply owner/group/mode options; a new file without ``mode`` gets 0600 (it holds passwords)."""
        if not self.exists:
            return {}
        file_args = self.module.load_file_common_arguments(self.params, path=self.path)
        changed = self.module.set_fs_attributes_if_different(file_args, self.changed)
        return {'changed': bool(changed)}


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
