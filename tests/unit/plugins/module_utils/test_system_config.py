# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The attribute-name shapes of MailSettingSystemConfiguration (surface.py) and their typed values (osgi_system.py)."""

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_system import (
    system_attribute_text,
    system_config_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.osgi_config import (
    OsgiConfigDocument,
    parse_config,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import (
    SYSTEM_ATTRIBUTE_SHAPES,
    Surface,
    detect_shape,
)

PARAMS = dict(jndi_name='mail/Relay', send_blacklist=['a@example.org', 'b@example.org'], batch_size=25,
              throws_exception_on_failure=True, audit_trail=['audit@example.org'], pop_server_subdomain='replies')


@pytest.mark.parametrize('names, shape, strict', [
    (['jndiName'], 'current', 'current'),
    (['sendBlacklist', 'popServerSubdomain'], 'current', 'current'),
    (['mailSessionJndiName'], 'mail_prefixed', 'mail_prefixed'),
    (['mailSessionMail', 'mailSendBlacklist'], 'first', 'first'),
    (['mailSessionMailSMTPAuth'], 'first', 'first'),
    (['mailSendBlacklist', 'mailBatchSize'], 'mail_prefixed', None),  # names both mail* shapes share
    (['popServerSubdomain'], None, None),
    ([], None, None),
])
def test_detect_shape(names, shape, strict):
    assert detect_shape(names) == shape
    assert detect_shape(names, strict=True) == strict


def test_attribute_names_per_shape():
    surface = Surface.from_params(PARAMS)
    assert surface.system_attributes('current') == {
        'jndiName': 'mail/Relay', 'sendBlacklist': ['a@example.org', 'b@example.org'], 'batchSize': '25',
        'throwsExceptionOnFailure': 'true', 'auditTrail': 'audit@example.org', 'popServerSubdomain': 'replies'}
    assert surface.system_attributes('mail_prefixed') == {
        'mailSessionJndiName': 'mail/Relay', 'mailSendBlacklist': ['a@example.org', 'b@example.org'],
        'mailBatchSize': '25', 'mailThrowsExceptionOnFailure': 'true', 'mailAuditTrail': 'audit@example.org',
        'popServerSubdomain': 'replies'}
    first = surface.system_attributes('first')
    assert 'mailSessionJndiName' not in first and first['mailSendBlacklist'] == ['a@example.org', 'b@example.org']
    assert 'jndi_name' not in SYSTEM_ATTRIBUTE_SHAPES['first']


@pytest.mark.parametrize('shape', list(SYSTEM_ATTRIBUTE_SHAPES))
def test_typed_values_round_trip_through_a_file(shape):
    names = SYSTEM_ATTRIBUTE_SHAPES[shape]
    texts = {names['send_blacklist']: 'a@example.org,b@example.org', names['batch_size']: '25',
             names['throws_exception_on_failure']: 'true', names['audit_trail']: 'audit@example.org'}
    document = OsgiConfigDocument()
    for name, text in texts.items():
        document.set(name, system_config_value(shape, name, text))
    text = document.to_text()
    assert text.startswith('%s=[\\\n  "a@example.org",\\\n  "b@example.org"\\\n]\n' % names['send_blacklist'])
    assert '%s=B"true"' % names['throws_exception_on_failure'] in text
    assert '%s="25"' % names['batch_size'] in text  # batchSize is a String in the metatype
    parsed = parse_config(text)
    for name, expected in texts.items():
        assert system_attribute_text(shape, name, parsed.get(name)) == expected


def test_empty_blacklist_is_an_empty_array():
    value = system_config_value('current', 'sendBlacklist', '')
    assert value.kind == 'array' and value.value == []


def test_a_plain_string_blacklist_reads_as_one_element():
    parsed = parse_config('sendBlacklist="a@example.org"\nthrowsExceptionOnFailure="TRUE"\n')
    assert system_attribute_text('current', 'sendBlacklist', parsed.get('sendBlacklist')) == 'a@example.org'
    assert system_attribute_text('current', 'throwsExceptionOnFailure', parsed.get('throwsExceptionOnFailure')) == 'true'


@pytest.mark.parametrize('params, option', [
    (dict(send_blacklist=['Joe <a@example.org>']), 'send_blacklist'),
    (dict(batch_size=-1), 'batch_size'),
    (dict(audit_trail=['nobody']), 'audit_trail'),
    (dict(pop_server_subdomain='-bad'), 'pop_server_subdomain'),
    (dict(jndi_name='a b'), 'jndi_name'),
])
def test_bad_system_values_name_the_option(params, option):
    with pytest.raises(SettingsError) as error:
        Surface.from_params(params)
    assert error.value.option == option


@pytest.mark.parametrize('backend', ['properties', 'env_file', 'api'])
def test_system_options_only_for_osgi_config(backend):
    surface = Surface.from_params(dict(send_blacklist=['a@example.org']))
    with pytest.raises(SettingsError) as error:
        surface.check_backend(backend, dict(send_blacklist=['a@example.org']))
    assert error.value.option == 'send_blacklist'
    with pytest.raises(SettingsError) as error:
        surface.check_backend(backend, dict(scope='system'))
    assert error.value.option == 'scope'
    surface.check_backend('osgi_config', dict(send_blacklist=['a@example.org'], scope='system'))
    # jndi_name stays allowed: 7.4's properties and env_file backends write mail.session.jndi.name.
    Surface.from_params(dict(jndi_name='mail/Relay')).check_backend(backend, dict(jndi_name='mail/Relay'))
