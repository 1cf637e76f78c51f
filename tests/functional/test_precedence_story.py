"""Which layer a Liferay 7.4 portal takes its mail session from, told end to end (docs/liferay-model.md §3, §5).

portal-ext.properties works until someone saves the Control Panel form; from then on the stored
system preferences win and file changes are ignored, mail_settings_info says so, and the api backend
(company preferences) wins over both.
"""

from playbook import run_playbook, write_playbook
from sim_fixtures import ADMIN

SETTINGS = 'liferay_ops.mail.mail_settings'
INFO = 'liferay_ops.mail.mail_settings_info'
SMTP_PASSWORD = 'Story-Sm7p-pw'
API_SMTP_PASSWORD = 'Story-api-Sm7p-pw'


def smtp(host, port=587):
    return dict(host=host, port=port, security='starttls', user='portal@example.com', password=SMTP_PASSWORD)


def run_tasks(tmp_path, name, tasks):
    run = run_playbook(write_playbook(tmp_path, tasks, name=name))
    assert run.rc == 0, run.output
    assert SMTP_PASSWORD not in run.output and API_SMTP_PASSWORD not in run.output
    return run.task_results()


def smtp_of(session):
    return session['properties']['mail.smtp.host'], session['sources']['mail.smtp.host']


def test_properties_then_control_panel_then_api(liferay_sim, tmp_path):
    sim = liferay_sim()
    portal_ext = str(sim.home / 'portal-ext.properties')
    state_file = str(tmp_path / 'api-state.json')

    # 1. portal-ext.properties, read at start-up.
    [applied] = run_tasks(tmp_path, 'ext.yml', [
        {SETTINGS: dict(backend='properties', path=portal_ext, smtp=smtp('ext.example.com'))}])
    assert applied['changed'] is True and applied['restart_required'] is True
    assert smtp_of(sim.session()) == ('localhost', 'default')  # not read before a restart
    sim.restart()
    assert smtp_of(sim.session()) == ('ext.example.com', 'portal-ext.properties')

    # 2. A Control Panel save stores system preferences and clears the session: they win at once...
    sim.control_panel(dict(smtpHost='control-panel.example.com', smtpPort='2525', smtpUser='cp@example.com',
                           smtpPassword='Cp-form-pw', smtpStartTLSEnable='true', pop3Host='pop.example.com',
                           pop3Port='110'), auth=ADMIN)
    assert smtp_of(sim.session()) == ('control-panel.example.com', 'system-preferences')

    # ...and later portal-ext.properties changes are ignored, even after a restart; info warns.
    changed_ext, info = run_tasks(tmp_path, 'ext-again.yml', [
        {SETTINGS: dict(backend='properties', path=portal_ext, smtp=smtp('ext-again.example.com'))},
        {INFO: dict(liferay_home=str(sim.home), control_panel_used=True)}])
    assert changed_ext['changed'] is True
    sim.restart()
    assert smtp_of(sim.session()) == ('control-panel.example.com', 'system-preferences')
    assert info['effective']['mail.session.mail.smtp.host']['source'] == 'portal-ext.properties'
    assert any('override portal-ext.properties' in finding for finding in info['findings']), info['findings']
    assert any('override portal-ext.properties' in warning for warning in info['warnings'])

    # 3. The api backend writes company preferences: after the restart they beat both.
    api = dict(backend='api', portal_url=sim.url, api_user=ADMIN[0], api_password=ADMIN[1], state_file=state_file)
    api_smtp = dict(smtp('api.example.com', port=465), password=API_SMTP_PASSWORD)
    api_args = dict(api, smtp=api_smtp, pop=dict(host='pop.api.example.com', port=995,
                                                 security='ssl'))
    info_args = dict(liferay_home=str(sim.home), portal_url=sim.url, state_file=state_file, control_panel_used=True)
    api_applied, info = run_tasks(tmp_path, 'api.yml', [{SETTINGS: api_args}, {INFO: info_args}])
    assert api_applied['changed'] is True and api_applied['restart_required'] is True
    assert smtp_of(sim.session()) == ('control-panel.example.com', 'system-preferences')  # cached session
    sim.restart()
    session = sim.session()
    assert smtp_of(session) == ('api.example.com', 'company-preferences')
    assert session['properties']['mail.smtp.port'] == '465'
    assert session['sources']['mail.pop3s.host'] == 'company-preferences'
    # update-preferences removes a company key whose value equals the portal property (docs/liferay-model.md
    # §5): the SMTP user is the same in portal-ext.properties, so the Control Panel's system preference wins for it.
    assert sim.preferences(secrets=True)['mail.session.mail.smtp.password'] == API_SMTP_PASSWORD
    assert 'mail.session.mail.smtp.user' not in sim.preferences()
    assert (session['properties']['mail.smtp.user'], session['sources']['mail.smtp.user']) == \
        ('cp@example.com', 'system-preferences')
    assert sim.preferences(company_id=0)['mail.session.mail.smtp.host'] == 'control-panel.example.com'

    # mail_settings_info tells the same story from the api state file.
    effective = info['effective']
    assert effective['mail.session.mail.smtp.host'] == {'value': 'api.example.com', 'source': 'company preferences'}
    assert effective['mail.session.mail.smtp.password'] == {'value': '********', 'source': 'company preferences'}
    assert [layer['name'] for layer in info['layers']][-1] == 'company preferences'
    api_findings = [finding for finding in info['findings'] if finding.startswith('the api backend stored')]
    assert len(api_findings) == 1
    ignored = api_findings[0].split('the file values of ', 1)[1].split(' are ignored')[0].split(', ')
    assert {'mail.session.mail.smtp.host', 'mail.session.mail.smtp.password'} <= set(ignored), api_findings
    assert 'mail.session.mail.smtp.user' not in ignored
    assert effective['mail.session.mail.smtp.user'] == {'value': 'portal@example.com', 'source': 'portal-ext.properties'}
    not_stored = [finding for finding in info['findings'] if finding.startswith('the api backend sent ')]
    assert len(not_stored) == 1 and 'system preferences' in not_stored[0], info['findings']
    assert 'mail.session.mail.smtp.user' in not_stored[0].split(' with the values')[0].split(', ')
