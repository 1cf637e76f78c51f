"""sender: {name, address} -> admin.email.from.* on every backend, run for real against the portal simulator.

The simulator sends its test mail from admin.email.from.address as PrefsPropsUtil reads it (company
preferences, else portal properties), so a message that arrives at the test SMTP server shows which value
the portal took.
"""

import json
import uuid

import pytest
import requests
import yaml

from playbook import run_module, run_playbook, write_playbook
from sim_fixtures import SMTP_PASSWORD, SMTP_USER

MODULE = 'liferay_ops.mail.mail_settings'
SENDER = {'name': 'Portal Team', 'address': 'portal-team@example.com'}
API_USER = 'ops@liferay.com'
API_PASSWORD = 'Adm1n-sender-pw#7'


def smtp(servers):
    return dict(host='localhost', port=servers['starttls_port'], security='starttls', user=SMTP_USER, password=SMTP_PASSWORD)


def send(sim, to='someone@example.com', web_id='liferay.com'):
    subject = 'sender test %s' % uuid.uuid4().hex[:8]
    response = requests.post(sim.url + '/sim/send-test-mail', json={'webId': web_id, 'to': to, 'subject': subject},
                             timeout=60)
    assert response.status_code == 200, response.text
    assert response.json()['sent'], response.json()
    return subject


def received(servers, subject):
    return [message for message in servers['mailbox'].messages if 'Subject: %s' % subject in message['content']]


def test_properties_backend_sender_reaches_the_envelope(tmp_path, liferay_sim, smtp_servers, tls):
    sim = liferay_sim(args=['--ca-file', tls['ca_file']])
    args = dict(liferay_home=str(sim.home), smtp=smtp(smtp_servers), sender=SENDER)

    preview = run_module(tmp_path, MODULE, args, check=True, diff=True)
    assert preview.rc == 0 and preview.result['changed'], preview.output
    assert 'admin.email.from.address=portal-team@example.com' in preview.result['diff']['after']
    assert not (sim.home / 'portal-ext.properties').exists()

    first = run_module(tmp_path, MODULE, args)
    assert first.rc == 0 and first.result['changed'], first.output
    text = (sim.home / 'portal-ext.properties').read_text()
    assert 'admin.email.from.name=Portal Team\n' in text and 'admin.email.from.address=portal-team@example.com\n' in text
    assert SMTP_PASSWORD not in first.output

    sim.restart()
    subject = send(sim)
    [message] = received(smtp_servers, subject)
    assert message['from'] == 'portal-team@example.com'

    second = run_module(tmp_path, MODULE, args)
    assert second.rc == 0 and not second.result['changed'], second.output


