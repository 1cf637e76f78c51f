#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: mail_settings_info
short_description: Tell which mail settings a Liferay portal will really use, and why
description:
  - Reads every layer it can reach where Liferay takes mail session settings from -
    C(portal-ext.properties) with its C(include-and-override) chain, C(portal-setup-wizard.properties),
    C(LIFERAY_*) environment variables (from an env file or the module's environment) and the state file of
    the C(api) backend of M(liferay_ops.mail.mail_settings) - and returns the managed keys per layer and the
    effective value of each key with the layer it comes from. Secrets are masked.
  - With O(liferay_home), also reads the OSGi mail configuration of Liferay DXP 2025.Q4+ / Portal 2026
    (C(MailSettingCompanyConfiguration) C(.config) files in C(<liferay_home>/osgi/configs)) and says which file
    Liferay uses per instance; see RV(osgi_configuration).
  - Flags the traps - C(mail.session.mail) false (raw mode), a key defined twice, C(${) in a value, ports that
    look swapped, stored preferences (Control Panel or API) that silently override the files, an SMTP user that
    Liferay reads as empty (spaces or the word C(null)), and instances of one portal given different
    O(liferay_ops.mail.mail_settings#module:javamail_properties) although Liferay 7.4 shares one JavaMail
    C(Properties) object between them.
author:
  - liferay_ops.mail maintainers (@liferay-ops)
attributes:
  action_group:
    description:
      - Use C(group/liferay_ops.mail.liferay) in C(module_defaults) to set the portal connection once for this module
        and M(liferay_ops.mail.mail_settings).
    support: full
    membership:
      - liferay_ops.mail.liferay
  check_mode:
    support: full
    description: The module only reads.
  diff_mode:
    support: none
    description: The module only reads; there is nothing to diff.
options:
  liferay_home:
    description:
      - The Liferay home directory. C(portal-ext.properties) and C(portal-setup-wizard.properties) are read from it.
    type: path
  path:
    description:
      - The portal properties file to start from. Defaults to C(portal-ext.properties) in O(liferay_home).
    type: path
  env_file:
    description:
      - A Docker env file (C(NAME=value) lines) with the C(LIFERAY_*) variables the portal container gets.
    type: path
  read_environment:
    description:
      - Also read C(LIFERAY_*) variables from the environment of the module itself.
    type: bool
    default: false
  api_user:
    description:
      - Accepted so that one C(module_defaults) group (C(group/liferay_ops.mail.liferay)) can hold the portal
        connection of M(liferay_ops.mail.mail_settings) and of this module. This module sends no request to the portal
        (JSON web services cannot read preferences back), so the credentials are not used.
    type: str
  api_password:
    description:
      - Accepted for C(module_defaults) groups, like O(api_user); not used.
    type: str
  validate_certs:
    description:
      - Accepted for C(module_defaults) groups, like O(api_user); not used.
    type: bool
    default: true
  ca_path:
    description:
      - Accepted for C(module_defaults) groups, like O(api_user); not used.
    type: path
  timeout:
    description:
      - Accepted for C(module_defaults) groups, like O(api_user); not used.
    type: int
    default: 30
  startup_timeout:
    description:
      - Accepted for C(module_defaults) groups, like O(api_user); not used.
    type: int
    default: 60
  portal_url:
    description:
      - The portal the C(api) backend of M(liferay_ops.mail.mail_settings) wrote to, exactly as given there
        (together with O(company_web_id) or O(company_id) it picks the record in O(state_file)).
      - When set, what that backend last applied is read from O(state_file) and shown as the C(company preferences)
        layer, the one with the highest precedence. Secrets are masked.
    type: str
  company_web_id:
    description:
      - The instance the C(api) backend wrote to, as given there. Defaults to V(liferay.com).
    type: str
  company_id:
    description:
      - The company ID the C(api) backend wrote to, when it was given there instead of O(company_web_id).
    type: int
  state_file:
    description:
      - The state file of the C(api) backend. Defaults to C(~/.ansible/liferay_ops.mail/api-fingerprints.json)
        of the user running the module, as in M(liferay_ops.mail.mail_settings). Needs O(portal_url).
    type: path
  test_recipient:
    description:
      - An address test messages go to (for example the role's C(mail_session_test_recipient)). A finding says when
        it is on the send blacklist, where Liferay drops mail without an error.
    type: str
  control_panel_used:
    description:
      - Say that someone saved the Control Panel mail form (or the api backend was used). Stored preferences then
        override C(portal-ext.properties) and environment variables, and the module warns about it.
    type: bool
    default: false
notes:
  - Liferay 7.4 has no API that reads stored preferences back; values saved through the Control Panel are
    therefore not visible here. O(control_panel_used) makes the consequence explicit.
  - The C(company preferences) layer is what the C(api) backend recorded after the portal accepted it. A later
    Control Panel save of that instance's mail form is not visible in it.
seealso:
  - module: liferay_ops.mail.mail_settings
'''

EXAMPLES = r'''
- name: Find out which layer the portal takes its SMTP host from
  liferay_ops.mail.mail_settings_info:
    liferay_home: /opt/liferay
  register: mail_info

- name: Show it
  ansible.builtin.debug:
    msg: "SMTP host {{ mail_info.effective['mail.session.mail.smtp.host'].value }} from {{ mail_info.effective['mail.session.mail.smtp.host'].source }}"

- name: Include what the api backend stored for the default instance
  liferay_ops.mail.mail_settings_info:
    liferay_home: /opt/liferay
    portal_url: https://portal.example.com
    company_web_id: liferay.com
    state_file: /opt/liferay/data/liferay_ops.mail/api-fingerprints.json

- name: A containerised portal configured through an env file
  liferay_ops.mail.mail_settings_info:
    liferay_home: /srv/liferay
    env_file: /srv/liferay/liferay.env
'''

RETURN = r'''
layers:
  description: Every layer read, lowest precedence first, with the managed keys it sets (secrets masked).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Layer name (file name, C(environment), C(company preferences)).
      type: str
    location:
      description: Where the layer lives (path of the file; the state file for C(company preferences)).
      type: str
    settings:
      description: Managed key -> value set by this layer.
      type: dict
effective:
  description: Managed key -> the value the portal uses and the layer it comes from (secrets masked).
  returned: always
  type: dict
  sample:
    mail.session.mail.smtp.host:
      value: smtp.example.com
      source: portal-ext.properties
raw_mode:
  description: True when C(mail.session.mail) is false, so Liferay hands the raw C(mail.session.*) keys to JavaMail.
  returned: always
  type: bool
osgi_configuration:
  description:
    - The 2025.Q4 mail configuration files in C(<liferay_home>/osgi/configs), the system-wide file first, then the
      scoped ones, oldest first. Empty when there are none (or without O(liferay_home)).
    - Liferay uses an instance's most recently updated scoped file as a whole, else the system-wide file.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    scope:
      description: V(system) or V(instance).
      type: str
    company_id:
      description: The C(companyId) a scoped file names, else null.
      type: int
    web_id:
      description: The web id a scoped file names with the portable key instead of C(companyId), else null.
      type: str
    settings:
      description: The mail attributes the file sets (C(companyId) too for a scoped file), secrets masked.
      type: dict
    wins:
      description: Whether Liferay uses this file (for a scoped file, its instance; the system-wide file serves every
        instance without a scoped file).
      type: bool
    superseded_by:
      description: The more recently updated file of the same instance that Liferay uses instead, else null.
      type: str
system_configuration:
  description:
    - The 2025.Q4 C(MailSettingSystemConfiguration.config) in C(<liferay_home>/osgi/configs) - C(path), C(shape)
      (the attribute names it uses - V(current), V(mail_prefixed) or V(first); null when none tells) and C(settings)
      (every attribute it sets; arrays such as C(sendBlacklist) as lists).
  returned: always (null when there is no such file or O(liferay_home) is not given)
  type: dict
findings:
  description: The traps found, as sentences (also emitted as warnings).
  returned: always
  type: list
  elements: str
microsoft365:
  description:
    - The configuration of Liferay's Microsoft 365 OAuth2 connector that applies (the instance's scoped file for
      O(company_id), else the system-wide one) under C(<liferay_home>/osgi/configs) - C(path), C(scope), C(settings)
      (C(clientSecret) masked), and whether it serves C(smtp) and C(pop). A finding says when the session's host or
      protocol would not use it.
  returned: always (null when there is none or O(liferay_home) is not given)
  type: dict
'''

import os
from collections import OrderedDict

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import MailError
from ansible_collections.liferay_ops.mail.plugins.module_utils.findings import osgi_findings as extra_osgi_findings
from ansible_collections.liferay_ops.mail.plugins.module_utils.findings import (
    portal_findings,
    system_configuration,
    system_configuration_report,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.layers import (
    Layer,
    env_file_layer,
    env_layer,
    osgi_files,
    properties_chain,
    resolve,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.fingerprint import (
    FingerprintStore,
    advanced_keys,
    api_scope,
    default_state_file,
    other_instance_records,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import portal_argument_spec
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import is_secret_key, mask_value, masked
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.microsoft365_config import (
    connector_findings,
    connector_report,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    ADVANCED_PROPERTIES,
    MANAGED_KEYS,
    POP_HOST,
    POP_PORT,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_USER,
    STORE_PROTOCOL,
    TRANSPORT_PROTOCOL,
    liferay_is_null,
    looks_swapped,
)

API_LAYER = 'company preferences'


def api_layer(params, below):
    """What the api backend last applied to the instance, read from its state file (secrets masked), or None.

    update-preferences does not store a value equal to the portal property (it removes the key
    instead), so such keys stay with the layer ``below`` resolves them to; they are kept in
    ``not_stored``. Secrets are masked in the state file and cannot be compared.
    """
    path = params['state_file'] or default_state_file()
    store = FingerprintStore(path)
    scope = api_scope(params)
    known = store.known_values(scope)
    others = other_instance_records(store, scope)
    if known is None:
        return None
    stored = OrderedDict()
    not_stored = []
    for key, value in known.items():
        if not is_secret_key(key) and key in below and below[key][0] == value:
            not_stored.append(key)
        else:
            stored[key] = value
    layer = Layer(API_LAYER, path, stored)
    layer.not_stored = not_stored
    layer.other_instances = others
    return layer


def read_layers(module):
    params = module.params
    home = params['liferay_home']
    layers = []
    path = params['path'] or (os.path.join(home, 'portal-ext.properties') if home else None)
    if path:
        layers.extend(properties_chain(path, home))
    if home:
        layers.extend(properties_chain(os.path.join(home, 'portal-setup-wizard.properties'), home))
    if params['env_file']:
        layers.append(env_file_layer(params['env_file']))
    if params['read_environment']:
        layers.append(env_layer(dict(os.environ), 'module environment'))
    if params['portal_url']:
        stored = api_layer(params, resolve(layers))
        if stored is not None:
            layers.append(stored)
    return layers


def findings(layers, effective, params):
    found = []
    # Only the mail session keys count: a sender or a JNDI name alone is no raw-mode session.
    set_anywhere = [key for layer in layers for key in layer.values if key in MANAGED_KEYS]
    jndi = effective.get('mail.session.jndi.name', ('', ''))[0].strip()
    if effective['mail.session.mail'][0].strip().lower() != 'true' and set_anywhere and not jndi:
        found.append('mail.session.mail is false (from %s): Liferay passes the raw mail.session.* keys to JavaMail, '
                     'so smtps loses its host and port and SMTP auth stays off; set mail.session.mail=true'
                     % effective['mail.session.mail'][1])
    for layer in layers:
        if layer.unread:
            found.append('%s was not read: %s' % (layer.location, layer.unread))
        for key in layer.duplicates:
            found.append('%s is defined more than once in %s: the portal merges the values into a comma list'
                         % (key, layer.location))
        for key, value in layer.values.items():
            if '${' in value:
                found.append("%s in %s contains '${', which the portal interpolates as a variable reference"
                             % (key, layer.location))
    for layer in layers:
        for key in layer.passthrough:
            found.append('%s is a bare name in %s: Docker passes that variable from the environment of docker run (or '
                         'Compose), which this module cannot see, so its value is unknown here'
                         % (key, layer.location))
    if looks_swapped('smtp', effective[SMTP_PORT][0]):
        found.append('the SMTP port %s is a POP3/IMAP port: the POP and SMTP ports look swapped' % effective[SMTP_PORT][0])
    if looks_swapped('pop', effective[POP_PORT][0]):
        found.append('the POP port %s is an SMTP port: the POP and SMTP ports look swapped' % effective[POP_PORT][0])
    for layer in layers:
        if layer.name == API_LAYER and layer.values:
            shadowed = sorted(set(key for other in layers if other is not layer for key in other.values)
                              & set(layer.values))
            found.append('the api backend stored %s as company preferences of %s (state file %s): they override '
                         'portal-ext.properties, portal-setup-wizard.properties and LIFERAY_* variables for those keys%s'
                         % (', '.join(layer.values), _instance(params), layer.location,
                            '; the file values of %s are ignored' % ', '.join(shadowed) if shadowed else ''))
        if layer.name == API_LAYER and params['control_panel_used'] and layer.not_stored:
            found.append('the api backend sent %s with the values the portal properties already have, so Liferay keeps '
                         'no company preference for them: a value saved in Server Administration (system preferences) '
                         'wins for those keys; re-save that form with the same values, or remove the keys from portal-ext.properties '
                         'and apply again'
                         % ', '.join(layer.not_stored))
        if layer.name == API_LAYER:
            found.extend(_shared_properties_findings(layer, params))
    user = effective.get(SMTP_USER, ('', ''))[0]
    if user and liferay_is_null(user):
        found.append('%s (from %s) is only spaces or the word "null": Liferay counts it as empty (Validator.isNull), '
                     'so it derives SMTP auth from the password alone and never logs in with that user name'
                     % (SMTP_USER, effective[SMTP_USER][1]))
    if params['control_panel_used']:
        found.append('settings saved in the Control Panel (or through the api backend) are stored in the database and '
                     'override portal-ext.properties and LIFERAY_* variables for every key they hold; manage mail with '
                     'the api backend, or re-save the form, to change them')
    return found


def _shared_properties_findings(layer, params):
    """Liferay 7.4 builds every instance's session on one shared Properties object (docs/liferay-model.md §4)."""
    mine = advanced_keys(layer.values.get(ADVANCED_PROPERTIES))
    found = []
    for scope, known in layer.other_instances:
        theirs = advanced_keys((known or {}).get(ADVANCED_PROPERTIES))
        if mine != theirs:
            differing = sorted(mine ^ theirs)
            found.append('the api backend applied different javamail_properties to %s and to %s (%s set for only one '
                         'of them): Liferay 7.4 writes every instance\'s mail settings into one shared JavaMail '
                         'Properties object (MailServiceImpl.getSession), so a key set for one instance is in force for '
                         'all of them, values of the instance whose session was built last win, and a removed key '
                         'stays until the portal restarts; give every instance the same javamail_properties'
                         % (_instance(params), scope.split('|', 1)[1].replace('web_id=', 'instance ')
                            .replace('company_id=', 'company '), ', '.join(differing)))
    return found


def osgi_configs_dir(params):
    """<liferay_home>/osgi/configs when it exists, else None."""
    directory = os.path.join(params['liferay_home'], 'osgi', 'configs') if params['liferay_home'] else None
    return directory if directory and os.path.isdir(directory) else None


def osgi_findings(configs):
    found = []
    if configs:
        found.append('%s holds the OSGi mail configuration (MailSettingCompanyConfiguration): Liferay DXP 2025.Q4+ and '
                     'Portal 2026 build the mail session from it alone - an instance\'s scoped file, used as a whole, '
                     'else the system-wide file - and ignore the portal properties, LIFERAY_* variables and preferences '
                     'for mail' % os.path.dirname(configs[0].path))
    for entry in configs:
        if entry.superseded_by:
            found.append('%s is not used: %s configures the same instance and was updated more recently, and Liferay '
                         'uses the most recently updated configuration of an instance; remove one of them'
                         % (entry.path, os.path.basename(entry.superseded_by)))
        elif not entry.wins:
            found.append('%s names no instance (neither companyId nor companyWebId), so Liferay cannot scope it to one'
                         % entry.path)
    return found


def surface_findings(layers, effective, configs, system, params):
    """Ports against protocols, advanced properties, JNDI, the send blacklist, env duplicates, split values
    (findings.py), for the 7.4 layers and the 2025.Q4 files."""
    found = portal_findings(layers, effective, params)
    found.extend(extra_osgi_findings(configs, system, effective, params))
    return found


def _instance(params):
    if params['company_id'] is not None:
        return 'company %d at %s' % (params['company_id'], params['portal_url'])
    return 'instance %s at %s' % (params['company_web_id'] or 'liferay.com', params['portal_url'])


def main():
    spec = portal_argument_spec()  # the connection options, so that one module_defaults group serves both modules
    spec.update(
        liferay_home=dict(type='path'),
        path=dict(type='path'),
        env_file=dict(type='path'),
        read_environment=dict(type='bool', default=False),
        control_panel_used=dict(type='bool', default=False),
        state_file=dict(type='path'),
        test_recipient=dict(type='str'),
    )
    module = AnsibleModule(
        argument_spec=spec,
        required_one_of=[('liferay_home', 'path', 'env_file', 'portal_url')],
        required_by=dict(state_file='portal_url', company_web_id='portal_url', company_id='portal_url'),
        mutually_exclusive=[('company_id', 'company_web_id')],
        supports_check_mode=True,
    )
    try:
        layers = read_layers(module)
        # The 2025.Q4 files under <liferay_home>/osgi/configs, each read once; a file Liferay would not read
        # whole fails here, with the module's message.
        directory = osgi_configs_dir(module.params)
        configs = osgi_files(directory) if directory else []
        system = system_configuration(directory) if directory else None
        connector = connector_report(directory, module.params.get('company_id')) if directory else None
    except MailError as exc:
        module.fail_json(msg=str(exc))
    effective = resolve(layers)
    found = findings(layers, effective, module.params) + osgi_findings(configs)
    found.extend(surface_findings(layers, effective, configs, system, module.params))
    found.extend(connector_findings(connector, *(effective.get(key, ('', ''))[0]
                                                 for key in (SMTP_HOST, TRANSPORT_PROTOCOL, POP_HOST, STORE_PROTOCOL))))
    for finding in found:
        module.warn(finding)
    module.exit_json(
        changed=False,
        layers=[dict(name=layer.name, location=layer.location,
                     settings=dict((key, mask_value(key, value)) for key, value in layer.values.items()))
                for layer in layers],
        effective=dict((key, dict(value=mask_value(key, value), source=source))
                       for key, (value, source) in effective.items()),
        raw_mode=effective['mail.session.mail'][0].strip().lower() != 'true',
        osgi_configuration=[dict(path=entry.path, scope=entry.scope, company_id=entry.company_id, web_id=entry.web_id,
                                 settings=dict(masked(entry.values)), wins=entry.wins,
                                 superseded_by=entry.superseded_by) for entry in configs],
        findings=found,
        microsoft365=dict(connector, settings=dict(masked(connector['settings']))) if connector else None,
        system_configuration=system_configuration_report(system),
    )


if __name__ == '__main__':
    main()
