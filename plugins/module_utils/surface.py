# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The mail settings beside the mail session form: default sender, JNDI session, system-scoped configuration.

* ``sender: {name, address}`` -> ``admin.email.from.name`` / ``admin.email.from.address``: portal
  properties (system default), ``LIFERAY_*`` variables, or company preferences (Instance Settings >
  Email > Email Sender posts ``settings--admin.email.from.*--``, stored as company preferences and read
  with ``PrefsPropsUtil.getString(companyId, key)``; docs/liferay-model.md §10.1).
* ``jndi_name`` -> ``mail.session.jndi.name`` on 7.4 (portal properties only); on 2025.Q4 an attribute of
  ``MailSettingSystemConfiguration``, whose attribute names changed between 2025 commits
  (``SYSTEM_ATTRIBUTE_SHAPES``; docs/liferay-model.md §10.3).
* ``send_blacklist``, ``batch_size``, ``throws_exception_on_failure``, ``audit_trail``, ``pop_server_subdomain``:
  the other attributes of ``MailSettingSystemConfiguration``, written by backend osgi_config with
  ``scope: system`` (backends/osgi_system.py); on 7.4 the portal properties ``mail.send.blacklist`` and so
  on, which this collection leaves to the operator.

Only options that are given are managed: a key of an option left out is neither written nor removed.
"""

import re
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError

SENDER_NAME = 'admin.email.from.name'
SENDER_ADDRESS = 'admin.email.from.address'
JNDI_NAME = 'mail.session.jndi.name'
SEND_BLACKLIST = 'mail.send.blacklist'
# portal.properties defaults (docs/liferay-model.md §10.1); the sender default is on the default blacklist.
SENDER_DEFAULTS = OrderedDict(((SENDER_NAME, 'Joe Bloggs'), (SENDER_ADDRESS, 'test@domain.invalid')))
BLACKLIST_DEFAULT = ('noreply@liferay.com', 'test@liferay.com', 'noreply@domain.invalid', 'test@domain.invalid')

# Portal property keys this file's options write, in file order.
OPTION_FOR_SURFACE_KEY = {SENDER_NAME: 'sender.name', SENDER_ADDRESS: 'sender.address', JNDI_NAME: 'jndi_name'}

SYSTEM_PID = 'com.liferay.mail.settings.configuration.MailSettingSystemConfiguration'
SYSTEM_CONFIG_FILE = SYSTEM_PID + '.config'
# Attribute names of MailSettingSystemConfiguration per source shape (docs/liferay-model.md §10.3):
# 'current': liferay/liferay-portal 54b9c3a9 and liferay-portal-cloud-native 27b9beee (jndiName, sendBlacklist, ...);
# 'mail_prefixed': the earlier 2025 commits whose upgrade step maps mail.session.jndi.name -> mailSessionJndiName;
# 'first': the earliest snapshot, mail* names and no JNDI attribute at all (mailSessionMail, mailSessionMailSMTPAuth).
SYSTEM_ATTRIBUTE_SHAPES = OrderedDict((
    ('current', OrderedDict((
        ('jndi_name', 'jndiName'),
        ('send_blacklist', 'sendBlacklist'),
        ('batch_size', 'batchSize'),
        ('throws_exception_on_failure', 'throwsExceptionOnFailure'),
        ('audit_trail', 'auditTrail'),
        ('pop_server_subdomain', 'popServerSubdomain'),
    ))),
    ('mail_prefixed', OrderedDict((
        ('jndi_name', 'mailSessionJndiName'),
        ('send_blacklist', 'mailSendBlacklist'),
        ('batch_size', 'mailBatchSize'),
        ('throws_exception_on_failure', 'mailThrowsExceptionOnFailure'),
        ('audit_trail', 'mailAuditTrail'),
        ('pop_server_subdomain', 'popServerSubdomain'),
    ))),
    ('first', OrderedDict((
        ('send_blacklist', 'mailSendBlacklist'),
        ('batch_size', 'mailBatchSize'),
        ('throws_exception_on_failure', 'mailThrowsExceptionOnFailure'),
        ('audit_trail', 'mailAuditTrail'),
        ('pop_server_subdomain', 'popServerSubdomain'),
    ))),
))
SYSTEM_SHAPES = tuple(SYSTEM_ATTRIBUTE_SHAPES)
# Names only one shape has: what tells the shapes apart in an existing file.
SHAPE_MARKERS = OrderedDict((
    ('current', frozenset(('jndiName', 'sendBlacklist', 'batchSize', 'throwsExceptionOnFailure', 'auditTrail'))),
    ('mail_prefixed', frozenset(('mailSessionJndiName',))),
    ('first', frozenset(('mailSessionMail', 'mailSessionMailSMTPAuth'))),
))
SYSTEM_OPTIONS = tuple(SYSTEM_ATTRIBUTE_SHAPES['current'])
# The system options besides jndi_name (which 7.4's properties and env_file backends write too).
SYSTEM_ONLY_OPTIONS = tuple(option for option in SYSTEM_OPTIONS if option != 'jndi_name')
# Types in the metatype: sendBlacklist is String[], throwsExceptionOnFailure boolean, the rest String.
SYSTEM_ARRAY_OPTIONS = frozenset(('send_blacklist',))
SYSTEM_BOOLEAN_OPTIONS = frozenset(('throws_exception_on_failure',))
SCOPES = ('instance', 'system')

# Validator.isEmailAddress's pattern (portal-kernel Validator._emailAddressPattern), ASCII only.
_ATOM = r"[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+"
_LABEL = r'[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?'
_EMAIL_RE = re.compile(r'^%s(?:\.%s)*@(?:%s\.)*%s$' % (_ATOM, _ATOM, _LABEL, _LABEL))
_CONTROL_RE = re.compile('[\x00-\x1f\x7f\u0085\u2028\u2029]')
_JNDI_RE = re.compile(r'^[A-Za-z0-9_.:/\-]+$')
_SUBDOMAIN_RE = re.compile(r'^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$')


def surface_argument_spec():
    """The options of this file that mail_settings takes."""
    return dict(
        sender=dict(type='dict', options=dict(
            name=dict(type='str'),
            address=dict(type='str', required=True),
        )),
        jndi_name=dict(type='str'),
        override_jndi_session=dict(type='bool', default=False),
        scope=dict(type='str', choices=list(SCOPES)),
        send_blacklist=dict(type='list', elements='str'),
        batch_size=dict(type='int'),
        throws_exception_on_failure=dict(type='bool'),
        audit_trail=dict(type='list', elements='str'),
        pop_server_subdomain=dict(type='str'),
        system_config_shape=dict(type='str', choices=list(SYSTEM_SHAPES)),
    )


def is_email_address(value):
    """Whether Liferay's Validator.isEmailAddress would accept ``value``."""
    return bool(value) and bool(_EMAIL_RE.match(value)) and len(value) <= 254


