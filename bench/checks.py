"""mail_check against the real mail stack on 127.0.0.1 (tests/support/bin/mail-stack).

  green      the full ladder, SMTP STARTTLS (submission port) + POP3S, chain verified against the stack's CA:
             the module's own elapsed_ms, and the task's wall time from ansible-playbook's json callback
  blackhole  a port that accepts connections and never says a word (STARTTLS: waits for the greeting;
             ssl: waits in the TLS handshake): the failure must come within timeout + 0.5 s
"""

import json
import os
import shutil
import subprocess
import sys

import common

BLACKHOLE_TIMEOUT = 2  # seconds, the module's per-step timeout
USER = 'joe.bloggs'  # the stack's default user


class MailStack(object):
    def __init__(self, workdir):
        self.dir = os.path.join(workdir, 'mail-stack')
        self.state = None

    def __enter__(self):
        proc = subprocess.run([sys.executable, common.MAIL_STACK, 'start', self.dir], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError('mail-stack start failed: %s' % (proc.stderr or proc.stdout)[-2000:])
        with open(os.path.join(self.dir, 'stack.json'), encoding='utf-8') as handle:
            self.state = json.load(handle)
        return self

    def __exit__(self, *exc):
        subprocess.run([sys.executable, common.MAIL_STACK, 'stop', self.dir], capture_output=True, text=True, check=False)

    def server(self, kind, port_name, security):
        return dict(host='127.0.0.1', port=self.state[kind][port_name], security=security, user=USER,
                    password=self.state['users'][USER])


def green_args(stack):
    return dict(smtp=stack.server('smtp', 'submission', 'starttls'), pop=stack.server('pop', 'pop3s', 'ssl'),
                ca_path=stack.state['ca'])


def task_wall(workdir, args):
    """Wall times of the mail_check task in ansible-playbook (callback_plugins/task_timer.py) and of a ping task
    before it (Ansible's own floor for one task), and the module's elapsed_ms."""
    playbook = os.path.join(workdir, 'check.yml')
    times_file = os.path.join(workdir, 'task-times.json')
    fd = os.open(playbook, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds the test password
    with os.fdopen(fd, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'gather_facts': False,
                    'tasks': [{'ansible.builtin.ping': {}}, {'liferay_ops.mail.mail_check': args}]}], handle)
    env = common.ansible_env(workdir)
    env.update(ANSIBLE_CALLBACK_PLUGINS=os.path.join(common.BENCH_DIR, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', BENCH_TASK_TIMES=times_file,
               ANSIBLE_PYTHON_INTERPRETER=common.node_python())
    try:
        proc = subprocess.run([common.tool('ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
                              env=env, capture_output=True, text=True, check=False)
    finally:
        os.unlink(playbook)
    if proc.returncode != 0:
        raise RuntimeError('mail_check playbook failed (rc %d): %s' % (proc.returncode, proc.stdout[-1500:]))
    with open(times_file) as handle:
        ping, record = json.load(handle)
    return record['wall_s'], record['elapsed_ms'] / 1000.0, ping['wall_s']


def measure(reps, log=print):
    workdir = common.scratch_dir('checks-')
    results = {
        'green': {'elapsed_s': [], 'main_s': [], 'task_s': [], 'task_elapsed_s': [], 'ping_task_s': []},
        'blackhole_starttls': {'elapsed_s': [], 'main_s': [], 'process_s': []},
        'blackhole_ssl': {'elapsed_s': [], 'main_s': [], 'process_s': []},
        'blackhole_timeout_s': BLACKHOLE_TIMEOUT,
    }
    try:
        with MailStack(workdir) as stack:
            if stack.state.get('pop') is None:
                raise RuntimeError('the mail stack runs without Dovecot (%s): the POP half of the ladder cannot run'
                                   % stack.state.get('pop_reason'))
            for rep in range(reps):
                run = common.run_module(workdir, 'mail_check', green_args(stack))
                if not run['result'].get('ok'):
                    raise RuntimeError('green ladder failed: %s' % run['result'].get('msg'))
                results['green']['elapsed_s'].append(run['result']['elapsed_ms'] / 1000.0)
                results['green']['main_s'].append(run['main_s'])
                task_s, elapsed_s, ping_s = task_wall(workdir, green_args(stack))
                results['green']['ping_task_s'].append(ping_s)
                results['green']['task_s'].append(task_s)
                results['green']['task_elapsed_s'].append(elapsed_s)
                for security in ('starttls', 'ssl'):
                    args = dict(smtp=stack.server('smtp', 'blackhole', security), ca_path=stack.state['ca'],
                                timeout=BLACKHOLE_TIMEOUT, fail_on_error=False)
                    run = common.run_module(workdir, 'mail_check', args)
                    if run['result'].get('ok') is not False:
                        raise RuntimeError('the blackholed server did not fail (%s)' % security)
                    row = results['blackhole_' + security]
                    row['elapsed_s'].append(run['result']['elapsed_ms'] / 1000.0)
                    row['main_s'].append(run['main_s'])
                    row['process_s'].append(run['process_s'])
            log('  checks: green ladder elapsed %s, task %s; blackhole (timeout %ds) starttls %s, ssl %s' % (
                common.seconds(results['green']['elapsed_s']), common.seconds(results['green']['task_s']),
                BLACKHOLE_TIMEOUT, common.seconds(results['blackhole_starttls']['elapsed_s']),
                common.seconds(results['blackhole_ssl']['elapsed_s'])))
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarise(results):
    summary = {'blackhole_timeout_s': results['blackhole_timeout_s']}
    for name, row in results.items():
        if isinstance(row, dict):
            summary[name] = dict((key, common.median(values)) for key, values in row.items())
            summary[name]['max_elapsed_s'] = max(row['elapsed_s'])
    return summary
