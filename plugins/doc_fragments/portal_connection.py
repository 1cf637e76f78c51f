# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    """Connection options for modules that call the portal's JSON web services."""

    DOCUMENTATION = r'''
options:
  portal_url:
    description:
      - Root URL of the portal, for example V(https://portal.example.com) or V(http://localhost:8080).
      - The JSON web services are called at C(<portal_url>/api/jsonws/invoke); a trailing C(/api/jsonws) is accepted and dropped.
      - Redirects are not followed (a redirected POST loses its body), so give the address the portal really serves.
      - Required when the module talks to the portal.
    type: str
  api_user:
    description:
      - Login (email address or screen name, as the portal's authentication type expects) sent with HTTP Basic auth.
      - The user needs the Administrator role in the target instance.
      - Basic auth must be allowed for C(/api/*) (System Settings > API Authentication > Basic Auth Header; on by default).
      - Required when the module talks to the portal.
    type: str
  api_password:
    description:
      - Password of O(api_user). Never logged, never returned, never part of an error message.
      - Required when the module talks to the portal.
    type: str
  company_web_id:
    description:
      - Web ID of the portal instance (virtual instance) to configure, as shown in Control Panel > Virtual Instances.
      - Looked up with C(/company/get-company-by-web-id).
      - When neither O(company_web_id) nor O(company_id) is given, the default instance V(liferay.com) is used.
      - Mutually exclusive with O(company_id).
    type: str
  company_id:
    description:
      - Numeric company ID of the instance, to skip the web ID lookup.
      - Mutually exclusive with O(company_web_id).
    type: int
  validate_certs:
    description:
      - Verify the portal's TLS certificate and host name.
      - Set V(false) only for a test portal; give O(ca_path) for a private CA instead.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that sign the portal's certificate. When given, only these CAs are trusted.
    type: path
  timeout:
    description:
      - Seconds to wait for the portal to connect and answer one request. A request that hangs longer fails and is not repeated.
    type: int
    default: 30
  startup_timeout:
    description:
      - Total seconds to keep retrying while the portal is starting, that is while the connection is refused or
        the answer is HTTP 502, 503 or 504. Retries back off from half a second up to five seconds.
      - Other errors (wrong credentials, missing role, wrong URL, TLS failures, HTTP 500) are never retried.
      - V(0) disables retries.
    type: int
    default: 60
'''