def test_sender_alone_leaves_the_mail_session_keys_alone(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    path.write_text('mail.session.mail.smtp.host=keep.example.com\nadmin.email.from.address=old@example.com\n')
    run = run_module(tmp_path, MODULE, dict(path=str(path), sender={'address': 'new@example.com'}))
    assert run.rc == 0 and run.result['changed'], run.output
    assert path.read_text() == 'mail.session.mail.smtp.host=keep.example.com\nadmin.email.from.address=new@example.com\n'
    # absent with sender removes its keys and, as always, the mail session keys.
    run = run_module(tmp_path, MODULE, dict(path=str(path), state='absent', sender={'address': 'new@example.com'}))
    assert run.rc == 0 and run.result['changed'], run.output
    assert path.read_text() == ''


def test_env_file_backend_sender(tmp_path, liferay_sim, smtp_servers, tls):
    env_file = tmp_path / 'liferay.env'
    args = dict(backend='env_file', env_file=str(env_file), smtp=smtp(smtp_servers),
                sender={'name': 'Ops, Portal', 'address': 'ops@example.com'})
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['changed'], run.output
    text = env_file.read_text()
    assert 'LIFERAY_ADMIN_PERIOD_EMAIL_PERIOD_FROM_PERIOD_ADDRESS=ops@example.com' in text
    assert 'LIFERAY_ADMIN_PERIOD_EMAIL_PERIOD_FROM_PERIOD_NAME=' in text
    sim = liferay_sim(args=['--ca-file', tls['ca_file'], '--env-file', str(env_file)])
    subject = send(sim)
    [message] = received(smtp_servers, subject)
    assert message['from'] == 'ops@example.com'
    # The name with a comma survives Liferay's list split of environment values.
    info = run_module(tmp_path, 'liferay_ops.mail.mail_settings_info', dict(env_file=str(env_file)))
    assert info.result['effective']['admin.email.from.name'] == {'value': 'Ops, Portal', 'source': 'environment'}
    assert not run_module(tmp_path, MODULE, args).result['changed']


@pytest.fixture
def api_sim(liferay_sim, tls, tmp_path):
    users = tmp_path / 'users.json'
    users.write_text(json.dumps([{'emailAddress': API_USER, 'password': API_PASSWORD, 'adminOf': ['liferay.com']}]))
    return liferay_sim(args=['--ca-file', tls['ca_file'], '--users-file', str(users)])


def test_api_backend_sender_is_a_company_preference(tmp_path, api_sim, smtp_servers):
    sim = api_sim
    state_file = tmp_path / 'state.json'
    args = dict(backend='api', portal_url=sim.url, api_user=API_USER, api_password=API_PASSWORD,
                state_file=str(state_file), smtp=smtp(smtp_servers), sender=SENDER)
    run = run_module(tmp_path, MODULE, args, diff=True)
    assert run.rc == 0 and run.result['changed'], run.output
    stored = sim.preferences()
    assert stored['admin.email.from.address'] == 'portal-team@example.com'
    assert stored['admin.email.from.name'] == 'Portal Team'
    assert 'admin.email.from.address=portal-team@example.com' in run.result['diff']['after']
    sim.restart()  # 7.4 caches the session; the sender is read per message
    subject = send(sim)
    [message] = received(smtp_servers, subject)
    assert message['from'] == 'portal-team@example.com'
    again = run_module(tmp_path, MODULE, args)
    assert again.rc == 0 and not again.result['changed'] and again.result['requests'] == 0, again.output

    # Sender alone: one request, the mail session preferences stay.
    alone = dict(args, sender={'address': 'other@example.com'})
    del alone['smtp']
    run = run_module(tmp_path, MODULE, alone)
    assert run.rc == 0 and run.result['changed'], run.output
    stored = sim.preferences()
    assert stored['admin.email.from.address'] == 'other@example.com'
    assert stored['mail.session.mail.smtp.port'] == str(smtp_servers['starttls_port'])


@pytest.mark.parametrize('address', ['Portal <portal@example.com>', 'portal', 'portal@', ' portal@example.com'])
def test_bad_sender_address_is_refused_and_nothing_changes(tmp_path, address):
    path = tmp_path / 'portal-ext.properties'
    path.write_text('admin.email.from.address=old@example.com\n')
    run = run_module(tmp_path, MODULE, dict(path=str(path), sender={'address': address}))
    assert run.rc != 0
    assert run.result['msg'].startswith('sender.address: ')
    assert path.read_text() == 'admin.email.from.address=old@example.com\n'


def test_osgi_config_refuses_the_sender(tmp_path):
    configs = tmp_path / 'osgi' / 'configs'
    configs.mkdir(parents=True)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(tmp_path), liferay_version='2025.q4',
                                            smtp=dict(host='smtp.example.com'), sender=SENDER))
    assert run.rc != 0
    assert 'sender: the 2025.Q4 OSGi mail configuration has no sender' in run.result['msg']
    assert list(configs.iterdir()) == []


def test_role_writes_the_sender_and_sends_the_test_message_from_it(tmp_path, liferay_sim, smtp_servers, tls):
    sim = liferay_sim(args=['--ca-file', tls['ca_file']])
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text(yaml.safe_dump({'portal': {'hosts': {'node1': {
        'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}}}}))
    playbook = write_playbook(tmp_path, [], hosts='portal', roles=[{'role': 'liferay_ops.mail.mail_session', 'vars': {
        'mail_session_liferay_home': str(sim.home),
        'mail_session_check': False,
        'mail_session_check_engine': 'python',
        'mail_session_ca_path': tls['ca_file'],
        'mail_session_smtp': smtp(smtp_servers),
        'mail_session_sender': SENDER,
        'mail_session_test_recipient': 'someone@example.com',
    }}])
    run = run_playbook(playbook, inventory=str(inventory))
    assert run.rc == 0, run.output
    assert 'admin.email.from.address=portal-team@example.com' in (sim.home / 'portal-ext.properties').read_text()
    [message] = [m for m in smtp_servers['mailbox'].messages if 'liferay_ops.mail test from node1' in m['content']]
    assert message['from'] == 'portal-team@example.com'
    assert SMTP_PASSWORD not in run.output
