"""The api backend of mail_settings, run for real through ansible-playbook against the portal simulator.

One simulator serves the module (its preferences are the shared portal database); every test gets
its own state file, so each one starts as a first run from the module's point of view.
"""

import http.server
import json
import threading
import time

import pytest

from playbook import run_module, run_playbook, write_playbook
from sim_fixtures import DEFAULT_COMPANY_ID, NON_ADMIN

MODULE = 'liferay_ops.mail.mail_settings'
SMTP_PASSWORD = 'Sm7p-s3cret,api'
POP_PASSWORD = 'P0p-s3cret=api'
# A distinctive administrator password, so a leak check can grep for it.
API_USER = 'ops@liferay.com'
API_PASSWORD = 'Adm1n-api-pw#42'
SMTP_HOST_KEY = 'mail.session.mail.smtp.host'


@pytest.fixture(scope='module')
def sim(liferay_sim_module, tmp_path_factory):
    users = tmp_path_factory.mktemp('users') / 'users.json'
    users.write_text(json.dumps([{'emailAddress': API_USER, 'password': API_PASSWORD, 'adminOf': ['liferay.com']}]))
    return liferay_sim_module(args=['--users-file', str(users)])


def connection(sim, **extra):
    args = dict(backend='api', portal_url=sim.url, api_user=API_USER, api_password=API_PASSWORD)
    args.update(extra)
    return args


def settings(sim, state_file, host='smtp.example.com', port=587, smtp_password=SMTP_PASSWORD, **extra):
    args = connection(sim, state_file=str(state_file))
    args.update(
        smtp=dict(host=host, port=port, security='starttls', user='portal@example.com', password=smtp_password),
        pop=dict(host='pop.example.com', port=995, security='ssl', user='portal@example.com', password=POP_PASSWORD),
    )
    args.update(extra)
    return args


def apply(tmp_path, args, **kwargs):
    return run_module(tmp_path, MODULE, args, **kwargs)


def module_task(args, **task):
    task[MODULE] = args
    return task


def run_tasks(tmp_path, tasks, **kwargs):
    """Several tasks in one ansible-playbook run (one start-up instead of several on a loaded machine)."""
    return run_playbook(write_playbook(tmp_path, tasks, name='tasks.yml'), **kwargs)


def post_task(url, body=None):
    return {'ansible.builtin.uri': {'url': url, 'method': 'POST', 'body_format': 'json', 'body': body or {}}}


def checksum_task(path):
    return {'ansible.builtin.stat': {'path': str(path), 'checksum_algorithm': 'sha256'}}


def read_bytes(path):
    with open(str(path), 'rb') as handle:
        return handle.read()


def test_apply_restart_unchanged_and_changed(sim, tmp_path, capsys):
    state = tmp_path / 'state.json'
    sim.restart()
    old = sim.session()  # builds and caches the session in use before the change
    sim.reset_requests()

    started = time.monotonic()
    first = apply(tmp_path, settings(sim, state))
    first_seconds = time.monotonic() - started
    assert first.rc == 0, first.output
    assert first.result['changed'] is True
    assert first.result['restart_required'] is True
    assert first.result['company_id'] == DEFAULT_COMPANY_ID
    first_seen = sim.requests_seen()
    assert first_seen['writes'] == 1
    assert first_seen['total'] == first.result['requests'] == 2  # company lookup + update-preferences
    assert sim.preferences()[SMTP_HOST_KEY] == 'smtp.example.com'

    # 7.4 keeps the cached session: update-preferences does not clear it.
    cached = sim.session()
    assert cached['cached'] is True
    assert cached['properties'] == old['properties']
    assert cached['properties']['mail.smtp.host'] != 'smtp.example.com'

    sim.restart()
    session = sim.session()
    assert session['mode'] == 'structured'
    assert session['properties']['mail.smtp.host'] == 'smtp.example.com'
    assert session['properties']['mail.smtp.port'] == '587'
    assert session['properties']['mail.smtp.user'] == 'portal@example.com'
    assert session['properties']['mail.store.protocol'] == 'pop3s'
    assert session['properties']['mail.pop3s.host'] == 'pop.example.com'
    assert session['sources']['mail.smtp.host'] == 'company-preferences'
    assert sim.preferences(secrets=True)['mail.session.mail.smtp.password'] == SMTP_PASSWORD

    sim.reset_requests()
    later = run_tasks(tmp_path, [module_task(settings(sim, state)), module_task(settings(sim, state, port=2525))])
    assert later.rc == 0, later.output
    second, third = later.task_results()
    assert second['changed'] is False
    assert second['requests'] == 0
    assert third['changed'] is True
    assert third['restart_required'] is True
    seen = sim.requests_seen()  # the unchanged run sent nothing: all of these come from the changed run
    assert seen['total'] == third['requests'] == 2
    assert seen['writes'] == 1
    assert sim.preferences()['mail.session.mail.smtp.port'] == '2525'
    with capsys.disabled():
        print('\napi backend figures: requests first=%d unchanged=%d changed=%d; first apply %.2f s (ansible-playbook)'
              % (first_seen['total'], second['requests'], third['requests'], first_seconds))


