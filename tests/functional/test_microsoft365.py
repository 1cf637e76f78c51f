"""The microsoft365 option, run for real: the connector's .config written by mail_settings, the XOAUTH2 login of
mail_check against the mail stack's token endpoint and XOAUTH2 submission port, and the credential guard of
update_password on_create."""

import json
import os
import smtplib
import ssl
import stat

import pytest

from playbook import run_module
from liferay_sim import felix  # an independent .config reader (the simulator's)

SETTINGS = 'liferay_ops.mail.mail_settings'
CHECK = 'liferay_ops.mail.mail_check'
PID = 'com.liferay.mail.outlook.auth.connector.provider.internal.configuration.MailOutlookAuthConnectorCompanyConfiguration'
SECRET = 'Cl1ent~S3cret.value-for-tests'
OTHER_SECRET = 'An0ther~S3cret.value'
SMTP_PASSWORD = 'Smtp-Pa55word!'
MAILBOX = 'portal@contoso.example'
TOKEN_PREFIX = 'eyJ0eXAiOiJKV1QifQ.'  # every token the stack's endpoint issues starts so

pytestmark = pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS:UserWarning')


def home(tmp_path):
    path = tmp_path / 'liferay'
    (path / 'osgi' / 'configs').mkdir(parents=True, exist_ok=True)
    return path


def connector(secret=SECRET, **extra):
    value = dict(client_id='0f1e2d3c-client', client_secret=secret, tenant_id='contoso.onmicrosoft.com')
    value.update(extra)
    return value


def office365_args(tmp_path, **extra):
    args = dict(liferay_home=str(home(tmp_path)), smtp=dict(host='smtp.office365.com', port=587, user=MAILBOX),
                microsoft365=connector())
    args.update(extra)
    return args


def config_files(tmp_path):
    return sorted(p.name for p in (home(tmp_path) / 'osgi' / 'configs').iterdir())


def read_config(path):
    return felix.parse_config(path.read_text(encoding='utf-8'))


def test_connector_config_written_once_secret_masked_at_vvvv(tmp_path):
    args = office365_args(tmp_path, company_id=20097)
    first = run_module(tmp_path, SETTINGS, args, diff=True, verbosity=4)
    assert first.rc == 0, first.output
    result = first.result
    assert result['changed'] is True
    path = home(tmp_path) / 'osgi' / 'configs' / (PID + '.scoped~20097.config')
    assert config_files(tmp_path) == [path.name]
    assert result['microsoft365']['path'] == str(path) and result['microsoft365']['scope'] == 'instance'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    # Read back by the simulator's own reader, typed as Liferay's metatype declares the attributes.
    assert read_config(path) == {'companyId': 20097, 'clientId': '0f1e2d3c-client', 'clientSecret': SECRET,
                                 'tenantId': 'contoso.onmicrosoft.com', 'pop3ConnectionEnabled': False,
                                 'smtpConnectionEnabled': True}
    assert 'smtpConnectionEnabled=B"true"' in path.read_text()
    assert result['microsoft365']['settings']['clientSecret'] == '********'
    assert any('clientSecret=********' in diff['after'] for diff in result['diff'])
    # The session needs no SMTP password: the connector's token is the credential.
    assert result['settings']['mail.session.mail.smtp.password'] == ''
    assert SECRET not in first.output

    second = run_module(tmp_path, SETTINGS, args, diff=True, verbosity=4)
    assert second.rc == 0, second.output
    assert second.result['changed'] is False and second.result['microsoft365']['changed'] is False
    assert second.stats()['localhost']['changed'] == 0
    assert SECRET not in second.output

    removed = run_module(tmp_path, SETTINGS, dict(args, state='absent'), verbosity=4)
    assert removed.rc == 0, removed.output
    assert removed.result['changed'] is True and config_files(tmp_path) == []
    assert SECRET not in removed.output


