# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # The smtp/pop/javamail_properties options shared by mail_settings and mail_check.
    DOCUMENTATION = r'''
options:
  smtp:
    description:
      - The outgoing SMTP server, as in the Control Panel's Server Administration > Mail form.
    type: dict
    suboptions:
      host:
        description:
          - Host name or IP address of the SMTP server (no scheme, port or path).
        type: str
        required: true
      port:
        description:
          - TCP port. The default follows O(smtp.security) - V(25) for V(none), V(587) for V(starttls), V(465) for V(ssl).
        type: int
      security:
        description:
          - V(starttls) upgrades a plaintext connection (Liferay's C(smtp.starttls.enable=true), protocol C(smtp)).
          - V(ssl) is implicit TLS from the first byte (Liferay's "Use a secure network connection", protocol C(smtps)).
          - V(none) sends everything in clear text.
        type: str
        choices: [none, starttls, ssl]
        default: starttls
      user:
        description:
          - User name for SMTP AUTH. Liferay turns authentication on when a user or password is set.
        type: str
      password:
        description:
          - Password for SMTP AUTH. Never logged, masked in diffs and results.
          - Gmail and Microsoft 365 accounts with 2-step verification need an app password here.
        type: str
  pop:
    description:
      - The incoming POP3 server, used for message-board replies by mail. Leave it out when the portal does not read mail.
    type: dict
    suboptions:
      host:
        description:
          - Host name or IP address of the POP3 server.
        type: str
        required: true
      port:
        description:
          - TCP port. The default follows O(pop.security) - V(110) for V(none), V(995) for V(ssl).
        type: int
      security:
        description:
          - V(ssl) is implicit TLS (protocol C(pop3s)); V(none) is a plaintext POP3 session (protocol C(pop3)).
        type: str
        choices: [none, ssl]
        default: ssl
      user:
        description:
          - POP3 user name.
        type: str
      password:
        description:
          - POP3 password. Never logged, masked in diffs and results.
        type: str
      notifications:
        description:
          - Enable POP server notifications (C(pop.server.notifications.enabled)).
        type: bool
        default: false
  javamail_properties:
    description:
      - Extra JavaMail properties ("Manually specify additional JavaMail properties"), applied on top of the
        settings above. Keys must use the prefix of the transport protocol in use (C(mail.smtp.*) for
        V(none)/V(starttls), C(mail.smtps.*) for V(ssl)); the module warns otherwise.
    type: dict
    default: {}
'''
