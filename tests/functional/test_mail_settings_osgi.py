"""The osgi_config backend of mail_settings, run for real against the portal simulator in 2025.q4 mode."""

import concurrent.futures
import hashlib
import os
import stat
import time

import pytest
import requests

from playbook import run_module
from sim_fixtures import ADMIN, SMTP_PASSWORD, SMTP_USER
from liferay_sim import felix  # an independent .config reader (the simulator's)

MODULE = 'liferay_ops.mail.mail_settings'
PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SYSTEM_FILE = PID + '.config'
POP_PASSWORD = 'P0p-s3cret=pw'
Q4 = ['--liferay', '2025.q4']

# aiosmtpd warns about AUTH without TLS on the implicit-TLS server, which is TLS from the first byte.
pytestmark = pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS:UserWarning')


def scoped(name):
    return '%s.scoped~%s.config' % (PID, name)


def args_for(sim, port, security='starttls', **extra):
    # A host name, not 127.0.0.1: the portal's JavaMail checks the server identity on 2025.Q4, and on Java 9+
    # JavaMail's own fallback check matches DNS names only (docs/liferay-model.md §4, §9).
    args = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4',
                smtp=dict(host='localhost', port=port, security=security, user=SMTP_USER, password=SMTP_PASSWORD))
    args.update(extra)
    return args


def api(sim):
    return dict(portal_url=sim.url, api_user=ADMIN[0], api_password=ADMIN[1])


