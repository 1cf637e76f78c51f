# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PortalClient against real HTTP(S) servers on 127.0.0.1 that answer the way Liferay does."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import socket
import socketserver
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.client import (
    PortalApiError,
    PortalClient,
    normalise_portal_url,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import portal_argument_spec

API_USER = 'admin@example.com'
API_PASSWORD = 'Api"Pa55\\wörd/+%'
SMTP_SECRET = 'Smtp"S3cret\\ünïcode %2F'
POP_SECRET = 'pop-secret-value-42'
COMPANY_ID = 20097

PROPERTIES = {
    'mail.session.mail': 'true',
    'mail.session.mail.smtp.host': 'smtp.example.test',
    'mail.session.mail.smtp.port': '587',
    'mail.session.mail.smtp.user': 'mailer',
    'mail.session.mail.smtp.password': SMTP_SECRET,
    'mail.session.mail.pop3.password': POP_SECRET,
    'mail.session.mail.advanced.properties': 'mail.smtp.connectiontimeout=10000',
}


def _secret_forms(value):
    return set([value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]])


def assert_no_secret(text):
    for secret in (API_PASSWORD, SMTP_SECRET, POP_SECRET):
        for form in _secret_forms(secret):
            assert form not in text


# -- a real HTTP server whose answers each test scripts ---------------------------------------------

class Reply(object):
    def __init__(self, status=200, body=b'{}', content_type='application/json', headers=None, delay=0.0):
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode('utf-8')
        self.content_type = content_type
        self.headers = headers or {}
        self.delay = delay


def html(status):
    return Reply(status, b'<!DOCTYPE html><html><body>Not Found</body></html>', 'text/html')


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length)
        server = self.server
        with server.lock:
            server.seen.append(dict(path=self.path, headers=dict(self.headers.items()), body=body))
            number = len(server.seen)
        reply = server.responder(number, self, body)
        if reply.delay:
            server.release.wait(reply.delay)
        self.send_response(reply.status)
        self.send_header('Content-Type', reply.content_type)
        self.send_header('Content-Length', str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, *args):
        pass


class _QuickServer(ThreadingHTTPServer):
    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup of 127.0.0.1: skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class FakePortal(object):
    def __init__(self, responder, tls=None, port=0):
        self.server = _QuickServer(('127.0.0.1', port), _Handler)
        self.server.daemon_threads = True
        self.server.responder = responder
        self.server.seen = []
        self.server.lock = threading.Lock()
        self.server.release = threading.Event()
        scheme = 'http'
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = 'https'
        self.url = '%s://127.0.0.1:%d' % (scheme, self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05})
        self.thread.daemon = True
        self.thread.start()

    @property
    def seen(self):
        return self.server.seen

    def stop(self):
        self.server.release.set()
        self.server.shutdown()
        self.server.server_close()


def sequence(*replies):
    """Answer the n-th request with the n-th reply; the last one repeats."""
    def responder(number, handler, body):
        return replies[min(number, len(replies)) - 1]
    return responder


def liferay_like(companies=None, challenge=False):
    """A tiny Liferay JSON WS: Basic auth, company lookup, preferences."""
    companies = companies if companies is not None else {'liferay.com': COMPANY_ID}
    store = {}
    expected = 'Basic ' + base64.b64encode(('%s:%s' % (API_USER, API_PASSWORD)).encode('utf-8')).decode('ascii')

    def responder(number, handler, body):
        if handler.headers.get('Authorization') != expected:
            if challenge:
                return Reply(401, b'', headers={'WWW-Authenticate': 'Basic realm="PortalRealm"'})
            return Reply(403, {})
        (path, params), = json.loads(body.decode('utf-8')).items()
        if path == '/company/get-company-by-web-id':
            if params.get('webId') not in companies:
                return Reply(404, {})
            return Reply(200, {'companyId': companies[params['webId']], 'webId': params['webId']})
        if path == '/company/update-preferences':
            store.setdefault(params['companyId'], {}).update(params['unicodeProperties'])
            return Reply(200, {})
        if path == '/company/remove-preferences':
            for key in params['keys']:
                store.get(params['companyId'], {}).pop(key, None)
            return Reply(200, {})
        return Reply(404, {})

    responder.store = store
    return responder


