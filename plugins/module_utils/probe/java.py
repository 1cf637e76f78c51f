# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mail_check's java engine: the ladder from the portal's own JVM, JavaMail jar, trust store and properties.

Discovery (pure functions, unit tested): the portal's ``setenv.sh`` (JAVA_HOME and the
``-Djavax.net.ssl.*`` / ``-Djdk.tls.*`` options), the JVM and its version, the portal's mail jar
and the package it holds (``javax.mail`` or ``jakarta.mail``).

Launch: the Java source of java_source.py goes into a private temporary directory (0700)
that is removed afterwards; Java 11+ runs it as a single source file, older JVMs compile it with
javac first. Every input, secrets included, goes to the JVM on stdin; the command line holds
paths only.

Results: the JVM answers with JSON; this module shapes it like base.ServerProbe's results (same
step names where they apply: tcp, tls, login, rcpt, message) and turns JavaMail/JSSE exceptions
into causes and fixes (``explain_failure``).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections import OrderedDict

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import MailError
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.base import LADDER
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.java_source import CLASS_NAME, java_source
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import printable
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import is_secret_key, masked
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    POP_HOST, POP_PASSWORD, POP_PORT, POP_USER, SMTP_HOST, SMTP_PASSWORD, SMTP_PORT,
    SMTP_STARTTLS, SMTP_USER, STORE_PROTOCOL, TRANSPORT_PROTOCOL, render_javamail_properties,
)

# Where Liferay Tomcat bundles keep their libraries, most specific first (relative to liferay_home).
# 7.4 GA3+ and 2025.x: the shielded container (tomcat-*/webapps/ROOT/WEB-INF/shielded-container-lib);
# older 7.x: tomcat-*/lib/ext; the global classpath tomcat-*/lib and the portal's WEB-INF/lib complete it.
JAR_DIRS = (
    'tomcat*/webapps/ROOT/WEB-INF/shielded-container-lib',
    'tomcat*/webapps/ROOT/WEB-INF/lib',
    'tomcat*/lib/ext',
    'tomcat*/lib',
)
_MAIL_NAME_RE = re.compile(r'^(mail|mailapi|javax\.mail|jakarta\.mail|com\.sun\.mail|angus-mail|'
                           r'org\.eclipse\.angus\.mail)([-._].*)?\.jar$', re.IGNORECASE)
_ACTIVATION_NAME_RE = re.compile(r'^(activation|javax\.activation|jakarta\.activation|angus-activation|'
                                 r'com\.sun\.activation)([-._].*)?\.jar$', re.IGNORECASE)
_SESSION_CLASSES = (('javax.mail', 'javax/mail/Session.class'), ('jakarta.mail', 'jakarta/mail/Session.class'))
_SMTP_PROVIDERS = ('com/sun/mail/smtp/SMTPTransport.class', 'org/eclipse/angus/mail/smtp/SMTPTransport.class')
_ACTIVATION_CLASSES = {'javax.mail': 'javax/activation/DataHandler.class',
                       'jakarta.mail': 'jakarta/activation/DataHandler.class'}

# -D options of setenv.sh that change how the JVM does TLS; they are handed to the probe's JVM.
_SYSTEM_PROPERTY_RE = re.compile(
    r'''-D((?:javax\.net\.ssl|jdk\.tls|jdk\.certpath|com\.sun\.net\.ssl|java\.security\.properties|'''
    r'''sun\.security\.ssl|mail\.)[A-Za-z0-9_.]*)=("[^"]*"|'[^']*'|[^\s"']*)''')
_JAVA_HOME_RE = re.compile(r'''^\s*(?:export\s+)?JAVA_HOME=("[^"]*"|'[^']*'|[^\s;#]*)''')
_VARIABLE_RE = re.compile(r'\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?')

TIMEOUT_KEYS = ('connectiontimeout', 'timeout', 'writetimeout')


class JavaUnavailable(MailError):
    """No usable JVM or mail jar; the text says what was looked for and how to fix it."""


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
        return value[1:-1]
    return value


def _expand(value, variables):
    """Expand $VAR/${VAR} from ``variables``; None when a reference stays unknown."""
    unknown = []

    def replace(match):
        name = match.group(1)
        if name in variables and variables[name] is not None:
            return variables[name]
        unknown.append(name)
        return match.group(0)

    expanded = _VARIABLE_RE.sub(replace, value)
    return None if unknown else expanded


