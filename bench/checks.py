"""mail_check against the real mail stack on 127.0.0.1 (tests/support/bin/mail-stack).

  green      the full ladder, SMTP STARTTLS (submission port) + POP3S, chain verified against the stack's CA:
             the module's own elapsed_ms, and the task's wall time from ansible-playbook's json callback
  blackhole  a port that accepts connections and never says a word (STARTTLS: waits for the greeting;
             ssl: waits in the TLS handshake): the failure must come within timeout + 0.5 s
  engines    the same green ladder with engine python and engine java (the JVM's start included, Debian's
             JavaMail as the portal's jar, a PKCS12 trust store with the stack's CA), side by side:
             python bench/checks.py --engines [--reps N]
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


JAVA_TARGET_S = 2.5  # green ladder with the java engine, JVM start-up included
JAVAMAIL_JAR = '/usr/share/java/javax.mail.jar'
TRUSTSTORE_PASSWORD = 'bench-store'


def engine_args(stack, engine, truststore):
    args = dict(green_args(stack), engine=engine)
    if engine == 'java':
        args.update(mail_jar=[JAVAMAIL_JAR], java_truststore=truststore, java_truststore_password=TRUSTSTORE_PASSWORD)
    return args


def measure_engines(reps, log=print):
    """Green ladder (SMTP STARTTLS + POP3S) with engine python and engine java, sides in rotating order."""
    if not shutil.which('java') or not shutil.which('keytool') or not os.path.exists(JAVAMAIL_JAR):
        raise RuntimeError('the java engine needs a JDK and %s (hack/system-deps.sh)' % JAVAMAIL_JAR)
    workdir = common.scratch_dir('engines-')
    results = dict((engine, {'elapsed_s': [], 'process_s': [], 'jvm_s': []}) for engine in ('python', 'java'))
    try:
        with MailStack(workdir) as stack:
            if stack.state.get('pop') is None:
                raise RuntimeError('the mail stack runs without Dovecot (%s)' % stack.state.get('pop_reason'))
            truststore = os.path.join(workdir, 'truststore.p12')
            subprocess.run(['keytool', '-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', truststore,
                            '-storepass', TRUSTSTORE_PASSWORD, '-alias', 'ca', '-file', stack.state['ca']],
                           capture_output=True, check=True)
            for rep in range(reps):
                for engine in common.rotated(('python', 'java'), rep % 2):
                    run = common.run_module(workdir, 'mail_check', engine_args(stack, engine, truststore))
                    result = run['result']
                    if not result.get('ok') or result.get('engine') != engine:
                        raise RuntimeError('%s green ladder failed: %s' % (engine, result.get('msg')))
                    results[engine]['elapsed_s'].append(result['elapsed_ms'] / 1000.0)
                    results[engine]['process_s'].append(run['process_s'])
                    if engine == 'java':
                        results[engine]['jvm_s'].append(result['java']['wall_ms'] / 1000.0)
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report_engines(results, log=print):
    python, java = results['python'], results['java']
    log('green ladder, SMTP STARTTLS + POP3S, %d repetitions each, medians:' % len(java['elapsed_s']))
    log('  %-8s %-22s %-22s' % ('engine', 'in the module', 'whole module process'))
    for name, row in (('python', python), ('java', java)):
        log('  %-8s %-22s %-22s' % (name, common.seconds(row['elapsed_s']), common.seconds(row['process_s'])))
    log('  java / python: %.1fx in the module, %.1fx for the process' % (
        common.ratio(common.median(java['elapsed_s']), common.median(python['elapsed_s'])),
        common.ratio(common.median(java['process_s']), common.median(python['process_s']))))
    worst = max(java['elapsed_s'])
    log('  java target <= %.1f s (JVM start included): median %.2f s, worst %.2f s: %s' % (
        JAVA_TARGET_S, common.median(java['elapsed_s']), worst,
        'met' if common.median(java['elapsed_s']) <= JAVA_TARGET_S else 'MISSED'))


if __name__ == '__main__':
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--engines', action='store_true', help='compare engine python and engine java')
    parser.add_argument('--reps', type=int, default=3)
    options = parser.parse_args()
    if not options.engines:
        parser.error('run the full checks section through bench/run.py --only checks; --engines compares the engines')
    report_engines(measure_engines(options.reps))
