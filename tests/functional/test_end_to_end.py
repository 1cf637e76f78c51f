"""The whole story of the mail_session role, as an operator runs it.

configure_mail.yml runs against a simulated Liferay 7.4 node (properties backend) and the real
mail stack: Dovecot for POP3S and aiosmtpd for SMTP with STARTTLS, both behind a private CA. The
role probes the servers, writes portal-ext.properties, restarts the node through the simulator and
waits for it; the portal then sends a message through the SMTP server that arrives in the user's
mailbox and is fetched over POP3S. A second run changes nothing and restarts nothing.
"""

import email
import hashlib
import os
import poplib
import ssl
import time
import uuid

import yaml

import javatools
from playbook import REPO_ROOT, run_playbook

CONFIGURE_MAIL = os.path.join(REPO_ROOT, 'playbooks', 'configure_mail.yml')
RESTART_TASK = 'Restart the portal with the configured command'
# The portal restarts when the simulator re-reads its files, as a service restart would.
RESTART_COMMAND = (
    '{{ ansible_playbook_python }} -c "import urllib.request; urllib.request.urlopen('
    "urllib.request.Request('{{ mail_session_portal_url }}/sim/restart', method='POST'), timeout=30)\"")


def user_and_password(stack):
    user = stack['default_user']
    return user, stack['users'][user]


def node_vars(stack, sim, **overrides):
    """Host vars of one portal node: the simulator's home and URL, the stack's servers and CA."""
    user, password = user_and_password(stack)
    host_vars = {
        'ansible_connection': 'local',
        'ansible_python_interpreter': '{{ ansible_playbook_python }}',
        'mail_session_backend': 'properties',
        'mail_session_liferay_home': str(sim.home),
        'mail_session_ca_path': stack['ca'],
        'mail_session_check': True,
        'mail_session_smtp': {'host': '127.0.0.1', 'port': stack['smtp']['submission'], 'security': 'starttls',
                              'user': user, 'password': password},
        'mail_session_pop': {'host': '127.0.0.1', 'port': stack['pop']['pop3s'], 'security': 'ssl',
                             'user': user, 'password': password},
        'mail_session_javamail_properties': {'mail.smtp.connectiontimeout': 10000},
        'mail_session_portal_url': sim.url,
        'mail_session_health_url': sim.url + '/',
        'mail_session_restart_command': RESTART_COMMAND,
        'mail_session_restart_timeout': 60,
    }
    host_vars.update(overrides)
    return host_vars


def write_inventory(tmp_path, host, host_vars):
    path = tmp_path / 'inventory.yml'
    path.write_text(yaml.safe_dump({'portal': {'hosts': {host: host_vars}}}), encoding='utf-8')
    return str(path)


def restarts(sim):
    """How often the simulated node was restarted (one log line per request)."""
    return sim.log().count('"POST /sim/restart"')


def ran(run, task_suffix, host):
    """Results of the tasks whose name ends with task_suffix that did not skip."""
    return [result for result in run.task_results()
            if result['_task'].endswith(task_suffix) and result['_host'] == host and result['_status'] != 'skipped']


