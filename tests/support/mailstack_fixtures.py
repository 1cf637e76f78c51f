"""pytest fixtures for the real mail stack (tests/support/bin/mail-stack).

Import them into a test module or a conftest:

    from mailstack_fixtures import mail_stack, pop_stack  # noqa: F401

Each xdist worker starts its own stack in its own directory (it starts in about a second),
so no lock is needed and workers never share a mailbox.
"""

import json
import os
import subprocess
import sys

import pytest

SUPPORT_DIR = os.path.dirname(os.path.abspath(__file__))
MAIL_STACK = os.path.join(SUPPORT_DIR, 'bin', 'mail-stack')
INSTALL_HINT = 'install Dovecot as root: apt-get install -y dovecot-core dovecot-pop3d'


def _run(*args):
    # the test virtualenv's python has aiosmtpd and trustme
    return subprocess.run([sys.executable, MAIL_STACK] + list(args), capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope='session')
def mail_stack(tmp_path_factory):
    """The running stack: the parsed DIR/stack.json (ports, CA path, users, ...)."""
    directory = str(tmp_path_factory.mktemp('mailstack'))
    started = _run('start', directory)
    if started.returncode != 0:
        pytest.fail('mail-stack start failed: %s' % (started.stderr or started.stdout))
    with open(os.path.join(directory, 'stack.json'), encoding='utf-8') as handle:
        state = json.load(handle)
    yield state
    _run('stop', directory)


def require_pop(state):
    """Skip (fail under CI) when the stack runs without Dovecot."""
    if state['pop'] is None:
        message = 'no POP3 server: %s; %s' % (state['pop_reason'], INSTALL_HINT)
        if os.environ.get('CI'):
            pytest.fail('CI is set, so a missing Dovecot is an error: ' + message)
        pytest.skip(message)


@pytest.fixture
def pop_stack(mail_stack):
    """The stack, for tests that need POP3."""
    require_pop(mail_stack)
    return mail_stack
