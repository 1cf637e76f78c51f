"""The env_file backend of mail_settings: a Docker env file, read back by the portal simulator.

Each round trip is the container life cycle: the module writes the env file, then the simulator starts
with ``--env-file`` (a container created from it) and reports where each setting of its mail session
came from; a real SMTP server on 127.0.0.1 proves that the password (with a comma) arrives intact.
"""

import hashlib
import json
import os
import stat
import time

import pytest
import requests

from playbook import run_module, run_playbook, write_playbook
from sim_fixtures import SMTP_PASSWORD, SMTP_USER

MODULE = 'liferay_ops.mail.mail_settings'
POP_PASSWORD = 'P0p\\s3cret,${x}'  # backslash, comma and ${: each one changes how the portal reads a value
PREFIX = 'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL'
SMTP_HOST_VAR = PREFIX + '_PERIOD_SMTP_PERIOD_HOST'
SMTP_PASSWORD_VAR = PREFIX + '_PERIOD_SMTP_PERIOD_PASSWORD'
POP_HOST_ALIAS = PREFIX + '_PERIOD_POP_NUMBER3__PERIOD_HOST'  # the form portal.properties documents
POP_HOST_VAR = PREFIX + '_PERIOD_POP3_PERIOD_HOST'  # what the module writes (decodes to the same key)

pytestmark = pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS:UserWarning')

EXISTING = (
    '# Liferay container settings\r\n'
    'LIFERAY_JVM_OPTS=-Xms2g -Xmx2g\r\n'
    '\r\n'
    'LIFERAY_SETUP_PERIOD_WIZARD_PERIOD_ENABLED=false\r\n'
    '  # indented comment with = sign\r\n'
    + SMTP_HOST_VAR + '=old.example.com\r\n'
    + POP_HOST_ALIAS + '=old-pop.example.com\r\n'
    'JAVA_HOME\r\n'
    + POP_HOST_VAR + '=duplicate.example.com\r\n'
    'LIFERAY_WEB_PERIOD_SERVER_PERIOD_DISPLAY_PERIOD_NODE=true'  # no final newline
)
UNRELATED = [line for line in EXISTING.split('\r\n') if not line.startswith(PREFIX)]


def settings(port=587, **overrides):
    args = dict(
        backend='env_file',
        smtp=dict(host='127.0.0.1', port=port, security='starttls', user=SMTP_USER, password=SMTP_PASSWORD),
        pop=dict(host='pop.example.com', port=995, security='ssl', user='portal', password=POP_PASSWORD),
        javamail_properties={'mail.smtp.connectiontimeout': 5000},
    )
    args.update(overrides)
    return args


