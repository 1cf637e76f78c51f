# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The settings model of microsoft365 and the TLS/timeout options, and the token request of the probes
against a real HTTP server on loopback."""

import http.server
import json
import threading
import urllib.parse

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.microsoft365_config import (
    attribute_values,
    config_value,
    connector_findings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.osgi_config import OsgiConfigDocument, parse_config
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.oauth import TokenError, TokenSource, xoauth2_string
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import masked
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    ADVANCED_PROPERTIES,
    MICROSOFT365_SCOPE,
    MailSettings,
)

CONNECTOR = dict(client_id='cid', client_secret='S3cret~value', tenant_id='contoso.onmicrosoft.com', smtp=True, pop=False)


def settings(**params):
    return MailSettings.from_params(params)


@pytest.mark.parametrize('security, prefix', [('none', 'mail.smtp.'), ('starttls', 'mail.smtp.'), ('ssl', 'mail.smtps.')])
def test_smtp_options_use_the_transport_prefix(security, prefix):
    model = settings(smtp=dict(host='smtp.example.test', security=security, tls_protocols=['TLSv1.3'],
                               ssl_trust=['*'], connect_timeout=1, read_timeout=2, write_timeout=3))
    assert model.transport_properties() == {prefix + 'ssl.protocols': 'TLSv1.3', prefix + 'ssl.trust': '*',
                                            prefix + 'connectiontimeout': '1', prefix + 'timeout': '2',
                                            prefix + 'writetimeout': '3'}
    assert prefix + 'timeout=2' in model.portal_properties()[ADVANCED_PROPERTIES].split('\n')


@pytest.mark.parametrize('security, prefix', [('none', 'mail.pop3.'), ('ssl', 'mail.pop3s.')])
def test_pop_options_use_the_store_prefix(security, prefix):
    model = settings(smtp=dict(host='smtp.example.test'),
                     pop=dict(host='pop.example.test', security=security, read_timeout=7000))
    assert model.transport_properties() == {prefix + 'timeout': '7000'}


def test_a_conflict_names_both_options():
    with pytest.raises(SettingsError) as error:
        settings(smtp=dict(host='smtp.example.test', write_timeout=5), javamail_properties={'mail.smtp.writetimeout': 9})
    assert error.value.option == 'smtp.write_timeout' and 'javamail_properties.mail.smtp.writetimeout' in str(error.value)


def test_microsoft365_needs_no_smtp_password_and_is_a_secret():
    model = settings(smtp=dict(host='smtp.office365.com', port=587, user='portal@contoso.example'),
                     microsoft365=dict(CONNECTOR))
    assert model.microsoft365_problems() == ([], [])
    assert 'S3cret~value' in model.secrets()
    assert masked(model.microsoft365_attributes())['clientSecret'] == '********'
    # without the connector the same settings need the password
    with pytest.raises(SettingsError) as error:
        settings(smtp=dict(host='smtp.office365.com', port=587, user='portal@contoso.example'))
    assert error.value.option == 'smtp.password'


def test_microsoft365_problems():
    model = settings(smtp=dict(host='smtp.example.test', port=465, security='ssl', user='u', password='p'),
                     microsoft365=dict(CONNECTOR, pop=True))
    errors, warnings = model.microsoft365_problems()
    assert [option for option, reason in errors] == ['smtp.security', 'microsoft365.pop']
    assert any('only for smtp.office365.com' in w for w in warnings)
    assert any('smtp.password is not needed' in w for w in warnings)


def test_connector_attributes_are_typed_as_the_metatype_declares():
    document = OsgiConfigDocument()
    for name, text in (('companyId', '20097'), ('clientSecret', 'a "b" c'), ('smtpConnectionEnabled', 'true')):
        document.set(name, config_value(name, text))
    text = document.to_text()
    assert 'companyId=L"20097"' in text and 'smtpConnectionEnabled=B"true"' in text
    assert attribute_values(parse_config(text)) == {'companyId': '20097', 'clientSecret': 'a "b" c',
                                                    'smtpConnectionEnabled': 'true'}


def test_connector_findings():
    report = dict(path='x.config', smtp=True, pop=False)
    assert connector_findings(report, 'smtp.office365.com', 'smtp', '', 'pop3') == []
    assert 'smtp.example.test' in connector_findings(report, 'smtp.example.test', 'smtp', '', 'pop3')[0]
    assert 'smtps' in connector_findings(report, 'smtp.office365.com', 'smtps', '', 'pop3')[0]


def test_xoauth2_string():
    assert xoauth2_string('a@b', 'tok') == 'user=a@b\x01auth=Bearer tok\x01\x01'


@pytest.fixture
def token_endpoint():
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers['Content-Length'])).decode()))
            requests.append((self.path, form))
            if form.get('client_secret') == 'S3cret~value':
                status, body = 200, dict(token_type='Bearer', expires_in=60, access_token='tok-123')
            else:
                status, body = 401, dict(error='invalid_client', error_description='AADSTS7000215: Invalid client secret '
                                         'provided.\r\nTrace ID: 1')
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield 'http://127.0.0.1:%d/contoso/oauth2/v2.0/token' % server.server_address[1], requests
    server.shutdown()


def test_token_source_requests_once(token_endpoint):
    url, requests = token_endpoint
    seen = []
    source = TokenSource(dict(CONNECTOR), token_url=url, on_token=seen.append)
    assert source.get() == 'tok-123' and source.get() == 'tok-123'
    assert len(requests) == 1 and seen == ['tok-123']
    form = requests[0][1]
    assert form == dict(client_id='cid', client_secret='S3cret~value', scope=MICROSOFT365_SCOPE,
                        grant_type='client_credentials')
    assert source.facts == dict(token_url=url, status=200, token_type='Bearer', expires_in=60)


def test_token_source_names_the_stage_status_and_error(token_endpoint):
    url, requests = token_endpoint
    source = TokenSource(dict(CONNECTOR, client_secret='wrong'), token_url=url)
    with pytest.raises(TokenError) as error:
        source.get()
    assert str(error.value).startswith('token request to %s failed: HTTP 401 invalid_client: AADSTS7000215: Invalid '
                                       'client secret provided.: check microsoft365.client_secret' % url)
    assert 'Trace ID' not in str(error.value) and 'wrong' not in str(error.value)
    with pytest.raises(TokenError):
        source.get()
    assert len(requests) == 1  # the failure is remembered, not retried by the second probe


def test_token_source_unreachable():
    source = TokenSource(dict(CONNECTOR), token_url='http://127.0.0.1:9/t/oauth2/v2.0/token', timeout=2)
    with pytest.raises(TokenError) as error:
        source.get()
    assert 'token request to http://127.0.0.1:9/' in str(error.value)
