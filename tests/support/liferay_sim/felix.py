"""Reader for Apache Felix typed .config files (the osgi/configs format).

    # comment
    key=B"true"            boolean       (type letters: T S I L F D X B C, lowercase = primitive)
    port=I"587"            integer
    companyId=L"20097"     long
    host="smtp.example"    string
    list=["a","b"]         array, list=("a","b") collection; elements share the type letter
"""

import struct


class ConfigSyntaxError(ValueError):
    pass


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _convert(type_letter, text):
    kind = type_letter.upper()
    if kind == "T":
        return text
    if kind == "B":
        return text.strip().lower() == "true"
    if kind in ("I", "L", "X", "S"):  # X byte, S short
        return int(text.strip())
    if kind == "F":
        raw = int(text.strip())
        return struct.unpack(">f", struct.pack(">i", raw))[0] if "." not in text else float(text)
    if kind == "D":
        raw = int(text.strip())
        return struct.unpack(">d", struct.pack(">q", raw))[0] if "." not in text else float(text)
    if kind == "C":
        return text[:1]
    raise ConfigSyntaxError("unknown type letter %r" % type_letter)


class _Reader(object):
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self):
        char = self.peek()
        self.pos += 1
        return char

    def skip_blank(self, newlines=True):
        while True:
            char = self.peek()
            if char in (" ", "\t", "\f") or (newlines and char in ("\r", "\n")):
                self.pos += 1
            elif char == "\\" and self.text[self.pos + 1:self.pos + 2] in ("\n", "\r"):
                self.pos += 2  # line continuation
            elif newlines and char == "#" and self._at_line_start():
                while self.peek() not in ("", "\n"):
                    self.pos += 1
            else:
                return

    def _at_line_start(self):
        start = self.text.rfind("\n", 0, self.pos) + 1
        return self.text[start:self.pos].strip() == ""

    def error(self, message):
        line = self.text.count("\n", 0, self.pos) + 1
        raise ConfigSyntaxError("line %d: %s" % (line, message))

    def key(self):
        if self.peek() == '"':
            return self.quoted()
        start = self.pos
        while self.peek() and self.peek() not in "= \t\f\r\n":
            self.pos += 1
        if start == self.pos:
            self.error("expected a key")
        return self.text[start:self.pos]

    def quoted(self):
        if self.next() != '"':
            self.error('expected "')
        out = []
        while True:
            char = self.next()
            if char == "":
                self.error("unterminated string")
            if char == '"':
                return "".join(out)
            if char == "\\":
                escaped = self.next()
                if escaped == "u":
                    digits = self.text[self.pos:self.pos + 4]
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        self.error("bad unicode escape")
                    self.pos += 4
                elif escaped in ("\n", "\r"):
                    continue
                else:
                    out.append(_ESCAPES.get(escaped, escaped))
            else:
                out.append(char)

    def value(self):
        type_letter = "T"
        if self.peek().isalpha():
            type_letter = self.next()
            if type_letter.upper() not in "TSILFDXBC":
                self.error("unknown type letter %r" % type_letter)
        opener = self.peek()
        if opener == '"':
            return self._convert(type_letter, self.quoted())
        if opener in ("[", "("):
            closer = "]" if opener == "[" else ")"
            self.pos += 1
            items = []
            self.skip_blank()
            if self.peek() == closer:
                self.pos += 1
                return items
            while True:
                self.skip_blank()
                if self.peek() == closer:  # Felix writes a comma after the last element
                    self.pos += 1
                    return items
                items.append(self._convert(type_letter, self.quoted()))
                self.skip_blank()
                char = self.next()
                if char == closer:
                    return items
                if char != ",":
                    self.error("expected ',' or %r" % closer)
        self.error("expected a quoted value, [ or (")

    def _convert(self, type_letter, text):
        try:
            return _convert(type_letter, text)
        except ValueError as error:
            self.error("bad %s value %r (%s)" % (type_letter, text, error))


def parse_config(text):
    """Parse .config text into a dict; raises ConfigSyntaxError on malformed input."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = _Reader(text)
    result = {}
    while True:
        reader.skip_blank()
        if not reader.peek():
            return result
        key = reader.key()
        reader.skip_blank(newlines=False)
        if reader.next() != "=":
            reader.error("expected '=' after %s" % key)
        reader.skip_blank(newlines=False)
        result[key] = reader.value()
        reader.skip_blank(newlines=False)
        if reader.peek() not in ("", "\n", "\r"):
            reader.error("unexpected text after the value of %s" % key)
