# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One contract for every backend of mail_settings.

A backend owns one layer where Liferay reads mail settings (a properties file,
the portal's preferences, an OSGi .config file). The flow is the same for all:
read() the managed keys of that layer, plan() the desired map, compare, write()
unless in check mode, and dump() a result whose diff and settings are masked in
one place.

Members of ``module`` a backend may use: ``params``, ``check_mode``, ``_diff``,
``warn``, ``fail_json``, ``tmpdir``, ``atomic_move``, ``backup_local``,
``load_file_common_arguments``, ``set_fs_attributes_if_different``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    MANAGED_KEYS,
    SECRET_KEYS,
    masked,
    render_keymap,
)


class BackendError(Exception):
    """A failure a user can act on; the message must never contain a secret."""


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


class Backend(object):
    """Base class: subclasses implement read() and write(), and may refine plan()."""

    #: shown in diff headers
    layer_name = 'mail settings'
    #: the key order used in diffs
    key_order = MANAGED_KEYS

    def __init__(self, module, settings):
        self.module = module
        self.settings = settings
        self.params = module.params
        self.before = None
        self.after = None
        self.changed = False
        self.extra = {}

    # --- what a concrete backend fills in -------------------------------------------------
    def read(self):
        """Return the managed keys currently in this layer: key -> value (absent keys left out)."""
        raise NotImplementedError

    def write(self, desired):
        """Make the layer hold ``desired`` (key -> value; None means remove the key)."""
        raise NotImplementedError

    def needs_write(self, before, desired):
        """Whether the layer differs from ``desired``; backends may add reasons of their own."""
        return any(before[key] != desired[key] for key in desired)

    def restart_required(self):
        """Whether a change in this layer needs a portal restart to take effect."""
        return self.changed

    # --- shared flow ----------------------------------------------------------------------
    def plan(self, current):
        """The desired key map, given what the layer holds now."""
        if self.params.get('state') == 'absent':
            return OrderedDict((key, None) for key in current)
        desired = OrderedDict(self.settings.portal_properties())
        if self.params.get('update_password') == 'on_create':
            for key in SECRET_KEYS:
                if key in desired and current.get(key):
                    desired[key] = current[key]
        return desired

    def run(self):
        current = self.read()
        desired = self.plan(current)
        self.before = OrderedDict((key, current.get(key)) for key in desired)
        self.after = desired
        self.changed = self.needs_write(self.before, desired)
        if self.changed and not self.module.check_mode:
            self.write(desired)
        return self.dump()

    def dump(self):
        after = OrderedDict((key, value) for key, value in self.after.items() if value is not None)
        result = dict(
            changed=self.changed,
            settings=dict(masked(after)),
            restart_required=self.restart_required(),
        )
        if self.module._diff:
            result['diff'] = dict(
                before=render_keymap(masked(self.before), self.key_order),
                after=render_keymap(masked(after), self.key_order),
                before_header='%s (before)' % self.layer_name,
                after_header='%s (after)' % self.layer_name,
            )
        result.update(self.extra)
        return result
