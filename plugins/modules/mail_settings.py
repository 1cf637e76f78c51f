#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

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
  - O(backend=api) stores the settings as preferences of one portal instance through Liferay's JSON web
    services (C(/company/update-preferences)). They live in the database, so one call reaches every cluster
    node, and they win over C(portal-ext.properties) and an earlier Control Panel save for that instance.
    Liferay 7.4 caches the mail session and that call does not clear it, so a change reports
    RV(restart_required=true). JSON web services cannot read preferences back, so idempotence comes from a
    salted, slow fingerprint of what was last applied, kept in O(state_file); no secret is stored there.
  - O(backend=osgi_config) writes the OSGi configuration C(com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration)
    that Liferay DXP 2025.Q4+ / Portal 2026 reads instead of the properties and preferences, as a C(.config) file in
    O(osgi_configs_dir). With O(company_web_id) or O(company_id) it writes the instance's factory configuration
    C(<PID>.scoped~<web id>.config) holding C(companyId); without them the system-wide C(<PID>.config). An instance
    that already has a scoped file keeps it (with several, the most recently updated one, which Liferay uses).
    The portal applies a written file within seconds, so RV(restart_required=false); deleting a scoped file with
    O(state=absent) needs a restart. Values are escaped as Liferay writes them, and a value Liferay would read back
    differently is refused. Values are compared by meaning, not by bytes; attributes the module does not manage
    are kept; RV(settings) and the diff use the attribute names.
  - O(backend=env_file) writes the same keys as C(LIFERAY_*) environment variables into a Docker env file
    (C(docker run --env-file), Compose C(env_file) in its raw format, C(kubectl create secret --from-env-file))
    for Liferay's official Docker images. Names are encoded the way Liferay decodes them; values are encoded so that
    the portal's comma splitting gives them back unchanged. Only managed variables change; every other line stays
    byte for byte. A container reads its environment when it is created, so a change reports
    RV(restart_required=true), meaning the container must be re-created (a plain C(docker restart) is not enough).
  - O(backend=client_extension) writes the same attributes as O(backend=osgi_config) into an C(instanceSettings) entry
    (O(client_extension_id)) of a Liferay workspace's C(client-extension.yaml) (O(client_extension_file)), the
    configuration-as-code path of Liferay SaaS. Only that entry's managed keys change; every other entry, key, comment
    and line stays byte for byte, and a file the module cannot edit safely is refused. It takes effect when the client
    extension is deployed (RV(deploy_required)). A password is written only with O(client_extension_secrets=inline).
  - Settings saved in the Control Panel are stored in the portal's database and win over
    C(portal-ext.properties); use M(liferay_ops.mail.mail_settings_info) to find out which layer wins.
author:
  - liferay_ops.mail maintainers (@liferay-ops)
extends_documentation_fragment:
  - liferay_ops.mail.mail_options
  - liferay_ops.mail.portal_connection
  - ansible.builtin.files
