"""The properties backend of mail_settings, run for real through ansible-playbook."""

import concurrent.futures
import hashlib
import os
import stat

import javaproperties
import pytest

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings'
SMTP_PASSWORD = 'Sm7p-s3cret'
POP_PASSWORD = 'P0p-s3cret'

EXISTING = (
    '# Liferay home configuration\r\n'
    'jdbc.default.driverClassName=org.postgresql.Driver\r\n'
    'jdbc.default.url=jdbc:postgresql://db:5432/lportal\r\n'
    'jdbc.default.password=db-secret\r\n'
    '\r\n'
    '! cluster\r\n'
    'cluster.link.enabled = true\r\n'
    'mail.session.mail.smtp.host=old.example.com\r\n'
    'web.server.display.node: true\r\n'
    'long.value=a,\\\r\n'
    '    b,\\\r\n'
    '    c\r\n'
)


def settings(**overrides):
    args = {
        'smtp': {'host': 'smtp.example.com', 'port': 587, 'security': 'starttls',
                 'user': 'portal@example.com', 'password': SMTP_PASSWORD},
        'pop': {'host': 'pop.example.com', 'port': 995, 'security': 'ssl',
                'user': 'portal@example.com', 'password': POP_PASSWORD},
        'javamail_properties': {'mail.smtp.connectiontimeout': 10000},
    }
    args.update(overrides)
    return args


def parse(path):
    with open(path, encoding='utf-8') as handle:
        return javaproperties.loads(handle.read())


def checksum(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def home(tmp_path):
    path = tmp_path / 'liferay'
    path.mkdir()
    return path


def test_creates_new_file_with_control_panel_key_set(home, tmp_path):
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), **settings()))
    assert run.rc == 0, run.output
    result = run.result
    assert result['changed'] is True
    assert result['restart_required'] is True
    path = home / 'portal-ext.properties'
    assert result['path'] == str(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    values = parse(path)
    assert values['mail.session.mail'] == 'true'
    assert values['mail.session.mail.smtp.host'] == 'smtp.example.com'
    assert values['mail.session.mail.smtp.port'] == '587'
    assert values['mail.session.mail.smtp.starttls.enable'] == 'true'
    assert values['mail.session.mail.transport.protocol'] == 'smtp'
    assert values['mail.session.mail.smtp.password'] == SMTP_PASSWORD
    assert values['mail.session.mail.store.protocol'] == 'pop3s'
    assert values['mail.session.mail.pop3.port'] == '995'
    assert values['pop.server.notifications.enabled'] == 'false'
    assert values['mail.session.mail.advanced.properties'] == 'mail.smtp.connectiontimeout=10000'
    assert result['settings']['mail.session.mail.smtp.password'] == '********'
    assert SMTP_PASSWORD not in run.output and POP_PASSWORD not in run.output


def test_edit_keeps_unrelated_lines_and_is_idempotent(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    first = run_module(tmp_path, MODULE, dict(path=str(path), **settings()))
    assert first.rc == 0, first.output
    assert first.result['changed'] is True
    text = path.read_bytes().decode('utf-8')
    for line in EXISTING.split('\r\n'):
        if not line.startswith('mail.session.mail.smtp.host'):
            assert line in text
    assert '\n' not in text.replace('\r\n', '')  # CRLF kept for every line
    assert text.count('mail.session.mail.smtp.host') == 1
    assert parse(path)['mail.session.mail.smtp.host'] == 'smtp.example.com'
    second = run_module(tmp_path, MODULE, dict(path=str(path), **settings()))
    assert second.rc == 0, second.output
    assert second.result['changed'] is False
    assert second.result['restart_required'] is False


def test_check_mode_writes_nothing_and_diff_is_masked(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    before = checksum(path)
    run = run_module(tmp_path, MODULE, dict(path=str(path), **settings()), check=True, diff=True, verbosity=4)
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert checksum(path) == before
    diff = run.result['diff'][0] if isinstance(run.result['diff'], list) else run.result['diff']
    assert 'mail.session.mail.smtp.host=old.example.com' in diff['before']
    assert 'mail.session.mail.smtp.host=smtp.example.com' in diff['after']
    assert 'mail.session.mail.smtp.password=********' in diff['after']
    assert SMTP_PASSWORD not in run.output and POP_PASSWORD not in run.output
    assert 'db-secret' not in str(run.result)


def test_password_with_escaped_characters_never_leaks(home, tmp_path):
    secret = 'p,a\\ss=w:o#rd!${x} \u00e9'
    escaped_forms = [secret, secret.replace('\\', '\\\\'), secret.replace(',', '\\,'), 'p\\,a', 'a\\\\\\\\ss']
    args = settings(smtp={'host': 'smtp.example.com', 'user': 'u', 'password': secret})
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home), **args), diff=True, verbosity=4)
    assert run.rc == 0, run.output
    for form in escaped_forms:
        assert form not in run.output
    assert run.result['settings']['mail.session.mail.smtp.password'] == '********'
    again = run_module(tmp_path, MODULE, dict(liferay_home=str(home), **args))
    assert again.result['changed'] is False, 'a value with , \\ and ${ must compare equal once written'


