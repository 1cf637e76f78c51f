# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A strict round-trip editor for the one ``instanceSettings`` entry of a ``client-extension.yaml``.

A Liferay workspace describes its client extensions in ``client-extension.yaml``: a
mapping of client extension IDs to their definitions (docs/liferay-model.md §11)::

    assemble:
        -   from: batch
            into: batch
    mail-instance-settings:
        enableStartTLS: true
        outgoingSMTPPort: "587"
        outgoingSMTPServer: smtp.example.com
        pid: com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration
        type: instanceSettings

Managed nodes have no YAML library, so this is not a general YAML parser. It reads
the top level of the file line by line (every line at column 0 is a comment or a
``key:`` line), and reads one entry in depth: a block mapping whose managed keys
hold single-line scalars (plain, single- or double-quoted). Every other entry, every
other key of the entry, comments, blank lines, line endings and the byte-order mark
stay byte for byte. Whatever it cannot read with certainty - flow collections,
anchors, aliases, tags, block scalars or multi-line values of a managed key, tabs
in indentation, directives or document markers, a key defined twice - makes it
raise :class:`ClientExtensionError` with the line number, so a file is never
"fixed" into a different one.

Scalars are read as Liferay's workspace reads them (SnakeYAML, YAML 1.1 types):
a plain ``true``/``yes``/``on`` is a boolean, a plain ``587`` an integer. The
writer emits booleans as ``true``/``false``, a string as a plain scalar only when
it cannot be read as anything else (``smtp.example.com``), and otherwise as a
double-quoted scalar with every character that is not printable escaped, so what
is written reads back as exactly the declared value.
"""

import re
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import ClientExtensionError

INSTANCE_SETTINGS = 'instanceSettings'
DEFAULT_INDENT = 4  # the indentation of Liferay's sample workspace

BOOL = 'bool'
STR = 'str'
NULL = 'null'
OTHER = 'other'  # a number, timestamp or other non-string scalar: never equal to what this module writes

# A key line: indentation, key (plain or quoted), ':' and the rest.
_PLAIN_KEY = r"[^\s#'\"&*!|>%@`{}\[\],?:-][^:#]*?|[-?:][^\s:#][^:#]*?"
_KEY_LINE_RE = re.compile(r"(?P<indent> *)(?P<key>%s|\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*')[ \t]*:(?:(?P<space>[ \t]+)(?P<rest>.*))?\Z"
                          % _PLAIN_KEY)
_BLANK_OR_COMMENT_RE = re.compile(r'[ \t]*(#.*)?\Z')

# YAML 1.1 implicit types (SnakeYAML's Resolver, PyYAML's resolver.py).
_BOOL_RE = re.compile(r'(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\Z')
_TRUE = frozenset(('yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'))
_NULL_RE = re.compile(r'(?:~|null|Null|NULL|)\Z')
_NOT_STRING_RES = (
    re.compile(r'[-+]?0b[0-1_]+\Z|[-+]?0[0-7_]+\Z|[-+]?(?:0|[1-9][0-9_]*)\Z|[-+]?0x[0-9a-fA-F_]+\Z'
               r'|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+\Z'),
    re.compile(r'[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?\Z|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?\Z'
               r'|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z'
               r'|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+\Z'),
    re.compile(r'[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?'
               r'(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?'
               r'(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?\Z'),
    re.compile(r'(?:<<|=)\Z'),
)
# A string written plain: starts with a letter, holds no indicator, space or quote, and is no keyword.
_SAFE_PLAIN_RE = re.compile(r'[A-Za-z][A-Za-z0-9._/@+-]*\Z')
_KEYWORDS = frozenset(('y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null'))

_DQ_ESCAPES = {'0': '\0', 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f',
               'r': '\r', 'e': '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': '\x85', '_': '\xa0',
               'L': '\u2028', 'P': '\u2029'}
_DQ_HEX = {'x': 2, 'u': 4, 'U': 8}
_WRITE_ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r'}


def scalar_text(typed):
    """A typed scalar as the text a diff shows: booleans as 'true'/'false'."""
    kind, value = typed
    if kind == BOOL:
        return 'true' if value else 'false'
    if kind == NULL:
        return ''
    return value


def _printable(char):
    code = ord(char)
    if char in '\x85\u2028\u2029\ufeff':
        return False  # line breaks to YAML 1.1 readers, and the byte-order mark
    return (0x20 <= code <= 0x7e or 0xa0 <= code <= 0xd7ff or 0xe000 <= code <= 0xfffd
            or 0x10000 <= code <= 0x10ffff)


def emit_scalar(typed, option='value'):
    """YAML text of a typed scalar that every YAML 1.1 reader reads back as exactly that value."""
    kind, value = typed
    if kind == BOOL:
        return 'true' if value else 'false'
    if _SAFE_PLAIN_RE.match(value) and value.lower() not in _KEYWORDS:
        return value
    out = ['"']
    for char in value:
        if char in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[char])
        elif 0xd800 <= ord(char) <= 0xdfff:
            raise ClientExtensionError('%s: holds a lone UTF-16 surrogate, which a YAML file cannot carry' % option)
        elif _printable(char):
            out.append(char)
        elif ord(char) <= 0xff:
            out.append('\\x%02X' % ord(char))
        elif ord(char) <= 0xffff:
            out.append('\\u%04X' % ord(char))
        else:
            out.append('\\U%08X' % ord(char))
    out.append('"')
    return ''.join(out)


def _rest_is_comment(rest, line_number, what):
    """Only blanks, or a comment after a blank, may follow a value on its line."""
    if rest.strip() and not re.match(r'[ \t]+#', rest):
        raise ClientExtensionError('line %d: unexpected text after the %s' % (line_number, what))


def parse_scalar(text, line_number):
    """(kind, value) of the single-line scalar ``text`` (what follows ``key:``), as SnakeYAML types it."""
    if text.startswith('"'):
        value, end = _double_quoted(text, line_number)
        _rest_is_comment(text[end:], line_number, 'closing quote')
        return (STR, value)
    if text.startswith("'"):
        position, chars = 1, []
        while True:
            quote = text.find("'", position)
            if quote < 0:
                raise ClientExtensionError('line %d: a single-quoted value must close on its line' % line_number)
            chars.append(text[position:quote])
            if text[quote + 1:quote + 2] == "'":
                chars.append("'")
                position = quote + 2
                continue
            _rest_is_comment(text[quote + 1:], line_number, 'closing quote')
            return (STR, ''.join(chars))
    if text[:1] and text[0] in '&*!|>%@`[{]},':
        raise ClientExtensionError('line %d: anchors, aliases, tags, block scalars and flow collections are not '
                                   'edited here (write a plain or quoted value)' % line_number)
    comment = re.search(r'[ \t]#', text)
    plain = (text[:comment.start()] if comment else text).strip()
    if plain.startswith('#'):
        plain = ''
    if ': ' in plain or plain.endswith(':') or '\t' in plain:
        raise ClientExtensionError('line %d: a plain value must not hold ": " (quote it)' % line_number)
    if _NULL_RE.match(plain):
        return (NULL, None)
    if _BOOL_RE.match(plain):
        return (BOOL, plain in _TRUE)
    if any(pattern.match(plain) for pattern in _NOT_STRING_RES):
        return (OTHER, plain)
    return (STR, plain)


def _trailing_comment(rest):
    """The comment (with the blanks before it) after the single-line value ``rest``, or ''."""
    if rest.startswith('"'):
        end = _double_quoted(rest, 0)[1]
    elif rest.startswith("'"):
        end = 1
        while True:
            end = rest.index("'", end) + 1
            if rest[end:end + 1] != "'":
                break
            end += 1
    else:
        match = re.search(r'[ \t]#', rest)
        end = match.start() if match else len(rest)
        if rest.startswith('#'):
            end = 0
    comment = rest[end:].rstrip()
    return ('  ' + comment.lstrip()) if comment.strip() else ''


def _double_quoted(text, line_number):
    chars, position = [], 1
    while position < len(text):
        char = text[position]
        if char == '"':
            return ''.join(chars), position + 1
        if char != '\\':
            chars.append(char)
            position += 1
            continue
        code = text[position + 1:position + 2]
        if code in _DQ_ESCAPES:
            chars.append(_DQ_ESCAPES[code])
            position += 2
        elif code in _DQ_HEX:
            digits = text[position + 2:position + 2 + _DQ_HEX[code]]
            if not re.match(r'[0-9A-Fa-f]{%d}\Z' % _DQ_HEX[code], digits):
                raise ClientExtensionError('line %d: a bad \\%s escape in a double-quoted value' % (line_number, code))
            chars.append(chr(int(digits, 16)))
            position += 2 + _DQ_HEX[code]
        else:
            raise ClientExtensionError('line %d: an unknown escape in a double-quoted value (or one that continues '
                                       'on the next line)' % line_number)
    raise ClientExtensionError('line %d: a double-quoted value must close on its line' % line_number)


def _key_text(raw, line_number):
    if raw.startswith('"'):
        return _double_quoted(raw, line_number)[0]
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    return raw


class _Child(object):
    """One key of the entry: its leading comment/blank lines, its key line, the lines nested under it."""

    def __init__(self, key, lines, line_number, prefix=()):
        self.key = key
        self.prefix = list(prefix)
        self.lines = list(lines)
        self.line_number = line_number


class ClientExtensionFile(object):
    """A parsed client-extension.yaml: the top-level entries as line ranges, one entry in depth."""

    def __init__(self, text='', entry_id=None):
        self.bom = ''
        if text.startswith('\ufeff'):
            self.bom, text = '\ufeff', text[1:]
        self.newline = '\r\n' if '\r\n' in text else '\n'
        self.lines = re.findall(r'[^\n]*\n|[^\n]+\Z', text)
        for index, line in enumerate(self.lines):
            if '\r' in line.rstrip('\r\n') or line.endswith('\r'):
                raise ClientExtensionError('line %d: a carriage return that does not end a line' % (index + 1))
            if re.search('[\x85\u2028\u2029]', line):
                raise ClientExtensionError('line %d: a NEL or Unicode line separator, which YAML 1.1 reads as a line '
                                           'break' % (index + 1))
        self.entry_id = entry_id
        self.top = []  # (key, first line index)
        self._scan_top_level()
        self.entry = None  # (start, end) line range of the entry, end exclusive
        self.indent = None
        self.children = []
        self.trailer = []  # comment/blank lines inside the entry after its last key
        if entry_id is not None:
            self._read_entry()

    # --- reading ------------------------------------------------------------------------------
    def _scan_top_level(self):
        for index, line in enumerate(self.lines):
            body = line.rstrip('\r\n')
            number = index + 1
            if body.startswith('\t') and body.strip():
                raise ClientExtensionError('line %d: a tab in the indentation (YAML allows spaces only)' % number)
            if _BLANK_OR_COMMENT_RE.match(body) or body[:1] == ' ':
                continue
            if body.startswith(('---', '...', '%')):
                raise ClientExtensionError('line %d: directives and document markers (---, ...) are not edited here: '
                                           'keep one document without them' % number)
            match = _KEY_LINE_RE.match(body)
            if not match:
                raise ClientExtensionError('line %d: not a "key:" line at the top level of the file (a client-extension.'
                                           'yaml is a mapping of client extension IDs)' % number)
            self._check_single_line_value(match, number)
            key = _key_text(match.group('key'), number)
            if any(key == seen for seen, _start in self.top):
                raise ClientExtensionError('line %d: %s is defined twice' % (number, key))
            self.top.append((key, index))

    @staticmethod
    def _check_single_line_value(match, number):
        rest = (match.group('rest') or '').strip()
        if rest.startswith(('"', "'")):
            parse_scalar(rest, number)  # a quoted value that runs over lines would hide lines from the scan

    def _read_entry(self):
        starts = [start for key, start in self.top if key == self.entry_id]
        if not starts:
            return
        start = starts[0]
        following = [s for _key, s in self.top if s > start]
        end = following[0] if following else len(self.lines)
        # Comment and blank lines at column 0 before the next entry belong to it, not to this one.
        while end > start + 1 and (not self.lines[end - 1].strip() or self.lines[end - 1].startswith('#')):
            end -= 1
        self.entry = (start, end)
        header = _KEY_LINE_RE.match(self.lines[start].rstrip('\r\n'))
        rest = header.group('rest') or ''
        if rest.strip() and not rest.strip().startswith('#'):
            raise ClientExtensionError('line %d: the client extension %s is written on one line (flow style or a '
                                       'scalar): write it as a block mapping, one key per line'
                                       % (start + 1, self.entry_id))
        pending = []
        current = None
        for index in range(start + 1, end):
            line = self.lines[index]
            body = line.rstrip('\r\n')
            number = index + 1
            width = len(body) - len(body.lstrip(' '))
            if _BLANK_OR_COMMENT_RE.match(body):
                pending.append(line)
                continue
            if self.indent is None:
                self.indent = width
            if width > self.indent and current is not None:
                current.lines.extend(pending)
                current.lines.append(line)
                pending = []
                continue
            if width != self.indent:
                raise ClientExtensionError('line %d: indented differently from the other keys of %s'
                                           % (number, self.entry_id))
            match = _KEY_LINE_RE.match(body)
            if not match or body.lstrip().startswith('- '):
                raise ClientExtensionError('line %d: %s must be a mapping of "key: value" lines'
                                           % (number, self.entry_id))
            self._check_single_line_value(match, number)
            key = _key_text(match.group('key'), number)
            if any(child.key == key for child in self.children):
                raise ClientExtensionError('line %d: %s is defined twice in %s' % (number, key, self.entry_id))
            if current is not None and len(current.lines) > 1:
                # Blank lines right after a nested value may belong to it (a block scalar that keeps them).
                while pending and not pending[0].strip():
                    current.lines.append(pending.pop(0))
            current = _Child(key, [line], number, pending)
            pending = []
            self.children.append(current)
        self.trailer = pending

    def child(self, key):
        for child in self.children:
            if child.key == key:
                return child
        return None

    def value(self, key):
        """The typed scalar of ``key`` in the entry, or None when the entry does not hold it."""
        child = self.child(key)
        if child is None:
            return None
        if len(child.lines) > 1:
            raise ClientExtensionError('line %d: %s spans several lines (a block scalar, a list or a mapping): this '
                                       'module writes it as one scalar; remove it by hand' % (child.line_number, key))
        match = _KEY_LINE_RE.match(child.lines[0].rstrip('\r\n'))
        return parse_scalar((match.group('rest') or '').strip(), child.line_number)

    def keys(self):
        return [child.key for child in self.children]

    @property
    def has_entry(self):
        return self.entry is not None

    # --- editing ------------------------------------------------------------------------------
    def _indent(self):
        if self.indent is not None:
            return self.indent
        for _key, start in self.top:
            for line in self.lines[start + 1:]:
                body = line.rstrip('\r\n')
                if not body.strip() or body.lstrip().startswith('#'):
                    continue
                width = len(body) - len(body.lstrip(' '))
                if width:
                    return width
                break
        return DEFAULT_INDENT

    def _key_line(self, key, typed, option):
        return '%s%s: %s%s' % (' ' * self._indent(), key, emit_scalar(typed, option), self.newline)

    def set(self, key, typed, option=None):
        """Make the entry hold ``key`` as the typed scalar (created when missing, in sorted place)."""
        if self.entry is None:
            self._create_entry()
        line = self._key_line(key, typed, option or key)
        child = self.child(key)
        if child is not None:
            if len(child.lines) > 1:
                self.value(key)  # raises: a multi-line value is not replaced
            body = child.lines[0].rstrip('\r\n')
            ending = child.lines[0][len(body):]
            rest = (_KEY_LINE_RE.match(body).group('rest') or '').strip()
            comment = _trailing_comment(rest)
            child.lines = [line[:-len(self.newline)] + comment + ending]
            return
        position = len(self.children)
        for index, other in enumerate(self.children):
            if other.key.lower() > key.lower():
                position = index
                break
        if position == len(self.children) and self.children and not self.children[-1].lines[-1].endswith('\n'):
            self.children[-1].lines[-1] += self.newline
        self.children.insert(position, _Child(key, [line], None))

    def remove(self, key):
        """Remove ``key`` from the entry; comment lines in front of it stay, in front of what follows."""
        child = self.child(key)
        if child is None:
            return
        index = self.children.index(child)
        del self.children[index]
        if index < len(self.children):
            self.children[index].prefix[:0] = child.prefix
        else:
            self.trailer[:0] = child.prefix

    def remove_entry(self):
        if self.entry is None:
            return
        start, end = self.entry
        del self.lines[start:end]
        self.top = [(key, s) for key, s in self.top if key != self.entry_id]
        self.entry = None
        self.children = []
        self.trailer = []
        self.indent = None

    def _create_entry(self):
        if self.lines and not self.lines[-1].endswith('\n'):
            self.lines[-1] += self.newline
        start = len(self.lines)
        self.lines.append('%s:%s' % (self.entry_id, self.newline))
        self.top.append((self.entry_id, start))
        self.entry = (start, start + 1)

    def to_text(self):
        if self.entry is None:
            return self.bom + ''.join(self.lines)
        start, end = self.entry
        head = self.lines[start]
        body = []
        for child in self.children:
            body.extend(child.prefix)
            body.extend(child.lines)
        body.extend(self.trailer)
        if end < len(self.lines) and body and not body[-1].endswith('\n'):
            body[-1] += self.newline
        if body and not head.endswith('\n'):
            head += self.newline
        return self.bom + ''.join(self.lines[:start] + [head] + body + self.lines[end:])

    def is_empty(self):
        return not ''.join(self.lines).strip() and self.entry is None


def check_entry_id(entry_id):
    """Refuse an ID that is not a plain YAML key (the workspace uses it in file and configuration names)."""
    if not re.match(r'[a-z0-9][a-z0-9._-]*\Z', entry_id or ''):
        raise ClientExtensionError('client_extension_id: %r is not a client extension ID: use lower-case letters, '
                                   'digits, ".", "_" and "-", starting with a letter or digit (e.g. '
                                   'mail-instance-settings)' % (entry_id,))


def read_client_extension(data, entry_id, path):
    """A :class:`ClientExtensionFile` of ``data`` (bytes) with ``entry_id`` read in depth."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ClientExtensionError('client_extension_file: %s is not UTF-8 (byte %d)' % (path, exc.start))
    try:
        return ClientExtensionFile(text, entry_id)
    except ClientExtensionError as exc:
        raise ClientExtensionError('client_extension_file: %s: %s; it was left as it is (edit it by hand or give '
                                   'another client_extension_file)' % (path, exc))


def typed_values(document, names):
    """OrderedDict name -> typed scalar for the ``names`` the entry holds."""
    found = OrderedDict()
    for name in names:
        typed = document.value(name)
        if typed is not None:
            found[name] = typed
    return found
