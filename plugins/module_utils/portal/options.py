# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option specs for talking to the portal, apart from the HTTP client itself.

Kept free of heavy imports: every mail_settings run builds its argument spec from
here, while only api (and some osgi_config) runs need portal_api's HTTP stack.
"""

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError

DEFAULT_WEB_ID = 'liferay.com'
# company_web_id: all - every instance the portal reports (/company/get-companies), api backend only.
ALL_INSTANCES = 'all'
DEFAULT_TIMEOUT = 30
DEFAULT_STARTUP_TIMEOUT = 60

PORTAL_MUTUALLY_EXCLUSIVE = [('company_id', 'company_web_id')]
PORTAL_REQUIRED_TOGETHER = [('api_user', 'api_password')]
PORTAL_REQUIRED_OPTIONS = ('portal_url', 'api_user', 'api_password')


def portal_argument_spec():
    """Connection options shared by every module that talks to the portal.

    Nothing is required here: a module with several backends makes them required
    for its ``api`` backend with ``required_if``.
    """
    return dict(
        portal_url=dict(type='str'),
        api_user=dict(type='str'),
        api_password=dict(type='str', no_log=True),
        company_web_id=dict(type='str'),
        company_id=dict(type='int'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        startup_timeout=dict(type='int', default=DEFAULT_STARTUP_TIMEOUT),
    )


def api_argument_spec():
    """Options of the api backend besides the connection options."""
    return dict(
        state_file=dict(type='path'),
        force=dict(type='bool', default=False),
    )


def company_web_ids(params):
    """Normalise ``company_web_id`` (type raw in mail_settings) in ``params`` and return the instances it names.

    A string (a number too) is one web id and gives None: the single-instance path. A list of web ids or
    ``all`` gives that list (or ``ALL_INSTANCES``), for backend api only; raises SettingsError otherwise.
    """
    value = params.get('company_web_id')
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, list)):
        raise SettingsError('company_web_id', 'must be a web id, a list of web ids, or all')
    if isinstance(value, (int, float)):
        value = params['company_web_id'] = str(value)
    multiple = isinstance(value, list) or value == ALL_INSTANCES
    if not multiple:
        return None
    if params.get('backend') != 'api':
        raise SettingsError('company_web_id', 'a list of instances or all is for backend api only; backend %s '
                            'configures one instance per task: give one web id (loop over the instances)'
                            % params.get('backend'))
    if value == ALL_INSTANCES:
        return ALL_INSTANCES
    web_ids = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, (str, int)) or not str(entry).strip():
            raise SettingsError('company_web_id', 'lists web ids: %r is not one' % (entry,))
        entry = str(entry).strip()
        if entry == ALL_INSTANCES:
            raise SettingsError('company_web_id', 'all stands alone: give company_web_id: all, not in a list')
        if entry in web_ids:
            raise SettingsError('company_web_id', 'names %s twice: list each instance once' % entry)
        web_ids.append(entry)
    if not web_ids:
        raise SettingsError('company_web_id', 'is an empty list: name at least one instance, or use all')
    return web_ids