def checksum(path):
    with open(str(path), 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def tree(directory):
    return sorted((p.name, checksum(p)) for p in directory.iterdir())


def read(path):
    return felix.parse_config(path.read_text(encoding='utf-8'))


def apply_and_watch(sim, tmp_path, args, predicate, web_id='liferay.com'):
    """Run the module while polling the portal's session; returns (run, session, seconds from write to live).

    The write moment is the file's mtime, so ansible-playbook's own start-up and tear-down do not count.
    """
    seen = None
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(run_module, tmp_path, MODULE, args)
        deadline = None
        while True:
            session = sim.session(web_id)
            if predicate(session):
                seen = time.time()
                break
            if future.done():
                deadline = deadline or time.monotonic() + 10
                if time.monotonic() > deadline:
                    break
            time.sleep(0.05)
        run = future.result()
    assert run.rc == 0, run.output
    assert seen is not None, 'the new settings never went live: %r' % session
    written = os.stat(str(sim.configs / os.path.basename(run.result['path']))).st_mtime
    return run, session, seen - written


def test_apply_goes_live_without_restart_then_idempotent_then_live_again(start_sim, smtp_servers, tls, tmp_path):
    sim = start_sim(args=Q4 + ['--ca-file', tls['ca_file']])
    assert sim.session()['properties']['mail.smtp.host'] == 'localhost'  # a cached session with the defaults

    port = str(smtp_servers['starttls_port'])
    run, session, live_after = apply_and_watch(
        sim, tmp_path, args_for(sim, smtp_servers['starttls_port'], company_web_id='liferay.com', **api(sim)),
        lambda s: s['properties'].get('mail.smtp.port') == port)
    result = run.result
    assert (result['changed'], result['restart_required'], result['scope']) == (True, False, 'instance')
    assert result['company_id'] == 20097  # looked up through JSON WS
    path = sim.configs / scoped('liferay.com')
    # (api_password 'test' is masked by Ansible everywhere in the result, also inside paths.)
    assert result['path'].endswith('/' + scoped('liferay.com'))
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    values = read(path)
    assert values['companyId'] == 20097 and values['smtpPassword'] == SMTP_PASSWORD
    assert values['outgoingSMTPPort'] == str(smtp_servers['starttls_port'])  # a String attribute
    assert 'mail.session.mail' not in values and 'mail.session.mail' not in result['settings']

    assert session['sources']['mail.smtp.host'] == 'osgi:' + scoped('liferay.com'), session
    assert session['properties']['mail.smtp.auth'] == 'true'
    assert live_after < 3, 'live only %.2f s after the write' % live_after
    print('osgi_config apply -> live: %.2f s after the file was written' % live_after)
    sent = sim.send_test_mail()
    assert sent['sent'] is True, sent
    assert smtp_servers['mailbox'].messages[-1]['login'] == SMTP_USER
    assert smtp_servers['mailbox'].messages[-1]['port'] == smtp_servers['starttls_port']

    # Second run: same file (found by its name and companyId, no lookup needed).
    before = checksum(path)
    again = run_module(tmp_path, MODULE, args_for(sim, smtp_servers['starttls_port'], company_web_id='liferay.com'))
    assert again.rc == 0, again.output
    assert again.result['changed'] is False
    assert checksum(path) == before

    # Change the transport: implicit TLS on the other server; live again without restart.
    change, session, live_after = apply_and_watch(
        sim, tmp_path, args_for(sim, smtp_servers['smtps_port'], security='ssl', company_web_id='liferay.com'),
        lambda s: s['properties'].get('mail.transport.protocol') == 'smtps')
    assert change.result['changed'] is True
    assert live_after < 3, 'live only %.2f s after the write' % live_after
    print('osgi_config change -> live: %.2f s after the file was written' % live_after)
    assert session['properties']['mail.smtps.port'] == str(smtp_servers['smtps_port'])
    sent = sim.send_test_mail()
    assert sent['sent'] is True, sent
    assert smtp_servers['mailbox'].messages[-1]['port'] == smtp_servers['smtps_port']


def test_hand_written_file_keeps_unknown_attributes_and_comments(start_sim, tmp_path):
    text = ('# written by hand\n'
            'outgoingSMTPServer="old.example.com"\n'
            'outgoingSMTPPort=I"2525"\n'
            'customTimeout=L"30000"\n'
            'sendBlacklist=["a@example.com"]\n')
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE: text})
    path = sim.configs / SYSTEM_FILE
    # No liferay_version: the existing mail .config file shows a 2025.Q4+ node.
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                            smtp=dict(host='smtp.example.com', port=2525, security='none')))
    assert run.rc == 0, run.output
    assert (run.result['scope'], run.result['liferay_version']) == ('system', '2025.q4')
    values = read(path)
    assert values['customTimeout'] == 30000 and values['sendBlacklist'] == ['a@example.com']
    assert values['outgoingSMTPServer'] == 'smtp.example.com' and 'companyId' not in values
    assert path.read_text().startswith('# written by hand\n')
    assert 'customTimeout=L"30000"\n' in path.read_text()
    # The system-wide file applies to the default instance (no scoped file).
    session, _elapsed = sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')
    assert session['sources']['mail.smtp.host'] == 'osgi:' + SYSTEM_FILE

    # I"2525" and "2525" mean the same: no rewrite for the port spelling alone.
    (path).write_text(path.read_text().replace('outgoingSMTPPort="2525"', 'outgoingSMTPPort=I"2525"'))
    before = checksum(path)
    again = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                              smtp=dict(host='smtp.example.com', port=2525, security='none')))
    assert again.rc == 0 and again.result['changed'] is False, again.output
    assert checksum(path) == before

    # state absent: only our attributes go, the file and the others stay.
    gone = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home), state='absent'))
    assert gone.rc == 0 and gone.result['changed'] is True, gone.output
    values = read(path)
    assert set(values) == {'customTimeout', 'sendBlacklist'}
    assert path.read_text().startswith('# written by hand\n')


