"""backend: client_extension - the mail settings as an instanceSettings entry of a workspace's client-extension.yaml.

Real playbooks run the module against real files; PyYAML (YAML 1.1, as SnakeYAML in Liferay's
workspace) judges what was written, and the entry is turned into the configuration the workspace
deploys (``<pid>.scoped~<id>``, the entry's keys without ``pid``) the way its ClientExtension class does.
"""

import os
import stat

import yaml

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings'
PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SMTP_PASSWORD = 'Cx-S3cret: "#quoted\\'
WORKSPACE_FILE = (
    'assemble:\n'
    '    -   fromTask: bootJar\n'
    '# the OAuth profile\n'
    'acme-etc-spring-boot-oaua:\n'
    '    .serviceAddress: localhost:58081\n'
    '    name: Acme OAuth Application User Agent\n'
    '    scopes:\n'
    '        -   Liferay.Headless.Admin.User.everything\n'
    '    type: oAuthApplicationUserAgent\n'
)


def settings(path, **overrides):
    args = dict(
        backend='client_extension',
        client_extension_file=str(path),
        client_extension_id='acme-mail-instance-settings',
        # A relay that authorises the portal by its address: no user, so no password to keep out of Git.
        smtp=dict(host='smtp-relay.example.com', port=587, security='starttls'),
        pop=dict(host='pop.example.com', port=995, security='ssl'),
    )
    args.update(overrides)
    return args


def deployed_configuration(path, entry_id='acme-mail-instance-settings'):
    """What the workspace deploys for the entry: its PID and the attributes (the keys besides type and pid)."""
    with open(str(path)) as handle:
        entry = dict(yaml.safe_load(handle)[entry_id])
    assert entry.pop('type') == 'instanceSettings'
    return '%s.scoped~%s' % (entry.pop('pid'), entry_id), entry


def test_first_run_second_run_and_every_other_entry_kept(tmp_path):
    directory = tmp_path / 'client-extensions' / 'acme-mail-instance-settings'
    directory.mkdir(parents=True)
    path = directory / 'client-extension.yaml'
    path.write_text(WORKSPACE_FILE)
    first = run_module(tmp_path, MODULE, settings(directory), diff=True)  # the directory stands for the file
    assert first.rc == 0, first.output
    result = first.result
    assert result['changed'] and result['deploy_required'] and not result['restart_required']
    assert result['path'] == str(path) and result['client_extension_id'] == 'acme-mail-instance-settings'
    text = path.read_text()
    assert text.startswith(WORKSPACE_FILE)
    pid, attributes = deployed_configuration(path)
    assert pid == PID + '.scoped~acme-mail-instance-settings'
    assert attributes == {
        'outgoingSMTPServer': 'smtp-relay.example.com', 'outgoingSMTPPort': '587', 'smtpUserName': '',
        'smtpPassword': '', 'enableStartTLS': True, 'transportProtocol': 'smtp',
        'incomingPOPServer': 'pop.example.com', 'incomingPOPPort': '995', 'popUserName': '', 'popPassword': '',
        'storeProtocol': 'pop3s', 'enablePOPServerNotifications': False, 'additionalJavaMailProperties': '',
    }
    second = run_module(tmp_path, MODULE, settings(directory))
    assert second.rc == 0 and not second.result['changed'] and not second.result['deploy_required'], second.output
    assert path.read_text() == text

    # Leaving POP out removes its attributes; the other entries still load as they did.
    third = run_module(tmp_path, MODULE, settings(path, pop=None))
    assert third.rc == 0 and third.result['changed'], third.output
    _pid, attributes = deployed_configuration(path)
    assert 'incomingPOPServer' not in attributes and attributes['enablePOPServerNotifications'] is False
    loaded = yaml.safe_load(path.read_text())
    del loaded['acme-mail-instance-settings']
    assert loaded == yaml.safe_load(WORKSPACE_FILE)


