# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import javaproperties
import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils import settings as s


def params(**overrides):
    base = dict(
        smtp=dict(host='smtp.example.com', port=None, security='starttls', user='joe', password='secret'),
        pop=None,
        javamail_properties={},
    )
    base.update(overrides)
    return base


def keys(**overrides):
    return s.MailSettings.from_params(params(**overrides)).portal_properties()


def test_starttls_writes_control_panel_keys():
    result = keys()
    assert result[s.MAIL_SESSION_MAIL] == 'true'
    assert result[s.SMTP_PORT] == '587'
    assert result[s.SMTP_STARTTLS] == 'true'
    assert result[s.TRANSPORT_PROTOCOL] == 'smtp'
    assert result[s.POP_NOTIFICATIONS] == 'false'
    assert s.POP_HOST not in result
    assert result[s.ADVANCED_PROPERTIES] == ''


@pytest.mark.parametrize('security,port,protocol,starttls', [
    ('none', '25', 'smtp', 'false'),
    ('starttls', '587', 'smtp', 'true'),
    ('ssl', '465', 'smtps', 'false'),
])
def test_smtp_security_maps_to_protocol_and_default_port(security, port, protocol, starttls):
    result = keys(smtp=dict(host='smtp.example.com', security=security))
    assert (result[s.SMTP_PORT], result[s.TRANSPORT_PROTOCOL], result[s.SMTP_STARTTLS]) == (port, protocol, starttls)
    assert result[s.SMTP_USER] == '' and result[s.SMTP_PASSWORD] == ''


@pytest.mark.parametrize('security,port,protocol', [('none', '110', 'pop3'), ('ssl', '995', 'pop3s')])
def test_pop_security(security, port, protocol):
    result = keys(pop=dict(host='pop.example.com', security=security, notifications=True))
    assert (result[s.POP_PORT], result[s.STORE_PROTOCOL], result[s.POP_NOTIFICATIONS]) == (port, protocol, 'true')


def test_every_managed_key_has_an_osgi_attribute_except_the_switch():
    assert set(s.OSGI_ATTRIBUTES) == set(s.MANAGED_KEYS) - {s.MAIL_SESSION_MAIL}


def test_javamail_properties_render_as_java_properties_text():
    text = keys(javamail_properties={'mail.smtp.timeout': 5000, 'mail.debug': False, 'mail.smtp.from': ' caf\u00e9=x\\y'})[s.ADVANCED_PROPERTIES]
    assert text.split('\n')[0] == 'mail.debug=false'
    assert javaproperties.loads(text) == {'mail.debug': 'false', 'mail.smtp.from': ' caf\u00e9=x\\y', 'mail.smtp.timeout': '5000'}


@pytest.mark.parametrize('override,option', [
    (dict(smtp=dict(host='bad host')), 'smtp.host'),
    (dict(smtp=dict(host='')), 'smtp.host'),
    (dict(smtp=dict(host=' smtp.example.com')), 'smtp.host'),
    (dict(smtp=dict(host='smtp.example.com/x')), 'smtp.host'),
    (dict(smtp=dict(host='h', port=0)), 'smtp.port'),
    (dict(smtp=dict(host='h', port=65536)), 'smtp.port'),
    (dict(smtp=dict(host='h', security='tls')), 'smtp.security'),
    (dict(smtp=dict(host='h', user='u', password='')), 'smtp.password'),
    (dict(smtp=dict(host='h', user='', password='x')), 'smtp.user'),
    (dict(smtp=dict(host='h', user='u', password='a\nb')), 'smtp.password'),
    (dict(smtp=dict(host='h', user='u\u2028', password='x')), 'smtp.user'),
    (dict(pop=dict(host='p', security='starttls')), 'pop.security'),
    (dict(javamail_properties={'bad key': 1}), 'javamail_properties'),
    (dict(javamail_properties={'mail.x': 'a\rb'}), 'javamail_properties.mail.x'),
    (dict(javamail_properties={'mail.x': [1]}), 'javamail_properties.mail.x'),
])
def test_bad_input_names_the_option(override, option):
    with pytest.raises(s.SettingsError) as error:
        s.MailSettings.from_params(params(**override))
    assert error.value.option == option
    assert 'a\nb' not in str(error.value)


def test_error_message_never_contains_the_password():
    with pytest.raises(s.SettingsError) as error:
        s.MailSettings.from_params(params(smtp=dict(host='h', user='u', password='hunter2\n')))
    assert 'hunter2' not in str(error.value)


@pytest.mark.parametrize('override,fragment', [
    (dict(smtp=dict(host='h', port=110)), 'look swapped'),
    (dict(smtp=dict(host='h', port=995)), 'look swapped'),
    (dict(pop=dict(host='p', port=465)), 'look swapped'),
    (dict(smtp=dict(host='h', port=587, security='ssl')), 'use security: starttls'),
    (dict(smtp=dict(host='h', port=465, security='starttls')), 'use security: ssl'),
    (dict(smtp=dict(host='h', security='none', user='u', password='p')), 'without TLS'),
    (dict(smtp=dict(host='h', user='u', password='a${b}')), "'${'"),
    (dict(smtp=dict(host='h', security='ssl'), javamail_properties={'mail.smtp.timeout': 1}), 'mail.smtps.timeout'),
])
def test_warnings(override, fragment):
    warnings = s.MailSettings.from_params(params(**override)).warnings()
    assert any(fragment in warning for warning in warnings), warnings


def test_no_warning_for_a_sound_setup():
    assert s.MailSettings.from_params(params(pop=dict(host='p', security='ssl', user='u', password='x'))).warnings() == []


def test_masking_covers_passwords_and_password_like_javamail_lines():
    result = s.masked(keys(javamail_properties={'mail.smtp.password': 'x', 'mail.smtp.timeout': 1}))
    assert result[s.SMTP_PASSWORD] == s.MASK
    assert result[s.ADVANCED_PROPERTIES] == 'mail.smtp.password=%s\nmail.smtp.timeout=1' % s.MASK
    assert 'secret' not in s.render_keymap(result)


def test_empty_secret_is_not_masked_so_the_diff_shows_it_is_unset():
    assert s.masked({s.SMTP_PASSWORD: ''})[s.SMTP_PASSWORD] == ''


def test_render_keymap_keeps_one_line_per_key():
    text = s.render_keymap({s.ADVANCED_PROPERTIES: 'a=1\nb=2', s.SMTP_HOST: 'h'})
    assert text == 'mail.session.mail.smtp.host=h\nmail.session.mail.advanced.properties=a=1\\nb=2\n'


def test_no_interpolation_warning_for_layers_that_do_not_interpolate():
    settings = s.MailSettings.from_params(params(smtp=dict(host='h', user='u', password='a${b}')))
    assert not any("'${'" in warning for warning in settings.warnings(interpolated=False))