def parse_setenv(text, variables=None):
    """JAVA_HOME and the TLS-related -D options of a setenv.sh.

    Returns dict(java_home=str or None, system_properties=OrderedDict, unresolved=[names]).
    The last assignment wins, as in the shell; comment lines are ignored. ``variables`` expands
    references such as $CATALINA_HOME; values with unknown references are reported as unresolved.
    """
    variables = dict(variables or {})
    java_home = None
    properties = OrderedDict()
    unresolved = []
    for raw in (text or '').splitlines():
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        match = _JAVA_HOME_RE.match(line)
        if match:
            value = _expand(_unquote(match.group(1)), variables)
            if value is None:
                unresolved.append('JAVA_HOME')
            else:
                java_home = value
                variables['JAVA_HOME'] = value
        for name, value in _SYSTEM_PROPERTY_RE.findall(line):
            expanded = _expand(_unquote(value), variables)
            if expanded is None:
                unresolved.append(name)
                continue
            properties[name] = expanded
    return dict(java_home=java_home, system_properties=properties, unresolved=unresolved)


def find_setenv(liferay_home):
    """The setenv.sh files of the Tomcat bundles under liferay_home (sorted; usually one)."""
    if not liferay_home:
        return []
    return sorted(glob.glob(os.path.join(liferay_home, 'tomcat*', 'bin', 'setenv.sh')))


def read_setenv(liferay_home):
    """parse_setenv of the first setenv.sh under liferay_home, with its path; None without one."""
    for path in find_setenv(liferay_home):
        tomcat = os.path.dirname(os.path.dirname(path))
        with open(path, 'r', errors='replace') as handle:
            variables = dict(CATALINA_HOME=tomcat, CATALINA_BASE=tomcat, LIFERAY_HOME=liferay_home)
            parsed = parse_setenv(handle.read(), variables)
        parsed['path'] = path
        return parsed
    return None


def java_major(version):
    """8 for '1.8.0_402', 17 for '17.0.15', 21 for '21'; None when it cannot be read."""
    match = re.match(r'^\s*(\d+)(?:\.(\d+))?', version or '')
    if not match:
        return None
    first = int(match.group(1))
    if first == 1 and match.group(2):
        return int(match.group(2))
    return first


def parse_version_output(text):
    """The version string of `java -version` output (stderr)."""
    match = re.search(r'version "([^"]+)"', text or '')
    return match.group(1) if match else None


def read_release(java_home):
    """JAVA_VERSION from $JAVA_HOME/release, or None."""
    try:
        with open(os.path.join(java_home, 'release'), 'r', errors='replace') as handle:
            for line in handle:
                if line.startswith('JAVA_VERSION='):
                    return _unquote(line.split('=', 1)[1])
    except (IOError, OSError):
        return None
    return None


def locate_java(java_home=None, setenv=None, environ=None, path=None):
    """(java_home, source) of the JVM to use, or raise JavaUnavailable.

    Order: the option, JAVA_HOME of the portal's setenv.sh, the JAVA_HOME environment variable,
    then ``java`` on PATH (its home is two levels above the resolved binary).
    """
    environ = os.environ if environ is None else environ
    candidates = []
    if java_home:
        candidates.append((java_home, 'java_home'))
    else:
        if setenv and setenv.get('java_home'):
            candidates.append((setenv['java_home'], 'setenv.sh %s' % setenv.get('path', '')))
        if environ.get('JAVA_HOME'):
            candidates.append((environ['JAVA_HOME'], 'the JAVA_HOME environment variable'))
    for home, source in candidates:
        if os.access(os.path.join(home, 'bin', 'java'), os.X_OK):
            return home, source
        if source == 'java_home':
            raise JavaUnavailable('java_home %s has no bin/java: give the JDK or JRE the portal runs on' % home)
    binary = None
    search = environ.get('PATH', '') if path is None else path
    for directory in search.split(os.pathsep):
        candidate = os.path.join(directory, 'java')
        if directory and os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            binary = candidate
            break
    if binary is None:
        tried = ', '.join('%s (%s)' % (home, source) for home, source in candidates)
        raise JavaUnavailable('no JVM found: %sno java on PATH; give java_home (or liferay_home, whose '
                              'setenv.sh names JAVA_HOME)' % ('no bin/java in %s; ' % tried if tried else ''))
    return os.path.dirname(os.path.dirname(os.path.realpath(binary))), 'java on PATH'


def java_version(java_home, runner):
    """(version string, major) of the JVM: the release file when present, else `java -version`.

    ``runner(args, data=None, cwd=None)`` returns (rc, stdout, stderr), like AnsibleModule.run_command.
    """
    version = read_release(java_home)
    if not version:
        try:
            rc, out, err = runner([os.path.join(java_home, 'bin', 'java'), '-version'])
        except (IOError, OSError) as exc:
            raise JavaUnavailable('%s/bin/java -version failed: %s' % (java_home, type(exc).__name__))
        version = parse_version_output((err or '') + (out or ''))
    major = java_major(version)
    if major is None:
        raise JavaUnavailable('could not tell the version of %s/bin/java' % java_home)
    return version, major