def test_without_an_instance_the_system_wide_file_and_backup(tmp_path):
    args = office365_args(tmp_path, backup=True)
    assert run_module(tmp_path, SETTINGS, args).rc == 0
    path = home(tmp_path) / 'osgi' / 'configs' / (PID + '.config')
    assert config_files(tmp_path) == [path.name]
    assert 'companyId' not in read_config(path)
    changed = run_module(tmp_path, SETTINGS, dict(args, microsoft365=connector(smtp=True, pop=False, secret=OTHER_SECRET)))
    assert changed.rc == 0, changed.output
    backup = changed.result['microsoft365']['backup_file']
    assert SECRET in open(backup, encoding='utf-8').read()
    assert read_config(path)['clientSecret'] == OTHER_SECRET
    # A backup must not end in .config: Liferay would read it as a configuration.
    assert not backup.endswith('.config')


def test_env_file_backend_writes_the_connector_beside(tmp_path):
    env_file = tmp_path / 'liferay.env'
    args = office365_args(tmp_path, backend='env_file', env_file=str(env_file), company_id=20097)
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc == 0, run.output
    assert config_files(tmp_path) == [PID + '.scoped~20097.config']
    assert 'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=smtp.office365.com' in env_file.read_text()


def test_api_backend_refuses_and_says_what_to_do(tmp_path):
    args = dict(backend='api', portal_url='http://127.0.0.1:9', api_user='admin@example.com', api_password='x',
                smtp=dict(host='smtp.office365.com', port=587, user=MAILBOX), microsoft365=connector())
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc != 0
    msg = run.result['msg']
    assert msg.startswith('microsoft365: backend api cannot configure the Microsoft 365 connector')
    assert 'backend properties' in msg and 'osgi/configs' in msg and 'Instance Settings' in msg
    assert SECRET not in run.output


@pytest.mark.parametrize('smtp, option, words', [
    (dict(host='smtp.office365.com', port=465, security='ssl', user=MAILBOX), 'smtp.security', 'port 587 with STARTTLS'),
    (dict(host='smtp.office365.com', port=587), 'smtp.user', 'the mailbox'),
])
def test_settings_the_connector_cannot_serve_are_refused(tmp_path, smtp, option, words):
    run = run_module(tmp_path, SETTINGS, office365_args(tmp_path, smtp=smtp))
    assert run.rc != 0
    assert run.result['msg'].startswith(option + ':') and words in run.result['msg']
    assert config_files(tmp_path) == [] and not (home(tmp_path) / 'portal-ext.properties').exists()


def test_another_host_is_written_with_a_warning(tmp_path):
    run = run_module(tmp_path, SETTINGS, office365_args(
        tmp_path, smtp=dict(host='smtp.contoso.example', port=587, user=MAILBOX, password=SMTP_PASSWORD)))
    assert run.rc == 0, run.output
    warnings = ' '.join(run.result.get('warnings', []))
    assert 'only for smtp.office365.com' in warnings and 'smtp.contoso.example' in warnings


# --- mail_check: XOAUTH2 against the stack's token endpoint ------------------------------------------------

def xoauth2_args(stack, secret=None, **extra):
    oauth = stack['oauth']
    args = dict(smtp=dict(host='localhost', port=oauth['submission'], security='starttls',
                          user='%s@example.test' % stack['default_user']),
                microsoft365=dict(client_id=oauth['client_id'], client_secret=secret or oauth['client_secret'],
                                  tenant_id=oauth['tenant_id']),
                token_url=oauth['token_url'], ca_path=stack['ca'])
    args.update(extra)
    return args


def test_xoauth2_login_is_green(tmp_path, mail_stack):
    run = run_module(tmp_path, CHECK, xoauth2_args(mail_stack), verbosity=4)
    assert run.rc == 0, run.output
    result = run.result
    assert result['ok'] is True and result['engine'] == 'python'
    assert 'microsoft365' in result['engine_note']
    login = result['smtp']['steps'][-1]
    assert login['name'] == 'login' and login['ok'] and login['mechanism'] == 'XOAUTH2'
    assert result['microsoft365']['status'] == 200
    assert mail_stack['oauth']['client_secret'] not in run.output
    assert TOKEN_PREFIX not in run.output  # the token is a secret too


def test_xoauth2_test_message_is_delivered(tmp_path, mail_stack):
    user = '%s@example.test' % mail_stack['default_user']
    run = run_module(tmp_path, CHECK, xoauth2_args(mail_stack, test_message={'from': user, 'to': user,
                                                                             'subject': 'sent with XOAUTH2'}))
    assert run.rc == 0, run.output
    assert run.result['smtp']['steps'][-1]['name'] == 'message' and run.result['smtp']['steps'][-1]['ok']