def test_state_absent_deletes_the_file_it_owns(start_sim, tmp_path):
    sim = start_sim(args=Q4)
    args = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4', company_id=20097,
                smtp=dict(host='smtp.example.com', port=587, user='u', password=SMTP_PASSWORD),
                pop=dict(host='pop.example.com', user='u', password=POP_PASSWORD))
    assert run_module(tmp_path, MODULE, args).rc == 0
    path = sim.configs / scoped('20097')
    assert path.exists()
    sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')

    absent = dict(backend='osgi_config', liferay_home=str(sim.home), company_id=20097, state='absent')
    gone = run_module(tmp_path, MODULE, absent, diff=True)
    assert gone.rc == 0 and gone.result['changed'] is True, gone.output
    assert not path.exists()
    assert 'smtpPassword=********' in gone.result['diff']['before']
    assert SMTP_PASSWORD not in gone.output and POP_PASSWORD not in gone.output
    # The scoped configuration handler has no @Deactivate: deleting the file leaves the session as it was.
    assert gone.result['restart_required'] is True
    assert any('until the portal restarts' in w for w in gone.result.get('warnings', [])), gone.output
    time.sleep(1.2)
    assert sim.session()['properties']['mail.smtp.host'] == 'smtp.example.com'
    assert requests.post(sim.url + '/sim/restart', timeout=10).status_code == 200
    session, _elapsed = sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'localhost')
    assert session['sources']['mail.smtp.host'] == 'default'
    # Nothing left to remove (and no version marker left either, so say which one).
    again = run_module(tmp_path, MODULE, dict(absent, liferay_version='2025.q4'))
    assert again.rc == 0 and again.result['changed'] is False, again.output


def test_scoped_file_with_other_attributes_loses_only_ours_and_keeps_company_id(start_sim, tmp_path):
    name = scoped('3f1c2b7a-export')
    sim = start_sim(args=Q4, files={'osgi/configs/' + name: 'companyId=L"20097"\nenableEmailDomainValidation=B"true"\n'
                                    'outgoingSMTPServer="exported.example.com"\n'})
    args = dict(backend='osgi_config', liferay_home=str(sim.home), company_id=20097,
                smtp=dict(host='smtp.example.com', port=587))
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0, run.output
    # The instance's existing file (found by companyId) is edited; no second file for the same company.
    assert run.result['path'] == str(sim.configs / name)
    assert sorted(p.name for p in sim.configs.iterdir()) == [name]
    gone = run_module(tmp_path, MODULE, dict(args, state='absent'))
    assert gone.rc == 0 and gone.result['changed'] is True, gone.output
    assert read(sim.configs / name) == {'companyId': 20097, 'enableEmailDomainValidation': True}


def test_check_mode_writes_nothing(start_sim, tmp_path):
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE: 'outgoingSMTPServer="old.example.com"\n'})
    before = tree(sim.configs)
    args = dict(backend='osgi_config', liferay_home=str(sim.home), smtp=dict(host='new.example.com'))
    run = run_module(tmp_path, MODULE, args, check=True, diff=True)
    assert run.rc == 0 and run.result['changed'] is True, run.output
    assert '-outgoingSMTPServer=old.example.com' not in run.result['diff']['after']
    assert 'outgoingSMTPServer=new.example.com' in run.result['diff']['after']
    scoped_run = run_module(tmp_path, MODULE, dict(args, company_id=20097), check=True)
    assert scoped_run.rc == 0 and scoped_run.result['changed'] is True, scoped_run.output
    absent = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home), state='absent'),
                        check=True)
    assert absent.rc == 0 and absent.result['changed'] is True, absent.output
    assert tree(sim.configs) == before


def test_diff_masks_passwords_even_at_vvvv(start_sim, tmp_path):
    sim = start_sim(args=Q4)
    args = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4',
                smtp=dict(host='smtp.example.com', user='u', password=SMTP_PASSWORD),
                pop=dict(host='pop.example.com', user='u', password=POP_PASSWORD),
                javamail_properties={'mail.smtp.proxy.password': 'Pr0xy-s3cret'})
    run = run_module(tmp_path, MODULE, args, diff=True, verbosity=4)
    assert run.rc == 0, run.output
    diff = run.result['diff']['after']
    assert 'smtpPassword=********' in diff and 'popPassword=********' in diff
    assert 'outgoingSMTPServer=smtp.example.com' in diff
    assert run.result['settings']['smtpPassword'] == '********'
    for secret in (SMTP_PASSWORD, POP_PASSWORD, 'Pr0xy-s3cret'):
        assert secret not in run.output
    # The file itself holds them in plain text, which is why it is 0600.
    assert read(sim.configs / SYSTEM_FILE)['popPassword'] == POP_PASSWORD
    assert stat.S_IMODE(os.stat(str(sim.configs / SYSTEM_FILE)).st_mode) == 0o600