def validate_address(option, value):
    if value is None or value == '':
        raise SettingsError(option, 'must not be empty: give an e-mail address such as portal@example.com')
    if value != value.strip() or _CONTROL_RE.search(value):
        raise SettingsError(option, 'has whitespace or a control character: give a bare e-mail address such as '
                            'portal@example.com')
    if not is_email_address(value):
        raise SettingsError(option, 'is not an e-mail address Liferay accepts (Validator.isEmailAddress): give '
                            'local-part@domain, e.g. portal@example.com, without a display name or <>')
    return value


def _validate_name(option, value):
    if value is None:
        return None
    if _CONTROL_RE.search(value):
        raise SettingsError(option, 'contains a line break or another control character: remove it')
    if value != value.strip() or not value:
        raise SettingsError(option, 'is empty or has leading or trailing whitespace, which Liferay trims: remove it')
    return value


def _validate_jndi(value):
    if value is None:
        return None
    if not value or not _JNDI_RE.match(value):
        raise SettingsError('jndi_name', 'is not a JNDI name: give the name the application server binds the '
                            'javax.mail.Session to, e.g. mail/MailSession (letters, digits, "/", ":", ".", "-", "_")')
    return value


class Surface:
    """Validated sender, JNDI and system-scoped options. Build it with ``from_params``."""

    def __init__(self, sender=None, jndi_name=None, override_jndi_session=False, system=None):
        self.sender = sender
        self.jndi_name = jndi_name
        self.override_jndi_session = override_jndi_session
        self.system = system or OrderedDict()

    @classmethod
    def from_params(cls, params):
        sender = None
        given = params.get('sender')
        if given is not None:
            sender = OrderedDict()
            name = _validate_name('sender.name', given.get('name'))
            if name is not None:
                sender[SENDER_NAME] = name
            sender[SENDER_ADDRESS] = validate_address('sender.address', given.get('address'))
        system = OrderedDict()
        for option in SYSTEM_OPTIONS:
            value = params.get(option)
            if value is None:
                continue
            if option == 'jndi_name':
                value = _validate_jndi(value)
            elif option == 'send_blacklist':
                value = [validate_address('send_blacklist', entry) for entry in value]
            elif option == 'batch_size':
                if isinstance(value, bool) or int(value) < 0:
                    raise SettingsError('batch_size', 'must be 0 (every recipient in one request) or a positive '
                                        'number of recipients per request')
                value = str(int(value))
            elif option == 'audit_trail':
                value = ','.join(validate_address('audit_trail', entry) for entry in value)
            elif option == 'pop_server_subdomain':
                if not _SUBDOMAIN_RE.match(value):
                    raise SettingsError('pop_server_subdomain', 'is not a DNS label: give the subdomain of the '
                                        'reply addresses Liferay generates, e.g. events (letters, digits, "-")')
            system[option] = value
        return cls(sender, _validate_jndi(params.get('jndi_name')), bool(params.get('override_jndi_session')), system)

    def check_backend(self, backend, params):
        """Refuse the system-scoped options and ``scope`` where the backend cannot write them."""
        if backend == 'osgi_config':
            return
        if params.get('scope') is not None:
            raise SettingsError('scope', 'applies to backend osgi_config only (the 2025.Q4 OSGi configuration); leave '
                                'it out for backend %s' % backend)
        for option in SYSTEM_ONLY_OPTIONS + ('system_config_shape',):
            if params.get(option) is not None:
                raise SettingsError(option, 'is an attribute of the 2025.Q4 MailSettingSystemConfiguration, written by '
                                    'backend osgi_config with scope system; backend %s does not write it' % backend)

    def owned_keys(self):
        """The portal property keys whose options were given (read, written and removed by a backend)."""
        keys = []
        if self.sender is not None:
            keys.extend((SENDER_NAME, SENDER_ADDRESS))
        if self.jndi_name is not None:
            keys.append(JNDI_NAME)
        return tuple(keys)

    def check_jndi(self, has_servers):
        """jndi_name beside smtp/pop needs override_jndi_session (docs/liferay-model.md §10.2)."""
        if self.jndi_name is not None and has_servers and not self.override_jndi_session:
            raise SettingsError('jndi_name', 'is given together with smtp/pop: Liferay then takes the application '
                                "server's session and overwrites its host, port, user, password, protocols and "
                                'STARTTLS with these settings (mail.session.mail=true), so the server\'s own are lost; '
                                'leave smtp/pop out to use the JNDI session as it is, or set override_jndi_session: '
                                'true if both are intended')

    def portal_keys(self, mail_keys):
        """The portal property map to write: the mail session keys (or None without smtp), then ours.

        With jndi_name and no smtp, mail.session.mail=false makes Liferay use the JNDI session as is.
        """
        keys = OrderedDict()
        if mail_keys is not None:
            keys.update(mail_keys)
        elif self.jndi_name is not None:
            keys['mail.session.mail'] = 'false'
        if self.sender is not None:
            keys[SENDER_NAME] = self.sender.get(SENDER_NAME)
            keys[SENDER_ADDRESS] = self.sender[SENDER_ADDRESS]
            if keys[SENDER_NAME] is None:
                del keys[SENDER_NAME]
        if self.jndi_name is not None:
            keys[JNDI_NAME] = self.jndi_name
        return keys

    def system_attributes(self, shape):
        """attribute -> text of the system-scoped options for one attribute-name ``shape``."""
        names = SYSTEM_ATTRIBUTE_SHAPES[shape]
        attributes = OrderedDict()
        for option, value in self.system.items():
            if option not in names:
                continue  # the first shape has no JNDI attribute: the backend refuses jndi_name there
            if option in SYSTEM_ARRAY_OPTIONS:
                attributes[names[option]] = list(value)
            elif option in SYSTEM_BOOLEAN_OPTIONS:
                attributes[names[option]] = 'true' if value else 'false'
            else:
                attributes[names[option]] = value
        return attributes


def detect_shape(attribute_names, strict=False):
    """The attribute-name shape that ``attribute_names`` (of a system .config file or a metatype) use, or None.

    The first and the mail_prefixed shapes share their mail* names; a file holding only those is
    reported as mail_prefixed (both write them alike), or None when ``strict``.
    """
    names = set(attribute_names)
    for shape, markers in SHAPE_MARKERS.items():
        if names & markers:
            return shape
    if names & set(SYSTEM_ATTRIBUTE_SHAPES['first'].values()) - {'popServerSubdomain'}:
        return None if strict else 'mail_prefixed'
    return None
