# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: api``: the instance's preferences through Liferay's JSON web services.

JSON WS can write preferences (``/company/update-preferences``) but not read them,
so "what the layer holds" is what this module last applied, kept as a fingerprint
in ``state_file`` (see fingerprint.py). Consequences:

* unchanged fingerprint -> no request at all, ``changed=false``; ``force`` re-applies;
* the fingerprint is recorded only after the portal accepted the write, so a failed
  run (HTTP 500, reset, hang) leaves it as it was and the next run re-applies;
* secrets are write-only: nothing read from anywhere is ever sent back, and with
  ``update_password: on_create`` a password already set is left out of the
  comparison and out of the request;
* 7.4 caches the JavaMail session per instance and update-preferences does not
  clear it, so every change reports ``restart_required``. Removing a
  ``javamail_properties`` key needs the restart itself: 7.4's MailServiceImpl sets
  every instance's values on the one Properties of the portal's infrastructure
  session and never removes a key, so a Control Panel save (clearSession) does
  not drop it either (docs/liferay-model.md §4); the run warns about it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import Backend, BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.fingerprint import FingerprintError, FingerprintStore
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal_options import DEFAULT_WEB_ID
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal_api import (
    PortalApiError,
    PortalClient,
    normalise_portal_url,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import ADVANCED_PROPERTIES, MANAGED_KEYS, SECRET_KEYS


def advanced_keys(text):
    """The key names in advanced-properties text this collection rendered (names are validated: no escapes)."""
    return set(line.split('=', 1)[0].strip() for line in (text or '').split('\n') if '=' in line)


def other_instance_records(store, scope):
    """(scope, known values) of every other instance of the same portal recorded in ``store``."""
    portal = scope.split('|', 1)[0] + '|'
    return [(other, store.known_values(other)) for other in store.scopes()
            if other.startswith(portal) and other != scope]


def shared_properties_warning(removed, where):
    """Why a removed advanced property outlives the change on Liferay 7.4."""
    return ('javamail_properties %s removed from %s: Liferay 7.4 writes the mail settings of every instance into one '
            'shared JavaMail Properties object (MailServiceImpl.getSession) and never removes a key from it, so %s '
            'stays in force - for every instance - until the portal restarts; a Control Panel save does not drop it'
            % (', '.join(removed), where, 'it' if len(removed) == 1 else 'they'))


def default_state_file():
    """One file per user on the node that runs the module; records are keyed by portal and instance."""
    return os.path.join(os.path.expanduser('~'), '.ansible', 'liferay_ops.mail', 'api-fingerprints.json')


def api_scope(params):
    """The state-file key of one portal instance, from the module's connection options.

    mail_settings records under it and mail_settings_info reads under it, so both must
    build it here. Raises PortalApiError when portal_url is unusable.
    """
    portal_url = normalise_portal_url(params.get('portal_url'))
    if params.get('company_id') is not None:
        return '%s|company_id=%d' % (portal_url, int(params['company_id']))
    return '%s|web_id=%s' % (portal_url, params.get('company_web_id') or DEFAULT_WEB_ID)


class ApiBackend(Backend):
    layer_name = 'portal instance preferences'

    def __init__(self, module, settings):
        super(ApiBackend, self).__init__(module, settings)
        try:
            self.portal_url = normalise_portal_url(self.params.get('portal_url'))
            self.scope = api_scope(self.params)
        except PortalApiError as error:
            raise BackendError(error.message)
        self.company_id = self.params.get('company_id')
        self.web_id = self.params.get('company_web_id') or DEFAULT_WEB_ID
        if self.company_id is not None:
            self.layer_name = 'company %d at %s' % (int(self.company_id), self.portal_url)
        else:
            self.layer_name = 'instance %s at %s' % (self.web_id, self.portal_url)
        self.store = FingerprintStore(self.params.get('state_file') or default_state_file())
        self.client = None
        self.removed_advanced = []

    # The base flow reads the layer and may copy values from it into the request;
    # here the "layer" is a masked record, so the flow is our own.
    def run(self):
        absent = self.params.get('state') == 'absent'
        compare_secrets = self.params.get('update_password') != 'on_create'
        try:
            record = self.store.load(self.scope)
            known = self.store.known_values(self.scope) or OrderedDict()
            desired = OrderedDict() if absent else OrderedDict(self.settings.portal_properties())
            in_step = self.store.matches(self.scope, desired, compare_secrets=compare_secrets or absent)
        except FingerprintError as error:
            raise BackendError(str(error))
        if record and (record.get('extra') or {}).get('company_id') is not None and self.company_id is None:
            self.company_id = record['extra']['company_id']

        self.changed = bool(self.params.get('force')) or not in_step
        self.before = known
        self.after = desired
        self.removed_advanced = sorted(advanced_keys(known.get(ADVANCED_PROPERTIES))
                                       - advanced_keys(desired.get(ADVANCED_PROPERTIES)))
        if self.changed and self.removed_advanced:
            self.module.warn(shared_properties_warning(self.removed_advanced, self.layer_name))
        if self.changed and not self.module.check_mode:
            self._apply(desired, record, absent)
        return self.dump()

    def _apply(self, desired, record, absent):
        payload, secrets_known = self._payload(desired, record)
        try:
            self.client = PortalClient(self.params)
            company_id = self._company_id()
            if absent:
                self.client.remove_preferences(company_id, list(MANAGED_KEYS))
            else:
                self.client.update_preferences(company_id, payload)
        except PortalApiError as error:
            raise BackendError('%s (nothing recorded in state_file: the next run sends the settings again)'
                               % error.message)
        self.company_id = company_id
        try:
            self.store.record(self.scope, desired, extra={'company_id': company_id}, secrets_known=secrets_known)
        except FingerprintError as error:
            raise BackendError('the portal accepted the settings, but %s' % error)

    def _company_id(self):
        if self.params.get('company_id') is not None:
            return int(self.params['company_id'])
        # Looked up on every write rather than trusted from the state file: cheap, and never stale.
        return self.client.company_id(self.web_id)

    def _payload(self, desired, record):
        """What to send, and whether every secret in ``desired`` is in it.

        With update_password on_create a secret that the last recorded write set is
        left out: update-preferences keeps keys it is not given, so the stored
        password (perhaps rotated by hand) stays.
        """
        payload = OrderedDict(desired)
        if self.params.get('update_password') != 'on_create' or not record:
            return payload, True
        secrets_set = record.get('secrets_set') or {}
        kept = [key for key in SECRET_KEYS if payload.get(key) and secrets_set.get(key)]
        for key in kept:
            del payload[key]
        return payload, not kept

    def dump(self):
        result = super(ApiBackend, self).dump()
        result['company_id'] = self.company_id
        result['requests'] = self.client.requests if self.client is not None else 0
        result['state_file'] = self.store.path
        return result