def test_update_password_on_create_keeps_the_stored_password(start_sim, tmp_path):
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE: 'smtpUserName="u"\nsmtpPassword="rotated-by-hand"\n'})
    args = dict(backend='osgi_config', liferay_home=str(sim.home), update_password='on_create',
                smtp=dict(host='smtp.example.com', user='u', password=SMTP_PASSWORD))
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['changed'] is True, run.output
    values = read(sim.configs / SYSTEM_FILE)
    assert values['smtpPassword'] == 'rotated-by-hand' and values['outgoingSMTPServer'] == 'smtp.example.com'
    assert run_module(tmp_path, MODULE, args).result['changed'] is False
    assert run_module(tmp_path, MODULE, dict(args, update_password='always')).result['changed'] is True
    assert read(sim.configs / SYSTEM_FILE)['smtpPassword'] == SMTP_PASSWORD


@pytest.mark.parametrize('version, expected', [
    ('7.4', 'Liferay 7.4 does not have'),
    (None, 'set liferay_version: 2025.q4'),
])
def test_no_2025q4_target_fails_clearly_and_writes_nothing(tmp_path, version, expected):
    home = tmp_path / 'liferay'
    (home / 'osgi' / 'configs').mkdir(parents=True)
    args = dict(backend='osgi_config', liferay_home=str(home), smtp=dict(host='smtp.example.com'))
    if version:
        args['liferay_version'] = version
    run = run_module(tmp_path, MODULE, args)
    assert run.rc != 0
    assert 'liferay_version' in run.result['msg'] and expected in run.result['msg'], run.result['msg']
    assert list((home / 'osgi' / 'configs').iterdir()) == []


def test_version_detected_from_the_mail_settings_module_jar(tmp_path):
    home = tmp_path / 'liferay'
    (home / 'osgi' / 'portal').mkdir(parents=True)
    (home / 'osgi' / 'portal' / 'com.liferay.mail.settings.api.jar').write_bytes(b'PK\x05\x06' + b'\0' * 18)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(home),
                                            smtp=dict(host='smtp.example.com')))
    assert run.rc == 0, run.output
    assert run.result['liferay_version'] == '2025.q4'
    assert (home / 'osgi' / 'configs' / SYSTEM_FILE).exists()  # configs/ created under the existing osgi/


def test_system_wide_file_and_instance_files_side_by_side(start_sim, tmp_path):
    sim = start_sim(args=Q4 + ['--instances', 'liferay.com,other.example'])
    common = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4')
    system = run_module(tmp_path, MODULE, dict(common, smtp=dict(host='system.example.com', port=25,
                                                                 security='none')))
    assert system.rc == 0 and system.result['company_id'] is None, system.output
    other = run_module(tmp_path, MODULE, dict(common, company_web_id='other.example',
                                              smtp=dict(host='other.example.com', port=465, security='ssl'),
                                              **api(sim)))
    assert other.rc == 0, other.output
    assert other.result['company_id'] == 20098
    assert read(sim.configs / scoped('other.example'))['companyId'] == 20098
    assert 'companyId' not in read(sim.configs / SYSTEM_FILE)

    default, _elapsed = sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'system.example.com')
    assert default['sources']['mail.smtp.host'] == 'osgi:' + SYSTEM_FILE
    scoped_session, _elapsed = sim.wait_for_session(lambda s: s['properties'].get('mail.smtps.host') == 'other.example.com',
                                                    web_id='other.example')
    assert scoped_session['sources']['mail.smtps.host'] == 'osgi:' + scoped('other.example')
    assert scoped_session['properties']['mail.transport.protocol'] == 'smtps'


