# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``.config`` files of Liferay's Microsoft 365 OAuth2 connector.

The connector (module ``com.liferay.mail.outlook.auth.connector.provider``) reads the
company-scoped configuration
``com.liferay.mail.outlook.auth.connector.provider.internal.configuration.MailOutlookAuthConnectorCompanyConfiguration``
through ``ConfigurationProvider.getCompanyConfiguration``: the instance's factory
configuration (``<PID>.scoped~<name>.config`` holding ``companyId=L"<id>"``) if there is
one, else the system-wide ``<PID>.config``, else the defaults (both switches off).
Attributes: ``clientId``, ``clientSecret``, ``tenantId`` (String), ``pop3ConnectionEnabled``,
``smtpConnectionEnabled`` (boolean). The files are read and written as portal-file-install
does (formats/osgi_config.py), like those of the mail settings (formats/mail_config.py).
"""

import os

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats import mail_config
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import (
    COMPANY_ID,
    read_config_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    MICROSOFT365_ATTRIBUTES,
    MICROSOFT365_BOOLEAN_ATTRIBUTES,
    MICROSOFT365_HOSTS,
    MICROSOFT365_PID,
)

SYSTEM_FILE = MICROSOFT365_PID + '.config'
SCOPED_PREFIX = MICROSOFT365_PID + '.scoped~'
ATTRIBUTES = tuple(MICROSOFT365_ATTRIBUTES.values())
# attribute -> the option of mail_settings it comes from
OPTION_FOR_ATTRIBUTE = dict((attribute, 'microsoft365.%s' % option) for option, attribute in MICROSOFT365_ATTRIBUTES.items())


def scoped_name(company_id):
    """The file name this collection gives an instance's configuration."""
    return '%s%d.config' % (SCOPED_PREFIX, int(company_id))


def scoped_files_for(directory, company_id):
    """The scoped connector files in ``directory`` whose companyId is ``company_id``, the one Liferay uses last."""
    return mail_config.scoped_files_for(directory, company_id, prefix=SCOPED_PREFIX)


def attribute_values(document):
    """name -> text of companyId and the connector's attributes held by ``document``."""
    return mail_config.attribute_values(document, (COMPANY_ID,) + ATTRIBUTES, MICROSOFT365_BOOLEAN_ATTRIBUTES)


def config_value(name, text):
    """The typed value written for one attribute: B"true" for the switches, L"<id>" for companyId."""
    return mail_config.config_value(name, text, MICROSOFT365_BOOLEAN_ATTRIBUTES)


def connector_file_for(directory, company_id=None):
    """(path, document) of the configuration that applies to ``company_id`` (system-wide when None),
    or (None, None) when there is none."""
    if company_id is not None:
        scoped = scoped_files_for(directory, company_id)
        if scoped:
            return scoped[-1], read_config_file(scoped[-1])
    path = os.path.join(directory, SYSTEM_FILE)
    document = read_config_file(path)
    return (path, document) if document is not None else (None, None)


def connector_report(directory, company_id=None):
    """The connector's configuration that applies (secret masked by the caller), or None when there is none."""
    if not directory or not os.path.isdir(directory):
        return None
    path, document = connector_file_for(directory, company_id)
    if document is None:
        return None
    values = attribute_values(document)
    return dict(path=path, scope='instance' if COMPANY_ID in values else 'system', settings=values,
                smtp=values.get('smtpConnectionEnabled') == 'true', pop=values.get('pop3ConnectionEnabled') == 'true')


def connector_findings(report, smtp_host, transport, pop_host, store):
    """Sentences for mail_settings_info: where the session would not use the connector that is configured."""
    found = []
    if report is None:
        return found
    where = report['path']
    if report['smtp'] and (smtp_host or '').lower() != MICROSOFT365_HOSTS['smtp']:
        found.append('the Microsoft 365 connector (%s) is on for SMTP, but the session sends through %s: Liferay uses '
                     'the connector only for %s and logs in to %s with the SMTP password'
                     % (where, smtp_host or 'localhost', MICROSOFT365_HOSTS['smtp'], smtp_host or 'localhost'))
    elif report['smtp'] and transport == 'smtps':
        found.append('the Microsoft 365 connector (%s) is on for SMTP, but the session uses smtps: the connector serves '
                     'protocol smtp only (port 587 with STARTTLS)' % where)
    if report['pop'] and (pop_host or '').lower() != MICROSOFT365_HOSTS['pop']:
        found.append('the Microsoft 365 connector (%s) is on for POP, but the session reads from %s: Liferay uses it '
                     'only for %s' % (where, pop_host or 'localhost', MICROSOFT365_HOSTS['pop']))
    elif report['pop'] and store != 'pop3s':
        found.append('the Microsoft 365 connector (%s) is on for POP, but the session uses %s: the connector serves '
                     'pop3s only' % (where, store or 'pop3'))
    if not report['smtp'] and not report['pop']:
        found.append('the Microsoft 365 connector (%s) is configured with SMTP and POP off: Liferay logs in with the '
                     'passwords' % where)
    return found
