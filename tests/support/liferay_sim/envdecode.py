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


def _charpool():
    table = {
        "AMPERSAND": "&", "APOSTROPHE": "'", "AT": "@", "BACKSLASH": "\\",
        "CARET": "^", "CLOSEBRACKET": "]", "CLOSECURLYBRACE": "}",
        "CLOSEPARENTHESIS": ")", "COLON": ":", "COMMA": ",", "DASH": "-",
        "DOLLAR": "$", "EQUAL": "=", "EXCLAMATION": "!", "FORWARDSLASH": "/",
        "GRAVEACCENT": "`", "GREATERTHAN": ">", "LESSTHAN": "<", "MINUS": "-",
        "NEWLINE": "\n", "NOBREAKSPACE": "\u00a0", "OPENBRACKET": "[",
        "OPENCURLYBRACE": "{", "OPENPARENTHESIS": "(", "PERCENT": "%",
        "PERIOD": ".", "PIPE": "|", "PLUS": "+", "POUND": "#", "QUESTION": "?",
        "QUOTE": '"', "RETURN": "\r", "SEMICOLON": ";", "SLASH": "/",
        "SPACE": " ", "STAR": "*", "TAB": "\t", "TILDE": "~", "UNDERLINE": "_",
    }
    for i in range(26):
        table["UPPERCASE" + chr(65 + i)] = chr(65 + i)
        table["LOWERCASE" + chr(65 + i)] = chr(97 + i)
    for i in range(10):
        table["NUMBER%d" % i] = str(i)
    return table


CHARPOOL = _charpool()


def _code_point(token):
    """GetterUtil.get(token, -1): optional sign and decimal digits, else -1."""
    body = token[1:] if token[:1] in ("+", "-") else token
    if not body or not body.isdigit() or not body.isascii():
        return -1
    return int(token)


def _is_defined(code_point):
    """Java's Character.isDefined: an assigned Unicode code point."""
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


def include_and_override(environ):
    """Extra properties files named by LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE."""
    for variable in sorted(environ):
        if variable.startswith(ENV_PREFIX) and not variable.startswith(PROPS_BY_COMPANY_PREFIX):
            if decode(variable[len(ENV_PREFIX):].lower()) == INCLUDE_AND_OVERRIDE:
                return [part.strip() for part in environ[variable].split(",") if part.strip()]
    return []


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
