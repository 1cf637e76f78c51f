# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A second, deliberately simple Felix .config codec, used only by the tests.

It shares no code with plugins/module_utils/osgi_config_file.py: it tokenises
with one regular expression and a small state machine, represents values as
plain ``(type_code, kind, value)`` tuples, and writes a different (but valid)
spelling: one line per attribute, inline lists, CRLF line ends, and every
character outside ``[A-Za-z0-9._-]`` as a ``\\uXXXX`` escape. Only well-formed
input is expected; anything else raises ValueError.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

_ESCAPED = r'\\(?:u[0-9a-fA-F]{4}|[^u])'
_TOKENS = re.compile(r'''
    (?P<comment>\#[^\r\n]*)
  | (?P<space>[ \t\f]+)
  | (?P<eol>\r\n|\r|\n)
  | (?P<continuation>\\(?:\r\n|\r|\n))
  | (?P<name>(?:%(esc)s|[^ \t\r\n\f\v="\\\[\](),\#])(?:%(esc)s|[^ \t\r\n\f\v="\\])*)(?==)
  | (?P<equals>=)
  | (?P<type>[TILFDXSCBilfdxscb])(?=["\[(])
  | (?P<string>"(?:%(esc)s|[^"\\])*")
  | (?P<open>[\[(])
  | (?P<close>[\])])
  | (?P<comma>,)
''' % {'esc': _ESCAPED}, re.VERBOSE | re.DOTALL)

_SIMPLE = {'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r'}
_KIND_OF = {'[': 'array', '(': 'collection'}
_CLOSE_OF = {'array': ']', 'collection': ')'}


def _unescape(body):
    def one(match):
        code = match.group(1)
        if code is None or code in ('\r\n', '\r', '\n'):
            return '\n'  # a raw or escaped line break reads as one newline
        if code.startswith('u'):
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)
    text = re.sub(r'\\(u[0-9a-fA-F]{4}|\r\n|.)|\r\n?', one, body, flags=re.DOTALL)
    return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le')


def read(text):
    """Return an ordered list of (name, (type_code, kind, value))."""
    result = []
    state = 'line'
    name = type_code = kind = None
    items = None
    for match in _TOKENS.finditer(text):
        token, lexeme = match.lastgroup, match.group()
        if token in ('space', 'continuation') or (token == 'eol' and state in ('line', 'list')):
            continue
        if state in ('line', 'end') and token == 'comment':
            continue  # Felix also takes a comment after a value
        if state == 'line' and token == 'name':
            name, type_code, state = _unescape(lexeme), '', 'equals'
        elif state == 'equals' and token == 'equals':
            state = 'value'
        elif state == 'value' and token == 'type':
            type_code, state = lexeme, 'typed'
        elif state in ('value', 'typed') and token == 'string':
            result.append((name, (type_code, 'scalar', _unescape(lexeme[1:-1]))))
            state = 'end'
        elif state in ('value', 'typed') and token == 'open':
            kind, items, state = _KIND_OF[lexeme], [], 'list'
        elif state == 'list' and token == 'string':
            items.append(_unescape(lexeme[1:-1]))
        elif state == 'list' and token == 'comma':
            continue
        elif state == 'list' and token == 'close' and lexeme == _CLOSE_OF[kind]:
            result.append((name, (type_code, kind, items)))
            state = 'end'
        elif state == 'end' and token == 'eol':
            state = 'line'
        else:
            raise ValueError('unexpected %s at offset %d in state %s' % (token, match.start(), state))
    if state not in ('line', 'end'):
        raise ValueError('truncated input in state %s' % state)
    consumed = sum(len(m.group()) for m in _TOKENS.finditer(text))
    if consumed != len(text):
        raise ValueError('text the tokenizer does not recognise')
    return result


def _quote(text):
    out = []
    for unit in text:
        if re.match(r'[A-Za-z0-9._-]', unit):
            out.append(unit)
            continue
        data = unit.encode('utf-16-be')
        for i in range(0, len(data), 2):
            out.append('\\u%02x%02x' % (data[i], data[i + 1]))
    return ''.join(out)


def write(attributes):
    """attributes: iterable of (name, (type_code, kind, value)); returns text."""
    lines = []
    for name, (type_code, kind, value) in attributes:
        if kind == 'scalar':
            rendered = '"%s"' % _quote(value)
        else:
            opener, closer = ('[', ']') if kind == 'array' else ('(', ')')
            rendered = opener + ','.join('"%s"' % _quote(item) for item in value) + closer
        lines.append('%s=%s%s\r\n' % (_quote(name), type_code, rendered))
    return '# written by the reference codec\r\n' + ''.join(lines)
