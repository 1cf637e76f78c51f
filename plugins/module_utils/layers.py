# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read every layer a Liferay 7.4 portal takes mail settings from, and tell which one wins.

Precedence, lowest first (docs/liferay-model.md §3; PrefsPropsImpl / MailServiceImpl): portal.properties
defaults < portal-ext.properties and the files it includes < portal-setup-wizard.properties
< LIFERAY_* environment variables < system preferences < company preferences (what the
Control Panel or the api backend stores).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.backend_properties import read_properties_document
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_env import mail_overrides, value_pieces
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS

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

INCLUDE_KEY = 'include-and-override'


class Layer(object):
    """One source of values: its name, where it lives, and the managed keys it sets.

    ``unread`` is the reason when the portal may read a file that this module could not find
    (its values are then unknown and ``values`` is empty).
    """

    def __init__(self, name, location, values, duplicates=(), unread=None):
        self.name = name
        self.location = location
        self.values = values
        self.duplicates = list(duplicates)
        self.unread = unread


def _expand(path, liferay_home):
    return path.replace('${liferay.home}', liferay_home or '')


def properties_chain(path, liferay_home, seen=None):
    """Layers of one properties file followed by the files it includes (which override it)."""
    seen = seen if seen is not None else set()
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    document = read_properties_document(path)
    if document is None:
        return []
    values = OrderedDict((key, document.get(key)) for key in MANAGED_KEYS if document.get(key) is not None)
    duplicates = [key for key in values if document.occurrences(key) > 1]
    layers = [Layer(os.path.basename(path), path, values, duplicates)]
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
    overrides = mail_overrides(variables, MANAGED_KEYS)
    # Shown as the portal reads them (both list splits undone), like the properties layers.
    values = OrderedDict((key, ','.join(value_pieces(overrides[key][1]))) for key in MANAGED_KEYS if key in overrides)
    return Layer('environment', location, values)


def resolve(layers):
    """key -> (value, layer name) of the layer that wins, defaults included."""
    effective = OrderedDict((key, (value, 'portal.properties (default)')) for key, value in PORTAL_DEFAULTS.items())
    for layer in layers:
        for key, value in layer.values.items():
            effective[key] = (value, layer.name)
    return effective