attributes:
  action_group:
    description:
      - Use C(group/liferay_ops.mail.liferay) in C(module_defaults) to set the portal connection once for this module
        and M(liferay_ops.mail.mail_settings_info).
      - Use C(group/liferay_ops.mail.mail) to set the mail servers (O(smtp), O(pop), O(javamail_properties)) once for
        this module and M(liferay_ops.mail.mail_check).
    support: full
    membership:
      - liferay_ops.mail.liferay
      - liferay_ops.mail.mail
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
      - V(api) stores them as preferences of one portal instance through the JSON web services (Liferay 7.4).
      - V(osgi_config) writes the OSGi C(.config) file of the mail settings (Liferay DXP 2025.Q4+ / Portal 2026).
      - V(env_file) writes C(LIFERAY_*) variables into the Docker env file O(env_file) (Liferay Docker images up to
        2025.Q3, which read mail settings from portal properties).
      - V(client_extension) writes an C(instanceSettings) client extension into O(client_extension_file) (Liferay SaaS).
    type: str
    choices: [properties, api, osgi_config, env_file, client_extension]
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
        With O(backend=api) this means a password the module has set before is not sent again.
      - With V(on_create) a stored password stays with its server. When O(smtp.host), O(smtp.port),
        O(smtp.security) or O(smtp.user) change (the same for O(pop)), the given password is written as with
        V(always) and a warning says so; without one the module fails before writing anything, naming the option
        (a stored password never goes to another server). The same holds for O(microsoft365.client_secret) when
        O(microsoft365.tenant_id) or O(microsoft365.client_id) change.
      - With V(on_create) the passwords may be left out while the same server keeps the ones stored.
    type: str
    choices: [always, on_create]
    default: always
  path:
    description:
      - O(backend=properties) only. The properties file to edit. A symbolic link is followed and its target edited.
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
  env_file:
    description:
      - O(backend=env_file) only. The Docker env file to write (C(NAME=value) lines), created when missing.
        A symbolic link is followed and its target edited.
      - A new file is created with mode C(0600) unless O(mode) says otherwise, since it holds passwords.
      - A Docker env file cannot hold a line break, so at most one entry fits in O(javamail_properties); more make the
        module fail. A value with a comma that starts or ends with whitespace is refused too, because Liferay splits
        environment values at commas and trims the pieces.
    type: path
  client_extension_file:
    description:
      - O(backend=client_extension) only. The C(client-extension.yaml) to write, or the client extension's directory
        (then C(client-extension.yaml) in it). Created when missing; its directory must exist. A symbolic link is followed.
      - A new file is created with mode C(0600) unless O(mode) says otherwise.
      - The module edits one entry and refuses a file it cannot edit with certainty (flow style, anchors, aliases, tags,
        a managed key written over several lines, tabs in indentation, document markers, a key defined twice), naming the
        line; nothing is written then.
    type: path
  client_extension_id:
    description:
      - O(backend=client_extension) only. The key of the C(instanceSettings) entry (the client extension's ID), lower-case
        letters, digits, C(.), C(_) and C(-). An entry of that ID with another type or PID makes the module fail.
    type: str
    default: mail-instance-settings
  client_extension_secrets:
    description:
      - O(backend=client_extension) only. What to do with O(smtp.password), O(pop.password) and password lines of
        O(javamail_properties), which would sit in plain text in a file meant for a Git repository.
      - V(refuse) makes the module fail before writing anything when one is given.
      - V(inline) writes them (masked in the diff and results, file mode C(0600), a warning). Use it only where the file
        is rendered from a vault in the pipeline that deploys the client extension and never committed.
    type: str
    choices: [refuse, inline]
    default: refuse
  state_file:
    description:
      - O(backend=api) only. JSON file on the node that runs the module holding, per portal and instance, a salted
        PBKDF2 fingerprint of the settings last applied and their non-secret values (for the diff). It never holds
        a secret. Created with mode C(0600) in a C(0700) directory.
      - Defaults to C(~/.ansible/liferay_ops.mail/api-fingerprints.json) of the user running the module.
      - Losing the file only costs one more write; the next run re-applies and records again.
    type: path
  osgi_configs_dir:
    description:
      - O(backend=osgi_config), and O(microsoft365) with every file backend. The directory Liferay reads C(.config) files
        from.
      - With O(microsoft365) and O(backend=properties) without O(liferay_home), C(osgi/configs) beside O(path) is used
        when that directory holds an C(osgi) folder.
      - Defaults to C(osgi/configs) in O(liferay_home). Created when missing if its parent exists.
      - A new file is created with mode C(0600) unless O(mode) says otherwise, since Liferay keeps the passwords
        in plain text there. An existing file keeps its mode; a warning says when others may read a stored password.
      - The scoped file for an instance is found by its C(companyId) whatever its name (for example one written by
        an Instance Settings export); a new one is named after O(company_web_id) (or O(company_id)).
      - Without O(company_id), the company ID comes from an existing file named after O(company_web_id), else it is
        looked up once through the JSON web services, which needs O(portal_url), O(api_user) and O(api_password).
    type: path
  liferay_version:
    description:
      - O(backend=osgi_config) only. The Liferay generation of the target.
      - V(2025.q4) stands for Liferay DXP 2025.Q4 and later and Liferay Portal 2026, which read mail settings from
        the OSGi configuration. V(7.4) makes the module fail without writing anything, since 7.4 ignores these files.
      - When not given, V(2025.q4) is detected from an existing mail settings C(.config) file in O(osgi_configs_dir)
        or a C(com.liferay.mail.settings.api) module jar under C(<liferay_home>/osgi/); if neither is found the
        module fails and asks for this option.
    type: str
    choices: ['7.4', '2025.q4']
  force:
    description:
      - O(backend=api) only. Send the settings even when the fingerprint says they are unchanged, for example after
        the preferences were edited in the Control Panel.
    type: bool
    default: false
  sender:
    description:
      - The default e-mail sender of the portal, C(admin.email.from.name) and C(admin.email.from.address)
        (Instance Settings > Email > Email Sender). Written with the mail settings, or alone without O(smtp).
      - O(backend=properties) and O(backend=env_file) set the system default (portal property / C(LIFERAY_*) variable);
        O(backend=api) sets the instance's company preferences, which win over both. O(backend=osgi_config) refuses it, as
        the 2025.Q4 OSGi mail configuration has no sender; Liferay still reads C(admin.email.from.*) there.
      - Only when given are the two keys managed; with O(state=absent) they are removed too.
    type: dict
    suboptions:
      name:
        description: The sender's display name (C(admin.email.from.name)). Left as it is when not given.
        type: str
      address:
        description: The sender's address (C(admin.email.from.address)), checked the way Liferay's
          C(Validator.isEmailAddress) checks it. Keep it off the send blacklist.
        type: str
        required: true
  jndi_name:
    description:
      - The JNDI name of a C(javax.mail.Session) the application server provides, for example C(mail/MailSession).
      - O(backend=properties) and O(backend=env_file) write C(mail.session.jndi.name) (Liferay 7.4; read at start-up).
        Without O(smtp) they also write C(mail.session.mail=false), so Liferay uses that session as it is.
      - O(backend=api) refuses it (company preferences cannot hold it). O(backend=osgi_config) with O(scope=system)
        writes the JNDI attribute of C(MailSettingSystemConfiguration) (C(jndiName), C(mailSessionJndiName) in earlier
        2025 builds; see O(system_config_shape)); with O(scope=instance) it refuses it, as that configuration has
        system scope only.
    type: str
  override_jndi_session:
    description:
      - Write O(smtp)/O(pop) beside O(jndi_name) anyway. With C(mail.session.mail=true) Liferay 7.4 writes the host,
        port, user, password, protocols, auth and STARTTLS keys into the Properties of the application server's
        session and builds a new session from them, so the server's own values for those keys are lost. Without
        this option the module refuses the combination.
    type: bool
    default: false
  company_web_id:
    description:
      - Web ID of the portal instance (virtual instance) to configure, as shown in Control Panel > Virtual Instances.
        Looked up with C(/company/get-company-by-web-id).
      - When neither O(company_web_id) nor O(company_id) is given, the default instance V(liferay.com) is used
        (O(backend=api)), or the system-wide configuration (O(backend=osgi_config)).
      - O(backend=api) also takes a list of web IDs, or V(all) for every instance the portal lists
        (C(/company/get-companies)). The same settings are applied to each in one task, with one fingerprint per
        instance; RV(instances) has the result of each. The other backends take one web ID.
      - Mutually exclusive with O(company_id).
    type: raw
  scope:
    description:
      - O(backend=osgi_config) only. V(instance) writes the instance's scoped C(MailSettingCompanyConfiguration) and
        needs O(company_id) or O(company_web_id); V(system) writes the system-wide C(MailSettingCompanyConfiguration.config)
        and, when one of O(jndi_name), O(send_blacklist), O(batch_size), O(throws_exception_on_failure),
        O(audit_trail) or O(pop_server_subdomain) is given, C(MailSettingSystemConfiguration.config) in the same task.
      - Default V(instance) when O(company_id) or O(company_web_id) is given, else V(system).
    type: str
    choices: [instance, system]
  send_blacklist:
    description:
      - O(backend=osgi_config), O(scope=system). Addresses Liferay never sends to or from (C(sendBlacklist), String[]).
        Liferay compares them exactly (case matters) and drops a whole mail whose sender is listed.
      - Replaces the list; V([]) empties it. Liferay's default lists C(noreply@liferay.com), C(test@liferay.com),
        C(noreply@domain.invalid) and C(test@domain.invalid).
    type: list
    elements: str
  batch_size:
    description:
      - O(backend=osgi_config), O(scope=system). Recipients per SMTP transaction (C(batchSize)); V(0) sends to every
        recipient at once.
    type: int
  throws_exception_on_failure:
    description:
      - O(backend=osgi_config), O(scope=system). Whether a failed send raises an error in the sending code
        (C(throwsExceptionOnFailure)) instead of being logged only.
    type: bool
  audit_trail:
    description:
      - O(backend=osgi_config), O(scope=system). Addresses that receive a blind copy of every mail (C(auditTrail)).
    type: list
    elements: str
  pop_server_subdomain:
    description:
      - O(backend=osgi_config), O(scope=system). The subdomain of the reply addresses Liferay generates for POP
        notifications (C(popServerSubdomain), default C(events)).
    type: str
  system_config_shape:
    description:
      - O(backend=osgi_config), O(scope=system). Which attribute names the portal's C(MailSettingSystemConfiguration)
        uses, as they changed between 2025 builds - V(current) (C(jndiName), C(sendBlacklist), C(batchSize), ...),
        V(mail_prefixed) (C(mailSessionJndiName), C(mailSendBlacklist), ...) or V(first) (C(mail*) names without a JNDI
        attribute).
      - When not given, the shape an existing C(MailSettingSystemConfiguration.config) uses, else V(current).
        The module fails when the file uses another shape than the one given.
    type: str
    choices: [current, mail_prefixed, first]
notes:
  - Liferay reads C(portal-ext.properties) at start-up only; restart the portal when RV(restart_required) is true.
  - With O(backend=osgi_config), leaving out O(company_web_id) and O(company_id) targets the system-wide
    configuration (the default of every instance), not the default instance. An instance's scoped configuration
    is used as a whole, so it wins over the system-wide one even for attributes it does not set.
  - With O(backend=osgi_config), O(state=absent) removes the managed attributes; the file is deleted when nothing
    else is left in it.
  - "O(microsoft365): every file backend also writes the C(.config) of Liferay's Microsoft 365 connector
    (C(MailOutlookAuthConnectorCompanyConfiguration)) into O(osgi_configs_dir): C(<PID>.scoped~<company id>.config)
    with C(companyId) for O(company_id) (or the instance O(backend=osgi_config) resolved), else the system-wide
    C(<PID>.config). It is compared, masked, backed up and removed (O(state=absent)) like the main file, created with
    mode C(0600), and applies without a restart. O(backend=api) refuses it: Liferay 7.4 has no JSON web service for
    OSGi configurations; use a file backend on every node or Instance Settings > Email."
  - "O(microsoft365) needs O(smtp.host=smtp.office365.com) (a warning otherwise: the connector's token provider serves
    only that host and C(outlook.office365.com)), O(smtp.port=587) with O(smtp.security=starttls), the mailbox as
    O(smtp.user) and no O(smtp.password); POP needs O(pop.security=ssl). Which releases ship the connector is in the
    collection's Microsoft 365 guide."
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

