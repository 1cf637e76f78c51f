# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which values are secret, and how they are masked: one rule set for results, diffs and messages.

* A key (portal property, OSGi attribute, JavaMail property) is secret when its name mentions
  ``password`` or ends in ``secret``.
* The advanced JavaMail properties are java.util.Properties text: only the values of their
  password lines are secret.
* A secret in free text (an error message, a server's answer) is replaced in every form it may
  take there: raw, JSON-escaped, URL-encoded.
"""

import json
import re
from collections import OrderedDict
from urllib.parse import quote

MASK = '********'

# Keys whose value is java.util.Properties text: mail.session.mail.advanced.properties and its
# OSGi attribute (settings.ADVANCED_PROPERTIES and OSGI_ATTRIBUTES; a unit test keeps them in step).
PROPERTIES_TEXT_KEYS = frozenset(('mail.session.mail.advanced.properties', 'additionalJavaMailProperties'))

# A line of properties text whose key mentions a password: (key and separator, value).
_PASSWORD_LINE_RE = re.compile(r'^(\s*[^=:\s]*password[^=:\s]*\s*[=:\s]\s*)(.+)$', re.IGNORECASE)


def is_secret_key(key):
    """Whether the value of ``key`` is a secret (both mail passwords, any ``*password*`` name, the
    Microsoft 365 connector's ``clientSecret``)."""
    lowered = (key or '').lower()
    return 'password' in lowered or lowered.endswith('secret')


def may_hold_secret(key):
    """Whether a value of ``key`` is or may embed a secret, so that messages never quote it."""
    return is_secret_key(key) or (key or '').lower() in _PROPERTIES_TEXT_LOWER


_PROPERTIES_TEXT_LOWER = frozenset(key.lower() for key in PROPERTIES_TEXT_KEYS)


def password_lines(text):
    """(line, match) for every line of properties text; match is None unless it is a password line."""
    return [(line, _PASSWORD_LINE_RE.match(line)) for line in (text or '').split('\n')]


def password_values(text):
    """The secret values inside properties text (the values of its password lines), stripped."""
    return [match.group(2).strip() for _line, match in password_lines(text) if match and match.group(2).strip()]


def mask_properties_text(text):
    """Properties text with the value of every password line masked."""
    return '\n'.join(match.group(1) + MASK if match else line for line, match in password_lines(text))


def mask_value(key, value):
    """``value`` as it may be shown: a secret masked, properties text with its password lines masked."""
    if value is None or value == '':
        return value
    if key in PROPERTIES_TEXT_KEYS:
        return mask_properties_text(value)
    if is_secret_key(key):
        return MASK
    return value


def masked(keymap):
    """A copy of a key -> value mapping with every secret masked (empty secrets stay empty)."""
    return OrderedDict((key, mask_value(key, value)) for key, value in keymap.items())


def scrub_variants(value):
    """A secret in the forms it may take in an echoed message: raw, JSON-escaped, URL-encoded."""
    variants = set([value])
    variants.add(json.dumps(value)[1:-1])
    variants.add(json.dumps(value, ensure_ascii=False)[1:-1])
    variants.add(quote(value, safe=''))
    variants.add(quote(value))
    return [variant for variant in variants if variant]


class Scrubber:
    """Replaces known secrets (in every form added) in free text with the mask, longest first."""

    def __init__(self, values=()):
        self._variants = []
        self.add(values)

    def add(self, values):
        for value in values:
            for variant in scrub_variants(value) if value else ():
                if variant not in self._variants:
                    self._variants.append(variant)
        self._variants.sort(key=len, reverse=True)

    def __call__(self, text):
        text = '' if text is None else str(text)
        for variant in self._variants:
            text = text.replace(variant, MASK)
        return text
