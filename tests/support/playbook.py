"""Run the collection's real modules and playbooks through ansible-playbook, as users do.

Results come back through the json stdout callback, so tests assert on exactly what a
user's playbook would see, and on the raw stdout/stderr for leak checks.
"""

import json
import os
import subprocess
import sys
import tempfile

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_PATH = os.path.join(REPO_ROOT, '.tmp', 'collections')
BIN_DIR = os.path.dirname(sys.executable)


def ensure_collection_path():
    """Make ``ansible_collections/liferay_ops/mail`` point at this checkout."""
    parent = os.path.join(COLLECTIONS_PATH, 'ansible_collections', 'liferay_ops')
    link = os.path.join(parent, 'mail')
    os.makedirs(parent, exist_ok=True)
    if not os.path.islink(link) or os.path.realpath(link) != os.path.realpath(REPO_ROOT):
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(REPO_ROOT, link)
    return COLLECTIONS_PATH


CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')


def ansible_env(scratch, extra=None, results_file=None):
    """Environment of one ansible-playbook run; its temporary files go under ``scratch``, which the
    caller removes (a run killed on purpose leaves them behind)."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=ensure_collection_path(),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCAL_TEMP=os.path.join(str(scratch), 'ansible-local'),
        ANSIBLE_REMOTE_TEMP=os.path.join(str(scratch), 'ansible-remote'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_HOST_KEY_CHECKING='0',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        PYTHONPATH=COLLECTIONS_PATH,
    )
    if results_file:
        env['ANSIBLE_CALLBACK_PLUGINS'] = CALLBACK_DIR
        env['ANSIBLE_STDOUT_CALLBACK'] = 'recorded'
        env['RECORDED_RESULTS'] = results_file
    env.update(extra or {})
    return env


class PlaybookRun(object):
    def __init__(self, proc, results_file):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.report = None
        if os.path.exists(results_file):
            with open(results_file) as handle:
                self.report = json.load(handle)
            os.unlink(results_file)

    def task_results(self):
        """Every task result, in order."""
        return list(self.report['results']) if self.report else []

    @property
    def result(self):
        """The result of the last task that ran."""
        results = self.task_results()
        return results[-1] if results else None

    def stats(self):
        return self.report['stats'] if self.report else {}

    @property
    def output(self):
        return self.stdout + self.stderr


def run_playbook(playbook, inventory='localhost,', check=False, diff=False, verbosity=0,
                 extra_vars=None, env=None, timeout=300, args=()):
    cmd = [os.path.join(BIN_DIR, 'ansible-playbook'), '-i', inventory, playbook]
    if inventory == 'localhost,':
        cmd += ['-c', 'local']
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    if extra_vars:
        cmd += ['-e', json.dumps(extra_vars)]
    cmd += list(args)
    with tempfile.TemporaryDirectory(prefix='playbook-run-') as scratch:
        results_file = os.path.join(scratch, 'results.json')
        proc = subprocess.run(cmd, capture_output=True, text=True, env=ansible_env(scratch, env, results_file),
                              check=False, timeout=timeout, cwd=REPO_ROOT)
        return PlaybookRun(proc, results_file)


def write_playbook(directory, tasks, name='playbook.yml', hosts='localhost', gather_facts=False, **play):
    path = os.path.join(str(directory), name)
    document = [dict(name='test play', hosts=hosts, gather_facts=gather_facts, tasks=tasks, **play)]
    with open(path, 'w') as handle:
        yaml.safe_dump(document, handle, sort_keys=False, allow_unicode=True)
    return path


def run_module(directory, module, args, **kwargs):
    """Run one module task; returns the PlaybookRun (``.result`` is the task's result)."""
    task = {'name': 'module under test', module: args}
    if 'no_log' in kwargs:
        task['no_log'] = kwargs.pop('no_log')
    playbook = write_playbook(directory, [task], name='%s.yml' % module.split('.')[-1])
    return run_playbook(playbook, **kwargs)
