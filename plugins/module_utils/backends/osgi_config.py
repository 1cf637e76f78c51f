# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: osgi_config``: the OSGi configuration of mail settings (Liferay DXP 2025.Q4+ / Portal 2026).

Liferay reads ``com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration``
for every instance: the instance's factory configuration
(``<PID>.scoped~<name>.config`` holding ``companyId=L"<id>"``, or the portable
``companyWebId="<web id>"``) if there is one, else the system-wide ``<PID>.config``,
else the metatype defaults (docs/liferay-model.md §7, §8). When several files configure
one instance, the most recently updated one wins. Configuration handlers clear the
cached mail session when a file is written, so a written file applies without a
restart; deleting a scoped file does not clear it (docs/liferay-model.md §8).

This backend works in attribute space: the maps it reads, plans and dumps are
attribute name -> text ('true'/'false' for the two booleans), so diffs and the
``settings`` result show ``outgoingSMTPServer=...`` rather than portal property keys.
Values are compared by meaning (``outgoingSMTPPort=I"587"`` equals ``"587"``),
never by bytes, and attributes this module does not manage are kept.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import glob
import os
import re
import stat
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import (
    apply_file_attributes,
    lock_directory,
    read_existing,
    unlock,
    write_atomically,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.backends import Backend, BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.osgi_config_file import (
    SCALAR,
    OsgiConfigDocument,
    OsgiConfigError,
    check_config_value,
    config_bool,
    config_long,
    config_string,
    parse_config,
    render_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal_api import PortalApiError, PortalClient
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    OPTION_FOR_KEY,
    OSGI_ATTRIBUTES,
    OSGI_BOOLEAN_ATTRIBUTES,
    OSGI_SECRET_ATTRIBUTES,
)

COMPANY_PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SYSTEM_FILE = COMPANY_PID + '.config'
SCOPED_PREFIX = COMPANY_PID + '.scoped~'
COMPANY_ID = 'companyId'
# ExtendedObjectClassDefinition.Scope.COMPANY.getPortablePropertyKey() (docs/liferay-model.md §7): the
# web id names the instance. 'webId' is read too, in case a build spells the key that way.
PORTABLE_COMPANY_KEYS = ('companyWebId', 'webId')
MANAGED_ATTRIBUTES = tuple(OSGI_ATTRIBUTES.values())
_OPTION_FOR_ATTRIBUTE = dict((attribute, OPTION_FOR_KEY[key]) for key, attribute in OSGI_ATTRIBUTES.items())


# Attributes Configuration Admin / FileInstall may add for their own bookkeeping:
# a file holding only these besides ours is still "ours" to delete.
_BOOKKEEPING = frozenset(('service.pid', 'service.factoryPid', 'service.bundleLocation', 'felix.fileinstall.filename'))
_NAME_UNSAFE_RE = re.compile(r'[^a-z0-9._-]+')
# Module jars of the mail settings API. Quarterly releases ship module jars one by one
# under osgi/ (7.4 packed them into .lpkg files); their presence is a 2025.Q4+ sign.
_MAIL_SETTINGS_JARS = ('osgi/*/com.liferay.mail.settings.api*.jar', 'osgi/*/com.liferay.mail.settings.impl*.jar')


def scoped_file_name(name):
    """``<PID>.scoped~<name>.config`` for a web id (or any label), made safe for a file name.

    FileInstall splits the PID from the factory name at the first '~' and only strips
    the last '.config', so dots and dashes may stay; anything else becomes '_'.
    """
    label = _NAME_UNSAFE_RE.sub('_', (name or '').strip().lower()).strip('._')
    if not label:
        raise BackendError('company_web_id: %r gives no usable configuration file name' % (name,))
    return '%s%s.config' % (SCOPED_PREFIX, label)


def configs_dir(params):
    """``osgi_configs_dir``, else ``<liferay_home>/osgi/configs``."""
    if params.get('osgi_configs_dir'):
        return params['osgi_configs_dir']
    if params.get('liferay_home'):
        return os.path.join(params['liferay_home'], 'osgi', 'configs')
    raise BackendError('osgi_configs_dir: backend osgi_config needs osgi_configs_dir (or liferay_home) '
                       'to know where the .config files live')


def read_config_file(path):
    """Parse one .config file; None when it does not exist. Errors name the file and never a value."""
    data = read_existing(path, 'osgi_configs_dir')
    if data is None:
        return None
    try:
        return parse_config(data)
    except OsgiConfigError as exc:
        raise BackendError('osgi_configs_dir: %s cannot be edited safely (%s); Liferay does not read it as '
                           'written: fix or remove it (docs/liferay-model.md §6)' % (path, exc))


def _scalar_text(value):
    if value.kind != SCALAR:
        return render_value(value)
    return value.value


def attribute_text(name, value):
    """The meaning Liferay gets from one attribute, as text: 'true'/'false' for booleans."""
    if value is None:
        return None
    text = _scalar_text(value)
    if name in OSGI_BOOLEAN_ATTRIBUTES and value.kind == SCALAR:
        # Boolean.valueOf / GetterUtil: "true" in any case is true, anything else false.
        return 'true' if text.strip().lower() == 'true' else 'false'
    if name == COMPANY_ID and value.kind == SCALAR:
        return text.strip()
    return text


def config_value(name, text):
    """The typed value written for one attribute."""
    if name in OSGI_BOOLEAN_ATTRIBUTES:
        return config_bool(text == 'true')
    if name == COMPANY_ID:
        return config_long(int(text))
    # Every other attribute of MailSettingCompanyConfiguration is a String, ports included.
    return config_string(text)


def company_of(document):
    """The companyId a scoped configuration applies to, or None."""
    value = document.get(COMPANY_ID)
    if value is None or value.kind != SCALAR:
        return None
    try:
        return int(value.value.strip())
    except ValueError:
        return None


def web_id_of(document):
    """The web id a scoped configuration names with the portable key, or None."""
    for key in PORTABLE_COMPANY_KEYS:
        value = document.get(key)
        if value is not None and value.kind == SCALAR and value.value.strip():
            return value.value.strip()
    return None


def _update_order(path):
    """Liferay uses the most recently updated configuration; the file's mtime stands for that."""
    try:
        return (os.stat(path).st_mtime_ns, os.path.basename(path))
    except OSError:
        return (0, os.path.basename(path))


def scoped_files_for(directory, company_id, web_id=None):
    """Scoped mail configuration files in ``directory`` for one instance, the one Liferay uses last.

    A file belongs to the instance when its companyId is ``company_id`` or, without a companyId, its
    portable key names ``web_id``.
    """
    found = []
    for path in glob.glob(os.path.join(glob.escape(directory), glob.escape(SCOPED_PREFIX) + '*.config')):
        document = read_config_file(path)
        if document is None:
            continue
        owner = company_of(document)
        if owner is not None:
            if company_id is not None and owner == int(company_id):
                found.append(path)
        elif web_id and web_id_of(document) == web_id:
            found.append(path)
    return sorted(found, key=_update_order)


def find_osgi_layer(configs_dir, company_id=None, web_id_file_name=None):
    """(path, OsgiConfigDocument) of the configuration Liferay uses for one instance, or (None, None).

    Order as Liferay reads it: the instance's scoped file (found by ``companyId``, else by the
    file name made from ``web_id_file_name``, a web id), else the system-wide file.
    """
    candidates = []
    if company_id is not None or web_id_file_name:
        web_id = web_id_file_name if web_id_file_name and not web_id_file_name.endswith('.config') else None
        candidates.extend(reversed(scoped_files_for(configs_dir, company_id, web_id)))
    if web_id_file_name:
        name = web_id_file_name if web_id_file_name.endswith('.config') else scoped_file_name(web_id_file_name)
        candidates.append(os.path.join(configs_dir, name))
    candidates.append(os.path.join(configs_dir, SYSTEM_FILE))
    for path in candidates:
        document = read_config_file(path)
        if document is not None:
            return path, document
    return None, None


def read_osgi_layer(configs_dir, company_id=None, web_id_file_name=None):
    """Attribute -> Python value (str, bool, int or list) of the winning mail configuration file.

    Every attribute of that file is returned, unknown ones and ``companyId`` included;
    passwords are returned as stored (the caller masks them). An empty dict when no
    file applies (Liferay then uses the metatype defaults). Raises BackendError when
    the winning file cannot be read or parsed.
    """
    path, document = find_osgi_layer(configs_dir, company_id, web_id_file_name)
    if document is None:
        return OrderedDict()
    return document.to_python()


def detect_liferay_version(directory, liferay_home=None):
    """'2025.q4' when the node shows a sign of the OSGi mail configuration, else None.

    Signs: a MailSettingCompanyConfiguration .config file (that PID exists only from
    2025.Q4), or a mail settings module jar in ``<liferay_home>/osgi/*/``. Nothing marks
    a 7.4 node reliably, so 7.4 is never guessed.
    """
    if os.path.isdir(directory):
        if os.path.exists(os.path.join(directory, SYSTEM_FILE)) or \
                glob.glob(os.path.join(glob.escape(directory), glob.escape(SCOPED_PREFIX) + '*.config')):
            return '2025.q4'
    if liferay_home:
        for pattern in _MAIL_SETTINGS_JARS:
            if glob.glob(os.path.join(glob.escape(liferay_home), pattern)):
                return '2025.q4'
    return None


class OsgiConfigBackend(Backend):
    layer_name = 'MailSettingCompanyConfiguration'
    key_order = (COMPANY_ID,) + MANAGED_ATTRIBUTES

    def __init__(self, module, settings):
        super(OsgiConfigBackend, self).__init__(module, settings)
        self.directory = os.path.abspath(configs_dir(self.params))
        self.liferay_version = self._liferay_version()
        self.company_id = self.params.get('company_id')
        self.web_id = self.params.get('company_web_id')
        self.scoped = self.company_id is not None or bool(self.web_id)
        self.path = None
        self.document = None
        self.exists = False
        self.client = None
        self.deleted_scoped = False

    # --- target -------------------------------------------------------------------------
    def _liferay_version(self):
        version = self.params.get('liferay_version')
        liferay_home = self.params.get('liferay_home')
        if version is None:
            version = detect_liferay_version(self.directory, liferay_home)
            if version is None:
                raise BackendError(
                    'liferay_version: cannot tell whether %s belongs to Liferay DXP 2025.Q4+ / Portal 2026 (no mail '
                    'settings .config file or module jar found): set liferay_version: 2025.q4 for such a portal, or use '
                    'backend properties or api for Liferay 7.4' % self.directory)
        if version != '2025.q4':
            raise BackendError(
                'liferay_version: backend osgi_config writes %s, which Liferay %s does not have, so the file would '
                'be ignored: use backend properties or api for Liferay 7.4 (or set liferay_version: 2025.q4 if the '
                'portal is DXP 2025.Q4+ / Portal 2026)' % (COMPANY_PID, version))
        return version

    def _resolve_target(self):
        """Pick the file to edit and the companyId it must hold."""
        if not self.scoped:
            self.path = os.path.join(self.directory, SYSTEM_FILE)
            self.layer_name = self.path
            return
        named = os.path.join(self.directory, scoped_file_name(self.web_id or str(self.company_id)))
        if self.company_id is None:
            document = read_config_file(named)
            if document is not None and company_of(document) is not None:
                self.company_id = company_of(document)
            elif self.web_id and scoped_files_for(self.directory, None, self.web_id):
                self.company_id = None  # a file names the instance by its web id (the portable key)
            elif self.params.get('state') == 'absent' and not self.params.get('portal_url'):
                self.company_id = None
            else:
                self.company_id = self._look_up_company_id()
        self.path = named
        holders = scoped_files_for(self.directory, self.company_id, self.web_id)
        if len(holders) > 1:
            # getConfiguration returns the last of the list: the most recently updated configuration.
            self.module.warn('%d configuration files apply to instance %s: %s; Liferay uses the most recently '
                             'updated one, %s, which this task edits: remove the others'
                             % (len(holders), self.web_id or self.company_id,
                                ', '.join(os.path.basename(p) for p in holders), os.path.basename(holders[-1])))
        if holders:
            # An instance configured elsewhere (Instance Settings export, by hand) keeps its file.
            self.path = holders[-1]
        elif self.company_id is not None:
            document = read_config_file(named)
            other = company_of(document) if document is not None else None
            if other not in (None, self.company_id):
                raise BackendError('company_web_id: %s holds companyId %d, not %d: it belongs to another '
                                   'instance; check company_web_id/company_id' % (named, other, self.company_id))
        self.layer_name = self.path

    def _look_up_company_id(self):
        if not (self.params.get('portal_url') and self.params.get('api_user') and self.params.get('api_password')):
            raise BackendError('company_web_id: the company ID of instance %r is not known here: give company_id, or '
                               'portal_url, api_user and api_password so it can be looked up' % self.web_id)
        try:
            self.client = PortalClient(self.params)
            return self.client.company_id(self.web_id)
        except PortalApiError as error:
            raise BackendError(error.message)

    # --- contract -----------------------------------------------------------------------
    def run(self):
        self._prepare_directory()
        lock = lock_directory(self.module, self.directory)
        try:
            self._resolve_target()
            result = super(OsgiConfigBackend, self).run()
            result.update(self._file_attributes())
        finally:
            unlock(lock)
        if self.deleted_scoped:
            self.module.warn('%s is %s, but Liferay keeps the mail session built from it until the portal '
                             'restarts: the scoped configuration handler does not clear the session when its '
                             'configuration is deleted' % (self.path, 'to be removed' if self.module.check_mode
                                                           else 'removed'))
        result.update(
            path=self.path,
            scope='instance' if self.scoped else 'system',
            company_id=self.company_id,
            liferay_version=self.liferay_version,
        )
        return result

    def _prepare_directory(self):
        if os.path.isdir(self.directory):
            return
        parent = os.path.dirname(self.directory)
        if not os.path.isdir(parent):
            raise BackendError('osgi_configs_dir: %s does not exist (nor its parent %s): give the osgi/configs '
                               'directory of the Liferay home, or correct liferay_home' % (self.directory, parent))
        if self.module.check_mode or self.params.get('state') == 'absent':
            return
        try:
            os.mkdir(self.directory, 0o755)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise BackendError('osgi_configs_dir: cannot create %s (%s)' % (self.directory, exc.strerror))

    def read(self):
        self.document = read_config_file(self.path)
        self.exists = self.document is not None
        if self.document is None:
            self.document = OsgiConfigDocument()
            return OrderedDict()
        current = OrderedDict()
        for name in self.key_order:
            text = attribute_text(name, self.document.get(name))
            if text is not None:
                current[name] = text
        return current

    def plan(self, current):
        if self.params.get('state') == 'absent':
            desired = OrderedDict((name, None) for name in current)
            if COMPANY_ID in current and self._foreign_attributes():
                # Other instance-scoped settings stay in the file; they still need their companyId.
                desired[COMPANY_ID] = current[COMPANY_ID]
            return desired
        desired = OrderedDict()
        if self.scoped and self.company_id is not None:
            desired[COMPANY_ID] = str(self.company_id)
        for key, value in self.settings.portal_properties().items():
            name = OSGI_ATTRIBUTES.get(key)
            if name is not None:  # mail.session.mail has no counterpart: the configuration is always structured
                desired[name] = value
        if self.params.get('update_password') == 'on_create':
            for name in OSGI_SECRET_ATTRIBUTES:
                if name in desired and current.get(name):
                    desired[name] = current[name]
        for name, text in desired.items():
            try:
                check_config_value(name, config_value(name, text))
            except OsgiConfigError as exc:
                # Nothing is written: the value would not reach the mail session as given.
                raise BackendError('%s: %s' % (_OPTION_FOR_ATTRIBUTE.get(name, name), exc.reason))
        return desired

    def _foreign_attributes(self):
        """Attributes of the file that this module does not manage."""
        ours = set(self.key_order) | _BOOKKEEPING
        return [name for name in self.document.attributes if name not in ours and not name.startswith(':')]

    def needs_write(self, before, desired):
        unstable = [name for name in desired if name in self.document.unstable]
        if unstable and desired[unstable[0]] is not None:
            self.module.warn('%s: %s depend on JVM system properties (${...}) as written, so Liferay may read '
                             'them differently; this task writes them escaped'
                             % (self.path, ', '.join(sorted(unstable))))
        changed = bool(unstable) or any(before.get(name) != desired[name] for name in desired)
        # state=absent deletes a file that holds nothing but what this module manages.
        self.deleted_scoped = bool(changed and self.scoped and self.exists and self.params.get('state') == 'absent'
                                   and not self._foreign_attributes())
        return changed

    def restart_required(self):
        # Configuration handlers clear the mail session when a file is written (2025.Q4+); the scoped
        # handler has no @Deactivate, so deleting a scoped file leaves the session as it was
        # (docs/liferay-model.md §8).
        return self.deleted_scoped

    def write(self, desired):
        for name, text in desired.items():
            if text is None:
                self.document.remove(name)
            else:
                self.document.set(name, config_value(name, text))
        if self.params.get('state') == 'absent' and not self._foreign_attributes() and \
                all(name not in self.document.attributes for name in MANAGED_ATTRIBUTES):
            self._delete()
        else:
            self._atomic_write(self.document.to_text().encode('utf-8'))

    def _delete(self):
        if self.params.get('backup') and self.exists:
            self.extra['backup_file'] = self.module.backup_local(self.path)
        try:
            os.unlink(self.path)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise BackendError('osgi_configs_dir: cannot remove %s (%s)' % (self.path, exc.strerror))
        self.exists = False

    def _atomic_write(self, data):
        # The temporary name starts with '.' and does not end in .config, so FileInstall never reads it;
        # neither does it read a backup, whose name ends in '~'.
        backup = write_atomically(self.module, self.path, data, self.exists, 'osgi_configs_dir',
                                  backup=self.params.get('backup'))
        if backup:
            self.extra['backup_file'] = backup
        self.exists = True

    def _file_attributes(self):
        """owner/group/mode options on the file; a warning when others may read stored passwords."""
        if not os.path.exists(self.path):
            return {}
        changed = apply_file_attributes(self.module, self.path, self.changed)
        mode = stat.S_IMODE(os.stat(self.path).st_mode)
        if mode & 0o077 and any(self.document.get(name) is not None and _scalar_text(self.document.get(name))
                                for name in OSGI_SECRET_ATTRIBUTES):
            self.module.warn('%s holds a password in plain text and is readable by group or others (mode %04o): '
                             'set mode: "0600"' % (self.path, mode))
        return {'changed': bool(changed)}
