# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: properties``: the managed keys of portal-ext.properties (or a file it includes)."""

import os

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import FileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, PropertiesFileError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import (
    PropertiesDocument,
    encode_value,
    read_properties_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import OPTION_FOR_KEY
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import OPTION_FOR_SURFACE_KEY


def properties_path(params):
    """The file to edit: ``path``, else ``<liferay_home>/portal-ext.properties``."""
    if params.get('path'):
        return params['path']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'portal-ext.properties')
    raise BackendError('path: backend properties needs path (or liferay_home) to know which file to edit')


class PropertiesBackend(FileBackend):
    def __init__(self, module, settings):
        super().__init__(module, settings, properties_path(module.params))

    def load(self, path):
        return read_properties_file(path)

    def new_document(self):
        return PropertiesDocument.from_text('')

    def values(self):
        # Values as the portal reads them back ($${ as ${), so they compare with what the user gave.
        return dict((key, self.document.get(key, {})) for key in self.read_keys() if self.document.get(key) is not None)

    def check(self, desired):
        for key, value in desired.items():
            if value is not None:
                try:
                    encode_value(value)
                except PropertiesFileError as exc:
                    raise PropertiesFileError('%s: %s; remove the surrounding whitespace'
                                              % (OPTION_FOR_KEY.get(key, OPTION_FOR_SURFACE_KEY.get(key, key)), exc))

    def holds(self, key, value):
        # reads_as() is false for a key defined twice (the portal merges duplicates into a comma list),
        # so duplicates are collapsed even when the first value already matches.
        return self.document.reads_as(key, value)

    def apply(self, desired):
        for key, value in desired.items():
            if value is None:
                self.document.remove(key)
            else:
                for warning in self.document.set(key, value):
                    self.module.warn(warning)

    def to_bytes(self):
        return self.document.to_bytes()
