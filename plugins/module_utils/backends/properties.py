# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: properties``: the managed keys of portal-ext.properties (or a file it includes)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import (
    FileBackend,
    read_existing,
    write_atomically,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.properties_file import (
    PropertiesDocument,
    PropertiesFileError,
    encode_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS, OPTION_FOR_KEY


def properties_path(params):
    """The file to edit: ``path``, else ``<liferay_home>/portal-ext.properties``."""
    if params.get('path'):
        return params['path']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'portal-ext.properties')
    raise BackendError('path: backend properties needs path (or liferay_home) to know which file to edit')


def read_properties_document(path):
    """Parse an existing properties file; None when it does not exist. Errors name the path and the fix."""
    data = read_existing(path, 'path', 'portal-ext.properties')
    if data is None:
        return None
    try:
        return PropertiesDocument.from_bytes(data)
    except PropertiesFileError as exc:
        raise BackendError('path: %s cannot be parsed as Liferay reads it (%s); fix or re-save the file as UTF-8' % (path, exc))


class PropertiesBackend(FileBackend):
    def __init__(self, module, settings):
        super(PropertiesBackend, self).__init__(module, settings, properties_path(module.params))
        self.document = None

    def read(self):
        self.document = read_properties_document(self.path)
        self.exists = self.document is not None
        if self.document is None:
            self.document = PropertiesDocument.from_text('')
        # Values as the portal reads them back ($${ as ${), so they compare with what the user gave.
        return dict((key, self.document.get(key, {})) for key in MANAGED_KEYS if self.document.get(key) is not None)

    def plan(self, current):
        desired = super(PropertiesBackend, self).plan(current)
        # Refuse, before anything is written (and in check mode too), a value the portal could not read back.
        for key, value in desired.items():
            if value is not None:
                try:
                    encode_value(value)
                except PropertiesFileError as exc:
                    raise BackendError('%s: %s; remove the surrounding whitespace' % (OPTION_FOR_KEY.get(key, key), exc))
        return desired

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
        backup = write_atomically(self.module, self.path, self.document.to_bytes(), self.exists, 'path',
                                  backup=self.params.get('backup'))
        if backup:
            self.extra['backup_file'] = backup
        self.exists = True
