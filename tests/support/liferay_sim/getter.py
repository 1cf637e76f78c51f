"""Liferay GetterUtil / ParamUtil conversions the portal applies to form and property values."""

import re

TRUE_VALUES = ("true", "t", "y", "on", "1")


def get_string(value):
    """ParamUtil.getString: missing -> '', trimmed, CRLF -> LF."""
    if value is None:
        return ""
    return str(value).strip().replace("\r\n", "\n")


def get_boolean(value, default=False):
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    return str(value).strip().lower() in TRUE_VALUES


def get_integer(value, default=0):
    """Optional sign and decimal digits within the int range, else the default."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return default
    number = int(text)
    if not -2 ** 31 <= number < 2 ** 31:
        return default
    return number


def java_string(value):
    """How a loosely deserialized JSON value becomes a Java String."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def is_null(value):
    """Validator.isNull(String): None, only spaces (U+0020, not tabs), or the word 'null' with
    spaces anywhere in it ('null', ' n u l l '); 'NULL' and '\\t' are not null."""
    if value is None:
        return True
    counter = 0
    for char in str(value):
        if char == " ":
            continue
        if counter > 3 or char != "null"[counter]:
            return False
        counter += 1
    return counter in (0, 4)


def is_not_null(value):
    return not is_null(value)