def test_a_new_file_is_created_with_mode_0600_and_backup_keeps_the_old_one(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    first = run_module(tmp_path, MODULE, settings(path))
    assert first.rc == 0 and first.result['changed'], first.output
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    old = path.read_bytes()
    changed = run_module(tmp_path, MODULE, settings(path, backup=True, smtp=dict(host='smtp2.example.com')))
    assert changed.rc == 0 and changed.result['changed'], changed.output
    with open(changed.result['backup_file'], 'rb') as handle:
        assert handle.read() == old


def test_a_password_is_refused_by_default_naming_the_option(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    path.write_text(WORKSPACE_FILE)
    args = settings(path, pop=None, smtp=dict(host='smtp.example.com', user='portal', password=SMTP_PASSWORD))
    refused = run_module(tmp_path, MODULE, args, verbosity=4)
    assert refused.rc != 0
    assert 'client_extension_secrets' in refused.result['msg'] and 'smtp.password' in refused.result['msg']
    assert refused.result.get('option') == 'client_extension_secrets'
    assert path.read_text() == WORKSPACE_FILE
    assert 'Cx-S3cret' not in refused.output

    # Password lines of javamail_properties are passwords too.
    sneaky = run_module(tmp_path, MODULE, settings(path, javamail_properties={'mail.smtp.password': 'Cx-S3cret'}))
    assert sneaky.rc != 0 and 'client_extension_secrets' in sneaky.result['msg']
    assert path.read_text() == WORKSPACE_FILE


def test_a_secret_reference_is_written_without_inline(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    reference = '${secretRef:default:config/%s/20097/smtpPassword}' % PID
    args = settings(path, pop=None, smtp=dict(host='smtp.example.com', user='portal', password=reference))
    written = run_module(tmp_path, MODULE, args)
    assert written.rc == 0 and written.result['changed'], written.output
    assert deployed_configuration(path)[1]['smtpPassword'] == reference
    assert not run_module(tmp_path, MODULE, args).result['changed']


def test_inline_secrets_check_diff_is_masked_and_writes_nothing(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    path.write_text(WORKSPACE_FILE)
    args = settings(path, client_extension_secrets='inline', pop=None,
                    smtp=dict(host='smtp.example.com', user='portal', password=SMTP_PASSWORD))
    check = run_module(tmp_path, MODULE, args, check=True, diff=True, verbosity=4)
    assert check.rc == 0 and check.result['changed'], check.output
    assert '********' in check.result['diff']['after'] and 'smtp.example.com' in check.result['diff']['after']
    assert 'Cx-S3cret' not in check.output
    assert path.read_text() == WORKSPACE_FILE

    applied = run_module(tmp_path, MODULE, args, diff=True, verbosity=4)
    assert applied.rc == 0 and applied.result['changed'], applied.output
    assert 'Cx-S3cret' not in applied.output
    assert any('plain text' in warning for warning in applied.result.get('warnings', []))
    _pid, attributes = deployed_configuration(path)
    assert attributes['smtpPassword'] == SMTP_PASSWORD

    # update_password on_create keeps the stored password and needs no password (nor inline) to do so.
    kept = run_module(tmp_path, MODULE, settings(path, update_password='on_create', pop=None,
                                                 smtp=dict(host='smtp.example.com', user='portal')))
    assert kept.rc == 0 and not kept.result['changed'], kept.output


def test_absent_removes_the_entry_and_stays_absent(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    path.write_text(WORKSPACE_FILE)
    assert run_module(tmp_path, MODULE, settings(path)).rc == 0
    check = run_module(tmp_path, MODULE, settings(path, state='absent'), check=True, diff=True)
    assert check.rc == 0 and check.result['changed'] and path.read_text() != WORKSPACE_FILE
    gone = run_module(tmp_path, MODULE, settings(path, state='absent'))
    assert gone.rc == 0 and gone.result['changed'], gone.output
    assert path.read_text() == WORKSPACE_FILE
    again = run_module(tmp_path, MODULE, settings(path, state='absent'))
    assert again.rc == 0 and not again.result['changed']

    # A file that held nothing but the entry is removed with it.
    alone = tmp_path / 'alone.yaml'
    assert run_module(tmp_path, MODULE, settings(alone)).rc == 0
    assert run_module(tmp_path, MODULE, settings(alone, state='absent')).result['changed']
    assert not alone.exists()


def test_bad_input_names_the_option_and_changes_nothing(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    path.write_text(WORKSPACE_FILE)
    cases = (
        (dict(client_extension_id='Acme Mail'), 'client_extension_id'),
        (dict(client_extension_id='acme-etc-spring-boot-oaua'), 'client_extension_id'),  # an OAuth profile
        (dict(company_id=20097), 'company_id'),
        (dict(liferay_version='7.4'), 'liferay_version'),
        (dict(sender=dict(address='portal@example.com')), 'sender'),
        (dict(client_extension_file=str(tmp_path / 'missing' / 'client-extension.yaml')), 'client_extension_file'),
    )
    for overrides, option in cases:
        failed = run_module(tmp_path, MODULE, settings(path, **overrides))
        assert failed.rc != 0, overrides
        assert failed.result['msg'].startswith(option + ':'), failed.result['msg']
        assert path.read_text() == WORKSPACE_FILE
    missing = run_module(tmp_path, MODULE, dict(backend='client_extension', smtp=dict(host='smtp.example.com')))
    assert missing.rc != 0 and 'client_extension_file' in missing.result['msg']


def test_a_file_it_cannot_edit_safely_is_refused_with_the_line(tmp_path):
    path = tmp_path / 'client-extension.yaml'
    flow = WORKSPACE_FILE + 'acme-mail-instance-settings: {type: instanceSettings}\n'
    path.write_text(flow)
    refused = run_module(tmp_path, MODULE, settings(path))
    assert refused.rc != 0
    assert refused.result['msg'].startswith('client_extension_file:') and 'line 10' in refused.result['msg']
    assert path.read_text() == flow
