"""Faults while writing the settings: a full disk, a read-only file system, a killed run.

Afterwards the old file (portal-ext.properties, the Docker env file, the OSGi .config file) must be
intact and read (by the simulator's independent readers) as before, or, for a run killed after its
rename, as the complete new settings; never a mix, never a torn file.
"""

import errno
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS
from liferay_sim import envdecode, felix  # independent readers: they never import plugins/
from playbook import BIN_DIR, REPO_ROOT, ansible_env, run_playbook, write_playbook
from reliability_helpers import (
    MODULE,
    key_counts,
    mount_failure_is_permission,
    portal_values,
    random_unrelated_lines,
    sha256,
    try_mount_tmpfs,
    umount,
)

OLD_SETTINGS = (
    u'mail.session.mail=true\n'
    u'mail.session.mail.smtp.host=old.example.com\n'
    u'mail.session.mail.smtp.port=25\n'
    u'mail.session.mail.smtp.user=old-user\n'
    u'mail.session.mail.smtp.password=old\\,pass\\=word\n'
)

ENV_PREFIX = 'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_'
# The same settings as a Docker env file (a comma escaped for both of the portal's list splits) ...
OLD_ENV = (
    u'# env file of the portal container\n'
    u'LIFERAY_JVM_OPTS=-Xms2g -Xmx2g\n'
    + ENV_PREFIX + u'HOST=old.example.com\n'
    + ENV_PREFIX + u'PASSWORD=old\\\\\\,pass=word\n'
)
# ... and as the system-wide OSGi configuration of 2025.Q4+.
OSGI_FILE = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config'
OLD_CONFIG = (u'# exported from System Settings\n'
              u'outgoingSMTPServer="old.example.com"\n'
              u'smtpPassword="old,pass\\=word"\n')
# Each backend's file on the small disks (in a directory of its own) and the option that names it.
TARGETS = {
    'props': ('portal-ext.properties', 'path'),
    'env': ('liferay-mail.env', 'env_file'),
    'osgi': ('configs/' + OSGI_FILE, 'osgi_configs_dir'),
}


def new_settings(host='new.example.com', password=u'n3w,pa\u00df=word#1'):
    return dict(smtp=dict(host=host, port=587, security='starttls', user='portal@example.com', password=password))


def mounted_tmpfs(path, size):
    """Mount a tmpfs at ``path`` or skip; in CI only a refusal for lack of privilege may skip."""
    path.mkdir()
    why = try_mount_tmpfs(path, size)
    if why is None:
        return path
    if os.environ.get('CI') and not mount_failure_is_permission(why):
        pytest.fail('mount -t tmpfs failed in CI for a reason other than permissions: %s' % why)
    pytest.skip('cannot mount a tmpfs here (%s): the disk-full and read-only cases need it' % why)


def fill(directory):
    """Take every free block of the file system that holds ``directory``."""
    fd = os.open(os.path.join(str(directory), 'ballast'), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b'\0' * 4096)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)


