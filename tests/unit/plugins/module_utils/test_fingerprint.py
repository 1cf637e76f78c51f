# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""FingerprintStore on real files: round trip, update_password semantics, permissions, no secret on disk."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import binascii
import json
import os
import stat
import time
from urllib.parse import quote

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.portal import fingerprint
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.fingerprint import (
    FingerprintError,
    FingerprintStore,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MASK, SECRET_KEYS

SMTP_SECRET = u'Sm"tp\\pässwörd,=:#!1'
POP_SECRET = u'pop-secret-42'
ADVANCED_SECRET = u'advanced-secret-99'
SCOPE = 'https://portal.example.test|web_id=liferay.com'

KEYMAP = {
    'mail.session.mail': 'true',
    'mail.session.mail.smtp.host': 'smtp.example.test',
    'mail.session.mail.smtp.port': '587',
    'mail.session.mail.smtp.user': 'mailer',
    'mail.session.mail.smtp.password': SMTP_SECRET,
    'mail.session.mail.pop3.host': 'pop.example.test',
    'mail.session.mail.pop3.user': 'reader',
    'mail.session.mail.pop3.password': POP_SECRET,
    'mail.session.mail.advanced.properties': 'mail.smtp.connectiontimeout=10000\nmail.smtp.password=' + ADVANCED_SECRET,
}


def changed(**updates):
    keymap = dict(KEYMAP)
    keymap.update(dict((key.replace('__', '.'), value) for key, value in updates.items()))
    return keymap


@pytest.fixture
def store(tmp_path):
    return FingerprintStore(str(tmp_path / 'state' / 'mail-fingerprints.json'))


def test_round_trip_matches_and_detects_changes(store):
    assert store.load(SCOPE) is None
    assert not store.matches(SCOPE, KEYMAP)
    store.record(SCOPE, KEYMAP)
    assert store.matches(SCOPE, KEYMAP)
    assert store.matches(SCOPE, KEYMAP, compare_secrets=False)
    assert not store.matches(SCOPE, changed(mail__session__mail__smtp__host='smtp2.example.test'))
    assert not store.matches(SCOPE, changed(mail__session__mail__smtp__host='smtp2.example.test'), compare_secrets=False)
    smaller = dict(KEYMAP)
    del smaller['mail.session.mail.pop3.host']
    assert not store.matches(SCOPE, smaller)
    assert not store.matches(SCOPE, smaller, compare_secrets=False)
    # A fresh store object reads the same file.
    assert FingerprintStore(store.path).matches(SCOPE, KEYMAP)


def test_always_compares_secrets_on_create_does_not(store):
    store.record(SCOPE, KEYMAP)
    rotated = changed(mail__session__mail__smtp__password='rotated-password')
    assert not store.matches(SCOPE, rotated, compare_secrets=True)
    assert store.matches(SCOPE, rotated, compare_secrets=False)


def test_on_create_still_sees_a_first_password_and_a_removed_one(store):
    without = changed(mail__session__mail__pop3__password='')
    store.record(SCOPE, without)
    assert store.matches(SCOPE, without, compare_secrets=False)
    assert not store.matches(SCOPE, KEYMAP, compare_secrets=False)   # first password: set it
    store.record(SCOPE, KEYMAP)
    assert not store.matches(SCOPE, without, compare_secrets=False)  # password removed: apply


def test_a_write_without_secrets_is_not_a_full_match(store):
    store.record(SCOPE, KEYMAP, secrets_known=False)
    assert store.matches(SCOPE, KEYMAP, compare_secrets=False)
    assert not store.matches(SCOPE, KEYMAP, compare_secrets=True)
    assert store.known_values(SCOPE)['mail.session.mail.smtp.password'] == MASK


def test_known_values_are_masked_for_the_diff(store):
    assert store.known_values(SCOPE) is None
    store.record(SCOPE, changed(mail__session__mail__pop3__password=''))
    known = store.known_values(SCOPE)
    assert known['mail.session.mail.smtp.host'] == 'smtp.example.test'
    assert known['mail.session.mail.smtp.password'] == MASK
    assert known['mail.session.mail.pop3.password'] == ''
    assert known['mail.session.mail.advanced.properties'] == 'mail.smtp.connectiontimeout=10000\nmail.smtp.password=' + MASK
    assert list(known)[0] == 'mail.session.mail'  # Liferay's key order, for a stable diff
    assert set(known) == set(KEYMAP)


def test_state_file_never_holds_a_secret_in_any_encoding(store):
    store.record(SCOPE, KEYMAP, extra={'company_id': 20097})
    store.record('other-scope', changed(mail__session__mail__smtp__password=SMTP_SECRET + 'x'))
    with open(store.path, 'rb') as handle:
        raw = handle.read()
    text = raw.decode('utf-8')
    for secret in (SMTP_SECRET, POP_SECRET, ADVANCED_SECRET):
        data = secret.encode('utf-8')
        forms = [
            secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret),
            base64.b64encode(data).decode('ascii'), base64.urlsafe_b64encode(data).decode('ascii'),
            base64.b64encode(data).decode('ascii').rstrip('='),
            binascii.hexlify(data).decode('ascii'), binascii.hexlify(data).decode('ascii').upper(),
        ]
        for form in forms:
            assert form not in text, 'secret found in the state file'
    # Neither a fast unsalted hash of a secret.
    import hashlib
    for secret in (SMTP_SECRET, POP_SECRET):
        for name in ('md5', 'sha1', 'sha256', 'sha512'):
            assert hashlib.new(name, secret.encode('utf-8')).hexdigest() not in text
    assert json.loads(text)['scopes'][SCOPE]['extra'] == {'company_id': 20097}


