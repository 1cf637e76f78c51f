"""mail_check's java engine: the portal's JVM, JavaMail jar and trust store against the real mail stack.

Needs a JDK (java, javac, keytool) and Debian's javax.mail.jar; without them the tests skip (and fail under CI).
"""

import os
import stat
import subprocess
import time

import pytest

import javatools
from mailstack_fixtures import require_pop
from mail_check_calls import check, failed, password, pop, smtp, steps
from system_deps import skip_missing

DEBIAN_MAIL_JAR = '/usr/share/java/javax.mail.jar'
STORE_PASSWORD = 'store-secret-4711'


@pytest.fixture(scope='module')
def jdk():
    """The JDK's home; skips (fails under CI) without a JDK with keytool or without Debian's javax.mail.jar."""
    try:
        java = javatools.java_binaries()[0]
        javatools.jar(os.path.basename(DEBIAN_MAIL_JAR))
    except javatools.JavaUnavailable as missing:
        skip_missing('java', str(missing))
    home = os.path.dirname(os.path.dirname(os.path.realpath(java)))
    if not os.path.exists(os.path.join(home, 'bin', 'keytool')):
        skip_missing('java', 'the JDK at %s has no keytool for the trust store tests' % home)
    return home


@pytest.fixture
def truststore(tmp_path, mail_stack, jdk):
    """A PKCS12 trust store holding the stack's CA, built with the JDK's keytool."""
    path = str(tmp_path / 'portal-truststore.p12')
    proc = subprocess.run(['keytool', '-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', path,
                           '-storepass', STORE_PASSWORD, '-alias', 'mailstack-ca', '-file', mail_stack['ca']],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return path


def fake_liferay_home(root, jdk_home=None, setenv_lines=()):
    """A Liferay home laid out like a 7.4 Tomcat bundle, with Debian's JavaMail as the portal's mail jar."""
    tomcat = os.path.join(str(root), 'tomcat-9.0.98')
    shielded = os.path.join(tomcat, 'webapps', 'ROOT', 'WEB-INF', 'shielded-container-lib')
    os.makedirs(shielded)
    os.makedirs(os.path.join(tomcat, 'lib', 'ext'))
    os.makedirs(os.path.join(tomcat, 'bin'))
    os.symlink(os.path.realpath(DEBIAN_MAIL_JAR), os.path.join(shielded, 'mail.jar'))
    for name in ('portal-kernel.jar', 'portal-impl.jar'):  # not jars at all: discovery must skip them
        with open(os.path.join(shielded, name), 'w') as handle:
            handle.write('not a jar')
    lines = ['CATALINA_OPTS="$CATALINA_OPTS -Dfile.encoding=UTF-8 -Duser.timezone=GMT -Xms2560m -Xmx2560m"']
    if jdk_home:
        lines.insert(0, 'JAVA_HOME="%s"' % jdk_home)
    lines.extend(setenv_lines)
    with open(os.path.join(tomcat, 'bin', 'setenv.sh'), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return str(root)


def java_args(stack, **extra):
    args = dict(engine='java', mail_jar=[DEBIAN_MAIL_JAR], timeout=5)
    args.update(extra)
    return args


def test_ca_in_ca_path_but_not_in_the_jvm_python_green_java_red(tmp_path, mail_stack, jdk):
    server = smtp(mail_stack, 'submission', 'starttls')
    run, result = check(tmp_path, dict(smtp=server, ca_path=mail_stack['ca'], engine='python'))
    assert run.rc == 0 and result['ok'] is True and result['engine'] == 'python', run.output

    run, result = check(tmp_path, java_args(mail_stack, smtp=server, ca_path=mail_stack['ca']))
    assert run.rc != 0 and failed(result) and result['engine'] == 'java'
    assert result['smtp']['failed_step'] == 'tls'
    msg = result['smtp']['msg']
    assert 'the JVM at %s does not trust 127.0.0.1:%d' % (jdk, server['port']) in msg
    assert 'liferay_ops.mail test CA' in msg  # the issuer the JVM refused
    assert '%s/bin/keytool -importcert -cacerts -alias' % jdk in msg  # Java 17: -cacerts
    assert '-file %s' % mail_stack['ca'] in msg
    assert 'javax.net.ssl.trustStore' in msg
    assert 'PKIX' in steps(result['smtp'])['tls']['java_exception']
    assert [step['name'] for step in result['smtp']['steps']] == ['tcp', 'tls']


def test_pkcs12_truststore_with_the_ca_is_green_and_reports_the_chain(tmp_path, pop_stack, truststore):
    run, result = check(tmp_path, java_args(pop_stack, smtp=smtp(pop_stack, 'submission', 'starttls'),
                                            pop=pop(pop_stack, 'pop3s', 'ssl'), java_truststore=truststore,
                                            java_truststore_password=STORE_PASSWORD,
                                            java_truststore_type='PKCS12'))
    assert run.rc == 0, run.output
    assert result['ok'] is True and result['changed'] is False and result['engine'] == 'java'
    assert [step['name'] for step in result['smtp']['steps']] == ['tcp', 'tls', 'login']
    assert [step['name'] for step in result['pop3']['steps']] == ['tcp', 'tls', 'login']
    tls = steps(result['smtp'])['tls']['tls']
    assert tls['version'] in ('TLSv1.2', 'TLSv1.3') and tls['cipher'].startswith('TLS_')
    assert 'liferay_ops.mail test CA' in tls['issuer'] and 'DNS:localhost' in tls['san']
    assert result['java']['trust_store'] == truststore and result['java']['trust_store_source'] != 'jvm'
    assert result['java']['mail_api'] == 'javax.mail' and result['java']['mail_version']
    assert steps(result['pop3'])['login']['messages'] >= 0
    assert STORE_PASSWORD not in run.output and password(pop_stack) not in run.output
    assert result['java']['system_properties']['javax.net.ssl.trustStorePassword'] == '********'
    # the session the portal would build, secrets masked, timeouts added where the portal has none
    session = result['java']['session_properties']
    assert session['mail.transport.protocol'] == 'smtp' and session['mail.smtp.starttls.enable'] == 'true'
    assert session['mail.smtp.password'] == '********' and session['mail.store.protocol'] == 'pop3s'
    assert 'mail.smtp.timeout' in result['java']['added_timeouts']
    print('java engine green ladder: module %d ms, JVM %d ms' % (result['elapsed_ms'], result['java']['wall_ms']))


def test_smtps_sends_a_test_message_through_javamail(tmp_path, mail_stack, truststore):
    run, result = check(tmp_path, java_args(mail_stack, smtp=smtp(mail_stack, 'smtps', 'ssl'),
                                            java_truststore=truststore, java_truststore_password=STORE_PASSWORD,
                                            test_message={'from': 'portal@localhost', 'to': 'joe.bloggs@localhost',
                                                          'subject': 'java engine smtps'}))
    assert run.rc == 0, run.output
    assert [step['name'] for step in result['smtp']['steps']] == ['tcp', 'tls', 'login', 'message']
    assert result['java']['session_properties']['mail.transport.protocol'] == 'smtps'
    assert 'mail.smtps.auth' in result['java']['session_properties']
    assert steps(result['smtp'])['message']['message_id']


def test_wrong_password_is_rejected_with_the_servers_reply(tmp_path, pop_stack, truststore):
    run, result = check(tmp_path, java_args(pop_stack, smtp=smtp(pop_stack, 'submission', 'starttls',
                                                                 password='not-the-password'),
                                            pop=pop(pop_stack, 'pop3s', 'ssl', password='not-the-password'),
                                            java_truststore=truststore, java_truststore_password=STORE_PASSWORD))
    assert run.rc != 0 and failed(result)
    assert result['smtp']['failed_step'] == 'login' and result['pop3']['failed_step'] == 'login'
    assert 'the server rejected smtp.user joe.bloggs and its password (535' in result['smtp']['msg']
    assert 'the server rejected pop.user joe.bloggs and its password' in result['pop3']['msg']
    assert 'not-the-password' not in run.output


def test_tls_protocols_property_the_server_does_not_speak(tmp_path, mail_stack, truststore):
    server = smtp(mail_stack, 'submission', 'starttls')
    args = dict(smtp=server, ca_path=mail_stack['ca'], javamail_properties={'mail.smtp.ssl.protocols': 'TLSv1.1'})
    run, result = check(tmp_path, dict(args, engine='python'))
    assert run.rc == 0 and result['ok'], run.output  # Python does not read JavaMail properties
    run, result = check(tmp_path, java_args(mail_stack, java_truststore=truststore,
                                            java_truststore_password=STORE_PASSWORD, **args))
    assert run.rc != 0 and result['smtp']['failed_step'] == 'tls'
    assert 'no common TLS version' in result['smtp']['msg']
    assert 'mail.smtp.ssl.protocols=TLSv1.1' in result['smtp']['msg']
    assert 'TLSv1.2 TLSv1.3' in result['smtp']['msg']


@pytest.mark.parametrize('security', ['starttls', 'ssl'])
def test_blackhole_port_fails_within_the_timeout(tmp_path, mail_stack, jdk, security):
    started = time.monotonic()
    run, result = check(tmp_path, java_args(mail_stack, smtp=smtp(mail_stack, 'blackhole', security), timeout=2))
    wall = time.monotonic() - started
    assert run.rc != 0 and failed(result)
    assert result['smtp']['failed_step'] == 'tls'
    failed_step = steps(result['smtp'])['tls']
    assert failed_step['ms'] <= 2000 + 500, failed_step
    assert 'within 2 s' in result['smtp']['msg'] and 'stays silent' in result['smtp']['msg']
    assert wall < 2 + 8, wall  # the JVM's start-up and ansible-playbook's own time on top
    print('java blackhole (%s): step failed after %d ms' % (security, failed_step['ms']))


def test_no_jvm_auto_falls_back_and_java_fails_clearly(tmp_path, mail_stack, jdk):
    empty = tmp_path / 'no-jdk'
    empty.mkdir()
    server = smtp(mail_stack, 'submission', 'starttls')
    run, result = check(tmp_path, dict(smtp=server, ca_path=mail_stack['ca'], java_home=str(empty),
                                       mail_jar=[DEBIAN_MAIL_JAR]))
    assert run.rc == 0 and result['ok'] is True, run.output
    assert result['engine'] == 'python'
    assert 'python engine' in result['engine_note'] and 'java_home %s has no bin/java' % empty in result['engine_note']

    run, result = check(tmp_path, dict(smtp=server, ca_path=mail_stack['ca'], java_home=str(empty), engine='java',
                                       mail_jar=[DEBIAN_MAIL_JAR]))
    assert run.rc != 0 and failed(result)
    assert result['msg'].startswith('engine java: java_home %s has no bin/java' % empty)


def test_auto_without_a_portal_mail_jar_says_why(tmp_path, mail_stack, jdk):
    home = tmp_path / 'not-liferay'
    home.mkdir()
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls'), ca_path=mail_stack['ca'],
                                       liferay_home=str(home)))
    assert run.rc == 0 and result['engine'] == 'python', run.output
    assert 'no javax.mail or jakarta.mail jar under %s' % home in result['engine_note']


