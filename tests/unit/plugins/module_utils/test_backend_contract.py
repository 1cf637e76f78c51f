# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The backend contract, checked the same way for every backend.

Each backend runs in-process with a real AnsibleModule built from mail_settings' own
argument spec; the api backend talks to the real liferay-sim process. The contract:
check mode writes nothing, a second apply changes nothing, the diff and the settings
are masked, update_password on_create keeps a stored password, a file backend keeps a
backup when asked, and a failed write leaves the layer as it was.
"""

import json
import os
import sys

import pytest
import requests

from ansible.module_utils import basic

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.base import Backend, FileBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import MailError
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import MASK
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MailSettings
from ansible_collections.liferay_ops.mail.plugins.modules import mail_settings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))
from sim_fixtures import ADMIN, SimProcess  # noqa: E402 pylint: disable=wrong-import-position

PASSWORD = 'Contract,S3cret"pw'
ROTATED = 'R0tated-by-hand-pw'
BACKENDS = ('properties', 'env_file', 'osgi_config', 'client_extension', 'api')


class Target(object):
    """Where one backend writes, and how to look at what it wrote."""

    def __init__(self, backend, tmp_path, sim=None):
        self.backend = backend
        self.tmp_path = tmp_path
        self.sim = sim
        home = tmp_path / 'home'
        (home / 'osgi' / 'configs').mkdir(parents=True, exist_ok=True)
        self.params = dict(backend=backend, liferay_home=str(home))
        if backend == 'properties':
            self.file = home / 'portal-ext.properties'
        elif backend == 'env_file':
            self.file = tmp_path / 'liferay-mail.env'
            self.params['env_file'] = str(self.file)
        elif backend == 'osgi_config':
            self.file = home / 'osgi' / 'configs' / (
                'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config')
            self.params['liferay_version'] = '2025.q4'
        elif backend == 'client_extension':
            # The contract writes a password: this backend takes one only when told to.
            self.file = tmp_path / 'client-extension.yaml'
            self.params.update(client_extension_file=str(self.file), client_extension_secrets='inline')
        else:
            self.file = tmp_path / 'state' / 'fingerprints.json'
            self.params.update(portal_url=sim.url, api_user=ADMIN[0], api_password=ADMIN[1],
                               state_file=str(self.file), startup_timeout=0, timeout=5)

    def snapshot(self):
        """What the layer holds: the file's bytes, or for api the stored preferences and the state file."""
        data = self.file.read_bytes() if self.file.exists() else None
        if self.sim is None:
            return data
        prefs = requests.get(self.sim.url + '/sim/preferences', params={'companyId': 20097, 'secrets': '1'},
                             timeout=10).json()['preferences']
        return data, prefs

    def stored_password(self):
        if self.sim is not None:
            return self.snapshot()[1].get('mail.session.mail.smtp.password')
        text = self.file.read_text()
        return PASSWORD if PASSWORD.replace(',', '') in text.replace('\\', '').replace(',', '') else None


def run(target, check_mode=False, **options):
    """One backend run with a real AnsibleModule; returns its result (raises MailError or SystemExit)."""
    args = dict(target.params)
    args.update(smtp=dict(host='smtp.example.test', port=587, security='starttls', user='mailer', password=PASSWORD))
    args.update(options)
    args.update(_ansible_check_mode=check_mode, _ansible_diff=True, _ansible_tmpdir=str(target.tmp_path))
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')
    basic._ANSIBLE_PROFILE = 'legacy'
    module = basic.AnsibleModule(argument_spec=mail_settings.argument_spec(), add_file_common_args=True,
                                 supports_check_mode=True)
    backend = mail_settings.backend_class(args['backend'])(module, MailSettings.from_params(module.params))
    assert isinstance(backend, Backend)
    result = backend.run()
    text = json.dumps(result)
    assert PASSWORD not in text and json.dumps(PASSWORD)[1:-1] not in text and ROTATED not in text
    return result


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    sim = None
    if request.param == 'api':
        home = tmp_path / 'sim-home'
        home.mkdir()
        sim = SimProcess(home)
        sim.start()
    yield Target(request.param, tmp_path, sim)
    if sim is not None:
        sim.stop()


def test_check_mode_writes_nothing(target):
    before = target.snapshot()
    result = run(target, check_mode=True)
    assert result['changed']
    assert target.snapshot() == before


def test_second_apply_is_unchanged(target):
    assert run(target)['changed']
    written = target.snapshot()
    again = run(target)
    assert not again['changed'] and not again['restart_required']
    assert target.snapshot() == written


def test_diff_and_settings_are_masked(target):
    result = run(target)
    assert MASK in result['diff']['after'] and MASK in json.dumps(result['settings'])
    assert result['diff']['before_header'].endswith('(before)')
    changed = run(target, smtp=dict(host='smtp2.example.test', user='mailer', password=ROTATED))
    assert changed['changed'] and 'smtp2.example.test' in changed['diff']['after']


def test_on_create_keeps_the_stored_password(target):
    run(target)
    rotated = dict(host='smtp.example.test', port=587, user='mailer', password=ROTATED)
    result = run(target, update_password='on_create', smtp=rotated)
    assert not result['changed']
    assert target.stored_password() == PASSWORD


def test_absent_removes_what_it_manages_and_stays_absent(target):
    run(target)
    assert run(target, state='absent')['changed']
    assert not run(target, state='absent')['changed']


def test_backup_where_the_layer_is_a_file(target):
    run(target)
    old = target.snapshot()
    result = run(target, backup=True, smtp=dict(host='smtp2.example.test', user='mailer', password=PASSWORD))
    if target.backend == 'api':
        assert 'backup_file' not in result
        return
    assert result['changed'] and result['path'] == str(target.file)
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == old


def test_a_failed_write_leaves_the_layer_as_it_was(target, capsys):
    run(target)
    before = target.snapshot()
    new_host = dict(host='smtp2.example.test', user='mailer', password=PASSWORD)
    if target.backend == 'api':
        requests.post(target.sim.url + '/sim/faults', json={'mode': 'http500', 'count': 10}, timeout=10)
        with pytest.raises(MailError) as failed:
            run(target, smtp=new_host)
        assert 'nothing recorded in state_file' in str(failed.value)
    else:
        # The owner option is tried on the temporary file first: an unknown owner fails before the rename.
        with pytest.raises(SystemExit):
            run(target, owner='no-such-user-liferay-ops', smtp=new_host)
        assert 'no-such-user-liferay-ops' in capsys.readouterr().out
        leftovers = [name for name in os.listdir(str(target.file.parent)) if name.endswith('.tmp')]
        assert leftovers == []
    assert target.snapshot() == before


def test_file_backends_share_the_file_contract():
    for name in BACKENDS:
        backend = mail_settings.backend_class(name)
        assert issubclass(backend, Backend)
        assert issubclass(backend, FileBackend) == (name != 'api')