def test_a_bad_client_secret_fails_at_the_token_stage(tmp_path, mail_stack):
    run = run_module(tmp_path, CHECK, xoauth2_args(mail_stack, secret='Wrong~secret-value'), verbosity=4)
    assert run.rc != 0
    result = run.result
    assert result['ok'] is False and result['smtp']['failed_step'] == 'login'
    login = result['smtp']['steps'][-1]
    assert login['stage'] == 'token' and login['status'] == 401 and login['error'] == 'invalid_client'
    assert 'token request to %s failed: HTTP 401 invalid_client: AADSTS7000215' % mail_stack['oauth']['token_url'] \
        in result['msg']
    assert 'microsoft365.client_secret' in result['msg']
    assert 'Wrong~secret-value' not in run.output and mail_stack['oauth']['client_secret'] not in run.output


def test_a_wrong_tenant_fails_at_the_token_stage(tmp_path, mail_stack):
    oauth = mail_stack['oauth']
    url = oauth['token_url'].replace(oauth['tenant_id'], 'not-our-tenant')
    run = run_module(tmp_path, CHECK, xoauth2_args(mail_stack, token_url=url))
    assert run.rc != 0
    assert 'HTTP 400 invalid_request: AADSTS90002' in run.result['msg'] and 'microsoft365.tenant_id' in run.result['msg']


def test_the_test_server_takes_only_a_token_the_endpoint_issued(mail_stack):
    """The stand-in must be able to say no, or the green login above proves nothing."""
    user = '%s@example.test' % mail_stack['default_user']
    context = ssl.create_default_context(cafile=mail_stack['ca'])
    with smtplib.SMTP('localhost', mail_stack['oauth']['submission'], timeout=10) as client:
        client.starttls(context=context)
        client.ehlo()
        forged = 'user=%s\x01auth=Bearer %sforged.sig\x01\x01' % (user, TOKEN_PREFIX)
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.auth('XOAUTH2', lambda challenge=None: forged if challenge is None else '', initial_response_ok=True)
        assert refused.value.smtp_code == 535


def test_java_engine_is_refused_with_microsoft365(tmp_path, mail_stack):
    run = run_module(tmp_path, CHECK, xoauth2_args(mail_stack, engine='java'))
    assert run.rc != 0 and run.result['option'] == 'engine'
    assert 'engine python or auto' in run.result['msg']


# --- credentials follow their server -----------------------------------------------------------------------

def smtp_server(host='smtp.example.test', password=SMTP_PASSWORD, **extra):
    server = dict(host=host, port=587, user='mailer@example.test')
    if password is not None:
        server['password'] = password
    server.update(extra)
    return server


def test_on_create_refuses_a_host_change_without_a_password(tmp_path):
    props = home(tmp_path) / 'portal-ext.properties'
    base = dict(liferay_home=str(home(tmp_path)), update_password='on_create')
    assert run_module(tmp_path, SETTINGS, dict(base, smtp=smtp_server())).rc == 0
    # Same server, no password given: the stored one is kept.
    kept = run_module(tmp_path, SETTINGS, dict(base, smtp=smtp_server(password=None)))
    assert kept.rc == 0 and kept.result['changed'] is False, kept.output
    written = props.read_bytes()
    # Another host, no password: the stored password must not follow it.
    moved = run_module(tmp_path, SETTINGS, dict(base, smtp=smtp_server(host='smtp.elsewhere.test', password=None)))
    assert moved.rc != 0
    assert moved.result['msg'] == ('smtp.password is needed because smtp.host changed from smtp.example.test to '
                                   'smtp.elsewhere.test: update_password on_create keeps a stored password only for '
                                   'the server it belongs to; give smtp.password')
    assert props.read_bytes() == written
    assert SMTP_PASSWORD not in moved.output


@pytest.mark.parametrize('change', [dict(host='smtp.elsewhere.test'), dict(port=2525), dict(security='ssl', port=465),
                                    dict(user='other@example.test')])
