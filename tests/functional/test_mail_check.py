"""liferay_ops.mail.mail_check through ansible-playbook against real Dovecot and aiosmtpd on 127.0.0.1."""

import base64
import poplib
import socket
import ssl
import time

import pytest

from mailstack_fixtures import require_pop
from mail_check_calls import HOST, MODULE, USER, check, failed, password, pop, smtp, steps
from playbook import run_playbook, write_playbook


def pop_messages(stack):
    """Subjects in the mailbox, fetched over POP3S with a verifying context."""
    context = ssl.create_default_context(cafile=stack['ca'])
    client = poplib.POP3_SSL(HOST, stack['pop']['pop3s'], context=context, timeout=10)
    try:
        client.user(USER)
        client.pass_(password(stack))
        subjects = []
        for number in range(1, len(client.list()[1]) + 1):
            for line in client.top(number, 0)[1]:
                if line.lower().startswith(b'subject:'):
                    subjects.append(line.split(b':', 1)[1].strip().decode())
        return subjects
    finally:
        client.quit()


def test_all_green_starttls_and_pop3s(tmp_path, pop_stack):
    started = time.monotonic()
    run, result = check(tmp_path, dict(smtp=smtp(pop_stack, 'submission', 'starttls'),
                                       pop=pop(pop_stack, 'pop3s', 'ssl'), ca_path=pop_stack['ca']))
    wall = time.monotonic() - started
    assert run.rc == 0, run.output
    assert result['ok'] is True and result['changed'] is False
    assert [step['name'] for step in result['smtp']['steps']] == ['dns', 'tcp', 'greeting', 'tls', 'capabilities', 'login']
    assert [step['name'] for step in result['pop3']['steps']] == ['dns', 'tcp', 'tls', 'greeting', 'capabilities', 'login']
    assert all(step['ok'] for step in result['smtp']['steps'] + result['pop3']['steps'])
    tls = steps(result['smtp'])['tls']['tls']
    assert tls['verified'] is True and tls['version'].startswith('TLSv1.')
    assert 'DNS:localhost' in tls['san'] and tls['days_left'] > 21 and 'test CA' in tls['issuer']
    assert steps(result['smtp'])['capabilities']['auth_mechanisms'] == ['LOGIN', 'PLAIN']
    assert steps(result['smtp'])['capabilities']['size_limit'] > 0
    # AUTH is offered only after STARTTLS
    assert 'auth' not in steps(result['smtp'])['tls']['ehlo_before_tls']
    assert steps(result['pop3'])['login']['messages'] >= 0
    assert result['elapsed_ms'] < 3000, result['elapsed_ms']
    print('full green check: module %d ms, ansible-playbook %.2f s' % (result['elapsed_ms'], wall))


def test_all_green_smtps_and_plain_pop3(tmp_path, pop_stack):
    run, result = check(tmp_path, dict(smtp=smtp(pop_stack, 'smtps', 'ssl'), pop=pop(pop_stack, 'pop3', 'none'),
                                       ca_path=pop_stack['ca']))
    assert run.rc == 0, run.output
    assert result['ok'] is True and result['changed'] is False
    assert steps(result['smtp'])['tls']['ok'] and not steps(result['smtp'])['tls'].get('skipped')
    assert steps(result['pop3'])['tls']['skipped'] is True
    assert any('STLS' in warning for warning in result.get('warnings', []))


def test_wrong_passwords_fail_at_login_for_both_servers(tmp_path, pop_stack):
    run, result = check(tmp_path, dict(smtp=smtp(pop_stack, 'submission', 'starttls', password='not-the-password'),
                                       pop=pop(pop_stack, 'pop3s', 'ssl', password='not-the-password'),
                                       ca_path=pop_stack['ca']))
    assert run.rc != 0 and failed(result)
    assert result['smtp']['failed_step'] == 'login' and result['pop3']['failed_step'] == 'login'
    assert 'rejected smtp.user joe.bloggs and its password (535' in result['smtp']['msg']
    assert 'rejected pop.user joe.bloggs and its password (-ERR [AUTH]' in result['pop3']['msg']
    assert result['msg'].startswith('smtp failed at login: ')
    assert '; pop failed at login: ' in result['msg']


