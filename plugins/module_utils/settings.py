# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declarative mail settings model shared by every backend and module.

Module options (``smtp``, ``pop``, ``javamail_properties``) are validated and
normalised here into the key set that Liferay's Control Panel mail form writes
(``mail.session.mail.*``), plus the mapping to the OSGi attributes of
DXP 2025.Q4+. Which values are secret and how they are masked is redact.py's
(``MASK`` and ``masked`` are importable from here too).
"""

import re
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import MASK, masked  # noqa: F401 pylint: disable=unused-import

SMTP_SECURITY = ('none', 'starttls', 'ssl')
# Liferay generations: 7.4 (mail.session.mail.* keys, up to 2025.Q3) and 2025.q4 (OSGi mail configuration).
LIFERAY_VERSIONS = ('7.4', '2025.q4')
POP_SECURITY = ('none', 'ssl')
DEFAULT_PORTS = {
    'smtp': {'none': 25, 'starttls': 587, 'ssl': 465},
    'pop': {'none': 110, 'ssl': 995},
}

MAIL_SESSION_MAIL = 'mail.session.mail'
SMTP_HOST = 'mail.session.mail.smtp.host'
SMTP_PORT = 'mail.session.mail.smtp.port'
SMTP_USER = 'mail.session.mail.smtp.user'
SMTP_PASSWORD = 'mail.session.mail.smtp.password'
SMTP_STARTTLS = 'mail.session.mail.smtp.starttls.enable'
TRANSPORT_PROTOCOL = 'mail.session.mail.transport.protocol'
POP_HOST = 'mail.session.mail.pop3.host'
POP_PORT = 'mail.session.mail.pop3.port'
POP_USER = 'mail.session.mail.pop3.user'
POP_PASSWORD = 'mail.session.mail.pop3.password'
STORE_PROTOCOL = 'mail.session.mail.store.protocol'
ADVANCED_PROPERTIES = 'mail.session.mail.advanced.properties'
POP_NOTIFICATIONS = 'pop.server.notifications.enabled'

# The Control Panel's key set, in the order it is written to a file.
MANAGED_KEYS = (
    MAIL_SESSION_MAIL,
    SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS, TRANSPORT_PROTOCOL,
    POP_HOST, POP_PORT, POP_USER, POP_PASSWORD, STORE_PROTOCOL,
    POP_NOTIFICATIONS,
    ADVANCED_PROPERTIES,
)
SECRET_KEYS = frozenset((SMTP_PASSWORD, POP_PASSWORD))

# The module option each key comes from, so a backend can name it in an error.
OPTION_FOR_KEY = {
    MAIL_SESSION_MAIL: 'backend',
    SMTP_HOST: 'smtp.host', SMTP_PORT: 'smtp.port', SMTP_USER: 'smtp.user', SMTP_PASSWORD: 'smtp.password',
    SMTP_STARTTLS: 'smtp.security', TRANSPORT_PROTOCOL: 'smtp.security',
    POP_HOST: 'pop.host', POP_PORT: 'pop.port', POP_USER: 'pop.user', POP_PASSWORD: 'pop.password',
    STORE_PROTOCOL: 'pop.security', POP_NOTIFICATIONS: 'pop.notifications',
    ADVANCED_PROPERTIES: 'javamail_properties',
}

# Portal property -> attribute of com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration,
# as Liferay's own upgrade process maps them (reference: MailSettingCompanyConfigurationUpgradeProcess).
# mail.session.mail has no counterpart: the OSGi configuration is always "structured".
OSGI_ATTRIBUTES = OrderedDict((
    (SMTP_HOST, 'outgoingSMTPServer'),
    (SMTP_PORT, 'outgoingSMTPPort'),
    (SMTP_USER, 'smtpUserName'),
    (SMTP_PASSWORD, 'smtpPassword'),
    (SMTP_STARTTLS, 'enableStartTLS'),
    (TRANSPORT_PROTOCOL, 'transportProtocol'),
    (POP_HOST, 'incomingPOPServer'),
    (POP_PORT, 'incomingPOPPort'),
    (POP_USER, 'popUserName'),
    (POP_PASSWORD, 'popPassword'),
    (STORE_PROTOCOL, 'storeProtocol'),
    (POP_NOTIFICATIONS, 'enablePOPServerNotifications'),
    (ADVANCED_PROPERTIES, 'additionalJavaMailProperties'),
))
OSGI_BOOLEAN_ATTRIBUTES = frozenset(('enableStartTLS', 'enablePOPServerNotifications'))
OSGI_SECRET_ATTRIBUTES = frozenset(('smtpPassword', 'popPassword'))

# Ports that belong to the other protocol: a sign the two were swapped (Liferay's own docs do it).
FOREIGN_PORTS = {'smtp': (110, 995, 143, 993), 'pop': (25, 465, 587)}

# What identifies the server a stored password belongs to: when one of these changes, the password
# of the old server must not follow to the new one (update_password on_create writes the given one).
CREDENTIAL_IDENTITY = OrderedDict((
    (SMTP_PASSWORD, (SMTP_HOST, SMTP_PORT, TRANSPORT_PROTOCOL, SMTP_STARTTLS, SMTP_USER)),
    (POP_PASSWORD, (POP_HOST, POP_PORT, STORE_PROTOCOL, POP_USER)),
))
# The same two maps in the attribute names of the 2025.Q4 mail configuration (osgi_config, client_extension).
OPTION_FOR_OSGI_ATTRIBUTE = dict((attribute, OPTION_FOR_KEY[key]) for key, attribute in OSGI_ATTRIBUTES.items())
OSGI_CREDENTIAL_IDENTITY = OrderedDict((OSGI_ATTRIBUTES[secret], tuple(OSGI_ATTRIBUTES[key] for key in keys))
                                       for secret, keys in CREDENTIAL_IDENTITY.items())

# First-class JavaMail TLS and timeout options of smtp/pop: option -> property name after the prefix.
TRANSPORT_OPTIONS = OrderedDict((
    ('tls_protocols', 'ssl.protocols'),
    ('ssl_trust', 'ssl.trust'),
    ('connect_timeout', 'connectiontimeout'),
    ('read_timeout', 'timeout'),
    ('write_timeout', 'writetimeout'),
))
TLS_PROTOCOLS = ('TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3')

# Liferay's Microsoft 365 OAuth2 connector (module mail-outlook-auth-connector-provider).
MICROSOFT365_PID = 'com.liferay.mail.outlook.auth.connector.provider.internal.configuration.MailOutlookAuthConnectorCompanyConfiguration'
# Its token provider is registered for these mail.server.name values only.
MICROSOFT365_HOSTS = {'smtp': 'smtp.office365.com', 'pop': 'outlook.office365.com'}
MICROSOFT365_SCOPE = 'https://outlook.office365.com/.default'
MICROSOFT365_TOKEN_URL = 'https://login.microsoftonline.com/%s/oauth2/v2.0/token'
# option -> attribute of the configuration (clientSecret is a String; booleans are B"...").
MICROSOFT365_ATTRIBUTES = OrderedDict((
    ('client_id', 'clientId'),
    ('client_secret', 'clientSecret'),
    ('tenant_id', 'tenantId'),
    ('pop', 'pop3ConnectionEnabled'),
    ('smtp', 'smtpConnectionEnabled'),
))
MICROSOFT365_BOOLEAN_ATTRIBUTES = frozenset(('pop3ConnectionEnabled', 'smtpConnectionEnabled'))
MICROSOFT365_CREDENTIAL_IDENTITY = OrderedDict((('clientSecret', ('tenantId', 'clientId')),))

_HOSTNAME_RE = re.compile(r'^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$')
_IPV6_RE = re.compile(r'^\[?[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?\]?$')
_CONTROL_RE = re.compile('[\x00-\x1f\x7f\u0085\u2028\u2029]')
_JAVAMAIL_KEY_RE = re.compile(r'^[A-Za-z0-9_.\-]+$')


def looks_swapped(server, port):
    """Whether ``port`` (int or text) of ``server`` ('smtp' or 'pop') belongs to the other protocol."""
    try:
        return int(port) in FOREIGN_PORTS[server]
    except (TypeError, ValueError):
        return False


def _server_spec(securities, default_security, **extra):
    # user without password is checked in MailSettings: Microsoft 365 (XOAUTH2) and
    # update_password on_create may leave the password out.
    options = dict(
        host=dict(type='str', required=True),
        port=dict(type='int'),
        security=dict(type='str', choices=list(securities), default=default_security),
        user=dict(type='str'),
        password=dict(type='str', no_log=True),
        tls_protocols=dict(type='list', elements='str'),
        ssl_trust=dict(type='list', elements='str'),
        connect_timeout=dict(type='int'),
        read_timeout=dict(type='int'),
        write_timeout=dict(type='int'),
    )
    options.update(extra)
    return dict(type='dict', options=options)


def microsoft365_spec():
    """The ``microsoft365`` option shared by mail_settings and mail_check."""
    return dict(type='dict', options=dict(
        client_id=dict(type='str', required=True),
        client_secret=dict(type='str', required=True, no_log=True),
        tenant_id=dict(type='str', required=True),
        smtp=dict(type='bool', default=True),
        pop=dict(type='bool', default=False),
    ))


def mail_argument_spec():
    """The ``smtp``/``pop``/``javamail_properties``/``microsoft365`` options shared by mail_settings and mail_check."""
    return dict(
        smtp=_server_spec(SMTP_SECURITY, 'starttls'),
        pop=_server_spec(POP_SECURITY, 'ssl', notifications=dict(type='bool', default=False)),
        javamail_properties=dict(type='dict', default={}),
        microsoft365=microsoft365_spec(),
    )


def javamail_prefix(server, security):
    """The prefix of the JavaMail properties the protocol of ``server`` ('smtp'/'pop') really reads."""
    if server == 'smtp':
        return 'mail.smtps.' if security == 'ssl' else 'mail.smtp.'
    return 'mail.pop3s.' if security == 'ssl' else 'mail.pop3.'


def _validate_transport(name, options):
    """The first-class TLS/timeout options of server ``name``: option -> text value (validated)."""
    values = OrderedDict()
    protocols = options.get('tls_protocols')
    if protocols is not None:
        if not protocols:
            raise SettingsError('%s.tls_protocols' % name, 'is empty: list at least one protocol, e.g. [TLSv1.2, TLSv1.3]')
        for protocol in protocols:
            if protocol not in TLS_PROTOCOLS:
                raise SettingsError('%s.tls_protocols' % name, '%r is not a TLS protocol name JavaMail knows: use %s'
                                    % (protocol, ', '.join(TLS_PROTOCOLS)))
        values['tls_protocols'] = ' '.join(protocols)
    trust = options.get('ssl_trust')
    if trust is not None:
        if not trust:
            raise SettingsError('%s.ssl_trust' % name, 'is empty: list host names, or "*" to trust every host')
        if '*' in trust and len(trust) > 1:
            raise SettingsError('%s.ssl_trust' % name, '"*" trusts every host: give it alone, not with host names')
        for host in trust:
            if host != '*':
                _validate_host('%s.ssl_trust' % name, host)
        values['ssl_trust'] = ' '.join(trust)
    for option in ('connect_timeout', 'read_timeout', 'write_timeout'):
        value = options.get(option)
        if value is not None:
            if isinstance(value, bool) or int(value) <= 0:
                raise SettingsError('%s.%s' % (name, option), 'must be a positive number of milliseconds')
            values[option] = str(int(value))
    return values


def _validate_microsoft365(options):
    if options is None:
        return None
    validated = dict(smtp=bool(options.get('smtp', True)), pop=bool(options.get('pop', False)))
    for field in ('client_id', 'tenant_id', 'client_secret'):
        option = 'microsoft365.%s' % field
        value = options.get(field)
        if value is None or value == '':
            raise SettingsError(option, 'must not be empty: copy it from the app registration in Microsoft Entra ID')
        validated[field] = _validate_text(option, value, secret=field == 'client_secret')
    if not re.match(r'^[A-Za-z0-9.-]+$', validated['tenant_id']):
        raise SettingsError('microsoft365.tenant_id', 'is not a tenant ID or domain: give the Directory (tenant) ID '
                            'of the app registration, e.g. 00000000-0000-0000-0000-000000000000')
    return validated


def _has_control(value):
    return bool(_CONTROL_RE.search(value))


def _validate_host(option, host):
    if host is None or host == '':
        raise SettingsError(option, 'must not be empty: give the server name or IP address, e.g. smtp.example.com')
    if host != host.strip():
        raise SettingsError(option, 'has leading or trailing whitespace: remove it')
    if _has_control(host) or ' ' in host:
        raise SettingsError(option, 'contains whitespace or a control character: give a bare host name such as smtp.example.com')
    if len(host) > 253 or not (_HOSTNAME_RE.match(host) or _IPV6_RE.match(host)):
        raise SettingsError(option, 'is not a valid host name or IP address (letters, digits, ".", "-" only; no scheme, port or path)')
    return host.strip('[]') if _IPV6_RE.match(host) and ':' in host else host


def _validate_port(option, port):
    if port is None:
        return None
    if isinstance(port, bool) or not 1 <= int(port) <= 65535:
        raise SettingsError(option, 'must be a TCP port between 1 and 65535')
    return int(port)


def _validate_text(option, value, secret=False):
    if value is None:
        return ''
    if _has_control(value):
        hint = ' (a value read with lookup("file") keeps its trailing newline: use "| trim")' if secret else ''
        raise SettingsError(option, 'contains a line break or another control character: remove it%s' % hint)
    if not secret and value != value.strip():
        raise SettingsError(option, 'has leading or trailing whitespace: remove it')
    return value


def _scalar_text(option, value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise SettingsError(option, 'must be a string, number or boolean, not %s' % type(value).__name__)


def _java_properties_escape(text, is_key):
    """Escape for java.util.Properties.load, which Liferay uses for the advanced properties."""
    out = []
    for index, char in enumerate(text):
        if char == '\\':
            out.append('\\\\')
        elif char in '=:#!' and (is_key or index == 0):
            out.append('\\' + char)
        elif char == ' ' and (is_key or index == 0):
            out.append('\\ ')
        elif ord(char) > 0x7e:
            out.append(''.join('\\u%04x' % unit for unit in _utf16_units(char)))
        else:
            out.append(char)
    return ''.join(out)


def _utf16_units(char):
    code = ord(char)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff)]


def render_javamail_properties(properties):
    """Render a validated mapping as java.util.Properties text, sorted so the output is stable."""
    lines = []
    for key in sorted(properties):
        lines.append('%s=%s' % (_java_properties_escape(key, True), _java_properties_escape(properties[key], False)))
    return '\n'.join(lines)


def _validate_javamail_properties(properties):
    validated = OrderedDict()
    for key in sorted(properties or {}):
        option = 'javamail_properties.%s' % key
        if not isinstance(key, str) or not _JAVAMAIL_KEY_RE.match(key):
            raise SettingsError('javamail_properties', 'key %r is not a JavaMail property name (letters, digits, ".", "-", "_" only)' % (key,))
        value = _scalar_text(option, properties[key])
        if _has_control(value):
            raise SettingsError(option, 'contains a line break or another control character: remove it')
        validated[key] = value
    return validated


class MailSettings:
    """Validated, normalised mail settings. Build it with ``from_params``."""

    def __init__(self, smtp, pop, javamail_properties, microsoft365=None):
        self.smtp = smtp
        self.pop = pop
        self.javamail_properties = javamail_properties
        self.microsoft365 = microsoft365

    @classmethod
    def from_params(cls, params):
        """Validate module parameters; raises SettingsError naming the bad option."""
        microsoft365 = _validate_microsoft365(params.get('microsoft365'))
        # A password may be left out where it is not needed: the connector logs in with a token, and
        # update_password on_create keeps the one stored (the backends refuse when there is none).
        optional = params.get('update_password') == 'on_create'
        smtp = cls._server(params.get('smtp'), 'smtp', SMTP_SECURITY,
                           optional or bool(microsoft365 and microsoft365['smtp']))
        pop = cls._server(params.get('pop'), 'pop', POP_SECURITY,
                          optional or bool(microsoft365 and microsoft365['pop']))
        if pop is not None:
            pop['notifications'] = bool((params.get('pop') or {}).get('notifications'))
        javamail = _validate_javamail_properties(params.get('javamail_properties'))
        settings = cls(smtp, pop, javamail, microsoft365)
        settings.transport_properties()  # a conflict with javamail_properties fails here
        return settings

    @staticmethod
    def _server(options, name, securities, password_optional=False):
        if options is None:
            return None
        security = options.get('security') or securities[1 if name == 'smtp' else -1]
        if security not in securities:
            raise SettingsError('%s.security' % name, 'must be one of %s' % ', '.join(securities))
        port = _validate_port('%s.port' % name, options.get('port'))
        user = _validate_text('%s.user' % name, options.get('user'))
        password = _validate_text('%s.password' % name, options.get('password'), secret=True)
        if user and not password and not password_optional:
            raise SettingsError('%s.password' % name, 'is empty while %s.user is set: give the password (or drop user for an unauthenticated server)' % name)
        if password and not user:
            raise SettingsError('%s.user' % name, 'is empty while %s.password is set: give the user name' % name)
        return dict(
            host=_validate_host('%s.host' % name, options.get('host')),
            port=port if port is not None else DEFAULT_PORTS[name][security],
            security=security,
            user=user,
            password=password,
            transport=_validate_transport(name, options),
        )

    def transport_properties(self):
        """The JavaMail properties of the first-class TLS/timeout options, under the prefix each protocol
        reads. Raises SettingsError when javamail_properties sets the same key."""
        properties = OrderedDict()
        for name in ('smtp', 'pop'):
            server = getattr(self, name)
            if server is None:
                continue
            prefix = javamail_prefix(name, server['security'])
            for option, value in server.get('transport', {}).items():
                key = prefix + TRANSPORT_OPTIONS[option]
                if key in self.javamail_properties:
                    raise SettingsError('%s.%s' % (name, option), 'sets the JavaMail property %s, which '
                                        'javamail_properties.%s sets too: keep one of them' % (key, key))
                properties[key] = value
        return properties

    def effective_javamail_properties(self):
        """javamail_properties with the first-class TLS/timeout properties added: what Liferay is given."""
        merged = OrderedDict(self.javamail_properties)
        merged.update(self.transport_properties())
        return merged

    def microsoft365_problems(self):
        """(errors, warnings) of the Microsoft 365 connector against the session settings: errors are
        (option, reason) pairs for settings the connector cannot serve."""
        errors, warnings = [], []
        connector = self.microsoft365
        if connector is None:
            return errors, warnings
        if not connector['smtp'] and not connector['pop']:
            warnings.append('microsoft365.smtp and microsoft365.pop are both false: the connector is configured but '
                            'Liferay logs in with the passwords')
        for name, enabled in (('smtp', connector['smtp']), ('pop', connector['pop'])):
            server = getattr(self, name)
            if not enabled:
                continue
            if server is None:
                errors.append(('microsoft365.%s' % name, 'is true but %s is not given: give %s.host %s and '
                               '%s.user (the mailbox)' % (name, name, MICROSOFT365_HOSTS[name], name)))
                continue
            if server['host'].lower() != MICROSOFT365_HOSTS[name]:
                warnings.append('microsoft365.%s: %s.host is %s, but Liferay uses the Microsoft 365 connector only for '
                                '%s (its token provider is registered for that mail.server.name), so it logs in to %s '
                                'with %s.password instead'
                                % (name, name, server['host'], MICROSOFT365_HOSTS[name], server['host'], name))
            if name == 'smtp' and (server['security'] != 'starttls' or server['port'] != 587):
                errors.append(('smtp.security', 'the Microsoft 365 connector serves protocol smtp only (port 587 with '
                               'STARTTLS; smtps is not supported): use smtp.port 587 and smtp.security starttls, '
                               'not %s on %d' % (server['security'], server['port'])))
            if name == 'pop' and server['security'] != 'ssl':
                errors.append(('pop.security', 'the Microsoft 365 connector serves protocol pop3s only: use '
                               'pop.security ssl (port 995)'))
            if not server['user']:
                errors.append(('%s.user' % name, 'is empty: with microsoft365 it must be the mailbox the portal '
                               '%s as (e.g. portal@example.com)' % ('sends' if name == 'smtp' else 'reads')))
            if server['password']:
                warnings.append('%s.password is not needed with microsoft365.%s: Liferay logs in with an OAuth2 token; '
                                'leave the password out so it is not stored' % (name, name))
        return errors, warnings

    def portal_properties(self):
        """The managed keys as Liferay stores them (all values are strings).

        SMTP keys are always present; POP keys only when ``pop`` is configured, while
        POP notifications are switched off without it (they need a POP server).
        """
        keys = OrderedDict()
        keys[MAIL_SESSION_MAIL] = 'true'
        for server, names in ((self.smtp, (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD)),
                              (self.pop, (POP_HOST, POP_PORT, POP_USER, POP_PASSWORD))):
            if server is None:
                continue
            for key, field in zip(names, ('host', 'port', 'user', 'password')):
                keys[key] = str(server[field])
            if server is self.smtp:
                keys[SMTP_STARTTLS] = 'true' if server['security'] == 'starttls' else 'false'
                keys[TRANSPORT_PROTOCOL] = 'smtps' if server['security'] == 'ssl' else 'smtp'
            else:
                keys[STORE_PROTOCOL] = 'pop3s' if server['security'] == 'ssl' else 'pop3'
        keys[POP_NOTIFICATIONS] = 'true' if self.pop and self.pop['notifications'] else 'false'
        keys[ADVANCED_PROPERTIES] = render_javamail_properties(self.effective_javamail_properties())
        return keys

    def osgi_attributes(self):
        """The managed keys as attributes of the 2025.Q4 mail configuration (text values).

        ``mail.session.mail`` has no counterpart: that configuration is always structured.
        """
        return OrderedDict((OSGI_ATTRIBUTES[key], value) for key, value in self.portal_properties().items()
                           if key in OSGI_ATTRIBUTES)

    def secrets(self):
        """The raw secret values, for callers that must scrub free text."""
        secrets = [server['password'] for server in (self.smtp, self.pop) if server and server['password']]
        if self.microsoft365:
            secrets.append(self.microsoft365['client_secret'])
        return secrets

    def microsoft365_attributes(self):
        """The attributes of the connector's configuration (text values), or None without microsoft365."""
        if self.microsoft365 is None:
            return None
        attributes = OrderedDict()
        for option, attribute in MICROSOFT365_ATTRIBUTES.items():
            value = self.microsoft365[option]
            attributes[attribute] = ('true' if value else 'false') if isinstance(value, bool) else value
        return attributes

    def warnings(self, interpolated=True):
        """Sentences for the user. ``interpolated``: the target layer expands ``${...}`` (files do, preferences do not)."""
        warnings = []
        for name, server in (('smtp', self.smtp), ('pop', self.pop)):
            if server is None:
                continue
            port = server['port']
            if looks_swapped(name, port):
                other = 'a POP3/IMAP' if name == 'smtp' else 'an SMTP'
                warnings.append('%s.port %d is %s port: the POP and SMTP ports look swapped' % (name, port, other))
            if server['security'] == 'ssl' and port in (25, 587, 110):
                warnings.append('%s.security ssl means implicit TLS, but port %d normally expects a plaintext greeting%s'
                                % (name, port, ' and STARTTLS: use security: starttls' if name == 'smtp' else ': check the port'))
            if name == 'smtp' and server['security'] == 'starttls' and port == 465:
                warnings.append('smtp.security starttls on port 465: that port normally expects implicit TLS: use security: ssl')
            if name == 'pop' and server['security'] == 'none' and port == 995:
                warnings.append('pop.security none on port 995: that port normally expects implicit TLS: use security: ssl')
            tls_options = [option for option in ('tls_protocols', 'ssl_trust') if option in server.get('transport', {})]
            if server['security'] == 'none' and tls_options:
                warnings.append('%s has no effect with %s.security none: there is no TLS'
                                % (' and '.join('%s.%s' % (name, option) for option in tls_options), name))
            if server['security'] == 'none' and server['password']:
                warnings.append('%s.password is sent without TLS (%s.security none): use starttls or ssl if the server offers it'
                                % (name, name))
            for field in ('host', 'user', 'password') if interpolated else ():
                if '${' in (server[field] or ''):
                    warnings.append("%s.%s contains '${', which Liferay reads as a variable reference in portal properties; "
                                    "it is written escaped so the portal reads it literally" % (name, field))
        warnings.extend(self._javamail_warnings())
        return warnings

    def _javamail_warnings(self):
        warnings = []
        protocol = 'smtps' if self.smtp and self.smtp['security'] == 'ssl' else 'smtp'
        wrong = 'smtp' if protocol == 'smtps' else 'smtps'
        for key in self.javamail_properties:
            if key.startswith('mail.%s.' % wrong) and self.smtp is not None:
                warnings.append("javamail_properties.%s has no effect: the transport protocol is %s, use 'mail.%s.%s'"
                                % (key, protocol, protocol, key[len('mail.%s.' % wrong):]))
            elif not key.startswith('mail.'):
                warnings.append("javamail_properties.%s does not start with 'mail.': JavaMail ignores it" % key)
        return warnings