def test_company_web_id_without_a_way_to_find_its_id_fails_clearly(start_sim, tmp_path):
    sim = start_sim(args=Q4)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4',
                                            company_web_id='liferay.com', smtp=dict(host='smtp.example.com')))
    assert run.rc != 0
    assert 'company_id' in run.result['msg'] and 'portal_url' in run.result['msg'], run.result['msg']
    assert list(sim.configs.iterdir()) == []
    # A web id the portal does not know: the lookup error, and still nothing written.
    unknown = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                                liferay_version='2025.q4', company_web_id='nope.example',
                                                smtp=dict(host='smtp.example.com'), **api(sim)))
    assert unknown.rc != 0 and 'nope.example' in unknown.result['msg'], unknown.output
    assert list(sim.configs.iterdir()) == []


def test_two_files_for_one_company_the_most_recently_updated_is_edited_with_a_warning(start_sim, tmp_path):
    # Liferay's getConfiguration returns the last (most recently updated) configuration of the company.
    files = {'osgi/configs/' + scoped('a'): 'companyId=L"20097"\noutgoingSMTPServer="a.example"\n',
             'osgi/configs/' + scoped('b'): 'companyId=L"20097"\noutgoingSMTPServer="b.example"\n'}
    sim = start_sim(args=Q4, files=files)
    os.utime(str(sim.configs / scoped('b')), (1000000000, 1000000000))
    older = checksum(sim.configs / scoped('b'))
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home), company_id=20097,
                                            smtp=dict(host='smtp.example.com')))
    assert run.rc == 0, run.output
    assert run.result['path'] == str(sim.configs / scoped('a'))
    warning = ' '.join(run.result.get('warnings', []))
    assert '2 configuration files apply to instance 20097' in warning and 'most recently updated one, %s' % scoped(
        'a') in warning, run.output
    assert sorted(p.name for p in sim.configs.iterdir()) == [scoped('a'), scoped('b')]  # no third file
    assert checksum(sim.configs / scoped('b')) == older
    sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')


def test_file_naming_its_instance_by_the_portable_key_is_edited(start_sim, tmp_path):
    # FileInstallDeployTest.testCompanyScopedPortableKeyConfiguration: the web id under the portable key.
    name = scoped('exported')
    sim = start_sim(args=Q4, files={'osgi/configs/' + name: 'companyWebId="liferay.com"\noutgoingSMTPServer="x"\n'})
    args = dict(backend='osgi_config', liferay_home=str(sim.home), company_web_id='liferay.com',
                smtp=dict(host='smtp.example.com', port=25, security='none'))
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0, run.output
    assert run.result['path'] == str(sim.configs / name)
    assert sorted(p.name for p in sim.configs.iterdir()) == [name]
    assert read(sim.configs / name)['companyWebId'] == 'liferay.com'
    sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')
    assert run_module(tmp_path, MODULE, args).result['changed'] is False


# A password with everything Liferay's .config reader treats specially (docs/liferay-model.md §6).
ODD_PASSWORD = 'p${x}w {q} \\ "q" =a b'


def _session_password_digest(sim):
    response = requests.get(sim.url + '/sim/mail-session', params={'webId': 'liferay.com', 'secrets': '1'}, timeout=10)
    assert response.status_code == 200
    password = response.json()['properties'].get('mail.smtp.password', '')
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


def test_password_with_braces_dollar_and_quotes_reaches_the_session_unchanged(start_sim, tmp_path):
    # ConfigurationHandler._writeQuoted escapes \\, ", space, =, { and }; without it InterpolationUtil.substVars
    # would replace ${x} by the system property x before the value is unquoted.
    sim = start_sim(args=Q4 + ['--system-property', 'x=FROM-THE-JVM'])
    args = dict(backend='osgi_config', liferay_home=str(sim.home), liferay_version='2025.q4', company_id=20097,
                smtp=dict(host='smtp.example.com', port=587, user='u', password=ODD_PASSWORD))
    run = run_module(tmp_path, MODULE, args, diff=True)
    assert run.rc == 0 and run.result['changed'] is True, run.output
    assert ODD_PASSWORD not in run.output and 'FROM-THE-JVM' not in run.output
    assert '$\\{x\\}' in (sim.configs / scoped('20097')).read_text()
    sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')
    want = hashlib.sha256(ODD_PASSWORD.encode('utf-8')).hexdigest()
    assert _session_password_digest(sim) == want, 'the password reached the session changed'
    again = run_module(tmp_path, MODULE, args)
    assert again.rc == 0 and again.result['changed'] is False, again.output