def checksum(path):
    with open(str(path), 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def assert_no_secret(text):
    assert SMTP_PASSWORD not in text, 'the SMTP password leaked'
    assert POP_PASSWORD not in text and 'P0p\\' not in text, 'the POP password leaked'


def secret_session(sim):
    response = requests.get(sim.url + '/sim/mail-session', params={'webId': 'liferay.com', 'secrets': '1'}, timeout=10)
    assert response.status_code == 200
    return response.json()


def test_round_trip_container_start_send_and_second_run(start_sim, smtp_servers, tls, tmp_path):
    env_file = tmp_path / 'liferay-mail.env'
    args = settings(port=smtp_servers['starttls_port'], env_file=str(env_file))

    started = time.monotonic()
    first = run_module(tmp_path, MODULE, args, diff=True, verbosity=4)
    apply_seconds = time.monotonic() - started
    assert first.rc == 0, first.output
    assert (first.result['changed'], first.result['restart_required']) == (True, True)
    assert first.result['path'] == str(env_file)
    assert stat.S_IMODE(os.stat(str(env_file)).st_mode) == 0o600
    assert_no_secret(first.output)
    diff = first.result['diff'][0] if isinstance(first.result['diff'], list) else first.result['diff']
    assert SMTP_PASSWORD_VAR + '=********' in diff['after']
    assert SMTP_HOST_VAR + '=127.0.0.1' in diff['after']
    assert first.result['settings']['mail.session.mail.pop3.password'] == '********'

    # A container created from the file: every managed key comes from the environment.
    started = time.monotonic()
    sim = start_sim(args=['--env-file', str(env_file), '--ca-file', tls['ca_file']])
    session = sim.session()
    start_seconds = time.monotonic() - started
    assert session['mode'] == 'structured', session
    for key in ('mail.smtp.host', 'mail.smtp.port', 'mail.smtp.user', 'mail.smtp.starttls.enable',
                'mail.transport.protocol', 'mail.store.protocol', 'mail.pop3s.host', 'mail.pop3s.password'):
        assert session['sources'].get(key) == 'env', (key, session['sources'])
    assert session['properties']['mail.smtp.port'] == str(smtp_servers['starttls_port'])
    assert session['properties']['mail.smtp.connectiontimeout'] == '5000'
    assert session['sources']['mail.smtp.connectiontimeout'] == 'advanced:env'
    assert session['properties']['mail.store.protocol'] == 'pop3s'
    assert session['properties']['mail.pop3s.password'] == '********'
    readback = secret_session(sim)['properties']
    pop_ok = readback['mail.pop3s.password'] == POP_PASSWORD
    smtp_ok = readback['mail.smtp.password'] == SMTP_PASSWORD
    assert pop_ok and smtp_ok, 'a password with a comma, backslash or ${ did not come back unchanged'

    started = time.monotonic()
    sent = sim.send_test_mail()
    send_seconds = time.monotonic() - started
    assert sent['sent'] is True, sent  # 'engine' says who sent: the real JavaMail or the smtplib fallback
    assert smtp_servers['mailbox'].messages[-1]['login'] == SMTP_USER  # AUTH with the comma password worked

    before = checksum(env_file)
    started = time.monotonic()
    second = run_module(tmp_path, MODULE, args)
    second_seconds = time.monotonic() - started
    assert second.rc == 0, second.output
    assert (second.result['changed'], second.result['restart_required']) == (False, False)
    assert checksum(env_file) == before
    print('env_file round trip: apply %.2f s, container start to session %.2f s, send %.2f s, second run %.2f s '
          '(changed=%s), %d bytes'
          % (apply_seconds, start_seconds, send_seconds, second_seconds, second.result['changed'],
             os.path.getsize(str(env_file))))


def test_unrelated_lines_kept_byte_for_byte_and_aliases_collapsed(start_sim, tmp_path):
    env_file = tmp_path / 'container.env'
    env_file.write_bytes(EXISTING.encode('utf-8'))
    os.chmod(str(env_file), 0o640)
    first = run_module(tmp_path, MODULE, settings(env_file=str(env_file)))
    assert first.rc == 0, first.output
    assert first.result['changed'] is True
    text = env_file.read_bytes().decode('utf-8')
    lines = text.split('\r\n')
    assert [line for line in lines if not line.startswith(PREFIX)][:len(UNRELATED)] == UNRELATED
    assert lines.index(SMTP_HOST_VAR + '=127.0.0.1') == EXISTING.split('\r\n').index(SMTP_HOST_VAR + '=old.example.com')
    assert lines.index(POP_HOST_VAR + '=pop.example.com') == EXISTING.split('\r\n').index(POP_HOST_ALIAS + '=old-pop.example.com')
    assert POP_HOST_ALIAS not in text and 'duplicate.example.com' not in text
    assert '\n' not in text.replace('\r\n', '') and text.endswith('\r\n')
    assert stat.S_IMODE(os.stat(str(env_file)).st_mode) == 0o640  # an existing file keeps its mode...
    assert any('readable by group or others' in warning for warning in first.result.get('warnings', []))

    sim = start_sim(args=['--env-file', str(env_file)])
    session = sim.session()
    assert session['properties']['mail.pop3s.host'] == 'pop.example.com'
    assert session['sources']['mail.pop3s.host'] == 'env'

    second = run_module(tmp_path, MODULE, settings(env_file=str(env_file), mode='0600'))
    assert second.rc == 0, second.output
    assert second.result['changed'] is True  # ...until mode says otherwise; the content is already right
    assert stat.S_IMODE(os.stat(str(env_file)).st_mode) == 0o600
    assert env_file.read_bytes().decode('utf-8') == text
    third = run_module(tmp_path, MODULE, settings(env_file=str(env_file), mode='0600'))
    assert third.result['changed'] is False, third.output


def test_check_mode_creates_nothing_and_changes_nothing(tmp_path):
    env_file = tmp_path / 'new.env'
    run = run_module(tmp_path, MODULE, settings(env_file=str(env_file)), check=True, diff=True, verbosity=4)
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert not env_file.exists()
    assert_no_secret(run.output)

    existing = tmp_path / 'existing.env'
    existing.write_bytes(EXISTING.encode('utf-8'))
    before = checksum(existing)
    run = run_module(tmp_path, MODULE, settings(env_file=str(existing)), check=True, diff=True)
    assert run.rc == 0, run.output
    assert checksum(existing) == before
    diff = run.result['diff'][0] if isinstance(run.result['diff'], list) else run.result['diff']
    assert SMTP_HOST_VAR + '=old.example.com' in diff['before']
    assert POP_HOST_VAR + '=duplicate.example.com' in diff['before']  # the last definition is the one that counts


@pytest.mark.parametrize('overrides, option', [
    (dict(javamail_properties={'mail.smtp.timeout': 5000, 'mail.smtp.connectiontimeout': 5000}), 'javamail_properties'),
    (dict(smtp=dict(host='smtp.example.com', user='u', password=' Sm7p,s3cret')), 'smtp.password'),
])
def test_values_an_env_file_cannot_carry_fail_and_change_nothing(tmp_path, overrides, option):
    env_file = tmp_path / 'liferay.env'
    env_file.write_bytes(EXISTING.encode('utf-8'))
    before = checksum(env_file)
    run = run_module(tmp_path, MODULE, settings(env_file=str(env_file), **overrides))
    assert run.rc != 0
    assert run.result['_status'] == 'failed'
    assert run.result['msg'].startswith(option + ':'), run.result['msg']
    assert checksum(env_file) == before
    assert 'Sm7p,s3cret' not in run.output


def test_absent_removes_only_managed_variables(tmp_path):
    env_file = tmp_path / 'liferay.env'
    env_file.write_bytes(EXISTING.encode('utf-8'))
    applied = run_module(tmp_path, MODULE, settings(env_file=str(env_file)))
    assert applied.rc == 0, applied.output
    run = run_module(tmp_path, MODULE, dict(backend='env_file', env_file=str(env_file), state='absent'))
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    text = env_file.read_bytes().decode('utf-8')
    assert PREFIX not in text
    assert text.split('\r\n')[:len(UNRELATED)] == UNRELATED
    again = run_module(tmp_path, MODULE, dict(backend='env_file', env_file=str(env_file), state='absent'))
    assert again.result['changed'] is False


def test_on_create_keeps_a_password_passed_through_from_the_runtime(tmp_path):
    env_file = tmp_path / 'liferay.env'
    env_file.write_text(SMTP_PASSWORD_VAR + '\n', encoding='utf-8')  # value comes from `docker run`'s environment
    run = run_module(tmp_path, MODULE, settings(env_file=str(env_file), update_password='on_create'))
    assert run.rc == 0, run.output
    lines = env_file.read_text(encoding='utf-8').splitlines()
    assert lines[0] == SMTP_PASSWORD_VAR
    assert not any(line.startswith(SMTP_PASSWORD_VAR + '=') for line in lines)
    again = run_module(tmp_path, MODULE, settings(env_file=str(env_file), update_password='on_create'))
    assert again.result['changed'] is False, again.output


# The expression docs/containers.md gives for a Kubernetes Secret's stringData.
STRING_DATA = ("{{ dict((mail_env.content | b64decode).splitlines()"
               " | select('match', '^LIFERAY_[A-Za-z0-9_]+=') | map('split', '=', 1)) }}")


def test_documented_kubernetes_secret_rendering(tmp_path):
    """The stringData expression of docs/containers.md gives exactly the file's variables."""
    env_file = tmp_path / 'liferay-mail.env'
    env_file.write_bytes(EXISTING.encode('utf-8'))
    assert run_module(tmp_path, MODULE, settings(env_file=str(env_file))).rc == 0
    tasks = [
        {'name': 'Read the env file', 'ansible.builtin.slurp': {'src': str(env_file)}, 'register': 'mail_env',
         'no_log': True},
        {'name': 'Render stringData', 'no_log': True, 'ansible.builtin.set_fact': {'string_data': STRING_DATA}},
        {'name': 'Keep the rendering for the test', 'ansible.builtin.copy': {
            'content': '{{ string_data | to_json }}', 'dest': str(tmp_path / 'rendered.json'), 'mode': '0600'},
         'no_log': True},
    ]
    playbook = write_playbook(tmp_path, tasks, name='render.yml')
    run = run_playbook(playbook)
    assert run.rc == 0, run.output
    rendered = json.loads((tmp_path / 'rendered.json').read_text())
    expected = {}
    for line in env_file.read_text(encoding='utf-8').splitlines():
        if line.startswith('LIFERAY_') and '=' in line:
            name, value = line.split('=', 1)
            expected[name] = value
    assert rendered == expected
    assert len(rendered) == 17  # 14 managed variables and the 3 unrelated LIFERAY_ ones
