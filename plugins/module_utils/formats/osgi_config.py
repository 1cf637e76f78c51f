# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Round-trip reader/writer for ``.config`` files as Liferay's portal-file-install reads them.

Liferay does not hand ``[Liferay Home]/osgi/configs/*.config`` to Felix: its own
``TypedProperties`` reads the file line by line (docs/liferay-model.md §6)::

    # comments, only before the first attribute
    name="plain string"
    companyId = L"20097"
    enableStartTLS=B"true"
    sendBlacklist=[\\
      "noreply@liferay.com",\\
      "test@liferay.com"\\
    ]

A line ending in a backslash continues on the next one (each physical line is
trimmed). The joined line must match ``name = value`` where the name holds only
letters, digits, ``-``, ``_`` and ``.``, and the value is a quoted, typed or
bracketed value with nothing after it; the first line that does not match ends
Liferay's reading of the file. Before the value is unquoted,
``InterpolationUtil.substVars`` replaces ``${name}`` by a JVM system property
(or by nothing). ``ConfigurationHandler`` then reads the typed value.

This reader is strict: wherever Liferay would stop reading, drop, or read a
value differently from its text, it raises :class:`OsgiConfigError` with the
line number, so a file is never "fixed" into a different one. The writer
escapes as ``ConfigurationHandler._writeQuoted`` does and refuses values that
Liferay would not read back unchanged.

Untouched entries, comments and blank lines are written back byte for byte;
changed entries keep their indentation and their ``=`` or `` = `` spelling.
"""

import re
import struct
import unicodedata
from collections import OrderedDict, namedtuple

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import OsgiConfigError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import JAVA_TRIM
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import may_hold_secret


SCALAR = 'scalar'
ARRAY = 'array'
COLLECTION = 'collection'
KINDS = (SCALAR, ARRAY, COLLECTION)

# Type letters of ConfigurationHandler; '' stands for a plain (untyped) string.
TYPE_CODES = 'TILFDXSCBilfdxscb'

_OPENERS = {'"': SCALAR, '[': ARRAY, '(': COLLECTION}
_CLOSERS = {ARRAY: ']', COLLECTION: ')'}

_NAMED_ESCAPES = {'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r'}
_ESCAPE_FOR = dict((v, '\\' + k) for k, v in _NAMED_ESCAPES.items())
# ConfigurationHandler._writeQuoted puts a backslash before these (docs/liferay-model.md §6).
_BACKSLASHED = '\\" ={}'
# Attribute names TypedProperties reads: the name part of its line pattern.
_NAME_RE = re.compile(r'[0-9A-Za-z_.-]+\Z')

_INTEGER_RE = re.compile(r'[+-]?[0-9]+\Z')
_DECIMAL_RE = re.compile(r'[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?\Z')
_HEX4_RE = re.compile(r'[0-9a-fA-F]{4}\Z')
_LINE_BREAK_RE = re.compile(r'\r\n|\r|\n')

_INT_RANGES = {
    'X': (-2 ** 7, 2 ** 7 - 1),
    'S': (-2 ** 15, 2 ** 15 - 1),
    'I': (-2 ** 31, 2 ** 31 - 1),
    'L': (-2 ** 63, 2 ** 63 - 1),
}
_JAVA_NAMES = {'X': 'byte', 'S': 'short', 'I': 'int', 'L': 'long', 'F': 'float', 'D': 'double'}

# Java's Character.isWhitespace() is false for the no-break spaces.
_NOT_JAVA_SPACE = '\u00a0\u2007\u202f'
# java.util.regex \s, and the characters Java's '.' does not match (no DOTALL).
_JAVA_S = ' \t\n\x0b\f\r'
_JAVA_NOT_DOT = '\n\r\u0085\u2028\u2029'

# TypedProperties' line pattern (docs/liferay-model.md §6), applied to the joined, trimmed lines.
_LINE_RE = re.compile(r'([%(s)s]*[0-9a-zA-Z_.-]+[%(s)s]*)=([%(s)s]*[TILFDXSCBilfdxscb]?'
                      r'(?:\[.*\]|\{.*\}|\(.*\)|".*")[%(s)s]*)\Z' % {'s': _JAVA_S}, re.DOTALL)
_INDENT_NAME_SEP_RE = re.compile(r'([%(s)s]*)([0-9a-zA-Z_.-]+)([%(s)s]*=[%(s)s]*)' % {'s': _JAVA_S})
# InterpolationUtil._unescape (the builds that have it): its three patterns.
_EXISTING_SUBST_VAR_RE = re.compile(r'[^%(n)s]*\$\\*\{[^%(n)s]*\}[^%(n)s]*\Z' % {'n': _JAVA_NOT_DOT})
_ESCAPED_OPENING_RE = re.compile(r'\\+\{')
_ESCAPED_CLOSING_RE = re.compile(r'\\+\}')
_SUBST_MARKER = '$__'
_SUBST_LIMIT = 1000


class ConfigValue(namedtuple('ConfigValue', ['type_code', 'value', 'kind'])):
    """One typed attribute value.

    ``type_code`` is '' for a plain string or one type letter; ``value`` is
    the text form (str) of a simple value, or a list of str for an array or a
    collection; ``kind`` is 'scalar', 'array' or 'collection' and is inferred
    from ``value`` when omitted.
    """
    __slots__ = ()

    def __new__(cls, type_code, value, kind=None):
        if isinstance(value, tuple):
            value = list(value)
        if kind is None:
            kind = ARRAY if isinstance(value, list) else SCALAR
        return super().__new__(cls, type_code, value, kind)

    def to_python(self):
        """bool, int, float or str, or a list of them for arrays/collections."""
        if self.kind == SCALAR:
            return _element_to_python(self.type_code, self.value)
        return [_element_to_python(self.type_code, item) for item in self.value]


def config_string(s):
    return ConfigValue('', _text(s))


def config_bool(b):
    return ConfigValue('B', 'true' if b else 'false')


def config_long(n):
    return _config_integer('L', n)


def config_int(n):
    return _config_integer('I', n)


def config_string_array(items):
    return ConfigValue('', [_text(item) for item in items], ARRAY)


def _config_integer(type_code, n):
    if isinstance(n, bool):
        raise ValueError('expected a whole number, got a boolean')
    value = int(n)
    low, high = _INT_RANGES[type_code]
    if not low <= value <= high:
        raise ValueError('%d is outside the range of a Java %s' % (value, _JAVA_NAMES[type_code]))
    return ConfigValue(type_code, str(value))


def _text(s):
    if not isinstance(s, str):
        raise TypeError('expected a string, got %s' % type(s).__name__)
    return s


def _element_to_python(type_code, text):
    code = type_code.upper()
    if code in ('', 'T', 'C'):
        return text
    if code == 'B':
        return text.lower() == 'true'
    if code in _INT_RANGES:
        return int(text)
    return _float_value(code, text)


def _float_value(code, text):
    # ConfigurationHandler reads a decimal, or the IEEE bit pattern when the text has no dot.
    if '.' in text:
        return float(text.rstrip('fFdD'))
    if code == 'F':
        return struct.unpack('>f', struct.pack('>i', int(text)))[0]
    return struct.unpack('>d', struct.pack('>q', int(text)))[0]


def _typed_problem(type_code, text):
    """Why Liferay would fail to read ``text`` as ``type_code``, or None."""
    code = type_code.upper()
    if code in ('', 'T', 'B'):
        # Boolean.valueOf: any text other than "true" (any case) is false.
        return None
    if code == 'C':
        return None if text else 'type C (Java char) needs one character'
    if code in _INT_RANGES:
        if _INTEGER_RE.match(text) and _INT_RANGES[code][0] <= int(text) <= _INT_RANGES[code][1]:
            return None
        return 'type %s needs a whole number in the range of a Java %s' % (code, _JAVA_NAMES[code])
    if code in ('F', 'D'):
        if _DECIMAL_RE.match(text):
            return None
        bits = 'I' if code == 'F' else 'L'
        if _INTEGER_RE.match(text) and _INT_RANGES[bits][0] <= int(text) <= _INT_RANGES[bits][1]:
            return None
        return 'type %s needs a decimal number or the Java %s bit pattern' % (code, _JAVA_NAMES[code])
    return 'unknown type code'


def check_config_value(name, config_value):
    """Raise OsgiConfigError unless ``config_value`` can be written and Liferay reads it back unchanged."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise OsgiConfigError('attribute %r: Liferay reads only attribute names made of letters, digits, '
                              '"-", "_" and "."' % (name,))
    if not isinstance(config_value, ConfigValue):
        raise OsgiConfigError('attribute %r: expected a ConfigValue' % name)
    type_code, value, kind = config_value
    if kind not in KINDS:
        raise OsgiConfigError('attribute %r: unknown kind %r' % (name, kind))
    if not isinstance(type_code, str) or (type_code != '' and (len(type_code) != 1 or type_code not in TYPE_CODES)):
        raise OsgiConfigError('attribute %r: unknown type code %r (use one of %s or \'\')'
                              % (name, type_code, TYPE_CODES))
    items = [value] if kind == SCALAR else value
    if kind != SCALAR and not isinstance(value, list):
        raise OsgiConfigError('attribute %r: an %s needs a list of strings' % (name, kind))
    for item in items:
        if not isinstance(item, str):
            raise OsgiConfigError('attribute %r: values are kept as strings, got %s' % (name, type(item).__name__))
        problem = _typed_problem(type_code, item)
        if problem is None:
            problem = _unencodable(item)
        if problem:
            raise OsgiConfigError('attribute %r: %s%s' % (name, problem, _shown(name, item)))
    if kind == ARRAY and type_code and type_code.islower():
        raise OsgiConfigError('attribute %r: Liferay cannot read an array with the lower-case type %r '
                              '(ConfigurationHandler finds no array type for it); use %r'
                              % (name, type_code, type_code.upper()))
    problem = round_trip_problem(config_value)
    if problem:
        raise OsgiConfigError('attribute %r: %s' % (name, problem))


def _unencodable(text):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return 'the value contains a lone surrogate and cannot be written as UTF-8'
    return None


def _shown(name, text):
    """A short quote of a value for messages, or nothing for secrets."""
    if may_hold_secret(name):
        return ''
    if len(text) > 40:
        text = text[:37] + '...'
    return ' (got %r)' % text


def _canonical_element(code, text):
    if code in ('', 'T'):
        return text
    if code in ('F', 'D'):
        number = _float_value(code, text)
        return struct.pack('>f' if code == 'F' else '>d', number)
    if code == 'C':
        return text[:1]
    return _element_to_python(code, text)


def _canonical(config_value):
    """What Liferay hands to the component; used to compare values."""
    type_code, value, kind = config_value
    code = type_code.upper()
    if kind == ARRAY:
        # i[...] is an int[], I[...] an Integer[]: different Java objects.
        array_code = '' if type_code == 'T' else type_code
        return (kind, array_code, tuple(_canonical_element(code, item) for item in value))
    if code == 'T':
        code = ''
    if kind == COLLECTION:
        return (kind, code, tuple(_canonical_element(code, item) for item in value))
    return (kind, code, _canonical_element(code, value))


def same_value(a, b):
    """True when two ConfigValues mean the same to Liferay, whatever their spelling."""
    if a is None or b is None:
        return a is b
    try:
        return _canonical(a) == _canonical(b)
    except (ValueError, struct.error):
        return a == b


# ---------------------------------------------------------------- writing

def _escape(text):
    """ConfigurationHandler._writeQuoted (docs/liferay-model.md §6)."""
    out = []
    for ch in text:
        if ch in _BACKSLASHED:
            out.append('\\' + ch)
        elif ch in _ESCAPE_FOR:
            out.append(_ESCAPE_FOR[ch])
        elif ord(ch) < 0x20:
            out.append('\\u%04x' % ord(ch))
        else:
            out.append(ch)
    return ''.join(out)


def render_value(config_value, newline='\n'):
    """The text Liferay's ConfigurationHandler.write gives one value (without the name)."""
    type_code, value, kind = config_value
    if kind == SCALAR:
        return '%s"%s"' % (type_code, _escape(value))
    # _writeArray / _writeCollection: one element per line, no comma after the last.
    continuation = '\\' + newline
    elements = (',' + continuation).join('  "%s"' % _escape(item) for item in value)
    opener, closer = ('[', ']') if kind == ARRAY else ('(', ')')
    if elements:
        elements += continuation
    return '%s%s%s%s%s' % (type_code, opener, continuation, elements, closer)


def render_entry(name, config_value, newline='\n', separator='='):
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise OsgiConfigError('attribute %r: Liferay reads only attribute names made of letters, digits, '
                              '"-", "_" and "."' % (name,))
    return '%s%s%s%s' % (name, separator, render_value(config_value, newline), newline)


# ---------------------------------------------------------------- Liferay's reading, step by step

def _java_trim(text):
    """String.trim(): drops every character up to U+0020 at both ends."""
    return text.strip(JAVA_TRIM)


def _is_java_space(ch):
    """Character.isWhitespace."""
    if ch in '\t\n\x0b\f\r\x1c\x1d\x1e\x1f':
        return True
    return unicodedata.category(ch) in ('Zs', 'Zl', 'Zp') and ch not in _NOT_JAVA_SPACE


def subst_vars(value, lookup=None):
    """InterpolationUtil.substVars without _unescape: ``${name}`` -> lookup(name), or "" when unknown.

    ``lookup`` stands for System.getProperty; None knows no property. Raises ValueError where
    Liferay's loop would never end (a ``${`` whose every later ``}`` is escaped).
    """
    seen = set()
    for _round in range(_SUBST_LIMIT):
        start = value.find('${')
        stop = value.find('}')
        while start >= 0 and stop >= 0:
            state = (value, start, stop)
            if state in seen:
                raise ValueError('InterpolationUtil.substVars never finishes on this value')
            seen.add(state)
            while stop > 0 and value[stop - 1] == '\\':
                stop = value.find('}', stop + 1)
            while stop >= 0:
                index = value.find('${', start + 2)
                if index < 0 or index > stop:
                    break
                start = index
            if start < stop:
                break
            stop = value.find('}', stop + 1)
            start = value.find('${')
        if start < 0 or stop < 0:
            return value
        variable = value[start + 2:stop]
        replacement = lookup(variable) if (lookup is not None and variable) else None
        value = value[:start] + (replacement or '') + value[stop + 1:]
    raise ValueError('InterpolationUtil.substVars never finishes on this value')


def _escaped_brace_at(value, start):
    found = [m.start() for m in (_ESCAPED_OPENING_RE.search(value, start), _ESCAPED_CLOSING_RE.search(value, start))
             if m is not None]
    return min(found) if found else -1


def unescape_braces(value):
    """InterpolationUtil._unescape, in the builds that run it after substVars (docs/liferay-model.md §6)."""
    value = value.replace(_SUBST_MARKER, '$')
    if not _EXISTING_SUBST_VAR_RE.match(value):
        return value
    escape = _escaped_brace_at(value, 0)
    while 0 <= escape < len(value) - 1:
        if value[escape + 1] in '{}\\':
            value = value[:escape] + value[escape + 1:]
        escape = _escaped_brace_at(value, escape + 1)
    return value


def _join_surrogates(text, name, line):
    if not any('\ud800' <= ch <= '\udfff' for ch in text):
        return text
    try:
        return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le')
    except UnicodeDecodeError:
        raise OsgiConfigError('a \\u escape in attribute %r is a lone UTF-16 surrogate' % name, line)


def _read_quoted(raw, pos, name, line):
    """ConfigurationHandler._readQuoted from ``pos`` (after the opening quote): (text, index of the closing quote)."""
    chars = []
    escaped = False
    end = len(raw)
    while True:
        if pos >= end:
            raise OsgiConfigError('the value of %r is not closed by a double quote' % name, line)
        ch = raw[pos]
        if ch == '"':
            break
        pos += 1
        if ch != '\\':
            chars.append(ch)
            continue
        escaped = True
        if pos >= end:
            raise OsgiConfigError('the value of %r ends with a lone backslash' % name, line)
        ch = raw[pos]
        pos += 1
        if ch == 'u':
            digits = raw[pos:pos + 4]
            if not _HEX4_RE.match(digits):
                raise OsgiConfigError('\\u must be followed by four hexadecimal digits (attribute %r)' % name, line)
            chars.append(chr(int(digits, 16)))
            pos += 4
        else:
            chars.append(_NAMED_ESCAPES.get(ch, ch))
    text = ''.join(chars)
    if escaped:
        text = _join_surrogates(text, name, line)
    return text, pos


def _skip_java_space(raw, pos):
    while pos < len(raw) and _is_java_space(raw[pos]):
        pos += 1
    return pos


def _checked(type_code, text, name, line):
    problem = _typed_problem(type_code, text)
    if problem:
        raise OsgiConfigError('attribute %r: %s%s' % (name, problem, _shown(name, text)), line)
    return text


def decode_value(raw, name='value', line=None):
    """ConfigurationHandler.read of an interpolated value, strictly: a ConfigValue, or OsgiConfigError."""
    pos = _skip_java_space(raw, 0)
    type_code = ''
    if pos < len(raw) and raw[pos] in TYPE_CODES:
        type_code = raw[pos]
        pos += 1
    opener = raw[pos:pos + 1]
    if opener == '"':
        text, pos = _read_quoted(raw, pos + 1, name, line)
        value = ConfigValue(type_code, _checked(type_code, text, name, line), SCALAR)
        pos += 1
    elif opener in ('[', '('):
        kind = _OPENERS[opener]
        if kind == ARRAY and type_code.islower():
            raise OsgiConfigError('attribute %r: Liferay cannot read an array with the lower-case type %r '
                                  '(ConfigurationHandler finds no array type for it); write %r'
                                  % (name, type_code, type_code.upper()), line)
        items, pos = _read_list(raw, pos + 1, name, type_code, kind, line)
        value = ConfigValue(type_code, items, kind)
    elif opener == '{':
        raise OsgiConfigError('attribute %r: Liferay\'s ConfigurationHandler reads no value in braces '
                              '(the attribute would be null)' % name, line)
    else:
        raise OsgiConfigError('attribute %r: the value must be quoted or typed, e.g. name="text", B"true", '
                              'L"20097", ["a","b"]' % name, line)
    if _skip_java_space(raw, pos) != len(raw):
        raise OsgiConfigError('attribute %r: text after the value, which Liferay ignores; put each attribute '
                              'on its own line' % name, line)
    return value


def _read_list(raw, pos, name, type_code, kind, line):
    """ConfigurationHandler._readArray/_readCollection from after the opening bracket."""
    closer = _CLOSERS[kind]
    items = []
    while True:
        pos = _skip_java_space(raw, pos)
        ch = raw[pos:pos + 1]
        if ch == '"':
            text, pos = _read_quoted(raw, pos + 1, name, line)
            items.append(_checked(type_code, text, name, line))
            pos = _skip_java_space(raw, pos + 1)
            ch = raw[pos:pos + 1]
        if ch == closer:
            return items, pos + 1
        if ch == 'u':
            raise OsgiConfigError('the list of %r is not closed by %r' % (name, closer), line)
        if ch == '"':
            raise OsgiConfigError('missing "," between the elements of %r (Liferay reads the attribute as null)'
                                  % name, line)
        if ch != ',':
            raise OsgiConfigError('unexpected character in the list of %r%s; elements are quoted and separated '
                                  'by "," (Liferay reads the attribute as null)' % (name, _shown(name, ch)), line)
        pos += 1


def join_lines(lines):
    """TypedProperties._readProperty for lines already known to belong to one attribute."""
    parts = []
    for content in lines:
        if content == '':
            continue
        if content.endswith('\\'):
            content = content[:-1]
        parts.append(_java_trim(content))
    return ''.join(parts)


def interpretations(raw, lookup=None):
    """The text ConfigurationHandler gets from one raw value, for each InterpolationUtil Liferay has shipped.

    Newer builds run substVars only; older ones also run _unescape (docs/liferay-model.md §6).
    """
    substituted = subst_vars(raw, lookup)
    return substituted, unescape_braces(substituted)


def round_trip_problem(config_value):
    """Why Liferay would not read ``config_value`` back as written, or None."""
    rendered = render_value(config_value, '\n')
    raw = _java_trim(join_lines(rendered.split('\n')))
    try:
        readings = [decode_value(text) for text in interpretations(raw)]
    except (OsgiConfigError, ValueError):
        readings = [None]
    if all(reading == config_value for reading in readings):
        return None
    return ('the value cannot be written so that Liferay reads it back unchanged: its InterpolationUtil turns '
            '"$__" into "$" and, in a value with "${...}", drops a backslash before "{", "}" or "\\" '
            '(portal-file-install reads .config files that way); change the value')


# ---------------------------------------------------------------- reading a file

# Where one attribute came from, to write it back untouched or edit it in place.
_Entry = namedtuple('_Entry', ['leading', 'text', 'value', 'line', 'indent', 'separator'])


def _physical_lines(text):
    """BufferedReader.readLine: (start offset, content, line break) for each line."""
    lines = []
    pos = 0
    for match in _LINE_BREAK_RE.finditer(text):
        lines.append((pos, text[pos:match.start()], match.group()))
        pos = match.end()
    if pos < len(text):
        lines.append((pos, text[pos:], ''))
    return lines


def _comment_lines(trivia):
    return [line.strip() for line in _LINE_BREAK_RE.split(trivia) if line.strip().startswith('#')]


_STOPS = 'Liferay stops reading the file at this line ("Unable to parse config line") and ignores the rest of it'


def _unparsable(logical, line):
    """A helpful reason why a joined line does not match TypedProperties' pattern."""
    name_part, sep, value_part = logical.partition('=')
    name = _java_trim(name_part)
    if not sep:
        reason = 'expected name="value" (no "=" found)'
    elif not name:
        reason = 'missing attribute name before "="'
    elif not _NAME_RE.match(name):
        reason = 'attribute names may hold only letters, digits, "-", "_" and "." (got %r)' % name[:40]
    elif re.search(r'["\])}][^"\])}]*#', value_part) and not re.search(r'["\])}][%s]*\Z' % _JAVA_S, value_part):
        reason = 'attribute %r: text after the value (a "# comment" cannot follow a value)' % name
    else:
        reason = ('attribute %r: the value must be quoted or typed, with nothing after it, e.g. name="text", '
                  'B"true", L"20097", ["a","b"]' % name)
    return OsgiConfigError('%s; %s' % (reason, _STOPS), line)


def _read_attribute_value(raw, name, line):
    """(ConfigValue as the newest Liferay reads it, whether the reading is unstable)."""
    try:
        plain, unescaped = interpretations(raw)
    except ValueError as exc:
        raise OsgiConfigError('attribute %r: %s' % (name, exc), line)
    value = decode_value(plain, name, line)
    unstable = plain != raw or decode_value(unescaped, name, line) != value
    return value, unstable


def parse_config(text):
    """Parse the text (str, or UTF-8 bytes) of a .config file into an OsgiConfigDocument."""
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise OsgiConfigError('the file is not valid UTF-8 (byte %d)' % exc.start)
    if text.startswith('\ufeff'):
        raise OsgiConfigError('the file starts with a byte order mark, which Liferay would read as part '
                              'of the first attribute name; save it as UTF-8 without BOM', 1)
    lines = _physical_lines(text)
    entries = OrderedDict()
    unstable = set()
    trivia_start = 0
    header = None
    i = 0
    while i < len(lines):
        content = lines[i][1]
        trimmed = _java_trim(content)
        if content == '':
            i += 1
            continue
        if trimmed == '':
            raise OsgiConfigError('a line of only spaces or tabs: Liferay\'s TypedProperties fails on it and reads '
                                  'nothing of the file; make it empty', i + 1)
        if trimmed.startswith('#'):
            if entries:
                raise OsgiConfigError('a comment after the first attribute: Liferay logs "Comment must be at '
                                      'beginning of config file" and drops it when it saves the file; move it '
                                      'to the top', i + 1)
            i += 1
            continue
        first = i
        parts = []
        while True:
            content = lines[i][1]
            trimmed = _java_trim(content)
            if content != '' and trimmed == '':
                raise OsgiConfigError('a line of only spaces or tabs: Liferay\'s TypedProperties fails on it and '
                                      'reads nothing of the file; make it empty', i + 1)
            if trimmed.startswith('#'):
                raise OsgiConfigError('a comment inside an attribute that continues over several lines', i + 1)
            parts.append(content)
            i += 1
            if content != '' and not content.endswith('\\'):
                break
            if i >= len(lines):
                raise OsgiConfigError('the attribute continues (its line ends with "\\") past the end of the '
                                      'file; Liferay drops it', first + 1)
        logical = join_lines(parts)
        match = _LINE_RE.match(logical)
        if not match:
            raise _unparsable(logical, first + 1)
        name = _java_trim(match.group(1))
        value, shaky = _read_attribute_value(_java_trim(match.group(2)), name, first + 1)
        if name in entries:
            raise OsgiConfigError('attribute %r appears twice (lines %d and %d); Liferay would use the '
                                  'last one, remove the other' % (name, entries[name].line, first + 1), first + 1)
        if shaky:
            unstable.add(name)
        start = lines[first][0]
        end = lines[i - 1][0] + len(lines[i - 1][1]) + len(lines[i - 1][2])
        leading = text[trivia_start:start]
        if header is None:
            header, leading = leading, ''
        layout = _INDENT_NAME_SEP_RE.match(lines[first][1])
        indent, separator = (layout.group(1), layout.group(3)) if layout else ('', '=')
        entries[name] = _Entry(leading, text[start:end], value, first + 1, indent, separator)
        trivia_start = end
    trailer = text[trivia_start:]
    if header is None:
        header, trailer = trailer, ''
    first_break = _LINE_BREAK_RE.search(text)
    newline = first_break.group(0) if first_break else '\n'
    return OsgiConfigDocument._from_parse(header, entries, trailer, newline, unstable)


class OsgiConfigDocument:
    """An ordered set of typed attributes plus the comments at the top of the file.

    ``comments``: comment lines before the first attribute (each starting with '#').
    ``attributes``: OrderedDict name -> ConfigValue, in file order, as the newest Liferay reads them
    with no JVM system property set.
    ``unstable``: names whose value Liferay may read differently from that: the text holds a
    ``${...}`` that InterpolationUtil replaces, or Liferay builds disagree on it. Such a value is
    never taken as equal to a wanted one, so setting it rewrites it.
    ``separator``: how new entries join name and value: ``=``, or `` = `` when the file uses that.
    """

    def __init__(self, attributes=None, comments=None, newline='\n'):
        self.comments = list(comments or [])
        self.attributes = OrderedDict()
        self.newline = newline
        self.unstable = set()
        self.separator = '='
        self._header = None
        self._header_comments = None
        self._entries = OrderedDict()
        self._trailer = ''
        for name, value in (attributes or {}).items():
            self.set(name, value)

    @classmethod
    def _from_parse(cls, header, entries, trailer, newline, unstable=()):
        doc = cls(newline=newline)
        doc.unstable = set(unstable)
        if any(entry.separator != '=' for entry in entries.values()):
            doc.separator = ' = '  # the spelling of TypedProperties.save in the builds that use " = "
        doc.comments = _comment_lines(header)
        doc._header = header
        doc._header_comments = list(doc.comments)
        doc._entries = entries
        doc._trailer = trailer
        for name, entry in entries.items():
            doc.attributes[name] = entry.value
        return doc

    def __repr__(self):
        # Values stay out of the repr so a stray print cannot show a password.
        return 'OsgiConfigDocument(%s)' % ', '.join(self.attributes)

    def get(self, name, default=None):
        return self.attributes.get(name, default)

    def set(self, name, config_value):
        """Set one attribute (kept in place if it exists, else appended).

        Returns True if the value changed in meaning.
        """
        if not isinstance(name, str) or not name:
            raise OsgiConfigError('attribute names must be non-empty strings')
        check_config_value(name, config_value)
        changed = name in self.unstable or not same_value(self.attributes.get(name), config_value)
        if changed or name not in self.attributes:
            self.attributes[name] = config_value
            if name in self.unstable and name in self._entries:
                # written anew, even with the same meaning
                self._entries[name] = self._entries[name]._replace(value=None)
            self.unstable.discard(name)
        return changed

    def remove(self, name):
        """Remove one attribute; returns True if it was there."""
        self.unstable.discard(name)
        return self.attributes.pop(name, None) is not None

    def same_attributes(self, other):
        """Equal names and equal typed values, whatever the formatting and order."""
        mine, theirs = self.attributes, other.attributes
        if set(mine) != set(theirs):
            return False
        return all(same_value(mine[name], theirs[name]) for name in mine)

    def to_python(self):
        return OrderedDict((name, value.to_python()) for name, value in self.attributes.items())

    def to_text(self):
        nl = self.newline
        parts = [self._render_header()]
        for name, value in self.attributes.items():
            entry = self._entries.get(name)
            if entry is None:
                parts.append(render_entry(name, value, nl, self.separator))
                continue
            parts.append(entry.leading)
            if value == entry.value:
                parts.append(entry.text)
            else:
                # Edited in place: the entry keeps its indentation and its "=" or " = ".
                parts.append(entry.indent + render_entry(name, value, nl, entry.separator))
        parts.append(self._trailer)
        # An untouched last line may lack its line break; add one only where text follows.
        out = []
        for part in parts:
            if not part:
                continue
            if out and not out[-1].endswith(('\n', '\r')):
                out.append(nl)
            out.append(part)
        return ''.join(out)

    def _render_header(self):
        if self._header is not None and self.comments == self._header_comments:
            return self._header
        lines = []
        for comment in self.comments:
            comment = ' '.join(str(comment).splitlines())
            lines.append(comment if comment.lstrip().startswith('#') else '# ' + comment)
        return ''.join(line + self.newline for line in lines)
