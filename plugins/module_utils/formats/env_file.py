# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Liferay's ``LIFERAY_*`` environment-variable names for portal properties (docs/liferay-model.md §2).

The portal decodes ``LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL`` to ``mail.session.mail``
(EnvPropertiesUtil.decode): the name after the prefix is lower-cased, and ``_TOKEN_`` is the
name of a ``char`` field of com.liferay.petra.string.CharPool without its underscores
(``PERIOD``, ``UPPERCASEB``...), else a decimal code point that Character.isDefined accepts.
Any other token stays literally, underscores included.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import string
import unicodedata

from ansible_collections.liferay_ops.mail.plugins.module_utils.properties_file import split_list

PREFIX = 'LIFERAY_'

# Every char field of com.liferay.petra.string.CharPool, by its name without underscores -> character.
# Only these names decode; BACKTICK, DOUBLEQUOTE or GRAVEACCENT are not fields and stay literal.
_NAMED = {
    'AMPERSAND': '&', 'APOSTROPHE': "'", 'ARABICDECIMALSEPARATOR': u'\u066b', 'AT': '@', 'BACKSLASH': '\\',
    'CARET': '^', 'CLOSEBRACKET': ']', 'CLOSECURLYBRACE': '}', 'CLOSEPARENTHESIS': ')', 'COLON': ':', 'COMMA': ',',
    'DASH': '-', 'DELETE': u'\u007f', 'DOLLAR': '$', 'EQUAL': '=', 'EXCLAMATION': '!', 'FIGURESPACE': u'\u2007',
    'FORWARDSLASH': '/', 'GREATERTHAN': '>', 'LESSTHAN': '<', 'MINUS': '-', 'NARROWNOBREAKSPACE': u'\u202f',
    'NEWLINE': '\n', 'NOBREAKSPACE': u'\u00a0', 'OPENBRACKET': '[', 'OPENCURLYBRACE': '{', 'OPENPARENTHESIS': '(',
    'PERCENT': '%', 'PERIOD': '.', 'PIPE': '|', 'PLUS': '+', 'POUND': '#', 'PRIME': '`', 'QUESTION': '?',
    'QUOTE': '"', 'RAQUO': u'\u00bb', 'RETURN': '\r', 'SEMICOLON': ';', 'SLASH': '/', 'SPACE': ' ', 'STAR': '*',
    'TAB': '\t', 'TILDE': '~', 'UNDERLINE': '_',
}
for _letter in string.ascii_uppercase:
    _NAMED['UPPERCASE' + _letter] = _letter
    _NAMED['LOWERCASE' + _letter] = _letter.lower()
for _digit in string.digits:
    _NAMED['NUMBER' + _digit] = _digit

# Java String.trim() removes every character up to U+0020.
_JAVA_TRIM = ''.join(chr(code) for code in range(0x21))
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
    text = token.strip(_JAVA_TRIM)
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


def parse_env_file(text):
    """Docker ``--env-file`` format: ``NAME=value`` lines, ``#`` comments, no quoting or escapes."""
    variables = {}
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped or stripped.startswith('#') or '=' not in stripped:
            continue
        name, value = stripped.split('=', 1)
        variables[name.rstrip()] = value
    return variables


def mail_overrides(variables, keys):
    """The subset of ``variables`` that overrides one of ``keys``: key -> (variable name, value)."""
    found = {}
    for name in sorted(variables):
        key = decode_name(name)
        if key in keys:
            found[key] = (name, variables[name])
    return found


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
