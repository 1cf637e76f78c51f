# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: env_file``: the mail keys as ``LIFERAY_*`` variables in a Docker env file.

Liferay's Docker images turn ``LIFERAY_*`` environment variables into portal
properties (EnvPropertiesUtil), and those win over portal-ext.properties. How names
and values are encoded so that the portal reads back exactly the settings, and which
values cannot be carried, is formats/env_file.py's (docs/liferay-model.md §2.3).
A managed variable given as a bare ``NAME`` line takes its value from the environment
of the container runtime: with ``update_password: on_create`` such a password line
is left alone.
"""

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import FileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.env_file import (
    PASSTHROUGH,
    UNRESOLVED,
    EnvFile,
    encode_env_value,
    encode_name,
    read_env_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import OPTION_FOR_KEY, SECRET_KEYS

# Characters that Docker Compose's default (interpolating) env_file format would not take literally.
_COMPOSE_UNSAFE = re.compile(r'[$"\'`#]|^\s|\s$')


class EnvFileBackend(FileBackend):
    file_option = 'env_file'

    def __init__(self, module, settings):
        if not module.params.get('env_file'):
            raise BackendError('env_file: backend env_file needs env_file, the path of the env file to write')
        super().__init__(module, settings, module.params['env_file'])
        self.encoded = {}
        self.keep = set()

    def load(self, path):
        return read_env_file(path)

    def new_document(self):
        return EnvFile('')

    def values(self):
        return dict((key, self.document.value(key)) for key in self.read_keys() if self.document.value(key) is not None)

    def check(self, desired):
        for key, value in desired.items():
            if UNRESOLVED in value or PASSTHROUGH in value:
                # update_password=on_create kept a password this module cannot see: leave its line alone.
                self.keep.add(key)
                continue
            self.encoded[key] = encode_env_value(key, value)
            if _COMPOSE_UNSAFE.search(value):
                self.module.warn(
                    "%s contains characters that Docker Compose's default env_file format does not take "
                    "literally ($, quotes, '#' or surrounding whitespace): give Compose the file as "
                    "'env_file: [{path: FILE, format: raw}]' (Compose 2.30+); docker run --env-file and "
                    "kubectl --from-env-file read it as written" % OPTION_FOR_KEY.get(key, key))

    def holds(self, key, value):
        # A kept line stays as it is; any other is rewritten unless it is the one canonical definition.
        return key in self.keep or (self.document.value(key) == value and self.document.is_canonical(key))

    def apply(self, desired):
        for key, value in desired.items():
            if value is None:
                self.document.remove(key)
            elif key not in self.keep:
                self.document.set(key, self.encoded[key])

    def to_bytes(self):
        return self.document.to_bytes()

    def holds_secret(self):
        return any(self.document.value(key) for key in SECRET_KEYS)

    def render(self, keymap):
        # The file holds variable names: show those, with the values the portal reads.
        lines = []
        for key in self.read_keys():
            value = keymap.get(key)
            if value is None:
                continue
            if value == PASSTHROUGH:
                value = '(from the environment of the container runtime)'
            value = value.replace(UNRESOLVED, '${...}')
            lines.append('%s=%s\n' % (encode_name(key), value.replace('\n', '\\n')))
        return ''.join(lines)
