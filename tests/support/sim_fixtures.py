"""Pytest fixtures for functional tests: the real liferay-sim process and SMTP servers on 127.0.0.1.

Import the fixtures into a test module (``from sim_fixtures import start_sim, tls, smtp_server``).
"""

import contextlib
import errno
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
import requests

SIM = Path(__file__).resolve().parent / 'bin' / 'liferay-sim'
ADMIN = ('test@liferay.com', 'test')
SMTP_USER = 'joe.bloggs'
SMTP_PASSWORD = 'Sm7p-s3cret,pw'


class SimProcess(object):
    """One liferay-sim process with its own Liferay home."""

    def __init__(self, home, args=(), env=None):
        self.home = Path(home)
        self.ready_file = self.home.parent / (self.home.name + '.ready')
        self.log_path = self.home.parent / (self.home.name + '.log')
        self.args = list(args)
        self.env = dict(env or {})
        self.process = None
        self.url = None
        self.ready_after = None

    @property
    def configs(self):
        return self.home / 'osgi' / 'configs'

    def start(self, timeout=10.0):
        if self.ready_file.exists():
            self.ready_file.unlink()
        # The caller's LIFERAY_* variables would become portal properties: only ``env`` passes.
        environ = {k: v for k, v in os.environ.items() if not k.startswith('LIFERAY_')}
        environ.update(self.env)
        self._log = open(self.log_path, 'ab')
        started_at = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, str(SIM), '--home', str(self.home), '--port', '0',
             '--ready-file', str(self.ready_file)] + self.args,
            stdout=self._log, stderr=subprocess.STDOUT, env=environ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready_file.exists() and self.ready_file.read_text():
                self.url = self.ready_file.read_text()
                self.ready_after = time.monotonic() - started_at
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError('liferay-sim did not become ready:\n' + self.log())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self._log.close()
        return self.process.returncode if self.process else None

    def log(self):
        return self.log_path.read_text(errors='replace') if self.log_path.exists() else ''

    def session(self, web_id='liferay.com'):
        response = requests.get(self.url + '/sim/mail-session', params={'webId': web_id}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for_session(self, predicate, web_id='liferay.com', timeout=10.0):
        """Poll the effective session until ``predicate`` holds; returns (session, seconds waited)."""
        started = time.monotonic()
        while True:
            session = self.session(web_id)
            waited = time.monotonic() - started
            if predicate(session) or waited > timeout:
                return session, waited
            time.sleep(0.05)

    def send_test_mail(self, to='someone@example.org', web_id='liferay.com', subject='liferay_ops.mail test'):
        response = requests.post(self.url + '/sim/send-test-mail', timeout=30,
                                 json={'webId': web_id, 'to': to, 'subject': subject, 'from': 'portal@example.org'})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def start_sim(tmp_path):
    """start_sim(args=[...], files={"osgi/configs/x.config": "..."}) -> a running SimProcess."""
    running = []

    def start(args=(), files=None):
        home = tmp_path / ('home%d' % len(running))
        (home / 'osgi' / 'configs').mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (home / name).parent.mkdir(parents=True, exist_ok=True)
            (home / name).write_text(text, encoding='utf-8')
        sim = SimProcess(home, args)
        running.append(sim)
        return sim.start()

    yield start
    for sim in running:
        sim.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture(scope='session')
def tls(tmp_path_factory):
    """A private CA (its PEM file for the portal's trust store) and a server context for 127.0.0.1."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert('localhost', '127.0.0.1')
    ca_file = tmp_path_factory.mktemp('tls') / 'ca.pem'
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return {'ca_file': str(ca_file), 'server_context': context}


class Mailbox(object):
    """What the test SMTP servers accepted: sender, recipients, raw content, who logged in, on which port."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({'from': envelope.mail_from, 'to': list(envelope.rcpt_tos),
                              'content': envelope.original_content.decode('utf-8', 'replace'),
                              'login': getattr(session, 'test_login', None),
                              'port': server.transport.get_extra_info('sockname')[1]})
        return '250 Message accepted for delivery'


def started_on_a_free_port(make_controller, attempts=5):
    """make_controller(port).start() on a port from free_port(), picking again when another
    process bound that port first (free only until someone binds it)."""
    for attempt in range(attempts):
        controller = make_controller(free_port())
        try:
            controller.start()
            return controller
        except OSError as exc:
            controller.loop.close()
            if exc.errno != errno.EADDRINUSE or attempt == attempts - 1:
                raise
    raise AssertionError('unreachable')


