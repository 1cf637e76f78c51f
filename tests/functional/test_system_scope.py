"""scope: system with backend osgi_config: MailSettingSystemConfiguration written beside the company configuration.

Run for real through ansible-playbook; the 2025.q4 simulator reads what was written (JNDI session, send
blacklist) the way mail-messaging-impl's MailServiceImpl and MailMessageListener do (docs/liferay-model.md §10.3).
"""

import os
import stat
import time

import pytest

from playbook import run_module
from sim_fixtures import Mailbox, SMTP_PASSWORD, SMTP_USER, started_on_a_free_port
from liferay_sim import felix  # an independent .config reader (the simulator's)

MODULE = 'liferay_ops.mail.mail_settings'
INFO = 'liferay_ops.mail.mail_settings_info'
COMPANY_FILE = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config'
SYSTEM_FILE = 'com.liferay.mail.settings.configuration.MailSettingSystemConfiguration.config'
JNDI = 'mail/Relay'

pytestmark = pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS:UserWarning')


@pytest.fixture
def relay():
    """A plain SMTP server without login: what the application server's JNDI session sends through."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = started_on_a_free_port(lambda port: Controller(mailbox, hostname='127.0.0.1', port=port))
    try:
        yield {'port': controller.port, 'mailbox': mailbox}
    finally:
        controller.stop()


def wait_for_log(sim, text, timeout=10.0):
    deadline = time.monotonic() + timeout
    while text not in sim.log():
        assert time.monotonic() < deadline, 'the simulator never logged %r' % text
        time.sleep(0.1)


def read(path):
    return felix.parse_config(path.read_text(encoding='utf-8'))


def configs(tmp_path):
    directory = tmp_path / 'osgi' / 'configs'
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def system_args(tmp_path, **extra):
    args = dict(backend='osgi_config', osgi_configs_dir=str(configs(tmp_path)), liferay_version='2025.q4')
    args.update(extra)
    return args


def test_jndi_and_blacklist_reach_the_portal_idempotent_masked(start_sim, smtp_servers, tls, relay, tmp_path):
    sim = start_sim(args=['--liferay', '2025.q4', '--ca-file', tls['ca_file'],
                          '--jndi-mail-session', '%s=localhost:%d' % (JNDI, relay['port'])])
    args = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4',
                smtp=dict(host='localhost', port=smtp_servers['starttls_port'], security='starttls', user=SMTP_USER,
                          password=SMTP_PASSWORD),
                send_blacklist=['blocked@example.org', 'noreply@liferay.com'])
    first = run_module(tmp_path, MODULE, args)
    assert first.rc == 0 and first.result['changed'], first.output
    assert first.result['scope'] == 'system' and first.result['company_id'] is None
    assert first.result['system_configuration']['system_config_shape'] == 'current'
    assert first.result['system_configuration']['system_config_shape_source'] == 'default'
    assert not first.result['system_configuration']['restart_required']  # the blacklist applies to the next mail
    assert read(sim.configs / SYSTEM_FILE) == {'sendBlacklist': ['blocked@example.org', 'noreply@liferay.com']}
    assert stat.S_IMODE(os.stat(str(sim.configs / SYSTEM_FILE)).st_mode) == 0o600

    wait_for_log(sim, 'System mail configuration %s applied' % SYSTEM_FILE)  # the file-install poll
    blocked = sim.send_test_mail(to='blocked@example.org')
    assert blocked['sent'] is False and blocked['skipped'], blocked
    delivered = sim.send_test_mail(to='Blocked@example.org')  # Liferay's HashSet compares exactly
    assert delivered['sent'], delivered
    assert smtp_servers['mailbox'].messages[-1]['port'] == smtp_servers['starttls_port']

    # The JNDI name, previewed, then written: the session cached before keeps being used until it is cleared.
    args['jndi_name'] = JNDI
    args['override_jndi_session'] = True  # smtp stays as the fallback when the lookup fails
    preview = run_module(tmp_path, MODULE, args, check=True, diff=True)
    assert preview.rc == 0 and preview.result['changed'], preview.output
    assert 'jndiName' not in read(sim.configs / SYSTEM_FILE)
    diffs = preview.result['diff']
    assert isinstance(diffs, list) and len(diffs) == 2, diffs
    assert diffs[0]['before'] == diffs[0]['after']  # the company file is unchanged
    assert 'smtpPassword=********' in diffs[0]['after'] and SMTP_PASSWORD not in preview.output
    assert 'jndiName=%s' % JNDI in diffs[1]['after'] and 'jndiName' not in diffs[1]['before']
    assert diffs[1]['after_header'] == 'MailSettingSystemConfiguration (after)' or SYSTEM_FILE in diffs[1]['after_header']

    second = run_module(tmp_path, MODULE, args)
    assert second.rc == 0 and second.result['changed'] and second.result['restart_required'], second.output
    assert read(sim.configs / SYSTEM_FILE)['jndiName'] == JNDI
    assert sim.session()['mode'] != 'jndi'  # still the cached session: no configuration handler cleared it
    sim_restart = __import__('requests').post(sim.url + '/sim/restart', timeout=10)
    assert sim_restart.status_code == 200
    assert sim.session()['mode'] == 'jndi'
    before = len(relay['mailbox'].messages)
    sent = sim.send_test_mail(to='someone@example.org')
    assert sent['sent'], sent
    assert len(relay['mailbox'].messages) == before + 1

    again = run_module(tmp_path, MODULE, args, diff=True)
    assert again.rc == 0 and not again.result['changed'] and not again.result['restart_required'], again.output

    info = run_module(tmp_path, INFO, dict(liferay_home=str(sim.home), test_recipient='blocked@example.org'))
    assert info.rc == 0, info.output
    shown = info.result['system_configuration']
    assert shown['shape'] == 'current'
    assert shown['settings'] == {'sendBlacklist': ['blocked@example.org', 'noreply@liferay.com'], 'jndiName': JNDI}
    found = '\n'.join(info.result['findings'])
    assert 'jndiName=%s' % JNDI in found
    assert 'blocked@example.org' in found


def test_jndi_alone_leaves_the_company_file_alone(tmp_path):
    directory = configs(tmp_path)
    run = run_module(tmp_path, MODULE, system_args(tmp_path, jndi_name=JNDI), diff=True)
    assert run.rc == 0 and run.result['changed'] and run.result['restart_required'], run.output
    assert sorted(os.listdir(str(directory))) == [SYSTEM_FILE]
    assert run.result['path'].endswith(SYSTEM_FILE)
    assert run.result['settings'] == {'jndiName': JNDI}
    assert run_module(tmp_path, MODULE, system_args(tmp_path, jndi_name=JNDI)).result['changed'] is False


@pytest.mark.parametrize('existing, shape, expected', [
    ('mailSessionJndiName=""\npopServerSubdomain="events"\n', 'mail_prefixed',
     {'mailSessionJndiName': JNDI, 'mailSendBlacklist': ['x@example.org'], 'mailBatchSize': '50',
      'mailThrowsExceptionOnFailure': True, 'popServerSubdomain': 'events'}),
    ('jndiName=""\n', 'current',
     {'jndiName': JNDI, 'sendBlacklist': ['x@example.org'], 'batchSize': '50', 'throwsExceptionOnFailure': True}),
])
def test_each_shape_detected_from_the_file(tmp_path, existing, shape, expected):
    path = configs(tmp_path) / SYSTEM_FILE
    path.write_text(existing)
    args = system_args(tmp_path, jndi_name=JNDI, send_blacklist=['x@example.org'], batch_size=50,
                       throws_exception_on_failure=True)
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['changed'], run.output
    assert run.result['system_config_shape'] == shape and run.result['system_config_shape_source'] == 'detected'
    assert read(path) == expected
    assert run_module(tmp_path, MODULE, args).result['changed'] is False


def test_the_first_shape_has_no_jndi_attribute(tmp_path):
    path = configs(tmp_path) / SYSTEM_FILE
    path.write_text('mailSessionMail=B"true"\n')
    refused = run_module(tmp_path, MODULE, system_args(tmp_path, jndi_name=JNDI))
    assert refused.rc != 0 and refused.result['msg'].startswith('jndi_name: the first shape'), refused.output
    assert path.read_text() == 'mailSessionMail=B"true"\n'
    args = system_args(tmp_path, send_blacklist=['x@example.org'], batch_size=10, audit_trail=['audit@example.org'])
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['system_config_shape'] == 'first', run.output
    assert read(path) == {'mailSessionMail': True, 'mailSendBlacklist': ['x@example.org'], 'mailBatchSize': '10',
                          'mailAuditTrail': 'audit@example.org'}
    # Given explicitly for a new file: the names of that shape.
    other = tmp_path / 'other'
    given = run_module(other, MODULE, system_args(other, send_blacklist=[], system_config_shape='first'))
    assert given.rc == 0 and given.result['system_config_shape_source'] == 'given', given.output
    assert read(configs(other) / SYSTEM_FILE) == {'mailSendBlacklist': []}


def test_shape_conflicts_and_ambiguity_are_refused(tmp_path):
    path = configs(tmp_path) / SYSTEM_FILE
    path.write_text('jndiName="a/b"\n')
    conflict = run_module(tmp_path, MODULE, system_args(tmp_path, batch_size=5, system_config_shape='mail_prefixed'))
    assert conflict.rc != 0 and conflict.result['msg'].startswith('system_config_shape: '), conflict.output
    assert 'shape current' in conflict.result['msg']
    path.write_text('mailSendBlacklist=["a@example.org"]\n')  # names the first and the mail_prefixed shapes share
    ambiguous = run_module(tmp_path, MODULE, system_args(tmp_path, jndi_name=JNDI))
    assert ambiguous.rc != 0 and ambiguous.result['msg'].startswith('system_config_shape: '), ambiguous.output
    shared = run_module(tmp_path, MODULE, system_args(tmp_path, send_blacklist=['b@example.org']))
    assert shared.rc == 0 and read(path) == {'mailSendBlacklist': ['b@example.org']}, shared.output


def test_unknown_attributes_kept_backup_and_absent_removes_only_what_is_managed(tmp_path):
    directory = configs(tmp_path)
    path = directory / SYSTEM_FILE
    path.write_text('# kept\npopServerSubdomain="mail"\nservice.ranking=I"5"\n')
    os.chmod(str(path), 0o644)
    args = system_args(tmp_path, send_blacklist=['a@example.org'], backup=True)
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['changed'], run.output
    assert run.result['system_configuration']['backup_file']
    text = path.read_text()
    assert text.startswith('# kept\npopServerSubdomain="mail"\nservice.ranking=I"5"\n')
    assert read(path)['sendBlacklist'] == ['a@example.org']
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644  # an existing file keeps its mode

    absent = run_module(tmp_path, MODULE, system_args(tmp_path, state='absent', send_blacklist=[]))
    assert absent.rc == 0 and absent.result['changed'], absent.output
    assert read(path) == {'popServerSubdomain': 'mail', 'service.ranking': 5}
    assert run_module(tmp_path, MODULE, system_args(tmp_path, state='absent', send_blacklist=[])).result['changed'] \
        is False

    only_ours = tmp_path / 'only'
    run_module(only_ours, MODULE, system_args(only_ours, jndi_name=JNDI))
    gone = run_module(only_ours, MODULE, system_args(only_ours, state='absent', jndi_name=JNDI))
    assert gone.rc == 0 and gone.result['changed'], gone.output
    assert not (configs(only_ours) / SYSTEM_FILE).exists()


@pytest.mark.parametrize('extra, option', [
    (dict(scope='system', company_id=20097, smtp=dict(host='smtp.example.com')), 'scope'),
    (dict(scope='instance', smtp=dict(host='smtp.example.com')), 'scope'),
    (dict(company_id=20097, jndi_name=JNDI), 'jndi_name'),
    (dict(company_id=20097, send_blacklist=['a@example.org'], smtp=dict(host='smtp.example.com')), 'send_blacklist'),
    (dict(send_blacklist=['Joe <a@example.org>']), 'send_blacklist'),
    (dict(batch_size=-1), 'batch_size'),
    (dict(audit_trail=['not an address']), 'audit_trail'),
    (dict(pop_server_subdomain='a.b'), 'pop_server_subdomain'),
    (dict(jndi_name='mail Relay'), 'jndi_name'),
])
def test_bad_input_names_the_option_and_writes_nothing(tmp_path, extra, option):
    directory = configs(tmp_path)
    run = run_module(tmp_path, MODULE, system_args(tmp_path, **extra))
    assert run.rc != 0, run.output
    assert run.result['msg'].startswith(option + ':') or run.result.get('option') == option, run.result['msg']
    assert os.listdir(str(directory)) == []


def test_system_options_refused_by_other_backends(tmp_path):
    path = tmp_path / 'portal-ext.properties'
    run = run_module(tmp_path, MODULE, dict(path=str(path), send_blacklist=['a@example.org']))
    assert run.rc != 0 and run.result['msg'].startswith('send_blacklist: is an attribute of the 2025.Q4'), run.output
    scope = run_module(tmp_path, MODULE, dict(path=str(path), scope='system', smtp=dict(host='smtp.example.com')))
    assert scope.rc != 0 and scope.result['msg'].startswith('scope: '), scope.output
    assert not path.exists()
