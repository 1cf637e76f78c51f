# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: api``: the instance's preferences through Liferay's JSON web services.

JSON WS can write preferences (``/company/update-preferences``) but not read them,
so "what the layer holds" is what this module last applied, kept as a fingerprint
in ``state_file`` (portal/fingerprint.py). In the backend contract:

* read() is the masked record of the last write; needs_write() compares the
  fingerprint (unchanged -> no request at all, ``changed=false``; ``force`` re-applies);
* secrets are write-only: nothing read from anywhere is ever sent back, and with
  ``update_password: on_create`` a password already set is left out of the
  comparison and out of the request;
* the fingerprint is recorded only after the portal accepted the write, so a failed
  run (HTTP 500, reset, hang) leaves it as it was and the next run re-applies;
* 7.4 caches the JavaMail session per instance and update-preferences does not
  clear it, so every change reports ``restart_required``. Removing a
  ``javamail_properties`` key needs the restart itself: 7.4's MailServiceImpl sets
  every instance's values on the one Properties of the portal's infrastructure
  session and never removes a key, so a Control Panel save (clearSession) does
  not drop it either (docs/liferay-model.md §4); the run warns about it.
"""

from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import Backend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, FingerprintError, PortalApiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.client import PortalClient, normalise_portal_url
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.fingerprint import (
    FingerprintStore,
    advanced_keys,
    api_scope,
    default_state_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import DEFAULT_WEB_ID
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import ADVANCED_PROPERTIES, SECRET_KEYS


# Stands for a password the portal keeps (update_password on_create without a password); never sent.
_KEPT = '(kept)'


def shared_properties_warning(removed, where):
    """Why a removed advanced property outlives the change on Liferay 7.4."""
    return ('javamail_properties %s removed from %s: Liferay 7.4 writes the mail settings of every instance into one '
            'shared JavaMail Properties object (MailServiceImpl.getSession) and never removes a key from it, so %s '
            'stays in force - for every instance - until the portal restarts; a Control Panel save does not drop it'
            % (', '.join(removed), where, 'it' if len(removed) == 1 else 'they'))


class ApiBackend(Backend):
    layer_name = 'portal instance preferences'
    # The layer is a masked record: there is no stored secret to carry over.
    secrets_readable = False

    def __init__(self, module, settings):
        super().__init__(module, settings)
        self.portal_url = normalise_portal_url(self.params.get('portal_url'))
        self.scope = api_scope(self.params)
        self.company_id = self.params.get('company_id')
        self.web_id = self.params.get('company_web_id') or DEFAULT_WEB_ID
        if self.company_id is not None:
            self.layer_name = 'company %d at %s' % (int(self.company_id), self.portal_url)
        else:
            self.layer_name = 'instance %s at %s' % (self.web_id, self.portal_url)
        self.store = FingerprintStore(self.params.get('state_file') or default_state_file())
        self.client = None
        self.record = None

    def check(self, desired):
        if self.surface.jndi_name is not None:
            raise BackendError('jndi_name: mail.session.jndi.name is a portal property that Liferay reads at start-up '
                               'only; company preferences cannot hold it: use backend properties or env_file')

    def read(self):
        self.record = self.store.load(self.scope)
        if self.record and (self.record.get('extra') or {}).get('company_id') is not None and self.company_id is None:
            self.company_id = self.record['extra']['company_id']
        return self.store.known_values(self.scope) or OrderedDict()

    def plan_absent(self, current):
        # remove-preferences drops every managed key; the record becomes the empty map.
        return OrderedDict()

    def before_view(self, current, desired):
        return current

    def needs_write(self, before, desired):
        absent = self.params.get('state') == 'absent'
        compare_secrets = absent or self.params.get('update_password') != 'on_create'
        changed = bool(self.params.get('force')) or not self.store.matches(self.scope, desired,
                                                                           compare_secrets=compare_secrets)
        removed = sorted(advanced_keys(before.get(ADVANCED_PROPERTIES)) - advanced_keys(desired.get(ADVANCED_PROPERTIES)))
        if changed and removed:
            self.module.warn(shared_properties_warning(removed, self.layer_name))
        return changed

    def write(self, desired):
        payload, secrets_known = self._payload(desired)
        try:
            self.client = PortalClient(self.params)
            company_id = self._company_id()
            if self.params.get('state') == 'absent':
                self.client.remove_preferences(company_id, list(self.read_keys()))
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

    def _payload(self, desired):
        """What to send, and whether every secret in ``desired`` is in it.

        With update_password on_create a secret that the last recorded write set is
        left out: update-preferences keeps keys it is not given, so the stored
        password (perhaps rotated by hand) stays.
        """
        payload = OrderedDict(desired)
        if self.params.get('update_password') != 'on_create' or not self.record:
            return payload, True
        secrets_set = self.record.get('secrets_set') or {}
        # A secret whose server changed (host, port, security, user) is sent: see Backend.plan_secrets.
        kept = [key for key in SECRET_KEYS if key in payload and secrets_set.get(key) and key not in self.rewritten]
        for key in kept:
            del payload[key]
        return payload, not kept

    def plan_secrets(self, current, desired):
        super().plan_secrets(current, desired)
        for key in SECRET_KEYS:
            if key in desired and not desired[key] and self.secret_stored(key, current) and key not in self.rewritten:
                # Left out with on_create: the portal keeps the password set before. A stand-in keeps the
                # fingerprint's "password set" flag; _payload never sends it.
                desired[key] = _KEPT

    def secret_stored(self, key, current):
        # The fingerprint records which passwords a write of this module set (never their values).
        return bool(self.record and (self.record.get('secrets_set') or {}).get(key))

    def report(self):
        result = super().report()
        result['company_id'] = self.company_id
        result['requests'] = self.client.requests if self.client is not None else 0
        result['state_file'] = self.store.path
        return result
