"""mail_settings_info run for real: layers, precedence and the traps it flags."""

import pytest

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings_info'


@pytest.fixture
def home(tmp_path):
    path = tmp_path / 'liferay'
    path.mkdir()
    return path


def test_layers_precedence_and_masking(home, tmp_path):
    (home / 'portal-ext.properties').write_text(
        'mail.session.mail=true\n'
        'mail.session.mail.smtp.host=ext.example.com\n'
        'mail.session.mail.smtp.port=587\n'
        'mail.session.mail.smtp.password=ext-secret\n'
        'include-and-override=portal-mail.properties\n')
    (home / 'portal-mail.properties').write_text('mail.session.mail.smtp.user=included-user\nmail.session.mail.smtp.port=2525\n')
    (home / 'portal-setup-wizard.properties').write_text('mail.session.mail.smtp.host=wizard.example.com\n')
    env_file = home / 'liferay.env'
    env_file.write_text('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER=env-user\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), env_file=str(env_file)))
    assert run.rc == 0, run.output
    effective = run.result['effective']
    assert effective['mail.session.mail.smtp.host'] == {'value': 'wizard.example.com', 'source': 'portal-setup-wizard.properties'}
    assert effective['mail.session.mail.smtp.port'] == {'value': '2525', 'source': 'portal-mail.properties'}
    assert effective['mail.session.mail.smtp.user'] == {'value': 'env-user', 'source': 'environment'}
    assert effective['mail.session.mail.smtp.password']['value'] == '********'
    assert effective['mail.session.mail.pop3.host'] == {'value': 'localhost', 'source': 'portal.properties (default)'}
    assert [layer['name'] for layer in run.result['layers']] == [
        'portal-ext.properties', 'portal-mail.properties', 'portal-setup-wizard.properties', 'environment']
    assert run.result['raw_mode'] is False
    assert 'ext-secret' not in run.output
    assert run.result['changed'] is False


def test_traps_are_flagged(home, tmp_path):
    (home / 'portal-ext.properties').write_text(
        'mail.session.mail.smtp.host=smtp.gmail.com\n'
        'mail.session.mail.smtp.port=110\n'
        'mail.session.mail.pop3.port=465\n'
        'mail.session.mail.smtp.user=a${b}\n'
        'mail.session.mail.smtp.host=smtp.gmail.com\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), control_panel_used=True))
    assert run.rc == 0, run.output
    findings = '\n'.join(run.result['findings'])
    assert run.result['raw_mode'] is True
    assert 'mail.session.mail is false' in findings
    assert 'defined more than once' in findings
    assert "contains '${'" in findings
    assert findings.count('look swapped') == 2
    assert 'override portal-ext.properties' in findings
    assert 'look swapped' in run.output  # also shown to the user as warnings


def test_missing_env_file_fails_clearly(home, tmp_path):
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), env_file=str(home / 'missing.env')))
    assert run.rc != 0
    assert 'env_file' in run.result['msg']


def test_check_mode_is_supported(home, tmp_path):
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)), check=True)
    assert run.rc == 0, run.output
    assert run.result['layers'] == []
