"""Faults of the portal during an api apply: HTTP 500, a reset connection, a hang past the timeout.

All in ONE playbook: uri tasks arm the simulator's faults between the module tasks. After each
failed apply the portal must still hold the previous preferences and the state file must not have
moved, so the next (fault-free) run applies again.
"""

import json

import pytest

from playbook import run_playbook, write_playbook
from reliability_helpers import MODULE
from sim_fixtures import ADMIN, DEFAULT_COMPANY_ID

MODES = ('http500', 'reset', 'hang')
HOST_KEY = 'mail.session.mail.smtp.host'


def apply_task(name, sim, state_file, host, **extra):
    args = dict(backend='api', portal_url=sim.url, api_user=ADMIN[0], api_password=ADMIN[1],
                company_id=DEFAULT_COMPANY_ID, state_file=state_file, timeout=3, startup_timeout=1,
                smtp=dict(host=host, port=587, security='starttls', user='portal@example.com',
                          password=u'Fault,pw=\u00e9#' + host))
    args.update(extra)
    task = {'name': name, MODULE: args, 'register': name.replace('-', '_')}
    if name.startswith('faulted'):
        task['ignore_errors'] = True
    return task


def uri(name, sim, path, body=None):
    task = {'name': name, 'ansible.builtin.uri': dict(url=sim.url + path, method='POST' if body is not None else 'GET',
                                                      body_format='json', return_content=True)}
    if body is not None:
        task['ansible.builtin.uri']['body'] = body
    return task


def stat(name, path):
    return {'name': name, 'ansible.builtin.stat': dict(path=path, checksum_algorithm='sha256')}


@pytest.fixture(scope='module')
def fault_run(liferay_sim_module, tmp_path_factory):
    sim = liferay_sim_module()
    root = tmp_path_factory.mktemp('api-faults')
    state = str(root / 'state.json')
    prefs = '/sim/preferences?companyId=%d' % DEFAULT_COMPANY_ID
    tasks = [apply_task('baseline', sim, state, 'before.example.com')]
    for mode in MODES:
        tasks += [
            stat('state-before-%s' % mode, state),
            uri('arm-%s' % mode, sim, '/sim/faults', {'mode': mode, 'count': 10}),
            apply_task('faulted-%s' % mode, sim, state, '%s.example.com' % mode),
            uri('disarm-%s' % mode, sim, '/sim/faults', {'mode': 'none', 'count': 0}),
            uri('prefs-after-%s' % mode, sim, prefs),
            stat('state-after-%s' % mode, state),
            apply_task('retry-%s' % mode, sim, state, '%s.example.com' % mode),
            uri('prefs-retried-%s' % mode, sim, prefs),
            # Back to the baseline, so each mode starts from the same stored settings.
            apply_task('reset-%s' % mode, sim, state, 'before.example.com'),
        ]
    run = run_playbook(write_playbook(root, tasks, name='api-faults.yml'), env={'ANSIBLE_PIPELINING': '1'},
                       timeout=600)
    return dict(run=run, results=dict((result['_task'], result) for result in run.task_results()))


@pytest.mark.parametrize('mode', MODES)
def test_a_faulted_apply_keeps_the_old_preferences_and_the_state_file(fault_run, mode):
    results = fault_run['results']
    assert results['baseline']['changed'] is True, fault_run['run'].output[-3000:]
    failed = results['faulted-%s' % mode]
    assert failed['_status'] == 'failed', failed
    assert not failed['msg'].startswith('Task failed'), failed['msg']
    assert 'nothing recorded in state_file' in failed['msg'], failed['msg']
    stored = json.loads(results['prefs-after-%s' % mode]['content'])['preferences']
    assert stored[HOST_KEY] == 'before.example.com'
    assert results['state-after-%s' % mode]['stat']['checksum'] == results['state-before-%s' % mode]['stat']['checksum']
    if mode == 'hang':
        assert 'timeout=3' in failed['msg'], failed['msg']


@pytest.mark.parametrize('mode', MODES)
def test_the_next_run_applies_again(fault_run, mode):
    results = fault_run['results']
    retried = results['retry-%s' % mode]
    assert retried['_status'] == 'ok' and retried['changed'] is True, retried
    stored = json.loads(results['prefs-retried-%s' % mode]['content'])['preferences']
    assert stored[HOST_KEY] == '%s.example.com' % mode