@pytest.fixture
def small_disks(tmp_path):
    """Two tmpfs file systems, each holding a portal-ext.properties, an env file and a .config file with
    the old settings: ``full`` has no free block left, ``readonly`` is remounted read-only.
    Yields {(disk, backend): path of the file}."""
    mounts = []
    try:
        full = mounted_tmpfs(tmp_path / 'full', '64k')
        mounts.append(full)
        readonly = mounted_tmpfs(tmp_path / 'readonly', '64k')
        mounts.append(readonly)
        rng = random.Random(7)
        filler = random_unrelated_lines(rng, 2000)[:40000]
        filler = filler[:filler.rfind('\n') + 1]
        texts = {'props': filler + OLD_SETTINGS, 'env': OLD_ENV, 'osgi': OLD_CONFIG}
        paths = {}
        for disk, directory in (('full', full), ('readonly', readonly)):
            for backend, (name, _option) in TARGETS.items():
                path = directory / backend / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(texts[backend], encoding='utf-8')
                paths[disk, backend] = path
        fill(full)
        proc = subprocess.run(['mount', '-o', 'remount,ro', str(readonly)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            pytest.skip('cannot remount the tmpfs read-only: %s' % proc.stderr.strip())
        yield paths
    finally:
        for directory in mounts:
            umount(directory)


def read_back(backend, path):
    """What the portal reads from one file, by the simulator's readers."""
    if backend == 'props':
        return portal_values(path.read_text(encoding='utf-8'))
    if backend == 'env':
        return envdecode.read_env_file(str(path), {})
    return felix.parse_config(path.read_text(encoding='utf-8'))


def task_args(backend, path):
    args = dict(new_settings(), backup=True)
    if backend == 'props':
        args['path'] = str(path)
    elif backend == 'env':
        args.update(backend='env_file', env_file=str(path))
    else:
        del args['backup']
        args.update(backend='osgi_config', liferay_version='2025.q4', osgi_configs_dir=str(path.parent))
    return args


def test_full_disk_and_read_only_file_system_keep_the_old_file(small_disks, tmp_path):
    before = dict((key, (sha256(path), read_back(key[1], path))) for key, path in small_disks.items())
    # The readers see the old password, so "unchanged" below means something.
    assert before['full', 'props'][1]['mail.session.mail.smtp.password'] == 'old,pass=word'
    assert before['full', 'env'][1][ENV_PREFIX + 'PASSWORD'] == 'old\\\\\\,pass=word'
    assert before['full', 'osgi'][1]['smtpPassword'] == 'old,pass=word'
    tasks = [{'name': '%s %s' % key, MODULE: task_args(key[1], path), 'ignore_errors': True}
             for key, path in sorted(small_disks.items())]
    run = run_playbook(write_playbook(tmp_path, tasks), env={'ANSIBLE_PIPELINING': '1'})
    results = dict((result['_task'], result) for result in run.task_results())
    assert set(results) == set('%s %s' % key for key in small_disks), run.output
    for (disk, backend), path in small_disks.items():
        name = '%s %s' % (disk, backend)
        result = results[name]
        assert result['_status'] == 'failed', result
        assert not result['msg'].startswith('Task failed'), result['msg']
        option = TARGETS[backend][1]
        assert result['msg'].startswith(option + ':') and str(path.parent) in result['msg'], result['msg']
        assert 'unchanged' in result['msg'] or 'read-only' in result['msg'], result['msg']
        digest, values = before[disk, backend]
        assert sha256(path) == digest, '%s: the old file was modified' % name
        assert read_back(backend, path) == values
        # No temp file or half-written backup left to fill the disk.
        assert sorted(os.listdir(str(path.parent))) == [path.name], name


def _big_file(rng):
    # About 60,000 lines: long enough that a kill lands inside the read, the write or the rename.
    return random_unrelated_lines(rng, 60000) + OLD_SETTINGS


@pytest.fixture
def killed_runs_tmpdir():
    """TMPDIR of the runs killed on purpose, removed afterwards: a killed run leaves its multiprocessing
    socket directory and the module's AnsiballZ payload there. Short, since it holds a unix socket."""
    path = tempfile.mkdtemp(prefix='killed-runs-')
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(playbook, tmpdir):
    # No pipelining: the module then runs as AnsiballZ_mail_settings.py, which _module_pid can spot.
    return subprocess.Popen([os.path.join(BIN_DIR, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO_ROOT, start_new_session=True,
                            env=ansible_env(os.path.dirname(playbook), {'TMPDIR': tmpdir}))


def _children():
    parents = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open('/proc/%s/stat' % name) as handle:
                    stat = handle.read()
            except OSError:
                continue
            parents.setdefault(int(stat[stat.rindex(')') + 2:].split()[1]), []).append(int(name))
    return parents


def _tree(root):
    """``root`` and every descendant (the module may run in a session of its own)."""
    parents = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _module_pid(root):
    for pid in _tree(root):
        try:
            with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                if b'AnsiballZ_mail_settings' in handle.read():
                    return pid
        except OSError:
            pass
    return None


def _wait_for_module(process, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        pid = _module_pid(process.pid)
        if pid is not None:
            return pid
        time.sleep(0.02)
    return None


def _kill_tree(process):
    for pid in reversed(_tree(process.pid)):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    process.wait()


def test_killing_the_run_at_random_moments_never_tears_the_file(tmp_path, killed_runs_tmpdir):
    rng = random.Random()
    home = tmp_path / 'home'
    home.mkdir()
    path = home / 'portal-ext.properties'
    path.write_text(_big_file(rng), encoding='utf-8')
    unrelated = dict((key, value) for key, value in portal_values(path.read_text(encoding='utf-8')).items()
                     if key not in MANAGED_KEYS)
    # RELIABILITY_KILL_RUNS raises the number of killed runs (default 3: each run costs an ansible-playbook start).
    runs = int(os.environ.get('RELIABILITY_KILL_RUNS', '3'))
    hosts = ['k%d.example.com' % number for number in range(runs + 1)]
    playbooks = [write_playbook(tmp_path, [{'name': 'apply', MODULE: dict(new_settings(host=host), path=str(path))}],
                                name='apply-%d.yml' % number) for number, host in enumerate(hosts)]

    # One complete run tells how long the module itself runs here; then kill at random moments within it.
    process = _start(playbooks[0], killed_runs_tmpdir)
    assert _wait_for_module(process) is not None
    started = time.monotonic()
    while _module_pid(process.pid) is not None:
        time.sleep(0.02)
    module_seconds = time.monotonic() - started
    assert process.wait(timeout=600) == 0
    accepted = {'new.example.com', hosts[0]}
    killed = 0
    for number in range(1, len(hosts)):
        process = _start(playbooks[number], killed_runs_tmpdir)
        if _wait_for_module(process) is not None:
            time.sleep(rng.uniform(0.0, 1.1) * module_seconds)
        if process.poll() is None:
            killed += 1
        _kill_tree(process)
        text = path.read_text(encoding='utf-8')
        values = portal_values(text)
        counts = key_counts(text)
        # Either the previous settings or the complete new ones, never a mix or a torn file.
        assert values['mail.session.mail.smtp.host'] in accepted | {hosts[number]}
        assert values['mail.session.mail.smtp.password'] == u'n3w,pa\u00df=word#1'
        assert values['mail.session.mail.smtp.port'] == '587'
        assert all(counts[key] == 1 for key in counts if key.startswith('mail.session.mail')), counts
        assert dict((key, value) for key, value in values.items() if key not in MANAGED_KEYS) == unrelated
        accepted = {values['mail.session.mail.smtp.host']}
        leftovers = [name for name in os.listdir(str(home)) if name != 'portal-ext.properties']
        # A SIGKILL cannot clean up: a temp file may remain, but only a hidden one, never a second properties file.
        assert all(name.startswith('.portal-ext.properties.') and name.endswith('.tmp') for name in leftovers), leftovers
    assert killed >= 1, 'every run finished before its kill: the file is too small to test anything'
