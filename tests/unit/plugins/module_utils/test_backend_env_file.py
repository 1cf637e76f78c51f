# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
from hypothesis import given, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.env_file import (
    EnvFile,
    encode_env_value,
    portal_reads,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    ADVANCED_PROPERTIES,
    POP_HOST,
    SMTP_HOST,
    SMTP_PASSWORD,
)


@pytest.mark.parametrize('raw,reads', [
    # docs/liferay-model.md §2.3: no Java unescaping, list-split (twice), single pieces interpolated
    ('plain', 'plain'),
    ('back\\slash', 'back\\slash'),  # no comma: verbatim
    ('a , b', 'a,b'),  # whitespace around commas removed
    ('a\\,b', 'a,b'),  # a backslash lost when the value has a comma
    (',lead', ',lead'),  # first comma at index 0: not split
    ('$${x}', '${x}'),
    ('', ''),
])
def test_portal_reads_like_the_reference(raw, reads):
    assert portal_reads(raw) == reads


@pytest.mark.parametrize('value,written', [
    ('smtp.example.com', 'smtp.example.com'),
    ('pa\\ss', 'pa\\ss'),
    ('pa,ss', 'pa\\\\\\,ss'),
    ('a\\b,c', 'a\\\\\\\\b\\\\\\,c'),
    ('x${y}', 'x$${y}'),
])
def test_encoding_examples(value, written):
    assert encode_env_value(SMTP_PASSWORD, value) == written
    assert portal_reads(written) == value


@given(st.text(alphabet=st.sampled_from(u'ab ,\\${}é='), max_size=12))
def test_every_accepted_value_reads_back_unchanged(value):
    try:
        written = encode_env_value(SMTP_PASSWORD, value)
    except BackendError as exc:
        assert str(exc).startswith('smtp.password: ')
        assert ',' in value and (value[:1] <= ' ' or value[-1:] <= ' ')
        return
    assert '\n' not in written
    assert portal_reads(written) == value


def test_refusals_name_the_option_and_never_the_value():
    with pytest.raises(BackendError) as multi:
        encode_env_value(ADVANCED_PROPERTIES, 'mail.smtp.timeout=1\nmail.smtp.connectiontimeout=1')
    assert str(multi.value).startswith('javamail_properties: ')
    with pytest.raises(BackendError) as spaced:
        encode_env_value(SMTP_PASSWORD, 'se,cret ')
    assert str(spaced.value).startswith('smtp.password: ') and 'se,cret' not in str(spaced.value)


def test_edit_keeps_other_bytes_and_collapses_aliases():
    text = ('# comment\r\n'
            'OTHER=1\r\n'
            'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP_NUMBER3__PERIOD_HOST=a\r\n'
            'PASSTHROUGH\r\n'
            'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP3_PERIOD_HOST=b')
    document = EnvFile(text)
    assert document.value(POP_HOST) == 'b'  # the last definition wins
    assert not document.is_canonical(POP_HOST)
    document.set(POP_HOST, 'pop.example.com')
    document.set(SMTP_HOST, 'smtp.example.com')
    assert document.to_bytes().decode('utf-8') == (
        '# comment\r\n'
        'OTHER=1\r\n'
        'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP3_PERIOD_HOST=pop.example.com\r\n'
        'PASSTHROUGH\r\n'
        'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=smtp.example.com\r\n')
    assert document.is_canonical(POP_HOST)
    document.remove(POP_HOST)
    assert document.value(POP_HOST) is None
