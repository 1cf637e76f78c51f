# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small client for Liferay's JSON web services (``POST /api/jsonws/invoke``).

Everything goes through ``ansible.module_utils.urls.Request`` (what ``open_url`` uses) with Basic auth sent
up front (Liferay 7.4 answers a missing login with 403, never with a challenge, so
urllib's challenge-driven auth handler would never send the password).

Errors are translated here, once, into ``PortalApiError`` messages that name the
cause and the option to fix. No message ever contains ``api_password`` or a value
that was sent in ``unicodeProperties``: every message passes through ``_scrub``.
"""

import http.client
import json
import socket
import ssl
import time
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse

from ansible.module_utils.urls import ConnectionError as AnsibleUrlsConnectionError
from ansible.module_utils.urls import Request, make_context

from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import (
    DEFAULT_STARTUP_TIMEOUT,
    DEFAULT_TIMEOUT,
    PORTAL_REQUIRED_OPTIONS,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import PortalApiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import Scrubber, is_secret_key, password_values
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import ADVANCED_PROPERTIES

INVOKE_PATH = '/api/jsonws/invoke'
# Answers of a reverse proxy or servlet container while the portal is still starting.
RETRIABLE_STATUSES = (502, 503, 504)
# First and longest pause between retries; doubled each time.
DEFAULT_BACKOFF = (0.5, 5.0)
# Non-secret values shorter than this are not scrubbed from messages ('true', '25', 'smtp').
_MIN_SCRUB_LENGTH = 6
_MAX_SERVER_MESSAGE = 300

GET_COMPANY_BY_WEB_ID = '/company/get-company-by-web-id'
GET_COMPANIES = '/company/get-companies'
UPDATE_PREFERENCES = '/company/update-preferences'
REMOVE_PREFERENCES = '/company/remove-preferences'


def normalise_portal_url(url):
    """The portal's root URL without a trailing slash; raises PortalApiError when unusable."""
    if not url:
        raise PortalApiError('portal_url is required: give the root URL of the portal, e.g. https://portal.example.com')
    parsed = urlparse(url.strip())
    if parsed.scheme not in ('http', 'https') or not parsed.hostname:
        raise PortalApiError('portal_url must be an http:// or https:// URL such as https://portal.example.com')
    if parsed.username or parsed.password:
        raise PortalApiError('portal_url must not contain a user name or password: use api_user and api_password')
    if parsed.query or parsed.fragment:
        raise PortalApiError('portal_url must not contain a query or fragment: give the root URL of the portal')
    path = parsed.path.rstrip('/')
    # Accept the JSON WS address people copy from the browser, and reduce it to the root.
    for suffix in (INVOKE_PATH, '/api/jsonws'):
        if path.endswith(suffix):
            path = path[:-len(suffix)]
    return '%s://%s%s' % (parsed.scheme, parsed.netloc, path)


def sensitive_values(properties):
    """(secrets, echoes) of a unicodeProperties map.

    Secrets are masked in every message. Echoes (the other values sent) are masked
    only in text the portal sends back, so a portal that quotes the request cannot
    leak it, while our own messages keep the portal address readable.
    """
    secrets, echoes = [], []
    for key, value in (properties or {}).items():
        if value is None or value == '':
            continue
        value = str(value)
        if is_secret_key(key):
            secrets.append(value)
            continue
        if key == ADVANCED_PROPERTIES:
            secrets.extend(password_values(value))
        if len(value) >= _MIN_SCRUB_LENGTH:
            echoes.append(value)
    return secrets, echoes


def _server_message(data):
    """The exception text of a Liferay JSON WS error body, if it has one (docs/liferay-model.md §5)."""
    if not isinstance(data, dict):
        return None
    error = data.get('error')
    if isinstance(error, dict):
        message = error.get('message') or ''
        kind = (error.get('type') or '').rsplit('.', 1)[-1]
        text = '%s: %s' % (kind, message) if kind and message else (kind or message)
        if text:
            return text
    exception = data.get('exception')
    if exception:
        return str(exception)
    return None


def _is_error_body(data):
    return isinstance(data, dict) and ('exception' in data or isinstance(data.get('error'), dict))


def _looks_like_html(content_type, text):
    head = text.lstrip()[:200].lower()
    return 'html' in (content_type or '').lower() or head.startswith('<!doctype') or head.startswith('<html') or head.startswith('<')


class _Answer:
    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text
        self.content_type = headers.get('Content-Type', '') if headers is not None else ''
        self.is_json = False
        self.data = None
        if text.strip():
            try:
                self.data = json.loads(text)
                self.is_json = True
            except ValueError:
                pass


class PortalClient:
    """Client for one portal. Build it from module params or explicit keyword arguments.

    ``requests`` counts every HTTP attempt made, retries included.
    """

    def __init__(self, params=None, **overrides):
        options = dict(
            portal_url=None, api_user=None, api_password=None, validate_certs=True, ca_path=None,
            timeout=DEFAULT_TIMEOUT, startup_timeout=DEFAULT_STARTUP_TIMEOUT, backoff=DEFAULT_BACKOFF,
        )
        for source in (params or {}, overrides):
            for key, value in source.items():
                if key in options and value is not None:
                    options[key] = value
        # Secrets are masked in every message; secrets and echoes in text the portal sends back.
        self._scrub_secrets = Scrubber([options['api_password']])
        self._scrub_echoed = Scrubber([options['api_password']])
        for name in PORTAL_REQUIRED_OPTIONS:
            if not options[name]:
                raise PortalApiError('%s is required to talk to the portal' % name)
        self.portal_url = normalise_portal_url(options['portal_url'])
        self.invoke_url = self.portal_url + INVOKE_PATH
        self.api_user = options['api_user']
        self._api_password = options['api_password']
        self.validate_certs = bool(options['validate_certs'])
        self.ca_path = options['ca_path']
        self.timeout = float(options['timeout'])
        self.startup_timeout = max(0.0, float(options['startup_timeout']))
        self.backoff = tuple(options['backoff'])
        if self.timeout <= 0:
            raise PortalApiError('timeout must be a positive number of seconds')
        self.requests = 0
        self._request = self._reusable_request()

    def _reusable_request(self):
        """One TLS context for all calls: building it re-reads the system CA store (~0.1 s) every time."""
        if not self.invoke_url.startswith('https://'):
            # Never used for http://, but urls would otherwise build (and load CAs for) one per call.
            return Request(context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        try:
            context = make_context(cafile=self.ca_path, validate_certs=self.validate_certs)
        except (IOError, OSError, ssl.SSLError) as error:
            raise PortalApiError('ca_path %s cannot be used as a CA bundle (%s): give a PEM file with the CA '
                                 'certificate(s)' % (self.ca_path, getattr(error, 'strerror', None) or error))
        return Request(context=context)

    # -- public calls ---------------------------------------------------------------------

    def company_id(self, web_id):
        """The companyId of the instance with this web id (``/company/get-company-by-web-id``)."""
        command = {GET_COMPANY_BY_WEB_ID: {'webId': web_id}}
        data = self.invoke(command, GET_COMPANY_BY_WEB_ID,
                           not_found='there is no portal instance with web id %r: check company_web_id' % web_id)
        return self._company_id_from(data, web_id)

    def companies(self):
        """(companyId, webId) of every instance the portal reports (``/company/get-companies``).

        CompanyServiceImpl.getCompanies has no permission check of its own (7.4 and master): any authenticated
        user may list the instances; writing them still needs the Administrator role of each one.
        """
        data = self.invoke({GET_COMPANIES: {}}, GET_COMPANIES,
                           not_found='this portal has no /company/get-companies JSON web service: list the '
                                     'instances in company_web_id instead of all')
        companies = []
        for entry in data if isinstance(data, list) else ():
            try:
                companies.append((int(entry['companyId']), str(entry['webId'])))
            except (KeyError, TypeError, ValueError):
                companies = None
                break
        if not companies:
            raise PortalApiError(self._scrub('%s answered the instance list (%s) without a companyId and webId for '
                                             'each instance: is portal_url a Liferay portal?'
                                             % (self.invoke_url, GET_COMPANIES)))
        return companies

    def update_preferences(self, company_id, properties):
        """Store ``properties`` as preferences of one instance (``/company/update-preferences``)."""
        command = {UPDATE_PREFERENCES: {'companyId': int(company_id), 'unicodeProperties': dict(properties)}}
        self._remember_sent(properties)
        self.invoke(command, UPDATE_PREFERENCES,
                    not_found='there is no portal instance with company_id %s, or this portal has no '
                              '/company/update-preferences JSON web service (Liferay 7.3 or newer is needed)' % company_id,
                    company=company_id)

    def remove_preferences(self, company_id, keys):
        """Delete stored preference keys of one instance (``/company/remove-preferences``)."""
        command = {REMOVE_PREFERENCES: {'companyId': int(company_id), 'keys': list(keys)}}
        self.invoke(command, REMOVE_PREFERENCES,
                    not_found='there is no portal instance with company_id %s, or this portal has no '
                              '/company/remove-preferences JSON web service' % company_id,
                    company=company_id)

    def invoke(self, command, label, not_found=None, company=None):
        """POST one invoker command (a JSON object or list); returns the decoded JSON result."""
        body = json.dumps(command).encode('utf-8')
        answer = self._post_with_retries(body, label)
        return self._result(answer, label, not_found, company)

    # -- internals ------------------------------------------------------------------------

    def _company_id_from(self, data, web_id):
        if isinstance(data, dict) and data.get('companyId') not in (None, ''):
            try:
                return int(data['companyId'])
            except (TypeError, ValueError):
                pass
        raise PortalApiError(self._scrub('%s answered the company lookup for web id %r without a companyId: '
                                         'is portal_url a Liferay portal?' % (self.invoke_url, web_id)))

    def _remember_sent(self, properties):
        secrets, echoes = sensitive_values(properties)
        self._scrub_secrets.add(secrets)
        self._scrub_echoed.add(secrets + echoes)

    def _scrub(self, text, echoed=False):
        return (self._scrub_echoed if echoed else self._scrub_secrets)(text)

    def _post_with_retries(self, body, label):
        deadline = time.monotonic() + self.startup_timeout
        delay, longest = self.backoff
        attempts = 0
        while True:
            attempts += 1
            try:
                answer = self._post_once(body, label)
                if answer.status in RETRIABLE_STATUSES:
                    raise PortalApiError(self._scrub(
                        '%s (%s): HTTP %d, the portal (or the proxy in front of it) is not ready'
                        % (self.invoke_url, label, answer.status)), status=answer.status, retriable=True)
                return answer
            except PortalApiError as error:
                remaining = deadline - time.monotonic()
                if not error.retriable or remaining <= 0:
                    if error.retriable and attempts > 1:
                        raise PortalApiError(
                            '%s (still failing after %d attempts over %.0f s; the limit is startup_timeout=%s s: '
                            'raise it if the portal needs longer to start)'
                            % (error.message, attempts, self.startup_timeout, _number(self.startup_timeout)),
                            status=error.status, retriable=True)
                    raise
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, longest)

    def _post_once(self, body, label):
        headers = {'Content-Type': 'application/json; charset=utf-8', 'Accept': 'application/json'}
        self.requests += 1
        where = '%s (%s)' % (self.invoke_url, label)
        options = dict(
            data=body, headers=headers, url_username=self.api_user, url_password=self._api_password,
            force_basic_auth=True, validate_certs=self.validate_certs, ca_path=self.ca_path, timeout=self.timeout,
            follow_redirects='none', use_netrc=False, http_agent='liferay_ops.mail',
            # A fresh jar per call: every call authenticates with Basic auth, never with a portal session.
            cookies=CookieJar(),
        )
        try:
            response = self._request.open('POST', self.invoke_url, **options)
            try:
                text = response.read().decode('utf-8', 'replace')
                return _Answer(response.getcode(), response.headers, text)
            finally:
                response.close()
        except HTTPError as error:
            try:
                text = error.read().decode('utf-8', 'replace')
            except Exception:  # the body of an error answer is a courtesy
                text = ''
            return _Answer(error.code, error.headers, text)
        except URLError as error:
            raise self._network_error(error.reason, where)
        except (socket.timeout, TimeoutError, ssl.SSLError, OSError, http.client.HTTPException) as error:
            raise self._network_error(error, where)
        except AnsibleUrlsConnectionError as error:
            raise PortalApiError(self._scrub('%s failed: %s' % (where, error)))

    def _network_error(self, reason, where):
        host = urlparse(self.invoke_url)
        netloc = '%s:%s' % (host.hostname, host.port or (443 if host.scheme == 'https' else 80))
        if isinstance(reason, ssl.SSLCertVerificationError):
            detail = getattr(reason, 'verify_message', None) or str(reason)
            return PortalApiError(self._scrub(
                '%s: TLS certificate verification failed (%s). Give the CA that signed the portal certificate in '
                'ca_path%s, or set validate_certs: false (only for a test portal)'
                % (where, detail, ' (now %s)' % self.ca_path if self.ca_path else '')))
        if isinstance(reason, ssl.SSLError):
            return PortalApiError(self._scrub(
                '%s: TLS handshake with %s failed (%s): if that port serves plain HTTP use http:// in portal_url; '
                'otherwise check validate_certs and ca_path' % (where, netloc, getattr(reason, 'reason', None) or reason)))
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return PortalApiError(self._scrub(
                '%s: no answer within timeout=%s s. The portal is overloaded or hanging, or a firewall drops the '
                'traffic; the change may or may not have been applied (the next run sends it again)'
                % (where, _number(self.timeout))))
        if isinstance(reason, ConnectionRefusedError):
            return PortalApiError(self._scrub(
                '%s: connection refused by %s: is the portal running, and is the port in portal_url right?'
                % (where, netloc)), retriable=True)
        if isinstance(reason, socket.gaierror):
            return PortalApiError(self._scrub('%s: cannot resolve host %s (%s): check portal_url'
                                              % (where, host.hostname, reason.strerror or reason)))
        if isinstance(reason, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError,
                               http.client.RemoteDisconnected)):
            return PortalApiError(self._scrub(
                '%s: %s closed the connection without an answer: the change may or may not have been applied '
                '(the next run sends it again). If that port serves HTTPS, use https:// in portal_url'
                % (where, netloc)))
        if isinstance(reason, http.client.HTTPException):
            return PortalApiError(self._scrub('%s: %s did not answer with HTTP (%s): check the scheme and port in portal_url'
                                              % (where, netloc, type(reason).__name__)))
        text = getattr(reason, 'strerror', None) or str(reason)
        return PortalApiError(self._scrub('%s: network error talking to %s: %s' % (where, netloc, text)))

    def _result(self, answer, label, not_found, company):
        where = '%s (%s)' % (self.invoke_url, label)
        status = answer.status
        server = _server_message(answer.data) if answer.is_json else None
        detail = (': the portal says "%s"' % _shorten(self._scrub(server, echoed=True))) if server else ''
        if 200 <= status < 300:
            if not answer.is_json:
                if not answer.text.strip():
                    return {}
                raise PortalApiError(self._scrub(
                    '%s answered HTTP %d with %s instead of JSON: this is not a Liferay JSON web services address. '
                    'portal_url must be the root URL of the portal, e.g. https://portal.example.com'
                    % (where, status, 'an HTML page' if _looks_like_html(answer.content_type, answer.text) else 'non-JSON text')),
                    status=status)
            if _is_error_body(answer.data):
                raise PortalApiError(self._scrub('%s failed%s' % (where, detail)), status=status)
            return answer.data
        if 300 <= status < 400:
            location = answer.headers.get('Location', '') if answer.headers is not None else ''
            raise PortalApiError(self._scrub(
                '%s answered with a redirect (HTTP %d) to %s: set portal_url to the address the portal really '
                'serves (scheme, host and port), e.g. the https:// address' % (where, status, location or 'another address')),
                status=status)
        if status == 401:
            raise PortalApiError(self._scrub(
                '%s: HTTP 401, the portal rejected the login of api_user %r: check api_user and api_password%s'
                % (where, self.api_user, detail)), status=status)
        if status == 403:
            if answer.is_json or not answer.text.strip():
                who = 'company %s' % company if company is not None else 'the target instance'
                raise PortalApiError(self._scrub(
                    '%s: HTTP 403, access denied%s. Liferay 7.4 answers a wrong api_user/api_password like a '
                    'guest call, so either the credentials are wrong or api_user is not an Administrator of %s. '
                    'Also check that Basic auth is allowed for /api/* (System Settings > API Authentication > '
                    'Basic Auth Header)' % (where, detail, who)), status=status)
            raise PortalApiError(self._scrub('%s: HTTP 403 with a non-JSON page: a proxy or firewall in front of the '
                                             'portal refused the call; check portal_url' % where), status=status)
        if status == 404:
            if answer.is_json:
                raise PortalApiError(self._scrub('%s: HTTP 404, %s%s' % (where, not_found or 'not found', detail)),
                                     status=status)
            raise PortalApiError(self._scrub(
                '%s: HTTP 404 with %s: this is not a Liferay JSON web services address. portal_url must be the '
                'root URL of the portal, e.g. https://portal.example.com (and JSON web services must be enabled)'
                % (where, 'an HTML page' if _looks_like_html(answer.content_type, answer.text) else 'a non-JSON answer')),
                status=status)
        if status >= 500:
            detail = detail or (' (no details: the portal log has the stack trace; '
                                'json.service.serialize.throwable=true makes the portal return it)')
            raise PortalApiError(self._scrub('%s: HTTP %d, the portal failed while running the call%s'
                                             % (where, status, detail)), status=status)
        raise PortalApiError(self._scrub('%s: unexpected HTTP %d%s' % (where, status, detail)), status=status)


def _shorten(text):
    text = ' '.join(str(text).split())
    return text if len(text) <= _MAX_SERVER_MESSAGE else text[:_MAX_SERVER_MESSAGE] + '...'


def _number(value):
    return ('%g' % value) if isinstance(value, float) else str(value)