def test_mail_jar_java_home_and_truststore_found_in_a_bundle_layout(tmp_path, mail_stack, truststore, jdk):
    home = fake_liferay_home(tmp_path / 'liferay', jdk_home=jdk, setenv_lines=[
        'CATALINA_OPTS="$CATALINA_OPTS -Djavax.net.ssl.trustStore=%s -Djavax.net.ssl.trustStorePassword=%s '
        '-Djavax.net.ssl.trustStoreType=PKCS12"' % (truststore, STORE_PASSWORD)])
    # auto: a JVM (setenv.sh) and the portal's jar (shielded-container-lib) are there, so java runs
    run, result = check(tmp_path, dict(smtp=smtp(mail_stack, 'submission', 'starttls'), liferay_home=home))
    assert run.rc == 0, run.output
    assert result['engine'] == 'java' and 'engine_note' not in result
    shielded = os.path.join(home, 'tomcat-9.0.98', 'webapps', 'ROOT', 'WEB-INF', 'shielded-container-lib', 'mail.jar')
    assert result['java']['mail_jars'][0] == shielded
    assert result['java']['java_home'] == jdk and result['java']['java_home_source'].startswith('setenv.sh')
    assert result['java']['setenv'].endswith('tomcat-9.0.98/bin/setenv.sh')
    assert result['java']['trust_store'] == truststore
    assert STORE_PASSWORD not in run.output