def test_fail_on_error_false_reports_without_failing(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls', password='wrong'),
                                       ca_path=mail_stack['ca'], fail_on_error=False))
    assert run.rc == 0, run.output
    assert result['ok'] is False and not failed(result) and result['changed'] is False
    assert result['pop3'] is None
    assert result['smtp']['failed_step'] == 'login'


def test_starttls_required_but_not_offered(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'plain', 'starttls'), ca_path=mail_stack['ca']))
    assert run.rc != 0
    assert result['smtp']['failed_step'] == 'tls'
    assert 'STARTTLS required (smtp.security: starttls) but the server does not offer it' in result['msg']
    # nothing after the refusal: no EHLO capabilities, no login attempt
    assert [step['name'] for step in result['smtp']['steps']] == ['dns', 'tcp', 'greeting', 'tls']


def test_untrusted_certificate_without_ca_path(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls')))
    assert run.rc != 0
    assert result['smtp']['failed_step'] == 'tls'
    assert 'certificate is not trusted' in result['msg'] and 'give ca_path' in result['msg']


def test_validate_certs_false_goes_on_but_says_so(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'smtps', 'ssl'), validate_certs=False))
    assert run.rc == 0, run.output
    tls_step = steps(result['smtp'])['tls']
    assert tls_step['tls']['verified'] is False and 'NOT verified' in tls_step['detail']


def test_hostname_mismatch(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'smtps_other', 'ssl'), ca_path=mail_stack['ca']))
    assert run.rc != 0
    assert result['smtp']['failed_step'] == 'tls'
    assert 'certificate is not valid for 127.0.0.1' in result['msg']


def test_closed_port_is_refused(tmp_path, mail_stack):
    probe = socket.socket()  # a port the kernel just handed out and nobody listens on
    probe.bind((HOST, 0))
    closed = probe.getsockname()[1]
    probe.close()
    run, result = check(tmp_path, dict(smtp=dict(host=HOST, port=closed, security='starttls')))
    assert run.rc != 0
    tcp = steps(result['smtp'])['tcp']
    assert tcp['reason'] == 'refused' and tcp['attempts'] == [dict(address=HOST, result='refused')]
    assert 'connection refused on 127.0.0.1 port %d' % closed in result['msg']


@pytest.mark.parametrize('security', ['starttls', 'ssl'])
def test_blackholed_port_fails_within_the_timeout(tmp_path, mail_stack, security):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'blackhole', security), timeout=3,
                                       ca_path=mail_stack['ca']))
    assert run.rc != 0
    assert result['elapsed_ms'] <= 3500, result['elapsed_ms']
    assert result['smtp']['failed_step'] == ('greeting' if security == 'starttls' else 'tls')
    assert 'accepts connections but' in result['msg'] or 'does not answer' in result['msg']
    print('blackhole (%s), timeout 3: failed after %d ms' % (security, result['elapsed_ms']))


def test_swapped_ports_from_the_liferay_docs(tmp_path, pop_stack):
    # the docs' example: incoming (POP) port = the SMTPS port, outgoing (SMTP) port = the POP3 port
    run, result = check(tmp_path, dict(
        smtp=dict(host=HOST, port=pop_stack['pop']['pop3'], security='starttls', user=USER, password=password(pop_stack)),
        pop=dict(host=HOST, port=pop_stack['smtp']['smtps'], security='ssl', user=USER, password=password(pop_stack)),
        ca_path=pop_stack['ca']))
    assert run.rc != 0
    assert result['smtp']['msg'] == ('smtp.port %d answers with a POP3 greeting: the POP and SMTP ports look swapped'
                                     % pop_stack['pop']['pop3'])
    assert result['pop3']['msg'] == ('pop.port %d answers with an SMTP greeting over implicit TLS: '
                                     'the POP and SMTP ports look swapped' % pop_stack['smtp']['smtps'])


def test_implicit_tls_port_with_starttls_settings_is_identified(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'smtps', 'starttls'), ca_path=mail_stack['ca'], timeout=5))
    assert run.rc != 0
    assert 'expects implicit TLS' in result['msg'] and 'use security: ssl' in result['msg']
    assert result['elapsed_ms'] < 5500


