# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The .config files of the 2025.Q4 mail configuration: which files apply to an instance, and what they mean.

Liferay reads ``com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration``
for every instance: the instance's factory configuration (``<PID>.scoped~<name>.config``
holding ``companyId=L"<id>"``, or the portable ``companyWebId="<web id>"``) if there is
one, else the system-wide ``<PID>.config``, else the metatype defaults; the configuration
chosen is used as a whole. When several files configure one instance, the most recently
updated one wins (docs/liferay-model.md §7, §8).

Values are read as attribute name -> text ('true'/'false' for the two booleans), the
meaning Liferay gets, so they compare with what the module writes.
"""

import glob
import os
import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import read_existing
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError, OsgiConfigError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.osgi_config import (
    SCALAR,
    config_bool,
    config_long,
    config_string,
    parse_config,
    render_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import OSGI_ATTRIBUTES, OSGI_BOOLEAN_ATTRIBUTES

COMPANY_PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SYSTEM_FILE = COMPANY_PID + '.config'
SCOPED_PREFIX = COMPANY_PID + '.scoped~'
COMPANY_ID = 'companyId'
# ExtendedObjectClassDefinition.Scope.COMPANY.getPortablePropertyKey() (docs/liferay-model.md §7): the
# web id names the instance. 'webId' is read too, in case a build spells the key that way.
PORTABLE_COMPANY_KEYS = ('companyWebId', 'webId')
MANAGED_ATTRIBUTES = tuple(OSGI_ATTRIBUTES.values())

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


def read_config_file(path, option='osgi_configs_dir'):
    """Parse one .config file; None when it does not exist. Errors name the file and never a value."""
    data = read_existing(path, option)
    if data is None:
        return None
    try:
        return parse_config(data)
    except OsgiConfigError as exc:
        raise OsgiConfigError('%s: %s cannot be edited safely (%s); Liferay does not read it as '
                              'written: fix or remove it (docs/liferay-model.md §6)' % (option, path, exc))


def scalar_text(value):
    """The text of a value: a scalar's own text, else the value as written."""
    if value.kind != SCALAR:
        return render_value(value)
    return value.value


def attribute_text(name, value, booleans=OSGI_BOOLEAN_ATTRIBUTES):
    """The meaning Liferay gets from one attribute, as text: 'true'/'false' for the attributes in ``booleans``."""
    if value is None:
        return None
    text = scalar_text(value)
    if name in booleans and value.kind == SCALAR:
        # Boolean.valueOf / GetterUtil: "true" in any case is true, anything else false.
        return 'true' if text.strip().lower() == 'true' else 'false'
    if name == COMPANY_ID and value.kind == SCALAR:
        return text.strip()
    return text


def attribute_values(document, names=(COMPANY_ID,) + MANAGED_ATTRIBUTES, booleans=OSGI_BOOLEAN_ATTRIBUTES):
    """name -> text of the attributes of ``document`` among ``names``, in that order."""
    values = {}
    for name in names:
        text = attribute_text(name, document.get(name), booleans)
        if text is not None:
            values[name] = text
    return values


def config_value(name, text, booleans=OSGI_BOOLEAN_ATTRIBUTES):
    """The typed value written for one attribute: B"..." for ``booleans``, L"<id>" for companyId."""
    if name in booleans:
        return config_bool(text == 'true')
    if name == COMPANY_ID:
        return config_long(int(text))
    # Every other attribute of MailSettingCompanyConfiguration (and of the connector's) is a String, ports included.
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


def scoped_files(directory, prefix=SCOPED_PREFIX):
    """Every scoped configuration file of ``prefix`` in ``directory``, the most recently updated last."""
    return sorted(glob.glob(os.path.join(glob.escape(directory), glob.escape(prefix) + '*.config')),
                  key=_update_order)


def scoped_files_for(directory, company_id, web_id=None, prefix=SCOPED_PREFIX):
    """Scoped configuration files of ``prefix`` (the mail configuration's by default) in ``directory`` for one
    instance, the one Liferay uses last.

    A file belongs to the instance when its companyId is ``company_id`` or, without a companyId, its
    portable key names ``web_id``.
    """
    found = []
    for path in scoped_files(directory, prefix):
        document = read_config_file(path)
        if document is None:
            continue
        owner = company_of(document)
        if owner is not None:
            if company_id is not None and owner == int(company_id):
                found.append(path)
        elif web_id and web_id_of(document) == web_id:
            found.append(path)
    return found


def detect_liferay_version(directory, liferay_home=None):
    """'2025.q4' when the node shows a sign of the OSGi mail configuration, else None.

    Signs: a MailSettingCompanyConfiguration .config file (that PID exists only from
    2025.Q4), or a mail settings module jar in ``<liferay_home>/osgi/*/``. Nothing marks
    a 7.4 node reliably, so 7.4 is never guessed.
    """
    if os.path.isdir(directory):
        if os.path.exists(os.path.join(directory, SYSTEM_FILE)) or scoped_files(directory):
            return '2025.q4'
    if liferay_home:
        for pattern in _MAIL_SETTINGS_JARS:
            if glob.glob(os.path.join(glob.escape(liferay_home), pattern)):
                return '2025.q4'
    return None
