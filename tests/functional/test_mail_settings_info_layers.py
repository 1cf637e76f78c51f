"""mail_settings_info run for real: the 2025.Q4 OSGi mail configuration and bare names in an env file."""

import os
import time

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings_info'
PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'


def test_osgi_files_and_which_one_wins(tmp_path):
    home = tmp_path / 'liferay'
    configs = home / 'osgi' / 'configs'
    configs.mkdir(parents=True)
    (configs / (PID + '.config')).write_text('outgoingSMTPServer="system.example.com"\nsmtpPassword="sys-secret"\n')
    older = configs / (PID + '.scoped~old.config')
    older.write_text('companyId=L"20097"\noutgoingSMTPServer="old.example.com"\n')
    newer = configs / (PID + '.scoped~liferay.com.config')
    newer.write_text('companyId=L"20097"\noutgoingSMTPServer="new.example.com"\nsmtpPassword="scoped-secret"\n')
    other = configs / (PID + '.scoped~other.config')
    other.write_text('companyWebId="other.example"\noutgoingSMTPPort="2525"\n')
    now = time.time()
    os.utime(str(older), (now - 60, now - 60))
    os.utime(str(other), (now - 30, now - 30))
    os.utime(str(newer), (now, now))
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc == 0, run.output
    files = {os.path.basename(entry['path']): entry for entry in run.result['osgi_configuration']}
    system = files[PID + '.config']
    assert system['scope'] == 'system' and system['wins'] is True
    assert system['settings'] == {'outgoingSMTPServer': 'system.example.com', 'smtpPassword': '********'}
    assert files[older.name]['wins'] is False and files[older.name]['superseded_by'] == str(newer)
    assert files[newer.name]['wins'] is True and files[newer.name]['company_id'] == 20097
    assert files[newer.name]['settings']['companyId'] == '20097'
    assert files[other.name]['web_id'] == 'other.example' and files[other.name]['wins'] is True
    assert [entry['path'] for entry in run.result['osgi_configuration']][0] == str(configs / (PID + '.config'))
    assert any(str(older) in finding and newer.name in finding for finding in run.result['findings'])
    assert any('2025.Q4' in finding for finding in run.result['findings'])
    assert 'sys-secret' not in run.output and 'scoped-secret' not in run.output


def test_no_osgi_files_no_osgi_findings(tmp_path):
    home = tmp_path / 'liferay'
    home.mkdir()
    (home / 'portal-ext.properties').write_text('mail.session.mail=true\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc == 0, run.output
    assert run.result['osgi_configuration'] == []
    assert not any('2025.Q4' in finding for finding in run.result['findings'])


def test_a_bare_name_in_the_env_file_passes_the_variable_through(tmp_path):
    env_file = tmp_path / 'liferay.env'
    env_file.write_text('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=env.example.com\n'
                        '  LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER\n')
    run = run_module(tmp_path, MODULE, dict(env_file=str(env_file)))
    assert run.rc == 0, run.output
    settings = run.result['layers'][0]['settings']
    assert settings['mail.session.mail.smtp.host'] == 'env.example.com'
    assert settings['mail.session.mail.smtp.user'] == '(from the environment of the container runtime)'
    assert any('mail.session.mail.smtp.user is a bare name' in finding for finding in run.result['findings'])