def liferay_is_null(value):
    """Liferay's ``Validator.isNull(String)``: None, spaces only (U+0020, not tabs), or the word ``null``
    with spaces anywhere in it. MailServiceImpl derives SMTP auth from it and MailEngine logs in only when
    user and password are not null (docs/liferay-model.md §4)."""
    if value is None:
        return True
    letters = [char for char in value if char != ' ']
    return not letters or ''.join(letters) == 'null'


def null_like_warnings(settings):
    """Warnings for user/password values that Liferay reads as empty although they are not ''."""
    warnings = []
    for name in ('smtp', 'pop'):
        server = getattr(settings, name, None) or {}
        for field in ('user', 'password'):
            value = server.get(field)
            if value and liferay_is_null(value):
                warnings.append('%s.%s is only spaces or the word "null": Liferay counts it as empty (Validator.isNull), '
                                'so it does not authenticate with it%s' % (
                                    name, field, '; SMTP auth is off when user and password are both empty'
                                    if name == 'smtp' else ''))
    return warnings


def render_keymap(keymap, order=MANAGED_KEYS):
    """Text for a diff: one ``key=value`` line per present key, in a stable order."""
    known = [key for key in order if keymap.get(key) is not None]
    extra = sorted(key for key in keymap if key not in order and keymap[key] is not None)
    # Multi-line values (the advanced properties) are shown with \n so each key stays on one diff line.
    return ''.join('%s=%s\n' % (key, keymap[key].replace('\n', '\\n')) for key in known + extra)
