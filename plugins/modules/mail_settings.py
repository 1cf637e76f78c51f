#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: mail_settings
short_description: Apply declarative mail session settings to a Liferay portal
description:
  - Writes the SMTP and POP settings of a Liferay DXP / Liferay Portal mail session idempotently, as the
    Control Panel's Server Administration > Mail form would, including C(mail.session.mail=true) so that
    Liferay builds the session from the individual settings.
  - O(backend=properties) edits C(portal-ext.properties) in place. Only the managed keys change; comments,
    order, blank lines, unrelated keys, line endings and encoding stay byte for byte. Values are escaped the
    way Liferay (Apache Commons Configuration 1.x) reads them. The portal reads the file at start-up, so a
    change reports RV(restart_required=true).
  - Settings saved in the Control Panel are stored in the portal's database and win over
    C(portal-ext.properties); use M(liferay_ops.mail.mail_settings_info) to find out which layer wins.
author:
  - liferay_ops.mail maintainers
extends_documentation_fragment:
  - liferay_ops.mail.mail_options
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reads the target and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the managed keys before and after, with every secret masked.
options:
  backend:
    description:
      - Where the settings are written. V(properties) edits a portal properties file (Liferay 7.x up to 2025.Q3).
    type: str
    choices: [properties]
    default: properties
  state:
    description:
      - V(present) writes the settings. V(absent) removes every key this module manages, and nothing else.
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - V(always) sets the passwords given in O(smtp.password) and O(pop.password).
      - V(on_create) sets a password only where none is stored yet, so a password rotated by hand is kept.
    type: str
    choices: [always, on_create]
    default: always
  path:
    description:
      - The properties file to edit. A symbolic link is followed and its target edited.
      - Defaults to C(portal-ext.properties) in O(liferay_home).
      - A new file is created with mode C(0600) unless O(mode) says otherwise, since it holds passwords.
    type: path
  liferay_home:
    description:
      - The Liferay home directory (where C(portal-ext.properties) lives). Used when O(path) is not given.
    type: path
  backup:
    description:
      - Keep a time-stamped copy of the file before changing it. The copy keeps the original's mode.
    type: bool
    default: false
notes:
  - Liferay reads C(portal-ext.properties) at start-up only; restart the portal when RV(restart_required) is true.
seealso:
  - module: liferay_ops.mail.mail_check
  - module: liferay_ops.mail.mail_settings_info
'''

EXAMPLES = r'''
- name: Send portal mail through a STARTTLS submission server
  liferay_ops.mail.mail_settings:
    liferay_home: /opt/liferay
    smtp:
      host: smtp.example.com
      port: 587
      security: starttls
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
  register: mail
  notify: Restart Liferay

- name: Gmail with implicit TLS, POP for message-board replies, extra JavaMail timeouts
  liferay_ops.mail.mail_settings:
    path: /opt/liferay/portal-ext.properties
    backup: true
    smtp:
      host: smtp.gmail.com
      port: 465
      security: ssl
      user: portal@example.com
      password: "{{ vault_gmail_app_password }}"
    pop:
      host: pop.gmail.com
      port: 995
      security: ssl
      user: portal@example.com
      password: "{{ vault_gmail_app_password }}"
    javamail_properties:
      mail.smtps.connectiontimeout: 10000
      mail.smtps.timeout: 10000

- name: Remove every mail key this module manages
  liferay_ops.mail.mail_settings:
    liferay_home: /opt/liferay
    state: absent
'''

RETURN = r'''
settings:
  description: The managed keys as written, secrets masked.
  returned: success
  type: dict
  sample:
    mail.session.mail: 'true'
    mail.session.mail.smtp.host: smtp.example.com
    mail.session.mail.smtp.password: '********'
restart_required:
  description: Whether the portal must be restarted for the change to take effect.
  returned: always
  type: bool
path:
  description: The file that was (or would be) edited, after following symbolic links.
  returned: when O(backend=properties)
  type: str
backup_file:
  description: The backup copy, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.backend_properties import PropertiesBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    MailSettings,
    SettingsError,
    mail_argument_spec,
)

BACKENDS = {
    'properties': PropertiesBackend,
}


def argument_spec():
    spec = mail_argument_spec()
    spec.update(
        backend=dict(type='str', choices=sorted(BACKENDS), default='properties'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        update_password=dict(type='str', choices=['always', 'on_create'], default='always', no_log=False),
        path=dict(type='path'),
        liferay_home=dict(type='path'),
        backup=dict(type='bool', default=False),
    )
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        add_file_common_args=True,
        supports_check_mode=True,
        required_if=[
            ('state', 'present', ('smtp',)),
            ('backend', 'properties', ('path', 'liferay_home'), True),
        ],
    )
    try:
        settings = MailSettings.from_params(module.params)
    except SettingsError as exc:
        module.fail_json(msg=str(exc), option=exc.option)
    if module.params['state'] == 'present':
        for warning in settings.warnings():
            module.warn(warning)
    try:
        result = BACKENDS[module.params['backend']](module, settings).run()
    except BackendError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
