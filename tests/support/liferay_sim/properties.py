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

# The mail part of portal.properties (docs/liferay-model.md §1) plus the few other
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
    """PropertiesReader.readProperty: trimmed lines, comments skipped, odd trailing backslashes join lines."""
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
    # A continuation still open at the end of the text is dropped: PropertiesReader.readProperty
    # returns null when the file ends before the continued line does.


# PropertiesReader.PROPERTY_PATTERN of Commons 1.10, matched against the whole logical line:
#   (([\S&&[^\\=:]]|\\.)*)(\s*(\s+|[=:])\s*)(.*)
# \s is ASCII whitespace only, and "." matches anything but a line terminator (\n, \r, U+0085,
# U+2028, U+2029).  The separator is required: a line without one, or whose value holds a line
# terminator, does not match and Commons stores it under the key "" with the value "".
_JAVA_SPACE = " \t\n\x0b\x0c\r"
_PROPERTY_PATTERN = re.compile(
    "((?:[^%s\\\\=:]|\\\\[^\n\r\x85\u2028\u2029])*)"
    "([%s]*(?:[%s]+|[=:])[%s]*)"
    "([^\n\r\x85\u2028\u2029]*)" % ((_JAVA_SPACE,) * 4))


def _split_key_value(line):
    """PropertiesReader.doParseProperty: (raw key, raw value), both trimmed; ("", "") without a match."""
    match = _PROPERTY_PATTERN.fullmatch(line)
    if match is None:
        return "", ""
    return java_trim(match.group(1)), java_trim(match.group(3))


