# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Docker env files and Liferay's ``LIFERAY_*`` environment variables (docs/liferay-model.md §2).

**Names.**
The portal decodes ``LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL`` to ``mail.session.mail``
(EnvPropertiesUtil.decode): the name after the prefix is lower-cased, and ``_TOKEN_`` is the
name of a ``char`` field of com.liferay.petra.string.CharPool without its underscores
(``PERIOD``, ``UPPERCASEB``...), else a decimal code point that Character.isDefined accepts.
Any other token stays literally, underscores included.

**Values.** The portal does not Java-unescape a value, but list-splits it twice (once by the
composite configuration, once by the in-memory store) whenever its first comma sits after
index 0; each split trims the pieces and turns ``\\,`` into ``,`` and ``\\\\`` into ``\\``;
a single piece is then interpolated (``$${`` reads as ``${``). So a value is written:

* without a comma: literally (only ``${`` becomes ``$${``);
* with a comma: every ``\\`` and ``,`` escaped twice, so both splits keep it whole;
* refused, naming the option: a line break (a Docker env file cannot hold one), and a value
  with a comma that starts or ends with whitespace (both splits trim it).

**The file** is in the format of ``docker run --env-file`` (and Compose's ``env_file`` with
``format: raw``, and ``kubectl create secret --from-env-file``): ``NAME=value`` lines, ``#``
comments, leading blanks ignored, values taken literally, no quotes, no escapes. A line that
holds only ``NAME`` (no ``=``) passes the variable of that name through from the environment
of the process that starts the container (``docker run``, Compose), as Docker does; its value
is not in the file, so readers report it as unknown (``PASSTHROUGH``).
"""

import re
import string
import unicodedata
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import read_existing
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import EnvFileError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import JAVA_TRIM, interpolate, split_list
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import ADVANCED_PROPERTIES, OPTION_FOR_KEY

PREFIX = 'LIFERAY_'

# Every char field of com.liferay.petra.string.CharPool, by its name without underscores -> character.
# Only these names decode; BACKTICK, DOUBLEQUOTE or GRAVEACCENT are not fields and stay literal.
_NAMED = {
    'AMPERSAND': '&', 'APOSTROPHE': "'", 'ARABICDECIMALSEPARATOR': '\u066b', 'AT': '@', 'BACKSLASH': '\\',
    'CARET': '^', 'CLOSEBRACKET': ']', 'CLOSECURLYBRACE': '}', 'CLOSEPARENTHESIS': ')', 'COLON': ':', 'COMMA': ',',
    'DASH': '-', 'DELETE': '\u007f', 'DOLLAR': '$', 'EQUAL': '=', 'EXCLAMATION': '!', 'FIGURESPACE': '\u2007',
    'FORWARDSLASH': '/', 'GREATERTHAN': '>', 'LESSTHAN': '<', 'MINUS': '-', 'NARROWNOBREAKSPACE': '\u202f',
    'NEWLINE': '\n', 'NOBREAKSPACE': '\u00a0', 'OPENBRACKET': '[', 'OPENCURLYBRACE': '{', 'OPENPARENTHESIS': '(',
    'PERCENT': '%', 'PERIOD': '.', 'PIPE': '|', 'PLUS': '+', 'POUND': '#', 'PRIME': '`', 'QUESTION': '?',
    'QUOTE': '"', 'RAQUO': '\u00bb', 'RETURN': '\r', 'SEMICOLON': ';', 'SLASH': '/', 'SPACE': ' ', 'STAR': '*',
    'TAB': '\t', 'TILDE': '~', 'UNDERLINE': '_',
}
for _letter in string.ascii_uppercase:
    _NAMED['UPPERCASE' + _letter] = _letter
    _NAMED['LOWERCASE' + _letter] = _letter.lower()
for _digit in string.digits:
    _NAMED['NUMBER' + _digit] = _digit

_INT_MAX = 2 ** 31 - 1

# The names the encoder prefers for characters that need one.
_PREFERRED = {'.': 'PERIOD', '-': 'MINUS', '_': 'UNDERLINE', ' ': 'SPACE', ':': 'COLON', ',': 'COMMA',
              '[': 'OPENBRACKET', ']': 'CLOSEBRACKET', '/': 'SLASH'}


def encode_name(key):
    """The environment variable name that Liferay decodes back to ``key``."""
    out = []
    for char in key:
        if char in string.ascii_lowercase:
            out.append(char.upper())
        elif char in string.digits:
            out.append(char)
        elif char in string.ascii_uppercase:
            out.append('_UPPERCASE%s_' % char)
        elif char in _PREFERRED:
            out.append('_%s_' % _PREFERRED[char])
        else:
            out.append('_%d_' % ord(char))
    return PREFIX + ''.join(out)


def _parse_int(token):
    """GetterUtil.get(token, -1): trimmed, optional sign, ASCII digits, within int range; else -1."""
    text = token.strip(JAVA_TRIM)
    body = text[1:] if text[:1] in ('+', '-') else text
    if not body or any(char not in string.digits for char in body):
        return -1
    number = int(text)
    if not -_INT_MAX - 1 <= number <= _INT_MAX:
        return -1
    return number


def is_defined(code):
    """Character.isDefined(int): an assigned code point (surrogates and private use included).

    Python's Unicode database stands in for Java's; they differ only for characters assigned in
    a Unicode version that one of them does not know yet (Java 17 knows Unicode 13.0).
    """
    return 0 <= code <= 0x10FFFF and unicodedata.category(chr(code)) != 'Cn'


def _decode_token(token):
    named = _NAMED.get(token.upper())
    if named is not None:
        return named
    code = _parse_int(token)
    if is_defined(code):
        return chr(code)
    return None


def decode_name(name):
    """The property key a ``LIFERAY_*`` variable sets, or None when the name lacks the prefix."""
    if not name.startswith(PREFIX):
        return None
    text = name[len(PREFIX):].lower()
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != '_':
            out.append(char)
            index += 1
            continue
        close = text.find('_', index + 1)
        if close == -1:
            out.append(text[index:])
            break
        token = text[index + 1:close]
        decoded = _decode_token(token) if token else None
        out.append(decoded if decoded is not None else text[index:close + 1])
        index = close + 1
    return ''.join(out)


def value_pieces(raw):
    """The list pieces Liferay makes of a ``LIFERAY_*`` variable holding ``raw``.

    The value is not Java-unescaped but list-split twice (once by the composite
    configuration, once by the in-memory store); each split trims the pieces and
    reads ``\\,`` as ``,`` and ``\\\\`` as ``\\``. More than one piece means a list.
    """
    pieces = []
    for piece in split_list(raw):
        pieces.extend(split_list(piece))
    return pieces


# Stand-ins that never equal a wanted value (options cannot hold control characters): a ${name} the portal
# would resolve, and a bare NAME line, whose value comes from the environment of the container runtime.
UNRESOLVED = '\x00'
PASSTHROUGH = '\x01'


def portal_reads(raw):
    """The value Liferay gets from an environment variable holding ``raw`` (see the module docstring)."""
    pieces = value_pieces(raw)
    if len(pieces) > 1:
        return ','.join(pieces)
    return interpolate(pieces[0], lambda name: UNRESOLVED)


def _escape_for_split(text):
    return text.replace('\\', '\\\\').replace(',', '\\,')


def encode_env_value(key, value):
    """The text to write after ``NAME=`` so that the portal reads back exactly ``value``.

    Raises EnvFileError naming the option for a value that cannot be carried.
    """
    option = OPTION_FOR_KEY.get(key, key)
    if '\n' in value or '\r' in value:
        if key == ADVANCED_PROPERTIES:
            raise EnvFileError(
                'javamail_properties: backend env_file can hold only one JavaMail property: Liferay reads the '
                'advanced properties as one property per line, and a Docker env file cannot hold a line break. '
                'Keep one property here, or manage the mail settings with backend properties in a '
                'portal-ext.properties mounted into the container')
        raise EnvFileError('%s: contains a line break, which a Docker env file cannot hold' % option)
    if ',' in value and (value[:1] <= ' ' or value[-1:] <= ' '):
        raise EnvFileError(
            '%s: contains a comma and starts or ends with whitespace; Liferay splits an environment value at '
            'commas and trims it, so it cannot be passed unchanged: remove the surrounding whitespace' % option)
    text = value.replace('${', '$${')
    if ',' in text:
        text = _escape_for_split(_escape_for_split(text))
    return text


class EnvFileLine:
    """One physical line: its text without the terminator, the terminator, and the variable it sets.

    ``name`` is the variable (None for a blank or comment line), ``key`` the property it sets (None
    without the LIFERAY_ prefix), ``raw`` the text after ``=`` (None for a bare ``NAME`` line).
    """

    def __init__(self, text, ending):
        self.text = text
        self.ending = ending
        self.name = self.key = self.raw = None
        content = text[:-1] if text.endswith('\r') else text
        stripped = content.lstrip()
        if not stripped or stripped.startswith('#'):
            return
        name, sep, value = stripped.partition('=')
        self.name = name.strip()
        self.key = decode_name(self.name)
        self.raw = value if sep else None


class EnvFile:
    """A Docker env file edited in place: managed lines replaced or removed, every other byte kept."""

    def __init__(self, text):
        self.lines = [EnvFileLine(match.group(1), match.group(2)) for match in re.finditer(r'([^\n]*)(\n|$)', text)
                      if match.group(0)]
        first = self.lines[0] if self.lines else None
        self.newline = '\r\n' if first is not None and first.text.endswith('\r') and first.ending else '\n'

    def variables(self):
        """Variable name -> raw text (None for a bare NAME line), the last definition of a name winning."""
        found = OrderedDict()
        for line in self.lines:
            if line.name:
                found.pop(line.name, None)
                found[line.name] = line.raw
        return found

    def definitions(self, key):
        return [line for line in self.lines if line.key is not None and line.key == key]

    def value(self, key):
        """What the portal reads for ``key`` (the last definition wins), None when the file does not set it."""
        found = self.definitions(key)
        if not found:
            return None
        raw = found[-1].raw
        return PASSTHROUGH if raw is None else portal_reads(raw)

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
        self.lines.append(EnvFileLine(text + ('\r' if self.newline == '\r\n' else ''), '\n'))

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
        raise EnvFileError('env_file: %s is not UTF-8 text; re-save it as UTF-8' % path)


def parse_env_file(text):
    """Variable name -> raw text of an env file's variables; None for a bare NAME line (see EnvFile)."""
    return EnvFile(text).variables()


def mail_overrides(variables, keys):
    """The subset of ``variables`` that overrides one of ``keys``: key -> (variable name, raw text or None)."""
    found = {}
    for name in sorted(variables):
        key = decode_name(name)
        if key in keys:
            found[key] = (name, variables[name])
    return found
