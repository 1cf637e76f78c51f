# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A second, deliberately simple reader of .config files with Liferay's semantics, used only by the tests.

It shares no code with plugins/module_utils/formats/osgi_config.py. It follows
docs/liferay-model.md §6 the short way: portal-file-install's TypedProperties
(lines joined at a trailing backslash, each trimmed; comments before the first
attribute; the first line that does not match the line pattern ends the file),
InterpolationUtil.substVars with a dictionary of system properties (and, for the
builds that have it, InterpolationUtil._unescape), then ConfigurationHandler.read.
Values come back as plain ``(type_code, kind, value)`` tuples. Where Liferay
would get null or throw, ValueError is raised.

``write`` spells a file differently from the module (CRLF, ``name = value``,
inline lists, every character outside ``[A-Za-z0-9._-]`` as a ``\\uXXXX``
escape), which Liferay reads the same.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

_S = r'[ \t\n\x0b\f\r]'
_LINE = re.compile(r'(%s*[0-9a-zA-Z_.-]+%s*)=(%s*[TILFDXSCBilfdxscb]?(?:\[.*\]|\{.*\}|\(.*\)|".*")%s*)'
                   % (_S, _S, _S, _S), re.DOTALL)
_NOT_DOT = '[^\n\r\u0085\u2028\u2029]'
_HAS_SUBST = re.compile(r'%s*\$\\*\{%s*\}%s*' % (_NOT_DOT, _NOT_DOT, _NOT_DOT))
_QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|.)', re.DOTALL)
_SIMPLE = {'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r'}
_TYPES = 'BXCDFILST'


def _trim(text):
    return text.strip(''.join(chr(c) for c in range(0x21)))


def _lines(text):
    return re.split(r'\r\n|\r|\n', text)


def subst(value, props):
    """InterpolationUtil.substVars: the innermost ``${...}`` first, a ``}`` after a backslash skipped."""
    for _attempt in range(10000):
        start = value.find('${')
        if start < 0:
            return value
        # The first unescaped '}' after some '${', and the last '${' before it.
        stop = next((i for i, ch in enumerate(value) if ch == '}' and (i == 0 or value[i - 1] != '\\')
                     and value.rfind('${', 0, i) >= 0), -1)
        if stop < 0:
            return value
        start = value.rfind('${', 0, stop)
        value = value[:start] + props.get(value[start + 2:stop], '') + value[stop + 1:]
    raise ValueError('no end')


def unescape(value):
    """InterpolationUtil._unescape (older builds)."""
    value = value.replace('$__', '$')
    if not _HAS_SUBST.fullmatch(value):
        return value
    out = value
    pos = 0
    while True:
        found = [m for m in (re.compile(r'\\+\{').search(out, pos), re.compile(r'\\+\}').search(out, pos)) if m]
        if not found:
            return out
        at = min(m.start() for m in found)
        if at >= len(out) - 1:
            return out
        if out[at + 1] in '{}\\':
            out = out[:at] + out[at + 1:]
        pos = at + 1


def _unquote(body):
    def one(match):
        code = match.group(1)
        if code.startswith('u') and len(code) == 5:
            return chr(int(code[1:], 16))
        if code == 'u':
            raise ValueError('bad \\u')
        return _SIMPLE.get(code, code)
    if body.endswith('\\') and not body.endswith('\\\\'):
        raise ValueError('lone backslash')
    text = _ESCAPE.sub(one, body)
    return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le')


def _typed(code, text):
    code = code.upper()
    if code in 'IXSL' and code:
        int(text)
    return text


def read_value(raw):
    """ConfigurationHandler.read: (type_code, kind, value)."""
    raw = raw.strip()
    type_code = ''
    if raw[:1] and raw[0].upper() in _TYPES and raw[1:2] in ('"', '[', '('):
        type_code, raw = raw[0], raw[1:]
    if raw.startswith('"'):
        match = _QUOTED.fullmatch(raw)
        if not match:
            raise ValueError('not one quoted value')
        return (type_code, 'scalar', _typed(type_code, _unquote(match.group(1))))
    if raw[:1] in ('[', '(') and raw[-1:] == {'[': ']', '(': ')'}[raw[0]]:
        kind = 'array' if raw[0] == '[' else 'collection'
        if kind == 'array' and type_code.islower():
            raise ValueError('no array type for a lower-case code')
        inner = raw[1:-1]
        items = [_typed(type_code, _unquote(m.group(1))) for m in _QUOTED.finditer(inner)]
        if _QUOTED.sub('', inner).replace(',', '').strip():
            raise ValueError('null list')
        return (type_code, kind, items)
    raise ValueError('null value')


def read(text, props=None, variant='plain'):
    """Ordered list of (name, (type_code, kind, value)); variant 'plain' or 'unescape'."""
    props = props or {}
    result = []
    pending = []
    for line in _lines(text):
        if line == '':
            continue
        if not _trim(line):
            raise ValueError('blank line with spaces: TypedProperties fails')
        if _trim(line).startswith('#'):
            continue
        if line.endswith('\\'):
            pending.append(_trim(line[:-1]))
            continue
        joined = ''.join(pending) + _trim(line)
        pending = []
        match = _LINE.fullmatch(joined)
        if not match:
            break  # "Unable to parse config line": the rest of the file is ignored
        raw = subst(_trim(match.group(2)), props)
        if variant == 'unescape':
            raw = unescape(raw)
        result.append((_trim(match.group(1)), read_value(raw)))
    return result


def _quote(text):
    out = []
    for unit in text:
        if re.match(r'[A-Za-z0-9._-]', unit):
            out.append(unit)
            continue
        data = unit.encode('utf-16-be', 'surrogatepass')
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
            rendered = opener + ', '.join('"%s"' % _quote(item) for item in value) + closer
        lines.append('%s = %s%s\r\n' % (name, type_code, rendered))
    return '# written by the reference codec\r\n' + ''.join(lines)
