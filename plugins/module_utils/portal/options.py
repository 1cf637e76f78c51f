# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option specs for talking to the portal, apart from the HTTP client itself.

Kept free of heavy imports: every mail_settings run builds its argument spec from
here, while only api (and some osgi_config) runs need portal_api's HTTP stack.
"""

DEFAULT_WEB_ID = 'liferay.com'
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
