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
    options = dict(
        host=dict(type='str', required=True),
        port=dict(type='int'),
        security=dict(type='str', choices=list(securities), default=default_security),
        user=dict(type='str'),
        password=dict(type='str', no_log=True),
    )
    options.update(extra)
    return dict(type='dict', options=options, required_together=[('user', 'password')])


def mail_argument_spec():
    """The ``smtp``/``pop``/``javamail_properties`` options shared by mail_settings and mail_check."""
    return dict(
        smtp=_server_spec(SMTP_SECURITY, 'starttls'),
        pop=_server_spec(POP_SECURITY, 'ssl', notifications=dict(type='bool', default=False)),
        javamail_properties=dict(type='dict', default={}),
    )


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

    def __init__(self, smtp, pop, javamail_properties):
        self.smtp = smtp
        self.pop = pop
        self.javamail_properties = javamail_properties

    @classmethod
    def from_params(cls, params):
        """Validate module parameters; raises SettingsError naming the bad option."""
        smtp = cls._server(params.get('smtp'), 'smtp', SMTP_SECURITY)
        pop = cls._server(params.get('pop'), 'pop', POP_SECURITY)
        if pop is not None:
            pop['notifications'] = bool((params.get('pop') or {}).get('notifications'))
        javamail = _validate_javamail_properties(params.get('javamail_properties'))
        return cls(smtp, pop, javamail)

    @staticmethod
    def _server(options, name, securities):
        if options is None:
            return None
        security = options.get('security') or securities[1 if name == 'smtp' else -1]
        if security not in securities:
            raise SettingsError('%s.security' % name, 'must be one of %s' % ', '.join(securities))
        port = _validate_port('%s.port' % name, options.get('port'))
        user = _validate_text('%s.user' % name, options.get('user'))
        password = _validate_text('%s.password' % name, options.get('password'), secret=True)
        if user and not password:
            raise SettingsError('%s.password' % name, 'is empty while %s.user is set: give the password (or drop user for an unauthenticated server)' % name)
        if password and not user:
            raise SettingsError('%s.user' % name, 'is empty while %s.password is set: give the user name' % name)
        return dict(
            host=_validate_host('%s.host' % name, options.get('host')),
            port=port if port is not None else DEFAULT_PORTS[name][security],
            security=security,
            user=user,
            password=password,
        )

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
        keys[ADVANCED_PROPERTIES] = render_javamail_properties(self.javamail_properties)
        return keys

    def secrets(self):
        """The raw secret values, for callers that must scrub free text."""
        return [server['password'] for server in (self.smtp, self.pop) if server and server['password']]

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