def unescape_java(value, delimiter=DELIMITER):
    """Step 2 of the value pipeline (PropertiesConfiguration.unescapeJava; keys: commons-lang's).

    '\\,' stays as the two characters; a '\\u' escape cut short by the end of the text is dropped
    (the unicode buffer is never flushed); four characters that are not hex digits are an error.
    """
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
            if len(digits) < 4:
                break  # the text ends inside the escape: Commons drops what it collected
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise PropertiesSyntaxError("Unable to parse unicode value: %s" % digits)
            out.append(chr(int(digits, 16)))
            i += 4
        elif following == delimiter:
            out.append("\\" + delimiter)
        else:
            out.append({"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b"}.get(following, following))
    return _join_surrogates("".join(out))


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _join_surrogates(text):
    """Java strings are UTF-16: two \\u escapes of a surrogate pair are one character."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return _SURROGATE_PAIR.sub(
        lambda pair: pair.group(0).encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)


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


def parse_properties(text, base_dir=None, _result=None, _depth=0):
    """Parse file text into {key: [values...]} (a one-element list is a single value).

    A key "include" (any case) is Commons' include directive, not a property
    (PropertiesConfiguration.propertyLoaded): each comma-separated name is loaded into the same
    configuration from ``base_dir`` (the directory of the file), and a name that cannot be found
    makes the whole file fail to load ("Cannot resolve include file"), so Liferay ignores it.
    """
    result = {} if _result is None else _result
    for line in _logical_lines(text):
        key, raw_value = _split_key_value(line)
        key = unescape_java(key, delimiter=None)
        value = unescape_java(raw_value)
        if key.lower() == "include":
            for name in [part for part in value.split(DELIMITER) if part]:
                name = java_trim(name)
                path = name if os.path.isabs(name) or base_dir is None else os.path.join(base_dir, name)
                if base_dir is None and not os.path.isabs(name) or not os.path.isfile(path) or _depth > 10:
                    raise PropertiesSyntaxError("Cannot resolve include file %s" % name)
                parse_properties(_read_file(path), os.path.dirname(path), result, _depth + 1)
            continue
        result.setdefault(key, []).extend(flatten(value))
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
        """ClassLoaderAggregateProperties.getString: a list joined with ',', a single value interpolated."""
        source = self._find(key)
        if source is None:
            return None, None
        values = source.values[key]
        if len(values) != 1:
            return ",".join(values), source.layer
        return self.interpolate(values[0]), source.layer

    def _lookup(self, name):
        """AbstractConfiguration.resolveContainerStore: the raw value, the first element of a list."""
        source = self._find(name)
        if source is None:
            return None
        return source.values[name][0]

    def interpolate(self, value):
        """commons-lang 2 StrSubstitutor.replace with prefix '${', suffix '}' and escape '$'.

        ``$${`` loses its '$' and stays literal; a resolved value is substituted again; a
        reference back to a variable being resolved raises (IllegalStateException in Java,
        "Infinite loop in property interpolation"); an unresolved reference stays as written.
        """
        if "${" not in value:
            return value
        buf = list(value)
        self._substitute(buf, 0, len(buf), None)
        return "".join(buf)

    def _substitute(self, buf, offset, length, prior):
        change_total = 0
        end = offset + length
        pos = offset
        while pos < end:
            if not (buf[pos] == "$" and pos + 1 < end and buf[pos + 1] == "{"):
                pos += 1
                continue
            if pos > offset and buf[pos - 1] == "$":
                del buf[pos - 1]
                change_total -= 1
                end -= 1
                continue
            start = pos
            pos += 2
            while pos < end and buf[pos] != "}":
                pos += 1
            if pos >= end:
                break
            name = "".join(buf[start + 2:pos])
            pos += 1
            end_pos = pos
            if prior is None:
                prior = ["".join(buf[offset:offset + length])]
            if name in prior:
                raise PropertiesSyntaxError("Infinite loop in property interpolation of ${%s}" % name)
            prior.append(name)
            replacement = self._lookup(name)
            if replacement is not None:
                buf[start:end_pos] = list(replacement)
                change = self._substitute(buf, start, len(replacement), prior)
                change += len(replacement) - (end_pos - start)
                pos += change
                end += change
                change_total += change
            prior.pop()
        return change_total

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


class Locator(object):
    """Where Liferay finds an include-and-override file (ClassLoaderAggregateProperties).

    _addIncludedPropertiesSources asks the portal class loader for the name first, then
    _addFileProperties calls ConfigurationUtils.locate(fileSystem, null, name): an absolute path
    that exists, else the name relative to the working directory, else relative to user.home,
    else a class path resource.  Never relative to the file that names it.  The simulator has no
    class path; its working directory is the Liferay home (as in Liferay's Docker images, whose
    working directory is the Liferay home) unless ``working_dir`` says otherwise, and user.home is
    the HOME of its environment (docs/liferay-model.md §1.6).
    """

    def __init__(self, working_dir, user_home):
        self.working_dir = working_dir
        self.user_home = user_home

    def locate(self, name):
        if os.path.isabs(name):
            return name if os.path.isfile(name) else None
        for base in (self.working_dir, self.user_home):
            if base and os.path.isfile(os.path.join(base, name)):
                return os.path.join(base, name)
        return None


def _load_chain(path, sources, seen, liferay_home, locator):
    """Load one file, then the files its include-and-override names (they override it)."""
    real = os.path.realpath(path)
    if real in seen or not os.path.isfile(path):
        return
    seen.add(real)
    try:
        values = parse_properties(_read_file(path), os.path.dirname(path))
    except (OSError, PropertiesSyntaxError) as error:
        LOG.error("Unable to load %s: %s", path, error)
        return
    sources.append(Source(os.path.basename(path), values, path))
    includes = values.get(envdecode.INCLUDE_AND_OVERRIDE, [])
    for include in includes:
        target = include.replace("${liferay.home}", liferay_home).strip()
        if not target:
            continue
        located = locator.locate(target)
        if located is None:
            LOG.info("Configuration source %s not found (looked in %s and %s)", target,
                     locator.working_dir, locator.user_home)
            continue
        _load_chain(located, sources, seen, liferay_home, locator)


def load_portal_properties(liferay_home, environ, company_id=None, working_dir=None):
    """Build the configuration of one start-up.

    Order (later wins): portal.properties defaults, portal-bundle, portal-ext (+ includes),
    portal-setup-wizard (+ includes), files named by LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE,
    LIFERAY_* variables, and for a company its LIFERAY_PROPS_BY_COMPANY_<id> text.
    """
    locator = Locator(working_dir or liferay_home, environ.get("HOME"))
    defaults = parse_properties(PORTAL_PROPERTIES_DEFAULTS)
    defaults["liferay.home"] = [liferay_home]
    sources = [Source("default", defaults)]
    seen = set()
    for name in ("portal-bundle.properties", "portal-ext.properties", "portal-setup-wizard.properties"):
        _load_chain(os.path.join(liferay_home, name), sources, seen, liferay_home, locator)
    for extra in envdecode.include_and_override(environ):
        located = locator.locate(extra.replace("${liferay.home}", liferay_home))
        if located is not None:
            _load_chain(located, sources, seen, liferay_home, locator)
    env_values = {}
    for key, value, variable in envdecode.property_overrides(environ):
        LOG.info("Overrode property %s with the value from the environment variable %s", key, variable)
        env_values[key] = env_value(value)
    if env_values:
        sources.append(Source("env", env_values))
    if company_id is not None:
        text = envdecode.company_properties_text(environ, company_id)
        if text is not None:
            # Each key of the text is applied with setProperty, like any LIFERAY_* value
            # (docs/liferay-model.md §2.4).
            sources.append(Source("env:LIFERAY_PROPS_BY_COMPANY_%s" % company_id,
                                  {k: env_value(v) for k, v in load_java_properties(text).items()}))
    return PortalProperties(sources)


def load_java_properties(text):
    """java.util.Properties text (PropertiesUtil.load), used for advanced JavaMail properties."""
    import javaproperties  # test-side dependency, pinned in requirements

    return dict(javaproperties.loads(text or ""))
