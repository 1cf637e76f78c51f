"""mail_settings_info flags every trap of docs/liferay-model.md §10.4, run for real through ansible-playbook."""

import pytest

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings_info'
PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SYSTEM_PID = 'com.liferay.mail.settings.configuration.MailSettingSystemConfiguration'


@pytest.fixture
def home(tmp_path):
    path = tmp_path / 'liferay'
    path.mkdir()
    return path


def findings_for(tmp_path, home, text, **args):
    (home / 'portal-ext.properties').write_text(text)
    params = dict(liferay_home=str(home))
    params.update(args)
    run = run_module(tmp_path, MODULE, params)
    assert run.rc == 0, run.output
    return run, '\n'.join(run.result['findings'])


@pytest.mark.parametrize('keys, expected', [
    ('mail.session.mail.smtp.port=465\nmail.session.mail.transport.protocol=smtp\n', 'SMTP port 465 expects implicit TLS'),
    ('mail.session.mail.smtp.port=587\nmail.session.mail.transport.protocol=smtps\n', 'port 587 speaks plaintext first'),
    ('mail.session.mail.smtp.port=25\nmail.session.mail.transport.protocol=smtps\n', 'port 25 speaks plaintext first'),
    ('mail.session.mail.pop3.port=995\nmail.session.mail.store.protocol=pop3\n', 'POP port 995 expects implicit TLS'),
    ('mail.session.mail.pop3.port=110\nmail.session.mail.store.protocol=pop3s\n', 'POP port 110 speaks plaintext'),
])
def test_port_and_protocol_that_do_not_fit(home, tmp_path, keys, expected):
    run, found = findings_for(tmp_path, home, 'mail.session.mail=true\n' + keys)
    assert expected in found
    assert expected in run.output  # also a warning


def test_ports_that_fit_their_protocol_are_not_flagged(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\n'
                               'mail.session.mail.smtp.port=465\nmail.session.mail.transport.protocol=smtps\n'
                               'mail.session.mail.pop3.port=995\nmail.session.mail.store.protocol=pop3s\n')
    assert 'implicit TLS' not in found and 'plaintext' not in found


def test_starttls_on_port_25(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\nmail.session.mail.smtp.port=25\n'
                               'mail.session.mail.smtp.starttls.enable=true\n')
    assert 'STARTTLS is enabled on SMTP port 25' in found
    # Liferay's own defaults (25 with STARTTLS) are not blamed on the operator; security none is fine.
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\n')
    assert 'STARTTLS is enabled' not in found
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\nmail.session.mail.smtp.port=25\n'
                               'mail.session.mail.smtp.starttls.enable=false\n')
    assert 'STARTTLS is enabled' not in found


def test_advanced_properties_with_the_wrong_prefix(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\nmail.session.mail.transport.protocol=smtps\n'
                               'mail.session.mail.advanced.properties=mail.session.mail.smtps.timeout=5000\\n\\\n'
                               '  mail.smtp.connectiontimeout=5000\\nmail.smtps.ssl.trust=*\n')
    assert 'mail.session.mail.smtps.timeout keeps the mail.session. prefix' in found
    assert 'write mail.smtps.timeout' in found
    assert 'mail.smtp.connectiontimeout has no effect: the transport protocol is smtps' in found
    assert 'mail.smtps.ssl.trust' not in found


def test_jndi_name_overwritten_by_stored_settings(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'mail.session.jndi.name=mail/MailSession\nmail.session.mail=true\n'
                               'mail.session.mail.smtp.host=smtp.example.com\n')
    assert 'mail.session.jndi.name is mail/MailSession (from portal-ext.properties) and mail.session.mail is true' in found
    assert "the server's values for those keys and its authenticator are not used" in found
    assert 'raw mail.session.* keys' not in found