def classify_jar(path):
    """What a jar holds: dict(api=javax.mail|jakarta.mail|None, smtp=bool, activation=javax.mail|jakarta.mail|None)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (IOError, OSError, zipfile.BadZipfile):
        return dict(api=None, smtp=False, activation=None)
    api = next((name for name, entry in _SESSION_CLASSES if entry in names), None)
    activation = next((api_name for api_name, entry in _ACTIVATION_CLASSES.items() if entry in names), None)
    return dict(api=api, smtp=any(entry in names for entry in _SMTP_PROVIDERS), activation=activation)


def _jars(directory):
    try:
        return sorted(os.path.join(directory, name) for name in os.listdir(directory) if name.endswith('.jar'))
    except OSError:
        return []


def jar_dirs(liferay_home):
    """The existing library folders of a Liferay home, in JAR_DIRS order."""
    found = []
    for pattern in JAR_DIRS:
        for directory in sorted(glob.glob(os.path.join(liferay_home, pattern))):
            if os.path.isdir(directory) and directory not in found:
                found.append(directory)
    return found


def find_mail_jars(liferay_home):
    """The portal's mail jar (with its implementation and activation jars when they are separate).

    Returns dict(jars=[paths], api=..., searched=[folders]); raises JavaUnavailable naming the folders.
    Jars are matched by name first (mail.jar, javax.mail*.jar, jakarta.mail*.jar, angus-mail*.jar, ...),
    then every jar of the folders is opened, so a renamed jar is found too.
    """
    if not liferay_home or not os.path.isdir(liferay_home):
        raise JavaUnavailable('no mail jar: liferay_home %s is not a folder; give liferay_home or mail_jar'
                              % (liferay_home or '(not set)'))
    directories = jar_dirs(liferay_home)
    for by_name in (True, False):
        for directory in directories:
            for path in _jars(directory):
                if by_name and not _MAIL_NAME_RE.match(os.path.basename(path)):
                    continue
                kind = classify_jar(path)
                if kind['api']:
                    return dict(complete_classpath([path], directories), searched=directories)
    raise JavaUnavailable('no javax.mail or jakarta.mail jar under %s (searched %s): give mail_jar'
                          % (liferay_home, ', '.join(directories) or 'no library folder: '
                             + ', '.join(JAR_DIRS)))


def complete_classpath(jars, extra_dirs=()):
    """Add the SMTP implementation and activation jars a mail API jar needs, from its own folder first.

    Returns dict(jars=[...], api=..., activation=bool).
    """
    jars = list(jars)
    kinds = [classify_jar(path) for path in jars]
    api = next((kind['api'] for kind in kinds if kind['api']), None)
    if api is None:
        raise JavaUnavailable('mail_jar %s holds neither javax.mail nor jakarta.mail classes' % ', '.join(jars))
    has_smtp = any(kind['smtp'] for kind in kinds)
    has_activation = any(kind['activation'] == api for kind in kinds)
    folders = []
    for path in jars:
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in folders:
            folders.append(folder)
    folders.extend(directory for directory in extra_dirs if directory not in folders)
    for folder in folders:
        for path in _jars(folder):
            if path in jars or (has_smtp and has_activation):
                continue
            name = os.path.basename(path)
            if not has_smtp and _MAIL_NAME_RE.match(name):
                kind = classify_jar(path)
                if kind['smtp'] and kind['api'] in (None, api):
                    jars.append(path)
                    has_smtp = True
            elif not has_activation and _ACTIVATION_NAME_RE.match(name):
                if classify_jar(path)['activation'] == api:
                    jars.append(path)
                    has_activation = True
    if not has_smtp:
        raise JavaUnavailable('%s holds the %s API but no SMTP provider (com.sun.mail or org.eclipse.angus.mail): '
                              'add the implementation jar to mail_jar' % (jars[0], api))
    return dict(jars=jars, api=api, activation=has_activation)


def session_properties(settings):
    """The JavaMail session properties Liferay builds from these settings (MailServiceImpl).

    Built from MailSettings.portal_properties(), the key set the backends write: the store and
    transport protocols (anything else than pop3s/smtps normalised), host/port/user/password under
    the protocol's prefix, ``mail.<transport>.auth`` when a user or password is set, STARTTLS, and
    the advanced properties on top. For a server that is not configured, Liferay's defaults
    (portal.properties: localhost, 110/25, pop3/smtp) are used, as the portal would.
    """
    keys = settings.portal_properties()
    properties = OrderedDict()
    store = 'pop3s' if keys.get(STORE_PROTOCOL) == 'pop3s' else 'pop3'
    transport = 'smtps' if keys.get(TRANSPORT_PROTOCOL) == 'smtps' else 'smtp'
    properties['mail.store.protocol'] = store
    properties['mail.%s.host' % store] = keys.get(POP_HOST) or 'localhost'
    properties['mail.%s.password' % store] = keys.get(POP_PASSWORD) or ''
    properties['mail.%s.port' % store] = keys.get(POP_PORT) or '110'
    properties['mail.%s.user' % store] = keys.get(POP_USER) or ''
    properties['mail.transport.protocol'] = transport
    user = keys.get(SMTP_USER) or ''
    password = keys.get(SMTP_PASSWORD) or ''
    properties['mail.%s.auth' % transport] = 'true' if (user.strip() or password.strip()) else 'false'
    properties['mail.%s.host' % transport] = keys.get(SMTP_HOST) or 'localhost'
    properties['mail.%s.password' % transport] = password
    properties['mail.%s.port' % transport] = keys.get(SMTP_PORT) or '25'
    properties['mail.%s.starttls.enable' % transport] = keys.get(SMTP_STARTTLS) or 'true'
    properties['mail.%s.user' % transport] = user
    # the advanced properties (ADVANCED_PROPERTIES, the same mapping as text) go on top
    properties.update(settings.effective_javamail_properties())
    return properties


def protocol_of(kind, security):
    if kind == 'smtp':
        return 'smtps' if security == 'ssl' else 'smtp'
    return 'pop3s' if security == 'ssl' else 'pop3'


def with_timeouts(properties, protocols, timeout):
    """A copy of ``properties`` with connect/read/write timeouts (ms) where the portal sets none.

    Returns (properties, added keys). Keys the portal sets stay as they are; the probe's watchdog
    still ends a step after ``timeout`` seconds.
    """
    result = OrderedDict(properties)
    added = []
    for protocol in protocols:
        for name in TIMEOUT_KEYS:
            key = 'mail.%s.%s' % (protocol, name)
            if not str(result.get(key, '')).strip():
                result[key] = str(int(timeout * 1000))
                added.append(key)
    return result, added


def last_java_step(last):
    """The java ladder's last step for the python ladder's last step."""
    index = LADDER.index(last)
    if index <= LADDER.index('tcp'):
        return 'tcp'
    if index < LADDER.index('login'):
        return 'tls'
    return 'login'


def keytool_command(java_home, major, alias, ca_file, trust_store=None, trust_store_type=None):
    """The keytool line that adds a CA to the trust store the portal's JVM reads."""
    keytool = os.path.join(java_home, 'bin', 'keytool')
    ca_file = ca_file or 'ca.pem'
    if trust_store:
        return '%s -importcert -keystore %s%s -alias %s -file %s' % (
            keytool, trust_store, ' -storetype %s' % trust_store_type if trust_store_type else '', alias, ca_file)
    if major is not None and major >= 9:
        return '%s -importcert -cacerts -alias %s -file %s' % (keytool, alias, ca_file)
    return '%s -importcert -keystore %s -storepass changeit -alias %s -file %s' % (
        keytool, os.path.join(java_home, 'jre', 'lib', 'security', 'cacerts'), alias, ca_file)


