"""Liferay's LIFERAY_* environment-variable convention (EnvPropertiesUtil).

Also reads Docker --env-file files, so a test can hand the simulator the same
file a container would get.
"""

import logging
import unicodedata

LOG = logging.getLogger("liferay_sim.env")

ENV_PREFIX = "LIFERAY_"
PROPS_BY_COMPANY_PREFIX = "LIFERAY_PROPS_BY_COMPANY_"
INCLUDE_AND_OVERRIDE = "include-and-override"


# Every char field of com.liferay.petra.string.CharPool (petra-string), by field name.
# EnvPropertiesUtil._getCharPoolChars keys them by the name without its underscores.
CHARPOOL_FIELDS = {
    "AMPERSAND": "&", "APOSTROPHE": "'", "ARABIC_DECIMAL_SEPARATOR": "\u066b", "AT": "@",
    "BACK_SLASH": "\\", "CARET": "^", "CLOSE_BRACKET": "]", "CLOSE_CURLY_BRACE": "}",
    "CLOSE_PARENTHESIS": ")", "COLON": ":", "COMMA": ",", "DASH": "-", "DELETE": "\u007f",
    "DOLLAR": "$", "EQUAL": "=", "EXCLAMATION": "!", "FIGURE_SPACE": "\u2007", "FORWARD_SLASH": "/",
    "GREATER_THAN": ">", "LESS_THAN": "<", "MINUS": "-", "NARROW_NO_BREAK_SPACE": "\u202f",
    "NEW_LINE": "\n", "NO_BREAK_SPACE": "\u00a0", "OPEN_BRACKET": "[", "OPEN_CURLY_BRACE": "{",
    "OPEN_PARENTHESIS": "(", "PERCENT": "%", "PERIOD": ".", "PIPE": "|", "PLUS": "+", "POUND": "#",
    "PRIME": "`", "QUESTION": "?", "QUOTE": '"', "RAQUO": "\u00bb", "RETURN": "\r", "SEMICOLON": ";",
    "SLASH": "/", "SPACE": " ", "STAR": "*", "TAB": "\t", "TILDE": "~", "UNDERLINE": "_",
}
for _i in range(26):
    CHARPOOL_FIELDS["UPPER_CASE_" + chr(65 + _i)] = chr(65 + _i)
    CHARPOOL_FIELDS["LOWER_CASE_" + chr(65 + _i)] = chr(97 + _i)
for _i in range(10):
    CHARPOOL_FIELDS["NUMBER_%d" % _i] = str(_i)

CHARPOOL = {name.replace("_", ""): char for name, char in CHARPOOL_FIELDS.items()}

_INT_MIN, _INT_MAX = -2 ** 31, 2 ** 31 - 1


def _code_point(token):
    """GetterUtil.get(token, -1): Java-trimmed, optional sign, ASCII digits, int range; else -1."""
    text = token.strip("".join(chr(c) for c in range(0x21)))
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not all("0" <= c <= "9" for c in body):
        return -1
    number = int(text)
    return number if _INT_MIN <= number <= _INT_MAX else -1


def _is_defined(code_point):
    """Java's Character.isDefined: an assigned Unicode code point.

    Python's Unicode database stands in for Java 17's (Unicode 13.0); tests/fidelity compares the
    two over every code point and allows only characters assigned in a later Unicode version.
    """
    if code_point < 0 or code_point > 0x10FFFF:
        return False
    return unicodedata.category(chr(code_point)) != "Cn"


def decode(name, warnings=None):
    """Decode one variable name body (prefix already removed).

    An '_' opens a token, the next '_' closes it; the token is a CharPool name
    or a decimal code point, otherwise it is kept literally with a warning.
    """
    out = []
    i = 0
    length = len(name)
    while i < length:
        char = name[i]
        if char != "_":
            out.append(char)
            i += 1
            continue
        end = name.find("_", i + 1)
        if end == -1:
            out.append(name[i:])
            break
        token = name[i + 1:end]
        replacement = CHARPOOL.get(token.upper())
        if replacement is None and token:
            number = _code_point(token)
            if _is_defined(number):
                replacement = chr(number)
        if replacement is None:
            replacement = "_" + token + "_"
            message = 'Unable to decode part "%s" from "%s", preserve it literally' % (token, name)
            LOG.warning(message)
            if warnings is not None:
                warnings.append(token)
        out.append(replacement)
        i = end + 1
    return "".join(out)


def property_overrides(environ):
    """Return [(key, value, variable)] for every LIFERAY_* variable, sorted by name.

    include-and-override and the per-company variables are left to their readers.
    """
    result = []
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or variable.startswith(PROPS_BY_COMPANY_PREFIX):
            continue
        key = decode(variable[len(ENV_PREFIX):].lower())
        if key == INCLUDE_AND_OVERRIDE:
            continue
        result.append((key, environ[variable], variable))
    return result


INCLUDE_AND_OVERRIDE_VARIABLE = "LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE"


def include_and_override(environ):
    """Extra properties files named by LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE.

    ClassLoaderAggregateProperties._addURLProperties reads that exact variable (System.getenv, no
    decoding) while it loads portal.properties, and appends its comma-split names to the
    include-and-override list; other spellings that decode to the same key are skipped by
    EnvPropertiesUtil.loadEnvOverrides and have no effect.
    """
    value = environ.get(INCLUDE_AND_OVERRIDE_VARIABLE)
    if value is None:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def company_properties_text(environ, company_id):
    """The LIFERAY_PROPS_BY_COMPANY_<companyId> value (properties text) or None."""
    return environ.get(PROPS_BY_COMPANY_PREFIX + str(company_id))


def read_env_file(path, base_environ):
    """Read a Docker --env-file: VAR=value lines, '#' comments, VAR alone copies the caller's value.

    Values are taken verbatim (Docker does not strip quotes or trailing blanks).
    """
    result = {}
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle.read().splitlines(), 1):
            line = raw.lstrip()
            if not line or line.startswith("#"):
                continue
            name, sep, value = line.partition("=")
            name = name.lstrip()
            if not name or any(c.isspace() for c in name):
                raise ValueError("%s:%d: variable name contains whitespace or is empty" % (path, number))
            if sep:
                result[name] = value
            elif name in base_environ:
                result[name] = base_environ[name]
    return result