def test_plaintext_port_with_ssl_settings_is_identified(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'ssl'), ca_path=mail_stack['ca']))
    assert run.rc != 0
    assert result['smtp']['msg'] == ('smtp.port %d expects implicit TLS but the server sent a plaintext greeting: '
                                     'use security: starttls' % mail_stack['smtp']['submission'])


def test_test_message_sent_over_smtp_is_fetched_over_pop3(tmp_path, pop_stack):
    subject = 'mail_check round trip %d' % time.time_ns()
    run, result = check(tmp_path, dict(smtp=smtp(pop_stack, 'submission', 'starttls'), ca_path=pop_stack['ca'],
                                       test_message={'from': 'portal@localhost', 'to': USER + '@localhost',
                                                     'subject': subject}))
    assert run.rc == 0, run.output
    assert result['changed'] is False
    message_step = steps(result['smtp'])['message']
    assert message_step['ok'] and message_step['message_id'].startswith('<')
    assert subject in pop_messages(pop_stack)


def test_check_mode_does_not_send_the_test_message(tmp_path, pop_stack):
    subject = 'check mode %d' % time.time_ns()
    run, result = check(tmp_path, dict(smtp=smtp(pop_stack, 'smtps', 'ssl'), ca_path=pop_stack['ca'],
                                       test_message={'from': 'portal@localhost', 'to': USER + '@localhost',
                                                     'subject': subject}), check=True)
    assert run.rc == 0, run.output
    assert result['changed'] is False
    assert steps(result['smtp'])['rcpt']['ok'] and 'message' not in steps(result['smtp'])
    assert subject not in pop_messages(pop_stack)


def test_rcpt_probe_reports_a_refused_recipient(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls'), ca_path=mail_stack['ca'],
                                       rcpt_probe={'from': 'portal@localhost', 'to': 'nobody-here@localhost'}))
    assert run.rc != 0
    assert result['smtp']['failed_step'] == 'rcpt'
    assert 'RCPT TO nobody-here@localhost refused (550' in result['msg']


def test_checks_stop_early_and_must_be_a_prefix(tmp_path, mail_stack):
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls'), checks=['dns', 'tcp', 'greeting']))
    assert run.rc == 0, run.output
    assert [step['name'] for step in result['smtp']['steps']] == ['dns', 'tcp', 'greeting']
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls'), checks=['dns', 'login']))
    assert run.rc != 0
    assert result['msg'].startswith('checks: login needs tcp, greeting, tls, capabilities, which are not listed')


def test_secrets_never_in_output_at_vvvv(tmp_path, pop_stack):
    secret = password(pop_stack)
    # as from a vault: the playbook text itself holds no secret (Ansible quotes playbook lines in errors)
    good, wrong = "{{ lookup('env', 'GOOD_PASSWORD') }}", "{{ lookup('env', 'WRONG_PASSWORD') }}"
    tasks = [
        {'name': 'good credentials', MODULE: dict(smtp=smtp(pop_stack, 'submission', 'starttls', password=good),
                                                  pop=pop(pop_stack, 'pop3s', 'ssl', password=good),
                                                  ca_path=pop_stack['ca'])},
        {'name': 'wrong passwords that contain the real one', 'ignore_errors': True,
         MODULE: dict(smtp=smtp(pop_stack, 'smtps', 'ssl', password=wrong),
                      pop=pop(pop_stack, 'pop3', 'none', password=wrong), ca_path=pop_stack['ca'])},
    ]
    run = run_playbook(write_playbook(tmp_path, tasks), verbosity=4,
                       env=dict(GOOD_PASSWORD=secret, WRONG_PASSWORD='x' + secret + 'x'))
    assert run.rc == 0 and 'ignored=1' in run.stdout, run.output
    assert 'rejected smtp.user joe.bloggs' in run.stdout and 'rejected pop.user joe.bloggs' in run.stdout
    assert len(run.stdout) > 10000  # -vvvv really printed invocations and results
    forms = [secret, base64.b64encode(secret.encode()).decode(),
             base64.b64encode(('\0%s\0%s' % (USER, secret)).encode()).decode()]
    for form in forms:
        assert form not in run.stdout and form not in run.stderr


def test_ci_requires_dovecot(mail_stack):
    # under CI a missing Dovecot fails instead of skipping the POP tests
    require_pop(mail_stack)
    assert mail_stack['pop']['pop3'] and mail_stack['pop']['pop3s']
