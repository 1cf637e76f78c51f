# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""surface.py (sender, JNDI, system-scoped options) and the pure helpers of findings.py."""

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError
from ansible_collections.liferay_ops.mail.plugins.module_utils.findings import (
    advanced_property_keys,
    get_integer,
    tls_findings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.layers import list_altered
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import (
    Surface,
    detect_shape,
    is_email_address,
)


@pytest.mark.parametrize('address', ['portal@example.com', 'first.last+tag@mail.example.co.uk', "o'neil@example.com"])
def test_addresses_liferay_accepts(address):
    assert is_email_address(address)


@pytest.mark.parametrize('address', ['', 'portal', '@example.com', 'a@', 'Portal <portal@example.com>', 'a b@example.com',
                                     'a..b@example.com', 'a@-example.com', 'p\u00e9@example.com'])
def test_addresses_refused(address):
    assert not is_email_address(address)
    with pytest.raises(SettingsError) as error:
        Surface.from_params(dict(sender=dict(address=address)))
    assert error.value.option == 'sender.address'


def test_sender_keys_and_name():
    surface = Surface.from_params(dict(sender=dict(name='Portal Team', address='portal@example.com')))
    keys = surface.portal_keys(None)
    assert list(keys.items()) == [('admin.email.from.name', 'Portal Team'), ('admin.email.from.address', 'portal@example.com')]
    assert surface.owned_keys() == ('admin.email.from.name', 'admin.email.from.address')
    with pytest.raises(SettingsError) as error:
        Surface.from_params(dict(sender=dict(name=' Portal', address='portal@example.com')))
    assert error.value.option == 'sender.name'


def test_jndi_alone_turns_the_structured_session_off():
    surface = Surface.from_params(dict(jndi_name='mail/MailSession'))
    assert dict(surface.portal_keys(None)) == {'mail.session.mail': 'false', 'mail.session.jndi.name': 'mail/MailSession'}
    # Beside the mail session keys, it only adds its own key.
    assert surface.portal_keys({'mail.session.mail': 'true'})['mail.session.mail'] == 'true'


def test_jndi_beside_servers_needs_the_explicit_option():
    with pytest.raises(SettingsError) as error:
        Surface.from_params(dict(jndi_name='mail/MailSession')).check_jndi(True)
    assert error.value.option == 'jndi_name' and 'override_jndi_session' in str(error.value)
    Surface.from_params(dict(jndi_name='mail/MailSession', override_jndi_session=True)).check_jndi(True)
    Surface.from_params(dict(jndi_name='mail/MailSession')).check_jndi(False)
    with pytest.raises(SettingsError):
        Surface.from_params(dict(jndi_name='mail MailSession'))


def test_system_attribute_shapes():
    surface = Surface.from_params(dict(jndi_name='mail/X', send_blacklist=['a@example.com'], batch_size=10,
                                       throws_exception_on_failure=True))
    assert dict(surface.system_attributes('current')) == {
        'jndiName': 'mail/X', 'sendBlacklist': ['a@example.com'], 'batchSize': '10', 'throwsExceptionOnFailure': 'true'}
    assert dict(surface.system_attributes('mail_prefixed')) == {
        'mailSessionJndiName': 'mail/X', 'mailSendBlacklist': ['a@example.com'], 'mailBatchSize': '10',
        'mailThrowsExceptionOnFailure': 'true'}
    assert detect_shape(['mailSessionJndiName', 'popServerSubdomain']) == 'mail_prefixed'
    assert detect_shape(['jndiName']) == 'current'
    assert detect_shape(['popServerSubdomain']) is None
    with pytest.raises(SettingsError) as error:
        Surface.from_params(dict(send_blacklist=['not an address']))
    assert error.value.option == 'send_blacklist'
    with pytest.raises(SettingsError):
        Surface.from_params(dict(batch_size=-1))


def test_advanced_property_keys_read_like_properties_load():
    text = '# comment\nmail.smtp.timeout=1\n  mail.smtps.auth : true\nmail.a\\=b=1\nlong=one\\\n  mail.not.a.key=2\n! x\nbare'
    assert advanced_property_keys(text) == ['mail.smtp.timeout', 'mail.smtps.auth', 'mail.a=b', 'long', 'bare']


def test_get_integer_is_getterutil():
    assert get_integer(' 465 ') == 465 and get_integer('abc') == 0 and get_integer(None) == 0


def test_tls_findings_table():
    assert tls_findings('x', 'smtp', 465, False, 'pop3', 110, False)
    assert tls_findings('x', 'SMTPS', 465, False, 'pop3', 110, False)  # anything but "smtps" is smtp
    assert not tls_findings('x', 'smtps', 465, False, 'pop3s', 995, False)
    assert not tls_findings('x', 'smtp', 587, True, 'pop3', 110, True)
    assert len(tls_findings('x', 'smtp', 25, True, 'pop3', 110, True)) == 1
    assert not tls_findings('x', 'smtp', 25, True, 'pop3', 110, False)


@pytest.mark.parametrize('text, altered', [('a,b', False), ('a, b', True), (',a', False), (' ,a', True), ('a\\,b', False),
                                           ('a\\, b', False), ('x ,y', True), ('plain', False)])
def test_list_altered(text, altered):
    assert list_altered(text) is altered
