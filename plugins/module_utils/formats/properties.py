# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Round-trip editor for Liferay portal .properties files.

Liferay reads portal-ext.properties with Apache Commons Configuration 1.x
(PropertiesConfiguration, UTF-8) and returns values through
ClassLoaderAggregateProperties.  This module reads a file the same way and
rewrites only the keys it is asked to manage; every other byte stays as it was.

Reading pipeline (what the portal does, in order; docs/liferay-model.md §1):

1. lines end at LF, CRLF or CR; every physical line is trimmed (Java
   ``String.trim``: every character up to U+0020); blank lines and lines
   starting with ``#`` or ``!`` are comments, also inside a continuation;
   a line ending in an odd number of backslashes is joined with the next
   non-comment line; a continuation still open at the end of the file is
   dropped;
2. key and value are split at the first unescaped ``=``, ``:`` or whitespace
   (PropertiesReader.PROPERTY_PATTERN) and trimmed; a line without any
   separator yields the key "" (that pattern does not match it);
3. the key is unescaped like Java; the value too, except that ``\\,`` keeps
   its backslash for step 4;
4. if the first comma of the value is at index > 0, the value is cut at
   every unescaped comma, each piece is trimmed, and ``\\,`` / ``\\\\`` lose a
   backslash (a second pass); otherwise it is kept whole;