def _chain_text(error):
    return ' | '.join('%s: %s' % (link.get('class'), link.get('message') or '') for link in error.get('chain', ()))


def _cn(name):
    match = re.search(r'(?:^|,)\s*(?:CN|O)=([^,]+)', name or '')
    return match.group(1).strip() if match else 'ca'


def explain_failure(step, error, context):
    """A cause and a fix for a JavaMail/JSSE failure of one step.

    ``error`` is the probe's description (class, message, chain of class/message); ``context`` has
    kind, host, port, security, user, java_home, java_major, trust_store, trust_store_type,
    trust_store_source, ca_path, properties (the session properties), untrusted_chain.
    """
    kind = context['kind']
    host, port = context['host'], context['port']
    where = '%s:%s' % (host, port)
    protocol = protocol_of(kind, context['security'])
    text = _chain_text(error)
    lowered = text.lower()
    classes = [link.get('class') or '' for link in error.get('chain', ())]
    codes = [link.get('code') for link in error.get('chain', ()) if link.get('code')]
    first_message = printable(error.get('message') or '', 300)

    if error.get('class') == 'watchdog':
        return ('no answer from %s within %s s during %s: the server accepts connections but stays silent '
                '(a firewall or proxy that swallows traffic, or a service that is not %s)'
                % (where, context.get('timeout'), step, 'SMTP' if kind == 'smtp' else 'POP3'))
    if 'starttls_not_offered' in codes:
        return ('STARTTLS required (smtp.security: starttls) but %s does not offer it (EHLO offers: %s): JavaMail '
                'would go on in clear text, because Liferay sets only mail.smtp.starttls.enable (add '
                'mail.smtp.starttls.required=true to javamail_properties to refuse)' % (where, first_message or 'nothing'))
    if 'starttls_refused' in codes:
        return 'the server refused STARTTLS (%s)' % first_message
    if 'mail_from' in codes or 'rcpt_to' in codes:
        return '%s refused (%s)' % ('MAIL FROM' if 'mail_from' in codes else 'RCPT TO', first_message)
    if 'greeting' in codes:
        return 'the server greets with %s: it does not accept mail now' % first_message
    if 'pkix path' in lowered or any(name.endswith('CertPathBuilderException') for name in classes):
        chain = context.get('untrusted_chain') or []
        issuer = chain[0]['issuer'] if chain else 'unknown'
        ca_file = context.get('ca_path')
        if ca_file and os.path.isdir(ca_file):
            ca_file = None
        command = keytool_command(context['java_home'], context.get('java_major'), _cn(chain[-1]['issuer'] if chain else ''),
                                  ca_file, context.get('trust_store') if context.get('trust_store_source') != 'jvm' else None,
                                  context.get('trust_store_type') if context.get('trust_store_source') != 'jvm' else None)
        store = context.get('trust_store') or 'its cacerts'
        return ('the JVM at %s does not trust %s (issuer %s; trust store %s): import the CA with `%s`, or point '
                '-Djavax.net.ssl.trustStore (java_truststore) at a store that holds it (PKIX path building failed)'
                % (context['java_home'], where, issuer, store, command))
    if 'trustanchors parameter must be non-empty' in lowered:
        return ('the JVM found no trusted certificate in its trust store %s (type %s): a wrong path or type, or a '
                'PKCS12 store read without its password (give java_truststore_password, or '
                '-Djavax.net.ssl.trustStorePassword in setenv.sh)'
                % (context.get('trust_store') or '?', context.get('trust_store_type') or '?'))
    if 'no appropriate protocol' in lowered or 'protocol_version' in lowered or 'unsupported protocol' in lowered \
            or ('protocol' in lowered and 'handshake_failure' in lowered):
        configured = context.get('properties', {}).get('mail.%s.ssl.protocols' % protocol)
        if configured:
            hint = ('mail.%s.ssl.protocols=%s leaves no TLS version that both the JVM (jdk.tls.disabledAlgorithms '
                    'disables TLSv1 and TLSv1.1 on current JVMs) and the server accept: set it to "TLSv1.2 TLSv1.3" '
                    'or remove it' % (protocol, configured))
        else:
            hint = ('the JVM and the server share no TLS version (the JVM at %s may disable what the server offers, '
                    'see jdk.tls.disabledAlgorithms in its java.security)' % context['java_home'])
        return 'no common TLS version with %s: %s (%s)' % (where, hint, first_message)
    if 'no subject alternative' in lowered or 'no name matching' in lowered or "doesn't match" in lowered:
        return ('the server certificate is not valid for %s (%s): connect by a name the certificate lists, or have '
                'the certificate reissued' % (host, printable(text, 200)))
    if 'certificateexpired' in lowered or 'validity check failed' in lowered:
        return 'the server certificate has expired (%s): renew it on the mail server' % first_message
    if 'unrecognized ssl message' in lowered or 'plaintext connection' in lowered:
        return ('%s does not speak implicit TLS (%s.security ssl) but answers in plain text: use security: %s'
                % (where, kind, 'starttls' if kind == 'smtp' else 'none'))
    if any(name.endswith('AuthenticationFailedException') for name in classes):
        reply = first_message
        base = 'the server rejected %s.user %s and its password (%s)' % (kind, context.get('user') or '', reply)
        if '5.7.139' in reply:
            return base + ': Microsoft 365 has basic authentication (SMTP AUTH) disabled for this tenant or mailbox: use OAuth2'
        if '5.7.9' in reply or 'application-specific password' in reply.lower():
            return base + ': Gmail needs an app password (or OAuth2) for this account'
        if '5.7.0' in reply and 'starttls' in reply.lower():
            return base + ': the server wants STARTTLS before AUTH: use security: starttls'
        return base
    if 'unknownhostexception' in lowered:
        return '%s.host %s does not resolve from the JVM: check the host name and this host\'s DNS' % (kind, host)
    if 'connectexception' in lowered and 'refused' in lowered:
        return ('connection refused on %s: nothing listens there, or a firewall rejects the connection' % where)
    if 'noroutetohost' in lowered or 'network is unreachable' in lowered:
        return '%s is unreachable: no route to that network or host from here' % where
    if 'sockettimeoutexception' in lowered or 'timed out' in lowered:
        if 'connect timed out' in lowered:
            return 'no answer from %s within the timeout: a firewall drops the packets or the host is down' % where
        return ('no answer from %s within %s s during %s: the server accepts connections but stays silent'
                % (where, context.get('timeout'), step))
    if 'sslhandshakeexception' in lowered or 'sslexception' in lowered:
        return 'TLS handshake with %s failed: %s' % (where, printable(text, 300))
    if 'could not convert socket to tls' in lowered:
        return 'STARTTLS with %s failed: %s' % (where, printable(text, 300))
    if 'starttls is required' in lowered:
        return 'STARTTLS is required (mail.%s.starttls.required) but %s does not offer it' % (protocol, where)
    if 'closed' in lowered or 'eof' in lowered:
        return 'the server closed the connection during %s (%s)' % (step, printable(text, 200))
    return '%s failed: %s' % (step, printable(text, 300))