- name: Store the settings in the portal's database for one instance (Liferay 7.4, whole cluster)
  liferay_ops.mail.mail_settings:
    backend: api
    portal_url: https://portal.example.com
    api_user: admin@example.com
    api_password: "{{ vault_api_password }}"
    company_web_id: example.com
    smtp:
      host: smtp.example.com
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
  run_once: true

- name: Configure one instance of a DXP 2025.Q4 portal through its OSGi configuration (applies live)
  liferay_ops.mail.mail_settings:
    backend: osgi_config
    liferay_home: /opt/liferay
    liferay_version: '2025.q4'
    company_id: 20097
    smtp:
      host: smtp.example.com
      port: 587
      user: portal@example.com
      password: "{{ vault_smtp_password }}"

- name: Mail settings for a Liferay container, as an env file for docker run --env-file or Compose
  liferay_ops.mail.mail_settings:
    backend: env_file
    env_file: /srv/liferay/liferay-mail.env
    smtp:
      host: smtp.example.com
      port: 587
      user: portal@example.com
      password: "{{ vault_smtp_password }}"
  register: mail_env
  # A container reads its environment when it is created: re-create it (docker compose up -d) on a change.
  notify: Recreate the Liferay container

- name: Liferay SaaS - the mail settings as an instanceSettings client extension of a workspace
  liferay_ops.mail.mail_settings:
    backend: client_extension
    client_extension_file: "{{ workspace }}/client-extensions/acme-mail-instance-settings"
    client_extension_id: acme-mail-instance-settings
    smtp:
      host: smtp-relay.example.com
      port: 587
      security: starttls
  delegate_to: localhost

