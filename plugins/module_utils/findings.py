# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Traps in what mail_settings_info read, as sentences (docs/liferay-model.md §10.4).

From the layers of Liferay 7.4 (``effective``: key -> (value, source)) and from the 2025.Q4 OSGi files:

* an implicit-TLS port with a plain protocol (465 with smtp, 995 with pop3) and the reverse (587/25 with
  smtps, 110 with pop3s); STARTTLS switched on for port 25;
* advanced JavaMail properties that keep the ``mail.session.`` prefix, or use the prefix of the other
  transport protocol;
* a JNDI session in force (7.4 ``mail.session.jndi.name``, 2025.Q4 ``jndiName``) and what it does;
* the default sender or a test recipient on the send blacklist;
* a key defined on several lines of an env file; a value Liferay splits at commas and trims.
"""

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import read_config_file
from ansible_collections.liferay_ops.mail.plugins.module_utils.layers import DEFAULT_SOURCE, PORTAL_DEFAULTS
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import mask_value
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    ADVANCED_PROPERTIES,
    MAIL_SESSION_MAIL,
    POP_PORT,
    SMTP_PORT,
    SMTP_STARTTLS,
    STORE_PROTOCOL,
    TRANSPORT_PROTOCOL,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import (
    BLACKLIST_DEFAULT,
    JNDI_NAME,
    SEND_BLACKLIST,
    SENDER_ADDRESS,
    SYSTEM_ATTRIBUTE_SHAPES,
    SYSTEM_CONFIG_FILE,
    detect_shape,
)

# MailSettingCompanyConfiguration metatype defaults (docs/liferay-model.md §8).
OSGI_DEFAULTS = {'outgoingSMTPPort': '25', 'transportProtocol': 'smtp', 'enableStartTLS': 'true',
                 'incomingPOPPort': '110', 'storeProtocol': 'pop3', 'additionalJavaMailProperties': ''}
_KEY_END_RE = re.compile(r'(?<!\\)[=:\s]')


def get_integer(text):
    """GetterUtil.getInteger: the number, or 0 for anything that is not one."""
    try:
        return int((text or '').strip())
    except ValueError:
        return 0


def advanced_property_keys(text):
    """The keys of java.util.Properties text (comments, continuation lines and escapes as Properties.load)."""
    keys = []
    continued = False
    for line in (text or '').split('\n'):
        stripped = line.strip()
        was_continued, continued = continued, (len(stripped) - len(stripped.rstrip('\\'))) % 2 == 1
        if was_continued or not stripped or stripped[0] in '#!':
            continue
        match = _KEY_END_RE.search(stripped)
        key = stripped[:match.start()] if match else stripped
        keys.append(key.replace('\\', ''))
    return keys


def tls_findings(where, transport, smtp_port, starttls, store, pop_port, starttls_given):
    """Ports that do not fit the protocol. ``transport``/``store`` as stored (normalised like MailServiceImpl)."""
    found = []
    transport = 'smtps' if transport == 'smtps' else 'smtp'
    store = 'pop3s' if store == 'pop3s' else 'pop3'
    if transport == 'smtp' and smtp_port == 465:
        found.append('%s: SMTP port 465 expects implicit TLS, but the transport protocol is smtp: JavaMail waits for a '
                     'plaintext greeting that never comes and the send times out (or hangs without a timeout); use '
                     'smtps (smtp.security: ssl)' % where)
    if transport == 'smtps' and smtp_port in (25, 587):
        found.append('%s: the transport protocol smtps starts TLS at once, but port %d speaks plaintext first%s: the TLS '
                     'handshake fails ("Unrecognized SSL message, plaintext connection?"); use smtp%s'
                     % (where, smtp_port, ' (STARTTLS)' if smtp_port == 587 else '',
                        ' with STARTTLS (smtp.security: starttls)' if smtp_port == 587 else ' (smtp.security: none)'))
    if store == 'pop3' and pop_port == 995:
        found.append('%s: POP port 995 expects implicit TLS, but the store protocol is pop3: the POP login waits for a '
                     'plaintext greeting that never comes; use pop3s (pop.security: ssl)' % where)
    if store == 'pop3s' and pop_port == 110:
        found.append('%s: the store protocol pop3s starts TLS at once, but POP port 110 speaks plaintext: the TLS '
                     'handshake fails; use pop3 on 110 (pop.security: none) or pop3s on 995' % where)
    if transport == 'smtp' and smtp_port == 25 and starttls and starttls_given:
        found.append('%s: STARTTLS is enabled on SMTP port 25: JavaMail upgrades only when the relay offers STARTTLS '
                     '(mail.smtp.starttls.required is not set), so a relay without it gets the mail, and any password, '
                     'in clear text, and one whose certificate the JVM does not trust fails every send; for a plain '
                     'relay on 25 use smtp.security: none, for a submission server use port 587' % where)
    return found


def advanced_findings(where, text, transport):
    found = []
    transport = 'smtps' if transport == 'smtps' else 'smtp'
    other = 'smtp' if transport == 'smtps' else 'smtps'
    for key in advanced_property_keys(text):
        if key.startswith('mail.session.'):
            found.append('%s: the advanced JavaMail property %s keeps the mail.session. prefix: Liferay hands advanced '
                         'properties to JavaMail as they are, and JavaMail does not know that name; write %s'
                         % (where, key, key[len('mail.session.'):]))
        elif key.startswith('mail.%s.' % other):
            found.append('%s: the advanced JavaMail property %s has no effect: the transport protocol is %s, which reads '
                         'mail.%s.*; write %s' % (where, key, transport, transport,
                                                  'mail.%s.%s' % (transport, key[len('mail.%s.' % other):])))
    return found


def _blacklist(text):
    return [entry.strip() for entry in (text or '').split(',') if entry.strip()]


def blacklist_findings(sender, sender_source, blacklist, blacklist_source, params, defaults_only=False,
                       exact=False):
    """The default sender and the test recipient against the send blacklist.
    ``defaults_only``: sender and blacklist are both Liferay's defaults (no finding for the sender then).
    ``exact``: compare as 2025.Q4's MailMessageListener does (exact, case-sensitive, liferay-model.md §10.5);
    otherwise ignoring case, since 7.4's comparison is not confirmed and a missed drop costs more."""
    found = []

    def fold(address):
        return address if exact else address.lower()

    listed = set(fold(entry) for entry in blacklist)
    if sender and fold(sender) in listed and not defaults_only:
        found.append('the default sender %s (from %s) is on the send blacklist (%s): Liferay drops every mail addressed '
                     'to it with "Email %s will be ignored because it is included in mail.send.blacklist", so copies '
                     'and replies to the sender never arrive; give the sender a real address (sender.address) or take '
                     'it off the blacklist' % (sender, sender_source, blacklist_source, sender))
    recipient = params.get('test_recipient')
    if recipient and fold(recipient) in listed:
        found.append('the test recipient %s is on the send blacklist (%s): Liferay drops the test message without an '
                     'error (only a WARN in its log); send it to another address' % (recipient, blacklist_source))
    return found


