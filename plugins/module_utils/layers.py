# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read every layer a Liferay portal takes mail settings from, and tell which one wins.

The read model of mail_settings_info: it reads through formats/ and portal/ only, never
through a backend (backends write).

Precedence on 7.4, lowest first (docs/liferay-model.md §3; PrefsPropsImpl / MailServiceImpl):
portal.properties defaults < portal-ext.properties and the files it includes
< portal-setup-wizard.properties < LIFERAY_* environment variables < system preferences
< company preferences (what the Control Panel or the api backend stores).

From 2025.Q4 the mail session comes from the OSGi mail configuration instead: an instance's
scoped .config file (the most recently updated one) used as a whole, else the system-wide
file (docs/liferay-model.md §7, §8); ``osgi_files`` reads those.
"""

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import EnvFileError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.env_file import (
    mail_overrides,
    read_env_file,
    value_pieces,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.mail_config import (
    COMPANY_ID,
    MANAGED_ATTRIBUTES,
    SYSTEM_FILE,
    attribute_values,
    company_of,
    read_config_file,
    scoped_files,
    web_id_of,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import read_properties_file, split_list
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import (
    BLACKLIST_DEFAULT,
    JNDI_NAME,
    SEND_BLACKLIST,
    SENDER_ADDRESS,
    SENDER_DEFAULTS,
    SENDER_NAME,
)

# Keys read besides the mail session's: the default sender, the JNDI session and the send blacklist
# (findings.py reports on them; docs/liferay-model.md §10).
INFO_KEYS = (SENDER_NAME, SENDER_ADDRESS, JNDI_NAME, SEND_BLACKLIST)
READ_KEYS = MANAGED_KEYS + INFO_KEYS

# portal.properties defaults for the managed keys (docs/liferay-model.md §1).
PORTAL_DEFAULTS = OrderedDict((
    ('mail.session.mail', 'false'),
    ('mail.session.mail.pop3.host', 'localhost'),
    ('mail.session.mail.pop3.password', ''),
    ('mail.session.mail.pop3.port', '110'),
    ('mail.session.mail.pop3.user', ''),
    ('mail.session.mail.smtp.host', 'localhost'),
    ('mail.session.mail.smtp.password', ''),
    ('mail.session.mail.smtp.port', '25'),
    ('mail.session.mail.smtp.starttls.enable', 'true'),
    ('mail.session.mail.smtp.user', ''),
    ('mail.session.mail.store.protocol', 'pop3'),
    ('mail.session.mail.transport.protocol', 'smtp'),
))
PORTAL_DEFAULTS.update(SENDER_DEFAULTS)
PORTAL_DEFAULTS[SEND_BLACKLIST] = ','.join(BLACKLIST_DEFAULT)
# The source resolve() names for a value no layer sets.
DEFAULT_SOURCE = 'portal.properties (default)'

INCLUDE_KEY = 'include-and-override'


# A bare NAME line of an env file: Docker takes the value from the environment of `docker run` (or Compose).
PASSTHROUGH_VALUE = '(from the environment of the container runtime)'


class Layer:
    """One source of values: its name, where it lives, and the managed keys it sets.

    ``unread`` is the reason when the portal may read a file that this module could not find
    (its values are then unknown and ``values`` is empty).
    """

    def __init__(self, name, location, values, duplicates=(), unread=None, passthrough=()):
        self.name = name
        self.location = location
        self.values = values
        self.duplicates = list(duplicates)
        self.unread = unread
        self.passthrough = list(passthrough)
        #: keys whose value Liferay splits at commas and trims, so it reads something else than written
        self.altered = []
        #: env file keys defined on more than one line (Docker passes the last one)
        self.overridden = []


def list_altered(text):
    """Whether Commons Configuration turns ``text`` (one definition, unescaped) into a list whose merged form
    differs from it: split at unescaped commas, pieces trimmed (docs/liferay-model.md §1.4)."""
    pieces = split_list(text)
    return len(pieces) > 1 and ','.join(pieces) != text


def _expand(path, liferay_home):
    return path.replace('${liferay.home}', liferay_home or '')


def properties_chain(path, liferay_home, seen=None):
    """Layers of one properties file followed by the files it includes (which override it)."""
    seen = seen if seen is not None else set()
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    document = read_properties_file(path)
    if document is None:
        return []
    values = OrderedDict((key, document.get(key)) for key in READ_KEYS if document.get(key) is not None)
    duplicates = [key for key in values if document.occurrences(key) > 1]
    layers = [Layer(os.path.basename(path), path, values, duplicates)]
    layers[0].altered = [key for key in values if any(list_altered(text) for text in document.written(key))]
    includes = document.get(INCLUDE_KEY)
    for include in (includes.split(',') if includes else []):
        include = _expand(include.strip(), liferay_home)
        if not include:
            continue
        target = _locate(include, liferay_home)
        if target is None:
            layers.append(Layer('%s (not read)' % include, include, OrderedDict(), unread=UNREAD_RELATIVE))
        else:
            layers.extend(properties_chain(target, liferay_home, seen))
    return layers


UNREAD_RELATIVE = (
    'a relative include-and-override path: Liferay looks for it on the portal class path, then in its working '
    'directory, user.home and the class path again (ClassLoaderAggregateProperties, ConfigurationUtils.locate), '
    'not next to the including file; it is not in liferay_home, so this module cannot tell which file is used')


def _locate(include, liferay_home):
    """The file Liferay reads for an include-and-override entry, or None when this module cannot know it.

    An absolute path is that file. A relative one is looked up as Liferay does (docs/liferay-model.md
    §1.6): class loader resource, working directory, user.home, class path. Liferay's Docker images
    run the portal with the Liferay home as working directory, so a file there is the one used;
    anything else is unknown here.
    """
    if os.path.isabs(include):
        return include
    if liferay_home:
        candidate = os.path.join(liferay_home, include)
        if os.path.isfile(candidate):
            return candidate
    return None


def env_layer(variables, location):
    """The managed keys among ``variables`` (name -> raw text, None for a bare NAME line of an env file)."""
    overrides = mail_overrides(variables, READ_KEYS)
    # Shown as the portal reads them (both list splits undone), like the properties layers.
    values = OrderedDict()
    passthrough = []
    altered = []
    for key in READ_KEYS:
        if key in overrides:
            raw = overrides[key][1]
            if raw is None:
                passthrough.append(key)
                values[key] = PASSTHROUGH_VALUE
            else:
                pieces = value_pieces(raw)
                values[key] = ','.join(pieces)
                if len(pieces) > 1 and values[key] != raw:
                    altered.append(key)
    layer = Layer('environment', location, values, passthrough=passthrough)
    layer.altered = altered
    return layer


def env_file_layer(path):
    """The layer of a Docker env file; the file must exist."""
    document = read_env_file(path)
    if document is None:
        raise EnvFileError('env_file: cannot read %s (it does not exist)' % path)
    layer = env_layer(document.variables(), path)
    # Two lines for one key (or two names decoding to it): Docker passes the last, the others are dead text.
    layer.overridden = [key for key in layer.values if len(document.definitions(key)) > 1]
    return layer


class OsgiFile:
    """One mail configuration .config file: its scope, the instance it names, its attributes, whether it wins."""

    def __init__(self, path, document):
        self.path = path
        self.scope = 'system' if os.path.basename(path) == SYSTEM_FILE else 'instance'
        self.company_id = company_of(document) if self.scope == 'instance' else None
        self.web_id = web_id_of(document) if self.scope == 'instance' and self.company_id is None else None
        self.values = attribute_values(document, MANAGED_ATTRIBUTES + ((COMPANY_ID,) if self.scope == 'instance' else ()))
        self.wins = True
        self.superseded_by = None


def osgi_files(directory):
    """The mail configuration files in ``directory`` (system file first, then scoped ones oldest first).

    Per instance, the most recently updated scoped file wins and the others are superseded; an
    instance without a scoped file uses the system file (docs/liferay-model.md §7, §8).
    """
    found = []
    system = os.path.join(directory, SYSTEM_FILE)
    for path in [system] + scoped_files(directory):
        document = read_config_file(path, 'liferay_home')
        if document is not None:
            found.append(OsgiFile(path, document))
    newest = {}
    for entry in found:
        if entry.scope == 'instance':
            owner = entry.company_id if entry.company_id is not None else entry.web_id
            if owner is None:  # names no instance: Liferay cannot scope it to one
                entry.wins = False
                continue
            if owner in newest:
                newest[owner].wins = False
                newest[owner].superseded_by = entry.path
            newest[owner] = entry
    # A file superseded by one superseded in turn names the winner.
    for entry in found:
        while entry.superseded_by and not _by_path(found, entry.superseded_by).wins:
            entry.superseded_by = _by_path(found, entry.superseded_by).superseded_by
    return found


def _by_path(entries, path):
    return next(entry for entry in entries if entry.path == path)


def resolve(layers):
    """key -> (value, layer name) of the layer that wins, defaults included."""
    effective = OrderedDict((key, (value, DEFAULT_SOURCE)) for key, value in PORTAL_DEFAULTS.items())
    for layer in layers:
        for key, value in layer.values.items():
            effective[key] = (value, layer.name)
    return effective