def test_check_mode_sends_nothing(sim, tmp_path):
    state = tmp_path / 'state.json'
    sim.reset_requests()
    run = apply(tmp_path, settings(sim, state, host='check-mode.example.com'), check=True, diff=True)
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert run.result['requests'] == 0
    assert sim.requests_seen()['total'] == 0
    assert not state.exists()
    assert SMTP_HOST_KEY + '=check-mode.example.com' in run.result['diff']['after']
    assert run.result['settings'][SMTP_HOST_KEY] == 'check-mode.example.com'


def test_diff_and_verbose_output_mask_every_secret(sim, tmp_path):
    state = tmp_path / 'state.json'
    advanced = {'mail.smtp.password': 'Adv-s3cret-pw'}
    # The second task changes a port: its "before" comes from the state file.
    run = run_tasks(tmp_path, [module_task(settings(sim, state, javamail_properties=advanced)),
                               module_task(settings(sim, state, port=2465, javamail_properties=advanced))],
                    diff=True, verbosity=4)
    assert run.rc == 0, run.output
    first, second = run.task_results()
    assert first['changed'] is True and second['changed'] is True
    assert 'mail.session.mail.smtp.password=********' in first['diff']['after']
    assert 'mail.session.mail.pop3.password=********' in first['diff']['after']
    assert 'mail.session.mail.smtp.password=********' in second['diff']['before']
    assert first['settings']['mail.session.mail.smtp.password'] == '********'
    assert sim.preferences(secrets=True)['mail.session.mail.smtp.password'] == SMTP_PASSWORD  # really sent
    for secret in (SMTP_PASSWORD, POP_PASSWORD, API_PASSWORD, 'Adv-s3cret-pw'):
        assert run.output.count(secret) == 0, secret
        assert secret not in read_bytes(state).decode('utf-8')


def test_refused_logins_fail_clearly_and_write_nothing(sim, tmp_path):
    state = tmp_path / 'state.json'
    before = sim.preferences(secrets=True)
    sim.reset_requests()
    wrong_password = module_task(settings(sim, state, api_password='wrong-Adm1n-pw'), ignore_errors=True)
    not_admin = module_task(settings(sim, state, api_user=NON_ADMIN[0], api_password=NON_ADMIN[1]),
                            ignore_errors=True)
    run = run_tasks(tmp_path, [wrong_password, not_admin])
    wrong, refused = run.task_results()
    assert wrong['_status'] == refused['_status'] == 'failed'
    # 7.4 treats a wrong password as a guest: the first call, the company lookup, is refused.
    assert 'get-company-by-web-id' in wrong['msg'] and 'HTTP 403' in wrong['msg'], wrong['msg']
    assert 'credentials are wrong' in wrong['msg'] and 'api_password' in wrong['msg']
    # Any user may look the company up; the write needs an Administrator of that instance.
    assert 'update-preferences' in refused['msg'] and 'HTTP 403' in refused['msg'], refused['msg']
    assert 'not an Administrator of company %d' % DEFAULT_COMPANY_ID in refused['msg']
    assert 'wrong-Adm1n-pw' not in run.output
    assert sim.requests_seen()['commands'] == {'/company/get-company-by-web-id': 2, '/company/update-preferences': 1}
    assert sim.preferences(secrets=True) == before
    assert not state.exists()


class KeepStarting(object):
    """Restart the simulator (``--startup-delay``) over and over, so it answers 503 however slowly ansible starts.

    With ``until_first_call`` it stops once the first API call arrived (and got its 503); the portal is
    then ready one startup delay later.
    """

    def __init__(self, sim, until_first_call):
        self.sim = sim
        self.until_first_call = until_first_call
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.done.is_set():
            if self.until_first_call and self.sim.requests_seen()['total'] > 0:
                return
            self.sim.restart()
            self.done.wait(0.5)

    def __enter__(self):
        self.sim.reset_requests()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def test_portal_still_starting_is_retried(liferay_sim, tmp_path):
    starting = liferay_sim(args=['--startup-delay', '4'])
    with KeepStarting(starting, until_first_call=True):
        run = apply(tmp_path, settings(starting, tmp_path / 'state.json', api_user='test@liferay.com',
                                       api_password='test', startup_timeout=60))
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert run.result['requests'] > 2  # 503 answers, then the lookup and the write
    seen = starting.requests_seen()
    assert seen['writes'] == 1
    assert seen['total'] == run.result['requests']
    assert starting.preferences()[SMTP_HOST_KEY] == 'smtp.example.com'