@pytest.fixture
def portal():
    started = []

    def start(responder, **kwargs):
        server = FakePortal(responder, **kwargs)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def client_for(url, **kwargs):
    options = dict(portal_url=url, api_user=API_USER, api_password=API_PASSWORD, timeout=5,
                   startup_timeout=3, backoff=(0.05, 0.2))
    options.update(kwargs)
    return PortalClient(**options)


def failure(call):
    with pytest.raises(PortalApiError) as caught:
        call()
    message = str(caught.value)
    assert_no_secret(message)
    return caught.value


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# -- successful calls and request shape ---------------------------------------------------------------

def test_update_preferences_posts_one_invoke_with_basic_auth(portal):
    server = portal(sequence(Reply(200, {})))
    client = client_for(server.url)
    client.update_preferences(COMPANY_ID, PROPERTIES)
    assert client.requests == 1
    assert len(server.seen) == 1
    request = server.seen[0]
    assert request['path'] == '/api/jsonws/invoke'
    expected = base64.b64encode(('%s:%s' % (API_USER, API_PASSWORD)).encode('utf-8')).decode('ascii')
    assert request['headers']['Authorization'] == 'Basic ' + expected
    assert request['headers']['Content-Type'].startswith('application/json')
    assert json.loads(request['body'].decode('utf-8')) == {
        '/company/update-preferences': {'companyId': COMPANY_ID, 'unicodeProperties': PROPERTIES}}


def test_company_lookup_returns_the_company_id(portal):
    server = portal(liferay_like({'liferay.com': COMPANY_ID, 'other.test': 4242}))
    client = client_for(server.url)
    assert client.company_id('other.test') == 4242
    assert json.loads(server.seen[0]['body'].decode('utf-8')) == {
        '/company/get-company-by-web-id': {'webId': 'other.test'}}


def test_remove_preferences_sends_company_and_keys(portal):
    responder = liferay_like()
    server = portal(responder)
    client = client_for(server.url)
    client.update_preferences(COMPANY_ID, PROPERTIES)
    client.remove_preferences(COMPANY_ID, ['mail.session.mail.smtp.password', 'mail.session.mail.smtp.host'])
    assert json.loads(server.seen[1]['body'].decode('utf-8')) == {'/company/remove-preferences': {
        'companyId': COMPANY_ID, 'keys': ['mail.session.mail.smtp.password', 'mail.session.mail.smtp.host']}}
    assert 'mail.session.mail.smtp.password' not in responder.store[COMPANY_ID]
    assert client.requests == 2


def test_unknown_web_id_is_named(portal):
    server = portal(liferay_like())
    error = failure(lambda: client_for(server.url).company_id('nope.test'))
    assert error.status == 404
    assert "web id 'nope.test'" in error.message and 'company_web_id' in error.message


def test_client_is_built_from_module_params(portal):
    server = portal(sequence(Reply(200, {})))
    params = dict(portal_url=server.url + '/api/jsonws/', api_user=API_USER, api_password=API_PASSWORD,
                  validate_certs=True, ca_path=None, timeout=5, startup_timeout=0, company_id=None,
                  company_web_id=None, smtp={'host': 'ignored'})
    client = PortalClient(params)
    assert client.invoke_url == server.url + '/api/jsonws/invoke'
    client.update_preferences(1, {'mail.session.mail': 'true'})
    assert server.seen[0]['path'] == '/api/jsonws/invoke'


# -- errors by status ----------------------------------------------------------------------------------

def test_401_challenge_names_the_credentials(portal):
    server = portal(liferay_like(challenge=True))
    client = client_for(server.url, api_password='wrong-' + API_PASSWORD)
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert error.status == 401
    assert 'api_user' in error.message and 'api_password' in error.message and API_USER in error.message
    assert 'wrong-' not in error.message
    assert len(server.seen) == 1 and client.requests == 1


def test_403_empty_body_explains_both_causes(portal):
    server = portal(liferay_like())
    client = client_for(server.url, api_password='not-the-password')
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert error.status == 403
    assert 'Administrator' in error.message and 'api_password' in error.message
    assert 'company %d' % COMPANY_ID in error.message
    assert 'not-the-password' not in error.message
    assert len(server.seen) == 1


def test_404_html_says_this_is_not_liferay(portal):
    server = portal(sequence(html(404)))
    error = failure(lambda: client_for(server.url).update_preferences(COMPANY_ID, PROPERTIES))
    assert error.status == 404
    assert 'not a Liferay JSON web services address' in error.message and 'portal_url' in error.message


