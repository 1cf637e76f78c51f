# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""backend: api against the real liferay-sim process over HTTP on 127.0.0.1."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import sys

import pytest
import requests

from ansible_collections.liferay_ops.mail.plugins.module_utils.backends.api import ApiBackend
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MailSettings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))
from sim_fixtures import SimProcess  # noqa: E402 pylint: disable=wrong-import-position

ADMIN = ('test@liferay.com', 'test')
COMPANY_ID = 20097
SMTP_PASSWORD = 'Smtp-S3cret"pw'
ROTATED = 'Rotated-S3cret-pw'


class Sim(SimProcess):
    def __init__(self, tmp_path):
        home = tmp_path / 'home'
        home.mkdir()
        super(Sim, self).__init__(home)
        self.start()

    def prefs(self):
        answer = requests.get(self.url + '/sim/preferences', params={'companyId': COMPANY_ID, 'secrets': '1'}, timeout=10)
        return answer.json()['preferences']

    def jsonws_requests(self):
        return requests.get(self.url + '/sim/requests', timeout=10).json()

    def fault(self, mode, count=1):
        assert requests.post(self.url + '/sim/faults', json={'mode': mode, 'count': count}, timeout=10).status_code == 200


@pytest.fixture
def sim(tmp_path):
    running = Sim(tmp_path)
    yield running
    running.stop()


class Module(object):
    """The few AnsibleModule members a backend may use (backends.py), nothing else."""

    def __init__(self, params, check_mode=False, diff=True):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


def params_for(sim, tmp_path, **overrides):
    params = dict(
        backend='api', state='present', update_password='always', force=False,
        portal_url=sim.url, api_user=ADMIN[0], api_password=ADMIN[1], company_web_id=None, company_id=None,
        validate_certs=True, ca_path=None, timeout=5, startup_timeout=0,
        state_file=str(tmp_path / 'state' / 'fingerprints.json'),
        smtp=dict(host='smtp.example.test', port=587, security='starttls', user='mailer', password=SMTP_PASSWORD),
        pop=None, javamail_properties={},
    )
    params.update(overrides)
    return params


def run(params, check_mode=False):
    module = Module(params, check_mode=check_mode)
    result = ApiBackend(module, MailSettings.from_params(params)).run()
    text = json.dumps(result)
    for secret in (SMTP_PASSWORD, ROTATED):
        assert secret not in text and json.dumps(secret)[1:-1] not in text
    return result


def test_first_run_applies_second_run_sends_nothing(sim, tmp_path):
    params = params_for(sim, tmp_path)
    first = run(params)
    assert first['changed'] and first['restart_required']
    assert first['requests'] == 2  # company lookup + update-preferences
    assert first['company_id'] == COMPANY_ID
    assert first['settings']['mail.session.mail.smtp.password'] == '********'
    stored = sim.prefs()
    assert stored['mail.session.mail.smtp.host'] == 'smtp.example.test'
    assert stored['mail.session.mail.smtp.password'] == SMTP_PASSWORD
    assert stored['mail.session.mail'] == 'true'
    before = sim.jsonws_requests()
    second = run(params)
    assert not second['changed'] and not second['restart_required']
    assert second['requests'] == 0 and second['company_id'] == COMPANY_ID
    assert sim.jsonws_requests() == before


def test_explicit_company_id_needs_one_request(sim, tmp_path):
    result = run(params_for(sim, tmp_path, company_id=COMPANY_ID))
    assert result['changed'] and result['requests'] == 1


def test_check_mode_sends_nothing_and_diffs_masked(sim, tmp_path):
    params = params_for(sim, tmp_path)
    run(params)
    params['smtp'] = dict(params['smtp'], host='smtp2.example.test')
    before = sim.jsonws_requests()
    result = run(params, check_mode=True)
    assert result['changed'] and result['requests'] == 0
    assert sim.jsonws_requests() == before
    assert 'mail.session.mail.smtp.host=smtp.example.test' in result['diff']['before']
    assert 'mail.session.mail.smtp.host=smtp2.example.test' in result['diff']['after']
    assert 'mail.session.mail.smtp.password=********' in result['diff']['before']
    assert sim.prefs()['mail.session.mail.smtp.host'] == 'smtp.example.test'
    assert run(params)['changed']  # check mode recorded nothing