def test_portal_starting_longer_than_startup_timeout_fails_clearly(liferay_sim, tmp_path):
    starting = liferay_sim(args=['--startup-delay', '4'])
    with KeepStarting(starting, until_first_call=False):
        run = apply(tmp_path, settings(starting, tmp_path / 'state.json', api_user='test@liferay.com',
                                       api_password='test', startup_timeout=2))
    assert run.rc != 0
    assert 'HTTP 503' in run.result['msg'] and 'startup_timeout' in run.result['msg'], run.result['msg']
    assert starting.requests_seen()['writes'] == 0


@pytest.mark.parametrize('mode', ['http500', 'reset', 'hang'])
def test_fault_during_the_write_keeps_old_settings(sim, tmp_path, mode):
    state = tmp_path / 'state.json'
    # company_id given: the write is the only request, so the fault hits it.
    base = dict(company_id=DEFAULT_COMPANY_ID, timeout=2)
    run = run_tasks(tmp_path, [
        module_task(settings(sim, state, host='before-%s.example.com' % mode, **base)),
        checksum_task(state),
        post_task(sim.url + '/sim/faults', {'mode': mode, 'count': 1}),
        module_task(settings(sim, state, host='after-%s.example.com' % mode, **base), ignore_errors=True),
        checksum_task(state),
    ])
    first, recorded, _fault, failed, after_failure = run.task_results()
    assert first['changed'] is True, run.output
    assert failed['_status'] == 'failed'
    assert 'nothing recorded in state_file' in failed['msg'], failed['msg']
    assert after_failure['stat']['checksum'] == recorded['stat']['checksum']
    assert sim.preferences()[SMTP_HOST_KEY] == 'before-%s.example.com' % mode
    assert SMTP_PASSWORD not in run.output

    retried = apply(tmp_path, settings(sim, state, host='after-%s.example.com' % mode, **base))
    assert retried.rc == 0, retried.output
    assert retried.result['changed'] is True
    assert sim.preferences()[SMTP_HOST_KEY] == 'after-%s.example.com' % mode


def test_state_absent_removes_the_keys(sim, tmp_path):
    state = tmp_path / 'state.json'
    assert apply(tmp_path, settings(sim, state, host='to-remove.example.com')).rc == 0
    assert sim.preferences()[SMTP_HOST_KEY] == 'to-remove.example.com'

    sim.reset_requests()
    absent = connection(sim, state_file=str(state), state='absent')
    run = run_tasks(tmp_path, [module_task(absent), module_task(absent)])
    assert run.rc == 0, run.output
    removed, again = run.task_results()
    assert removed['changed'] is True
    assert again['changed'] is False and again['requests'] == 0
    seen = sim.requests_seen()
    assert seen['commands'].get('/company/remove-preferences') == 1, seen
    remaining = sim.preferences()
    assert not [key for key in remaining if key.startswith('mail.session.mail')], remaining


def test_update_password_on_create(sim, tmp_path):
    state = tmp_path / 'state.json'
    password_key = 'mail.session.mail.smtp.password'
    run = run_tasks(tmp_path, [
        module_task(settings(sim, state, smtp_password='first-Sm7p-pw', update_password='on_create')),
        module_task(settings(sim, state, smtp_password='second-Sm7p-pw', update_password='on_create')),
        module_task(settings(sim, state, host='moved.example.com', smtp_password='second-Sm7p-pw',
                             update_password='on_create')),
    ])
    assert run.rc == 0, run.output
    created, rotated, moved = run.task_results()
    assert created['changed'] is True
    assert rotated['changed'] is False  # a new password alone is not sent
    assert moved['changed'] is True
    stored = sim.preferences(secrets=True)
    assert stored[SMTP_HOST_KEY] == 'moved.example.com'
    # The first password belongs to the first server: with the host changed, on_create sends the given one.
    assert stored[password_key] == 'second-Sm7p-pw'
    assert any('smtp.host changed from' in warning for warning in moved['warnings'])

    always = apply(tmp_path, settings(sim, state, host='moved.example.com', smtp_password='third-Sm7p-pw'))
    assert always.rc == 0 and always.result['changed'] is True, always.output
    assert sim.preferences(secrets=True)[password_key] == 'third-Sm7p-pw'


def test_force_reapplies(sim, tmp_path):
    state = tmp_path / 'state.json'
    sim.reset_requests()
    run = run_tasks(tmp_path, [module_task(settings(sim, state, host='forced.example.com')),
                               module_task(settings(sim, state, host='forced.example.com')),
                               module_task(settings(sim, state, host='forced.example.com', force=True))])
    assert run.rc == 0, run.output
    assert [result['changed'] for result in run.task_results()] == [True, False, True]
    assert sim.requests_seen()['writes'] == 2


