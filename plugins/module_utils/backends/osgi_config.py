# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: osgi_config``: the OSGi configuration of mail settings (Liferay DXP 2025.Q4+ / Portal 2026).

Which file configures an instance, and which one wins, is formats/mail_config.py's
(docs/liferay-model.md §7, §8). This backend edits the instance's scoped file (the most
recently updated one when there are several), or the system-wide file when no instance is
named (``scope``: ``instance`` when company_id or company_web_id is given,
else ``system``). With ``scope: system`` the options of MailSettingSystemConfiguration
(``jndi_name``, ``send_blacklist``, ...) go into that PID's own file in the same task
(backends/osgi_system.py). Configuration handlers clear the cached mail session when a file is written, so a
written file applies without a restart; deleting a scoped file does not clear it
(docs/liferay-model.md §8).

This backend works in attribute space: the maps it reads, plans and reports are
attribute name -> text ('true'/'false' for the two booleans), so diffs and the
``settings`` result show ``outgoingSMTPServer=...`` rather than portal property keys.
Values are compared by meaning (``outgoingSMTPPort=I"587"`` equals ``"587"``),
never by bytes, and attributes this module does not manage are kept.
"""

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_file import OsgiFileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_system import SystemConfigBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import (
    COMPANY_ID,
    COMPANY_PID,
    MANAGED_ATTRIBUTES,
    SYSTEM_FILE,
    attribute_values,
    company_of,
    config_value,
    detect_liferay_version,
    read_config_file,
    scalar_text,
    scoped_file_name,
    scoped_files_for,
)

from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.client import PortalClient
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    OPTION_FOR_OSGI_ATTRIBUTE,
    OSGI_CREDENTIAL_IDENTITY,
    OSGI_SECRET_ATTRIBUTES,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import SYSTEM_ONLY_OPTIONS


def configs_dir(params):
    """``osgi_configs_dir``, else ``<liferay_home>/osgi/configs``."""
    if params.get('osgi_configs_dir'):
        return params['osgi_configs_dir']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'osgi', 'configs')
    raise BackendError('osgi_configs_dir: backend osgi_config needs osgi_configs_dir (or liferay_home) '
                       'to know where the .config files live')


class OsgiConfigBackend(OsgiFileBackend):
    key_order = (COMPANY_ID,) + MANAGED_ATTRIBUTES
    secret_keys = OSGI_SECRET_ATTRIBUTES
    credential_identity = OSGI_CREDENTIAL_IDENTITY

    def __init__(self, module, settings):
        super().__init__(module, settings)
        self.directory = os.path.abspath(configs_dir(self.params))
        self.layer_name = 'MailSettingCompanyConfiguration'
        self.liferay_version = self._liferay_version()
        self.company_id = self.params.get('company_id')
        self.web_id = self.params.get('company_web_id')
        named = self.company_id is not None or bool(self.web_id)
        self.scope = self.params.get('scope') or ('instance' if named else 'system')
        self._check_scope(named)
        self.scoped = self.scope == 'instance'
        self.deleted_scoped = False

    def _check_scope(self, named):
        if self.scope == 'system' and named:
            raise BackendError('scope: system writes the system-wide configuration, which serves every instance, but '
                               '%s names one instance: leave company_id/company_web_id out, or use scope: instance'
                               % ('company_id' if self.company_id is not None else 'company_web_id'))
        if self.scope == 'instance' and not named:
            raise BackendError('scope: instance needs the instance: give company_id or company_web_id (or use scope: '
                               'system for the configuration every instance falls back to)')
        if self.scope == 'instance':
            for option in SYSTEM_ONLY_OPTIONS + ('system_config_shape',):
                if self.params.get(option) is not None:
                    raise BackendError('%s: is an attribute of MailSettingSystemConfiguration, which has system scope '
                                       'only (one value for every instance): use scope: system without company_id/'
                                       'company_web_id' % option)

    def manages_company_file(self):
        """Whether this run edits MailSettingCompanyConfiguration: smtp is given, or state is absent."""
        return self.params.get('state') == 'absent' or self.settings.smtp is not None

    def manages_system_file(self):
        """Whether this run edits MailSettingSystemConfiguration: scope system with one of its options."""
        return self.scope == 'system' and bool(self.surface.system)

    # --- target -------------------------------------------------------------------------
    def _liferay_version(self):
        version = self.params.get('liferay_version')
        if version is None:
            version = detect_liferay_version(self.directory, self.params.get('liferay_home'))
            if version is None:
                raise BackendError(
                    'liferay_version: cannot tell whether %s belongs to Liferay DXP 2025.Q4+ / Portal 2026 (no mail '
                    'settings .config file or module jar found): set liferay_version: 2025.q4 for such a portal, or use '
                    'backend properties or api for Liferay 7.4' % self.directory)
        if version != '2025.q4':
            raise BackendError(
                'liferay_version: backend osgi_config writes %s, which Liferay %s does not have, so the file would '
                'be ignored: use backend properties or api for Liferay 7.4 (or set liferay_version: 2025.q4 if the '
                'portal is DXP 2025.Q4+ / Portal 2026)' % (COMPANY_PID, version))
        return version

    def resolve_target(self):
        """Pick the file to edit and the companyId it must hold."""
        if not self.scoped:
            self.set_path(os.path.join(self.directory, SYSTEM_FILE))
            return
        named = os.path.join(self.directory, scoped_file_name(self.web_id or str(self.company_id)))
        if self.company_id is None:
            document = read_config_file(named)
            if document is not None and company_of(document) is not None:
                self.company_id = company_of(document)
            elif self.web_id and scoped_files_for(self.directory, None, self.web_id):
                self.company_id = None  # a file names the instance by its web id (the portable key)
            elif self.params.get('state') == 'absent' and not self.params.get('portal_url'):
                self.company_id = None
            else:
                self.company_id = self._look_up_company_id()
        path = named
        holders = scoped_files_for(self.directory, self.company_id, self.web_id)
        if len(holders) > 1:
            # getConfiguration returns the last of the list: the most recently updated configuration.
            self.module.warn('%d configuration files apply to instance %s: %s; Liferay uses the most recently '
                             'updated one, %s, which this task edits: remove the others'
                             % (len(holders), self.web_id or self.company_id,
                                ', '.join(os.path.basename(p) for p in holders), os.path.basename(holders[-1])))
        if holders:
            # An instance configured elsewhere (Instance Settings export, by hand) keeps its file.
            path = holders[-1]
        elif self.company_id is not None:
            document = read_config_file(named)
            other = company_of(document) if document is not None else None
            if other not in (None, self.company_id):
                raise BackendError('company_web_id: %s holds companyId %d, not %d: it belongs to another '
                                   'instance; check company_web_id/company_id' % (named, other, self.company_id))
        self.set_path(path)

    def _look_up_company_id(self):
        if not (self.params.get('portal_url') and self.params.get('api_user') and self.params.get('api_password')):
            raise BackendError('company_web_id: the company ID of instance %r is not known here: give company_id, or '
                               'portal_url, api_user and api_password so it can be looked up' % self.web_id)
        return PortalClient(self.params).company_id(self.web_id)

    # --- file hooks ---------------------------------------------------------------------
    def values(self):
        return OrderedDict(attribute_values(self.document, self.key_order))

    def desired_values(self):
        desired = OrderedDict()
        if self.settings.smtp is None:
            return desired  # only system-scoped options given: the company file stays as it is
        if self.scoped and self.company_id is not None:
            desired[COMPANY_ID] = str(self.company_id)
        desired.update(self.settings.osgi_attributes())
        return desired

    def check(self, desired):
        if self.surface.sender is not None:
            # Neither MailSettingCompanyConfiguration nor MailSettingSystemConfiguration has a sender attribute:
            # 2025.Q4 still reads admin.email.from.* with PrefsPropsUtil (docs/liferay-model.md §10.1).
            raise BackendError('sender: the 2025.Q4 OSGi mail configuration has no sender; Liferay still reads the '
                               'default sender from admin.email.from.* (portal properties, or Instance Settings > '
                               'Email > Email Sender): write it with backend properties, env_file or api')
        if self.surface.jndi_name is not None and self.scoped:
            raise BackendError('jndi_name: on Liferay DXP 2025.Q4+ the JNDI name is an attribute of '
                               'MailSettingSystemConfiguration (jndiName, mailSessionJndiName in earlier 2025 builds), '
                               'which has system scope only: one JNDI session for every instance. Use scope: system '
                               'without company_id/company_web_id')
        self.check_values(desired)

    def config_value(self, name, text):
        return config_value(name, text)

    def option_for(self, key):
        return OPTION_FOR_OSGI_ATTRIBUTE.get(key, key)

    def needs_write(self, before, desired):
        unstable = [name for name in desired if name in self.document.unstable]
        if unstable and desired[unstable[0]] is not None:
            self.module.warn('%s: %s depend on JVM system properties (${...}) as written, so Liferay may read '
                             'them differently; this task writes them escaped'
                             % (self.path, ', '.join(sorted(unstable))))
        changed = bool(unstable) or any(before.get(name) != desired[name] for name in desired)
        # state=absent deletes a file that holds nothing but what this module manages.
        self.deleted_scoped = bool(changed and self.scoped and self.exists and self.params.get('state') == 'absent'
                                   and not self.foreign_attributes())
        return changed

    def restart_required(self):
        # Configuration handlers clear the mail session when a file is written (2025.Q4+); the scoped
        # handler has no @Deactivate, so deleting a scoped file leaves the session as it was
        # (docs/liferay-model.md §8).
        return self.deleted_scoped

    def holds_secret(self):
        return any(self.document.get(name) is not None and scalar_text(self.document.get(name))
                   for name in OSGI_SECRET_ATTRIBUTES)

    def run(self):
        """The company file (when managed), then the system configuration (when managed), as one result."""
        system = SystemConfigBackend(self.module, self.settings, self.directory) if self.manages_system_file() else None
        if not self.manages_company_file():
            self.check(OrderedDict())  # options this layer refuses (sender, jndi_name per instance) fail first
        result = super().run() if self.manages_company_file() or system is None else None
        if system is None:
            return result
        system_result = system.run()
        nested = dict((key, value) for key, value in system_result.items() if key != 'diff')
        if result is None:
            return dict(system_result, company_id=None, liferay_version=self.liferay_version,
                        system_configuration=nested)
        result['changed'] = bool(result['changed'] or system_result['changed'])
        result['restart_required'] = bool(result['restart_required'] or system_result['restart_required'])
        diffs = [diff for diff in (result.pop('diff', None), system_result.get('diff')) if diff]
        if diffs:
            result['diff'] = diffs
        result['system_configuration'] = nested
        return result

    def report(self):
        result = super().report()
        if self.deleted_scoped:
            self.module.warn('%s is %s, but Liferay keeps the mail session built from it until the portal '
                             'restarts: the scoped configuration handler does not clear the session when its '
                             'configuration is deleted' % (self.path, 'to be removed' if self.module.check_mode
                                                           else 'removed'))
        result.update(
            scope='instance' if self.scoped else 'system',
            company_id=self.company_id,
            liferay_version=self.liferay_version,
        )
        return result
