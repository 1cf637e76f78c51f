"""Dovecot 2.3 (Debian packages) as a root-launched POP3 server under a private directory.

Dovecot's runtime files live under a short directory in /tmp, not under the stack directory:
unix socket paths are limited to about 100 characters, and the unprivileged mail and auth
processes must be able to reach the mail homes and the users file (pytest's tmp dirs are 0700).
"""

import grp
import os
import shutil
import signal
import subprocess
import tempfile
import time

MAIL_UID = 65534  # nobody: dovecot refuses uid 0 for mail
MAIL_GID = 65534


def find_dovecot():
    """Path to the dovecot binary, or None with a reason."""
    if 'dovecot' in os.environ.get('LIFERAY_OPS_TEST_WITHOUT', '').split(','):
        return None, 'LIFERAY_OPS_TEST_WITHOUT names dovecot: the stack runs as if it were not installed'
    binary = shutil.which('dovecot') or ('/usr/sbin/dovecot' if os.path.exists('/usr/sbin/dovecot') else None)
    if binary is None:
        return None, ('dovecot is not installed: apt-get install -y dovecot-core dovecot-pop3d '
                      '(Debian/Ubuntu, as root)')
    if os.geteuid() != 0:
        return None, 'dovecot is installed, but the mail stack starts it as root only (run the tests as root)'
    try:
        grp.getgrnam('dovecot')
    except KeyError:
        return None, 'the dovecot group does not exist: reinstall dovecot-core'
    return binary, None


def make_runtime_dir():
    path = tempfile.mkdtemp(prefix='mailstack-', dir='/tmp')
    os.chmod(path, 0o755)
    return path


def config_text(runtime, ports, tls, instance):
    return """# Written by tests/support/mail_stack: standalone POP3 for loopback tests (no systemd).
base_dir = {run}/run
state_dir = {run}/state
instance_name = {instance}
log_path = {run}/dovecot.log
protocols = pop3
listen = 127.0.0.1

ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2

# loopback tests: USER/PASS also on the plain port, and no delay after a failed login
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {run}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={run}/mail/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 1000
first_valid_gid = 1000
pop3_uidl_format = %08Xu%08Xv

service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {pop3s}
    ssl = yes
  }}
}}

# Without this socket the auth process cannot track failures, so there is no per-IP auth penalty
# (otherwise a failed login slows every later login from 127.0.0.1 by seconds).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
""".format(run=runtime, instance=instance, cert=tls['server_cert'], key=tls['server_key'],
           uid=MAIL_UID, gid=MAIL_GID, pop3=ports['pop3'], pop3s=ports['pop3s'])


def maildir(runtime, user):
    return os.path.join(runtime, 'mail', user, 'Maildir')


def prepare(runtime, users, ports, tls, instance):
    """Write config, users file and Maildirs; returns the config path."""
    for sub in ('run', 'state'):
        os.makedirs(os.path.join(runtime, sub), exist_ok=True)
    stale = os.path.join(runtime, 'run', 'anvil-auth-penalty')
    if os.path.exists(stale):
        os.unlink(stale)
    users_path = os.path.join(runtime, 'users')
    with open(users_path, 'w', encoding='utf-8') as handle:
        for name, password in users.items():
            handle.write('%s:{PLAIN}%s::::::\n' % (name, password))
    os.chown(users_path, 0, grp.getgrnam('dovecot').gr_gid)
    os.chmod(users_path, 0o640)
    mail_root = os.path.join(runtime, 'mail')
    os.makedirs(mail_root, exist_ok=True)
    os.chmod(mail_root, 0o755)
    for name in users:
        home = os.path.join(mail_root, name)
        for path in [home, maildir(runtime, name)] + [os.path.join(maildir(runtime, name), sub)
                                                      for sub in ('new', 'cur', 'tmp')]:
            os.makedirs(path, exist_ok=True)
            os.chown(path, MAIL_UID, MAIL_GID)
            os.chmod(path, 0o700)
    config = os.path.join(runtime, 'dovecot.conf')
    with open(config, 'w', encoding='utf-8') as handle:
        handle.write(config_text(runtime, ports, tls, instance))
    return config


def start(binary, config):
    check = subprocess.run([binary, '-c', config, '-n'], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise RuntimeError('dovecot rejects its configuration: %s' % check.stderr.strip())
    # the daemon inherits stdout/stderr: a pipe here would never reach EOF, so use a file
    output = os.path.join(os.path.dirname(config), 'dovecot.start.log')
    with open(output, 'wb') as handle:
        code = subprocess.call([binary, '-c', config], stdin=subprocess.DEVNULL, stdout=handle, stderr=handle)
    if code != 0:
        with open(output, encoding='utf-8', errors='replace') as handle:
            raise RuntimeError('dovecot did not start: %s' % handle.read().strip())


def master_pid(runtime):
    try:
        with open(os.path.join(runtime, 'run', 'master.pid')) as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def stop(runtime, config):
    pid = master_pid(runtime)
    doveadm = shutil.which('doveadm') or '/usr/bin/doveadm'
    if os.path.exists(doveadm) and os.path.exists(config):
        subprocess.call([doveadm, '-c', config, 'stop'], stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
    if pid:
        for _attempt in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
