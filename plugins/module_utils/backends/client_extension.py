# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``backend: client_extension``: the mail settings as an ``instanceSettings`` client extension (Liferay SaaS).

On Liferay SaaS an instance is configured as code through client extensions: an entry
of type ``instanceSettings`` in a workspace's ``client-extension.yaml`` names a
configuration PID and holds its attributes (docs/liferay-model.md §11). This backend
writes one such entry, ``client_extension_id``, for
``com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration`` with the
attributes the ``osgi_config`` backend writes into a ``.config`` file. The instance it
applies to is the one the client extension is deployed to.

The file is edited with formats/client_extension.py: only the managed keys of the one
entry change; other entries, other keys, comments and line endings stay byte for byte,
and a file it cannot edit safely is refused. Booleans are written as YAML booleans,
every other attribute (ports included, which are Strings in the configuration) as a
string.

Passwords: the file is meant to live in a Git repository, and Liferay offers no secret
reference that an ``instanceSettings`` value resolves (docs/saas.md). So a password is
written only with ``client_extension_secrets: inline``; otherwise the run fails before
anything is written, naming that option.
"""

import os
import re
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import FileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, ClientExtensionError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.client_extension import (
    BOOL,
    INSTANCE_SETTINGS,
    STR,
    ClientExtensionFile,
    check_entry_id,
    emit_scalar,
    read_client_extension,
    scalar_text,
    typed_values,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import read_existing
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import COMPANY_PID, MANAGED_ATTRIBUTES
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import password_values
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    OPTION_FOR_OSGI_ATTRIBUTE,
    OSGI_ATTRIBUTES,
    OSGI_BOOLEAN_ATTRIBUTES,
    OSGI_CREDENTIAL_IDENTITY,
    OSGI_SECRET_ATTRIBUTES,
)

FILE_NAME = 'client-extension.yaml'
DEFAULT_ID = 'mail-instance-settings'

_ADVANCED = OSGI_ATTRIBUTES['mail.session.mail.advanced.properties']
# A reference to a secret in Liferay's SecretManager, which MailServiceImpl resolves (SecretResolver) in the
# newest builds; it names a secret and is no secret itself (docs/saas.md).
SECRET_REFERENCE_RE = re.compile(r'\$\{secretRef:[^{}\s]+\}\Z')


def client_extension_path(params):
    """``client_extension_file``; a directory stands for the client-extension.yaml in it."""
    path = params.get('client_extension_file')
    if not path:
        raise BackendError('client_extension_file: backend client_extension needs client_extension_file, the '
                           'client-extension.yaml to write (or the directory of the client extension)',
                           'client_extension_file')
    if os.path.isdir(path):
        path = os.path.join(path, FILE_NAME)
    return path


class ClientExtensionBackend(FileBackend):
    file_option = 'client_extension_file'
    key_order = MANAGED_ATTRIBUTES
    secret_keys = OSGI_SECRET_ATTRIBUTES
    credential_identity = OSGI_CREDENTIAL_IDENTITY

    def __init__(self, module, settings):
        params = module.params
        self.entry_id = params.get('client_extension_id') or DEFAULT_ID
        check_entry_id(self.entry_id)
        self._refuse_options(params, settings)
        super().__init__(module, settings, client_extension_path(params))
        self.secrets_mode = params.get('client_extension_secrets') or 'refuse'

    @staticmethod
    def _refuse_options(params, settings):
        for option in ('company_id', 'company_web_id'):
            if params.get(option) not in (None, '', []):
                raise BackendError(
                    '%s: backend client_extension does not choose the instance: an instanceSettings client extension '
                    'configures the virtual instance it is deployed to (the workspace property '
                    'liferay.virtual.instance.id); leave %s out' % (option, option), option)
        if params.get('liferay_version') == '7.4':
            raise BackendError('liferay_version: %s exists from Liferay DXP 2025.Q4 on (Liferay SaaS runs the '
                               'latest release); Liferay 7.4 would ignore the client extension' % COMPANY_PID,
                               'liferay_version')
        if params.get('scope') == 'system':
            raise BackendError('scope: an instanceSettings client extension configures one virtual instance; '
                               'system scope is not available on Liferay SaaS', 'scope')
        if getattr(settings, 'microsoft365', None) is not None:
            raise BackendError('microsoft365: backend client_extension does not write the Microsoft 365 connector '
                               'yet; configure it in Instance Settings > Email > Microsoft 365 (or use backend '
                               'osgi_config on a self-hosted portal)', 'microsoft365')

    # --- file hooks ---------------------------------------------------------------------
    def load(self, path):
        data = read_existing(path, self.file_option, FILE_NAME)
        if data is None:
            return None
        document = read_client_extension(data, self.entry_id, path)
        if document.has_entry:
            self._check_entry(document, path)
        return document

    def _check_entry(self, document, path):
        kind = document.value('type')
        if kind is not None and kind != (STR, INSTANCE_SETTINGS):
            raise BackendError('client_extension_id: %s in %s is a client extension of type %s, not instanceSettings: '
                               'choose another client_extension_id' % (self.entry_id, path, scalar_text(kind)),
                               'client_extension_id')
        pid = document.value('pid')
        if pid is not None and pid != (STR, COMPANY_PID):
            raise BackendError('client_extension_id: %s in %s configures %s, not the mail settings: choose another '
                               'client_extension_id' % (self.entry_id, path, scalar_text(pid)), 'client_extension_id')

    def new_document(self):
        return ClientExtensionFile('', self.entry_id)

    def values(self):
        return OrderedDict((name, scalar_text(typed))
                           for name, typed in typed_values(self.document, MANAGED_ATTRIBUTES).items())

    def desired_values(self):
        return self.settings.osgi_attributes()

    def plan(self, current):
        desired = super().plan(current)
        if self.params.get('state') != 'absent':
            # A managed attribute the settings no longer give (POP left out) is removed, not left behind.
            for name in current:
                desired.setdefault(name, None)
        return desired

    def check(self, desired):
        if self.surface.sender is not None:
            raise BackendError('sender: the 2025.Q4 mail configuration has no sender; Liferay reads the default sender '
                               'from Instance Settings > Email > Email Sender: set it there', 'sender')
        if self.surface.jndi_name is not None:
            raise BackendError('jndi_name: Liferay SaaS provides no application server mail session; leave jndi_name '
                               'out', 'jndi_name')
        if self.secrets_mode != 'inline':
            self._refuse_secrets()
        for name, text in desired.items():
            if text is not None:
                emit_scalar(self._typed(name, text), self.option_for(name))

    def _refuse_secrets(self):
        given = [server for server in ('smtp', 'pop')
                 if (self.params.get(server) or {}).get('password')
                 and not SECRET_REFERENCE_RE.match(self.params[server]['password'])]
        if password_values(self.settings.portal_properties().get('mail.session.mail.advanced.properties')):
            given.append('javamail_properties')
        if not given:
            return
        option = '%s.password' % given[0] if given[0] != 'javamail_properties' else 'javamail_properties'
        raise BackendError(
            '%s: backend client_extension would write the password in plain text into %s, a file meant for a Git '
            'repository. Give a ${secretRef:...} reference instead where the portal resolves one, leave the password '
            'out (for a server that needs none), or set client_extension_secrets: inline to write it anyway and keep '
            'the file out of version control (render it from your vault in the pipeline that deploys the client '
            'extension); see the collection\'s SaaS guide' % (option, self.path), 'client_extension_secrets')

    def _typed(self, name, text):
        if name in OSGI_BOOLEAN_ATTRIBUTES:
            return (BOOL, text == 'true')
        return (STR, text)

    def holds(self, key, value):
        return self.document.value(key) == self._typed(key, value)

    def option_for(self, key):
        return OPTION_FOR_OSGI_ATTRIBUTE.get(key, key)

    def _frame_missing(self):
        return (self.document.value('type') != (STR, INSTANCE_SETTINGS)
                or self.document.value('pid') != (STR, COMPANY_PID))

    def needs_write(self, before, desired):
        if self.params.get('state') == 'absent':
            return self.document.has_entry
        return super().needs_write(before, desired) or self._frame_missing()

    def restart_required(self):
        # The configuration applies when the client extension is deployed; 2025.Q4's configuration handlers
        # clear the cached mail session then (docs/liferay-model.md §8).
        return False

    def apply(self, desired):
        if self.params.get('state') == 'absent':
            self.document.remove_entry()
            return
        if self.document.value('type') != (STR, INSTANCE_SETTINGS):
            self.document.set('type', (STR, INSTANCE_SETTINGS))
        if self.document.value('pid') != (STR, COMPANY_PID):
            self.document.set('pid', (STR, COMPANY_PID))
        for name, text in desired.items():
            if text is None:
                self.document.remove(name)
            elif not self.holds(name, text):
                self.document.set(name, self._typed(name, text), self.option_for(name))
        self._verify(desired)

    def _verify(self, desired):
        """Read the new text back: the entry must hold exactly what was planned."""
        reread = ClientExtensionFile(self.document.to_text(), self.entry_id)
        for name, text in list(desired.items()) + [('type', INSTANCE_SETTINGS), ('pid', COMPANY_PID)]:
            wanted = None if text is None else self._typed(name, text)
            if reread.value(name) != wanted:
                raise ClientExtensionError('%s: the edited %s would not read back as written; nothing was written'
                                           % (self.option_for(name), self.path))

    def should_delete(self):
        return self.params.get('state') == 'absent' and self.document.is_empty()

    def to_bytes(self):
        return self.document.to_text().encode('utf-8')

    def holds_secret(self):
        if any(scalar_text(self.document.value(name) or (STR, '')) for name in OSGI_SECRET_ATTRIBUTES):
            return True
        advanced = self.document.value(_ADVANCED)
        return bool(advanced and password_values(scalar_text(advanced)))

    def report(self):
        result = super().report()
        if self.params.get('state') != 'absent' and self.holds_secret() and self.secrets_mode == 'inline':
            self.module.warn('%s holds a password in plain text (client_extension_secrets: inline): keep it out of '
                             'version control and delete it once the client extension is deployed' % self.path)
        result.update(client_extension_id=self.entry_id, deploy_required=self.changed)
        return result
