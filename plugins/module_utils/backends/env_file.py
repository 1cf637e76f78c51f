# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: env_file``: the mail keys as ``LIFERAY_*`` variables in a Docker env file.

Liferay's Docker images turn ``LIFERAY_*`` environment variables into portal
properties (EnvPropertiesUtil), and those win over portal-ext.properties. The
file is in the format of ``docker run --env-file`` (and Compose's
``env_file`` with ``format: raw``, and ``kubectl create secret --from-env-file``):
``NAME=value`` lines, ``#`` comments, values taken literally, no quotes, no
escapes, no line breaks.

How the portal reads a value (docs/liferay-model.md §2.3, decided by the real Commons Configuration 1.10):
it is not Java-unescaped, but it is list-split twice (once by the composite
configuration, once by the in-memory store) whenever its first comma sits after
index 0, and each split trims the pieces and turns ``\\,`` into ``,`` and ``\\\\``
into ``\\``; a single piece is then interpolated (``$${`` reads as ``${``).
So a value is written as follows:

* without a comma: literally (only ``${`` becomes ``$${``);
* with a comma: every ``\\`` and ``,`` escaped twice (``\\`` -> four backslashes,
  ``,`` -> ``\\\\\\,``), so both splits keep it whole and give it back unchanged;
* refused, naming the option: a line break (the advanced properties hold one
  JavaMail property per line, so at most one fits), and a value with a comma
  that starts or ends with whitespace (both splits trim it).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import stat
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import (
    FileBackend,
    read_existing,
    write_atomically,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_env import decode_name, encode_name, value_pieces
from ansible_collections.liferay_ops.mail.plugins.module_utils.properties_file import interpolate
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    ADVANCED_PROPERTIES,
    MANAGED_KEYS,
    OPTION_FOR_KEY,
    SECRET_KEYS,
    masked,
)

# Characters that Docker Compose's default (interpolating) env_file format would not take literally.
_COMPOSE_UNSAFE = re.compile(r'[$"\'`#]|^\s|\s$')
# Stand-ins that never equal a wanted value (options cannot hold control characters): a ${name} the portal
# would resolve, and a bare NAME line, whose value comes from the environment of the container runtime.
_UNRESOLVED = u'\x00'
_PASSTHROUGH = u'\x01'


def _option(key):
    # The module option behind a key, so that an error names what the user wrote.
    return OPTION_FOR_KEY.get(key, key)


def _escape_for_split(text):
    return text.replace('\\', '\\\\').replace(',', '\\,')


def encode_env_value(key, value):
    """The text to write after ``NAME=`` so that the portal reads back exactly ``value``.

    Raises BackendError naming the option for a value that cannot be carried.
    """
    option = _option(key)
    if '\n' in value or '\r' in value:
        if key == ADVANCED_PROPERTIES:
            raise BackendError(
                'javamail_properties: backend env_file can hold only one JavaMail property: Liferay reads the '
                'advanced properties as one property per line, and a Docker env file cannot hold a line break. '
                'Keep one property here, or manage the mail settings with backend properties in a '
                'portal-ext.properties mounted into the container')
        raise BackendError('%s: contains a line break, which a Docker env file cannot hold' % option)
    if ',' in value and (value[:1] <= ' ' or value[-1:] <= ' '):
        raise BackendError(
            '%s: contains a comma and starts or ends with whitespace; Liferay splits an environment value at '
            'commas and trims it, so it cannot be passed unchanged: remove the surrounding whitespace' % option)
    text = value.replace('${', '$${')
    if ',' in text:
        text = _escape_for_split(_escape_for_split(text))
    return text


def portal_reads(raw):
    """The value Liferay gets from an environment variable holding ``raw`` (see the module docstring)."""
    pieces = value_pieces(raw)
    if len(pieces) > 1:
        return ','.join(pieces)
    return interpolate(pieces[0], lambda name: _UNRESOLVED)


class EnvFileLine(object):
    """One physical line: its text without the terminator, the terminator, and the key it sets (if managed)."""

    def __init__(self, text, ending):
        self.text = text
        self.ending = ending
        self.key = None
        self.raw = None
        content = text[:-1] if text.endswith('\r') else text
        stripped = content.lstrip()
        if not stripped or stripped.startswith('#'):
            return
        name, sep, value = stripped.partition('=')
        key = decode_name(name.strip())
        if key in MANAGED_KEYS:
            self.key = key
            # A bare NAME copies the variable from the environment of `docker run`: unknown here.
            self.raw = value if sep else None


class EnvFile(object):
    """A Docker env file edited in place: managed lines replaced or removed, every other byte kept."""

    def __init__(self, text):
        self.lines = [EnvFileLine(match.group(1), match.group(2)) for match in re.finditer(r'([^\n]*)(\n|$)', text)
                      if match.group(0)]
        first = self.lines[0] if self.lines else None
        self.newline = '\r\n' if first is not None and first.text.endswith('\r') and first.ending else '\n'

    def definitions(self, key):
        return [line for line in self.lines if line.key == key]

    def value(self, key):
        """What the portal reads for ``key`` (the last definition wins), None when the file does not set it."""
        found = self.definitions(key)
        if not found:
            return None
        raw = found[-1].raw
        return _PASSTHROUGH if raw is None else portal_reads(raw)

    def is_canonical(self, key):
        found = self.definitions(key)
        return len(found) == 1 and found[0].raw is not None

    def set(self, key, encoded):
        text = '%s=%s' % (encode_name(key), encoded)
        found = self.definitions(key)
        if found:
            carriage = '\r' if found[0].text.endswith('\r') else ''
            found[0].text = text + carriage
            found[0].raw = encoded
            self._drop(found[1:])
            return
        if self.lines and not self.lines[-1].ending:
            self.lines[-1].ending = self.newline
        line = EnvFileLine(text + ('\r' if self.newline == '\r\n' else ''), '\n')
        self.lines.append(line)

    def remove(self, key):
        self._drop(self.definitions(key))

    def _drop(self, lines):
        self.lines = [line for line in self.lines if not any(line is gone for gone in lines)]

    def to_bytes(self):
        return ''.join(line.text + line.ending for line in self.lines).encode('utf-8')


def read_env_file(path):
    """Parse an existing env file; None when it does not exist. Errors name the option and the fix."""
    data = read_existing(path, 'env_file', 'liferay-mail.env')
    if data is None:
        return None
    try:
        return EnvFile(data.decode('utf-8'))
    except UnicodeDecodeError:
        raise BackendError('env_file: %s is not UTF-8 text; re-save it as UTF-8' % path)


class EnvFileBackend(FileBackend):
    file_option = 'env_file'

    def __init__(self, module, settings):
        if not module.params.get('env_file'):
            raise BackendError('env_file: backend env_file needs env_file, the path of the env file to write')
        super(EnvFileBackend, self).__init__(module, settings, module.params['env_file'])
        self.document = None
        self.encoded = {}
        self.keep = set()

    def read(self):
        self.document = read_env_file(self.path)
        self.exists = self.document is not None
        if self.document is None:
            self.document = EnvFile('')
        return dict((key, self.document.value(key)) for key in MANAGED_KEYS if self.document.value(key) is not None)

    def plan(self, current):
        desired = super(EnvFileBackend, self).plan(current)
        if self.params.get('state') != 'absent':
            for key, value in desired.items():
                if _UNRESOLVED in value or _PASSTHROUGH in value:
                    # update_password=on_create kept a password this module cannot see: leave its line alone.
                    self.keep.add(key)
                    continue
                self.encoded[key] = encode_env_value(key, value)
                if _COMPOSE_UNSAFE.search(value):
                    self.module.warn(
                        "%s contains characters that Docker Compose's default env_file format does not take "
                        "literally ($, quotes, '#' or surrounding whitespace): give Compose the file as "
                        "'env_file: [{path: FILE, format: raw}]' (Compose 2.30+); docker run --env-file and "
                        "kubectl --from-env-file read it as written" % _option(key))
        return desired

    def needs_write(self, before, desired):
        for key, value in desired.items():
            if key in self.keep:
                continue
            if value is None:
                if self.document.definitions(key):
                    return True
            elif before.get(key) != value or not self.document.is_canonical(key):
                return True
        return False

    def write(self, desired):
        for key, value in desired.items():
            if value is None:
                self.document.remove(key)
            elif key not in self.keep:
                self.document.set(key, self.encoded[key])
        backup_file = write_atomically(self.module, self.path, self.document.to_bytes(), self.exists, 'env_file',
                                       backup=self.params.get('backup'))
        if backup_file:
            self.extra['backup_file'] = backup_file
        self.exists = True

    def dump(self):
        result = super(EnvFileBackend, self).dump()
        if 'diff' in result:
            # The file holds variable names: show those, with the values the portal reads (secrets masked).
            after = OrderedDict((key, value) for key, value in self.after.items() if value is not None)
            result['diff']['before'] = _render(masked(self.before))
            result['diff']['after'] = _render(masked(after))
        return result

    def check_written_file(self):
        mode = stat.S_IMODE(os.stat(self.path).st_mode)
        if mode & 0o077 and any(self.document.value(key) for key in SECRET_KEYS):
            self.module.warn('%s holds a password and is readable by group or others (mode %04o): set mode: "0600"'
                             % (self.path, mode))


def _render(keymap):
    lines = []
    for key in MANAGED_KEYS:
        value = keymap.get(key)
        if value is None:
            continue
        if value == _PASSTHROUGH:
            value = '(from the environment of the container runtime)'
        value = value.replace(_UNRESOLVED, '${...}')
        lines.append('%s=%s\n' % (encode_name(key), value.replace('\n', '\\n')))
    return ''.join(lines)