def test_explicit_company_id_needs_one_request(sim, tmp_path):
    sim.reset_requests()
    run = apply(tmp_path, settings(sim, tmp_path / 'state.json', host='by-id.example.com', company_id=DEFAULT_COMPANY_ID))
    assert run.rc == 0, run.output
    assert run.result['requests'] == 1
    seen = sim.requests_seen()
    assert seen['total'] == 1 and seen['writes'] == 1, seen
    assert sim.preferences()[SMTP_HOST_KEY] == 'by-id.example.com'


def test_unknown_web_id_fails_clearly(sim, tmp_path):
    sim.reset_requests()
    run = apply(tmp_path, settings(sim, tmp_path / 'state.json', company_web_id='nowhere.example.org'))
    assert run.rc != 0
    assert 'nowhere.example.org' in run.result['msg'] and 'company_web_id' in run.result['msg'], run.result['msg']
    assert sim.requests_seen()['writes'] == 0


class _NotFound(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        body = b'<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>'
        self.send_response(404)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def plain_web_server():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_not_a_liferay_url_fails_clearly(plain_web_server, tmp_path):
    args = dict(backend='api', portal_url=plain_web_server, api_user=API_USER, api_password=API_PASSWORD,
                state_file=str(tmp_path / 'state.json'), smtp=dict(host='smtp.example.com', port=587))
    run = apply(tmp_path, args)
    assert run.rc != 0
    assert 'not a Liferay JSON web services address' in run.result['msg'], run.result['msg']
    assert 'portal_url' in run.result['msg']
    assert not (tmp_path / 'state.json').exists()


def test_removed_javamail_property_warns_and_needs_a_restart(sim, tmp_path):
    """docs/liferay-model.md §4: 7.4 sets every value on one shared session Properties and never removes a key,
    so a removed advanced property stays in force until the portal restarts."""
    state = tmp_path / 'state.json'
    both = {'mail.smtp.timeout': 5000, 'mail.smtp.connectiontimeout': 4000}
    first = apply(tmp_path, settings(sim, state, javamail_properties=both))
    assert first.rc == 0, first.output
    sim.restart()
    assert sim.session()['properties']['mail.smtp.timeout'] == '5000'

    second = apply(tmp_path, settings(sim, state, javamail_properties={'mail.smtp.connectiontimeout': 4000}))
    assert second.rc == 0, second.output
    assert second.result['changed'] is True and second.result['restart_required'] is True
    warnings = ' '.join(second.result.get('warnings', []))
    assert 'javamail_properties mail.smtp.timeout removed' in warnings
    assert 'until the portal restarts' in warnings
    sim.restart()
    assert 'mail.smtp.timeout' not in sim.session()['properties']

    unchanged = apply(tmp_path, settings(sim, state, javamail_properties={'mail.smtp.connectiontimeout': 4000}))
    assert unchanged.result['changed'] is False and not unchanged.result.get('warnings')


def test_info_warns_when_instances_get_different_javamail_properties(liferay_sim, tmp_path):
    """docs/liferay-model.md §4: two instances of one 7.4 portal share the session Properties; mail_settings_info
    says so when the api backend gave them different javamail_properties. It also flags a user Liferay reads as
    empty (Validator.isNull), and mail_settings warns about it when applying."""
    portal = liferay_sim(args=['--instances', 'liferay.com,other.example'])
    state = str(tmp_path / 'state.json')
    base = dict(backend='api', portal_url=portal.url, state_file=state)
    default = dict(base, api_user='test@liferay.com', api_password='test', company_web_id='liferay.com',
                   smtp=dict(host='smtp.example.com', port=587, user='null', password=SMTP_PASSWORD),
                   javamail_properties={'mail.smtp.timeout': 5000})
    other = dict(base, api_user='test@other.example', api_password='test', company_web_id='other.example',
                 smtp=dict(host='smtp.example.com', port=587), javamail_properties={})
    info = {'liferay_ops.mail.mail_settings_info': dict(portal_url=portal.url, state_file=state,
                                                        company_web_id='liferay.com')}
    run = run_tasks(tmp_path, [module_task(default), module_task(other), info])
    assert run.rc == 0, run.output
    applied, _other, read = run.task_results()
    assert any('smtp.user is only spaces or the word "null"' in w for w in applied.get('warnings', []))
    shared = [f for f in read['findings'] if 'different javamail_properties' in f]
    assert len(shared) == 1 and 'instance other.example' in shared[0] and 'mail.smtp.timeout' in shared[0]
    assert any('smtp.user (from company preferences) is only spaces or the word "null"' in f for f in read['findings'])
    assert SMTP_PASSWORD not in run.output
