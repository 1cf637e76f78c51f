"""Pure functions of the java engine: setenv.sh parsing, JVM and jar discovery, session properties, failure mapping."""

import os
import stat
import zipfile

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe import java as java_probe
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.java import (
    JavaUnavailable, classify_jar, complete_classpath, explain_failure, find_mail_jars, java_major,
    keytool_command, last_java_step, locate_java, parse_setenv, parse_version_output, session_properties,
    with_timeouts,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.java_source import java_source
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MailSettings


SETENV_74 = (
    '#!/bin/sh\n'
    '# JAVA_HOME=/commented/out\n'
    'CATALINA_OPTS="$CATALINA_OPTS -Dfile.encoding=UTF-8 -Djava.locale.providers=JRE,COMPAT,CLDR '
    '-Djava.net.preferIPv4Stack=true -Duser.timezone=GMT -Xms2560m -Xmx2560m -XX:MaxNewSize=1536m"\n'
    'export JAVA_HOME=/usr/lib/jvm/java-11-openjdk-amd64\n'
    'CATALINA_OPTS="$CATALINA_OPTS -Djavax.net.ssl.trustStore=$CATALINA_HOME/conf/truststore.p12 '
    "-Djavax.net.ssl.trustStorePassword='s3cret pass' -Djavax.net.ssl.trustStoreType=PKCS12 "
    '-Djdk.tls.client.protocols=TLSv1.2"\n'
)


def test_parse_setenv_reads_java_home_and_tls_options():
    parsed = parse_setenv(SETENV_74, dict(CATALINA_HOME='/opt/liferay/tomcat-9.0.98'))
    assert parsed['java_home'] == '/usr/lib/jvm/java-11-openjdk-amd64'
    assert dict(parsed['system_properties']) == {
        'javax.net.ssl.trustStore': '/opt/liferay/tomcat-9.0.98/conf/truststore.p12',
        'javax.net.ssl.trustStorePassword': 's3cret pass',
        'javax.net.ssl.trustStoreType': 'PKCS12',
        'jdk.tls.client.protocols': 'TLSv1.2',
    }
    assert parsed['unresolved'] == []


def test_parse_setenv_last_assignment_wins_and_unknown_variables_are_reported():
    parsed = parse_setenv('JAVA_HOME="/opt/jdk8"\nJAVA_HOME=/opt/jdk11\n'
                          'JAVA_OPTS="-Djavax.net.ssl.trustStore=${SECRET_DIR}/ts.jks"\n')
    assert parsed['java_home'] == '/opt/jdk11'
    assert parsed['system_properties'] == {}
    assert parsed['unresolved'] == ['javax.net.ssl.trustStore']


def test_parse_setenv_java_home_referencing_a_variable():
    parsed = parse_setenv('JAVA_HOME=$LIFERAY_HOME/jdk\n', dict(LIFERAY_HOME='/opt/liferay'))
    assert parsed['java_home'] == '/opt/liferay/jdk'
    assert parse_setenv('JAVA_HOME=$NOPE/jdk\n')['unresolved'] == ['JAVA_HOME']


@pytest.mark.parametrize('version, major', [('1.8.0_402', 8), ('11.0.22', 11), ('17.0.15', 17), ('21', 21),
                                            ('1.7.0', 7), ('', None), ('abc', None)])
def test_java_major(version, major):
    assert java_major(version) == major


def test_parse_version_output():
    assert parse_version_output('openjdk version "1.8.0_402"\nOpenJDK Runtime Environment') == '1.8.0_402'
    assert parse_version_output('java version "17.0.15" 2025-04-15 LTS') == '17.0.15'


def _fake_java(home):
    os.makedirs(os.path.join(home, 'bin'))
    java = os.path.join(home, 'bin', 'java')
    with open(java, 'w') as handle:
        handle.write('#!/bin/sh\n')
    os.chmod(java, stat.S_IRWXU)
    return home


def test_locate_java_order(tmp_path):
    option = _fake_java(str(tmp_path / 'option'))
    setenv_home = _fake_java(str(tmp_path / 'setenv'))
    env_home = _fake_java(str(tmp_path / 'env'))
    setenv = dict(java_home=setenv_home, path='/x/tomcat/bin/setenv.sh')
    environ = dict(JAVA_HOME=env_home, PATH='')
    assert locate_java(option, setenv, environ) == (option, 'java_home')
    assert locate_java(None, setenv, environ)[0] == setenv_home
    assert locate_java(None, None, environ) == (env_home, 'the JAVA_HOME environment variable')
    # a setenv.sh JAVA_HOME that does not exist falls through to the environment
    assert locate_java(None, dict(java_home=str(tmp_path / 'gone')), environ)[0] == env_home


def test_locate_java_on_path_and_nowhere(tmp_path):
    home = _fake_java(str(tmp_path / 'jdk'))
    link_dir = tmp_path / 'usr-bin'
    link_dir.mkdir()
    os.symlink(os.path.join(home, 'bin', 'java'), str(link_dir / 'java'))
    assert locate_java(None, None, dict(PATH=str(link_dir))) == (os.path.realpath(home), 'java on PATH')
    with pytest.raises(JavaUnavailable, match='no JVM found: no java on PATH; give java_home'):
        locate_java(None, None, dict(PATH=str(tmp_path)))
    with pytest.raises(JavaUnavailable, match='java_home .* has no bin/java'):
        locate_java(str(tmp_path / 'empty'), None, dict(PATH=str(link_dir)))


def _jar(path, entries):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, 'w') as archive:
        for entry in entries:
            archive.writestr(entry, b'\xca\xfe\xba\xbe')
    return path