5. every piece is added to the key; several pieces (or several definitions)
   make a list, which Liferay joins with "," and returns as is; one piece stays
   a plain string, which Liferay interpolates (``${x}``, ``$${`` -> ``${``).

Writing choices (so that the portal reads back exactly the value given):

* one physical line per key; a newline is written as ``\\n``.  Continuation
  lines were not used because Commons trims them and skips continuation
  lines that look like comments or are blank, so a multi-line layout would need
  more escaping and could be misread by people and other tools;
* non-ASCII text is written as UTF-8, as Liferay reads the file as UTF-8 and
  people can read it; characters that are invisible or that other tools treat
  as line ends (C0/C1 controls, U+2028, U+2029, U+FEFF, lone surrogates) are
  written as ``\\uXXXX``; a raw U+2028 would even make Commons drop the key,
  because its pattern's ``.`` does not match it;
* ``=``, ``:``, ``#`` and ``!`` are always escaped (as java.util.Properties
  does), spaces at either end are written as ``\\u0020``;
* a value without a comma writes ``\\`` as ``\\\\``; a value with a comma
  writes ``\\`` as four backslashes and every ``,`` as ``\\,``, so it is never
  cut and comes back as one plain string;
* ``${`` is written as ``$${``.  Because escaped commas leave one piece,
  Commons stores it as a plain string (BaseConfiguration.addPropertyDirect),
  so Liferay's getString interpolates it and the escape works for every
  value this module writes, commas included;
* a value that has a comma and starts or ends with whitespace or a control
  character cannot be written: the comma path trims the single piece.  Such a
  value raises PropertiesFileError.
"""

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import read_existing
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import PropertiesFileError

DEFAULT_MARKER = '# Mail session, managed by liferay_ops.mail'

# Java String.trim() removes every character up to U+0020.
JAVA_TRIM = ''.join(chr(code) for code in range(0x21))
# \s of java.util.regex without UNICODE_CHARACTER_CLASS.
_REGEX_SPACE = ' \t\n\x0b\x0c\r'

_NEWLINE_SPLIT = re.compile(r'(\r\n|\r|\n)')
# Key and separator of PropertiesReader.PROPERTY_PATTERN; the value is the
# rest of the line, which the Java pattern only accepts without U+0085,
# U+2028 or U+2029.  The key part "(plain|\\.)*" is written unrolled and the
# separator without nested quantifiers, which keeps Python's engine fast.
_KEY_CHARS = '[^ \\t\\n\\x0b\\x0c\\r\\\\=:]*'
_KEY_SEPARATOR = re.compile(
    '(%s(?:\\\\[^\\n\\r\\x85\\u2028\\u2029]%s)*)'
    '([ \\t\\n\\x0b\\x0c\\r]*[=:][ \\t\\n\\x0b\\x0c\\r]*|[ \\t\\n\\x0b\\x0c\\r]+)'
    % (_KEY_CHARS, _KEY_CHARS))
_SURROGATE_PAIR = re.compile('[\ud800-\udbff][\udc00-\udfff]')
_HEX4 = re.compile(r'[0-9A-Fa-f]{4}\Z')

_SIMPLE_UNESCAPES = {
    '\\': '\\', "'": "'", '"': '"', 'r': '\r', 'f': '\f', 't': '\t',
    'n': '\n', 'b': '\b',
}
_CHAR_ESCAPES = {
    '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f',
    '=': '\\=', ':': '\\:', '#': '\\#', '!': '\\!',
}


def _needs_unicode_escape(char):
    code = ord(char)
    return (code < 0x20 or 0x7f <= code <= 0x9f or code in (0x2028, 0x2029, 0xfeff)
            or 0xd800 <= code <= 0xdfff)


def _unicode_escape(char):
    return '\\u%04X' % ord(char)


def encode_key(key):
    """Escape a key so that Commons reads exactly ``key`` back."""
    if not isinstance(key, str):
        raise TypeError('a properties key must be a string')
    if key == '':
        raise PropertiesFileError('a properties key must not be empty')
    out = []
    last = len(key) - 1
    for index, char in enumerate(key):
        if char == '\\':
            out.append('\\\\')
        elif char == ' ':
            # A trailing "\ " would be trimmed away together with its blank.
            out.append('\\u0020' if index == last else '\\ ')
        else:
            out.append(_escape_char(char))
    return ''.join(out)


def _escape_char(char):
    """A character of a key or value that needs no special handling there, escaped if Commons needs it."""
    if char in _CHAR_ESCAPES:
        return _CHAR_ESCAPES[char]
    if _needs_unicode_escape(char):
        return _unicode_escape(char)
    return char


def encode_value(value):
    """Escape a value so that Liferay reads exactly ``value`` back.

    Raises PropertiesFileError for a value Liferay cannot read back unchanged (see the
    module docstring).
    """
    if not isinstance(value, str):
        raise TypeError('a properties value must be a string')
    has_comma = ',' in value
    if has_comma and (value[0] <= ' ' or value[-1] <= ' '):
        raise PropertiesFileError(
            'the value contains a comma and starts or ends with whitespace or a control '
            'character; Liferay trims such a value when it reads it, so it cannot be written '
            'unchanged')
    # Liferay interpolates a plain string value, where "$${" reads as "${".
    text = value.replace('${', '$${')
    backslash = '\\\\\\\\' if has_comma else '\\\\'
    out = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if char == '\\':
            out.append(backslash)
        elif char == ',':
            out.append('\\,')
        elif char == ' ' and (index == 0 or index == last):
            out.append('\\u0020')
        else:
            out.append(_escape_char(char))
    return ''.join(out)


def _java_unescape(raw, keep_escaped_comma, line, key=None):
    """Java escape processing of Commons (values) or commons-lang (keys)."""
    if '\\' not in raw:
        return raw
    out = []
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        if char != '\\':
            out.append(char)
            index += 1
            continue
        if index + 1 == length:
            out.append('\\')  # a lone trailing backslash is kept
            break
        escaped = raw[index + 1]
        if escaped == 'u':
            digits = raw[index + 2:index + 6]
            if len(digits) < 4:
                # The text ends inside the escape: Commons never flushes its unicode buffer, so
                # what it collected is dropped (PropertiesConfiguration.unescapeJava; docs/liferay-model.md §1.3).
                break
            if not _HEX4.match(digits):
                where = 'line %d' % line
                if key is not None:
                    where += ' (value of %r)' % key
                raise PropertiesFileError(
                    '%s: invalid \\u escape (four hex digits expected); Liferay cannot load '
                    'a properties file with this error' % where)
            out.append(chr(int(digits, 16)))
            index += 6
            continue
        if escaped == ',' and keep_escaped_comma:
            out.append('\\,')
        else:
            out.append(_SIMPLE_UNESCAPES.get(escaped, escaped))
        index += 2
    result = ''.join(out)
    if any('\ud800' <= char <= '\udfff' for char in result):
        # Java joins UTF-16 surrogate pairs written as two \u escapes.
        result = _SURROGATE_PAIR.sub(
            lambda pair: pair.group(0).encode('utf-16-le', 'surrogatepass').decode('utf-16-le'),
            result)
    return result


def split_list(value):
    """Commons list splitting of one unescaped value: a list of pieces."""
    if value.find(',') <= 0:
        return [value]
    pieces = []
    token = []
    escaping = False
    for char in value:
        if escaping:
            if char not in (',', '\\'):
                token.append('\\')
            token.append(char)
            escaping = False
        elif char == ',':
            pieces.append(''.join(token).strip(JAVA_TRIM))
            token = []
        elif char == '\\':
            escaping = True
        else:
            token.append(char)
    if escaping:
        token.append('\\')
    pieces.append(''.join(token).strip(JAVA_TRIM))
    return pieces


def _resolver(lookup):
    if lookup is None:
        return lambda name: None
    if callable(lookup):
        return lookup
    return lookup.get


def interpolate(value, lookup):
    """Resolve ``${name}`` the way commons-lang 2 StrSubstitutor does.

    ``lookup`` is a mapping or a callable returning the replacement text or
    None.  Unresolved references stay as they are, ``$${`` yields ``${``,
    replacements are resolved recursively, a cycle raises PropertiesFileError.
    Only plain string values are interpolated by Liferay, never lists.
    """
    resolve = _resolver(lookup)
    buf = list(value)
    _substitute(buf, 0, len(buf), None, resolve)
    return ''.join(buf)


def _substitute(buf, offset, length, prior, resolve):
    top = prior is None
    change_total = 0
    end = offset + length
    pos = offset
    while pos < end:
        if not (buf[pos] == '$' and pos + 1 < end and buf[pos + 1] == '{'):
            pos += 1
            continue
        if pos > offset and buf[pos - 1] == '$':
            # Escaped reference: drop one '$' and go on after the brace.
            del buf[pos - 1]
            change_total -= 1
            end -= 1
            continue
        start = pos
        pos += 2
        while pos < end and buf[pos] != '}':
            pos += 1
        if pos >= end:
            break
        name = ''.join(buf[start + 2:pos])
        pos += 1
        end_pos = pos
        if prior is None:
            prior = [''.join(buf[offset:offset + length])]
        if name in prior:
            raise PropertiesFileError('cyclic ${%s} reference in property interpolation' % name)
        prior.append(name)
        replacement = resolve(name)
        if replacement is not None:
            replacement = str(replacement)
            buf[start:end_pos] = list(replacement)
            change = _substitute(buf, start, len(replacement), prior, resolve)
            change += len(replacement) - (end_pos - start)
            pos += change
            end += change
            change_total += change
        prior.pop()
    return None if top else change_total


def _is_comment(trimmed):
    return not trimmed or trimmed[0] in '#!'


def _odd_trailing_backslashes(trimmed):
    return (len(trimmed) - len(trimmed.rstrip('\\'))) % 2 == 1


def _join_continuation(lines, index, trimmed):
    """Join a continued line; returns (logical line, next index) or None at EOF."""
    count = len(lines)
    parts = []
    while _odd_trailing_backslashes(trimmed):
        parts.append(trimmed[:-1])
        while True:
            if index == count:
                return None  # Commons drops a continuation still open at EOF
            trimmed = lines[index].strip(JAVA_TRIM)
            index += 1
            if not _is_comment(trimmed):
                break
    parts.append(trimmed)
    return ''.join(parts), index


class _Definitions:
    """Property definitions in file order, stored column-wise.

    Definition ``i`` covers physical lines ``starts[i]`` to ``ends[i]``
    (exclusive); ``raws[i]`` is its value text, still escaped.  Columns and
    plain dicts keep a 100,000-line file cheap: no object per line.
    """

    def __init__(self, lines):
        self.starts = []
        self.ends = []
        self.keys = []
        self.separators = []
        self.raws = []
        self.first = {}  # key -> first definition
        self.more = {}   # key -> later definitions, only for keys defined twice or more
        self.dangling = None  # first line of a continuation still open at EOF
        self._read(lines)
        for key in [key for key in self.first if key.lower() == 'include']:
            # Commons treats "include" as an include directive, not a property.
            del self.first[key]
            self.more.pop(key, None)

    def _read(self, lines):
        count = len(lines)
        match_key = _KEY_SEPARATOR.match
        trim = JAVA_TRIM
        first = self.first
        position = 0
        while position < count:
            trimmed = lines[position].strip(trim)
            start = position
            position += 1
            if not trimmed or trimmed[0] in '#!':
                continue
            if trimmed[-1] == '\\':
                joined = _join_continuation(lines, position, trimmed)
                if joined is None:
                    self.dangling = start
                    return
                trimmed, position = joined
            # No separator, or a value with a character the Java pattern's "."
            # does not match: PROPERTY_PATTERN fails and Commons uses key "".
            match = match_key(trimmed)
            rest = trimmed[match.end():] if match is not None else ''
            if match is None or not rest.isascii() and (
                    '\x85' in rest or '\u2028' in rest or '\u2029' in rest):
                raw_key = separator = rest = ''
            else:
                raw_key = match.group(1)
                separator = match.group(2)
                if raw_key and raw_key[-1] <= ' ':
                    raw_key = raw_key.strip(trim)
                if rest and rest[0] <= ' ':
                    rest = rest.strip(trim)
            key = _java_unescape(raw_key, False, start + 1) if '\\' in raw_key else raw_key
            if '\\u' in rest:
                # Validate now: a bad escape anywhere makes the portal skip the file.
                _java_unescape(rest, True, start + 1, key)
            number = len(self.starts)
            self.starts.append(start)
            self.ends.append(position)
            self.keys.append(key)
            self.separators.append(separator)
            self.raws.append(rest)
            if key in first:
                self.more.setdefault(key, []).append(number)
            else:
                first[key] = number

    def of(self, key):
        """Definitions of ``key`` in file order."""
        if key not in self.first:
            return []
        return [self.first[key]] + self.more.get(key, [])

    def forget(self, key):
        self.first.pop(key, None)
        self.more.pop(key, None)

    def effective(self, key, lookup):
        pieces = []
        for number in self.of(key):
            value = _java_unescape(self.raws[number], True, self.starts[number] + 1, key)
            pieces.extend(split_list(value))
        if len(pieces) > 1:
            return ','.join(pieces)
        if lookup is None:
            return pieces[0]
        return interpolate(pieces[0], lookup)


def _split_text(text):
    """Physical lines and their terminators ('' for a last line without one)."""
    if text == '':
        return [], []
    if '\r' not in text:
        lines = text.split('\n')
        eols = ['\n'] * (len(lines) - 1)
    elif text.count('\r') == text.count('\r\n') and '\n' not in text.replace('\r\n', ''):
        lines = text.split('\r\n')
        eols = ['\r\n'] * (len(lines) - 1)
    else:
        chunks = _NEWLINE_SPLIT.split(text)
        lines = chunks[0::2]
        eols = chunks[1::2]
    if lines[-1] == '':
        lines.pop()  # the text ends with a line terminator
    else:
        eols.append('')
    return lines, eols


class PropertiesDocument:
    """A .properties file kept line by line, with an index of its keys.

    Lines are never shifted: a removed line becomes None, new keys are
    rendered at one insertion point, so the index stays valid after edits.
    """

    marker = DEFAULT_MARKER

    def __init__(self, text):
        if not isinstance(text, str):
            raise TypeError('properties text must be a str; use from_bytes for bytes')
        self._lines, self._eols = _split_text(text)
        self._final_newline = text == '' or text.endswith(('\n', '\r'))
        self._newline = self._detect_newline()
        self._defs = _Definitions(self._lines)
        self._first_key = self._defs.keys[0] if self._defs.keys else None
        self._appended = {}  # new key -> (line text, value), in insertion order

    @classmethod
    def from_text(cls, text):
        return cls(text)

    @classmethod
    def from_bytes(cls, data):
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise PropertiesFileError(
                'the properties file is not valid UTF-8 (first bad byte at offset %d); Liferay '
                'reads portal properties as UTF-8, so convert the file to UTF-8 or write '
                'non-ASCII characters as \\uXXXX escapes' % exc.start)
        return cls(text)

    def _detect_newline(self):
        counts = {}
        for eol in self._eols:
            counts[eol] = counts.get(eol, 0) + 1
        counts.pop('', None)
        if not counts:
            return '\n'
        return max(('\n', '\r\n', '\r'), key=lambda eol: counts.get(eol, 0))

    @property
    def newline(self):
        """The line terminator used for new lines (the file's most frequent one)."""
        return self._newline

    @property
    def has_bom(self):
        return bool(self._lines) and self._lines[0].startswith('\ufeff')

    # Reading -------------------------------------------------------------

    def keys(self):
        return list(self._defs.first) + [key for key in self._appended
                                         if key not in self._defs.first]

    def occurrences(self, key):
        count = len(self._defs.of(key))
        return count or (1 if key in self._appended else 0)

    def get(self, key, lookup=None):
        """Value as Liferay reads it, or None; duplicates joined with ",".

        Without ``lookup`` nothing is interpolated (like read_properties);
        with one, a plain (non-list) value is interpolated with it.  Pass
        ``{}`` to see a value this module wrote as it was given (``$${`` read
        as ``${``); use reads_as() to decide whether a key needs writing.
        """
        if key in self._defs.first:
            return self._defs.effective(key, lookup)
        if key in self._appended:
            value = self._appended[key][1]
            return value.replace('${', '$${') if lookup is None else value
        return None

    def written(self, key):
        """The text of each definition of ``key`` as written (escapes undone, ``\\,`` kept), before Liferay
        splits it into a list; [] for a key this document does not define."""
        return [_java_unescape(self._defs.raws[number], True, self._defs.starts[number] + 1, key)
                for number in self._defs.of(key)]

    # Editing -------------------------------------------------------------

    @staticmethod
    def _check_key(key):
        if not isinstance(key, str) or key == '':
            raise PropertiesFileError('a properties key must be a non-empty string')
        if key.lower() == 'include':
            raise PropertiesFileError(
                "the key 'include' is an include directive for Commons Configuration and "
                "cannot be managed as a property")

    def reads_as(self, key, value):
        """True when ``key`` is defined once and Liferay reads exactly ``value``.

        An unescaped ``${name}`` counts as different: the portal may resolve it.
        """
        if len(self._defs.of(key)) != 1:
            return False
        used_variables = []

        def lookup(name):
            used_variables.append(name)
            return None
        try:
            current = self._defs.effective(key, lookup)
        except PropertiesFileError:
            return False
        return not used_variables and current == value

    def set(self, key, value):
        """Define ``key`` once with ``value``; returns a list of warnings.

        A key already read as ``value`` is left untouched.  Otherwise its first
        definition is rewritten in place (indentation and separator kept) and
        any further definitions are removed; a new key goes to the block of
        managed keys at the end.
        """
        self._check_key(key)
        try:
            encoded_value = encode_value(value)
        except PropertiesFileError as exc:
            raise PropertiesFileError('%s: %s' % (key, exc))
        warnings = []
        if self._first_key == '\ufeff' + key:
            warnings.append(
                'the file starts with a UTF-8 byte order mark, which Liferay reads as part of '
                'the first key, so its definition of %s is not used' % key)
        if self.reads_as(key, value):
            return warnings
        encoded_key = encode_key(key)
        defs = self._defs
        numbers = defs.of(key)
        if not numbers:
            self._appended[key] = (encoded_key + '=' + encoded_value, value)
            return warnings
        first = numbers[0]
        start = defs.starts[first]
        separator = defs.separators[first]
        if encoded_value == '' and separator.strip(_REGEX_SPACE) == '':
            separator = '='  # "key" alone, without a value, would have no separator
        original = self._lines[start]
        indent = original[:len(original) - len(original.lstrip(JAVA_TRIM))]
        last_eol = self._eols[defs.ends[first] - 1]
        for number in numbers:
            self._drop_lines(number)
        self._lines[start] = indent + encoded_key + separator + encoded_value
        self._eols[start] = last_eol
        defs.ends[first] = start + 1
        defs.separators[first] = separator
        defs.raws[first] = encoded_value
        defs.more.pop(key, None)
        if len(numbers) > 1:
            warnings.append(
                '%s was defined %d times (Liferay joins them into a comma-separated list); '
                'kept one definition' % (key, len(numbers)))
        return warnings

    def _drop_lines(self, number):
        """Delete a definition's lines, keeping comment lines inside its continuation."""
        start = self._defs.starts[number]
        for index in range(start, self._defs.ends[number]):
            if index == start or not _is_comment(self._lines[index].strip(JAVA_TRIM)):
                self._lines[index] = None

    def remove(self, key):
        """Remove every definition of ``key``; True if something was removed."""
        self._check_key(key)
        numbers = self._defs.of(key)
        for number in numbers:
            self._drop_lines(number)
        self._defs.forget(key)
        appended = self._appended.pop(key, None)
        return bool(numbers) or appended is not None

    # Rendering -----------------------------------------------------------

    def _insertion_point(self):
        """Where new keys go, and whether the marker comment must be written.

        Below an existing marker (after the definitions that follow it), else
        at the end of the file, but before a continuation left open there,
        which would otherwise swallow the new lines.
        """
        marker = self.marker.strip(JAVA_TRIM)
        lines = self._lines
        defs = self._defs
        for index, line in enumerate(lines):
            if line is None or line.strip(JAVA_TRIM) != marker:
                continue
            live = [number for number in range(len(defs.starts))
                    if lines[defs.starts[number]] is not None]
            if any(defs.starts[number] < index < defs.ends[number] for number in live):
                continue  # a comment line inside a continuation
            end_by_start = dict((defs.starts[number], defs.ends[number]) for number in live)
            position = index + 1
            while position < len(lines):
                if position in end_by_start:
                    position = end_by_start[position]
                elif lines[position] is None:
                    position += 1
                else:
                    break
            return position, False
        end = defs.dangling if defs.dangling is not None else len(lines)
        return end, True

    def to_text(self):
        lines = self._lines
        eols = self._eols
        if not self._appended:
            return self._finish(''.join(
                [line + eol for line, eol in zip(lines, eols) if line is not None]))
        position, with_marker = self._insertion_point()
        out = [line + eol for line, eol in zip(lines[:position], eols[:position])
               if line is not None]
        newline = self._newline
        if out and not out[-1].endswith(('\n', '\r')):
            out[-1] += newline
        block = []
        if with_marker:
            if out and out[-1].strip(JAVA_TRIM) != '':
                block.append('')
            block.append(self.marker)
        block.extend(line for line, _value in self._appended.values())
        out.extend(line + newline for line in block)
        out.extend(line + eol for line, eol in zip(lines[position:], eols[position:])
                   if line is not None)
        return self._finish(''.join(out))

    def _finish(self, text):
        """Keep a missing final newline missing."""
        if not self._final_newline:
            if text.endswith('\r\n'):
                return text[:-2]
            if text.endswith(('\n', '\r')):
                return text[:-1]
        return text

    def to_bytes(self):
        return self.to_text().encode('utf-8')


def read_properties(text, lookup=None):
    """Effective {key: value} of a file text, as Liferay reads it.

    Duplicates and comma lists are joined with ","; nothing is interpolated
    unless ``lookup`` is given (then plain values are, as Liferay does).
    The Commons ``include`` directive is not a property and is left out.
    """
    document = PropertiesDocument(text)
    return dict((key, document.get(key, lookup)) for key in document.keys())


def occurrence_counts(text):
    """How many times each key is defined in a file text."""
    document = PropertiesDocument(text)
    return dict((key, document.occurrences(key)) for key in document.keys())


def read_properties_file(path, option='path'):
    """Parse an existing properties file; None when it does not exist. Errors name ``option``, the path and the fix."""
    data = read_existing(path, option, 'portal-ext.properties')
    if data is None:
        return None
    try:
        return PropertiesDocument.from_bytes(data)
    except PropertiesFileError as exc:
        raise PropertiesFileError('%s: %s cannot be parsed as Liferay reads it (%s); fix or re-save the file as UTF-8'
                                  % (option, path, exc))