def test_200_html_says_this_is_not_liferay(portal):
    server = portal(sequence(Reply(200, b'<html><body>Welcome to nginx</body></html>', 'text/html')))
    error = failure(lambda: client_for(server.url).company_id('liferay.com'))
    assert 'not a Liferay JSON web services address' in error.message and 'HTML' in error.message


def test_404_json_on_update_names_company_and_service(portal):
    server = portal(sequence(Reply(404, {})))
    error = failure(lambda: client_for(server.url).update_preferences(99, PROPERTIES))
    assert 'company_id 99' in error.message and '/company/update-preferences' in error.message


@pytest.mark.parametrize('body', [
    {'exception': 'java.lang.IllegalStateException: smtp password %s rejected' % SMTP_SECRET},
    {'error': {'message': 'Unable to store %s / %s' % (json.dumps(SMTP_SECRET), POP_SECRET),
               'type': 'com.liferay.portal.kernel.exception.SystemException'},
     'exception': 'Unable to store', 'throwable': 'SystemException'},
])
def test_500_carries_the_portal_message_without_secrets(portal, body):
    server = portal(sequence(Reply(500, body)))
    client = client_for(server.url)
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert error.status == 500 and not error.retriable
    assert 'HTTP 500' in error.message and 'the portal says' in error.message
    assert len(server.seen) == 1


def test_500_with_empty_body_points_to_the_portal_log(portal):
    server = portal(sequence(Reply(500, {})))
    error = failure(lambda: client_for(server.url).update_preferences(COMPANY_ID, PROPERTIES))
    assert 'portal log' in error.message


def test_error_body_with_status_200_is_an_error(portal):
    server = portal(sequence(Reply(200, {'exception': 'No JSON web service action with path /company/x'})))
    error = failure(lambda: client_for(server.url).update_preferences(COMPANY_ID, PROPERTIES))
    assert 'No JSON web service action' in error.message


def test_echoed_request_values_are_masked_in_portal_messages(portal):
    def echo(number, handler, body):
        return Reply(500, {'exception': 'bad request: %s' % body.decode('utf-8')})
    server = portal(echo)
    error = failure(lambda: client_for(server.url).update_preferences(COMPANY_ID, PROPERTIES))
    assert 'smtp.example.test' not in error.message
    assert '127.0.0.1' in error.message  # our own text keeps the portal address


def test_redirect_is_not_followed_and_is_explained(portal):
    server = portal(sequence(Reply(302, b'', headers={'Location': 'https://portal.example.test/api/jsonws/invoke'})))
    error = failure(lambda: client_for(server.url).update_preferences(COMPANY_ID, PROPERTIES))
    assert 'redirect' in error.message and 'https://portal.example.test' in error.message
    assert len(server.seen) == 1


@pytest.mark.parametrize('status', [400, 401, 403, 404, 405, 409, 500])
def test_no_retry_for_client_and_server_errors(portal, status):
    server = portal(sequence(Reply(status, {})))
    client = client_for(server.url, startup_timeout=5)
    started = time.monotonic()
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert error.status == status and not error.retriable
    assert len(server.seen) == 1 and client.requests == 1
    assert time.monotonic() - started < 2


# -- retries while the portal starts -------------------------------------------------------------------

def test_502_503_504_are_retried_until_success(portal):
    server = portal(sequence(Reply(502, b'bad gateway', 'text/plain'), Reply(503, {}),
                             Reply(504, b'', 'text/plain'), Reply(200, {})))
    client = client_for(server.url)
    client.update_preferences(COMPANY_ID, PROPERTIES)
    assert len(server.seen) == 4 and client.requests == 4


def test_503_beyond_the_deadline_fails_clearly(portal):
    server = portal(sequence(Reply(503, {})))
    client = client_for(server.url, startup_timeout=1, backoff=(0.1, 0.3))
    started = time.monotonic()
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    elapsed = time.monotonic() - started
    assert 1 <= elapsed < 3
    assert error.status == 503
    assert 'HTTP 503' in error.message and 'startup_timeout=1' in error.message and 'attempts' in error.message
    assert len(server.seen) == client.requests >= 3