JAVAX_FULL = ['javax/mail/Session.class', 'com/sun/mail/smtp/SMTPTransport.class']
JAKARTA_API = ['jakarta/mail/Session.class']
ANGUS = ['org/eclipse/angus/mail/smtp/SMTPTransport.class']


def test_classify_jar(tmp_path):
    expected = dict(api='javax.mail', smtp=True, activation=None)
    assert classify_jar(_jar(str(tmp_path / 'mail.jar'), JAVAX_FULL)) == expected
    assert classify_jar(_jar(str(tmp_path / 'a.jar'), ['javax/activation/DataHandler.class']))['activation'] \
        == 'javax.mail'
    not_a_jar = tmp_path / 'portal-kernel.jar'
    not_a_jar.write_text('nope')
    assert classify_jar(str(not_a_jar))['api'] is None


def test_find_mail_jars_in_a_74_bundle(tmp_path):
    home = str(tmp_path)
    shielded = os.path.join(home, 'tomcat-9.0.98', 'webapps', 'ROOT', 'WEB-INF', 'shielded-container-lib')
    _jar(os.path.join(shielded, 'portal-kernel.jar'), ['com/liferay/portal/kernel/util/PropsKeys.class'])
    mail = _jar(os.path.join(shielded, 'mail.jar'), JAVAX_FULL)
    activation = _jar(os.path.join(home, 'tomcat-9.0.98', 'lib', 'ext', 'activation.jar'),
                      ['javax/activation/DataHandler.class'])
    found = find_mail_jars(home)
    assert found['jars'] == [mail, activation] and found['api'] == 'javax.mail' and found['activation']
    assert found['searched'][0] == shielded


def test_find_mail_jars_split_jakarta_api_and_angus(tmp_path):
    home = str(tmp_path)
    lib = os.path.join(home, 'tomcat-10.1.40', 'lib')
    api = _jar(os.path.join(lib, 'jakarta.mail-api.jar'), JAKARTA_API)
    impl = _jar(os.path.join(lib, 'angus-mail.jar'), ANGUS)
    found = find_mail_jars(home)
    assert found['api'] == 'jakarta.mail' and found['jars'][:2] == [api, impl]
    assert not found['activation']


def test_find_mail_jars_by_content_when_renamed(tmp_path):
    renamed = _jar(os.path.join(str(tmp_path), 'tomcat-9.0.98', 'lib', 'ext', 'x-1.0.jar'), JAVAX_FULL)
    assert find_mail_jars(str(tmp_path))['jars'] == [renamed]


def test_find_mail_jars_says_where_it_looked(tmp_path):
    os.makedirs(str(tmp_path / 'tomcat-9.0.98' / 'lib'))
    with pytest.raises(JavaUnavailable, match=r'no javax.mail or jakarta.mail jar under .* \(searched .*tomcat-9.0.98/lib\): give mail_jar'):
        find_mail_jars(str(tmp_path))
    with pytest.raises(JavaUnavailable, match='liferay_home .* is not a folder'):
        find_mail_jars(str(tmp_path / 'missing'))


def test_complete_classpath_api_without_provider(tmp_path):
    api = _jar(str(tmp_path / 'only' / 'jakarta.mail-api.jar'), JAKARTA_API)
    with pytest.raises(JavaUnavailable, match='no SMTP provider'):
        complete_classpath([api])


