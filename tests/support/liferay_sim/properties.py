"""Portal properties the way Liferay reads them (Apache Commons Configuration 1.x).

A value is stored either as one string or as a list (comma split, or a key that
appears twice in one file).  Reading back joins lists with ',' and does not
interpolate them; single values get ${...} interpolation with the $${ escape.
"""

import logging
import os
import re

from . import envdecode

LOG = logging.getLogger("liferay_sim.properties")

DELIMITER = ","
WHITESPACE = " \t\f"
SEPARATORS = "=:"

# The mail part of portal.properties (reference section 1) plus the few other
# keys the simulator reads.  Parsed like any other file.
PORTAL_PROPERTIES_DEFAULTS = r"""
admin.email.from.name=Joe Bloggs
admin.email.from.address=test@domain.invalid
company.default.web.id=liferay.com
json.service.serialize.throwable=false
mail.batch.size=0
mail.send.blacklist=noreply@liferay.com,test@liferay.com,noreply@domain.invalid,test@domain.invalid
mail.session.mail=false
mail.session.mail.pop3.host=localhost
mail.session.mail.pop3.password=
mail.session.mail.pop3.port=110
mail.session.mail.pop3.user=
mail.session.mail.smtp.auth=false
mail.session.mail.smtp.host=localhost
mail.session.mail.smtp.password=
mail.session.mail.smtp.port=25
mail.session.mail.smtp.starttls.enable=true
mail.session.mail.smtp.user=
mail.session.mail.store.protocol=pop3
mail.session.mail.transport.protocol=smtp
mail.mx.update=true
mail.audit.trail=
mail.throws.exception.on.failure=false
pop.server.notifications.enabled=false
"""


class PropertiesSyntaxError(ValueError):
    pass


