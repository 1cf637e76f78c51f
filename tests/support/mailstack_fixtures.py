"""pytest fixtures for the real mail stack (tests/support/bin/mail-stack).

Import them into a test module or a conftest:

    from mailstack_fixtures import mail_stack, mail_stack_session, pop_stack  # noqa: F401

Each xdist worker starts its own stack in its own directory (it starts in about a second),
so no lock is needed and workers never share a mailbox.
"""

import json
import os
import subprocess
import sys

import pytest

from mail_stack.stack import log_tail
from system_deps import skip_missing

SUPPORT_DIR = os.path.dirname(os.path.abspath(__file__))
MAIL_STACK = os.path.join(SUPPORT_DIR, 'bin', 'mail-stack')
INSTALL_HINT = 'install Dovecot as root: apt-get install -y dovecot-core dovecot-pop3d'


def _run(*args):
    # the test virtualenv's python has aiosmtpd and trustme
    return subprocess.run([sys.executable, MAIL_STACK] + list(args), capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope='session')
def mail_stack_session(tmp_path_factory):
    """The stack of this worker, started once: the parsed DIR/stack.json (ports, CA path, users, ...)."""
    directory = str(tmp_path_factory.mktemp('mailstack'))
    started = _run('start', directory)
    if started.returncode != 0:
        pytest.fail('mail-stack start failed: %s' % (started.stderr or started.stdout))
    with open(os.path.join(directory, 'stack.json'), encoding='utf-8') as handle:
        state = json.load(handle)
    yield state
    _run('stop', directory)


@pytest.fixture
def mail_stack(mail_stack_session):
    """The running stack, checked before each test: a dead server fails here with its log, not as
    'connection refused' in whichever tests come next."""
    assert_running(mail_stack_session)
    return mail_stack_session


def assert_running(state):
    if not _running(state['smtp_pid']):
        log = os.path.join(state['dir'], 'smtp.log')
        pytest.fail('the mail stack\'s SMTP server (pid %d) is no longer running; the end of %s:\n%s'
                    % (state['smtp_pid'], log, log_tail(log, lines=20, separator='\n')))


def _running(pid):
    """True for a live process (a zombie, left when nobody reaps it, counts as gone)."""
    try:
        with open('/proc/%d/stat' % pid, encoding='utf-8') as handle:
            return handle.read().rpartition(')')[2].split()[0] != 'Z'
    except OSError:
        return False


def require_pop(state):
    """Skip (fail under CI) when the stack runs without Dovecot."""
    if state['pop'] is None:
        skip_without_dovecot(state['pop_reason'])


def skip_without_dovecot(reason):
    """Skip a test that needs Dovecot, for ``reason``; under CI a missing Dovecot is an error instead."""
    skip_missing('dovecot', 'no POP3 server: %s; %s' % (reason, INSTALL_HINT))


@pytest.fixture
def pop_stack(mail_stack):
    """The stack, for tests that need POP3."""
    require_pop(mail_stack)
    return mail_stack
