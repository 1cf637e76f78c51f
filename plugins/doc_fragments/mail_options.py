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
          - Not needed with O(microsoft365) (Liferay logs in with an OAuth2 token), nor with
            O(liferay_ops.mail.mail_settings#module:update_password=on_create) when the same server already has one.
        type: str
      tls_protocols:
        description:
          - TLS versions JavaMail may negotiate (C(TLSv1), C(TLSv1.1), C(TLSv1.2), C(TLSv1.3)), for example
            V([TLSv1.2, TLSv1.3]). Written as the JavaMail property
            C(ssl.protocols) under the prefix the transport reads (C(mail.smtp.) for V(none) and V(starttls),
            C(mail.smtps.) for V(ssl)) inside the advanced properties.
          - M(liferay_ops.mail.mail_check) negotiates only these versions.
        type: list
        elements: str
      ssl_trust:
        description:
          - Hosts whose certificate JavaMail trusts without checking the trust store (C(ssl.trust)), or V(["*"]) for every
            host. Meant for a private CA that is not in the JVM's trust store; prefer adding the CA.
        type: list
        elements: str
      connect_timeout:
        description:
          - JavaMail C(connectiontimeout) in milliseconds. M(liferay_ops.mail.mail_check) gives up connecting after it
            (or after O(timeout) when that is shorter).
        type: int
      read_timeout:
        description:
          - JavaMail C(timeout) (socket read) in milliseconds; M(liferay_ops.mail.mail_check) waits at most this long
            for an answer.
        type: int
      write_timeout:
        description:
          - JavaMail C(writetimeout) in milliseconds.
          - A key set here and in O(javamail_properties) as well makes the module fail, naming both.
        type: int
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
      tls_protocols:
        description:
          - TLS versions JavaMail may negotiate (C(TLSv1), C(TLSv1.1), C(TLSv1.2), C(TLSv1.3)), for example
            V([TLSv1.2, TLSv1.3]). Written as the JavaMail property
            C(ssl.protocols) under the prefix the store reads (C(mail.pop3.) for V(none), C(mail.pop3s.) for V(ssl))
            inside the advanced properties.
          - M(liferay_ops.mail.mail_check) negotiates only these versions.
        type: list
        elements: str
      ssl_trust:
        description:
          - Hosts whose certificate JavaMail trusts without checking the trust store (C(ssl.trust)), or V(["*"]) for every
            host. Meant for a private CA that is not in the JVM's trust store; prefer adding the CA.
        type: list
        elements: str
      connect_timeout:
        description:
          - JavaMail C(connectiontimeout) in milliseconds. M(liferay_ops.mail.mail_check) gives up connecting after it
            (or after O(timeout) when that is shorter).
        type: int
      read_timeout:
        description:
          - JavaMail C(timeout) (socket read) in milliseconds; M(liferay_ops.mail.mail_check) waits at most this long
            for an answer.
        type: int
      write_timeout:
        description:
          - JavaMail C(writetimeout) in milliseconds.
          - A key set here and in O(javamail_properties) as well makes the module fail, naming both.
        type: int
  javamail_properties:
    description:
      - Extra JavaMail properties ("Manually specify additional JavaMail properties"), applied on top of the
        settings above. Keys must use the prefix of the transport protocol in use (C(mail.smtp.*) for
        V(none)/V(starttls), C(mail.smtps.*) for V(ssl)); the module warns otherwise.
    type: dict
    default: {}
  microsoft365:
    description:
      - Liferay's Microsoft 365 OAuth2 connector (module C(com.liferay.mail.outlook.auth.connector.provider)). The
        portal gets a client-credentials token for C(https://outlook.office365.com/.default) from Microsoft Entra ID and
        logs in to C(smtp.office365.com) (and C(outlook.office365.com) for POP3S) with XOAUTH2 instead of a password.
      - M(liferay_ops.mail.mail_settings) writes it as the C(.config) file of
        C(com.liferay.mail.outlook.auth.connector.provider.internal.configuration.MailOutlookAuthConnectorCompanyConfiguration)
        into O(liferay_ops.mail.mail_settings#module:osgi_configs_dir) (default C(osgi/configs) in the Liferay home), for
        the instance of O(liferay_ops.mail.mail_settings#module:company_id) or system-wide.
      - M(liferay_ops.mail.mail_check) requests a token the same way and logs in with C(AUTH XOAUTH2).
      - The connector serves SMTP on port 587 with STARTTLS and POP3S only, with the mailbox as user. See the collection's
        Microsoft 365 guide (docs/microsoft365.md) for the app registration and the Exchange Online permission.
    type: dict
    suboptions:
      client_id:
        description: The Application (client) ID of the app registration.
        type: str
        required: true
      client_secret:
        description:
          - The client secret's value (not its ID). Never logged, masked in diffs and results; stored in plain text in
            the C(.config) file, which is created with mode C(0600).
        type: str
        required: true
      tenant_id:
        description: The Directory (tenant) ID, or the tenant's domain (for example C(contoso.onmicrosoft.com)).
        type: str
        required: true
      smtp:
        description: Use the connector for SMTP (C(smtpConnectionEnabled)).
        type: bool
        default: true
      pop:
        description: Use the connector for POP3S (C(pop3ConnectionEnabled)).
        type: bool
        default: false
'''