@contextlib.contextmanager
def running_smtp_servers(tls_material, user, password):
    """A STARTTLS and an implicit-TLS SMTP server on 127.0.0.1, both requiring AUTH as user/password."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        if ok:
            session.test_login = user
        return AuthResult(success=ok, handled=False)

    mailbox = Mailbox()
    context = tls_material['server_context']
    starttls = started_on_a_free_port(lambda port: Controller(
        mailbox, hostname='127.0.0.1', port=port, tls_context=context,
        require_starttls=True, auth_required=True, authenticator=authenticator))
    # aiosmtpd counts only STARTTLS as TLS for AUTH; on the implicit-TLS port the socket already is.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            smtps = started_on_a_free_port(lambda port: Controller(
                mailbox, hostname='127.0.0.1', port=port, ssl_context=context,
                auth_required=True, auth_require_tls=False, authenticator=authenticator))
    except Exception:
        starttls.stop()
        raise
    try:
        yield {'starttls_port': starttls.port, 'smtps_port': smtps.port, 'mailbox': mailbox}
    finally:
        starttls.stop()
        smtps.stop()


@pytest.fixture
def smtp_servers(tls):
    """A STARTTLS and an implicit-TLS SMTP server on 127.0.0.1, both requiring AUTH (SMTP_USER/SMTP_PASSWORD)."""
    with running_smtp_servers(tls, SMTP_USER, SMTP_PASSWORD) as servers:
        yield servers


# -- the `liferay_sim` factory with control helpers (api and precedence tests) ----------------
DEFAULT_COMPANY_ID = 20097
NON_ADMIN = ('user@liferay.com', 'test')


class LiferaySim(SimProcess):
    """A SimProcess with helpers for the /sim/ control endpoints."""

    def get(self, path, **params):
        response = requests.get(self.url + path, params=params, timeout=30)
        assert response.status_code == 200, '%s %s' % (path, response.text)
        return response.json()

    def post(self, path, body=None, auth=None):
        response = requests.post(self.url + path, json=body if body is not None else {}, auth=auth, timeout=30)
        assert response.status_code == 200, '%s %s' % (path, response.text)
        return response.json() if response.text else None

    def restart(self):
        """POST /sim/restart: properties re-read, preferences kept, every cached session dropped."""
        return self.post('/sim/restart')

    def requests_seen(self):
        """API calls since the last reset_requests(): paths, commands, total, writes, faulted."""
        return self.get('/sim/requests')

    def reset_requests(self):
        return self.post('/sim/requests/reset')

    def preferences(self, company_id=DEFAULT_COMPANY_ID, secrets=False):
        """Stored preferences of one company (0 = system), passwords masked unless ``secrets``."""
        return self.get('/sim/preferences', companyId=company_id, secrets='1' if secrets else '')['preferences']

    def inject_fault(self, mode, count=1):
        """The next ``count`` /api/jsonws requests get ``mode``: http500, reset or hang."""
        return self.post('/sim/faults', {'mode': mode, 'count': count})

    def control_panel(self, fields, auth=ADMIN):
        """Save the Server Administration mail form (company 0 unless preferencesCompanyId is given)."""
        return self.post('/sim/control-panel/mail', fields, auth=auth)


def _sim_factory(base_dir):
    running = []

    def start(args=(), files=None):
        home = Path(str(base_dir)) / ('sim%d' % len(running))
        (home / 'osgi' / 'configs').mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (home / name).parent.mkdir(parents=True, exist_ok=True)
            (home / name).write_text(text, encoding='utf-8')
        sim = LiferaySim(home, args)
        running.append(sim)
        return sim.start()

    return start, running


@pytest.fixture
def liferay_sim(tmp_path):
    """liferay_sim(args=[...], files={...}) -> a running LiferaySim with its own home, stopped after the test."""
    start, running = _sim_factory(tmp_path)
    yield start
    for sim in running:
        sim.stop()


@pytest.fixture(scope='module')
def liferay_sim_module(tmp_path_factory):
    """Like liferay_sim, but the simulators live for the whole test module (give each test its own state)."""
    start, running = _sim_factory(tmp_path_factory.mktemp('sims'))
    yield start
    for sim in running:
        sim.stop()