def test_engine_both_reports_the_disagreement(tmp_path, mail_stack, jdk):
    run, result = check(tmp_path, java_args(mail_stack, smtp=smtp(mail_stack, 'submission', 'starttls'),
                                            ca_path=mail_stack['ca'], engine='both', fail_on_error=False))
    assert run.rc == 0, run.output
    assert result['engine'] == 'both' and result['ok'] is False
    assert result['engines']['python']['smtp']['ok'] is True
    assert result['engines']['java']['smtp']['ok'] is False
    assert result['disagreements'] == [
        "smtp: Python trusts this server through ca_path %s; the portal's JVM does not" % mail_stack['ca']]
    assert result['msg'].startswith('the engines disagree: ')


def test_engine_both_agrees_when_the_jvm_trusts_the_ca(tmp_path, pop_stack, truststore):
    run, result = check(tmp_path, java_args(pop_stack, smtp=smtp(pop_stack, 'submission', 'starttls'),
                                            pop=pop(pop_stack, 'pop3s', 'ssl'), ca_path=pop_stack['ca'],
                                            engine='both', java_truststore=truststore,
                                            java_truststore_password=STORE_PASSWORD))
    assert run.rc == 0, run.output
    assert result['ok'] is True and result['disagreements'] == []


def _wrapper_jdk_8(directory, real_home):
    """A java_home whose java says it is 1.8 and refuses source files, as Java 8 does; javac is the real one."""
    bin_dir = os.path.join(directory, 'bin')
    os.makedirs(bin_dir)
    java = os.path.join(bin_dir, 'java')
    with open(java, 'w') as handle:
        handle.write('#!/bin/sh\n'
                     'case "$*" in *-version*) echo \'openjdk version "1.8.0_402"\' >&2; exit 0;; esac\n'
                     'for arg in "$@"; do case "$arg" in *.java) '
                     'echo "Error: Could not find or load main class $arg" >&2; exit 1;; esac; done\n'
                     'exec "%s/bin/java" "$@"\n' % real_home)
    os.chmod(java, stat.S_IRWXU)
    os.symlink(os.path.join(real_home, 'bin', 'javac'), os.path.join(bin_dir, 'javac'))
    os.symlink(os.path.join(real_home, 'bin', 'keytool'), os.path.join(bin_dir, 'keytool'))
    with open(os.path.join(directory, 'release'), 'w') as handle:
        handle.write('JAVA_VERSION="1.8.0_402"\n')
    return directory


def test_java_8_compiles_with_javac_and_names_its_cacerts(tmp_path, mail_stack, jdk):
    home = _wrapper_jdk_8(str(tmp_path / 'jdk8'), jdk)
    server = smtp(mail_stack, 'submission', 'starttls')
    run, result = check(tmp_path, java_args(mail_stack, smtp=server, java_home=home, fail_on_error=False))
    assert run.rc == 0, run.output
    assert result['java']['major'] == 8 and result['java']['launch'] == 'compiled with javac'
    assert result['smtp']['failed_step'] == 'tls'
    # Java 8 has no -cacerts: the fix names the file
    assert ('%s/bin/keytool -importcert -keystore %s/jre/lib/security/cacerts -storepass changeit'
            % (home, home)) in result['smtp']['msg']


def test_pop_login_and_secrets_stay_out_of_the_command_line(tmp_path, pop_stack, truststore):
    require_pop(pop_stack)
    run, result = check(tmp_path, java_args(pop_stack, pop=pop(pop_stack, 'pop3s', 'ssl'),
                                            java_truststore=truststore, java_truststore_password=STORE_PASSWORD),
                        verbosity=4)
    assert run.rc == 0, run.output
    assert password(pop_stack) not in run.output and STORE_PASSWORD not in run.output
