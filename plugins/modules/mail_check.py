#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: mail_check
short_description: Check that the SMTP and POP servers of a Liferay mail session work from this host
description:
  - Runs a ladder of checks against the SMTP server and the POP3 server given in the same O(smtp) and O(pop)
    options as M(liferay_ops.mail.mail_settings), and reports every step with its own result and duration.
  - "The ladder, per server: C(dns) (every address) -> C(tcp) (refused, timed out and unreachable told apart)
    -> C(greeting) (SMTP C(220), POP3 C(+OK)) -> C(tls) (implicit TLS for V(ssl), STARTTLS for SMTP V(starttls);
    certificate chain and host name verified, protocol, cipher, subject, SAN, issuer and days to expiry reported)
    -> C(capabilities) (EHLO extensions with AUTH mechanisms and SIZE, POP3 CAPA) -> C(login) (SMTP AUTH, POP3
    USER/PASS) -> optionally C(rcpt) (MAIL FROM/RCPT TO, stopped before DATA) or C(message) (one real message)."
  - With implicit TLS (V(ssl)) the C(tls) step runs before C(greeting), because the greeting arrives inside TLS.
  - When a greeting or handshake does not match the settings, the module looks at what really listens on the port
    (an SMTP or POP3 greeting, a TLS server, or silence) and says so, for example that the POP and SMTP ports
    look swapped, or that a port expects implicit TLS.
  - The SMTP and POP checks run at the same time. Every network operation has a time limit, so a dead or silent
    server fails within O(timeout) per step instead of hanging.
  - Run it on the portal host (for example with C(delegate_to)); that is where Liferay connects from.
  - It never reports a change. Secrets never appear in results, messages or warnings.
  - "O(engine) chooses the client. V(python) uses Python's smtplib/poplib and Python's trust store (or O(ca_path)).
    V(java) runs the ladder in the portal's own JVM with the portal's JavaMail jar, the JVM's trust store
    (C(cacerts), or C(-Djavax.net.ssl.trustStore) from the portal's C(setenv.sh), or O(java_truststore)) and the exact
    JavaMail session properties Liferay builds from O(smtp), O(pop) and O(javamail_properties) (the same mapping the
    backends write, the additional properties applied last). That is how Liferay itself connects, so it finds what
    Python cannot see - a CA the JVM does not trust, a C(mail.smtp.ssl.protocols) the JVM or server refuses, a
    property JavaMail ignores."
  - "The java ladder has the steps C(tcp), C(tls) (built by JavaMail's own socket code with the session's
    C(ssl.*) properties; negotiated protocol, cipher and the chain as the JVM sees it), C(login)
    (C(Transport.connect) as Liferay's MailEngine calls it, C(Store.connect) for POP3), then C(rcpt) or C(message)
    (C(Transport.sendMessage)). Every step is bounded by O(timeout): JavaMail's C(connectiontimeout), C(timeout)
    and C(writetimeout) are added where the portal sets none (reported in RV(java.added_timeouts)), and a watchdog
    in the probe ends a step that outlives it."
  - The JVM gets every input, secrets included, on its standard input; its command line holds paths only. The Java
    source is written to a private temporary directory (mode 0700) that is removed afterwards; Java 11 and newer run
    it as a single source file, Java 8 compiles it with C(javac) first.
author:
  - liferay_ops.mail maintainers (@liferay-ops)
extends_documentation_fragment:
  - liferay_ops.mail.mail_options
attributes:
  action_group:
    description:
      - Use C(group/liferay_ops.mail.mail) in C(module_defaults) to set the mail servers (O(smtp), O(pop),
        O(javamail_properties)) once for this module and M(liferay_ops.mail.mail_settings).
    support: full
    membership:
      - liferay_ops.mail.mail
  check_mode:
    support: full
    description: The checks run as usual; O(test_message) stops before DATA, like O(rcpt_probe), and sends nothing.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
options:
  timeout:
    description:
      - Time limit in seconds for each step of the ladder (DNS, connect, greeting, TLS handshake, ...).
    type: int
    default: 10
  validate_certs:
    description:
      - Verify the server certificate chain and host name with the default TLS policy.
      - V(false) is meant for test servers only; the TLS version and cipher are still reported.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file (or a hashed certificate directory) with the CA certificates that sign the mail servers'
        certificates. Without it, the system trust store is used.
    type: path
  checks:
    description:
      - The steps to run. Each step needs the ones before it, so list every step from V(dns) up to the last one
        wanted; the default runs them all.
      - With O(smtp.security=ssl) or O(pop.security=ssl), listing V(greeting) also runs the TLS handshake.
    type: list
    elements: str
    choices: [dns, tcp, greeting, tls, capabilities, login]
    default: [dns, tcp, greeting, tls, capabilities, login]
  rcpt_probe:
    description:
      - After the SMTP login, send MAIL FROM and RCPT TO, then reset the session without sending anything.
        Proves that the server accepts the sender and the recipient.
      - Needs V(login) in O(checks). Mutually exclusive with O(test_message).
    type: dict
    suboptions:
      from:
        description: Envelope sender, usually the portal's C(admin.email.from.address).
        type: str
        required: true
      to:
        description: Envelope recipient.
        type: str
        required: true
  test_message:
    description:
      - After the SMTP login, send one real message. Opt-in; in check mode it stops before DATA instead.
      - Needs V(login) in O(checks). Mutually exclusive with O(rcpt_probe).
    type: dict
    suboptions:
      from:
        description: Sender address (header and envelope).
        type: str
        required: true
      to:
        description: Recipient address (header and envelope).
        type: str
        required: true
      subject:
        description: Subject of the message.
        type: str
        default: liferay_ops.mail test message
  fail_on_error:
    description:
      - Fail the task when a check fails (with every result in the failure).
      - V(false) returns the results with RV(ok=false) and lets the play go on.
    type: bool
    default: true
  engine:
    description:
      - Which client runs the ladder.
      - V(python) - Python's smtplib/poplib with Python's trust store or O(ca_path).
      - V(java) - the portal's JVM with its JavaMail jar, trust store and session properties; fails when no JVM or
        mail jar is found.
      - V(auto) - V(java) when a JVM and the portal's mail jar are found, else V(python), with RV(engine_note)
        saying why.
      - V(both) - run the two and report where they disagree in RV(disagreements) (for example "Python trusts this
        server through ca_path; the portal's JVM does not"). RV(smtp) and RV(pop3) hold the java results; RV(ok) is
        true only when both engines pass.
    type: str
    choices: [python, java, auto, both]
    default: auto
  java_home:
    description:
      - The JDK or JRE the portal runs on.
      - Default - C(JAVA_HOME) from the portal's C(setenv.sh) (C(tomcat*/bin/setenv.sh) under O(liferay_home)), then
        the C(JAVA_HOME) environment variable, then C(java) on C(PATH).
    type: path
  mail_jar:
    description:
      - The portal's JavaMail jar (C(javax.mail) or C(jakarta.mail)), or a list of jars when the API and its
        implementation are separate. The package the jar holds decides which API the probe is built for.
      - Default - the mail jar of the Tomcat bundle under O(liferay_home), looked for in
        C(tomcat*/webapps/ROOT/WEB-INF/shielded-container-lib), C(tomcat*/webapps/ROOT/WEB-INF/lib),
        C(tomcat*/lib/ext) and C(tomcat*/lib), by name first (C(mail.jar), C(javax.mail*.jar),
        C(jakarta.mail*.jar), C(angus-mail*.jar), ...) and then by content. An activation jar from the same folders
        is added when one is there.
    type: list
    elements: path
  liferay_home:
    description:
      - The Liferay home of the portal on this host (the folder that holds the Tomcat bundle), where the defaults of
        O(java_home), O(mail_jar) and the trust store come from.
      - Default - the C(LIFERAY_HOME) environment variable (set in Liferay's Docker images).
    type: path
  java_truststore:
    description:
      - The trust store the portal's JVM uses (C(-Djavax.net.ssl.trustStore)).
      - Default - C(-Djavax.net.ssl.trustStore) from the portal's C(setenv.sh), else the JVM's own
        (C(lib/security/jssecacerts) or C(cacerts)).
    type: path
  java_truststore_password:
    description:
      - Password of O(java_truststore) (C(-Djavax.net.ssl.trustStorePassword)); default the one in C(setenv.sh), if
        any. A JKS trust store can be read without it; a PKCS12 store made by keytool cannot.
    type: str
  java_truststore_type:
    description:
      - Type of the trust store (C(PKCS12), C(JKS)); default C(-Djavax.net.ssl.trustStoreType) from C(setenv.sh),
        else the JVM's default type.
    type: str
  token_url:
    description:
      - With O(microsoft365), the OAuth2 token endpoint the C(login) step asks for a client-credentials token
        (scope C(https://outlook.office365.com/.default)) before it logs in with C(AUTH XOAUTH2).
      - Default C(https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token). Sovereign clouds use another
        authority (for example C(login.microsoftonline.us)); tests point it at a local endpoint.
      - A failed token request fails the C(login) step with the HTTP status and Microsoft's C(error) and
        C(error_description); a refused XOAUTH2 login shows the server's reply.
    type: str
notes:
  - With O(microsoft365), O(engine=auto) runs the python engine (RV(engine_note) says so) and O(engine=java) or
    O(engine=both) fail; the java engine does not request tokens.
  - O(pop.notifications) is accepted so that one set of options can be passed to both modules; the checks do not use
    it. O(javamail_properties) is used by the java engine only.
  - "Where Liferay Tomcat bundles keep the mail jar: 7.4 (GA3 and later, DXP 7.4 updates and 2023.Q3 to 2025.Q3)
    moved the portal's global libraries from C(tomcat-*/lib/ext) to C(tomcat-*/webapps/ROOT/WEB-INF/shielded-container-lib);
    older 7.x bundles keep them in C(tomcat-*/lib/ext). Jakarta releases (DXP 2025.Q3+/Portal 2026.Q1+) use
    C(jakarta.mail). When a bundle keeps it elsewhere, give O(mail_jar)."
  - The java engine needs a JVM on the managed node; it does not install one.
  - Python's smtplib and poplib do not verify certificates unless told to; this module always passes a verifying
    context unless O(validate_certs=false).
seealso:
  - module: liferay_ops.mail.mail_settings
'''

EXAMPLES = r'''
- name: Log in to Microsoft 365 with XOAUTH2 as Liferay's connector does
  liferay_ops.mail.mail_check:
    smtp:
      host: smtp.office365.com
      port: 587
      security: starttls
      user: portal@contoso.com
    microsoft365:
      client_id: "{{ m365_client_id }}"
      client_secret: "{{ vault_m365_client_secret }}"
      tenant_id: contoso.onmicrosoft.com

- name: Check the mail servers from the portal host
  liferay_ops.mail.mail_check:
    smtp:
      host: smtp.example.com
      port: 587
      security: starttls
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
    pop:
      host: pop.example.com
      security: ssl
      user: portal@example.com
      password: "{{ vault_pop_password }}"
    timeout: 5
  delegate_to: "{{ groups['liferay'][0] }}"

- name: Only check that the SMTP port is reachable and greets, without logging in
  liferay_ops.mail.mail_check:
    smtp:
      host: smtp.example.com
    checks: [dns, tcp, greeting]

- name: Check that the relay accepts the portal's sender, then report instead of failing
  liferay_ops.mail.mail_check:
    smtp:
      host: smtp.example.com
      security: ssl
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
    ca_path: /etc/pki/corp-ca.pem
    rcpt_probe:
      from: noreply@example.com
      to: postmaster@example.com
    fail_on_error: false
  register: mail_check

- name: Check from the portal's own JVM, with its JavaMail, trust store and setenv.sh options
  liferay_ops.mail.mail_check:
    engine: java
    liferay_home: /opt/liferay
    smtp:
      host: smtp.example.com
      security: starttls
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
    javamail_properties:
      mail.smtp.ssl.protocols: TLSv1.2 TLSv1.3

- name: Compare Python's view with the JVM's (a CA that Python trusts through ca_path but the JVM does not)
  liferay_ops.mail.mail_check:
    engine: both
    liferay_home: /opt/liferay
    java_truststore: /opt/liferay/tomcat/conf/truststore.p12
    java_truststore_password: "{{ vault_truststore_password }}"
    java_truststore_type: PKCS12
    ca_path: /etc/pki/corp-ca.pem
    smtp:
      host: smtp.example.com
      security: ssl
    fail_on_error: false
  register: engines

# Check what the portal actually has, not what the playbook meant: read the effective settings (every layer,
# precedence applied), then hand them to mail_check. Secrets come back masked, so the passwords still come from
# the vault; values saved only through the Control Panel are not visible to mail_settings_info.
- name: Read the mail settings the portal uses
  liferay_ops.mail.mail_settings_info:
    liferay_home: /opt/liferay
  register: portal_mail

- name: Check the servers the portal is configured for, from its own JVM
  vars:
    effective: "{{ portal_mail.effective }}"
  liferay_ops.mail.mail_check:
    engine: auto
    liferay_home: /opt/liferay
    smtp:
      host: "{{ effective['mail.session.mail.smtp.host'].value }}"
      port: "{{ effective['mail.session.mail.smtp.port'].value | int }}"
      security: >-
        {{ 'ssl' if effective['mail.session.mail.transport.protocol'].value == 'smtps'
           else ('starttls' if effective['mail.session.mail.smtp.starttls.enable'].value == 'true' else 'none') }}
      user: "{{ effective['mail.session.mail.smtp.user'].value or omit }}"
      password: "{{ vault_smtp_password if effective['mail.session.mail.smtp.user'].value else omit }}"
    javamail_properties: >-
      {{ dict(effective['mail.session.mail.advanced.properties'].value | default('', true)
              | regex_findall('(?m)^\s*([^#!=:\s]+)\s*[=:]\s*(.*)$')) }}
  delegate_to: "{{ groups['liferay'][0] }}"

- name: Send one real test message
  liferay_ops.mail.mail_check:
    smtp:
      host: smtp.example.com
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
    test_message:
      from: noreply@example.com
      to: ops@example.com
      subject: Liferay mail check
'''

RETURN = r'''
ok:
  description: Whether every check of every configured server passed.
  returned: always
  type: bool
  sample: true
elapsed_ms:
  description: Wall-clock time of all checks in milliseconds (SMTP and POP run at the same time).
  returned: always
  type: int
  sample: 84
msg:
  description: A summary; on failure it names the server and the first step that failed.
  returned: always
  type: str
  sample: "smtp failed at tls: smtp 127.0.0.1:2525: STARTTLS required (smtp.security: starttls) but the server does not offer it"
smtp:
  description: The SMTP results; V(null) when O(smtp) is not given.
  returned: always
  type: dict
  contains:
    ok:
      description: Whether every step passed.
      type: bool
    host:
      description: The server checked.
      type: str
    port:
      description: The port checked.
      type: int
    security:
      description: The security mode checked.
      type: str
    failed_step:
      description: Name of the step that failed, or V(null).
      type: str
    msg:
      description: What failed and how to fix it, or a summary when everything passed.
      type: str
    elapsed_ms:
      description: Time spent on this server in milliseconds.
      type: int
    steps:
      description:
        - The steps that ran, in order. Each has C(name), C(ok), C(ms) and C(detail); C(skipped) when a step
          did not apply (for example no TLS with V(none), or no login without a user).
        - Step facts - C(dns) has C(addresses); C(tcp) has C(attempts) (per address C(connected), C(refused),
          C(timeout) or C(unreachable)); C(greeting) has C(banner); C(tls) has C(tls) with C(version), C(cipher),
          C(verified), C(subject), C(san), C(issuer), C(not_after), C(days_left); C(capabilities) has
          C(extensions) or C(capabilities), C(auth_mechanisms), C(size_limit); C(login) has C(user) (and
          C(messages) for POP); C(message) has C(message_id).
      type: list
      elements: dict
      sample:
        - {name: dns, ok: true, ms: 1, detail: "smtp.example.com resolves to 192.0.2.10", addresses: [192.0.2.10]}
        - {name: tcp, ok: true, ms: 12, detail: "connected to 192.0.2.10 port 587"}
pop3:
  description:
    - The POP3 results, shaped like RV(smtp); V(null) when O(pop) is not given.
    - Named C(pop3), not C(pop), so that C(result.pop3) works in Jinja (C(pop) is a dict method).
  returned: always
  type: dict
engine:
  description:
    - The engine whose results RV(smtp) and RV(pop3) hold - V(python), V(java) or V(both).
    - Java steps have C(java_exception) (the JavaMail/JSSE exception chain, secrets masked) when they fail, and
      C(untrusted_chain) (subject, issuer, validity, SHA-256 of every certificate the JVM refused) after a PKIX failure.
  returned: always
  type: str
  sample: java
microsoft365:
  description: What the token request of O(microsoft365) gave - C(token_url), HTTP C(status), and C(token_type) and
    C(expires_in) or Microsoft's C(error) and C(error_description). The token itself is never returned.
  returned: when O(microsoft365) is given and the login step ran
  type: dict
  sample: {token_url: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", status: 200,
           token_type: Bearer, expires_in: 3599}
engine_note:
  description: Why O(engine=auto) ran the python engine (no JVM, no mail jar, O(microsoft365) given, ...).
  returned: when O(engine=auto) fell back to python
  type: str
  sample: "python engine: the portal's JVM cannot run the check here: no javax.mail or jakarta.mail jar under /opt/liferay"
java:
  description: What the java engine used.
  returned: when the java engine ran
  type: dict
  contains:
    java_home:
      description: The JVM, and in C(java_home_source) where it was found.
      type: str
    version:
      description: The JVM's version (C(major) holds its major number; C(launch) says whether it ran as a source file or compiled with javac).
      type: str
    mail_api:
      description: C(javax.mail) or C(jakarta.mail).
      type: str
    mail_jars:
      description: The jars on the probe's class path; C(mail_version) is JavaMail's implementation version.
      type: list
      elements: str
    trust_store:
      description: The trust store the JVM used, with C(trust_store_type) and C(trust_store_source) (C(jvm) or C(javax.net.ssl.trustStore)).
      type: str
    setenv:
      description: The C(setenv.sh) read, and in C(system_properties) the TLS options taken from it (passwords masked).
      type: str
    session_properties:
      description: The JavaMail session properties the probe used, as the portal builds them, passwords masked.
      type: dict
    added_timeouts:
      description: Timeout properties the portal does not set and the probe added (the portal itself would wait forever).
      type: list
      elements: str
    wall_ms:
      description: Wall time of the JVM run, start-up included, in milliseconds.
      type: int
engines:
  description: With O(engine=both), the results of each engine (C(python) and C(java), each with C(smtp) and C(pop3)).
  returned: when O(engine=both)
  type: dict
disagreements:
  description: With O(engine=both), one sentence per server where the two engines disagree.
  returned: when O(engine=both)
  type: list
  elements: str
  sample: ["smtp: Python trusts this server through ca_path /etc/pki/corp-ca.pem; the portal's JVM does not"]
'''

import threading
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.base import (
    LADDER,
    Redactor,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.java import (
    JavaEngine,
    JavaUnavailable,
    compare,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.oauth import TokenSource, xoauth2_forms
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.runner import (
    PROBES,
    run_concurrently,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    MailSettings,
    SettingsError,
    mail_argument_spec,
)


def argument_spec():
    spec = mail_argument_spec()
    spec.update(
        timeout=dict(type='int', default=10),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        checks=dict(type='list', elements='str', choices=list(LADDER), default=list(LADDER)),
        rcpt_probe=dict(type='dict', options={
            'from': dict(type='str', required=True),
            'to': dict(type='str', required=True),
        }),
        test_message=dict(type='dict', options={
            'from': dict(type='str', required=True),
            'to': dict(type='str', required=True),
            'subject': dict(type='str', default='liferay_ops.mail test message'),
        }),
        fail_on_error=dict(type='bool', default=True),
        engine=dict(type='str', choices=['python', 'java', 'auto', 'both'], default='auto'),
        java_home=dict(type='path'),
        mail_jar=dict(type='list', elements='path'),
        liferay_home=dict(type='path'),
        java_truststore=dict(type='path'),
        java_truststore_password=dict(type='str', no_log=True),
        java_truststore_type=dict(type='str'),
        token_url=dict(type='str', no_log=False),
    )
    return spec


def last_step(checks):
    """The last step of a valid ``checks`` list; raises SettingsError when a needed step is missing."""
    if not checks:
        raise SettingsError('checks', 'is empty: list the steps to run, e.g. [dns, tcp, greeting]')
    last = max(LADDER.index(name) for name in checks)
    missing = [name for name in LADDER[:last] if name not in checks]
    if missing:
        raise SettingsError('checks', '%s needs %s, which %s not listed: list every step up to the last one, e.g. [%s]'
                            % (LADDER[last], ', '.join(missing), 'is' if len(missing) == 1 else 'are',
                               ', '.join(LADDER[:last + 1])))
    return LADDER[last]


def summary(results):
    failures = ['%s failed at %s: %s' % (kind, result['failed_step'], result['msg'])
                for kind, result in results if result is not None and not result['ok']]
    if failures:
        return '; '.join(failures)
    return 'all checks passed (%s)' % ', '.join(kind for kind, result in results if result is not None)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[('smtp', 'pop')],
        mutually_exclusive=[('rcpt_probe', 'test_message')],
    )
    params = module.params
    try:
        settings = MailSettings.from_params(params)
        last = last_step(params['checks'])
        if (params['rcpt_probe'] or params['test_message']) and last != 'login':
            raise SettingsError('rcpt_probe' if params['rcpt_probe'] else 'test_message',
                                'needs login in checks: the message probe comes after the SMTP login')
        if params['timeout'] <= 0:
            raise SettingsError('timeout', 'must be a positive number of seconds')
    except SettingsError as exc:
        module.fail_json(msg=str(exc), option=exc.option)

    rcpt_probe, test_message = params['rcpt_probe'], params['test_message']
    if test_message and module.check_mode:
        # sending is a side effect: in check mode prove the envelope only
        rcpt_probe, test_message = dict(test_message), None

    engine = params['engine']
    java = None
    engine_note = None
    connector = settings.microsoft365
    if connector is not None and engine in ('java', 'both'):
        module.fail_json(msg='engine %s: the java engine does not check the Microsoft 365 XOAUTH2 login; use engine '
                         'python or auto (which runs python for microsoft365)' % engine, option='engine', ok=False)
    if connector is not None and engine == 'auto':
        engine = 'python'
        engine_note = ('python engine: microsoft365 is given, and only the python engine requests the OAuth2 token '
                       'and logs in with XOAUTH2')
    if engine != 'python':
        java = JavaEngine(lambda args, data=None, cwd=None: module.run_command(args, data=data, cwd=cwd,
                                                                               binary_data=True),
                          java_home=params['java_home'], mail_jar=params['mail_jar'],
                          liferay_home=params['liferay_home'], truststore=params['java_truststore'],
                          truststore_password=params['java_truststore_password'],
                          truststore_type=params['java_truststore_type'])
        try:
            java.prepare()
        except JavaUnavailable as exc:
            if engine != 'auto':
                module.fail_json(msg='engine %s: %s' % (engine, exc), option='engine', ok=False)
            engine_note = 'python engine: the portal\'s JVM cannot run the check here: %s' % exc
            java = None

    servers = [(kind, server) for kind, server in (('smtp', settings.smtp), ('pop', settings.pop)) if server is not None]
    credentials = [(server['user'], server['password']) for _kind, server in servers]
    credentials += [(None, secret) for secret in (java.secrets() if java else ())]
    credentials += [(None, params['java_truststore_password'])] if params['java_truststore_password'] else []
    credentials += [(None, connector['client_secret'])] if connector else []
    redactor = Redactor(credentials)
    oauth = None
    if connector is not None:
        users = [server['user'] for _kind, server in servers]
        oauth = TokenSource(connector, token_url=params['token_url'], timeout=params['timeout'],
                            validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                            on_token=lambda token: redactor.add([form for user in users
                                                                 for form in xoauth2_forms(user, token)]))

    def python_ladder():
        probes = [PROBES[kind](server, timeout=params['timeout'], validate_certs=params['validate_certs'],
                               ca_path=params['ca_path'], last_step=last, rcpt_probe=rcpt_probe,
                               test_message=test_message, redactor=redactor,
                               oauth=oauth if connector and connector[kind] else None)
                  for kind, server in servers]
        # every step is bounded by the timeout; the join limit only guards against a bug
        finished = run_concurrently(probes, timeout=params['timeout'] * (len(LADDER) + 2) + 5)
        warnings = [warning for probe in probes for warning in probe.warnings]
        return dict((probe.kind, result) for probe, result in zip(probes, finished)), warnings

    java_outcome = {}

    def java_ladder():
        try:
            java_outcome['results'], java_outcome['facts'] = java.run(
                settings, servers, params['timeout'], last, redactor, ca_path=params['ca_path'],
                rcpt_probe=rcpt_probe, test_message=test_message)
        except JavaUnavailable as exc:
            java_outcome['error'] = redactor(str(exc))
        except Exception as exc:  # a bug must not hide the python result; reported in our words
            java_outcome['error'] = 'the java engine crashed: %s' % type(exc).__name__

    started = time.monotonic()
    python_results, python_warnings = {}, []
    if java is not None and engine == 'both':
        worker = threading.Thread(target=java_ladder)
        worker.daemon = True
        worker.start()
        python_results, python_warnings = python_ladder()
        worker.join()
    elif java is not None:
        java_ladder()
        if 'error' in java_outcome and engine == 'auto':
            engine_note = 'python engine: the java engine could not run: %s' % java_outcome['error']
            java = None
            python_results, python_warnings = python_ladder()
    else:
        python_results, python_warnings = python_ladder()

    if java is not None and 'error' in java_outcome:
        module.fail_json(msg='engine %s: %s' % (engine, java_outcome['error']), ok=False, changed=False,
                         java=java.facts())

    for warning in settings.warnings():
        module.warn(redactor(warning))
    if connector is not None:
        errors, warnings = settings.microsoft365_problems()
        for option, reason in errors:
            module.warn(redactor('Liferay\'s Microsoft 365 connector would not serve these settings: %s: %s'
                                 % (option, reason)))
        for warning in warnings:
            module.warn(redactor(warning))
    for warning in python_warnings:
        module.warn(redactor(warning))
    for note in (java.notes if java is not None else ()):
        module.warn(redactor(note))

    by_kind = java_outcome['results'] if java is not None else python_results
    results = [('smtp', by_kind.get('smtp')), ('pop', by_kind.get('pop'))]
    ok = all(result['ok'] for kind, result in results if result is not None)
    msg = summary(results)
    output = dict(
        changed=False,
        engine='java' if java is not None else 'python',
        smtp=by_kind.get('smtp'),
        pop3=by_kind.get('pop'),
    )
    if engine_note:
        output['engine_note'] = redactor(engine_note)
    if oauth is not None:
        output['microsoft365'] = dict((key, redactor(value) if isinstance(value, str) else value)
                                      for key, value in oauth.facts.items())
    if java is not None:
        output['java'] = java_outcome['facts']
    if java is not None and engine == 'both':
        output['engine'] = 'both'
        output['engines'] = dict(
            python=dict(smtp=python_results.get('smtp'), pop3=python_results.get('pop')),
            java=dict(smtp=by_kind.get('smtp'), pop3=by_kind.get('pop')),
        )
        disagreements = compare(python_results, by_kind, params['ca_path'], params['validate_certs'])
        output['disagreements'] = [redactor(sentence) for sentence in disagreements]
        ok = ok and all(result['ok'] for result in python_results.values())
        if disagreements:
            msg = 'the engines disagree: %s; java: %s' % ('; '.join(disagreements), msg)
        elif not ok:
            msg = 'java: %s; python: %s' % (msg, summary([('smtp', python_results.get('smtp')),
                                                          ('pop', python_results.get('pop'))]))
    output.update(ok=ok, elapsed_ms=int((time.monotonic() - started) * 1000), msg=redactor(msg))
    if not ok and params['fail_on_error']:
        module.fail_json(**output)
    module.exit_json(**output)


if __name__ == '__main__':
    main()
