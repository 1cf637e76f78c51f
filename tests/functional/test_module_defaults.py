"""module_defaults groups (meta/runtime.yml action_groups), run for real through ansible-playbook.

group/liferay_ops.mail.liferay holds the portal connection for mail_settings and mail_settings_info;
group/liferay_ops.mail.mail holds the mail servers for mail_settings and mail_check.
"""

from playbook import run_playbook, write_playbook

ADMIN = {'api_user': 'test@liferay.com', 'api_password': 'test'}
SMTP_PASSWORD = 'Gr0up-defaults-s3cret'


def test_liferay_group_sets_the_connection_once(liferay_sim, tmp_path):
    sim = liferay_sim()
    state_file = str(tmp_path / 'state.json')
    connection = dict(ADMIN, portal_url=sim.url, company_web_id='liferay.com', state_file=state_file)
    tasks = [
        {'name': 'apply without repeating the connection', 'liferay_ops.mail.mail_settings': {
            'backend': 'api',
            'smtp': {'host': 'smtp.example.com', 'port': 587, 'security': 'starttls',
                     'user': 'portal@example.com', 'password': SMTP_PASSWORD}}},
        {'name': 'read back without repeating the connection', 'liferay_ops.mail.mail_settings_info': {}},
    ]
    playbook = write_playbook(tmp_path, tasks, module_defaults={'group/liferay_ops.mail.liferay': connection})
    run = run_playbook(playbook)
    assert run.rc == 0, run.output
    applied, info = run.task_results()
    assert applied['changed'] is True
    assert sim.preferences()['mail.session.mail.smtp.host'] == 'smtp.example.com'
    layer = [item for item in info['layers'] if item['name'] == 'company preferences']
    assert layer and layer[0]['settings']['mail.session.mail.smtp.host'] == 'smtp.example.com'
    assert SMTP_PASSWORD not in run.output


def test_mail_group_sets_the_servers_once(mail_stack, tmp_path):
    stack = mail_stack
    smtp = {'host': '127.0.0.1', 'port': stack['smtp']['submission'], 'security': 'starttls',
            'user': 'joe.bloggs', 'password': stack['users']['joe.bloggs']}
    path = tmp_path / 'portal-ext.properties'
    tasks = [
        {'name': 'check the server defined once', 'liferay_ops.mail.mail_check': {
            'ca_path': stack['ca'], 'checks': ['dns', 'tcp', 'greeting', 'tls', 'capabilities', 'login']}},
        {'name': 'write the same server', 'liferay_ops.mail.mail_settings': {'path': str(path)}},
    ]
    playbook = write_playbook(tmp_path, tasks, module_defaults={'group/liferay_ops.mail.mail': {'smtp': smtp}})
    run = run_playbook(playbook)
    assert run.rc == 0, run.output
    checked, applied = run.task_results()
    assert checked['ok'] is True and checked['changed'] is False
    assert applied['changed'] is True
    assert 'mail.session.mail.smtp.port=%d' % stack['smtp']['submission'] in path.read_text()
    assert stack['users']['joe.bloggs'] not in run.output


def test_a_group_default_the_module_does_not_take_fails_clearly(tmp_path):
    """A default that a module of the group does not take stops the play with Ansible's message naming it."""
    tasks = [{'name': 'info with a group default it does not know', 'liferay_ops.mail.mail_settings_info': {
        'path': str(tmp_path / 'missing.properties')}}]
    playbook = write_playbook(tmp_path, tasks, module_defaults={'group/liferay_ops.mail.liferay': {'backup': True}})
    run = run_playbook(playbook)
    assert run.rc != 0
    assert 'Unsupported parameters' in run.output and 'backup' in run.output
