"""No secret leaks: every module path at -vvvv with --diff, with secrets full of escaped characters.

Scanned: stdout, stderr, every task result, and every file the run wrote (home, temp dirs, ansible
log, api state file, backups, the simulator's log), for the raw, escaped, URL-encoded and base64
forms. Only portal-ext.properties and its backups may hold a password; backups keep the mode.
"""

import json
import os
import stat

import pytest

from playbook import run_playbook, write_playbook
from reliability_helpers import CHECK_MODULE, INFO_MODULE, MODULE, find_leaks, isolated_env, scan_tree, tricky_secret
from sim_fixtures import DEFAULT_COMPANY_ID, liferay_sim_module  # noqa: F401 (fixture)

API_USER = 'leak-admin@liferay.com'


@pytest.fixture(scope='module')
def leak_run(liferay_sim_module, tmp_path_factory):
    root = str(tmp_path_factory.mktemp('leaks'))
    secrets = [tricky_secret(label) for label in ('smtp', 'pop', 'new', 'api', 'extra', 'wrong')]
    # Plain str copies go into the playbook (YAML cannot represent the subclass).
    smtp_pw, pop_pw, new_pw, api_pw, extra_pw, wrong_pw = (str(secret) for secret in secrets)
    users = os.path.join(root, 'users.json')
    with open(users, 'w') as handle:
        json.dump([{'emailAddress': API_USER, 'password': api_pw, 'adminOf': ['liferay.com']}], handle)
    sim = liferay_sim_module(args=['--users-file', users])
    home = os.path.join(root, 'liferay')
    os.makedirs(home)
    props = os.path.join(home, 'portal-ext.properties')
    with open(props, 'w') as handle:
        handle.write('jdbc.default.url=jdbc:hsqldb:mem\n')
    os.chmod(props, 0o640)
    state = os.path.join(root, 'state', 'api-fingerprints.json')

    def server(password, host='smtp.example.com'):
        return dict(host=host, port=587, security='starttls', user='portal@example.com', password=password)

    full = dict(smtp=server(smtp_pw), pop=dict(host='pop.example.com', user='portal@example.com', password=pop_pw),
                javamail_properties={'mail.smtp.proxy.password': extra_pw, 'mail.smtp.timeout': 5000})
    api = dict(backend='api', portal_url=sim.url, api_user=API_USER, api_password=api_pw, state_file=state, timeout=3,
               startup_timeout=1)

    def step(name, module, args, **more):
        task = {'name': name, module: args, 'ignore_errors': True}
        task.update(more)
        return task

    tasks = [
        step('props apply', MODULE, dict(full, path=props)),
        step('props unchanged', MODULE, dict(full, path=props)),
        step('props check new password', MODULE, dict(full, path=props, smtp=server(new_pw)), check_mode=True),
        step('props change with backup', MODULE, dict(full, path=props, smtp=server(new_pw), backup=True)),
        step('props on_create', MODULE, dict(full, path=props, smtp=server(smtp_pw), update_password='on_create')),
        step('props unwritable value', MODULE, dict(path=props, smtp=server(' ,' + smtp_pw))),
        step('props password newline', MODULE, dict(path=props, smtp=server(smtp_pw + '\n'))),
        step('props directory', MODULE, dict(full, path=home)),
        step('info props', INFO_MODULE, dict(path=props, liferay_home=home)),
        step('api apply', MODULE, dict(full, **api)),
        step('api unchanged', MODULE, dict(full, **api)),
        step('api check change', MODULE, dict(full, smtp=server(new_pw), **api), check_mode=True),
        step('api wrong password', MODULE, dict(full, smtp=server(new_pw), **dict(api, api_password=wrong_pw))),
        {'name': 'arm 500', 'ansible.builtin.uri': dict(url=sim.url + '/sim/faults', method='POST', body_format='json',
                                                        body={'mode': 'http500', 'count': 3})},
        step('api 500', MODULE, dict(full, smtp=server(new_pw), **api)),
        {'name': 'arm reset', 'ansible.builtin.uri': dict(url=sim.url + '/sim/faults', method='POST', body_format='json',
                                                          body={'mode': 'reset', 'count': 3})},
        step('api reset', MODULE, dict(full, smtp=server(new_pw), **api)),
        step('api absent', MODULE, dict(state='absent', **api)),
        step('info api', INFO_MODULE, dict(portal_url=sim.url, state_file=state, path=props)),
        step('check refused', CHECK_MODULE, dict(smtp=server(smtp_pw, host='127.0.0.1'), timeout=2,
                                                  pop=dict(host='127.0.0.1', port=9, user='u', password=pop_pw))),
        step('props absent', MODULE, dict(state='absent', path=props)),
    ]
    # As users do, the playbook names variables; the secrets live in a vars file (a vault in real life),
    # since ansible-core quotes the playbook lines around a failed task in its error output.
    names = dict((str(secret), 'secret_%s' % secret.core[:-16]) for secret in secrets)
    tasks = _reference_vars(tasks, names)
    os.makedirs(os.path.join(root, 'input'))
    vars_file = os.path.join(root, 'input', 'secrets.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(dict((name, value) for value, name in names.items()), handle, ensure_ascii=False)
    playbook = write_playbook(os.path.join(root, 'input'), tasks, vars_files=[vars_file])
    env = isolated_env(os.path.join(root, 'run'))
    env['ANSIBLE_PIPELINING'] = '1'
    runs = [run_playbook(playbook, verbosity=4, diff=True, env=env, timeout=900)]
    runs.append(run_playbook(playbook, verbosity=4, diff=True, check=True, env=env, timeout=900))
    return dict(runs=runs, root=root, props=props, home=home, sim=sim, state=state,
                secrets=secrets)


def _reference_vars(node, names):
    if isinstance(node, dict):
        return dict((key, _reference_vars(value, names)) for key, value in node.items())
    if isinstance(node, list):
        return [_reference_vars(value, names) for value in node]
    if isinstance(node, str):
        for value, name in names.items():
            node = node.replace(value, '{{ %s }}' % name)
    return node


def test_every_path_ran(leak_run):
    names = [result['_task'] for result in leak_run['runs'][0].task_results()]
    assert 'props apply' in names and 'api apply' in names and 'check refused' in names, leak_run['runs'][0].output[-3000:]
    results = dict((result['_task'], result) for result in leak_run['runs'][0].task_results())
    assert results['props apply']['changed'] is True
    assert results['api apply']['changed'] is True, results['api apply']
    assert results['api wrong password']['_status'] == 'failed'
    assert results['props password newline']['_status'] == 'failed'


def test_no_secret_in_output_or_results(leak_run):
    hits = []
    for number, run in enumerate(leak_run['runs']):
        hits += find_leaks(run.stdout, leak_run['secrets'], 'run %d stdout' % number)
        hits += find_leaks(run.stderr, leak_run['secrets'], 'run %d stderr' % number)
        hits += find_leaks(json.dumps(run.report, ensure_ascii=False), leak_run['secrets'], 'run %d results' % number)
        hits += find_leaks(json.dumps(run.report), leak_run['secrets'], 'run %d results (ascii)' % number)
    assert hits == []


def test_no_secret_in_any_file_written(leak_run):
    allowed = [leak_run['props']] + [os.path.join(leak_run['home'], name) for name in os.listdir(leak_run['home'])
                                     if name.startswith('portal-ext.properties.')]
    hits = scan_tree(os.path.join(leak_run['root'], 'run'), leak_run['secrets'])
    hits += scan_tree(leak_run['home'], leak_run['secrets'], allowed=allowed)
    hits += scan_tree(os.path.dirname(leak_run['state']), leak_run['secrets'])
    hits += find_leaks(leak_run['sim'].log(), leak_run['secrets'], 'simulator log')
    assert os.path.exists(leak_run['state'])
    assert os.path.exists(os.path.join(leak_run['root'], 'run', 'ansible.log'))
    assert hits == []


def test_backups_are_no_more_readable_than_the_original(leak_run):
    backups = [name for name in os.listdir(leak_run['home']) if name.startswith('portal-ext.properties.')]
    assert backups, os.listdir(leak_run['home'])
    for name in backups:
        mode = stat.S_IMODE(os.stat(os.path.join(leak_run['home'], name)).st_mode)
        assert mode & ~0o640 == 0, '%s has mode %o' % (name, mode)
    assert stat.S_IMODE(os.stat(os.path.join(leak_run['state'])).st_mode) & 0o077 == 0