def layer_findings(layers):
    found = []
    for layer in layers:
        for key in getattr(layer, 'overridden', ()):
            found.append('%s is set on more than one line of %s: Docker passes only the last one to the container; '
                         'remove the others' % (key, layer.location))
        for key in getattr(layer, 'altered', ()):
            found.append('%s in %s holds a comma: Liferay splits the value into a list there and trims every piece, so '
                         'it reads %r, not what is written; escape the comma as \\, (the properties and env_file '
                         'backends do) or remove the spaces around it'
                         % (key, layer.location, mask_value(key, layer.values.get(key, ''))))
    return found


def portal_findings(layers, effective, params):
    """Findings from the 7.4 layers (portal properties, LIFERAY_* variables, the api backend's record)."""
    found = layer_findings(layers)
    if not layers:
        return found

    def given(key):
        return effective[key][1] != DEFAULT_SOURCE

    starttls = effective[SMTP_STARTTLS][0].strip().lower() == 'true'
    found.extend(tls_findings('the portal properties', effective[TRANSPORT_PROTOCOL][0],
                              get_integer(effective[SMTP_PORT][0]), starttls, effective[STORE_PROTOCOL][0],
                              get_integer(effective[POP_PORT][0]), given(SMTP_PORT) or given(SMTP_STARTTLS)))
    if ADVANCED_PROPERTIES in effective:
        found.extend(advanced_findings('%s (from %s)' % (ADVANCED_PROPERTIES, effective[ADVANCED_PROPERTIES][1]),
                                       effective[ADVANCED_PROPERTIES][0], effective[TRANSPORT_PROTOCOL][0]))
    jndi, source = effective.get(JNDI_NAME, ('', DEFAULT_SOURCE))
    if jndi.strip():
        structured = effective[MAIL_SESSION_MAIL][0].strip().lower() == 'true'
        if structured:
            found.append('%s is %s (from %s) and mail.session.mail is true (from %s): Liferay 7.4 takes the application '
                         "server's session %s and writes the host, port, user, password, store and transport protocol, "
                         'auth and STARTTLS of the mail.session.mail.* settings (localhost and port 25 where unset) into '
                         "that session's Properties, then builds a new session from them (MailServiceImpl.getSession): "
                         "the server's values for those keys and its authenticator are not used, only its other "
                         'properties stay; remove the mail.session.mail.* settings and set mail.session.mail=false to use '
                         'the JNDI session as it is'
                         % (JNDI_NAME, jndi, source, effective[MAIL_SESSION_MAIL][1], jndi))
        else:
            found.append('%s is %s (from %s): Liferay 7.4 sends through the application server\'s session %s as it is '
                         'and ignores the mail.session.mail.* settings while mail.session.mail is false; a Control Panel '
                         'mail save sets it true and then overwrites that session\'s host, port and login'
                         % (JNDI_NAME, jndi, source, jndi))
    sender, sender_source = effective.get(SENDER_ADDRESS, ('', DEFAULT_SOURCE))
    blacklist, blacklist_source = effective.get(SEND_BLACKLIST, (PORTAL_DEFAULTS[SEND_BLACKLIST], DEFAULT_SOURCE))
    found.extend(blacklist_findings(sender, sender_source, _blacklist(blacklist),
                                    '%s from %s' % (SEND_BLACKLIST, blacklist_source), params,
                                    sender_source == DEFAULT_SOURCE and blacklist_source == DEFAULT_SOURCE))
    return found