def test_connection_refused_is_retried_until_the_portal_listens(portal):
    port = free_port()
    started = []

    def start_later():
        time.sleep(0.6)
        started.append(portal(sequence(Reply(200, {})), port=port))
    thread = threading.Thread(target=start_later)
    thread.start()
    client = client_for('http://127.0.0.1:%d' % port, startup_timeout=5)
    try:
        client.update_preferences(COMPANY_ID, PROPERTIES)
    finally:
        thread.join()
    assert client.requests > 1
    assert len(started[0].seen) == 1


def test_connection_refused_without_startup_timeout_fails_at_once():
    client = client_for('http://127.0.0.1:%d' % free_port(), startup_timeout=0)
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert 'connection refused' in error.message and 'portal running' in error.message
    assert client.requests == 1


def test_a_hanging_portal_gives_a_timeout_error_without_retry(portal):
    server = portal(sequence(Reply(200, {}, delay=10)))
    client = client_for(server.url, timeout=1, startup_timeout=5)
    started = time.monotonic()
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert time.monotonic() - started < 3
    assert 'timeout=1' in error.message and 'next run' in error.message
    assert client.requests == 1 and len(server.seen) == 1


# -- TLS -----------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_material(tmp_path_factory):
    trustme = pytest.importorskip('trustme')
    ca = trustme.CA()
    cert = ca.issue_cert(u'127.0.0.1')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    ca_file = tmp_path_factory.mktemp('tls') / 'ca.pem'
    ca.cert_pem.write_to_path(str(ca_file))
    return context, str(ca_file)


def test_tls_with_ca_path_succeeds(portal, tls_material):
    context, ca_file = tls_material
    server = portal(liferay_like(), tls=context)
    client = client_for(server.url, ca_path=ca_file)
    assert client.company_id('liferay.com') == COMPANY_ID


def test_tls_without_ca_path_names_validate_certs_and_ca_path(portal, tls_material):
    context, ca_file = tls_material
    server = portal(liferay_like(), tls=context)
    client = client_for(server.url)
    error = failure(lambda: client.company_id('liferay.com'))
    assert 'certificate verification failed' in error.message
    assert 'ca_path' in error.message and 'validate_certs' in error.message
    assert client.requests == 1


def test_tls_without_validation_works_for_a_test_portal(portal, tls_material):
    context, ca_file = tls_material
    server = portal(liferay_like(), tls=context)
    assert client_for(server.url, validate_certs=False).company_id('liferay.com') == COMPANY_ID


def test_https_to_a_plain_http_port_suggests_http(portal):
    server = portal(sequence(Reply(200, {})))
    client = client_for(server.url.replace('http://', 'https://'), validate_certs=False)
    error = failure(lambda: client.update_preferences(COMPANY_ID, PROPERTIES))
    assert 'TLS handshake' in error.message and 'http://' in error.message


# -- options -------------------------------------------------------------------------------------------

def test_argument_spec_marks_the_password_no_log():
    spec = portal_argument_spec()
    assert set(spec) == set(['portal_url', 'api_user', 'api_password', 'company_web_id', 'company_id',
                             'validate_certs', 'ca_path', 'timeout', 'startup_timeout'])
    assert spec['api_password']['no_log'] is True
    assert spec['validate_certs']['default'] is True
    assert spec['ca_path']['type'] == 'path'


@pytest.mark.parametrize('url, expected', [
    ('https://portal.example.com/', 'https://portal.example.com'),
    ('http://localhost:8080/api/jsonws', 'http://localhost:8080'),
    ('https://example.com/liferay/api/jsonws/invoke', 'https://example.com/liferay'),
])
def test_portal_url_is_reduced_to_the_root(url, expected):
    assert normalise_portal_url(url) == expected


@pytest.mark.parametrize('url, words', [
    ('', 'portal_url is required'),
    ('portal.example.com', 'http:// or https://'),
    ('https://admin:%s@portal.example.com' % API_PASSWORD.replace('/', ''), 'api_user and api_password'),
])
def test_bad_portal_url_is_rejected_without_echoing_it(url, words):
    with pytest.raises(PortalApiError) as caught:
        client_for(url)
    assert words in str(caught.value)
    assert_no_secret(str(caught.value))


def test_missing_credentials_are_named():
    with pytest.raises(PortalApiError) as caught:
        PortalClient(portal_url='http://127.0.0.1:1', api_user=API_USER)
    assert 'api_password is required' in str(caught.value)