def sha256(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def fetch_over_pop3s(stack, subject, timeout=10.0):
    """Log in to Dovecot over POP3S (verifying its certificate) and return the message with this subject."""
    user, password = user_and_password(stack)
    context = ssl.create_default_context(cafile=stack['ca'])
    deadline = time.monotonic() + timeout
    while True:
        pop = poplib.POP3_SSL('127.0.0.1', stack['pop']['pop3s'], context=context, timeout=10)
        try:
            pop.user(user)
            pop.pass_(password)
            count = len(pop.list()[1])
            for number in range(1, count + 1):
                message = email.message_from_bytes(b'\r\n'.join(pop.retr(number)[1]))
                if message['Subject'] == subject:
                    return message
        finally:
            pop.quit()
        if time.monotonic() > deadline:
            raise AssertionError('no message %r in the POP3 mailbox of %s' % (subject, user))
        time.sleep(0.2)


def assert_no_secret(run, stack, *extra):
    secrets = [user_and_password(stack)[1]] + list(extra)
    for secret in secrets:
        assert secret not in run.output


def test_configure_restart_send_fetch_then_nothing_changes(tmp_path, pop_stack, liferay_sim):
    sim = liferay_sim(args=['--ca-file', pop_stack['ca']])
    host = 'portal-node-1'
    inventory = write_inventory(tmp_path, host, node_vars(pop_stack, sim))
    before = sim.session()
    assert before['sources']['mail.smtp.host'] == 'default'

    first = run_playbook(CONFIGURE_MAIL, inventory=inventory, diff=True)

    assert first.rc == 0, first.output
    assert first.stats()[host]['failures'] == 0
    assert [r['_status'] for r in ran(first, 'Probe SMTP and POP (DNS, TCP, greeting, TLS, capabilities, login)',
                                      host)] == ['ok']
    assert [r['changed'] for r in ran(first, RESTART_TASK, host)] == [True]
    assert restarts(sim) == 1
    # --diff shows the change with the passwords masked.
    assert 'mail.session.mail.smtp.port=%d' % pop_stack['smtp']['submission'] in first.output
    assert 'mail.session.mail.smtp.password=********' in first.output
    assert_no_secret(first, pop_stack)

    # The portal reads portal-ext.properties at start-up only: these values prove the restart.
    session = sim.session()
    properties, sources = session['properties'], session['sources']
    assert session['mode'] == 'structured'
    assert properties['mail.transport.protocol'] == 'smtp'
    assert properties['mail.smtp.host'] == '127.0.0.1'
    assert properties['mail.smtp.port'] == str(pop_stack['smtp']['submission'])
    assert properties['mail.smtp.starttls.enable'] == 'true'
    assert properties['mail.smtp.auth'] == 'true'
    assert properties['mail.smtp.user'] == pop_stack['default_user']
    assert properties['mail.smtp.password'] == '********'
    assert properties['mail.smtp.connectiontimeout'] == '10000'
    assert properties['mail.store.protocol'] == 'pop3s'
    assert properties['mail.pop3s.port'] == str(pop_stack['pop']['pop3s'])
    for key in ('mail.smtp.host', 'mail.smtp.port', 'mail.smtp.password', 'mail.pop3s.host'):
        assert sources[key] == 'portal-ext.properties', key

    # The portal sends through the STARTTLS port (trusting the stack's CA); Dovecot has the message. With a JDK
    # and javax.mail.jar the real JavaMail sends (CI installs both; docs/liferay-model.md section 4).
    subject = 'end-to-end %s' % uuid.uuid4().hex
    answer = sim.send_test_mail(to='%s@example.test' % pop_stack['default_user'], subject=subject)
    assert answer['sent'] is True, answer
    java_missing = javatools.unavailable_reason(['javax.mail.jar'])
    assert answer['engine'] == ('python' if java_missing else 'javamail'), answer
    message = fetch_over_pop3s(pop_stack, subject)
    assert message['From'] == 'portal@example.org'

    second = run_playbook(CONFIGURE_MAIL, inventory=inventory)

    assert second.rc == 0, second.output
    assert second.stats()[host]['changed'] == 0
    assert ran(second, RESTART_TASK, host) == []
    assert restarts(sim) == 1
    assert_no_secret(second, pop_stack)


def test_post_check_sends_the_test_message_itself(tmp_path, pop_stack, liferay_sim):
    sim = liferay_sim(args=['--ca-file', pop_stack['ca']])
    # The role's subject names the host, so a unique host name finds this test's message.
    host = 'portal-node-%s' % uuid.uuid4().hex[:8]
    recipient = '%s@example.test' % pop_stack['default_user']
    inventory = write_inventory(tmp_path, host, node_vars(
        pop_stack, sim, mail_session_test_recipient=recipient, mail_session_test_sender='ops@example.test'))

    # The collection's playbook by its name, as in the README.
    run = run_playbook('liferay_ops.mail.configure_mail', inventory=inventory)

    assert run.rc == 0, run.output
    assert [r['_status'] for r in ran(run, 'Send a test message through the configured SMTP server', host)] == ['ok']
    assert restarts(sim) == 1
    message = fetch_over_pop3s(pop_stack, 'liferay_ops.mail test from %s' % host)
    assert message['From'] == 'ops@example.test'
    assert message['To'] == recipient
    assert_no_secret(run, pop_stack)


def test_failing_preflight_writes_nothing_and_restarts_nothing(tmp_path, pop_stack, liferay_sim):
    existing = '# the portal as it runs today\nmail.session.mail.smtp.host=old-relay.example.com\n'
    sim = liferay_sim(args=['--ca-file', pop_stack['ca']], files={'portal-ext.properties': existing})
    portal_ext = str(sim.home / 'portal-ext.properties')
    checksum = sha256(portal_ext)
    host = 'portal-node-1'
    wrong_password = 'Wr0ng-%s' % uuid.uuid4().hex[:12]
    host_vars = node_vars(pop_stack, sim)
    host_vars['mail_session_smtp'] = dict(host_vars['mail_session_smtp'], password=wrong_password)
    inventory = write_inventory(tmp_path, host, host_vars)

    run = run_playbook(CONFIGURE_MAIL, inventory=inventory)

    assert run.rc != 0
    [failed] = [r for r in run.task_results() if r['_status'] == 'failed']
    assert failed['_task'].endswith('Report the pre-flight check')
    assert 'Pre-flight mail check failed, nothing was changed' in failed['msg']
    assert ran(run, 'Write the mail settings with the backend properties', host) == []
    assert sha256(portal_ext) == checksum
    assert restarts(sim) == 0
    assert sim.session()['properties']['mail.smtp.host'] == 'old-relay.example.com'
    assert_no_secret(run, pop_stack, wrong_password)