def _settings(**params):
    return MailSettings.from_params(params)


def test_session_properties_like_mail_service_impl():
    settings = _settings(smtp=dict(host='smtp.example.com', port=465, security='ssl', user='joe', password='pw'),
                         pop=dict(host='pop.example.com', security='ssl', user='joe', password='pw2'),
                         javamail_properties={'mail.smtps.ssl.protocols': 'TLSv1.3', 'mail.smtps.auth': False})
    properties = session_properties(settings)
    assert properties['mail.transport.protocol'] == 'smtps'
    assert properties['mail.smtps.host'] == 'smtp.example.com' and properties['mail.smtps.port'] == '465'
    assert properties['mail.smtps.starttls.enable'] == 'false'
    assert properties['mail.store.protocol'] == 'pop3s' and properties['mail.pop3s.port'] == '995'
    assert properties['mail.smtps.ssl.protocols'] == 'TLSv1.3'
    # the advanced properties come last and win
    assert properties['mail.smtps.auth'] == 'false'
    assert list(properties)[-1] == 'mail.smtps.ssl.protocols'


def test_session_properties_without_pop_uses_liferays_defaults_and_auth_follows_the_user():
    properties = session_properties(_settings(smtp=dict(host='relay', security='none')))
    assert properties['mail.store.protocol'] == 'pop3' and properties['mail.pop3.host'] == 'localhost'
    assert properties['mail.pop3.port'] == '110'
    assert properties['mail.smtp.auth'] == 'false' and properties['mail.smtp.port'] == '25'


def test_with_timeouts_keeps_the_portals_own():
    properties, added = with_timeouts({'mail.smtp.timeout': '60000'}, ['smtp'], 5)
    assert properties['mail.smtp.timeout'] == '60000'
    assert properties['mail.smtp.connectiontimeout'] == '5000' and properties['mail.smtp.writetimeout'] == '5000'
    assert added == ['mail.smtp.connectiontimeout', 'mail.smtp.writetimeout']


def test_last_java_step():
    assert [last_java_step(name) for name in ('dns', 'tcp', 'greeting', 'tls', 'capabilities', 'login')] == \
        ['tcp', 'tcp', 'tls', 'tls', 'tls', 'login']


def test_keytool_command_per_java_version():
    assert keytool_command('/jdk17', 17, 'corp', '/etc/ca.pem') == \
        '/jdk17/bin/keytool -importcert -cacerts -alias corp -file /etc/ca.pem'
    assert keytool_command('/jdk8', 8, 'corp', None) == \
        '/jdk8/bin/keytool -importcert -keystore /jdk8/jre/lib/security/cacerts -storepass changeit -alias corp -file ca.pem'
    assert keytool_command('/jdk17', 17, 'corp', 'ca.pem', '/opt/ts.p12', 'PKCS12') == \
        '/jdk17/bin/keytool -importcert -keystore /opt/ts.p12 -storetype PKCS12 -alias corp -file ca.pem'


def _context(**extra):
    context = dict(kind='smtp', host='smtp.example.com', port=587, security='starttls', user='joe',
                   java_home='/usr/lib/jvm/java-17', java_major=17, timeout=5, ca_path=None, properties={},
                   trust_store='/usr/lib/jvm/java-17/lib/security/cacerts', trust_store_type='pkcs12',
                   trust_store_source='jvm', untrusted_chain=None)
    context.update(extra)
    return context


def _error(*chain, **extra):
    links = [dict({'class': name, 'message': message}, **extra) for name, message in chain]
    return {'class': links[0]['class'], 'message': links[0]['message'], 'chain': links}


PKIX = _error(('javax.net.ssl.SSLHandshakeException', 'PKIX path building failed: ...'),
              ('sun.security.provider.certpath.SunCertPathBuilderException',
               'unable to find valid certification path to requested target'))


def test_explain_pkix_with_the_issuer_and_the_keytool_fix():
    chain = [dict(subject='CN=smtp.example.com', issuer='CN=Corp Issuing CA,O=Corp'),
             dict(subject='CN=Corp Issuing CA,O=Corp', issuer='CN=Corp Root,O=Corp')]
    text = explain_failure('tls', PKIX, _context(untrusted_chain=chain, ca_path='/etc/pki/corp.pem'))
    assert text.startswith('the JVM at /usr/lib/jvm/java-17 does not trust smtp.example.com:587 '
                           '(issuer CN=Corp Issuing CA,O=Corp')
    assert '`/usr/lib/jvm/java-17/bin/keytool -importcert -cacerts -alias Corp Root -file /etc/pki/corp.pem`' in text
    assert '-Djavax.net.ssl.trustStore' in text


