"""The test servers themselves: side-by-side starts (pytest-xdist workers) must never share a port."""

import os
import signal
import socket
import time

import pytest

from mail_stack import dovecot, stack
from mailstack_fixtures import assert_running, skip_without_dovecot

PORT_NAMES = stack.SMTP_PORTS + stack.POP_PORTS


@pytest.fixture
def taken_port():
    """A port another socket listens on: what a port picked as free looks like once someone else bound it."""
    squatter = socket.socket()
    squatter.bind(('127.0.0.1', 0))
    squatter.listen(8)
    yield squatter.getsockname()[1]
    squatter.close()


@pytest.mark.parametrize('name, log', [('smtps', 'smtp.log'), ('pop3', None)])
def test_a_picked_port_taken_before_the_bind_is_picked_again(tmp_path, monkeypatch, taken_port, name, log):
    # Another process binds a port between free_ports() and the server's bind: the first pick
    # returns a port that is already listening. The server must notice, not take the other
    # listener for its own.
    taken = taken_port
    picks = []
    real_free_ports = stack.free_ports

    def free_ports(count):
        ports = real_free_ports(count)
        if not picks:
            ports[PORT_NAMES.index(name)] = taken
        picks.append(ports)
        return ports

    with_dovecot = name in stack.POP_PORTS
    binary, reason = dovecot.find_dovecot()
    if with_dovecot and binary is None:
        skip_without_dovecot(reason)
    monkeypatch.setattr(stack, 'free_ports', free_ports)
    directory = str(tmp_path / 'stack')
    try:
        state = stack.start(directory, with_dovecot=with_dovecot)
        assert len(picks) == 2
        ports = dict(state['smtp'], **(state['pop'] or {}))
        assert taken not in ports.values() and ports[name] == picks[1][PORT_NAMES.index(name)]
        assert stack.pid_alive(state['smtp_pid'])
        with socket.create_connection(('127.0.0.1', ports[name]), timeout=5) as conn:
            assert conn  # the stack's own listener
        if log:
            with open(tmp_path / 'stack' / log, encoding='utf-8') as handle:
                assert 'address already in use' in handle.read().lower()
    finally:
        stack.stop(directory)


def test_the_fixture_smtp_servers_pick_again_when_their_port_is_taken(tls, monkeypatch, taken_port):
    import sim_fixtures

    taken = taken_port
    picks = []
    real_free_port = sim_fixtures.free_port

    def free_port():
        picks.append(taken if not picks else real_free_port())
        return picks[-1]

    monkeypatch.setattr(sim_fixtures, 'free_port', free_port)
    with sim_fixtures.running_smtp_servers(tls, 'user', 'password') as servers:
        assert picks[0] == taken and len(picks) == 3
        assert taken not in (servers['starttls_port'], servers['smtps_port'])
        with socket.create_connection(('127.0.0.1', servers['starttls_port']), timeout=5) as conn:
            assert conn.recv(4).startswith(b'220')


def test_a_dead_smtp_server_fails_the_next_test_with_its_log(tmp_path):
    directory = str(tmp_path / 'stack')
    state = stack.start(directory, with_dovecot=False)
    try:
        assert_running(state)
        os.kill(state['smtp_pid'], signal.SIGKILL)
        deadline = time.monotonic() + 10
        with pytest.raises(pytest.fail.Exception) as failure:
            while time.monotonic() < deadline:
                assert_running(state)
                time.sleep(0.05)
        assert 'SMTP server (pid %d) is no longer running' % state['smtp_pid'] in str(failure.value)
        assert os.path.join(directory, 'smtp.log') in str(failure.value)
    finally:
        stack.stop(directory)


def test_missing_python_package_stops_at_start_with_the_fix(tmp_path):
    """mail-stack run by a python without aiosmtpd/trustme (-S: no site-packages) names them and their pins."""
    import subprocess
    import sys
    from mailstack_fixtures import MAIL_STACK

    result = subprocess.run([sys.executable, '-S', MAIL_STACK, 'start', str(tmp_path / 'stack')],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert 'aiosmtpd==' in result.stderr and 'trustme==' in result.stderr
    assert not (tmp_path / 'stack').exists()
