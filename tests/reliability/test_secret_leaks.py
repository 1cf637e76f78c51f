"""No secret leaks: every module path at -vvvv with --diff, with secrets full of escaped characters.

Scanned: stdout, stderr, every task result, and every file the run wrote (home, temp dirs, ansible
log, api state file, backups, the simulator's log), for the raw, escaped, URL-encoded and base64
forms. Only the files the settings live in may hold a password (portal-ext.properties, the env file,
the .config file, and their backups); they are 0600 or keep the original's mode.

The same ansible-playbook process also runs the role through playbooks/configure_mail.yml on two
inventory hosts (properties and api backends), its secrets in an inventory group_vars file, and the
second (check mode) run previews a password change through it.
"""

import json
import os
import stat

import pytest
import yaml

from playbook import run_playbook, write_playbook
from reliability_helpers import CHECK_MODULE, INFO_MODULE, MODULE, find_leaks, isolated_env, scan_tree, tricky_secret

API_USER = 'leak-admin@liferay.com'
ROLE_API_USER = 'role-admin@liferay.com'
OSGI_FILE = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config'
ENV_NAME = 'liferay-mail.env'
ROLE_TASK = 'Write the mail settings with the backend'
LANES = ('props', 'api', 'env', 'osgi')


def felix_quoted(text):
    """``text`` as a Felix .config string, escaped as Felix writes it."""
    return '"%s"' % ''.join('\\' + char if char in '\\" =' else char for char in text)


