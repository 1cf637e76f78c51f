# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Idempotence for a write-only API: remember what was applied, never the secrets.

Liferay's JSON web services cannot read preferences back, so the api backend keeps,
per scope (portal URL + instance), a record of what it last applied in a JSON state
file on the node that runs the module:

* ``values``: the non-secret managed values in clear (masked where they embed a
  password line), so a diff can show the "before" side;
* ``secrets_set``: for each secret key only whether it had a value;
* ``public``: a fingerprint of ``values`` + ``secrets_set``;
* ``full``: a fingerprint of every value, secrets included.

Fingerprints are PBKDF2-HMAC-SHA256 with a random per-record salt and many
iterations, so the ``full`` one (whose only unknowns are the secrets) is as costly
to brute-force as a stored password hash. ``update_password: on_create`` compares
``public`` only; ``always`` compares ``full``.
"""

import binascii
import errno
import hashlib
import hmac
import json
import os
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.atomic_file import locked, write_atomically
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import FingerprintError
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.client import normalise_portal_url
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import DEFAULT_WEB_ID
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import MASK, is_secret_key, mask_value
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS, SECRET_KEYS

FORMAT = 'liferay_ops.mail/fingerprint'
VERSION = 1
ALGORITHM = 'pbkdf2_sha256'
ITERATIONS = 150000
SALT_BYTES = 16


def default_state_file():
    """One file per user on the node that runs the module; records are keyed by portal and instance."""
    return os.path.join(os.path.expanduser('~'), '.ansible', 'liferay_ops.mail', 'api-fingerprints.json')


def api_scope(params):
    """The state-file key of one portal instance, from the module's connection options.

    mail_settings records under it and mail_settings_info reads under it, so both must
    build it here. Raises PortalApiError when portal_url is unusable.
    """
    portal_url = normalise_portal_url(params.get('portal_url'))
    if params.get('company_id') is not None:
        return '%s|company_id=%d' % (portal_url, int(params['company_id']))
    return '%s|web_id=%s' % (portal_url, params.get('company_web_id') or DEFAULT_WEB_ID)


def other_instance_records(store, scope):
    """(scope, known values) of every other instance of the same portal recorded in ``store``."""
    portal = scope.split('|', 1)[0] + '|'
    return [(other, store.known_values(other)) for other in store.scopes()
            if other.startswith(portal) and other != scope]


def advanced_keys(text):
    """The key names in advanced-properties text this collection rendered (names are validated: no escapes)."""
    return set(line.split('=', 1)[0].strip() for line in (text or '').split('\n') if '=' in line)


def _is_secret(key, secret_keys):
    return key in secret_keys or is_secret_key(key)


def _canonical(tag, mapping):
    """Stable bytes for a mapping: sorted keys, no whitespace, UTF-8; ``tag`` separates the two fingerprints."""
    return ('%s\n' % tag).encode('utf-8') + json.dumps(
        sorted(mapping.items()), ensure_ascii=False, separators=(',', ':')).encode('utf-8')


def _derive(tag, mapping, salt, iterations):
    digest = hashlib.pbkdf2_hmac('sha256', _canonical(tag, mapping), salt, iterations)
    return binascii.hexlify(digest).decode('ascii')


def public_view(keymap, secret_keys=SECRET_KEYS):
    """(values, secrets_set): what may be kept in clear about a key map."""
    values = OrderedDict()
    secrets_set = OrderedDict()
    for key in _ordered(keymap):
        value = '' if keymap[key] is None else str(keymap[key])
        if _is_secret(key, secret_keys):
            secrets_set[key] = value != ''
        else:
            values[key] = mask_value(key, value)
    return values, secrets_set


def _full_view(keymap):
    return dict((key, '' if value is None else str(value)) for key, value in keymap.items())


def _public_material(values, secrets_set):
    material = dict(('value:' + key, value) for key, value in values.items())
    material.update(('secret_set:' + key, flag) for key, flag in secrets_set.items())
    return material


def _ordered(keymap):
    known = [key for key in MANAGED_KEYS if key in keymap]
    return known + sorted(key for key in keymap if key not in MANAGED_KEYS)


class FingerprintStore:
    """Records of applied settings in one JSON file, keyed by scope."""

    def __init__(self, path, iterations=ITERATIONS):
        if not path:
            raise FingerprintError('state_file is empty: give a path for the fingerprint state file')
        self.path = os.path.abspath(os.path.expanduser(path))
        self.iterations = int(iterations)

    # -- reading ----------------------------------------------------------------------

    def _read_all(self):
        try:
            with open(self.path, 'rb') as handle:
                raw = handle.read()
        except OSError as error:
            if error.errno == errno.ENOENT:
                return {'format': FORMAT, 'version': VERSION, 'scopes': {}}
            raise FingerprintError('state_file %s cannot be read (%s): fix its permissions or choose another state_file'
                                   % (self.path, error.strerror))
        try:
            data = json.loads(raw.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            data = None
        # Refuse to overwrite a file that is not ours: state_file may point somewhere by mistake.
        if not isinstance(data, dict) or data.get('format') != FORMAT or not isinstance(data.get('scopes'), dict):
            raise FingerprintError('state_file %s exists but is not a liferay_ops.mail fingerprint file: choose another '
                                   'path, or delete it if it is a damaged state file (the next run then re-applies)'
                                   % self.path)
        return data

    def scopes(self):
        """Every scope key recorded in the file, sorted."""
        return sorted(self._read_all()['scopes'])

    def load(self, scope_key):
        """The stored record of a scope (a dict), or None when nothing was recorded."""
        record = self._read_all()['scopes'].get(scope_key)
        return record if isinstance(record, dict) else None

    def matches(self, scope_key, keymap, secret_keys=SECRET_KEYS, compare_secrets=True):
        """True when ``keymap`` is what was last recorded for the scope.

        With ``compare_secrets=False`` the secret values are left out once set: only
        whether each secret is set or empty must still match (so setting a first
        password, or removing one, is still a change).
        """
        record = self.load(scope_key)
        if record is None:
            return False
        try:
            salt = binascii.unhexlify(record['salt'])
            iterations = int(record['iterations'])
            if record.get('algorithm') != ALGORITHM:
                return False
            if compare_secrets:
                if not record.get('full'):
                    return False
                expected, actual = record['full'], _derive('full', _full_view(keymap), salt, iterations)
            else:
                values, secrets_set = public_view(keymap, secret_keys)
                expected = record['public']
                actual = _derive('public', _public_material(values, secrets_set), salt, iterations)
        except (KeyError, TypeError, ValueError, binascii.Error):
            return False
        return hmac.compare_digest(str(expected), actual)

    def known_values(self, scope_key):
        """The last recorded key map with secrets masked (for a diff's "before"), or None."""
        record = self.load(scope_key)
        if record is None:
            return None
        known = OrderedDict()
        values = record.get('values') or {}
        secrets_set = record.get('secrets_set') or {}
        present = dict(values)
        present.update(secrets_set)
        for key in _ordered(present):
            if key in secrets_set:
                known[key] = MASK if secrets_set[key] else ''
            else:
                known[key] = values[key]
        return known

    # -- writing ----------------------------------------------------------------------

    def record(self, scope_key, keymap, secret_keys=SECRET_KEYS, extra=None, secrets_known=True):
        """Remember ``keymap`` as applied for the scope. ``extra``: non-secret metadata (e.g. company_id).

        ``secrets_known=False`` says the secrets were left out of the write (update_password
        on_create), so the portal may hold other ones: no ``full`` fingerprint is kept, and
        a later comparison that includes secrets reports a change.
        """
        salt = os.urandom(SALT_BYTES)
        values, secrets_set = public_view(keymap, secret_keys)
        full = _derive('full', _full_view(keymap), salt, self.iterations) if secrets_known else None
        entry = OrderedDict((
            ('algorithm', ALGORITHM),
            ('iterations', self.iterations),
            ('salt', binascii.hexlify(salt).decode('ascii')),
            ('full', full),
            ('public', _derive('public', _public_material(values, secrets_set), salt, self.iterations)),
            ('values', values),
            ('secrets_set', secrets_set),
        ))
        if extra:
            entry['extra'] = dict(extra)
        self._update(lambda scopes: scopes.__setitem__(scope_key, entry))
        return entry

    def forget(self, scope_key):
        """Drop the record of a scope; True when there was one."""
        found = []

        def drop(scopes):
            found.append(scopes.pop(scope_key, None) is not None)
        if not os.path.exists(self.path):
            return False
        self._update(drop)
        return found[0]

    def _update(self, change):
        """Read-modify-write under an exclusive lock, so parallel tasks on one node do not lose records."""
        directory = os.path.dirname(self.path)
        self._ensure_directory(directory)
        try:
            with locked(directory):
                data = self._read_all()
                change(data['scopes'])
                text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=True) + '\n'
                write_atomically(self.path, text.encode('utf-8'), 'state_file', mode=0o600,
                                 failure=lambda error, created: self._unwritable(error))
        except OSError as error:  # the directory cannot be opened for its lock
            raise self._unwritable(error)

    def _ensure_directory(self, directory):
        if os.path.isdir(directory):
            return
        try:
            os.makedirs(directory, 0o700)
        except OSError as error:
            if not os.path.isdir(directory):
                raise self._unwritable(error)

    def _unwritable(self, error):
        return FingerprintError('state_file %s cannot be written (%s): choose a writable state_file path'
                                % (self.path, getattr(error, 'strerror', None) or error))