def system_configuration(directory):
    """(path, attribute name -> ConfigValue) of MailSettingSystemConfiguration.config, or None."""
    path = '%s/%s' % (directory, SYSTEM_CONFIG_FILE)
    document = read_config_file(path, 'liferay_home')
    if document is None:
        return None
    return path, dict((name, document.get(name)) for name in document.attributes if not name.startswith(':'))


def system_configuration_report(system):
    """path, shape and settings (masked) of ``system``, a (path, attributes) pair of system_configuration(), or None."""
    if system is None:
        return None
    path, attributes = system
    settings = dict((name, list(value.value) if isinstance(value.value, list) else mask_value(name, value.value))
                    for name, value in attributes.items() if value is not None)
    return dict(path=path, shape=detect_shape(attributes), settings=settings)


def _system_value(attributes, option):
    for shape in SYSTEM_ATTRIBUTE_SHAPES.values():
        value = attributes.get(shape.get(option))
        if value is not None:
            return shape[option], value
    return None, None


def osgi_findings(configs, system, effective, params):
    """Findings from the 2025.Q4 mail configuration files (the ones Liferay uses) and the system configuration."""
    found = []
    for entry in configs:
        if not entry.wins:
            continue
        values = dict(OSGI_DEFAULTS)
        values.update(entry.values)
        found.extend(tls_findings(entry.path, values['transportProtocol'], get_integer(values['outgoingSMTPPort']),
                                  values['enableStartTLS'] == 'true', values['storeProtocol'],
                                  get_integer(values['incomingPOPPort']),
                                  'outgoingSMTPPort' in entry.values or 'enableStartTLS' in entry.values))
        found.extend(advanced_findings(entry.path, values['additionalJavaMailProperties'], values['transportProtocol']))
    blacklist, blacklist_source = list(BLACKLIST_DEFAULT), 'the default of MailSettingSystemConfiguration'
    if system is not None:
        path, attributes = system
        name, jndi = _system_value(attributes, 'jndi_name')
        if jndi is not None and isinstance(jndi.value, str) and jndi.value.strip():
            found.append('%s sets %s=%s: Liferay looks the mail session up in JNDI for every instance and does not build '
                         'it from MailSettingCompanyConfiguration, so the SMTP and POP settings of the company files are '
                         'ignored' % (path, name, jndi.value.strip()))
        name, listed = _system_value(attributes, 'send_blacklist')
        if listed is not None:
            blacklist = listed.value if isinstance(listed.value, list) else _blacklist(listed.value)
            blacklist_source = '%s in %s' % (name, path)
    if configs or system is not None:
        sender, sender_source = effective.get(SENDER_ADDRESS, ('', DEFAULT_SOURCE))
        found.extend(blacklist_findings(sender, sender_source, [entry.strip() for entry in blacklist],
                                        blacklist_source, params, sender_source == DEFAULT_SOURCE and system is None,
                                        exact=True))
    return found