def test_jndi_name_used_as_it_is(home, tmp_path):
    env_file = home / 'liferay.env'
    env_file.write_text('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_JNDI_PERIOD_NAME=java:comp/env/mail/Portal\n')
    (home / 'portal-ext.properties').write_text('mail.session.mail.smtp.host=ignored.example.com\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), env_file=str(env_file)))
    assert run.rc == 0, run.output
    found = '\n'.join(run.result['findings'])
    assert "sends through the application server's session java:comp/env/mail/Portal as it is" in found
    assert 'raw mail.session.* keys' not in found  # no raw-mode warning: the JNDI session is used
    expected = {'value': 'java:comp/env/mail/Portal', 'source': 'environment'}
    assert run.result['effective']['mail.session.jndi.name'] == expected


def test_sender_and_test_recipient_on_the_blacklist(home, tmp_path):
    run, found = findings_for(tmp_path, home, 'admin.email.from.address=noreply@example.com\n'
                              'mail.send.blacklist=NoReply@example.com,test@domain.invalid\n',
                              test_recipient='test@domain.invalid')
    assert 'the default sender noreply@example.com (from portal-ext.properties) is on the send blacklist' in found
    assert 'the test recipient test@domain.invalid is on the send blacklist' in found
    assert run.result['effective']['admin.email.from.address']['source'] == 'portal-ext.properties'


def test_defaults_alone_are_not_a_blacklist_finding(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\n')
    assert 'blacklist' not in found
    # The default sender test@domain.invalid is on the default blacklist: the setup wizard's value counts.
    (home / 'portal-setup-wizard.properties').write_text('admin.email.from.address=test@domain.invalid\n')
    _run, found = findings_for(tmp_path, home, 'mail.session.mail=true\n')
    assert 'the default sender test@domain.invalid (from portal-setup-wizard.properties) is on the send blacklist' in found


def test_sender_alone_is_not_raw_mode(home, tmp_path):
    _run, found = findings_for(tmp_path, home, 'admin.email.from.address=portal@example.com\n')
    assert 'mail.session.mail is false' not in found


def test_env_file_key_on_two_lines_and_split_values(home, tmp_path):
    env_file = home / 'liferay.env'
    env_file.write_text('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=a.example.com\n'
                        'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER=ops , team\n'
                        'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=b.example.com\n')
    (home / 'portal-ext.properties').write_text('mail.session.mail=true\nmail.session.mail.smtp.password=se , cret\n'
                                                'mail.session.mail.pop3.user=a\\,b\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), env_file=str(env_file)))
    assert run.rc == 0, run.output
    found = '\n'.join(run.result['findings'])
    assert 'mail.session.mail.smtp.host is set on more than one line of %s' % env_file in found
    assert "mail.session.mail.smtp.user in %s holds a comma: Liferay splits the value into a list there and trims " \
           "every piece, so it reads 'ops,team'" % env_file in found
    assert 'mail.session.mail.smtp.password in %s holds a comma' % (home / 'portal-ext.properties') in found
    assert 'mail.session.mail.pop3.user' not in found  # an escaped comma is not split
    assert 'se , cret' not in run.output and 'se,cret' not in run.output


def write_config(home, name, text):
    configs = home / 'osgi' / 'configs'
    configs.mkdir(parents=True, exist_ok=True)
    (configs / name).write_text(text)


def test_osgi_company_file_port_and_protocol(home, tmp_path):
    write_config(home, PID + '.config', 'outgoingSMTPPort="465"\ntransportProtocol="smtp"\n'
                 'additionalJavaMailProperties="mail.smtps.timeout\\=5000"\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc == 0, run.output
    found = '\n'.join(run.result['findings'])
    assert '%s: SMTP port 465 expects implicit TLS' % (home / 'osgi' / 'configs' / (PID + '.config')) in found
    assert 'mail.smtps.timeout has no effect: the transport protocol is smtp' in found


@pytest.mark.parametrize('jndi, blacklist', [('jndiName', 'sendBlacklist'), ('mailSessionJndiName', 'mailSendBlacklist')])
def test_osgi_system_configuration_jndi_and_blacklist(home, tmp_path, jndi, blacklist):
    write_config(home, PID + '.config', 'outgoingSMTPServer="smtp.example.com"\n')
    write_config(home, SYSTEM_PID + '.config', '%s="mail/MailSession"\n%s=["ops@example.com","x@example.com"]\n'
                 % (jndi, blacklist))
    (home / 'portal-ext.properties').write_text('admin.email.from.address=ops@example.com\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), test_recipient='x@example.com'))
    assert run.rc == 0, run.output
    found = '\n'.join(run.result['findings'])
    assert 'sets %s=mail/MailSession: Liferay looks the mail session up in JNDI' % jndi in found
    assert 'the default sender ops@example.com (from portal-ext.properties) is on the send blacklist (%s in' % blacklist in found
    assert 'the test recipient x@example.com is on the send blacklist (%s in' % blacklist in found


def test_osgi_blacklist_matches_exactly_as_2025q4_does(home, tmp_path):
    """2025.Q4's MailMessageListener compares blacklist entries exactly (liferay-model.md §10.5): an entry that
    differs in case does not drop the mail, so it is no finding; the same address as written is one."""
    write_config(home, PID + '.config', 'outgoingSMTPServer="smtp.example.com"\n')
    write_config(home, SYSTEM_PID + '.config', 'sendBlacklist=["Ops@Example.com","x@example.com"]\n')
    (home / 'portal-ext.properties').write_text('admin.email.from.address=ops@example.com\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), test_recipient='x@example.com'))
    assert run.rc == 0, run.output
    found = '\n'.join(run.result['findings'])
    assert 'the default sender ops@example.com' not in found
    assert 'the test recipient x@example.com is on the send blacklist (sendBlacklist in' in found


@pytest.mark.parametrize('name', [SYSTEM_PID + '.config',
                                  'com.liferay.mail.outlook.auth.connector.provider.internal.configuration.'
                                  'MailOutlookAuthConnectorCompanyConfiguration.config'])
def test_a_config_file_liferay_would_not_read_whole_fails_with_a_message(home, tmp_path, name):
    """A system or connector .config that stops Liferay's reader part-way fails the module naming the file and line."""
    write_config(home, PID + '.config', 'outgoingSMTPServer="smtp.example.com"\n')
    write_config(home, name, 'clientId="a"\nthis is not a config line\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc != 0
    assert name in run.result['msg'] and 'Unable to parse config line' in run.result['msg'], run.result['msg']
    assert 'Traceback' not in run.output
