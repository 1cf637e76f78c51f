"""Shared helpers of the benchmarks: where things are, how to run a playbook, how to summarise timings.

Tools are found next to sys.executable, so the benchmarks run from whichever virtualenv starts them
(the project's .venv under `make bench`).
"""

import functools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(REPO, 'bench')
BIN_DIR = os.path.dirname(sys.executable)
SUPPORT_BIN = os.path.join(REPO, 'tests', 'support', 'bin')
sys.path.insert(0, os.path.dirname(SUPPORT_BIN))
# The test helpers' link from .tmp/collections/ansible_collections/liferay_ops/mail to this checkout.
from playbook import COLLECTIONS_PATH as COLLECTIONS, ensure_collection_path  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import
SIM = os.path.join(SUPPORT_BIN, 'liferay-sim')
MAIL_STACK = os.path.join(SUPPORT_BIN, 'mail-stack')


@functools.lru_cache(maxsize=None)
def node_python():
    """The interpreter of the benchmark's managed nodes: the system's python3 when it runs (Python 3.8+),
    as on a real node where Ansible discovers /usr/bin/python3, else the benchmark's own interpreter.
    BENCH_NODE_PYTHON overrides it."""
    chosen = os.environ.get('BENCH_NODE_PYTHON')
    if chosen:
        return chosen
    system = '/usr/bin/python3'
    try:
        proc = subprocess.run([system, '-c', 'import sys; print(sys.version_info >= (3, 8))'],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return sys.executable
    return system if proc.stdout.strip() == 'True' else sys.executable


# Fake credentials of the benchmark's own throw-away Liferay homes; never printed or recorded.
SMTP = dict(host='smtp.example.com', port=587, security='starttls', user='portal@example.com', password='bench-smtp-pw')
POP = dict(host='pop.example.com', port=995, security='ssl', user='portal@example.com', password='bench-pop-pw')
JAVAMAIL = {'mail.smtp.connectiontimeout': 10000, 'mail.smtp.timeout': 10000}


def tool(name):
    """An executable of the running virtualenv (ansible-playbook, ...)."""
    path = os.path.join(BIN_DIR, name)
    if not os.path.exists(path):
        raise SystemExit('bench: %s not found next to %s; run from the project venv (make venv)' % (name, sys.executable))
    return path


def ansible_env(workdir):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=ensure_collection_path(),
        PYTHONPATH=COLLECTIONS,
        ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'ansible-local'),
        ANSIBLE_REMOTE_TEMP=os.path.join(workdir, 'ansible-remote'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_HOST_KEY_CHECKING='0',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
        ANSIBLE_DISPLAY_OK_HOSTS='0',
        ANSIBLE_DISPLAY_SKIPPED_HOSTS='0',
    )
    return env


RECAP = re.compile(r'^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


class PlaybookFailed(RuntimeError):
    pass


def run_playbook(workdir, inventory, playbook, forks):
    """Run ansible-playbook; return (wall seconds, total changed, hosts in the recap)."""
    command = [tool('ansible-playbook'), '-i', inventory, '--forks', str(forks), playbook]
    started = time.perf_counter()
    proc = subprocess.run(command, env=ansible_env(workdir), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    recap = [tuple(int(n) for n in match) for match in RECAP.findall(proc.stdout)]
    if proc.returncode != 0 or any(row[2] or row[3] for row in recap):
        raise PlaybookFailed('%s failed (rc %d):\n%s\n%s' % (os.path.basename(playbook), proc.returncode,
                                                             proc.stdout[-3000:], proc.stderr[-3000:]))
    return wall, sum(row[1] for row in recap), len(recap)


def median(values):
    return statistics.median(values) if values else None


def seconds(values):
    """The median of ``values`` for progress lines: '0.123s', or 'n/a' when there is none."""
    value = median(values)
    return 'n/a' if value is None else '%.3fs' % value


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def load():
    return [round(value, 2) for value in os.getloadavg()]


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write('\n')


def scratch_dir(prefix):
    base = os.path.join(REPO, '.tmp', 'bench')
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def rotated(items, shift):
    """items rotated by shift: alternates which side runs first in each repetition."""
    shift %= len(items)
    return list(items[shift:]) + list(items[:shift])


RUNNER = os.path.join(BENCH_DIR, 'module_runner.py')


def run_module(workdir, name, args):
    """Run a module through module_runner.py in a fresh interpreter.

    Returns dict(process_s=wall time of the whole process, import_s, main_s, result). The args file is
    removed right away: it may hold a password.
    """
    args_file = os.path.join(workdir, 'args-%s.json' % name)
    fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    env = dict(os.environ, PYTHONPATH=ensure_collection_path())
    try:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, RUNNER, name, args_file], env=env, capture_output=True, text=True,
                              check=False)
        process_s = time.perf_counter() - started
    finally:
        os.unlink(args_file)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError('%s did not run (rc %d): %s' % (name, proc.returncode, proc.stderr[-2000:]))
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    answer['process_s'] = process_s
    return answer