def test_value_liferay_would_not_read_back_is_refused_naming_the_option(start_sim, tmp_path):
    # InterpolationUtil._unescape drops the backslash of "$\\{q}" even as Liferay's own writer escapes it.
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE: 'outgoingSMTPServer="old.example.com"\n'})
    before = tree(sim.configs)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                            smtp=dict(host='smtp.example.com', user='u', password='S3cret$\\{q}')))
    assert run.rc != 0
    assert run.result['msg'].startswith('smtp.password: '), run.result['msg']
    assert 'reads it back unchanged' in run.result['msg']
    assert 'S3cret' not in run.output
    assert tree(sim.configs) == before


LIFERAY_WRITTEN = (
    'companyId = L"20097"\n'
    'enableStartTLS = B"true"\n'
    'outgoingSMTPPort = "587"\n'
    'outgoingSMTPServer = "old.example.com"\n'
    'smtpPassword = "old\\ pw"\n'
    'smtpUserName = "u"\n'
    'transportProtocol = "smtp"\n'
    'customSetting = "kept\\ as\\ is"\n')


def test_liferay_written_file_with_spaces_around_equals_is_edited_in_place(start_sim, tmp_path):
    # TypedProperties.save writes "key = value" after a System Settings or REST change.
    name = scoped('liferay-written')
    sim = start_sim(args=Q4, files={'osgi/configs/' + name: LIFERAY_WRITTEN})
    args = dict(backend='osgi_config', liferay_home=str(sim.home), company_id=20097,
                smtp=dict(host='smtp.example.com', port=587, security='starttls', user='u', password=SMTP_PASSWORD))
    run = run_module(tmp_path, MODULE, args)
    assert run.rc == 0 and run.result['changed'] is True, run.output
    assert run.result['path'] == str(sim.configs / name)
    text = (sim.configs / name).read_text()
    assert text.startswith('companyId = L"20097"\nenableStartTLS = B"true"\noutgoingSMTPPort = "587"\n'
                           'outgoingSMTPServer = "smtp.example.com"\nsmtpPassword = "')
    assert 'customSetting = "kept\\ as\\ is"\n' in text and 'smtpUserName = "u"\n' in text
    assert sorted(p.name for p in sim.configs.iterdir()) == [name]
    sim.wait_for_session(lambda s: s['properties']['mail.smtp.host'] == 'smtp.example.com')
    assert read(sim.configs / name)['smtpPassword'] == SMTP_PASSWORD
    before = checksum(sim.configs / name)
    again = run_module(tmp_path, MODULE, args)
    assert again.rc == 0 and again.result['changed'] is False, again.output
    assert checksum(sim.configs / name) == before


def test_file_liferay_stops_reading_part_way_is_refused_naming_the_line(start_sim, tmp_path):
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE:
                                    'outgoingSMTPServer="a"\nsmtpPassword="Hid-den" # rotated\nsmtpUserName="u"\n'})
    before = tree(sim.configs)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                            smtp=dict(host='smtp.example.com')))
    assert run.rc != 0 and 'line 2' in run.result['msg'] and 'stops reading' in run.result['msg'], run.output
    assert 'Hid-den' not in run.output
    assert tree(sim.configs) == before


def test_malformed_existing_file_is_reported_and_left_alone(start_sim, tmp_path):
    sim = start_sim(args=Q4, files={'osgi/configs/' + SYSTEM_FILE: 'smtpPassword=unquoted-Secret\n'})
    before = tree(sim.configs)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', liferay_home=str(sim.home),
                                            smtp=dict(host='smtp.example.com')))
    assert run.rc != 0 and 'cannot be edited safely' in run.result['msg'], run.output
    assert 'unquoted-Secret' not in run.output
    assert tree(sim.configs) == before