- name: Send through Microsoft 365 with Liferay's OAuth2 connector (no SMTP password)
  liferay_ops.mail.mail_settings:
    liferay_home: /opt/liferay
    company_id: 20097
    smtp:
      host: smtp.office365.com
      port: 587
      security: starttls
      user: portal@contoso.com
    microsoft365:
      client_id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
      client_secret: "{{ vault_m365_client_secret }}"
      tenant_id: contoso.onmicrosoft.com

- name: Remove every mail key this module manages
  liferay_ops.mail.mail_settings:
    liferay_home: /opt/liferay
    state: absent
'''

RETURN = r'''
settings:
  description:
    - The managed keys as written, secrets masked.
    - With O(backend=osgi_config), the attributes of C(MailSettingCompanyConfiguration) instead
      (for example C(outgoingSMTPServer)), plus C(companyId) for an instance-scoped file.
  returned: success
  type: dict
  sample:
    mail.session.mail: 'true'
    mail.session.mail.smtp.host: smtp.example.com
    mail.session.mail.smtp.password: '********'
restart_required:
  description:
    - Whether the portal must be restarted for the change to take effect.
    - With O(backend=api) every change needs it. Removing a O(javamail_properties) key needs a restart even after
      a Control Panel save, because Liferay 7.4 keeps one shared JavaMail C(Properties) object and never removes a
      key from it; the module warns when that happens.
  returned: always
  type: bool