def test_always_sends_a_rotated_password(sim, tmp_path):
    params = params_for(sim, tmp_path)
    run(params)
    params['smtp'] = dict(params['smtp'], password=ROTATED)
    result = run(params)
    assert result['changed'] and sim.prefs()['mail.session.mail.smtp.password'] == ROTATED
    assert not run(params)['changed']


def test_on_create_leaves_a_set_password_alone(sim, tmp_path):
    run(params_for(sim, tmp_path))
    on_create = params_for(sim, tmp_path, update_password='on_create',
                           smtp=dict(host='smtp.example.test', port=587, security='starttls', user='mailer',
                                     password=ROTATED))
    result = run(on_create)
    assert not result['changed'] and result['requests'] == 0
    # Another key changes: the request leaves the stored password as it is.
    on_create['javamail_properties'] = {'mail.smtp.localhost': 'portal.example.test'}
    result = run(on_create)
    assert result['changed']
    stored = sim.prefs()
    assert 'mail.smtp.localhost=portal.example.test' in stored['mail.session.mail.advanced.properties']
    assert stored['mail.session.mail.smtp.password'] == SMTP_PASSWORD
    assert not run(on_create)['changed']
    # The server changes: the stored password must not follow it, so the given one is sent.
    on_create['smtp'] = dict(on_create['smtp'], host='smtp2.example.test')
    result = run(on_create)
    assert result['changed']
    stored = sim.prefs()
    assert stored['mail.session.mail.smtp.host'] == 'smtp2.example.test'
    assert stored['mail.session.mail.smtp.password'] == ROTATED
    assert not run(on_create)['changed']
    on_create['smtp'] = dict(on_create['smtp'], password=SMTP_PASSWORD)
    assert not run(on_create)['changed']
    assert sim.prefs()['mail.session.mail.smtp.password'] == ROTATED
    # 'always' cannot know which password the portal holds now, so it sends it.
    always = dict(on_create, update_password='always')
    assert run(always)['changed']
    assert sim.prefs()['mail.session.mail.smtp.password'] == SMTP_PASSWORD


def test_force_reapplies(sim, tmp_path):
    params = params_for(sim, tmp_path)
    run(params)
    result = run(dict(params, force=True))
    assert result['changed'] and result['requests'] == 2


@pytest.mark.parametrize('mode', ['http500', 'reset'])
def test_a_failed_write_does_not_advance_the_state(sim, tmp_path, mode):
    params = params_for(sim, tmp_path, company_id=COMPANY_ID)
    sim.fault(mode)
    with pytest.raises(BackendError) as caught:
        run(params)
    assert 'next run' in str(caught.value) and SMTP_PASSWORD not in str(caught.value)
    assert not os.path.exists(params['state_file'])
    assert run(params)['changed']


def test_a_hang_fails_with_a_timeout_and_records_nothing(sim, tmp_path):
    params = params_for(sim, tmp_path, company_id=COMPANY_ID, timeout=1)
    run(params)
    params['smtp'] = dict(params['smtp'], host='smtp2.example.test')
    sim.fault('hang')
    with pytest.raises(BackendError) as caught:
        run(params)
    assert 'timeout=1' in str(caught.value)
    assert run(params)['changed']


def test_absent_removes_the_managed_keys_once(sim, tmp_path):
    run(params_for(sim, tmp_path))
    absent = params_for(sim, tmp_path, state='absent', smtp=None)
    result = run(absent)
    assert result['changed'] and result['settings'] == {}
    assert 'mail.session.mail.smtp.host=smtp.example.test' in result['diff']['before']
    assert not [key for key in sim.prefs() if key.startswith('mail.session.mail')]
    again = run(absent)
    assert not again['changed'] and again['requests'] == 0


def test_wrong_credentials_fail_clearly(sim, tmp_path):
    params = params_for(sim, tmp_path, api_password='wrong"password')
    with pytest.raises(BackendError) as caught:
        run(params)
    message = str(caught.value)
    assert 'HTTP 403' in message and 'Administrator' in message
    assert 'wrong"password' not in message and SMTP_PASSWORD not in message
    assert not os.path.exists(params['state_file'])
