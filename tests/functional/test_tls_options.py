"""First-class TLS and timeout options of smtp/pop, run for real: written as JavaMail properties under the prefix
the protocol reads, refused on a conflict with javamail_properties, and honoured by mail_check."""

import time

import pytest

from playbook import run_module
from liferay_sim import felix

SETTINGS = 'liferay_ops.mail.mail_settings'
CHECK = 'liferay_ops.mail.mail_check'
ADVANCED = 'mail.session.mail.advanced.properties'
OPTIONS = dict(tls_protocols=['TLSv1.2', 'TLSv1.3'], ssl_trust=['mail.example.test'], connect_timeout=5000,
               read_timeout=15000, write_timeout=20000)

pytestmark = pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS:UserWarning')


def expected(prefix):
    return ['%sconnectiontimeout=5000' % prefix, '%sssl.protocols=TLSv1.2 TLSv1.3' % prefix,
            '%sssl.trust=mail.example.test' % prefix, '%stimeout=15000' % prefix, '%swritetimeout=20000' % prefix]


@pytest.mark.parametrize('server, security, port, prefix', [
    ('smtp', 'none', 25, 'mail.smtp.'),
    ('smtp', 'starttls', 587, 'mail.smtp.'),
    ('smtp', 'ssl', 465, 'mail.smtps.'),
    ('pop', 'none', 110, 'mail.pop3.'),
    ('pop', 'ssl', 995, 'mail.pop3s.'),
])
def test_options_land_under_the_prefix_the_protocol_reads(tmp_path, server, security, port, prefix):
    args = dict(path=str(tmp_path / 'portal-ext.properties'),
                smtp=dict(host='smtp.example.test', port=587, user='mailer', password='Pw-1'))
    args[server] = dict(args.get(server) or dict(host='pop.example.test', user='reader', password='Pw-2'),
                        security=security, port=port, **OPTIONS)
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc == 0, run.output
    lines = run.result['settings'][ADVANCED].split('\n')
    assert [line for line in lines if line.startswith(prefix)] == expected(prefix)
    other = {'mail.smtp.': 'mail.smtps.', 'mail.smtps.': 'mail.smtp.', 'mail.pop3.': 'mail.pop3s.',
             'mail.pop3s.': 'mail.pop3.'}[prefix]
    assert not [line for line in lines if line.startswith(other)]
    if security == 'none':
        assert any('has no effect with %s.security none' % server in w for w in run.result['warnings'])
    # Idempotent, like every other key.
    assert run_module(tmp_path, SETTINGS, args).result['changed'] is False


def test_osgi_config_writes_them_into_additional_javamail_properties(tmp_path):
    configs = tmp_path / 'osgi' / 'configs'
    configs.mkdir(parents=True)
    args = dict(backend='osgi_config', liferay_home=str(tmp_path), liferay_version='2025.q4',
                smtp=dict(host='smtp.example.test', port=465, security='ssl', user='mailer', password='Pw-1',
                          tls_protocols=['TLSv1.3'], read_timeout=9000),
                javamail_properties={'mail.smtps.localhost': 'portal.example.test'})
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc == 0, run.output
    config = felix.parse_config(
        (configs / 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config').read_text())
    assert config['additionalJavaMailProperties'].split('\n') == [
        'mail.smtps.localhost=portal.example.test', 'mail.smtps.ssl.protocols=TLSv1.3', 'mail.smtps.timeout=9000']


def test_a_conflict_with_javamail_properties_names_both(tmp_path):
    props = tmp_path / 'portal-ext.properties'
    props.write_text('# mine\n')
    args = dict(path=str(props), smtp=dict(host='smtp.example.test', security='ssl', port=465, read_timeout=9000),
                javamail_properties={'mail.smtps.timeout': 10000})
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc != 0
    assert run.result['msg'] == ('smtp.read_timeout: sets the JavaMail property mail.smtps.timeout, which '
                                 'javamail_properties.mail.smtps.timeout sets too: keep one of them')
    assert props.read_text() == '# mine\n'


@pytest.mark.parametrize('value, words', [
    (dict(tls_protocols=['TLSv1.2', 'SSLv3']), "'SSLv3' is not a TLS protocol name"),
    (dict(ssl_trust=['*', 'mail.example.test']), '"*" trusts every host'),
    (dict(connect_timeout=0), 'positive number of milliseconds'),
])
def test_bad_values_are_refused_naming_the_option(tmp_path, value, words):
    args = dict(path=str(tmp_path / 'portal-ext.properties'), smtp=dict(host='smtp.example.test', **value))
    run = run_module(tmp_path, SETTINGS, args)
    assert run.rc != 0 and run.result['msg'].startswith('smtp.%s:' % list(value)[0]) and words in run.result['msg']
    assert not (tmp_path / 'portal-ext.properties').exists()


# --- mail_check honours them ---------------------------------------------------------------------------------

def smtp_args(stack, **extra):
    server = dict(host='localhost', port=stack['smtp']['submission'], security='starttls',
                  user=stack['default_user'], password=stack['users'][stack['default_user']])
    server.update(extra)
    return dict(smtp=server, ca_path=stack['ca'], engine='python')


@pytest.mark.parametrize('protocols, negotiated', [(['TLSv1.2'], 'TLSv1.2'), (['TLSv1.3'], 'TLSv1.3')])
def test_mail_check_negotiates_only_the_protocols_given(tmp_path, mail_stack, protocols, negotiated):
    run = run_module(tmp_path, CHECK, smtp_args(mail_stack, tls_protocols=protocols))
    assert run.rc == 0, run.output
    tls = [step for step in run.result['smtp']['steps'] if step['name'] == 'tls'][0]
    assert tls['tls']['version'] == negotiated


def test_mail_check_gives_up_after_read_timeout(tmp_path, mail_stack):
    args = smtp_args(mail_stack, port=mail_stack['smtp']['blackhole'], read_timeout=1000)
    args.update(timeout=20, fail_on_error=False)
    started = time.monotonic()
    run = run_module(tmp_path, CHECK, args)
    assert run.rc == 0, run.output
    result = run.result['smtp']
    assert result['failed_step'] == 'greeting'
    # read_timeout (1 s) bounds the silent greeting, not timeout (20 s).
    assert result['steps'][-1]['ms'] < 5000
    assert time.monotonic() - started < 20
