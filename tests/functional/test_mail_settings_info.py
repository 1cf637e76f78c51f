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


def test_env_values_are_shown_as_the_portal_reads_them(home, tmp_path):
    # What backend env_file writes for a user name with a comma and a backslash: escaped for both list splits.
    env_file = home / 'liferay.env'
    env_file.write_text('LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER=ops\\\\\\,team\\\\\\\\x\n')
    run = run_module(tmp_path, MODULE, dict(env_file=str(env_file)))
    assert run.rc == 0, run.output
    assert run.result['effective']['mail.session.mail.smtp.user'] == {'value': 'ops,team\\x', 'source': 'environment'}
    assert run.result['layers'][0]['settings'] == {'mail.session.mail.smtp.user': 'ops,team\\x'}


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


def test_api_state_file_is_the_company_preferences_layer(home, tmp_path):
    from playbook import run_playbook, write_playbook
    from sim_fixtures import ADMIN, SimProcess

    (tmp_path / 'portal').mkdir()
    sim = SimProcess(tmp_path / 'portal').start()
    try:
        (home / 'portal-ext.properties').write_text(
            'mail.session.mail=true\nmail.session.mail.smtp.host=ext.example.com\nmail.session.mail.smtp.port=25\n')
        state_file = str(tmp_path / 'api-state.json')
        api = dict(portal_url=sim.url, state_file=state_file)
        tasks = [
            {'liferay_ops.mail.mail_settings': dict(
                api, backend='api', api_user=ADMIN[0], api_password=ADMIN[1],
                smtp=dict(host='api.example.com', port=587, user='portal@example.com', password='Api-layer-pw'))},
            {MODULE: dict(api, liferay_home=str(home))},
            {MODULE: dict(api, liferay_home=str(home), company_web_id='other.example.com')},
        ]
        run = run_playbook(write_playbook(tmp_path, tasks, name='api-layer.yml'))
    finally:
        sim.stop()
    assert run.rc == 0, run.output
    _setup, info, other = run.task_results()
    effective = info['effective']
    assert effective['mail.session.mail.smtp.host'] == {'value': 'api.example.com', 'source': 'company preferences'}
    assert effective['mail.session.mail.smtp.password'] == {'value': '********', 'source': 'company preferences'}
    assert info['layers'][-1]['name'] == 'company preferences'
    assert info['layers'][-1]['location'] == state_file
    found = [finding for finding in info['findings'] if finding.startswith('the api backend stored')]
    assert len(found) == 1 and 'instance liferay.com' in found[0], info['findings']
    # mail.session.mail=true is in portal-ext.properties already: Liferay stores no company preference for it.
    assert effective['mail.session.mail'] == {'value': 'true', 'source': 'portal-ext.properties'}
    assert 'file values of mail.session.mail.smtp.host, mail.session.mail.smtp.port are ignored' in found[0], found
    # Another instance has no record: the files are all there is.
    assert other['effective']['mail.session.mail.smtp.host']['source'] == 'portal-ext.properties'
    assert not [finding for finding in other['findings'] if finding.startswith('the api backend stored')]
    assert 'Api-layer-pw' not in run.output


def test_relative_include_outside_liferay_home_is_reported_unread(home, tmp_path):
    """A relative include-and-override name is looked up from the portal's working directory, not beside the
    including file (docs/liferay-model.md §1.6): the module says it could not read it instead of guessing."""
    etc = tmp_path / 'etc'
    etc.mkdir()
    (home / 'portal-ext.properties').write_text('mail.session.mail=true\ninclude-and-override=%s/site.properties\n' % etc)
    (etc / 'site.properties').write_text('include-and-override=beside.properties\n')
    (etc / 'beside.properties').write_text('mail.session.mail.smtp.host=beside.example.com\n')
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc == 0, run.output
    assert run.result['effective']['mail.session.mail.smtp.host']['value'] == 'localhost'
    assert any(w.startswith('beside.properties was not read: a relative include-and-override path')
               for w in run.result['warnings']), run.result['warnings']