def java_trim(text):
    """String.trim(): strips characters up to U+0020 only (str.strip() would also take U+00A0 and friends)."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _logical_lines(text):
    """PropertiesReader: trimmed lines, comments skipped, odd trailing backslashes join lines."""
    buffer = []
    # BufferedReader.readLine ends lines at \n, \r and \r\n only (not at U+2028 like str.splitlines).
    for raw in re.split(r"\r\n|\r|\n", text):
        line = java_trim(raw)
        if not line or line[0] in "#!":
            continue  # also inside a continuation, as Commons does
        backslashes = len(line) - len(line.rstrip("\\"))
        if backslashes % 2 == 1:
            buffer.append(line[:-1])
            continue
        buffer.append(line)
        yield "".join(buffer)
        buffer = []
    if buffer:
        yield "".join(buffer)


def _split_key_value(line):
    key = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line):
            following = line[i + 1]
            key.append(following if following in SEPARATORS + WHITESPACE else "\\" + following)
            i += 2
            continue
        if char in WHITESPACE or char in SEPARATORS:
            break
        key.append(char)
        i += 1
    rest = line[i:].lstrip(WHITESPACE)
    if rest[:1] in ("=", ":"):
        rest = rest[1:]
    return "".join(key), java_trim(rest)


def unescape_java(value, delimiter=DELIMITER):
    """Step 2 of the value pipeline; '\\,' stays as the two characters."""
    out = []
    i = 0
    length = len(value)
    while i < length:
        char = value[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        if i + 1 >= length:
            out.append("\\")  # a lone trailing backslash is kept
            break
        following = value[i + 1]
        i += 2
        if following == "u":
            digits = value[i:i + 4]
            if len(digits) != 4 or not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise PropertiesSyntaxError("Unable to parse unicode value: %s" % digits)
            out.append(chr(int(digits, 16)))
            i += 4
        elif following == delimiter:
            out.append("\\" + delimiter)
        else:
            out.append({"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b"}.get(following, following))
    return "".join(out)


def split_list(value, delimiter=DELIMITER):
    """PropertyConverter.split: cut at unescaped commas, trim elements, keep empty ones."""
    parts = []
    token = []
    escaped = False
    for char in value:
        if escaped:
            if char not in (delimiter, "\\"):
                token.append("\\")
            token.append(char)
            escaped = False
        elif char == delimiter:
            parts.append(java_trim("".join(token)))
            token = []
        elif char == "\\":
            escaped = True
        else:
            token.append(char)
    if escaped:
        token.append("\\")
    parts.append(java_trim("".join(token)))
    return parts


def flatten(value):
    """Split only when the first comma sits after index 0."""
    if value.find(DELIMITER) > 0:
        return split_list(value)
    return [value]


def parse_properties(text):
    """Parse file text into {key: [values...]} (a one-element list is a single value)."""
    result = {}
    for line in _logical_lines(text):
        key, raw_value = _split_key_value(line)
        key = unescape_java(key, delimiter=None)
        values = flatten(unescape_java(raw_value))
        result.setdefault(key, []).extend(values)
    return result


def env_value(value):
    """setProperty on the composite: split once, then the in-memory store splits every piece again."""
    pieces = []
    for piece in flatten(value):
        pieces.extend(flatten(piece))
    return pieces


class Source(object):
    def __init__(self, layer, values, path=None):
        self.layer = layer
        self.values = values
        self.path = path


class PortalProperties(object):
    """The composite configuration: later sources win as a whole per key."""

    def __init__(self, sources):
        self.sources = list(sources)

    def _find(self, key):
        for source in reversed(self.sources):
            if key in source.values:
                return source
        return None

    def contains(self, key):
        return self._find(key) is not None

    def get(self, key, default=None):
        value, _layer = self.get_with_layer(key)
        return default if value is None else value

    def get_with_layer(self, key):
        source = self._find(key)
        if source is None:
            return None, None
        values = source.values[key]
        if len(values) != 1:
            return ",".join(values), source.layer
        return self._interpolate(values[0], set([key])), source.layer

    def _raw(self, key, seen):
        source = self._find(key)
        if source is None:
            return None
        values = source.values[key]
        if len(values) != 1:
            return ",".join(values)
        return self._interpolate(values[0], seen | {key})

    def _interpolate(self, value, seen):
        if "${" not in value:
            return value
        out = []
        i = 0
        while i < len(value):
            if value.startswith("$${", i):
                # StrSubstitutor: the escape '$' is dropped and "${" stays literal, closed or not.
                out.append("${")
                i += 3
                continue
            if value.startswith("${", i):
                end = value.find("}", i + 2)
                if end != -1:
                    name = value[i + 2:end]
                    resolved = None if name in seen else self._raw(name, seen)
                    out.append(value[i:end + 1] if resolved is None else resolved)
                    i = end + 1
                    continue
            out.append(value[i])
            i += 1
        return "".join(out)

    def keys(self):
        names = set()
        for source in self.sources:
            names.update(source.values)
        return sorted(names)

    def with_prefix(self, prefix):
        """PropsUtil.getProperties(prefix, true): {stripped key: (value, layer)}."""
        result = {}
        for key in self.keys():
            if key.startswith(prefix):
                result[key[len(prefix):]] = self.get_with_layer(key)
        return result

    def loaded_files(self):
        return [source.path for source in self.sources if source.path]


def _read_file(path):
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", errors="replace")


def _load_chain(path, sources, seen, liferay_home):
    """Load one file, then the files its include-and-override names (they override it)."""
    real = os.path.realpath(path)
    if real in seen or not os.path.isfile(path):
        return
    seen.add(real)
    try:
        values = parse_properties(_read_file(path))
    except (OSError, PropertiesSyntaxError) as error:
        LOG.error("Unable to load %s: %s", path, error)
        return
    sources.append(Source(os.path.basename(path), values, path))
    includes = values.get(envdecode.INCLUDE_AND_OVERRIDE, [])
    for include in includes:
        target = include.replace("${liferay.home}", liferay_home).strip()
        if not target:
            continue
        if not os.path.isabs(target):
            target = os.path.join(os.path.dirname(path), target)
        _load_chain(target, sources, seen, liferay_home)


def load_portal_properties(liferay_home, environ, company_id=None):
    """Build the configuration of one start-up.

    Order (later wins): portal.properties defaults, portal-bundle, portal-ext (+ includes),
    portal-setup-wizard (+ includes), files named by the include-and-override variable,
    LIFERAY_* variables, and for a company its LIFERAY_PROPS_BY_COMPANY_<id> text.
    """
    defaults = parse_properties(PORTAL_PROPERTIES_DEFAULTS)
    defaults["liferay.home"] = [liferay_home]
    sources = [Source("default", defaults)]
    seen = set()
    for name in ("portal-bundle.properties", "portal-ext.properties", "portal-setup-wizard.properties"):
        _load_chain(os.path.join(liferay_home, name), sources, seen, liferay_home)
    for extra in envdecode.include_and_override(environ):
        extra = extra.replace("${liferay.home}", liferay_home)
        if not os.path.isabs(extra):
            extra = os.path.join(liferay_home, extra)
        _load_chain(extra, sources, seen, liferay_home)
    env_values = {}
    for key, value, variable in envdecode.property_overrides(environ):
        LOG.info("Overrode property %s with the value from the environment variable %s", key, variable)
        env_values[key] = env_value(value)
    if env_values:
        sources.append(Source("env", env_values))
    if company_id is not None:
        text = envdecode.company_properties_text(environ, company_id)
        if text is not None:
            sources.append(Source("env:LIFERAY_PROPS_BY_COMPANY_%s" % company_id,
                                  {k: [v] for k, v in load_java_properties(text).items()}))
    return PortalProperties(sources)


def load_java_properties(text):
    """java.util.Properties text (PropertiesUtil.load), used for advanced JavaMail properties."""
    import javaproperties  # test-side dependency, pinned in requirements

    return dict(javaproperties.loads(text or ""))
