# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Round-trip reader/writer for Apache Felix ``.config`` files.

Liferay reads ``[Liferay Home]/osgi/configs/*.config`` with the Felix
Configuration Admin syntax::

    # comment
    name="plain string"
    companyId=L"20097"
    enableStartTLS=B"true"
    sendBlacklist=[ \\
      "noreply@liferay.com", \\
      ]

Type codes: T (string, usually omitted), I, L, F, D, X (byte), S (short),
C (char), B (boolean); lower case for Java primitives. Values are a quoted
simple value, an array ``[...]`` or a collection ``(...)``.

Felix itself is lenient: a value it cannot read is silently dropped, and
everything after some mistakes is ignored. This reader is strict instead and
raises :class:`OsgiConfigError` (with the line number) wherever Felix would
lose or misread data, so a broken file is never "fixed" into a different one.

Untouched entries, comments and blank lines are written back byte for byte;
changed and new entries are written the way Felix writes them.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import bisect
import re
import struct
from collections import OrderedDict, namedtuple


SCALAR = 'scalar'
ARRAY = 'array'
COLLECTION = 'collection'
KINDS = (SCALAR, ARRAY, COLLECTION)

# Felix type codes; '' stands for a plain (untyped) string.
TYPE_CODES = 'TILFDXSCBilfdxscb'

_OPENERS = {'"': SCALAR, '[': ARRAY, '(': COLLECTION}
_CLOSERS = {ARRAY: ']', COLLECTION: ')'}

_NAMED_ESCAPES = {'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r'}
_ESCAPE_FOR = dict((v, '\\' + k) for k, v in _NAMED_ESCAPES.items())
# Characters Felix escapes with a plain backslash when it writes a value.
_BACKSLASHED = '\\" ='
# An attribute name starting with one of these would not be read as a name.
_NAME_START_ESCAPED = '#[](),'

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
_NOT_JAVA_SPACE = u'\u00a0\u2007\u202f'


class OsgiConfigError(Exception):
    """A malformed .config file or an invalid value; never carries a password."""

    def __init__(self, message, line=None):
        self.line = line
        self.reason = message
        if line is not None:
            message = 'line %d: %s' % (line, message)
        super(OsgiConfigError, self).__init__(message)


class ConfigValue(namedtuple('ConfigValue', ['type_code', 'value', 'kind'])):
    """One typed attribute value.

    ``type_code`` is '' for a plain string or one Felix type code; ``value`` is
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
        return super(ConfigValue, cls).__new__(cls, type_code, value, kind)

    def to_python(self):
        """bool, int, float or str, or a list of them for arrays/collections."""
        if self.kind == SCALAR:
            return _element_to_python(self.type_code, self.value)
        return [_element_to_python(self.type_code, item) for item in self.value]


# Free-text attributes that may embed a password (e.g. mail.smtp.proxy.password=... lines).
_SECRET_TEXT_NAMES = frozenset(('additionaljavamailproperties',))


def is_secret_name(name):
    """Attributes whose values must never appear in messages."""
    lowered = (name or '').lower()
    return 'password' in lowered or lowered in _SECRET_TEXT_NAMES


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
    # Felix writes floats as their IEEE bit pattern; newer readers also take decimals.
    if '.' in text:
        return float(text.rstrip('fFdD'))
    if code == 'F':
        return struct.unpack('>f', struct.pack('>i', int(text)))[0]
    return struct.unpack('>d', struct.pack('>q', int(text)))[0]


def _typed_problem(type_code, text):
    """Why Felix would fail to read ``text`` as ``type_code``, or None."""
    code = type_code.upper()
    if code in ('', 'T', 'B'):
        # Felix reads any boolean text other than "true" (any case) as false.
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
        return 'type %s needs a decimal number or the Java %s bit pattern Felix writes' % (code, _JAVA_NAMES[code])
    return 'unknown type code'


def check_config_value(name, config_value):
    """Raise OsgiConfigError unless ``config_value`` can be written and read back."""
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


def _unencodable(text):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return 'the value contains a lone surrogate and cannot be written as UTF-8'
    return None


def _shown(name, text):
    """A short quote of a value for messages, or nothing for secrets."""
    if is_secret_name(name):
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
    """What Felix hands to the component; used to compare values."""
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
    """True when two ConfigValues mean the same to Felix, whatever their spelling."""
    if a is None or b is None:
        return a is b
    try:
        return _canonical(a) == _canonical(b)
    except (ValueError, struct.error):
        return a == b


# ---------------------------------------------------------------- writing

def _escape(text, is_name=False):
    out = []
    for ch in text:
        if ch in _BACKSLASHED:
            out.append('\\' + ch)
        elif ch in _ESCAPE_FOR:
            out.append(_ESCAPE_FOR[ch])
        elif ord(ch) < 0x20 or (is_name and _is_java_space(ch)):
            out.append('\\u%04x' % ord(ch))
        else:
            out.append(ch)
    if is_name and text and text[0] in _NAME_START_ESCAPED:
        out[0] = '\\' + out[0]
    return ''.join(out)


def render_value(config_value, newline='\n'):
    """The text Felix would write for one value (without the name)."""
    type_code, value, kind = config_value
    if kind == SCALAR:
        return '%s"%s"' % (type_code, _escape(value))
    continuation = ' \\' + newline
    elements = ''.join('  "%s",%s' % (_escape(item), continuation) for item in value)
    if kind == ARRAY:
        return '%s[%s%s  ]' % (type_code, continuation, elements)
    return '%s(%s%s)' % (type_code, continuation, elements)


def render_entry(name, config_value, newline='\n'):
    return '%s=%s%s' % (_escape(name, is_name=True), render_value(config_value, newline), newline)


# ---------------------------------------------------------------- reading

def _is_java_space(ch):
    return ch.isspace() and ch not in _NOT_JAVA_SPACE


class _Entry(object):
    """Where one attribute came from, to write it back untouched."""
    __slots__ = ('leading', 'text', 'value', 'line')

    def __init__(self, leading, text, value, line):
        self.leading = leading
        self.text = text
        self.value = value
        self.line = line


class _Scanner(object):
    """Character scanner over the whole file; positions map to line numbers."""

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.end = len(text)
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK_RE.finditer(text)]

    def line_at(self, pos=None):
        return bisect.bisect_right(self.line_starts, self.pos if pos is None else pos)

    def line_start(self, pos):
        return self.line_starts[self.line_at(pos) - 1]

    def peek(self, offset=0):
        i = self.pos + offset
        return self.text[i] if i < self.end else ''

    def fail(self, message, pos=None):
        raise OsgiConfigError(message, self.line_at(pos))

    def at_line_break(self):
        return self.peek() in ('\r', '\n')

    def skip_line_break(self):
        if self.text.startswith('\r\n', self.pos):
            self.pos += 2
        elif self.at_line_break():
            self.pos += 1

    def skip_space(self):
        while self.pos < self.end and _is_java_space(self.text[self.pos]):
            self.pos += 1

    def skip_to_line_end(self):
        while self.pos < self.end and not self.at_line_break():
            self.pos += 1

    def skip_space_and_continuations(self):
        while True:
            self.skip_space()
            if self.peek() == '\\' and self.peek(1) in ('\r', '\n'):
                self.pos += 1
                continue
            return

    def read_escape(self, name):
        """Decode the escape whose backslash was just consumed."""
        ch = self.peek()
        if ch == '':
            self.fail('a backslash ends the file')
        if ch == 'u':
            digits = self.text[self.pos + 1:self.pos + 5]
            if not _HEX4_RE.match(digits):
                self.fail('\\u must be followed by four hexadecimal digits%s'
                          % ('' if name is None else ' (attribute %r)' % name))
            self.pos += 5
            return chr(int(digits, 16))
        if ch == '\r' or ch == '\n':
            # Felix reads an escaped line break as a newline character.
            self.skip_line_break()
            return '\n'
        self.pos += 1
        return _NAMED_ESCAPES.get(ch, ch)


def _join_surrogates(text, scanner, name, line):
    if not any(u'\ud800' <= ch <= u'\udfff' for ch in text):
        return text
    try:
        return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le')
    except UnicodeDecodeError:
        raise OsgiConfigError('a \\u escape in %s is a lone UTF-16 surrogate'
                              % ('an attribute name' if name is None else 'attribute %r' % name), line)


def _read_name(scanner):
    start = scanner.pos
    line = scanner.line_at()
    first = scanner.peek()
    if first == '=':
        scanner.fail('missing attribute name before "="')
    if first in '[](),"':
        scanner.fail('an attribute name cannot start with %r (escape it with a backslash)' % first)
    chars = []
    has_escape = False
    while True:
        ch = scanner.peek()
        if ch == '=':
            scanner.pos += 1
            break
        if ch == '' or ch in ('\r', '\n'):
            scanner.fail('expected name="value" (no "=" found on this line)', start)
        if ch == '"':
            scanner.fail('a double quote in an attribute name must be escaped')
        if _is_java_space(ch):
            rest = _LINE_BREAK_RE.split(scanner.text[scanner.pos:], 1)[0]
            if '=' not in rest:
                scanner.fail('expected name="value" (no "=" found on this line)', start)
            scanner.fail('whitespace in an attribute name or before "=" (Felix would make it part '
                         'of the name); write name="value" without spaces')
        scanner.pos += 1
        if ch == '\\':
            has_escape = True
            chars.append(scanner.read_escape(None))
        else:
            chars.append(ch)
    name = ''.join(chars)
    if has_escape:
        name = _join_surrogates(name, scanner, None, line)
    return name


def _read_quoted(scanner, name, type_code):
    """Read a quoted simple value; the opening quote was consumed."""
    start_line = scanner.line_at(scanner.pos - 1)
    chars = []
    has_escape = False
    while True:
        ch = scanner.peek()
        if ch == '':
            raise OsgiConfigError('the value of %r is not closed by a double quote' % name, start_line)
        if ch == '"':
            scanner.pos += 1
            break
        if ch == '=':
            scanner.fail('unescaped "=" in the value of %r (Felix stops reading the value there); '
                         'write it as \\=' % name)
        if ch in ('\r', '\n'):
            # Felix keeps a raw line break inside quotes as one newline.
            scanner.skip_line_break()
            chars.append('\n')
            continue
        scanner.pos += 1
        if ch == '\\':
            has_escape = True
            chars.append(scanner.read_escape(name))
        else:
            chars.append(ch)
    text = ''.join(chars)
    if has_escape:
        text = _join_surrogates(text, scanner, name, start_line)
    problem = _typed_problem(type_code, text)
    if problem:
        raise OsgiConfigError('attribute %r: %s%s' % (name, problem, _shown(name, text)), start_line)
    return text


def _read_list(scanner, name, type_code, kind):
    """Read array/collection elements; the opening bracket was consumed."""
    closer = _CLOSERS[kind]
    start_line = scanner.line_at(scanner.pos - 1)
    items = []
    expect_element = True
    while True:
        scanner.skip_space_and_continuations()
        ch = scanner.peek()
        if ch == closer:
            scanner.pos += 1
            return items
        if ch == '"' and expect_element:
            scanner.pos += 1
            items.append(_read_quoted(scanner, name, type_code))
            expect_element = False
        elif ch == ',':
            scanner.pos += 1
            expect_element = True
        elif ch == '':
            raise OsgiConfigError('the list of %r is not closed by %r' % (name, closer), start_line)
        elif ch == '"':
            scanner.fail('missing "," between the elements of %r' % name)
        else:
            scanner.fail('unexpected character in the list of %r%s; elements are quoted and separated by ","'
                         % (name, _shown(name, ch)))


def _read_value(scanner, name):
    type_code = ''
    ch = scanner.peek()
    if ch in TYPE_CODES and ch:
        type_code = ch
        scanner.pos += 1
        ch = scanner.peek()
    if ch == '"':
        scanner.pos += 1
        return ConfigValue(type_code, _read_quoted(scanner, name, type_code), SCALAR)
    if ch in ('[', '('):
        scanner.pos += 1
        kind = _OPENERS[ch]
        return ConfigValue(type_code, _read_list(scanner, name, type_code, kind), kind)
    if ch == '' or ch in ('\r', '\n'):
        if not type_code:
            scanner.fail('attribute %r has no value after "="' % name)
    elif _is_java_space(ch):
        scanner.fail('attribute %r: the value must follow "=" directly, without spaces '
                     '(Felix ignores it otherwise)' % name)
    scanner.fail('attribute %r: the value must be quoted or typed, e.g. name="text", B"true", '
                 'L"20097", ["a","b"]' % name)


def _finish_line(scanner, name):
    """Allow trailing blanks and a # comment after a value, then the line break."""
    while scanner.peek() in (' ', '\t', '\f', '\v') and scanner.peek():
        scanner.pos += 1
    if scanner.peek() == '#':
        scanner.skip_to_line_end()
    if scanner.peek() == '':
        return
    if not scanner.at_line_break():
        scanner.fail('unexpected text after the value of %r; put each attribute on its own line' % name)
    scanner.skip_line_break()


def _comment_lines(trivia):
    return [line.strip() for line in _LINE_BREAK_RE.split(trivia) if line.strip().startswith('#')]


def parse_config(text):
    """Parse the text (str, or UTF-8 bytes) of a .config file into an OsgiConfigDocument."""
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise OsgiConfigError('the file is not valid UTF-8 (byte %d)' % exc.start)
    if text.startswith(u'\ufeff'):
        raise OsgiConfigError('the file starts with a byte order mark, which Felix would read as part '
                              'of the first attribute name; save it as UTF-8 without BOM', 1)
    scanner = _Scanner(text)
    entries = OrderedDict()
    trivia_start = 0
    header = None
    while True:
        scanner.skip_space()
        if scanner.pos >= scanner.end:
            break
        if scanner.peek() == '#':
            scanner.skip_to_line_end()
            continue
        key_pos = scanner.pos
        line_start = scanner.line_start(key_pos)
        line = scanner.line_at(key_pos)
        name = _read_name(scanner)
        value = _read_value(scanner, name)
        _finish_line(scanner, name)
        if name in entries:
            raise OsgiConfigError('attribute %r appears twice (lines %d and %d); Felix would use the '
                                  'last one, remove the other' % (name, entries[name].line, line), line)
        leading = text[trivia_start:line_start]
        if header is None:
            header, leading = leading, ''
        entries[name] = _Entry(leading, text[line_start:scanner.pos], value, line)
        trivia_start = scanner.pos
    trailer = text[trivia_start:]
    if header is None:
        header, trailer = trailer, ''
    first_break = _LINE_BREAK_RE.search(text)
    newline = first_break.group(0) if first_break else '\n'
    return OsgiConfigDocument._from_parse(header, entries, trailer, newline)


class OsgiConfigDocument(object):
    """An ordered set of typed attributes plus the comments at the top of the file.

    ``comments``: comment lines before the first attribute (each starting with '#').
    ``attributes``: OrderedDict name -> ConfigValue, in file order.
    """

    def __init__(self, attributes=None, comments=None, newline='\n'):
        self.comments = list(comments or [])
        self.attributes = OrderedDict()
        self.newline = newline
        self._header = None
        self._header_comments = None
        self._entries = OrderedDict()
        self._trailer = ''
        for name, value in (attributes or {}).items():
            self.set(name, value)

    @classmethod
    def _from_parse(cls, header, entries, trailer, newline):
        doc = cls(newline=newline)
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
        changed = not same_value(self.attributes.get(name), config_value)
        if changed or name not in self.attributes:
            self.attributes[name] = config_value
        return changed

    def remove(self, name):
        """Remove one attribute; returns True if it was there."""
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
                parts.append(render_entry(name, value, nl))
                continue
            parts.append(entry.leading)
            if value == entry.value:
                parts.append(entry.text)
            else:
                parts.append(render_entry(name, value, nl))
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
