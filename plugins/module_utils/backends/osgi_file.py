# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every backend that writes one OSGi ``.config`` file under ``osgi/configs`` shares.

The company mail configuration (osgi_config.py), the system mail configuration (osgi_system.py) and
the Microsoft 365 connector (microsoft365.py) each fill in which attributes they manage and how an
option's text becomes a typed value (``config_value``); the directory, the document, the attributes
kept for other owners and the checks of a value against Liferay's reader are written here once
(docs/liferay-model.md §6).
"""

import errno
import os

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import FileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, OsgiConfigError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import COMPANY_ID, read_config_file
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.osgi_config import (
    OsgiConfigDocument,
    check_config_value,
)

# Attributes Liferay's file install and ConfigAdmin add; never ours, never a reason to keep a file.
BOOKKEEPING = frozenset(('service.pid', 'service.factoryPid', 'service.bundleLocation', 'felix.fileinstall.filename'))


class OsgiFileBackend(FileBackend):
    """A FileBackend over one ``.config`` file in ``self.directory``; subclasses give ``config_value``."""

    file_option = 'osgi_configs_dir'

    def config_value(self, name, text):
        """The typed value written for attribute ``name`` from the option text ``text``."""
        raise NotImplementedError

    def prepare_directory(self):
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

    def load(self, path):
        return read_config_file(path, self.file_option)

    def new_document(self):
        return OsgiConfigDocument()

    def foreign_attributes(self):
        """Attributes of the file that this backend does not manage."""
        ours = set(self.key_order) | BOOKKEEPING
        return [name for name in self.document.attributes if name not in ours and not name.startswith(':')]

    def plan_absent(self, current):
        desired = super().plan_absent(current)
        if COMPANY_ID in current and self.foreign_attributes():
            # Other instance-scoped settings stay in the file; they still need their companyId.
            desired[COMPANY_ID] = current[COMPANY_ID]
        return desired

    def holds(self, key, value):
        return self.values().get(key) == value

    def should_delete(self):
        """state=absent removes a file that holds nothing but what this backend manages."""
        return self.params.get('state') == 'absent' and not self.foreign_attributes() and \
            all(name not in self.document.attributes for name in self.key_order if name != COMPANY_ID)

    def check_values(self, desired):
        """Refuse, naming the option, a value Liferay's reader would not give back as written."""
        for name, text in desired.items():
            try:
                check_config_value(name, self.config_value(name, text))
            except OsgiConfigError as exc:
                # Nothing is written: the value would not reach the mail session as given.
                raise OsgiConfigError('%s: %s' % (self.option_for(name), exc.reason))

    def apply(self, desired):
        for name, text in desired.items():
            if text is None:
                self.document.remove(name)
            else:
                self.document.set(name, self.config_value(name, text))

    def to_bytes(self):
        # The temporary name starts with '.' and does not end in .config, so file install never reads it;
        # neither does it read a backup, whose name ends in '~'.
        return self.document.to_text().encode('utf-8')