def test_on_create_writes_the_given_password_when_the_server_changes(tmp_path, change):
    base = dict(liferay_home=str(home(tmp_path)), update_password='on_create')
    assert run_module(tmp_path, SETTINGS, dict(base, smtp=smtp_server())).rc == 0
    new = dict(smtp_server(password='N3w-server-pw'), **change)
    run = run_module(tmp_path, SETTINGS, dict(base, smtp=new), verbosity=4)
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    text = (home(tmp_path) / 'portal-ext.properties').read_text()
    assert 'N3w-server-pw' in text and SMTP_PASSWORD not in text
    assert any('update_password on_create writes the given smtp.password' in w for w in run.result['warnings'])
    assert 'N3w-server-pw' not in run.output
    # The same password given again with on_create and the same server: kept, nothing changes.
    again = run_module(tmp_path, SETTINGS, dict(base, smtp=dict(new, password='Y3t-another-pw')))
    assert again.rc == 0 and again.result['changed'] is False


def test_on_create_keeps_the_pop_password_but_not_across_servers(tmp_path):
    base = dict(liferay_home=str(home(tmp_path)), update_password='on_create', smtp=smtp_server())
    pop = dict(host='pop.example.test', user='reader', password='P0p-pw')
    assert run_module(tmp_path, SETTINGS, dict(base, pop=pop)).rc == 0
    moved = run_module(tmp_path, SETTINGS, dict(base, pop=dict(pop, host='pop.elsewhere.test', password=None)))
    assert moved.rc != 0 and moved.result['msg'].startswith(
        'pop.password is needed because pop.host changed from pop.example.test to pop.elsewhere.test')


def test_client_secret_follows_tenant_and_client(tmp_path):
    args = office365_args(tmp_path, update_password='on_create', company_id=20097)
    assert run_module(tmp_path, SETTINGS, args).rc == 0
    path = home(tmp_path) / 'osgi' / 'configs' / (PID + '.scoped~20097.config')
    # A rotated secret in the file is kept with on_create while the app stays the same ...
    rotated = run_module(tmp_path, SETTINGS, dict(args, microsoft365=connector(secret=OTHER_SECRET)))
    assert rotated.rc == 0 and rotated.result['changed'] is False
    assert read_config(path)['clientSecret'] == SECRET
    # ... and replaced when the tenant changes: the old app's secret must not go to another tenant.
    moved = run_module(tmp_path, SETTINGS, dict(args, microsoft365=connector(secret=OTHER_SECRET,
                                                                             tenant_id='fabrikam.onmicrosoft.com')))
    assert moved.rc == 0, moved.output
    assert read_config(path)['clientSecret'] == OTHER_SECRET
    assert any('microsoft365.tenant_id changed from contoso.onmicrosoft.com to fabrikam.onmicrosoft.com' in w
               for w in moved.result['warnings'])
    assert OTHER_SECRET not in moved.output and SECRET not in moved.output
    assert json.dumps(OTHER_SECRET)[1:-1] not in moved.output


def test_info_shows_the_connector_masked_and_warns_when_the_host_would_not_use_it(tmp_path):
    args = office365_args(tmp_path, smtp=dict(host='smtp.contoso.example', port=587, user=MAILBOX,
                                              password=SMTP_PASSWORD))
    assert run_module(tmp_path, SETTINGS, args).rc == 0
    info = run_module(tmp_path, 'liferay_ops.mail.mail_settings_info', dict(liferay_home=str(home(tmp_path))),
                      verbosity=4)
    assert info.rc == 0, info.output
    connector = info.result['microsoft365']
    assert connector['scope'] == 'system' and connector['smtp'] is True and connector['pop'] is False
    assert connector['settings']['clientSecret'] == '********' and connector['settings']['tenantId'] == \
        'contoso.onmicrosoft.com'
    assert any('the Microsoft 365 connector' in f and 'smtp.contoso.example' in f for f in info.result['findings'])
    assert SECRET not in info.output and SMTP_PASSWORD not in info.output
    # On the host the connector serves, no such finding.
    assert run_module(tmp_path, SETTINGS, office365_args(tmp_path)).rc == 0
    quiet = run_module(tmp_path, 'liferay_ops.mail.mail_settings_info', dict(liferay_home=str(home(tmp_path))))
    assert not any('Microsoft 365 connector' in f for f in quiet.result['findings'])
