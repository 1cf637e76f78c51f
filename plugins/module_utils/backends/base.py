# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One contract for every backend of mail_settings: read -> plan -> write -> report.

A backend owns one layer where Liferay reads mail settings (a properties file, an
env file, an OSGi .config file, the portal's preferences). ``run`` is the same for
all of them: read() what the layer holds, plan() the desired map (the
``update_password: on_create`` carry-over happens here, once), needs_write()
compares, write() unless in check mode, and report() builds the result, whose
settings and diff are masked in one place. A stored secret is kept only for the
server it belongs to: when host, port, security or user change, ``on_create``
writes the given password like ``always`` (plan_secrets).

``FileBackend`` is the contract for a layer that is one file: load the document,
plan, apply the plan to the document, write it atomically (backup, owner/group/mode
tried on the temporary file first) under a lock on the directory, then the file
attributes and a warning when others may read a stored password. A file backend
fills in hooks; it never writes a file itself.

Members of ``module`` a backend may use: ``params``, ``check_mode``, ``_diff``,
``warn``, ``atomic_move``, ``backup_local``, ``load_file_common_arguments``,
``set_fs_attributes_if_different``.
"""

import abc
import errno
import os
import stat
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import locked, write_atomically
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import masked
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    CREDENTIAL_IDENTITY,
    MANAGED_KEYS,
    OPTION_FOR_KEY,
    SECRET_KEYS,
    render_keymap,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.surface import Surface


class Backend(abc.ABC):
    """Subclasses implement read() and write(); the hooks below refine plan, compare and report."""

    #: shown in diff headers
    layer_name = 'mail settings'
    #: the key order used in diffs
    key_order = MANAGED_KEYS
    #: the keys update_password on_create keeps when the layer holds a value
    secret_keys = SECRET_KEYS
    #: whether read() returns the stored secrets (false for a write-only layer: nothing to carry over)
    secrets_readable = True
    #: secret key -> the keys naming the server it logs in to (the user key last); a stored secret
    #: never follows its server to another one
    credential_identity = CREDENTIAL_IDENTITY

    def __init__(self, module, settings):
        self.module = module
        self.settings = settings
        self.params = module.params
        self.before = None
        self.after = None
        self.changed = False
        self.extra = {}
        #: secrets that update_password on_create writes anyway, because their server changed
        self.rewritten = set()

    # --- what a concrete backend fills in -------------------------------------------------
    @abc.abstractmethod
    def read(self):
        """Return what this layer holds now: key -> value (absent keys left out)."""

    @abc.abstractmethod
    def write(self, desired):
        """Make the layer hold ``desired`` (key -> value; None means remove the key)."""

    @property
    def surface(self):
        """The sender, jndi_name and system-scoped options (surface.py), validated once."""
        if getattr(self, '_surface', None) is None:
            self._surface = Surface.from_params(self.params)
        return self._surface

    def desired_values(self):
        """The key map that state=present asks for: the mail session keys (when smtp is given), sender, JNDI."""
        mail_keys = self.settings.portal_properties() if self.settings.smtp is not None else None
        return self.surface.portal_keys(mail_keys)

    def read_keys(self):
        """The portal property keys this run manages in the layer: the mail session keys and those of the
        sender/jndi_name options given."""
        return MANAGED_KEYS + self.surface.owned_keys()

    def plan_absent(self, current):
        """The key map that state=absent asks for: every key the layer holds, removed."""
        return OrderedDict((key, None) for key in current)

    def check(self, desired):
        """Refuse, before anything is written (check mode too), a value the layer cannot hold."""

    def before_view(self, current, desired):
        """The "before" side of the comparison and the diff."""
        return OrderedDict((key, current.get(key)) for key in desired)

    def needs_write(self, before, desired):
        """Whether the layer differs from ``desired``; backends may add reasons of their own."""
        return any(before[key] != desired[key] for key in desired)

    def restart_required(self):
        """Whether a change in this layer needs a portal restart to take effect."""
        return self.changed

    def render(self, keymap):
        """Text of one side of the diff (``keymap`` is already masked)."""
        return render_keymap(keymap, self.key_order)

    def option_for(self, key):
        """The module option a key comes from, for messages."""
        return OPTION_FOR_KEY.get(key, key)

    def secret_stored(self, key, current):
        """Whether the layer holds a value for secret ``key`` now."""
        return bool(current.get(key))

    def secret_needed(self, key, desired):
        """Whether ``desired`` needs a value for secret ``key``: its server has a user and does not log
        in with a Microsoft 365 token."""
        identity = self.credential_identity.get(key, ())
        if identity and not desired.get(identity[-1]):
            return False
        connector = getattr(self.settings, 'microsoft365', None)
        server = 'smtp' if 'smtp' in key.lower() else 'pop' if 'pop' in key.lower() else None
        return not (connector and server and connector.get(server))

    # --- shared flow ----------------------------------------------------------------------
    def plan(self, current):
        """The desired key map, given what the layer holds now."""
        if self.params.get('state') == 'absent':
            return self.plan_absent(current)
        desired = self.desired_values()
        if self.params.get('update_password') == 'on_create':
            self.plan_secrets(current, desired)
        self.check(desired)
        return desired

    def plan_secrets(self, current, desired):
        """update_password on_create: keep a stored secret - unless its server changed.

        When a key naming the server (host, port, security, user; tenant and client for Microsoft 365)
        changes, the stored secret belongs to the old server: the given one is written, as with
        ``always``, and without one the run fails before anything is written.
        """
        for key in self.secret_keys:
            if key not in desired:
                continue
            option = self.option_for(key)
            stored = self.secret_stored(key, current)
            moved = self._moved(key, current, desired) if stored else None
            if moved is not None:
                self.rewritten.add(key)
                if not desired[key] and self.secret_needed(key, desired):
                    raise BackendError('%s is needed because %s changed from %s to %s: update_password on_create keeps '
                                       'a stored password only for the server it belongs to; give %s'
                                       % ((option,) + moved + (option,)))
                self.module.warn('%s changed from %s to %s: update_password on_create writes the given %s for it, '
                                 'as with always (a stored password never follows to another server)'
                                 % (moved + (option,)))
            elif stored:
                if self.secrets_readable:
                    desired[key] = current[key]
            elif not desired[key] and self.secret_needed(key, desired):
                raise BackendError('%s is needed: %s holds none yet, so update_password on_create has nothing to '
                                   'keep; give %s' % (option, self.layer_name, option))

    def _moved(self, key, current, desired):
        """(option, before, after) of the first key naming the server of ``key`` that changes, or None."""
        for name in self.credential_identity.get(key, ()):
            before = current.get(name)
            if before is not None and before != desired.get(name):
                return self.option_for(name), before or '(empty)', desired.get(name) or '(empty)'
        return None

    def run(self):
        current = self.read()
        desired = self.plan(current)
        self.before = self.before_view(current, desired)
        self.after = desired
        self.changed = self.needs_write(self.before, desired)
        if self.changed and not self.module.check_mode:
            self.write(desired)
        return self.report()

    def report(self):
        after = OrderedDict((key, value) for key, value in self.after.items() if value is not None)
        result = dict(
            changed=self.changed,
            settings=dict(masked(after)),
            restart_required=self.restart_required(),
        )
        if self.module._diff:
            result['diff'] = dict(
                before=self.render(masked(self.before)),
                after=self.render(masked(after)),
                before_header='%s (before)' % self.layer_name,
                after_header='%s (after)' % self.layer_name,
            )
        result.update(self.extra)
        return result


class FileBackend(Backend):
    """A backend that owns one file: ``path`` in ``directory``, its parsed ``document``, whether it ``exists``.

    Hooks: load(path) -> document or None, new_document(), values() -> key map of the
    document, holds(key, value), apply(desired) to the document, to_bytes(), holds_secret(), and optionally
    prepare_directory(), resolve_target() (under the lock) and should_delete().
    """

    #: the option that chose the file, named in errors
    file_option = 'path'

    def __init__(self, module, settings, path=None):
        super().__init__(module, settings)
        self.path = None
        self.directory = None
        self.document = None
        self.exists = False
        if path is not None:
            self.set_path(os.path.realpath(path))  # a symlink is edited at its target, so the link survives

    def set_path(self, path):
        self.path = path
        self.layer_name = path
        self.directory = os.path.dirname(path)

    # --- hooks ----------------------------------------------------------------------------
    @abc.abstractmethod
    def load(self, path):
        """The parsed document at ``path``, or None when there is no file."""

    @abc.abstractmethod
    def new_document(self):
        """An empty document, for a file that does not exist yet."""

    @abc.abstractmethod
    def values(self):
        """What the document holds, as the portal reads it: key -> value."""

    @abc.abstractmethod
    def apply(self, desired):
        """Change the document so that it holds ``desired``."""

    @abc.abstractmethod
    def to_bytes(self):
        """The document as file content."""

    @abc.abstractmethod
    def holds(self, key, value):
        """Whether the document already holds ``key`` as ``value`` in the form this backend writes."""

    def holds_secret(self):
        """Whether the file holds a password (others must not read it then)."""
        return False

    def should_delete(self):
        """Whether the changed document is to be deleted rather than written."""
        return False

    def prepare_directory(self):
        if not os.path.isdir(self.directory):
            raise BackendError('%s: the directory %s does not exist: create it first or correct %s'
                               % (self.file_option, self.directory, self.file_option))

    def resolve_target(self):
        """Choose ``path`` under the directory lock, when it depends on what the directory holds."""

    # --- the flow -------------------------------------------------------------------------
    def needs_write(self, before, desired):
        # Compared on the document, not on values alone: a key defined twice, or not in the form this
        # backend writes, is rewritten even when the portal already reads the wanted value.
        for key, value in desired.items():
            if value is None:
                if before.get(key) is not None:
                    return True
            elif not self.holds(key, value):
                return True
        return False

    def read(self):
        self.document = self.load(self.path)
        self.exists = self.document is not None
        if self.document is None:
            self.document = self.new_document()
        return self.values()

    def write(self, desired):
        self.apply(desired)
        if self.should_delete():
            self._delete()
        else:
            self._write_file()

    def run(self):
        self.prepare_directory()
        with locked(self.directory, enabled=not self.module.check_mode):
            self.resolve_target()
            result = super().run()
            if self.exists:
                result['changed'] = self._apply_file_attributes(self.path, self.changed)
                self._warn_about_mode()
        result['path'] = self.path
        return result

    def _write_file(self):
        backup = write_atomically(self.path, self.to_bytes(), self.file_option, prepare=self._prepare_temporary,
                                  move=lambda tmp_path, path: self.module.atomic_move(tmp_path, path, unsafe_writes=False))
        if backup:
            self.extra['backup_file'] = backup
        self.exists = True

    def _prepare_temporary(self, tmp_path, exists):
        # Try the owner/group/mode options on the temporary file first: a bad mode or an unknown
        # owner then fails before the old file is replaced.
        self._apply_file_attributes(tmp_path, False)
        if exists and self.params.get('backup'):
            return self.module.backup_local(self.path)
        return None

    def _delete(self):
        if self.params.get('backup') and self.exists:
            self.extra['backup_file'] = self.module.backup_local(self.path)
        try:
            os.unlink(self.path)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise BackendError('%s: cannot remove %s (%s)' % (self.file_option, self.path, exc.strerror))
        self.exists = False

    def _apply_file_attributes(self, path, changed):
        """The owner/group/mode options on ``path``; returns whether anything changed."""
        if not os.path.exists(path):
            return changed
        file_args = self.module.load_file_common_arguments(self.params, path=path)
        return bool(self.module.set_fs_attributes_if_different(file_args, changed))

    def _warn_about_mode(self):
        mode = stat.S_IMODE(os.stat(self.path).st_mode)
        if mode & 0o077 and self.holds_secret():
            self.module.warn('%s holds a password in plain text and is readable by group or others (mode %04o): '
                             'set mode: "0600"' % (self.path, mode))