@pytest.fixture(scope='module')
def leak_run(liferay_sim_module, tmp_path_factory):
    root = str(tmp_path_factory.mktemp('leaks'))
    secrets = [tricky_secret(label) for label in ('smtp', 'pop', 'new', 'api', 'extra', 'wrong')]
    # Plain str copies go into the playbook (YAML cannot represent the subclass).
    smtp_pw, pop_pw, new_pw, api_pw, extra_pw, wrong_pw = (str(secret) for secret in secrets)
    role_labels = ('rolesmtp', 'rolenext', 'rolepop', 'roleapi', 'roleextra')
    role_secrets = dict((label, tricky_secret(label)) for label in role_labels)
    users = os.path.join(root, 'users.json')
    with open(users, 'w') as handle:
        json.dump([{'emailAddress': API_USER, 'password': api_pw, 'adminOf': ['liferay.com']},
                   {'emailAddress': ROLE_API_USER, 'password': str(role_secrets['roleapi']),
                    'adminOf': ['liferay.com']}], handle)
    sim = liferay_sim_module(args=['--users-file', users])
    home = os.path.join(root, 'liferay')
    os.makedirs(home)
    props = os.path.join(home, 'portal-ext.properties')
    with open(props, 'w') as handle:
        handle.write('jdbc.default.url=jdbc:hsqldb:mem\n')
    os.chmod(props, 0o640)
    state = os.path.join(root, 'state', 'api-fingerprints.json')
    env_file = os.path.join(home, ENV_NAME)
    osgi_config = os.path.join(home, 'osgi', 'configs', OSGI_FILE)
    os.makedirs(os.path.dirname(osgi_config))
    # An existing .config that no reader can take, holding an old password, and one whose JavaMail
    # properties (holding a proxy password) carry a wrong type: errors must name the file, not quote it.
    broken = os.path.join(home, 'broken', 'osgi', 'configs')
    broken_javamail = os.path.join(home, 'broken-javamail', 'osgi', 'configs')
    for directory, text in (
            (broken, 'outgoingSMTPServer="old.example.com"\nsmtpPassword=%s junk\n' % felix_quoted(wrong_pw)),
            (broken_javamail, 'additionalJavaMailProperties=I%s\n'
             % felix_quoted('mail.smtp.proxy.password=%s' % wrong_pw))):
        os.makedirs(directory)
        with open(os.path.join(directory, OSGI_FILE), 'w', encoding='utf-8') as handle:
            handle.write(text)

    def server(password, host='smtp.example.com'):
        return dict(host=host, port=587, security='starttls', user='portal@example.com', password=password)

    full = dict(smtp=server(smtp_pw), pop=dict(host='pop.example.com', user='portal@example.com', password=pop_pw),
                javamail_properties={'mail.smtp.proxy.password': extra_pw, 'mail.smtp.timeout': 5000})
    api = dict(backend='api', portal_url=sim.url, api_user=API_USER, api_password=api_pw, state_file=state, timeout=3,
               startup_timeout=1)

    # A Docker env file holds one JavaMail property at most (no line breaks).
    one_javamail = dict(full, javamail_properties={'mail.smtp.proxy.password': extra_pw})
    env_backend = dict(backend='env_file', env_file=env_file)
    osgi_backend = dict(backend='osgi_config', liferay_home=home, liferay_version='2025.q4')

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
        # Faults left armed would hit the calls that follow (the role's api node among them).
        {'name': 'disarm', 'ansible.builtin.uri': dict(url=sim.url + '/sim/faults', method='POST',
                                                       body_format='json', body={'mode': 'none', 'count': 0})},
        step('api absent', MODULE, dict(state='absent', **api)),
        step('info api', INFO_MODULE, dict(portal_url=sim.url, state_file=state, path=props)),
        step('check refused', CHECK_MODULE, dict(smtp=server(smtp_pw, host='127.0.0.1'), timeout=2,
                                                 pop=dict(host='127.0.0.1', port=9, user='u', password=pop_pw))),
        step('props absent', MODULE, dict(state='absent', path=props)),
        step('env apply', MODULE, dict(one_javamail, **env_backend)),
        step('env unchanged', MODULE, dict(one_javamail, **env_backend)),
        step('env check new password', MODULE, dict(one_javamail, smtp=server(new_pw), **env_backend),
             check_mode=True),
        step('env change with backup', MODULE,
             dict(one_javamail, smtp=server(new_pw), backup=True, **env_backend)),
        step('env on_create', MODULE, dict(one_javamail, update_password='on_create', **env_backend)),
        step('env unwritable value', MODULE, dict(smtp=server(' ,' + smtp_pw), **env_backend)),
        step('env two javamail properties', MODULE, dict(full, **env_backend)),
        step('env directory', MODULE, dict(one_javamail, **dict(env_backend, env_file=home))),
        step('info env', INFO_MODULE, dict(env_file=env_file)),
        step('osgi apply', MODULE, dict(full, **osgi_backend)),
        step('osgi unchanged', MODULE, dict(full, **osgi_backend)),
        step('osgi check new password', MODULE, dict(full, smtp=server(new_pw), **osgi_backend),
             check_mode=True),
        step('osgi change', MODULE, dict(full, smtp=server(new_pw), **osgi_backend)),
        step('osgi on_create', MODULE, dict(full, update_password='on_create', **osgi_backend)),
        step('osgi absent', MODULE, dict(state='absent', **osgi_backend)),
        step('osgi apply again', MODULE, dict(full, smtp=server(new_pw), **osgi_backend)),
        step('osgi malformed', MODULE, dict(full, **dict(osgi_backend, osgi_configs_dir=broken))),
        step('osgi malformed javamail', MODULE,
             dict(full, **dict(osgi_backend, osgi_configs_dir=broken_javamail))),
        step('osgi on 7.4', MODULE, dict(full, **dict(osgi_backend, liferay_version='7.4'))),
        step('osgi configs missing', MODULE, dict(full, **dict(osgi_backend, osgi_configs_dir=os.path.join(
            home, 'no-such-home', 'osgi', 'configs')))),
    ]
    # Steps of different backends touch different files: each backend gets a lane (a local host) of its
    # own, and the lanes run side by side (strategy free); within a lane the steps keep their order.
    for task in tasks:
        task['when'] = "inventory_hostname == 'lane-%s'" % _lane(task['name'])
    # As users do, the playbook names variables; the secrets live in a vars file (a vault in real life),
    # since ansible-core quotes the playbook lines around a failed task in its error output.
    names = dict((str(secret), 'secret_%s' % secret.core[:-16]) for secret in secrets)
    tasks = _reference_vars(tasks, names)
    os.makedirs(os.path.join(root, 'input'))
    vars_file = os.path.join(root, 'input', 'secrets.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(dict((name, value) for value, name in names.items()), handle, ensure_ascii=False)
    playbook = write_playbook(os.path.join(root, 'input'), tasks, vars_files=[vars_file], hosts='leak_lanes',
                              strategy='free')
    role = _role_inventory(root, sim, role_secrets)
    with open(playbook) as handle:
        plays = yaml.safe_load(handle)
    # The second play is the collection's own playbook, as `ansible-playbook liferay_ops.mail.configure_mail`.
    plays.append({'import_playbook': 'liferay_ops.mail.configure_mail'})
    with open(playbook, 'w') as handle:
        yaml.safe_dump(plays, handle, sort_keys=False, allow_unicode=True)
    env = isolated_env(os.path.join(root, 'run'))
    env['ANSIBLE_PIPELINING'] = '1'
    # One node per serial batch, so the api node's run_once applies to its own batch.
    extra = {'mail_session_serial': 1, 'target': 'portal'}
    runs = [run_playbook(playbook, inventory=role['inventory'], verbosity=4, diff=True, env=env, timeout=900,
                         extra_vars=extra)]
    runs.append(run_playbook(playbook, inventory=role['inventory'], verbosity=4, diff=True, check=True, env=env,
                             timeout=900, extra_vars=extra))
    return dict(runs=runs, root=root, props=props, home=home, sim=sim, state=state, env_file=env_file,
                osgi_config=osgi_config, broken=[os.path.join(broken, OSGI_FILE),
                                                 os.path.join(broken_javamail, OSGI_FILE)],
                role=role, secrets=secrets + list(role_secrets.values()), extra_pw=extra_pw, wrong_pw=wrong_pw)


def _role_inventory(root, sim, role_secrets):
    """An inventory directory as users keep one: hosts, settings per group, the secrets in a vault-like file."""
    inventory = os.path.join(root, 'input', 'inventory')
    homes = dict((name, os.path.join(root, name)) for name in ('role-properties', 'role-api'))
    for home in homes.values():
        os.makedirs(home)
    props = os.path.join(homes['role-properties'], 'portal-ext.properties')
    with open(props, 'w') as handle:
        handle.write('jdbc.default.url=jdbc:hsqldb:mem\n')
    os.chmod(props, 0o640)
    local = {'ansible_connection': 'local'}
    documents = {
        'hosts.yml': {'portal': {'children': {'portal_properties': {'hosts': {'props-node': local}},
                                              'portal_api': {'hosts': {'api-node': local}}}},
                      'leak_lanes': {'hosts': dict(('lane-%s' % lane, local) for lane in LANES)}},
        'group_vars/portal/vault.yml': dict(('vault_%s_password' % label, str(secret))
                                            for label, secret in role_secrets.items()),
        'group_vars/portal/main.yml': {
            'mail_session_check': False,
            'mail_session_backup': True,
            'mail_session_smtp': dict(host='smtp.example.com', port=587, security='starttls', user='portal@example.com',
                                      # The check run previews a password rotation, so it has a change to diff.
                                      password='{{ vault_rolenext_password if ansible_check_mode '
                                               'else vault_rolesmtp_password }}'),
            'mail_session_pop': dict(host='pop.example.com', port=995, security='ssl', user='portal@example.com',
                                     password='{{ vault_rolepop_password }}'),
            'mail_session_javamail_properties': {'mail.smtp.proxy.password': '{{ vault_roleextra_password }}',
                                                 'mail.smtp.timeout': 5000},
        },
        'group_vars/portal_properties.yml': {'mail_session_backend': 'properties',
                                             'mail_session_liferay_home': homes['role-properties']},
        'group_vars/portal_api.yml': {'mail_session_backend': 'api', 'mail_session_liferay_home': homes['role-api'],
                                      'mail_session_portal_url': sim.url, 'mail_session_api_user': ROLE_API_USER,
                                      'mail_session_api_password': '{{ vault_roleapi_password }}'},
    }
    for name, document in documents.items():
        path = os.path.join(inventory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(document, handle, sort_keys=False, allow_unicode=True)
    return dict(inventory=inventory, homes=homes, props=props)


def _lane(task_name):
    words = task_name.split()
    word = words[1] if words[0] == 'info' else words[0]
    return {'arm': 'api', 'disarm': 'api', 'check': 'props'}.get(word, word)


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
    results = dict((result['_task'], result) for result in leak_run['runs'][0].task_results()
                   if result['_status'] != 'skipped')
    names = list(results)
    assert 'props apply' in names and 'api apply' in names and 'check refused' in names, leak_run['runs'][0].output[-3000:]
    assert results['props apply']['changed'] is True
    assert results['api apply']['changed'] is True, results['api apply']
    assert results['api wrong password']['_status'] == 'failed'
    assert results['props password newline']['_status'] == 'failed'
    for name in ('env apply', 'env change with backup', 'osgi apply', 'osgi change', 'osgi absent',
                 'osgi apply again'):
        assert results[name]['_status'] == 'ok' and results[name]['changed'] is True, results[name]
        assert 'diff' in results[name], results[name]
    for name in ('env unchanged', 'env on_create', 'osgi unchanged', 'osgi on_create'):
        assert results[name]['_status'] == 'ok' and results[name]['changed'] is False, results[name]
    for name in ('env unwritable value', 'env two javamail properties', 'env directory', 'osgi malformed',
                 'osgi malformed javamail', 'osgi on 7.4', 'osgi configs missing'):
        assert results[name]['_status'] == 'failed', results[name]
        assert not results[name]['msg'].startswith('Task failed'), results[name]['msg']


def _role_results(run):
    return dict((result['_host'], result) for result in run.task_results() if ROLE_TASK in result['_task'])


def test_the_role_ran_on_both_nodes_in_both_runs(leak_run):
    applied, previewed = (_role_results(run) for run in leak_run['runs'])
    for results in (applied, previewed):
        assert sorted(results) == ['api-node', 'props-node'], leak_run['runs'][0].output[-3000:]
        for result in results.values():
            assert result['_status'] == 'ok' and result['changed'] is True, (result['_host'], result.get('msg'))
            assert 'diff' in result, result
    assert applied['props-node']['restart_required'] is True
    # Check mode wrote nothing: the file holds the first run's password, not the previewed one.
    with open(leak_run['role']['props'], encoding='utf-8') as handle:
        text = handle.read()
    secrets = dict((secret.core[:-16], secret) for secret in leak_run['secrets'])
    assert find_leaks(text, [secrets['rolesmtp']], 'role file') and not find_leaks(text, [secrets['rolenext']], 'x')


def test_no_secret_in_output_or_results(leak_run):
    hits = []
    for number, run in enumerate(leak_run['runs']):
        hits += find_leaks(run.stdout, leak_run['secrets'], 'run %d stdout' % number)
        hits += find_leaks(run.stderr, leak_run['secrets'], 'run %d stderr' % number)
        hits += find_leaks(json.dumps(run.report, ensure_ascii=False), leak_run['secrets'], 'run %d results' % number)
        hits += find_leaks(json.dumps(run.report), leak_run['secrets'], 'run %d results (ascii)' % number)
    assert hits == []


def _with_backups(path):
    directory, name = os.path.split(path)
    return [path] + [os.path.join(directory, other) for other in os.listdir(directory) if other.startswith(name + '.')]


def test_no_secret_in_any_file_written(leak_run):
    allowed = (_with_backups(leak_run['props']) + _with_backups(leak_run['env_file']) + [leak_run['osgi_config']]
               + leak_run['broken'])
    hits = scan_tree(os.path.join(leak_run['root'], 'run'), leak_run['secrets'])
    hits += scan_tree(leak_run['home'], leak_run['secrets'], allowed=allowed)
    hits += scan_tree(leak_run['role']['homes']['role-properties'], leak_run['secrets'],
                      allowed=_with_backups(leak_run['role']['props']))
    hits += scan_tree(leak_run['role']['homes']['role-api'], leak_run['secrets'])
    hits += scan_tree(os.path.dirname(leak_run['state']), leak_run['secrets'])
    hits += find_leaks(leak_run['sim'].log(), leak_run['secrets'], 'simulator log')
    assert os.path.exists(leak_run['state'])
    assert os.path.exists(os.path.join(leak_run['root'], 'run', 'ansible.log'))
    # The role's api node recorded its fingerprint under its Liferay home.
    assert any(files for _dir, _dirs, files in os.walk(leak_run['role']['homes']['role-api']))
    assert hits == []


def test_the_allowed_files_do_hold_the_passwords(leak_run):
    # Otherwise the allow-list above could hide a backend that wrote nothing.
    secrets = dict((secret.core[:-16], secret) for secret in leak_run['secrets'])
    for path, label in ((leak_run['env_file'], 'new'), (leak_run['osgi_config'], 'new'),
                        (leak_run['env_file'], 'extra'), (leak_run['osgi_config'], 'extra')):
        with open(path, encoding='utf-8') as handle:
            assert find_leaks(handle.read(), [secrets[label]], path), '%s does not hold %s' % (path, label)


def test_a_malformed_config_quotes_no_part_of_a_javamail_password(leak_run):
    # The full-form scans cannot see a quote cut short: look for any 8 characters of the password.
    password = leak_run['wrong_pw']
    pieces = set(password[start:start + 8] for start in range(len(password) - 7))
    pieces |= set(repr(piece)[1:-1] for piece in pieces)
    for run in leak_run['runs']:
        result = [result for result in run.task_results()
                  if result['_task'] == 'osgi malformed javamail' and result['_status'] != 'skipped'][0]
        assert result['_status'] == 'failed' and OSGI_FILE in result['msg'], result
        assert [piece for piece in pieces if piece in result['msg']] == [], result['msg']


def test_backups_are_no_more_readable_than_the_original(leak_run):
    backups = [name for name in os.listdir(leak_run['home']) if name.startswith('portal-ext.properties.')]
    assert backups, os.listdir(leak_run['home'])
    for name in backups:
        mode = stat.S_IMODE(os.stat(os.path.join(leak_run['home'], name)).st_mode)
        assert mode & ~0o640 == 0, '%s has mode %o' % (name, mode)
    assert stat.S_IMODE(os.stat(os.path.join(leak_run['state'])).st_mode) & 0o077 == 0


def test_env_file_config_file_and_their_backups_are_0600(leak_run):
    env_files = _with_backups(leak_run['env_file'])
    assert len(env_files) >= 2, env_files
    # The role sets mail_session_file_mode 0600 on the properties file it manages.
    for path in env_files + [leak_run['osgi_config'], leak_run['role']['props']]:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == 0o600, '%s has mode %o' % (path, mode)
    # Its backup keeps the mode of the file it copied (0640), no more readable.
    role_backups = _with_backups(leak_run['role']['props'])[1:]
    assert role_backups
    for path in role_backups:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & ~0o640 == 0, '%s has mode %o' % (path, mode)