def _step_detail(name, step, context):
    if step.get('skipped'):
        if name == 'tls':
            return '%s.security none: plain %s, no TLS' % (context['kind'], 'SMTP' if context['kind'] == 'smtp' else 'POP3')
        return 'no %s.user: login not checked' % context['kind']
    if name == 'tcp':
        return 'the JVM connected to %s port %s' % (step.get('address'), context['port'])
    if name == 'tls':
        tls = step.get('tls') or {}
        return '%s%s, %s, certificate trusted by the JVM (issuer %s, %s days left)' % (
            'STARTTLS: ' if context['security'] == 'starttls' else '', tls.get('version'), tls.get('cipher'),
            tls.get('issuer'), tls.get('days_left'))
    if name == 'login':
        if step.get('authenticated') is False:
            return 'JavaMail connected without AUTH (no smtp.user: Liferay sends unauthenticated)'
        text = 'JavaMail logged in as %s' % step.get('user')
        if 'messages' in step:
            text += ', %d messages in the mailbox' % step['messages']
        return text
    if name == 'rcpt':
        return 'the server accepts mail from %s to %s; stopped before DATA' % (step.get('sender'), step.get('recipient'))
    if name == 'message':
        return 'JavaMail sent a test message to %s (%s)' % (step.get('recipient'), step.get('last_reply') or 'accepted')
    return name


