"""Reader for OSGi .config files as Liferay's portal-file-install reads them (docs/liferay-model.md §6).

    # comments, before the first attribute
    key=B"true"            boolean       (type letters: T S I L F D X B C, either case)
    port = I"587"          integer       (spaces around "=" allowed: Liferay writes "key = value")
    companyId=L"20097"     long
    host="smtp.example"    string
    list=["a","b"]         array, list=("a","b") collection; elements share the type letter
    long=[\\               a line ending in a backslash continues on the next one
      "a"\\
    ]

Steps, as TypedProperties, InterpolationUtil and ConfigurationHandler take them: physical lines are
joined at a trailing backslash (each one trimmed); the joined line must match TypedProperties' pattern,
and the first one that does not ends the reading (what came before is kept); ``${name}`` in the raw
value becomes the system property ``name`` (the simulator's ``--system-property`` options), or nothing;
InterpolationUtil._unescape then drops a backslash before a brace where the value has ``${...}``, and
turns ``$__`` into ``$``; last, the quoted text is unescaped and converted to its type.
"""

import logging
import re
import struct

LOG = logging.getLogger("liferay_sim.felix")


class ConfigSyntaxError(ValueError):
    pass


_WS = " \t\n\x0b\f\r"
_PATTERN = re.compile("([%s]*[0-9a-zA-Z_.-]+[%s]*)=([%s]*[TILFDXSCBilfdxscb]?(\\[.*\\]|\\{.*\\}|\\(.*\\)|\".*\")[%s]*)"
                      % (_WS, _WS, _WS, _WS), re.S)
_NOT_DOT = "[^\n\r\u0085\u2028\u2029]"
_EXISTING_SUBST_VAR = re.compile("%s*\\$\\\\*\\{%s*\\}%s*" % (_NOT_DOT, _NOT_DOT, _NOT_DOT))
_ESCAPED_BRACE = re.compile(r"\\+[{}]")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _trim(text):
    """java.lang.String.trim."""
    low = "".join(chr(c) for c in range(0x21))
    return text.strip(low)


def subst_vars(value, system_properties):
    """InterpolationUtil.substVars: innermost ${...} first; a '}' right after a backslash is not a closer."""
    for _attempt in range(10000):
        start, stop = value.find("${"), value.find("}")
        while start >= 0 and stop >= 0:
            while stop > 0 and value[stop - 1] == "\\":
                stop = value.find("}", stop + 1)
            while stop >= 0:
                later = value.find("${", start + 2)
                if later < 0 or later > stop:
                    break
                start = later
            if start < stop:
                break
            if stop < 0:
                raise ConfigSyntaxError("InterpolationUtil.substVars would never finish")
            stop = value.find("}", stop + 1)
            start = value.find("${")
        if start < 0 or stop < 0:
            return value
        name = value[start + 2:stop]
        value = value[:start] + (system_properties.get(name, "") if name else "") + value[stop + 1:]
    raise ConfigSyntaxError("InterpolationUtil.substVars would never finish")


def unescape(value):
    """InterpolationUtil._unescape."""
    value = value.replace("$__", "$")
    if not _EXISTING_SUBST_VAR.fullmatch(value):
        return value
    match = _ESCAPED_BRACE.search(value)
    while match and match.start() < len(value) - 1:
        at = match.start()
        if value[at + 1] in "{}\\":
            value = value[:at] + value[at + 1:]
        match = _ESCAPED_BRACE.search(value, at + 1)
    return value


def _convert(type_letter, text):
    kind = type_letter.upper()
    try:
        if kind == "T":
            return text
        if kind == "B":
            return text.lower() == "true"  # Boolean.valueOf
        if kind in ("I", "L", "X", "S"):
            if not re.fullmatch(r"[+-]?[0-9]+", text):
                raise ValueError(text)
            return int(text)
        if kind in ("F", "D"):
            if "." in text:
                return float(text.rstrip("fFdD"))
            fmt = (">f", ">i") if kind == "F" else (">d", ">q")
            return struct.unpack(fmt[0], struct.pack(fmt[1], int(text)))[0]
        if kind == "C":
            if not text:
                raise ValueError("empty char")
            return text[:1]
    except (ValueError, struct.error) as error:
        raise ConfigSyntaxError("bad %s value (%s)" % (type_letter, type(error).__name__))
    raise ConfigSyntaxError("unknown type letter %r" % type_letter)


class _Value(object):
    """ConfigurationHandler.read over one interpolated value."""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def peek(self):
        return self.text[self.pos:self.pos + 1]

    def skip_space(self):
        while self.peek() and (self.peek().isspace() and self.peek() not in "\u00a0\u2007\u202f\x85"):
            self.pos += 1

    def quoted(self):
        out = []
        while True:
            char = self.peek()
            self.pos += 1
            if char in ("", '"'):
                return "".join(out)
            if char != "\\":
                out.append(char)
                continue
            escaped = self.peek()
            self.pos += 1
            if escaped == "u":
                digits = self.text[self.pos:self.pos + 4]
                self.pos += 4
                if len(digits) == 4:
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        raise ConfigSyntaxError("bad \\u escape")
            else:
                out.append(_ESCAPES.get(escaped, escaped))

    def read(self):
        self.skip_space()
        type_letter = "T"
        if self.peek() and self.peek().upper() in "BXCDFILST":
            type_letter = self.peek()
            self.pos += 1
        opener = self.peek()
        self.pos += 1
        if opener == '"':
            return _convert(type_letter, _join_surrogates(self.quoted()))
        if opener in ("[", "("):
            if opener == "[" and type_letter.islower():
                raise ConfigSyntaxError("no array type for %r" % type_letter)
            closer = "]" if opener == "[" else ")"
            items = []
            while True:
                self.skip_space()
                token = self.peek()
                self.pos += 1
                if token == '"':
                    items.append(_convert(type_letter, _join_surrogates(self.quoted())))
                    self.skip_space()
                    token = self.peek()
                    self.pos += 1
                if token == closer:
                    return items
                if token != ",":
                    raise ConfigSyntaxError("the list is not well formed (Liferay reads null)")
        raise ConfigSyntaxError("the value is not quoted, typed or a list (Liferay reads null)")


def _join_surrogates(text):
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return text


def _logical_lines(text):
    """TypedProperties.PropertiesReader._readProperty: (first line number, joined line) per attribute."""
    pending, first = [], None
    for number, line in enumerate(re.split("\r\n|\r|\n", text), 1):
        if line == "":
            continue
        trimmed = _trim(line)
        if not trimmed:
            raise ConfigSyntaxError("line %d: a line of only blanks (TypedProperties fails on it)" % number)
        if trimmed.startswith("#"):
            continue
        first = first or number
        if line.endswith("\\"):
            pending.append(_trim(line[:-1]))
            continue
        pending.append(trimmed)
        yield first, "".join(pending)
        pending, first = [], None


def parse_config(text, system_properties=None):
    """Parse .config text into a dict the way Liferay reads it.

    A line that does not match TypedProperties' pattern ends the reading (logged, no value shown);
    a value ConfigurationHandler cannot convert raises ConfigSyntaxError (the file is not applied).
    """
    system_properties = system_properties or {}
    result = {}
    for number, line in _logical_lines(text):
        match = _PATTERN.fullmatch(line)
        if not match:
            LOG.error("Unable to parse config line %d; the rest of the file is ignored", number)
            break
        raw = unescape(subst_vars(_trim(match.group(2)), system_properties))
        try:
            result[_trim(match.group(1))] = _Value(raw).read()
        except ConfigSyntaxError as error:
            raise ConfigSyntaxError("line %d: %s" % (number, error))
    return result
