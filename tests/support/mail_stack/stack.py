"""Start and stop the whole mail stack; the state lives in DIR/stack.json."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

from . import dovecot
from .smtp_server import EXIT_PORT_TAKEN
from .tls import write_tls_material
from .users import DEFAULT_USER, default_users_file, read_users

SUPPORT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMTP_PORTS = ('submission', 'smtps', 'plain', 'smtps_other', 'blackhole')
POP_PORTS = ('pop3', 'pop3s')
# The Microsoft 365 stand-in: an OAuth2 token endpoint and a submission port that takes AUTH XOAUTH2.
OAUTH_PORTS = ('oauth_submission', 'token')
OAUTH_TENANT = '11111111-2222-3333-4444-555555555555'
OAUTH_CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
OAUTH_CLIENT_SECRET = 'Stack~Cl1ent.S3cret-value'
READY_TIMEOUT = 20
START_ATTEMPTS = 5


def free_ports(count):
    """Ports the kernel hands out as free right now (bound together so they differ)."""
    sockets = []
    try:
        for _attempt in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(('127.0.0.1', 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for_ports(ports, timeout=READY_TIMEOUT, alive=None):
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending:
        if alive is not None and not alive():
            raise RuntimeError('a mail stack process exited during start-up')
        port = pending[0]
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError('port %d did not accept connections within %d s' % (port, timeout))
            time.sleep(0.05)


def state_path(directory):
    return os.path.join(directory, 'stack.json')


def load_state(directory):
    with open(state_path(directory), encoding='utf-8') as handle:
        return json.load(handle)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PortTaken(RuntimeError):
    """A port picked by free_ports() was bound by another process before the stack bound it."""


def start(directory, users_file=None, with_dovecot=True):
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    if os.path.exists(state_path(directory)):
        old = load_state(directory)
        if old.get('smtp_pid') and pid_alive(old['smtp_pid']):
            raise RuntimeError('a mail stack already runs from %s: run "mail-stack stop %s" first' % (directory, directory))
    users_file = users_file or default_users_file(os.path.join(directory, 'users'))
    users = read_users(users_file)
    if DEFAULT_USER not in users:
        raise RuntimeError('%s must define %s' % (users_file, DEFAULT_USER))
    tls = write_tls_material(os.path.join(directory, 'tls'))
    binary, reason = dovecot.find_dovecot() if with_dovecot else (None, 'dovecot disabled (--no-dovecot)')
    # A free port is free only until someone binds it: stacks started side by side (pytest-xdist
    # workers) can pick the same numbers. The servers say when a port was taken; then pick again.
    taken = []
    for _attempt in range(START_ATTEMPTS):
        try:
            return _start_once(directory, users, tls, binary, reason)
        except PortTaken as exc:
            taken.append(str(exc))
    raise RuntimeError('no free ports after %d attempts: %s' % (START_ATTEMPTS, '; '.join(taken)))


def _start_once(directory, users, tls, binary, reason):
    numbers = free_ports(len(SMTP_PORTS) + len(POP_PORTS) + len(OAUTH_PORTS))
    ports = dict(zip(SMTP_PORTS + POP_PORTS + OAUTH_PORTS, numbers))
    oauth = dict(submission=ports['oauth_submission'], token_port=ports['token'], tenant_id=OAUTH_TENANT,
                 client_id=OAUTH_CLIENT_ID, client_secret=OAUTH_CLIENT_SECRET,
                 token_url='http://127.0.0.1:%d/%s/oauth2/v2.0/token' % (ports['token'], OAUTH_TENANT))
    state = dict(dir=directory, host='127.0.0.1', ca=tls['ca'], users=users, default_user=DEFAULT_USER,
                 smtp=dict((name, ports[name]) for name in SMTP_PORTS), pop=None, pop_reason=reason,
                 other_cert_name='mail.other-name.test', smtp_pid=None, dovecot=None, oauth=oauth)

    if binary:
        runtime = dovecot.make_runtime_dir()
        config = dovecot.prepare(runtime, users, ports, tls, 'mailstack-%d' % ports['pop3'])
        state['dovecot'] = dict(runtime=runtime, config=config, log=os.path.join(runtime, 'dovecot.log'))
        state['pop'] = dict((name, ports[name]) for name in POP_PORTS)
        state['pop_reason'] = None
        mail_root, owner = os.path.join(runtime, 'mail'), [dovecot.MAIL_UID, dovecot.MAIL_GID]
    else:
        mail_root, owner = os.path.join(directory, 'mail'), None
    state['mail_root'] = mail_root

    ready_file = os.path.join(directory, 'smtp.ready')
    if os.path.exists(ready_file):
        os.unlink(ready_file)
    smtp_config = os.path.join(directory, 'smtp.json')
    with open(smtp_config, 'w', encoding='utf-8') as handle:
        json.dump(dict(ports=ports, tls=tls, users=users, mail_root=mail_root, mail_owner=owner,
                       ready_file=ready_file, oauth=oauth), handle)
    os.chmod(smtp_config, 0o600)
    # write the state first, so that "stop" can clean up after a failed start
    _write_state(directory, state)

    log = open(os.path.join(directory, 'smtp.log'), 'ab')
    env = dict(os.environ, PYTHONPATH=SUPPORT_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.Popen([sys.executable, '-m', 'mail_stack.smtp_server', smtp_config],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                            cwd=directory, start_new_session=True)
    log.close()
    state['smtp_pid'] = proc.pid
    with open(os.path.join(directory, 'smtp.pid'), 'w') as handle:
        handle.write('%d\n' % proc.pid)
    _write_state(directory, state)
    try:
        if binary:
            try:
                dovecot.start(binary, state['dovecot']['config'])
            except RuntimeError as exc:
                if 'Address already in use' in str(exc):
                    raise PortTaken('dovecot: %s' % exc)
                raise
        wait_for_smtp_server(proc, ready_file, os.path.join(directory, 'smtp.log'))
        # the SMTP listeners are confirmed by their own process; a connect to the blackhole would only
        # leave one more connection in its backlog
        wait_for_ports(list((state['pop'] or {}).values()), alive=lambda: proc.poll() is None)
    except Exception:
        stop(directory)
        raise
    return state


def wait_for_smtp_server(proc, ready_file, log_path, timeout=READY_TIMEOUT):
    """Until the server says all its listeners run (a port that accepts could be another process's)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(ready_file):
        code = proc.poll()
        if code == EXIT_PORT_TAKEN:
            raise PortTaken('aiosmtpd: %s' % log_tail(log_path))
        if code is not None:
            raise RuntimeError('the SMTP server exited with code %d during start-up: %s' % (code, log_tail(log_path)))
        if time.monotonic() > deadline:
            raise RuntimeError('the SMTP server was not ready within %d s: %s' % (timeout, log_tail(log_path)))
        time.sleep(0.05)


def log_tail(path, lines=5, separator=' | '):
    """The last lines of a log file, for error messages."""
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return separator.join(handle.read().strip().splitlines()[-lines:])
    except OSError as exc:
        return '(no log: %s)' % exc


def _write_state(directory, state):
    path = state_path(directory)
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    os.chmod(path + '.tmp', 0o600)  # holds the test users' passwords
    os.replace(path + '.tmp', path)


def stop(directory):
    """Stop what start() started; returns a list of what was stopped."""
    directory = os.path.abspath(directory)
    if not os.path.exists(state_path(directory)):
        return []
    state = load_state(directory)
    stopped = []
    pid = state.get('smtp_pid')
    if pid and pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        for _attempt in range(100):
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                if not pid_alive(pid):
                    break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
        stopped.append('aiosmtpd (pid %d)' % pid)
    if state.get('dovecot'):
        runtime = state['dovecot']['runtime']
        dovecot.stop(runtime, state['dovecot']['config'])
        stopped.append('dovecot')
        if runtime.startswith('/tmp/mailstack-'):
            subprocess.run(['rm', '-rf', runtime], check=False)
    for name in ('smtp.pid', 'smtp.ready'):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            os.unlink(path)
    os.unlink(state_path(directory))
    return stopped