def shape_results(raw, servers, context_base, redactor):
    """The probe's JSON for each server, shaped like ServerProbe.run() results."""
    results = {}
    for kind, server in servers:
        steps = []
        failed = None
        context = dict(context_base, kind=kind, host=server['host'], port=server['port'],
                       security=server['security'], user=server.get('user'))
        for step in raw.get('servers', {}).get(kind, []):
            record = OrderedDict((key, value) for key, value in step.items() if key not in ('error', 'untrusted_chain'))
            record['ms'] = int(step.get('ms') or 0)
            if step.get('ok'):
                record['detail'] = redactor(_step_detail(step['name'], step, context))
            else:
                context['untrusted_chain'] = step.get('untrusted_chain')
                detail = explain_failure(step['name'], step.get('error') or {}, context)
                record['detail'] = redactor('%s %s:%s: %s' % (kind, server['host'], server['port'], detail))
                record['java_exception'] = redactor(printable(_chain_text(step.get('error') or {}), 600))
                if step.get('untrusted_chain'):
                    record['untrusted_chain'] = step['untrusted_chain']
                failed = record
            steps.append(record)
        if failed is None and not steps:
            failed = dict(name='internal', detail='%s: the java probe returned no steps' % kind)
        results[kind] = dict(
            host=server['host'], port=server['port'], security=server['security'], engine='java',
            ok=failed is None,
            failed_step=failed['name'] if failed else None,
            msg=failed['detail'] if failed else 'all %d steps passed in the portal\'s JVM' % len(steps),
            steps=steps,
            elapsed_ms=sum(step['ms'] for step in steps),
        )
    return results