def test_explain_pkix_with_a_configured_trust_store():
    text = explain_failure('tls', PKIX, _context(trust_store='/opt/ts.jks', trust_store_type='JKS',
                                                 trust_store_source='javax.net.ssl.trustStore'))
    assert '-importcert -keystore /opt/ts.jks -storetype JKS' in text and 'trust store /opt/ts.jks' in text


def test_explain_protocol_mismatch_names_the_property():
    error = _error(('javax.mail.MessagingException', 'Could not convert socket to TLS'),
                   ('javax.net.ssl.SSLHandshakeException',
                    'No appropriate protocol (protocol is disabled or cipher suites are inappropriate)'))
    text = explain_failure('tls', error, _context(properties={'mail.smtp.ssl.protocols': 'TLSv1.1'}))
    assert text.startswith('no common TLS version with smtp.example.com:587: mail.smtp.ssl.protocols=TLSv1.1')
    text = explain_failure('tls', _error(('javax.net.ssl.SSLHandshakeException',
                                          'Received fatal alert: protocol_version')), _context())
    assert 'share no TLS version' in text


@pytest.mark.parametrize('reply, expected', [
    ('535 5.7.139 Authentication unsuccessful, basic authentication is disabled.', 'Microsoft 365'),
    ('534-5.7.9 Application-specific password required.', 'Gmail needs an app password'),
    ('535 5.7.8 Authentication credentials invalid', None),
])
def test_explain_authentication_failures(reply, expected):
    error = _error(('javax.mail.AuthenticationFailedException', reply))
    text = explain_failure('login', error, _context())
    assert text.startswith('the server rejected smtp.user joe and its password (%s)' % reply)
    if expected:
        assert expected in text
    else:
        assert text.endswith(')')


def test_explain_starttls_not_offered_and_silence():
    error = _error(('probe', 'SIZE 8BITMIME'), code='starttls_not_offered')
    text = explain_failure('tls', error, _context())
    assert 'STARTTLS required (smtp.security: starttls)' in text and 'starttls.required=true' in text
    watchdog = {'class': 'watchdog', 'message': 'x', 'chain': []}
    assert 'within 5 s during tls' in explain_failure('tls', watchdog, _context())
    timeout = _error(('java.net.SocketTimeoutException', 'Read timed out'))
    assert 'stays silent' in explain_failure('tls', timeout, _context())
    refused = _error(('java.net.ConnectException', 'Connection refused'))
    assert explain_failure('tcp', refused, _context()).startswith('connection refused on smtp.example.com:587')
    plain = _error(('javax.net.ssl.SSLException', 'Unsupported or unrecognized SSL message'))
    assert 'use security: starttls' in explain_failure('tls', plain, _context(security='ssl'))


def test_java_source_per_api():
    assert 'import jakarta.mail.Session;' in java_source('jakarta.mail')
    assert 'import javax.mail.Session;' in java_source('javax.mail') and '__MAIL__' not in java_source('javax.mail')
    with pytest.raises(ValueError):
        java_source('org.example.mail')


def test_compare_engines():
    py = dict(smtp=dict(ok=True, failed_step=None, msg='ok'))
    jv = dict(smtp=dict(ok=False, failed_step='tls', msg='smtp x:1: the JVM at /j does not trust x:1 (issuer CN=a)'))
    assert java_probe.compare(py, jv, '/ca.pem') == [
        "smtp: Python trusts this server through ca_path /ca.pem; the portal's JVM does not"]
    assert java_probe.compare(py, dict(smtp=dict(ok=True, failed_step=None, msg='ok'))) == []
    py_bad = dict(smtp=dict(ok=False, failed_step='tls', msg='the server certificate is not trusted (x)'))
    assert 'Python does not' in java_probe.compare(py_bad, dict(smtp=dict(ok=True, failed_step=None, msg='')))[0]


def test_explain_an_unreadable_trust_store():
    error = _error(('javax.net.ssl.SSLException', 'Unexpected error: java.security.InvalidAlgorithmParameterException: '
                    'the trustAnchors parameter must be non-empty'))
    text = explain_failure('tls', error, _context(trust_store='/opt/ts.p12', trust_store_type='pkcs12'))
    assert text.startswith('the JVM found no trusted certificate in its trust store /opt/ts.p12 (type pkcs12)')
    assert 'java_truststore_password' in text