def test_hash_is_slow_and_salted(store):
    assert fingerprint.ITERATIONS >= 100000
    first = store.record(SCOPE, KEYMAP)
    assert first['iterations'] >= 100000 and first['algorithm'] == 'pbkdf2_sha256'
    assert len(binascii.unhexlify(first['salt'])) >= 16
    second = store.record(SCOPE, KEYMAP)
    assert first['salt'] != second['salt'] and first['full'] != second['full']
    started = time.monotonic()
    assert store.matches(SCOPE, KEYMAP)
    assert time.monotonic() - started >= 0.02  # one PBKDF2 run at 150k iterations, measured ~90 ms here


def test_file_mode_0600_and_directory_0700(tmp_path):
    path = tmp_path / 'new' / 'deeper' / 'state.json'
    store = FingerprintStore(str(path))
    store.record(SCOPE, KEYMAP)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700
    os.chmod(str(path), 0o644)
    store.record(SCOPE, KEYMAP)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    leftovers = [name for name in os.listdir(str(path.parent)) if name.endswith('.tmp')]
    assert leftovers == []


def test_scopes_are_independent_and_forget_removes_one(store):
    store.record(SCOPE, KEYMAP)
    other = changed(mail__session__mail__smtp__host='smtp.other.test')
    store.record('other-scope', other)
    assert store.matches(SCOPE, KEYMAP) and store.matches('other-scope', other)
    assert not store.matches('other-scope', KEYMAP)
    assert store.forget(SCOPE) is True
    assert store.load(SCOPE) is None and store.matches('other-scope', other)
    assert store.forget(SCOPE) is False


def test_forget_without_a_file_creates_nothing(tmp_path):
    store = FingerprintStore(str(tmp_path / 'absent' / 'state.json'))
    assert store.forget(SCOPE) is False
    assert not os.path.exists(str(tmp_path / 'absent'))


def test_unwritable_path_gives_a_clear_error(tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text(u'not a directory')
    store = FingerprintStore(str(blocker / 'state.json'))
    with pytest.raises(FingerprintError) as caught:
        store.record(SCOPE, KEYMAP)
    message = str(caught.value)
    assert 'state_file' in message and str(blocker) in message and 'writable' in message
    assert SMTP_SECRET not in message


def test_a_foreign_file_is_never_overwritten(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    path.write_text(u'mail.session.mail=true\n')
    store = FingerprintStore(str(path))
    with pytest.raises(FingerprintError) as caught:
        store.record(SCOPE, KEYMAP)
    assert 'not a liferay_ops.mail fingerprint file' in str(caught.value)
    assert path.read_text() == u'mail.session.mail=true\n'


def test_a_tampered_record_does_not_match(store):
    store.record(SCOPE, KEYMAP)
    with open(store.path) as handle:
        data = json.load(handle)
    data['scopes'][SCOPE]['full'] = '00' * 32
    data['scopes'][SCOPE]['salt'] = 'not-hex'
    with open(store.path, 'w') as handle:
        json.dump(data, handle)
    assert not store.matches(SCOPE, KEYMAP)
    assert not store.matches(SCOPE, KEYMAP, compare_secrets=False)


def test_secret_keys_come_from_the_settings_model():
    assert SECRET_KEYS == frozenset(['mail.session.mail.smtp.password', 'mail.session.mail.pop3.password'])
    values, secrets_set = fingerprint.public_view(KEYMAP)
    assert set(secrets_set) == set(SECRET_KEYS)
    assert not set(values) & set(SECRET_KEYS)