class JavaEngine(object):
    """Everything the java engine needs, found once: JVM, version, jars, trust store, setenv.sh options.

    ``prepare()`` raises JavaUnavailable with the reason; ``run()`` runs the ladder in one JVM.
    """

    def __init__(self, runner, java_home=None, mail_jar=None, liferay_home=None, truststore=None,
                 truststore_password=None, truststore_type=None, environ=None):
        # runner(args, data=None, cwd=None) -> (rc, stdout, stderr): the module's run_command
        self.runner = runner
        self.option_java_home = java_home
        self.option_mail_jar = mail_jar or []
        self.liferay_home = liferay_home or (environ if environ is not None else os.environ).get('LIFERAY_HOME')
        self.option_truststore = truststore
        self.option_truststore_password = truststore_password
        self.option_truststore_type = truststore_type
        self.environ = os.environ if environ is None else environ
        self.setenv = None
        self.java_home = None
        self.java_source = None
        self.version = None
        self.major = None
        self.classpath = None
        self.system_properties = OrderedDict()
        self.notes = []

    def secrets(self):
        values = [self.option_truststore_password]
        values += [value for key, value in self.system_properties.items() if is_secret_key(key)]
        return [value for value in values if value]

    def prepare(self):
        self.setenv = read_setenv(self.liferay_home) if self.liferay_home else None
        if self.setenv and self.setenv['unresolved']:
            self.notes.append('%s: could not resolve %s (shell variables): ignored'
                              % (self.setenv['path'], ', '.join(self.setenv['unresolved'])))
        self.java_home, self.java_source = locate_java(self.option_java_home, self.setenv, self.environ)
        self.version, self.major = java_version(self.java_home, self.runner)
        if self.option_mail_jar:
            missing = [path for path in self.option_mail_jar if not os.path.isfile(path)]
            if missing:
                raise JavaUnavailable('mail_jar %s does not exist' % ', '.join(missing))
            self.classpath = complete_classpath(self.option_mail_jar)
        else:
            self.classpath = find_mail_jars(self.liferay_home)
        if not self.classpath['activation'] and self.major >= 11:
            self.notes.append('no %s activation jar next to %s: sending a message may fail on Java %d'
                              % ('javax' if self.classpath['api'] == 'javax.mail' else 'jakarta',
                                 self.classpath['jars'][0], self.major))
        if self.setenv:
            self.system_properties.update(self.setenv['system_properties'])
        if self.option_truststore:
            if not os.path.isfile(self.option_truststore):
                raise JavaUnavailable('java_truststore %s does not exist' % self.option_truststore)
            self.system_properties['javax.net.ssl.trustStore'] = self.option_truststore
            self.system_properties.pop('javax.net.ssl.trustStorePassword', None)
            if self.option_truststore_password is not None:
                self.system_properties['javax.net.ssl.trustStorePassword'] = self.option_truststore_password
        if self.option_truststore_type:
            self.system_properties['javax.net.ssl.trustStoreType'] = self.option_truststore_type
        return self

    def facts(self):
        return OrderedDict((
            ('java_home', self.java_home),
            ('java_home_source', self.java_source),
            ('version', self.version),
            ('major', self.major),
            ('mail_api', self.classpath['api'] if self.classpath else None),
            ('mail_jars', self.classpath['jars'] if self.classpath else []),
            ('setenv', self.setenv['path'] if self.setenv else None),
            ('system_properties', masked(self.system_properties)),
        ))

    def command(self, workdir):
        """(compile command or None, run command) for a probe written to ``workdir``."""
        java = os.path.join(self.java_home, 'bin', 'java')
        source = os.path.join(workdir, CLASS_NAME + '.java')
        classpath = os.pathsep.join(self.classpath['jars'])
        fast = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto']
        if self.major >= 11:
            return None, [java] + fast + ['-cp', classpath, source]
        javac = os.path.join(self.java_home, 'bin', 'javac')
        if not os.access(javac, os.X_OK):
            raise JavaUnavailable('Java %s at %s cannot run a source file and has no javac (a JRE): '
                                  'give java_home of a JDK 8, or any JDK 11+' % (self.version, self.java_home))
        classes = os.path.join(workdir, 'classes')
        return ([javac, '-nowarn', '-encoding', 'UTF-8', '-cp', classpath, '-d', classes, source],
                [java] + fast + ['-cp', os.pathsep.join([classes, classpath]), CLASS_NAME])

    def stdin_text(self, properties, servers, timeout, last, rcpt_probe=None, test_message=None):
        data = OrderedDict()
        for key, value in self.system_properties.items():
            data['system.' + key] = value
        for key, value in properties.items():
            data['session.' + key] = value
        data['probe.timeout'] = str(int(timeout * 1000))
        data['probe.servers'] = ','.join(kind for kind, server in servers)
        for kind, server in servers:
            data[kind + '.host'] = server['host']
            data[kind + '.port'] = str(server['port'])
            data[kind + '.security'] = server['security']
            data[kind + '.user'] = server.get('user') or ''
            data[kind + '.password'] = server.get('password') or ''
            data[kind + '.last'] = last
        if test_message:
            data['smtp.message.from'] = test_message['from']
            data['smtp.message.to'] = test_message['to']
            data['smtp.message.subject'] = test_message.get('subject') or 'liferay_ops.mail test message'
        elif rcpt_probe:
            data['smtp.rcpt.from'] = rcpt_probe['from']
            data['smtp.rcpt.to'] = rcpt_probe['to']
        return render_javamail_properties(data) + '\n'

    def run(self, settings, servers, timeout, last_step, redactor, ca_path=None, rcpt_probe=None,
            test_message=None):
        """Run the ladder for ``servers`` [(kind, server dict)] in one JVM; returns {kind: result} and facts."""
        base = session_properties(settings)
        protocols = [protocol_of(kind, server['security']) for kind, server in servers]
        properties, added = with_timeouts(base, protocols, timeout)
        last = last_java_step(last_step)
        text = self.stdin_text(properties, servers, timeout, last, rcpt_probe, test_message)
        workdir = tempfile.mkdtemp(prefix='liferay-ops-mail-')
        started = time.monotonic()
        try:
            os.chmod(workdir, 0o700)
            with open(os.path.join(workdir, CLASS_NAME + '.java'), 'w', encoding='utf-8') as handle:
                handle.write(java_source(self.classpath['api']))
            compile_command, run_command = self.command(workdir)
            if compile_command:
                rc, out, err = self.runner(compile_command, cwd=workdir)
                if rc != 0:
                    raise JavaUnavailable('javac of %s could not compile the probe: %s' % (
                        self.java_home, printable(err or out, 400)))
            # The probe's own watchdog ends every step after the timeout and halts the JVM.
            rc, out, err = self.runner(run_command, data=text, cwd=workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        wall_ms = int((time.monotonic() - started) * 1000)
        output = (out or '').strip().splitlines()
        try:
            raw = json.loads(output[-1]) if output else None
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            raise JavaUnavailable('the java probe failed (exit %d): %s' % (
                rc, redactor(printable(err or '', 600)) or 'no output'))
        jvm = raw.get('java') or {}
        context = dict(java_home=self.java_home, java_major=self.major, timeout=timeout, ca_path=ca_path,
                       properties=properties, trust_store=jvm.get('trust_store'),
                       trust_store_type=jvm.get('trust_store_type'), trust_store_source=jvm.get('trust_store_source'))
        results = shape_results(raw, servers, context, redactor)
        facts = self.facts()
        facts.update(
            runtime_version=jvm.get('version'),
            mail_version=jvm.get('mail_version'),
            trust_store=jvm.get('trust_store'),
            trust_store_type=jvm.get('trust_store_type'),
            trust_store_source=jvm.get('trust_store_source'),
            launch='compiled with javac' if self.major < 11 else 'single source file',
            wall_ms=wall_ms,
            session_properties=masked(properties),
            added_timeouts=added,
        )
        return results, facts


def compare(python_results, java_results, ca_path=None, validate_certs=True):
    """Sentences for every server where the two engines disagree."""
    sentences = []
    for kind in ('smtp', 'pop'):
        py, jv = python_results.get(kind), java_results.get(kind)
        if py is None or jv is None or py['ok'] == jv['ok'] and py.get('failed_step') == jv.get('failed_step'):
            continue
        if py['ok'] and not jv['ok']:
            if jv['failed_step'] == 'tls' and 'does not trust' in jv['msg']:
                if ca_path:
                    sentences.append('%s: Python trusts this server through ca_path %s; the portal\'s JVM does not'
                                     % (kind, ca_path))
                elif not validate_certs:
                    sentences.append('%s: Python skipped certificate checks (validate_certs: false); the portal\'s JVM '
                                     'does not trust this server' % kind)
                else:
                    sentences.append('%s: Python trusts this server through the system trust store; the portal\'s JVM '
                                     'does not' % kind)
            elif 'no common TLS version' in jv['msg']:
                sentences.append('%s: Python negotiates TLS with this server; the portal\'s JVM cannot (%s)'
                                 % (kind, jv['msg']))
            else:
                sentences.append('%s: Python passes every step; the portal\'s JVM fails at %s: %s'
                                 % (kind, jv['failed_step'], jv['msg']))
        elif jv['ok'] and not py['ok']:
            if py['failed_step'] == 'tls' and 'not trusted' in py['msg']:
                sentences.append('%s: the portal\'s JVM trusts this server; Python does not (give ca_path with the CA)'
                                 % kind)
            else:
                sentences.append('%s: the portal\'s JVM passes every step; Python fails at %s: %s'
                                 % (kind, py['failed_step'], py['msg']))
        else:
            sentences.append('%s: Python fails at %s, the portal\'s JVM at %s' % (kind, py['failed_step'], jv['failed_step']))
    return sentences
