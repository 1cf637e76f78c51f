"""Concurrent applies on one portal-ext.properties: 20 hosts in one run (forks 20), and 5 processes.

Whatever the interleaving, the file must parse, hold each managed key once with the settings of
exactly one of the runs (no mix), and keep every unrelated line.
"""

import os
import random
import subprocess

from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS
from playbook import BIN_DIR, REPO_ROOT, ansible_env, run_playbook, write_playbook
from reliability_helpers import MODULE, key_counts, portal_values, random_unrelated_lines

HOST_KEY = 'mail.session.mail.smtp.host'


def task(host_expr, password_expr, path):
    return {'name': 'apply', MODULE: dict(
        path=path,
        smtp=dict(host=host_expr, port=587, security='starttls', user='portal@example.com', password=password_expr))}


def prepare(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    path.write_text(random_unrelated_lines(random.Random(3), 400), encoding='utf-8')
    text = path.read_text(encoding='utf-8')
    unrelated_lines = [line for line in text.splitlines() if line.strip()]
    return path, portal_values(text), unrelated_lines


def check(path, unrelated_values, unrelated_lines, candidates):
    text = path.read_text(encoding='utf-8')
    values = portal_values(text)
    counts = key_counts(text)
    assert all(counts.get(key, 0) <= 1 for key in MANAGED_KEYS), counts
    winner = values[HOST_KEY]
    assert winner in candidates
    # The winner's password goes with the winner's host: one run's settings, not a mix.
    assert values['mail.session.mail.smtp.password'] == candidates[winner]
    assert dict((key, value) for key, value in values.items() if key not in MANAGED_KEYS) == unrelated_values
    for line in unrelated_lines:
        assert line in text
    assert [name for name in os.listdir(str(path.parent)) if name.endswith('.tmp')] == []


def password_of(number):
    return u'pw,%d=\u00e9\\#' % number


def test_twenty_hosts_one_run_forks_twenty(tmp_path):
    path, unrelated_values, unrelated_lines = prepare(tmp_path)
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text(''.join('node%02d ansible_connection=local mail_host=node%02d.example.com\n' % (n, n)
                                 for n in range(20)))
    tasks = [task('{{ mail_host }}', "pw,{{ mail_host[4:6] | int }}=\u00e9\\#", str(path))]
    playbook = write_playbook(tmp_path, tasks, hosts='all')
    run = run_playbook(playbook, inventory=str(inventory), env={'ANSIBLE_FORKS': '20', 'ANSIBLE_PIPELINING': '1'},
                       timeout=900)
    assert run.rc == 0, run.output[-3000:]
    results = run.task_results()
    assert len(results) == 20 and all(result['_status'] == 'ok' for result in results)
    check(path, unrelated_values, unrelated_lines,
          dict(('node%02d.example.com' % n, password_of(n)) for n in range(20)))


def test_five_processes(tmp_path):
    path, unrelated_values, unrelated_lines = prepare(tmp_path)
    processes = []
    for number in range(5):
        playbook = write_playbook(tmp_path, [task('p%d.example.com' % number, password_of(number), str(path))],
                                  name='apply-%d.yml' % number)
        processes.append(subprocess.Popen(
            [os.path.join(BIN_DIR, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ansible_env(tmp_path / ('run-%d' % number), {'ANSIBLE_PIPELINING': '1'}),
            cwd=REPO_ROOT))
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    check(path, unrelated_values, unrelated_lines, dict(('p%d.example.com' % n, password_of(n)) for n in range(5)))