def test_state_absent_removes_only_managed_keys(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    assert run_module(tmp_path, MODULE, dict(path=str(path), **settings())).rc == 0
    run = run_module(tmp_path, MODULE, dict(path=str(path), state='absent'))
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    values = parse(path)
    assert not [key for key in values if key.startswith('mail.session.mail') or key.startswith('pop.server')]
    for key in ('jdbc.default.url', 'jdbc.default.password', 'cluster.link.enabled', 'web.server.display.node', 'long.value'):
        assert key in values
    again = run_module(tmp_path, MODULE, dict(path=str(path), state='absent'))
    assert again.result['changed'] is False


def test_duplicate_managed_keys_are_collapsed(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_text('mail.session.mail.smtp.host=smtp.example.com\nfoo=bar\nmail.session.mail.smtp.host=smtp.example.com\n')
    run = run_module(tmp_path, MODULE, dict(path=str(path), **settings()))
    assert run.result['changed'] is True
    assert path.read_text().count('mail.session.mail.smtp.host') == 1
    assert 'foo=bar\n' in path.read_text()


def test_update_password_on_create_keeps_existing_password(home, tmp_path):
    path = home / 'portal-ext.properties'
    assert run_module(tmp_path, MODULE, dict(path=str(path), **settings())).rc == 0
    rotated = settings(smtp={'host': 'smtp.example.com', 'user': 'portal@example.com', 'password': 'rotated-by-hand'})
    run = run_module(tmp_path, MODULE, dict(path=str(path), update_password='on_create', **rotated))
    assert run.result['changed'] is False
    assert parse(path)['mail.session.mail.smtp.password'] == SMTP_PASSWORD
    run = run_module(tmp_path, MODULE, dict(path=str(path), update_password='always', **rotated))
    assert run.result['changed'] is True
    assert parse(path)['mail.session.mail.smtp.password'] == 'rotated-by-hand'


def test_symlink_is_edited_at_its_target(home, tmp_path):
    config = tmp_path / 'config'
    config.mkdir()
    target = config / 'portal-ext.properties'
    target.write_text('foo=bar\n')
    link = home / 'portal-ext.properties'
    link.symlink_to(target)
    run = run_module(tmp_path, MODULE, dict(path=str(link), **settings()))
    assert run.rc == 0, run.output
    assert os.path.islink(link)
    assert run.result['path'] == str(target)
    assert parse(target)['mail.session.mail.smtp.host'] == 'smtp.example.com'


def test_backup_keeps_mode_and_old_content(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    os.chmod(path, 0o640)
    run = run_module(tmp_path, MODULE, dict(path=str(path), backup=True, **settings()))
    assert run.rc == 0, run.output
    backup = run.result['backup_file']
    assert open(backup, 'rb').read() == EXISTING.encode('utf-8')
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_mode_option_is_applied(home, tmp_path):
    path = home / 'portal-ext.properties'
    run = run_module(tmp_path, MODULE, dict(path=str(path), mode='0640', **settings()))
    assert run.rc == 0, run.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    again = run_module(tmp_path, MODULE, dict(path=str(path), mode='0640', **settings()))
    assert again.result['changed'] is False


BAD_INPUTS = [
    ('port 0', {'smtp': {'host': 'smtp.example.com', 'port': 0}}, 'smtp.port'),
    ('port too big', {'smtp': {'host': 'smtp.example.com', 'port': 70000}}, 'smtp.port'),
    ('pop port negative', {'pop': {'host': 'pop.example.com', 'port': -1}}, 'pop.port'),
    ('host with space', {'smtp': {'host': 'smtp example.com'}}, 'smtp.host'),
    ('host with newline', {'smtp': {'host': 'smtp.example.com\nmail.session.mail.smtp.port=1'}}, 'smtp.host'),
    ('host with scheme', {'smtp': {'host': 'smtp://smtp.example.com'}}, 'smtp.host'),
    ('empty host', {'smtp': {'host': ''}}, 'smtp.host'),
    ('unknown security', {'smtp': {'host': 'smtp.example.com', 'security': 'tls'}}, 'security'),
    ('pop starttls', {'pop': {'host': 'pop.example.com', 'security': 'starttls'}}, 'security'),
    ('user without password', {'smtp': {'host': 'smtp.example.com', 'user': 'joe'}}, 'user'),
    ('password with newline', {'smtp': {'host': 'h.example.com', 'user': 'u', 'password': 'pw\nmail.x=1'}}, 'smtp.password'),
    ('user with newline', {'smtp': {'host': 'h.example.com', 'user': 'u\rx', 'password': 'pw'}}, 'smtp.user'),
    ('javamail key with newline', {'javamail_properties': {'mail.smtp.x\nmail.y': 1}}, 'javamail_properties'),
    ('javamail value with newline', {'javamail_properties': {'mail.smtp.x': 'a\nmail.y=2'}}, 'javamail_properties'),
    ('port not a number', {'smtp': {'host': 'smtp.example.com', 'port': 'abc'}}, 'port'),
]


@pytest.mark.parametrize('label,override,option', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_fails_clearly_and_changes_nothing(home, tmp_path, label, override, option):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    before = checksum(path)
    args = settings(**{key: value for key, value in override.items() if key == 'javamail_properties'})
    for server in ('smtp', 'pop'):
        if server in override:
            args[server] = override[server]
    run = run_module(tmp_path, MODULE, dict(path=str(path), **args))
    assert run.rc != 0
    assert run.result['_status'] == 'failed'
    assert option in run.result['msg'], run.result['msg']
    assert checksum(path) == before


def test_missing_parent_directory_fails_clearly(tmp_path):
    run = run_module(tmp_path, MODULE, dict(path=str(tmp_path / 'nope' / 'portal-ext.properties'), **settings()))
    assert run.rc != 0
    assert 'does not exist' in run.result['msg']
    assert not (tmp_path / 'nope').exists()


def test_directory_instead_of_file_fails_clearly(home, tmp_path):
    run = run_module(tmp_path, MODULE, dict(path=str(home), **settings()))
    assert run.rc != 0
    assert 'is a directory' in run.result['msg']


def test_non_utf8_file_fails_and_is_untouched(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(b'company.default.name=Caf\xe9\n')
    before = checksum(path)
    run = run_module(tmp_path, MODULE, dict(path=str(path), **settings()))
    assert run.rc != 0
    assert 'UTF-8' in run.result['msg']
    assert checksum(path) == before


def test_missing_smtp_when_present_fails(home, tmp_path):
    run = run_module(tmp_path, MODULE, dict(liferay_home=str(home)))
    assert run.rc != 0
    assert 'smtp' in run.result['msg']


def test_concurrent_runs_lose_nothing(home, tmp_path):
    path = home / 'portal-ext.properties'
    path.write_bytes(EXISTING.encode('utf-8'))
    hosts = ['smtp%d.example.com' % index for index in range(6)]

    def apply(host):
        workdir = tmp_path / host
        workdir.mkdir()
        args = settings(smtp={'host': host, 'user': 'u', 'password': SMTP_PASSWORD})
        return run_module(workdir, MODULE, dict(path=str(path), **args))

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        runs = list(pool.map(apply, hosts))
    assert all(run.rc == 0 for run in runs), [run.output for run in runs if run.rc]
    text = path.read_text(encoding='utf-8')
    assert text.count('mail.session.mail.smtp.host') == 1
    assert parse(path)['mail.session.mail.smtp.host'] in hosts
    for line in EXISTING.split('\r\n'):
        if line and not line.startswith('mail.session.mail.smtp.host'):
            assert line in text
    assert not [name for name in os.listdir(home) if name.endswith('.tmp')]
