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

``company_web_id`` may name several instances (a list, or ``all`` for every instance
``/company/get-companies`` reports): the same settings are applied to each, one
fingerprint per instance (the record a single-instance run of that web id uses), so
the requests are 1 (the instance list, for ``all``) + at most 2 per instance that
changes (its company lookup, none for ``all``, and its write). The result lists each
instance under ``instances``; ``changed`` and ``restart_required`` are true when any
instance's are, and the diff is one per instance, its headers naming the instance.
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
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import (
    ALL_INSTANCES,
    DEFAULT_WEB_ID,
    company_web_ids,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import ADVANCED_PROPERTIES, SECRET_KEYS


# What the result lists for each instance of several.
_INSTANCE_KEYS = ('web_id', 'company_id', 'changed', 'restart_required', 'requests', 'settings')
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

    def __init__(self, module, settings, web_id=None, company_id=None, client=None):
        super().__init__(module, settings)
        self.portal_url = normalise_portal_url(self.params.get('portal_url'))
        #: several instances (a list of web ids, or ALL_INSTANCES), else None for one
        self.instances = company_web_ids(self.params) if web_id is None else None
        self.known_company_id = company_id
        if web_id is not None or self.instances is not None:
            # One instance of several: its own record, the one a run for that web id alone uses.
            self.params = dict(self.params, company_web_id=web_id, company_id=None)
        self.scope = api_scope(self.params) if self.instances is None else None
        self.company_id = self.params.get('company_id') if company_id is None else company_id
        self.web_id = self.params.get('company_web_id') or DEFAULT_WEB_ID
        if web_id is not None:  # one of several instances: the header names it by its web id
            self.layer_name = 'instance %s%s at %s' % (web_id, '' if company_id is None else ' (company %d)'
                                                       % int(company_id), self.portal_url)
        elif self.company_id is not None:
            self.layer_name = 'company %d at %s' % (int(self.company_id), self.portal_url)
        else:
            self.layer_name = 'instance %s at %s' % (self.web_id, self.portal_url)
        self.store = FingerprintStore(self.params.get('state_file') or default_state_file())
        self.client = client
        self.requests_before = client.requests if client is not None else 0
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
            if self.client is None:
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
        if self.known_company_id is not None:
            return int(self.known_company_id)  # from the instance list of company_web_id: all
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
        result['requests'] = self.client.requests - self.requests_before if self.client is not None else 0
        result['state_file'] = self.store.path
        return result

    # --- several instances ------------------------------------------------------------------
    def run(self):
        if self.instances is None:
            return super().run()
        client = None
        if self.instances == ALL_INSTANCES:
            client = PortalClient(self.params)
            try:
                targets = client.companies()
            except PortalApiError as error:
                raise BackendError('company_web_id: all needs the list of instances: %s' % error.message)
        else:
            targets = [(None, web_id) for web_id in self.instances]
        results = []
        for company_id, web_id in targets:
            instance = ApiBackend(self.module, self.settings, web_id=web_id, company_id=company_id, client=client)
            try:
                result = instance.run()
            except BackendError as error:
                done = ', '.join('%s (%s)' % (r['web_id'], 'changed' if r['changed'] else 'unchanged') for r in results)
                raise BackendError('company_web_id: instance %s: %s%s' % (
                    web_id, error.message, '; the instances before it were applied and recorded: %s' % done
                    if done else ''))
            client = client or instance.client
            result['web_id'] = web_id
            results.append(result)
        return self._combined(results, client)

    def _combined(self, results, client):
        diffs = [result.pop('diff') for result in results if result.get('diff')]
        combined = dict(
            changed=any(result['changed'] for result in results),
            restart_required=any(result['restart_required'] for result in results),
            settings=results[0]['settings'] if results else {},
            company_id=None,
            requests=client.requests if client is not None else 0,
            state_file=self.store.path,
            instances=[dict((key, result.get(key)) for key in _INSTANCE_KEYS) for result in results],
        )
        if diffs:
            combined['diff'] = diffs
        return combined