company_id:
  description:
    - The company ID of the instance written to.
    - With O(backend=osgi_config), null for the system-wide file (and for O(state=absent) when it was not needed).
  returned: when O(backend=api) or O(backend=osgi_config)
  type: int
requests:
  description: How many HTTP requests were sent to the portal (0 when nothing changed; with O(company_web_id=all),
    1 for the list of instances).
  returned: when O(backend=api)
  type: int
state_file:
  description: The fingerprint state file used.
  returned: when O(backend=api)
  type: str
path:
  description: The file that was (or would be) edited, after following symbolic links for O(backend=properties)
    and O(backend=env_file).
  returned: when O(backend=properties), O(backend=osgi_config), O(backend=env_file) or O(backend=client_extension)
  type: str
client_extension_id:
  description: The key of the C(instanceSettings) entry written (or removed).
  returned: when O(backend=client_extension)
  type: str
  sample: mail-instance-settings
deploy_required:
  description: Whether the client extension must be built and deployed for the change to take effect.
  returned: when O(backend=client_extension)
  type: bool
scope:
  description: V(instance) for a scoped C(.config) file with C(companyId), V(system) for the system-wide one.
  returned: when O(backend=osgi_config)
  type: str
liferay_version:
  description: The Liferay generation written for, given or detected.
  returned: when O(backend=osgi_config)
  type: str
  sample: '2025.q4'
instances:
  description:
    - With O(backend=api) and a list (or V(all)) in O(company_web_id), one entry per instance - C(web_id),
      C(company_id) (when known), C(changed), C(restart_required), C(requests) and C(settings) (secrets masked).
    - C(changed) and RV(restart_required) are true when any instance's are; RV(requests) counts every request of the
      task (the instance list for V(all), then at most a lookup and a write per instance that changes); the diff is a
      list with one entry per instance, its headers naming the instance.
  returned: when O(backend=api) and O(company_web_id) names several instances
  type: list
  elements: dict
  sample:
    - {web_id: liferay.com, company_id: 20097, changed: true, restart_required: true, requests: 1}
    - {web_id: shop.example.com, company_id: 20098, changed: false, restart_required: false, requests: 0}
system_configuration:
  description:
    - With O(backend=osgi_config) and O(scope=system), the result of C(MailSettingSystemConfiguration.config) -
      C(changed), C(path), C(settings) (its managed attributes), C(system_config_shape) and how it was chosen
      (C(system_config_shape_source) - V(given), V(detected) or V(default)), C(restart_required) and C(backup_file).
      C(changed) and RV(restart_required) are true when either file needs it; the diff is then a list of both.
  returned: when O(backend=osgi_config) writes a system-scoped option
  type: dict
  sample:
    changed: true
    path: /opt/liferay/osgi/configs/com.liferay.mail.settings.configuration.MailSettingSystemConfiguration.config
    settings: {jndiName: mail/MailSession, sendBlacklist: 'noreply@example.com'}
    system_config_shape: current
    system_config_shape_source: default
    restart_required: true
microsoft365:
  description:
    - With O(microsoft365), the result of the Microsoft 365 connector's C(.config) - C(changed), C(path), C(scope)
      (V(instance) or V(system)), C(company_id), C(settings) (its attributes, C(clientSecret) masked) and
      C(backup_file). C(changed) is true when either file changed; the diff is then a list of both.
  returned: when O(microsoft365) is given
  type: dict
  sample:
    changed: true
    path: "/opt/liferay/osgi/configs/com.liferay.mail.outlook.auth.connector.provider.internal.configuration.\
      MailOutlookAuthConnectorCompanyConfiguration.scoped~20097.config"
    scope: instance
    company_id: 20097
    settings: {companyId: '20097', clientId: 0f1e2d3c, clientSecret: '********', tenantId: contoso.onmicrosoft.com,
               pop3ConnectionEnabled: 'false', smtpConnectionEnabled: 'true'}
