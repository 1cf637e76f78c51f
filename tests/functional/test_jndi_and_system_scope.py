"""jndi_name on Liferay 7.4 (mail.session.jndi.name), run for real through ansible-playbook.

Liferay reads mail.session.jndi.name at start-up; MailServiceImpl.getSession then uses the application
server's session as it is while mail.session.mail is false, and writes the mail.session.mail.* values into
its Properties when it is true (docs/liferay-model.md §10.2). The 2025.Q4 system configuration
(MailSettingSystemConfiguration) is written with backend osgi_config and scope system (test_system_scope.py).
"""

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings'
INFO = 'liferay_ops.mail.mail_settings_info'


def test_jndi_alone_uses_the_application_server_session(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    path.write_text('# ours\nmail.session.mail=true\nmail.session.mail.smtp.host=old.example.com\n')
    args = dict(path=str(path), jndi_name='mail/MailSession')

    preview = run_module(tmp_path, MODULE, args, check=True, diff=True)
    assert preview.rc == 0 and preview.result['changed'], preview.output
    assert 'mail.session.jndi.name=mail/MailSession' in preview.result['diff']['after']
    assert 'mail.session.mail=false' in preview.result['diff']['after']
    assert 'mail.session.jndi.name' not in path.read_text()

    first = run_module(tmp_path, MODULE, args)
    assert first.rc == 0 and first.result['changed'] and first.result['restart_required'], first.output
    text = path.read_text()
    assert text.startswith('# ours\nmail.session.mail=false\nmail.session.mail.smtp.host=old.example.com\n')
    assert text.endswith('\nmail.session.jndi.name=mail/MailSession\n')
    second = run_module(tmp_path, MODULE, args)
    assert second.rc == 0 and not second.result['changed'], second.output

    info = run_module(tmp_path, INFO, dict(path=str(path)))
    found = '\n'.join(info.result['findings'])
    assert "sends through the application server's session mail/MailSession as it is" in found
    assert 'raw mail.session.* keys' not in found


def test_jndi_beside_smtp_is_refused_unless_both_are_intended(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    path.write_text('mail.session.mail.smtp.port=2525\n')
    args = dict(path=str(path), jndi_name='mail/MailSession', smtp=dict(host='smtp.example.com', port=587))
    refused = run_module(tmp_path, MODULE, args)
    assert refused.rc != 0
    assert refused.result['msg'].startswith('jndi_name: is given together with smtp/pop')
    assert 'override_jndi_session: true' in refused.result['msg']
    assert path.read_text() == 'mail.session.mail.smtp.port=2525\n'

    both = run_module(tmp_path, MODULE, dict(args, override_jndi_session=True))
    assert both.rc == 0 and both.result['changed'], both.output
    text = path.read_text()
    assert 'mail.session.mail=true\n' in text and 'mail.session.jndi.name=mail/MailSession\n' in text
    info = run_module(tmp_path, INFO, dict(path=str(path)))
    assert 'and mail.session.mail is true' in '\n'.join(info.result['findings'])


def test_jndi_in_an_env_file(tmp_path):
    env_file = tmp_path / 'liferay.env'
    args = dict(backend='env_file', env_file=str(env_file), jndi_name='java:comp/env/mail/MailSession')
    run = run_module(tmp_path, MODULE, args, diff=True)
    assert run.rc == 0 and run.result['changed'], run.output
    assert env_file.read_text() == ('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL=false\n'
                                    'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_JNDI_PERIOD_NAME=java:comp/env/mail/MailSession\n')
    assert 'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_JNDI_PERIOD_NAME=java:comp/env/mail/MailSession' in run.result['diff']['after']
    assert not run_module(tmp_path, MODULE, args).result['changed']
    info = run_module(tmp_path, INFO, dict(env_file=str(env_file)))
    assert info.result['effective']['mail.session.jndi.name'] == {'value': 'java:comp/env/mail/MailSession',
                                                                  'source': 'environment'}


def test_jndi_where_it_cannot_be_written(tmp_path):
    api = run_module(tmp_path, MODULE, dict(backend='api', portal_url='http://127.0.0.1:9', api_user='a@example.com',
                                            api_password='x', state_file=str(tmp_path / 'state.json'),
                                            jndi_name='mail/MailSession'))
    assert api.rc != 0 and api.result['msg'].startswith('jndi_name: mail.session.jndi.name is a portal property')
    configs = tmp_path / 'osgi' / 'configs'
    configs.mkdir(parents=True)
    # Per instance: MailSettingSystemConfiguration has system scope only (scope: system writes it, test_system_scope.py).
    osgi = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(tmp_path), liferay_version='2025.q4',
                                             company_id=20097, jndi_name='mail/MailSession'))
    assert osgi.rc != 0 and osgi.result['msg'].startswith('jndi_name: ') and 'scope: system' in osgi.result['msg']
    assert list(configs.iterdir()) == []
    bad = run_module(tmp_path, MODULE, dict(path=str(tmp_path / 'p.properties'), jndi_name='mail MailSession'))
    assert bad.rc != 0 and bad.result['msg'].startswith('jndi_name: is not a JNDI name')
    assert not (tmp_path / 'p.properties').exists()
