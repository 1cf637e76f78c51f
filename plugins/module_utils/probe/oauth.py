# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""OAuth2 for the probes: the client-credentials token of Liferay's Microsoft 365 connector, and the
XOAUTH2 string SMTP AUTH sends it in.

Liferay's connector asks ``https://login.microsoftonline.com/<tenantId>/`` (MSAL) for a token for
the scope ``https://outlook.office365.com/.default`` with the app's client ID and secret, then logs
in with ``AUTH XOAUTH2``. The probe does the same with one HTTP POST to the token endpoint
(``token_url``), so a wrong secret, tenant or permission shows up before the portal sends mail.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import threading
from urllib.parse import urlencode

from ansible.module_utils.urls import open_url

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import MailError
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MICROSOFT365_SCOPE, MICROSOFT365_TOKEN_URL


class TokenError(MailError):
    """The token request failed; the message names the stage, the HTTP status and Microsoft's error."""


def xoauth2_string(user, token):
    """The SASL XOAUTH2 initial response (before base64): user=<user>^Aauth=Bearer <token>^A^A."""
    return 'user=%s\x01auth=Bearer %s\x01\x01' % (user, token)


def xoauth2_forms(user, token):
    """A token and the forms it travels in, for scrubbing."""
    text = xoauth2_string(user or '', token)
    return [token, text, base64.b64encode(text.encode('utf-8')).decode('ascii')]


def default_token_url(tenant_id):
    return MICROSOFT365_TOKEN_URL % tenant_id


class TokenSource(object):
    """Fetches the token once (the SMTP and POP probes run at the same time) and remembers the outcome."""

    def __init__(self, connector, token_url=None, timeout=10, validate_certs=True, ca_path=None, on_token=None):
        self.connector = connector
        self.url = token_url or default_token_url(connector['tenant_id'])
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.on_token = on_token
        self.lock = threading.Lock()
        self.token = None
        self.error = None
        self.facts = dict(token_url=self.url)

    def get(self):
        """The access token; raises TokenError (the same one for every caller) when the request failed."""
        with self.lock:
            if self.token is None and self.error is None:
                try:
                    self.token = self._request()
                    if self.on_token is not None:
                        self.on_token(self.token)
                except TokenError as exc:
                    self.error = exc
            if self.error is not None:
                raise self.error
            return self.token

    def _request(self):
        body = urlencode(dict(client_id=self.connector['client_id'], client_secret=self.connector['client_secret'],
                              scope=MICROSOFT365_SCOPE, grant_type='client_credentials'))
        status, data = None, b''
        try:
            response = open_url(self.url, data=body, method='POST', timeout=self.timeout,
                                validate_certs=self.validate_certs, ca_path=self.ca_path,
                                headers={'Content-Type': 'application/x-www-form-urlencoded',
                                         'Accept': 'application/json'})
            status, data = response.getcode(), response.read()
        except Exception as exc:  # HTTPError carries the answer; anything else is a connection problem
            status = getattr(exc, 'code', None)
            reader = getattr(exc, 'read', None)
            if status is None or reader is None:
                raise TokenError('token request to %s failed: %s' % (self.url, getattr(exc, 'reason', None) or exc),
                                 option='microsoft365')
            try:
                data = reader()
            except Exception:
                data = b''
        self.facts['status'] = status
        try:
            answer = json.loads(data.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if status == 200 and answer.get('access_token'):
            self.facts.update(token_type=answer.get('token_type'), expires_in=answer.get('expires_in'))
            return answer['access_token']
        error = answer.get('error') or 'no error code'
        description = (answer.get('error_description') or '').split('\r\n')[0]
        self.facts.update(error=error, error_description=description)
        hint = {
            'invalid_client': 'check microsoft365.client_secret (the secret\'s Value, not its ID, and not expired)',
            'unauthorized_client': 'check microsoft365.client_id (the Application (client) ID of the app registration)',
            'invalid_request': 'check microsoft365.tenant_id (the Directory (tenant) ID)',
            'invalid_scope': 'the app registration needs the Office 365 Exchange Online application permission',
        }.get(error, 'see the Microsoft 365 guide of this collection')
        raise TokenError('token request to %s failed: HTTP %s %s: %s: %s' % (self.url, status, error, description, hint),
                         option='microsoft365')
