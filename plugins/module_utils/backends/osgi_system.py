# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: osgi_config`` with ``scope: system``: the 2025.Q4 ``MailSettingSystemConfiguration``.

The system-scoped PID holds what is the same for every instance: the JNDI name of an application
server's mail session, the send blacklist, the batch size, whether a failed send throws, the audit
trail (BCC) and the POP server subdomain (docs/liferay-model.md §10.3). It is written beside the
company configuration by the osgi_config backend, in the same task, as one more FileBackend: check
mode, the masked diff, backup, mode 0600 for a new file and the lock come from backends/base.py.

Its attribute names changed between 2025 builds (surface.SYSTEM_ATTRIBUTE_SHAPES): the shape is
``system_config_shape`` when given, else the one an existing file uses, else ``current`` (the newest
source). Only the attributes of the options given are managed; every other attribute is kept, and
``state: absent`` removes the managed ones (the file when nothing else is left).

When it takes effect (liferay/liferay-portal, mail-messaging-impl ``MailServiceImpl`` and
``MailMessageListener``): both components re-read the configuration in ``@Modified``, so the
blacklist, batch size, failure behaviour and audit trail apply to the next mail. ``getSession``
returns a cached session before it looks at ``jndiName`` and the modification clears no session,
so a JNDI name set or changed takes effect once the sessions are cleared: ``restart_required``.
"""

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.osgi_file import OsgiFileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import read_config_file
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.osgi_config import (
    SCALAR,
    config_bool,
    config_string,
    config_string_array,
    render_value,
    same_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import (
    SYSTEM_ARRAY_OPTIONS,
    SYSTEM_ATTRIBUTE_SHAPES,
    SYSTEM_BOOLEAN_OPTIONS,
    SYSTEM_CONFIG_FILE,
    detect_shape,
)

# Array items are shown joined with this in diffs and results (an e-mail address Liferay accepts has no comma).
ARRAY_SEPARATOR = ','


def _kind_of(shape, name):
    """'array', 'boolean' or 'string': the metatype type of attribute ``name`` in ``shape``."""
    for option, attribute in SYSTEM_ATTRIBUTE_SHAPES[shape].items():
        if attribute == name:
            if option in SYSTEM_ARRAY_OPTIONS:
                return 'array'
            if option in SYSTEM_BOOLEAN_OPTIONS:
                return 'boolean'
    return 'string'


def system_attribute_text(shape, name, value):
    """The meaning Liferay gets from one attribute of the system configuration, as text."""
    if value is None:
        return None
    kind = _kind_of(shape, name)
    if value.kind != SCALAR:
        items = value.value
        if kind == 'array':
            return ARRAY_SEPARATOR.join(items)
        return render_value(value)
    if kind == 'boolean':
        return 'true' if value.value.strip().lower() == 'true' else 'false'
    if kind == 'array':
        # A plain string where Liferay expects String[]: one element (Configurable's conversion).
        return value.value
    return value.value


def system_config_value(shape, name, text):
    """The typed value written for one attribute."""
    kind = _kind_of(shape, name)
    if kind == 'array':
        return config_string_array([item for item in text.split(ARRAY_SEPARATOR) if item] if text else [])
    if kind == 'boolean':
        return config_bool(text == 'true')
    return config_string(text)


class SystemConfigBackend(OsgiFileBackend):
    """``<osgi_configs_dir>/com.liferay.mail.settings.configuration.MailSettingSystemConfiguration.config``."""

    secret_keys = frozenset()
    credential_identity = OrderedDict()

    def __init__(self, module, settings, directory):
        super().__init__(module, settings)
        self.directory = directory
        self.shape = None
        self.shape_source = None
        self.layer_name = 'MailSettingSystemConfiguration'

    @property
    def names(self):
        """option -> attribute of the options given, in the chosen shape."""
        mapping = SYSTEM_ATTRIBUTE_SHAPES[self.shape]
        return OrderedDict((option, mapping[option]) for option in self.surface.system if option in mapping)

    @property
    def key_order(self):
        return tuple(self.names.values()) if self.shape else ()

    # --- target -------------------------------------------------------------------------
    def resolve_target(self):
        self.set_path(os.path.join(self.directory, SYSTEM_CONFIG_FILE))
        self.layer_name = 'MailSettingSystemConfiguration'
        existing = read_config_file(self.path) if os.path.isdir(self.directory) else None
        self.shape, self.shape_source = self._shape(existing)

    def _shape(self, document):
        names = [name for name in document.attributes if not name.startswith(':')] if document is not None else []
        detected = detect_shape(names, strict=True)
        explicit = self.params.get('system_config_shape')
        if explicit:
            if detected is not None and detected != explicit:
                raise BackendError('system_config_shape: %s uses the attribute names of shape %s, not %s: check which '
                                   'Liferay build runs there, or leave system_config_shape out to follow the file'
                                   % (self.path, detected, explicit))
            return explicit, 'given'
        if detected is not None:
            return detected, 'detected'
        if detect_shape(names) is not None:
            # Only the mail* names the first and the mail_prefixed shapes share: either build.
            if 'jndi_name' in self.surface.system:
                raise BackendError('system_config_shape: %s holds only attribute names that the first and the '
                                   'mail_prefixed shapes of MailSettingSystemConfiguration share, so whether this '
                                   'build reads mailSessionJndiName cannot be told: set system_config_shape '
                                   '(mail_prefixed, or first for a build without a JNDI attribute)' % self.path)
            return 'mail_prefixed', 'detected'
        return 'current', 'default'

    # --- file hooks ---------------------------------------------------------------------
    def values(self):
        values = OrderedDict()
        for name in self.key_order:
            text = system_attribute_text(self.shape, name, self.document.get(name))
            if text is not None:
                values[name] = text
        return values

    def desired_values(self):
        desired = OrderedDict()
        for name, value in self.surface.system_attributes(self.shape).items():
            desired[name] = ARRAY_SEPARATOR.join(value) if isinstance(value, list) else value
        return desired

    def check(self, desired):
        if 'jndi_name' in self.surface.system and 'jndi_name' not in SYSTEM_ATTRIBUTE_SHAPES[self.shape]:
            raise BackendError('jndi_name: the %s shape of MailSettingSystemConfiguration (%s) has no JNDI attribute, '
                               'so that Liferay build cannot use a JNDI session from the OSGi configuration; leave '
                               'jndi_name out, or set system_config_shape if the build is a newer one'
                               % (self.shape, 'given' if self.shape_source == 'given' else 'detected in %s' % self.path))
        self.check_values(desired)

    def config_value(self, name, text):
        return system_config_value(self.shape, name, text)

    def option_for(self, key):
        return dict((attribute, option) for option, attribute in self.names.items()).get(key, key)

    def holds(self, key, value):
        return key not in self.document.unstable and \
            same_value(self.document.get(key), system_config_value(self.shape, key, value))

    def should_delete(self):
        return self.params.get('state') == 'absent' and not self.foreign_attributes()

    def restart_required(self):
        jndi = SYSTEM_ATTRIBUTE_SHAPES[self.shape].get('jndi_name')
        if not (self.changed and jndi) or self.after is None:
            return False
        # A cached session is returned before jndiName is read; removing the name needs no restart, as a
        # session looked up in JNDI is never cached.
        return bool(self.after.get(jndi)) and self.before.get(jndi) != self.after.get(jndi)

    def report(self):
        result = super().report()
        result.update(scope='system', system_config_shape=self.shape, system_config_shape_source=self.shape_source)
        return result
