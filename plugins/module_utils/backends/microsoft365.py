# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``microsoft365`` option: the ``.config`` of Liferay's Microsoft 365 OAuth2 connector.

Written beside the other output of every file backend (properties, osgi_config, env_file):
the instance's scoped file ``<PID>.scoped~<company id>.config`` holding ``companyId``, or the
system-wide ``<PID>.config`` when no instance is named (formats/microsoft365_config.py).
It is one more FileBackend, so check mode, the masked diff, backup, mode 0600, the
``update_password: on_create`` carry-over of ``clientSecret`` (and its reset when
``tenantId`` or ``clientId`` change) are those of every file backend.

The api backend cannot write it: an OSGi configuration is no portal preference, and
Liferay 7.4's JSON web services have no call for configurations.
"""

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_file import OsgiFileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import COMPANY_ID
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.microsoft365_config import (
    ATTRIBUTES,
    OPTION_FOR_ATTRIBUTE,
    SYSTEM_FILE,
    attribute_values,
    config_value,
    scoped_files_for,
    scoped_name,
)

from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MICROSOFT365_CREDENTIAL_IDENTITY

API_REFUSAL = (
    'microsoft365: backend api cannot configure the Microsoft 365 connector: its settings are an OSGi configuration '
    '(MailOutlookAuthConnectorCompanyConfiguration), not a portal preference, and Liferay 7.4 offers no JSON web '
    'service for configurations. Write it as a file instead: run this module with backend properties (or env_file) '
    'and liferay_home or osgi_configs_dir on every portal node, which puts the .config into osgi/configs, or enter '
    'it in Instance Settings > Email for each instance')


def connector_directory(params):
    """Where the connector's .config goes: osgi_configs_dir, <liferay_home>/osgi/configs, or osgi/configs beside
    the properties file when that directory is a Liferay home."""
    if params.get('osgi_configs_dir'):
        return params['osgi_configs_dir']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'osgi', 'configs')
    if params.get('backend') == 'properties' and params.get('path'):
        home = os.path.dirname(os.path.realpath(params['path']))
        if os.path.isdir(os.path.join(home, 'osgi')):
            return os.path.join(home, 'osgi', 'configs')
    raise BackendError('microsoft365: the connector is configured by a .config file in the osgi/configs directory '
                       'of the Liferay home: give liferay_home or osgi_configs_dir')


class Microsoft365Backend(OsgiFileBackend):
    key_order = (COMPANY_ID,) + ATTRIBUTES
    secret_keys = ('clientSecret',)
    credential_identity = MICROSOFT365_CREDENTIAL_IDENTITY

    def __init__(self, module, settings, company_id=None):
        super().__init__(module, settings)
        if self.params.get('company_web_id') and company_id is None:
            raise BackendError('company_id: the Microsoft 365 connector\'s configuration names its instance by '
                               'company ID: give company_id (company_web_id alone is not enough here), or neither '
                               'for the system-wide configuration')
        self.directory = os.path.abspath(connector_directory(self.params))
        self.company_id = company_id
        self.layer_name = 'MailOutlookAuthConnectorCompanyConfiguration'

    # --- target -------------------------------------------------------------------------
    def resolve_target(self):
        if self.company_id is None:
            self.set_path(os.path.join(self.directory, SYSTEM_FILE))
            return
        holders = scoped_files_for(self.directory, self.company_id) if os.path.isdir(self.directory) else []
        if len(holders) > 1:
            self.module.warn('%d Microsoft 365 connector configurations apply to company %s: %s; Liferay uses the most '
                             'recently updated one, %s, which this task edits: remove the others'
                             % (len(holders), self.company_id, ', '.join(os.path.basename(p) for p in holders),
                                os.path.basename(holders[-1])))
        self.set_path(holders[-1] if holders else os.path.join(self.directory, scoped_name(self.company_id)))
        self.layer_name = 'MailOutlookAuthConnectorCompanyConfiguration'

    # --- file hooks ---------------------------------------------------------------------
    def values(self):
        return OrderedDict((name, value) for name, value in attribute_values(self.document).items())

    def desired_values(self):
        desired = OrderedDict()
        if self.company_id is not None:
            desired[COMPANY_ID] = str(self.company_id)
        desired.update(self.settings.microsoft365_attributes())
        return desired

    def option_for(self, key):
        return OPTION_FOR_ATTRIBUTE.get(key, key)

    def secret_needed(self, key, desired):
        return True

    def config_value(self, name, text):
        return config_value(name, text)

    def check(self, desired):
        self.check_values(desired)

    def holds_secret(self):
        value = self.document.get('clientSecret')
        return value is not None and bool(value.value)

    def restart_required(self):
        # ConfigurationProvider reads the configuration at each token request: no restart.
        return False

    def report(self):
        result = super().report()
        result.update(scope='instance' if self.company_id is not None else 'system', company_id=self.company_id)
        return result


def check_microsoft365(module, settings):
    """Refuse settings the connector cannot serve; warn about what it would not use."""
    errors, warnings = settings.microsoft365_problems()
    if errors:
        option, reason = errors[0]
        raise BackendError('%s: %s' % (option, reason))
    for warning in warnings:
        module.warn(warning)


def run_connector(module, settings, backend, result):
    """Write the connector's .config after ``backend`` wrote the mail settings; fold its result into ``result``.

    The instance is the one the backend wrote for (company_id, or the one osgi_config resolved), else the
    system-wide configuration.
    """
    company_id = getattr(backend, 'company_id', None) if module.params.get('backend') == 'osgi_config' else None
    if company_id is None:
        company_id = module.params.get('company_id')
    connector = Microsoft365Backend(module, settings, company_id).run()
    result['changed'] = bool(result.get('changed')) or connector['changed']
    diffs = [diff for diff in (result.pop('diff', None), connector.pop('diff', None)) if diff]
    if diffs:
        result['diff'] = diffs
    result['microsoft365'] = connector
    return result
