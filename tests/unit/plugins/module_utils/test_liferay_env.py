# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
from hypothesis import given, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats import env_file as liferay_env
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS


@pytest.mark.parametrize('name,key', [
    # the examples portal.properties gives for mail (docs/liferay-model.md §2)
    ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST', 'mail.session.mail.smtp.host'),
    ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP_NUMBER3__PERIOD_HOST', 'mail.session.mail.pop3.host'),
    ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP3_PERIOD_HOST', 'mail.session.mail.pop3.host'),
    ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_JNDI_PERIOD_NAME', 'mail.session.jndi.name'),
    ('LIFERAY_JSP_PERIOD_ENGINE_PERIOD_ENABLE_UPPERCASEP_OOLING', 'jsp.engine.enablePooling'),
    ('LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE', 'include-and-override'),
    ('LIFERAY_SETUP_46_WIZARD_46_ENABLED', 'setup.wizard.enabled'),
    ('LIFERAY__UPPERCASEJ_EDI_SPACE__UPPERCASEK_NIGHT', 'Jedi Knight'),
    ('LIFERAY_ABC_XYZ_D', 'abc_xyz_d'),
    ('LIFERAY_ABC__DEF', 'abc__def'),
    ('LIFERAY_ABC_DEF', 'abc_def'),
])
def test_decode_follows_the_portal_examples(name, key):
    assert liferay_env.decode_name(name) == key


def test_decode_ignores_other_variables():
    assert liferay_env.decode_name('PATH') is None


@pytest.mark.parametrize('key', MANAGED_KEYS)
def test_every_managed_key_round_trips(key):
    assert liferay_env.decode_name(liferay_env.encode_name(key)) == key


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2fff, blacklist_categories=('Cn',)),
               min_size=1, max_size=30))
def test_any_key_round_trips(key):
    name = liferay_env.encode_name(key)
    assert all(char.isupper() or char.isdigit() or char == '_' for char in name)
    assert liferay_env.decode_name(name) == key


def test_env_file_parsing_and_mail_overrides():
    text = '# comment\nLIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL=true\nOTHER=1\n\nLIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PORT=587\n'
    variables = liferay_env.parse_env_file(text)
    assert variables['OTHER'] == '1'
    overrides = liferay_env.mail_overrides(variables, MANAGED_KEYS)
    assert overrides == {
        'mail.session.mail': ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL', 'true'),
        'mail.session.mail.smtp.port': ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PORT', '587'),
    }


@pytest.mark.parametrize('raw,pieces', [
    ('plain', ['plain']),
    (',leading', [',leading']),          # a first comma at index 0 does not split
    ('a, b', ['a', 'b']),               # both splits trim
    ('a\\\\\\,b', ['a,b']),           # escaped for both splits: one piece, comma kept
    ('a\\,b', ['a', 'b']),              # escaped once: the second split cuts it
    ('c:\\\\\\\\x,y', ['c:\\\\x', 'y']),  # a piece without a comma is not split (or unescaped) again
])
def test_value_pieces_undo_both_list_splits(raw, pieces):
    assert liferay_env.value_pieces(raw) == pieces


@pytest.mark.parametrize('token,char', [
    ('PRIME', '`'), ('DELETE', '\x7f'), ('RAQUO', u'\u00bb'), ('NOBREAKSPACE', u'\u00a0'),
    ('NARROWNOBREAKSPACE', u'\u202f'), ('FIGURESPACE', u'\u2007'), ('ARABICDECIMALSEPARATOR', u'\u066b'),
    ('QUOTE', '"'), ('CARET', '^'), ('BACKSLASH', '\\'), ('FORWARDSLASH', '/'),
])
def test_charpool_field_names_decode(token, char):
    """EnvPropertiesUtil._getCharPoolChars: every char field of CharPool, named without underscores
    (docs/liferay-model.md §2.1)."""
    assert liferay_env.decode_name('LIFERAY_A_%s_B' % token) == 'a%sb' % char


@pytest.mark.parametrize('token', ['BACKTICK', 'DOUBLEQUOTE', 'GRAVEACCENT', 'CHAR46'])
def test_names_that_are_not_charpool_fields_stay_literal(token):
    """EnvPropertiesUtil.decode keeps an unknown token with its underscores (docs/liferay-model.md §2.1)."""
    assert liferay_env.decode_name('LIFERAY_A_%s_B' % token) == 'a_%s_b' % token.lower()


@pytest.mark.parametrize('token,decoded', [
    ('46', '.'), ('+46', '.'), ('046', '.'), ('-0', '\x00'),
    ('888', '_888_'),            # U+0378 is unassigned: Character.isDefined is false
    ('1114112', '_1114112_'),    # beyond the last code point
    ('99999999999', '_99999999999_'),  # not an int: GetterUtil.get gives -1
    ('-46', '_-46_'), ('4a', '_4a_'),
    (u'\u0664\u0666', u'_\u0664\u0666_'),  # Arabic-Indic digits are not digits for GetterUtil
])
def test_numeric_tokens_follow_getterutil_and_character_isdefined(token, decoded):
    """GetterUtil.get(token, -1) then Character.isDefined, else the token stays literally
    (docs/liferay-model.md §2.1)."""
    assert liferay_env.decode_name(u'LIFERAY_X_%s_' % token.upper()) == u'x' + decoded.lower()