backup_file:
  description: The backup copy, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, MailError
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import (
    PORTAL_MUTUALLY_EXCLUSIVE,
    PORTAL_REQUIRED_OPTIONS,
    PORTAL_REQUIRED_TOGETHER,
    api_argument_spec,
    company_web_ids,
    portal_argument_spec,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    LIFERAY_VERSIONS,
    MailSettings,
    mail_argument_spec,
    null_like_warnings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import SYSTEM_ONLY_OPTIONS, Surface, surface_argument_spec

BACKENDS = ('api', 'client_extension', 'env_file', 'osgi_config', 'properties')
# state=present writes at least one of these (jndi_name alone: the application server's session).
PRESENT_NEEDS_ONE_OF = ('smtp', 'sender', 'jndi_name') + SYSTEM_ONLY_OPTIONS


def backend_class(name):
    """Import only the backend that runs: a properties run never loads the HTTP client."""
    if name == 'api':
        from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.api import ApiBackend
        return ApiBackend
    if name == 'client_extension':
        from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.client_extension import ClientExtensionBackend
        return ClientExtensionBackend
    if name == 'env_file':
        from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.env_file import EnvFileBackend
        return EnvFileBackend
    if name == 'osgi_config':
        from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_config import OsgiConfigBackend
        return OsgiConfigBackend
    from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.properties import PropertiesBackend
    return PropertiesBackend


def argument_spec():
    spec = mail_argument_spec()
    spec.update(portal_argument_spec())
    spec.update(api_argument_spec())
    spec.update(
        backend=dict(type='str', choices=list(BACKENDS), default='properties'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        update_password=dict(type='str', choices=['always', 'on_create'], default='always', no_log=False),
        path=dict(type='path'),
        liferay_home=dict(type='path'),
        backup=dict(type='bool', default=False),
        osgi_configs_dir=dict(type='path'),
        env_file=dict(type='path'),
        client_extension_file=dict(type='path'),
        client_extension_id=dict(type='str', default='mail-instance-settings'),
        client_extension_secrets=dict(type='str', choices=['refuse', 'inline'], default='refuse', no_log=False),
        liferay_version=dict(type='str', choices=list(LIFERAY_VERSIONS)),
    )
    spec.update(surface_argument_spec())
    # One web id, a list of them or all (backend api): checked by company_web_ids.
    spec['company_web_id'] = dict(type='raw')
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        add_file_common_args=True,
        supports_check_mode=True,
        required_if=[
            ('state', 'present', PRESENT_NEEDS_ONE_OF, True),
            ('backend', 'properties', ('path', 'liferay_home'), True),
            ('backend', 'api', PORTAL_REQUIRED_OPTIONS),
            ('backend', 'osgi_config', ('osgi_configs_dir', 'liferay_home'), True),
            ('backend', 'env_file', ('env_file',)),
            ('backend', 'client_extension', ('client_extension_file',)),
        ],
        mutually_exclusive=PORTAL_MUTUALLY_EXCLUSIVE,
        required_together=PORTAL_REQUIRED_TOGETHER,
    )
    try:
        settings = MailSettings.from_params(module.params)
        surface = Surface.from_params(module.params)
        surface.check_jndi(module.params['smtp'] is not None or module.params['pop'] is not None)
        surface.check_backend(module.params['backend'], module.params)
        company_web_ids(module.params)
        if module.params['state'] == 'present':
            # Only portal properties (files and LIFERAY_* variables) interpolate ${...}.
            for warning in settings.warnings(interpolated=module.params['backend'] in ('properties', 'env_file')):
                module.warn(warning)
            for warning in null_like_warnings(settings):
                module.warn(warning)
        connector = None
        if settings.microsoft365 is not None:
            from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import microsoft365 as connector
            if module.params['backend'] == 'api':
                raise BackendError(connector.API_REFUSAL)
            if module.params['state'] == 'present':
                connector.check_microsoft365(module, settings)
        backend = backend_class(module.params['backend'])(module, settings)
        result = backend.run()
        if connector is not None:
            result = connector.run_connector(module, settings, backend, result)
    except MailError as exc:
        module.fail_json(msg=str(exc), **({'option': exc.option} if exc.option else {}))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
