# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SMTP and POP3 connectivity probes: one ladder of steps per server.

dns -> tcp -> greeting -> tls -> capabilities -> login [-> rcpt | message]
(with implicit TLS the handshake comes before the greeting).

Every socket operation runs under a per-step deadline, so a dead or silent
server fails within the step timeout. Every message is built here, never
copied from an exception or a server reply without scrubbing secrets.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import errno
import os
import re
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

LADDER = ('dns', 'tcp', 'greeting', 'tls', 'capabilities', 'login')
EXPIRY_WARNING_DAYS = 21
MASK = '********'
# A plaintext server greets at once; after this much silence, look for a TLS server on a second connection.
SILENCE_BEFORE_TLS_SNIFF = 1.0

_PROTOCOL_LABELS = {
    'smtp': 'an SMTP greeting',
    'pop3': 'a POP3 greeting',
    'imap': 'an IMAP greeting',
    'ssh': 'an SSH banner',
    'http': 'an HTTP response',
    'tls': 'TLS data',
}
_UNREACHABLE_ERRNOS = frozenset(getattr(errno, name) for name in
                                ('ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL')
                                if hasattr(errno, name))


class StepFailed(Exception):
    """A step failed; ``detail`` is a message fit for a user (no secrets, no raw exception text)."""

    def __init__(self, detail, **facts):
        super(StepFailed, self).__init__(detail)
        self.detail = detail
        self.facts = facts


class Deadline(object):
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())


class Redactor(object):
    """Replaces every known secret (and its base64 forms used by SMTP AUTH) with a mask."""

    def __init__(self, credentials):
        variants = set()
        for user, password in credentials:
            if not password:
                continue
            variants.add(password)
            variants.add(_b64(password))
            variants.add(_b64('\0%s\0%s' % (user or '', password)))
            variants.add(_b64('%s\0%s\0%s' % (user or '', user or '', password)))
        self._variants = sorted((v for v in variants if v), key=len, reverse=True)

    def __call__(self, text):
        text = '' if text is None else str(text)
        for variant in self._variants:
            text = text.replace(variant, MASK)
        return text


def _b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


def printable(data, limit=160):
    """Server bytes as one short line of text: control characters dropped, long text cut."""
    if isinstance(data, bytes):
        data = data.decode('utf-8', 'replace')
    text = re.sub(r'[\x00-\x1f\x7f]+', ' ', data).strip()
    return text if len(text) <= limit else text[:limit] + '...'


def classify_greeting(data):
    """Name the protocol that the first bytes a server sent belong to."""
    if not data:
        return 'silent'
    if data[:1] in (b'\x15', b'\x16') and data[1:2] == b'\x03':
        return 'tls'
    if re.match(br'^[2-5]\d\d[ -]', data):
        return 'smtp'
    if data.startswith(b'+OK') or data.startswith(b'-ERR'):
        return 'pop3'
    if re.match(br'^\* (OK|PREAUTH|BYE)', data):
        return 'imap'
    if data.startswith(b'SSH-'):
        return 'ssh'
    if data.startswith(b'HTTP/'):
        return 'http'
    return 'unknown'


def explain_mismatch(server, port, security, found, over_tls, sample=''):
    """Say what really answers on a port whose greeting or handshake did not match the settings.

    ``found`` is what classify_greeting returned for the bytes that arrived, ``over_tls`` whether they
    arrived inside a TLS session.
    """
    expected = 'smtp' if server == 'smtp' else 'pop3'
    where = '%s.port %d' % (server, port)
    if found in ('smtp', 'pop3') and found != expected:
        return '%s answers with %s%s: the POP and SMTP ports look swapped' % (
            where, _PROTOCOL_LABELS[found], ' over implicit TLS' if over_tls else '')
    if found == expected and over_tls and security != 'ssl':
        return ('%s expects implicit TLS (it answers a TLS handshake, then greets) but %s.security is %s: '
                'use security: ssl' % (where, server, security))
    if found == expected and not over_tls and security == 'ssl':
        return '%s expects implicit TLS but the server sent a plaintext greeting: use security: %s' % (
            where, 'starttls' if server == 'smtp' else 'none')
    if found == 'silent':
        return ('%s accepts connections but sends nothing: no greeting and no TLS handshake '
                '(a firewall or proxy that swallows traffic, or a service that is not %s)' % (where, expected.upper()))
    if found in _PROTOCOL_LABELS:
        return '%s answers with %s%s, not %s: check %s.host and %s.port' % (
            where, _PROTOCOL_LABELS[found], ' over TLS' if over_tls else '', expected.upper(), server, server)
    return '%s answers with something that is not %s (%r): check %s.host and %s.port' % (
        where, expected.upper(), printable(sample, 40), server, server)


def classify_connect_error(exc):
    """'refused', 'timeout', 'unreachable' or 'error' for an exception from socket.connect."""
    if isinstance(exc, socket.timeout):
        return 'timeout'
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, 'errno', None) == errno.ECONNREFUSED:
        return 'refused'
    if getattr(exc, 'errno', None) == errno.ETIMEDOUT:
        return 'timeout'
    if getattr(exc, 'errno', None) in _UNREACHABLE_ERRNOS:
        return 'unreachable'
    return 'error'


def describe_cert_error(exc, host, ca_path):
    code = getattr(exc, 'verify_code', None)
    reason = printable(getattr(exc, 'verify_message', None) or getattr(exc, 'reason', None) or 'verification failed')
    if code in (62, 64) or 'mismatch' in reason.lower() or "doesn't match" in reason:
        return ('the server certificate is not valid for %s (%s): connect by a name the certificate lists, '
                'or have the certificate reissued for this name' % (host, reason))
    if code == 10:
        return 'the server certificate has expired (%s): renew it on the mail server' % reason
    if code == 9:
        return 'the server certificate is not valid yet (%s): check the clocks of both hosts' % reason
    if ca_path:
        hint = 'the CA in ca_path %s did not sign it: give the CA that signed the server certificate' % ca_path
    else:
        hint = ('give ca_path with the CA that signed the server certificate '
                '(or validate_certs: false for a test server only)')
    return 'the server certificate is not trusted (%s): %s' % (reason, hint)


def days_left(not_after, now=None):
    """Whole days until a certificate's notAfter (as ssl.getpeercert() spells it)."""
    now = time.time() if now is None else now
    return int((ssl.cert_time_to_seconds(not_after) - now) // 86400)


def _name(rdns):
    return ', '.join('%s=%s' % (key, value) for rdn in rdns for key, value in rdn)


def tls_details(tls_sock, verified):
    cert = tls_sock.getpeercert() if verified else {}
    details = dict(version=tls_sock.version(), cipher=(tls_sock.cipher() or (None,))[0], verified=verified)
    if cert:
        details.update(
            subject=_name(cert.get('subject', ())),
            san=['%s:%s' % pair for pair in cert.get('subjectAltName', ())],
            issuer=_name(cert.get('issuer', ())),
            not_after=cert.get('notAfter'),
            days_left=days_left(cert['notAfter']) if cert.get('notAfter') else None,
        )
    return details


def make_context(validate_certs, ca_path=None):
    """A client context: verified with the default policy, or unverified when asked for."""
    if not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if ca_path and os.path.isdir(ca_path):
        return ssl.create_default_context(capath=ca_path)
    return ssl.create_default_context(cafile=ca_path)


def _unverified_context():
    return make_context(False)


class _Lines(object):
    """Line reader over a socket that keeps partial data across timeouts."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b''

    def readline(self, limit=8192):
        while b'\n' not in self.buffer:
            if len(self.buffer) > limit:
                raise StepFailed('the server sent a line longer than %d bytes' % limit)
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, 'connection closed by the server')
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b'\n', 1)
        return line + b'\n'

    def send(self, line):
        self.sock.sendall(line + b'\r\n')


def resolve(host, port, timeout, label='host'):
    """All addresses of host (getaddrinfo order), within timeout. ``label`` names the option in messages."""
    outcome = {}

    def lookup():
        try:
            outcome['infos'] = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except Exception as exc:  # reported below in our own words
            outcome['error'] = exc

    worker = threading.Thread(target=lookup)
    worker.daemon = True
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise StepFailed('no DNS answer for %s %s within %s s: check the resolver of this host'
                         % (label, host, timeout))
    if 'error' in outcome:
        raise StepFailed('%s %s does not resolve (%s): check the host name and this host\'s DNS'
                         % (label, host, printable(getattr(outcome['error'], 'strerror', None) or 'lookup failed')))
    seen = []
    for family, socktype, proto, canonname, sockaddr in outcome['infos']:
        entry = (family, sockaddr)
        if entry not in seen:
            seen.append(entry)
    return seen


def connect(addresses, port, deadline):
    """Connect to the first address that accepts; tells refused, timed out and unreachable apart."""
    attempts = []
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(max(deadline.remaining(), 0.01))
        try:
            sock.connect(sockaddr)
            attempts.append(dict(address=sockaddr[0], result='connected'))
            return sock, sockaddr, attempts
        except (OSError, socket.timeout) as exc:
            sock.close()
            attempts.append(dict(address=sockaddr[0], result=classify_connect_error(exc)))
        if deadline.remaining() <= 0:
            break
    return None, None, attempts


_CONNECT_MESSAGES = {
    'refused': 'connection refused on %s port %d: nothing listens there, or a firewall rejects the connection',
    'timeout': 'no answer from %s port %d within the timeout: a firewall drops the packets or the host is down',
    'unreachable': '%s port %d is unreachable: no route to that network or host from here',
    'error': 'could not connect to %s port %d',
}


class ServerProbe(object):
    """Runs the ladder against one server. ``settings`` is MailSettings.smtp or .pop."""

    def __init__(self, kind, settings, timeout=10, validate_certs=True, ca_path=None, last_step='login',
                 rcpt_probe=None, test_message=None, redactor=None, local_hostname=None):
        self.kind = kind
        self.host = settings['host']
        self.port = settings['port']
        self.security = settings['security']
        self.user = settings.get('user') or ''
        self.password = settings.get('password') or ''
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.last = LADDER.index(last_step)
        self.rcpt_probe = rcpt_probe if kind == 'smtp' else None
        self.test_message = test_message if kind == 'smtp' else None
        self.redact = redactor or Redactor([(self.user, self.password)])
        self.local_hostname = local_hostname or socket.gethostname() or 'localhost'
        self.steps = []
        self.warnings = []
        self.sock = None
        self.sockaddr = None
        self.lines = None
        self.smtp = None
        self.features = {}

    # -- orchestration -------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        failed = None
        try:
            for name, func in self._plan():
                self._step(name, func)
        except StepFailed as exc:
            failed = exc
        finally:
            self._close()
        result = dict(
            host=self.host, port=self.port, security=self.security,
            ok=failed is None,
            failed_step=self.steps[-1]['name'] if failed is not None else None,
            msg=self.steps[-1]['detail'] if failed is not None else 'all %d steps passed' % len(self.steps),
            steps=self.steps,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
        return result

    def _plan(self):
        steps = [('dns', self._dns), ('tcp', self._tcp)]
        if self.security == 'ssl':
            steps += [('tls', self._implicit_tls), ('greeting', self._greeting)]
        else:
            steps += [('greeting', self._greeting), ('tls', self._upgrade_tls)]
        steps += [('capabilities', self._capabilities), ('login', self._login)]
        wanted = [(name, func) for name, func in steps if LADDER.index(name) <= self.last]
        # with implicit TLS the greeting can only be read after the handshake
        if self.security == 'ssl' and self.last == LADDER.index('greeting'):
            wanted = steps[:4]
        if self.last == LADDER.index('login'):
            if self.test_message:
                wanted.append(('message', self._message))
            elif self.rcpt_probe:
                wanted.append(('rcpt', self._rcpt))
        return wanted

    def _step(self, name, func):
        started = time.monotonic()
        deadline = Deadline(self.timeout)
        record = dict(name=name, ok=False)
        try:
            outcome = func(deadline)
        except StepFailed as exc:
            record.update(exc.facts)
            record['detail'] = self.redact(exc.detail)
            raise StepFailed(record['detail'])
        except socket.timeout:
            record['detail'] = self._label('no answer within %s s during %s' % (self.timeout, name))
            raise StepFailed(record['detail'])
        except ssl.SSLError as exc:
            record['detail'] = self._label('TLS error during %s: %s' % (name, self.redact(printable(exc.reason or 'unknown'))))
            raise StepFailed(record['detail'])
        except (OSError, EOFError, smtplib.SMTPException) as exc:
            record['detail'] = self._label('%s failed: %s' % (name, self._describe(exc)))
            raise StepFailed(record['detail'])
        finally:
            record['ms'] = int((time.monotonic() - started) * 1000)
            self.steps.append(record)
        detail, facts = outcome
        record.update(facts)
        record['ok'] = True
        record['detail'] = self.redact(detail)
        if facts.get('skipped'):
            record['skipped'] = True

    def _describe(self, exc):
        if isinstance(exc, smtplib.SMTPResponseException):
            return 'server answered %s %s' % (exc.smtp_code, self.redact(printable(exc.smtp_error)))
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return 'the server closed the connection'
        if isinstance(exc, (ConnectionResetError, EOFError)):
            return 'the server closed the connection'
        if isinstance(exc, OSError) and exc.strerror:
            return self.redact(printable(exc.strerror))
        return type(exc).__name__

    def _label(self, text):
        return '%s %s:%d: %s' % (self.kind, self.host, self.port, text)

    def _close(self):
        try:
            if self.smtp is not None:
                try:
                    self.smtp.sock.settimeout(min(self.timeout, 2))
                    self.smtp.quit()
                except Exception:  # best effort goodbye
                    pass
                self.smtp.close()
            elif self.sock is not None:
                if self.lines is not None and self.kind == 'pop':
                    try:
                        self.sock.settimeout(min(self.timeout, 2))
                        self.lines.send(b'QUIT')
                    except Exception:  # best effort goodbye
                        pass
                self.sock.close()
        except Exception:  # closing must never mask the result
            pass

    # -- steps ------------------------------------------------------------------------------------

    def _dns(self, deadline):
        self.addresses = resolve(self.host, self.port, deadline.remaining(), '%s.host' % self.kind)
        shown = [sockaddr[0] for family, sockaddr in self.addresses]
        facts = dict(addresses=shown)
        if shown and all(family == socket.AF_INET6 for family, sockaddr in self.addresses):
            facts['only_ipv6'] = True
        return '%s resolves to %s' % (self.host, ', '.join(shown)), facts

    def _tcp(self, deadline):
        sock, sockaddr, attempts = connect(self.addresses, self.port, deadline)
        if sock is None:
            kinds = [attempt['result'] for attempt in attempts]
            for kind in ('refused', 'timeout', 'unreachable', 'error'):
                if kind in kinds:
                    break
            address = attempts[kinds.index(kind)]['address']
            raise StepFailed(self._label(_CONNECT_MESSAGES[kind] % (address, self.port)),
                             attempts=attempts, reason=kind)
        self.sock, self.sockaddr = sock, sockaddr
        self.lines = _Lines(sock)
        return 'connected to %s port %d' % (sockaddr[0], self.port), dict(attempts=attempts, address=sockaddr[0])

    def _context(self):
        return make_context(self.validate_certs, self.ca_path)

    def _tls_facts(self, tls_sock):
        details = tls_details(tls_sock, self.validate_certs)
        text = '%s, %s' % (details['version'], details['cipher'])
        if not self.validate_certs:
            text += ', certificate NOT verified (validate_certs: false)'
        else:
            text += ', certificate verified for %s (issuer %s, %s days left)' % (
                self.host, details.get('issuer') or '?', details.get('days_left'))
            left = details.get('days_left')
            if left is not None and left < EXPIRY_WARNING_DAYS:
                self.warnings.append('%s certificate of %s:%d expires in %d days (%s): renew it'
                                     % (self.kind, self.host, self.port, left, details.get('not_after')))
        return text, dict(tls=details)

    def _implicit_tls(self, deadline):
        self.sock.settimeout(max(deadline.remaining(), 0.01))
        try:
            tls_sock = self._context().wrap_socket(self.sock, server_hostname=self.host)
        except ssl.SSLCertVerificationError as exc:
            raise StepFailed(self._label(describe_cert_error(exc, self.host, self.ca_path)))
        except socket.timeout:
            raise StepFailed(self._label(
                'no TLS handshake within %s s: the port accepts connections but does not answer a TLS '
                'client hello (and sent no plaintext greeting either)' % self.timeout))
        except (ssl.SSLError, OSError) as exc:
            found, sample = sniff_plaintext(self.sockaddr, max(deadline.remaining(), 1.0))
            if found in ('smtp', 'pop3', 'imap', 'ssh', 'http'):
                raise StepFailed(explain_mismatch(self.kind, self.port, self.security, found, False, sample))
            raise StepFailed(self._label('TLS handshake failed (%s): the server does not speak TLS on this port'
                                         % printable(getattr(exc, 'reason', None) or getattr(exc, 'strerror', None)
                                                     or type(exc).__name__)))
        self.sock = tls_sock
        self.lines = _Lines(tls_sock)
        return self._tls_facts(tls_sock)

    def _greeting(self, deadline):
        over_tls = isinstance(self.sock, ssl.SSLSocket)
        first, sniffer = self._first_line(deadline, over_tls)
        if first is None:
            found = sniffer.found if sniffer is not None else None
            if found is not None:
                raise StepFailed(explain_mismatch(self.kind, self.port, self.security, found, True))
            if over_tls:
                raise StepFailed(self._label('TLS session established, but no greeting within %s s' % self.timeout))
            raise StepFailed(explain_mismatch(self.kind, self.port, self.security, 'silent', False)
                             + ' (waited %s s)' % self.timeout)
        found = classify_greeting(first)
        expected = 'smtp' if self.kind == 'smtp' else 'pop3'
        if found != expected:
            raise StepFailed(explain_mismatch(self.kind, self.port, self.security, found, over_tls, first))
        lines = [first]
        if self.kind == 'smtp':
            while lines[-1][3:4] == b'-':
                self.sock.settimeout(max(deadline.remaining(), 0.01))
                lines.append(self.lines.readline())
            code = int(first[:3])
            banner = ' '.join(printable(line[4:]) for line in lines)
            if code != 220:
                raise StepFailed(self._label('the server greets with %d %s: it does not accept mail now' % (code, banner)),
                                 banner=banner)
        else:
            banner = printable(first[3:])
            if not first.startswith(b'+OK'):
                raise StepFailed(self._label('the server greets with -ERR %s: it does not accept sessions now' % banner),
                                 banner=banner)
        return '%s greeting: %s' % (self.kind.upper() if self.kind == 'smtp' else 'POP3', banner), dict(banner=banner)

    def _first_line(self, deadline, over_tls):
        """Wait for the first greeting line. On a plaintext port that stays silent, look for a TLS server
        on a second connection meanwhile, so the answer still comes within the step timeout."""
        started = time.monotonic()
        sniffer = None
        while deadline.remaining() > 0:
            if (not over_tls and sniffer is None
                    and time.monotonic() - started >= min(SILENCE_BEFORE_TLS_SNIFF, self.timeout / 3.0)):
                sniffer = TlsSniffer(self.sockaddr, self.host, deadline)
                sniffer.start()
            if sniffer is not None and sniffer.found is not None:
                return None, sniffer
            self.sock.settimeout(max(min(deadline.remaining(), 0.1 if not over_tls else deadline.remaining()), 0.01))
            try:
                return self.lines.readline(), sniffer
            except socket.timeout:
                continue
        if sniffer is not None:
            sniffer.join(0.05)  # it shares the deadline, so it is finishing too
        return None, sniffer

    def _upgrade_tls(self, deadline):
        if self.kind == 'pop' or self.security == 'none':
            reason = ('pop.security none: plain POP3, no TLS' if self.kind == 'pop'
                      else 'smtp.security none: plain SMTP, no TLS')
            return reason, dict(skipped=True)
        self._open_smtp(deadline)
        code, reply = self.smtp.ehlo()
        if code != 250:
            raise StepFailed(self._label('the server refused EHLO (%d %s), so STARTTLS cannot be negotiated'
                                         % (code, printable(reply))))
        offered = sorted(self.smtp.esmtp_features)
        if not self.smtp.has_extn('starttls'):
            raise StepFailed(self._label(
                'STARTTLS required (smtp.security: starttls) but the server does not offer it: refusing to go on '
                'in clear text (EHLO offers: %s)' % (', '.join(offered).upper() or 'nothing')), ehlo_before_tls=offered)
        if 'auth' in self.smtp.esmtp_features:
            self.features['auth_before_tls'] = True
        try:
            code, reply = self.smtp.starttls(context=self._context())
        except ssl.SSLCertVerificationError as exc:
            raise StepFailed(self._label(describe_cert_error(exc, self.host, self.ca_path)))
        if code != 220:
            raise StepFailed(self._label('the server refused STARTTLS (%d %s)' % (code, printable(reply))))
        self.sock = self.smtp.sock
        text, facts = self._tls_facts(self.sock)
        facts['ehlo_before_tls'] = offered
        return 'STARTTLS: ' + text, facts

    def _open_smtp(self, deadline):
        if self.smtp is None:
            smtp = smtplib.SMTP(local_hostname=self.local_hostname, timeout=self.timeout)
            smtp.set_debuglevel(0)  # a transcript would contain the AUTH exchange
            smtp.sock = self.sock
            smtp._host = self.host  # server_hostname for STARTTLS (no public setter in smtplib)
            self.smtp = smtp
        self.smtp.sock.settimeout(max(deadline.remaining(), 0.01))

    def _capabilities(self, deadline):
        if self.kind == 'pop':
            return self._pop_capabilities(deadline)
        self._open_smtp(deadline)
        code, reply = self.smtp.ehlo()
        if code != 250:
            raise StepFailed(self._label('the server refused EHLO (%d %s)' % (code, printable(reply))))
        features = self.smtp.esmtp_features
        auth = sorted(set(features.get('auth', '').upper().split()))
        facts = dict(extensions=sorted(name.upper() for name in features), auth_mechanisms=auth)
        size = features.get('size', '').strip()
        if size.isdigit() and int(size):
            facts['size_limit'] = int(size)
        if self.security == 'none' and auth:
            self.warnings.append('smtp %s:%d offers AUTH without TLS: the password would travel in clear text'
                                 % (self.host, self.port))
        if self.features.get('auth_before_tls'):
            self.warnings.append('smtp %s:%d offers AUTH before STARTTLS' % (self.host, self.port))
        text = 'EHLO: AUTH %s' % (' '.join(auth) if auth else 'not offered')
        if 'size_limit' in facts:
            text += ', SIZE %d' % facts['size_limit']
        return text, facts

    def _pop_command(self, deadline, command):
        self.sock.settimeout(max(deadline.remaining(), 0.01))
        self.lines.send(command)
        return self.lines.readline()

    def _pop_capabilities(self, deadline):
        reply = self._pop_command(deadline, b'CAPA')
        if not reply.startswith(b'+OK'):
            return 'the server does not list capabilities (no CAPA)', dict(capabilities=[])
        capabilities = []
        while True:
            line = self.lines.readline().rstrip(b'\r\n')
            if line == b'.':
                break
            capabilities.append(printable(line[1:] if line.startswith(b'..') else line))
        names = [cap.split(' ')[0].upper() for cap in capabilities]
        sasl = [cap for cap in capabilities if cap.upper().startswith('SASL')]
        facts = dict(capabilities=capabilities, auth_mechanisms=sasl[0].split()[1:] if sasl else [])
        if self.security == 'none' and 'STLS' in names:
            self.warnings.append('pop %s:%d offers STLS, but pop.security none means Liferay logs in without TLS'
                                 % (self.host, self.port))
        return 'CAPA: %s' % ', '.join(names), facts

    def _login(self, deadline):
        if not self.user:
            return 'no %s.user: login not checked' % self.kind, dict(skipped=True)
        if self.kind == 'pop':
            return self._pop_login(deadline)
        self._open_smtp(deadline)
        if not self.smtp.has_extn('auth'):
            raise StepFailed(self._label('the server does not offer AUTH, so smtp.user cannot log in: '
                                         'drop smtp.user/password if it relays without login, or check smtp.security'))
        try:
            self.smtp.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise StepFailed(self._label('the server rejected smtp.user %s and its password (%d %s)'
                                         % (self.user, exc.smtp_code, printable(exc.smtp_error))), reason='auth')
        except smtplib.SMTPException as exc:
            raise StepFailed(self._label('login failed: %s' % self._describe(exc)))
        return 'logged in as %s' % self.user, dict(user=self.user)

    def _pop_login(self, deadline):
        reply = self._pop_command(deadline, b'USER ' + self.user.encode('utf-8'))
        if reply.startswith(b'+OK'):
            reply = self._pop_command(deadline, b'PASS ' + self.password.encode('utf-8'))
        if not reply.startswith(b'+OK'):
            raise StepFailed(self._label('the server rejected pop.user %s and its password (%s)'
                                         % (self.user, printable(reply))), reason='auth')
        reply = self._pop_command(deadline, b'STAT')
        parts = reply.split()
        facts = dict(user=self.user)
        text = 'logged in as %s' % self.user
        if reply.startswith(b'+OK') and len(parts) >= 3 and parts[1].isdigit():
            facts.update(messages=int(parts[1]), octets=int(parts[2]) if parts[2].isdigit() else None)
            text += ', %d messages in the mailbox' % facts['messages']
        return text, facts

    def _envelope(self, sender, recipient):
        code, reply = self.smtp.mail(sender)
        if code != 250:
            raise StepFailed(self._label('MAIL FROM %s refused (%d %s)' % (sender, code, printable(reply))))
        code, reply = self.smtp.rcpt(recipient)
        if code not in (250, 251):
            raise StepFailed(self._label('RCPT TO %s refused (%d %s)' % (recipient, code, printable(reply))))
        return code, printable(reply)

    def _rcpt(self, deadline):
        self._open_smtp(deadline)
        sender, recipient = self.rcpt_probe['from'], self.rcpt_probe['to']
        code, reply = self._envelope(sender, recipient)
        self.smtp.rset()
        return ('the server accepts mail from %s to %s (%d %s); stopped before DATA' % (
            sender, recipient, code, reply), dict(sender=sender, recipient=recipient))

    def _message(self, deadline):
        self._open_smtp(deadline)
        spec = self.test_message
        message = EmailMessage()
        message['From'] = spec['from']
        message['To'] = spec['to']
        message['Subject'] = spec['subject']
        message['Date'] = formatdate(localtime=True)
        message['Message-ID'] = make_msgid(domain=self.local_hostname)
        message.set_content('Test message from liferay_ops.mail.mail_check: %s can send through %s:%d.\n'
                            % (self.local_hostname, self.host, self.port))
        self._envelope(spec['from'], spec['to'])
        code, reply = self.smtp.data(message.as_bytes())
        if code != 250:
            raise StepFailed(self._label('message refused after DATA (%d %s)' % (code, printable(reply))))
        return ('sent a test message to %s (%d %s)' % (spec['to'], code, printable(reply)),
                dict(message_id=message['Message-ID'], recipient=spec['to']))


class TlsSniffer(threading.Thread):
    """Second connection: is there a TLS server, and what does it greet with? ``found`` is the
    protocol of the greeting inside TLS, or None."""

    def __init__(self, sockaddr, host, deadline):
        super(TlsSniffer, self).__init__()
        self.daemon = True
        self.sockaddr = sockaddr
        self.host = host
        self.deadline = deadline
        self.found = None

    def run(self):
        sock = None
        try:
            sock = socket.socket(socket.AF_INET6 if ':' in self.sockaddr[0] else socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(max(self.deadline.remaining(), 0.01))
            sock.connect(self.sockaddr)
            sock = _unverified_context().wrap_socket(sock, server_hostname=self.host)
            sock.settimeout(max(self.deadline.remaining(), 0.01))
            found = classify_greeting(_Lines(sock).readline())
            self.found = found if found != 'silent' else 'tls'
        except Exception:  # no TLS server: leave found unset
            pass
        finally:
            if sock is not None:
                sock.close()


def sniff_plaintext(sockaddr, timeout):
    """Connect again and read what a plaintext server sends first: (protocol, first line)."""
    sock = socket.socket(socket.AF_INET6 if ':' in sockaddr[0] else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
        line = _Lines(sock).readline()
        return classify_greeting(line), line
    except Exception:  # nothing readable: say so
        return 'silent', b''
    finally:
        sock.close()


def run_concurrently(probes, timeout):
    """Run probes in threads; the results come back in the order given."""
    results = [None] * len(probes)

    def work(index, probe):
        try:
            results[index] = probe.run()
        except Exception as exc:  # a bug must not hang or crash the other probe
            results[index] = dict(ok=False, failed_step='internal', steps=probe.steps,
                                  msg='%s probe crashed: %s' % (probe.kind, type(exc).__name__))

    threads = [threading.Thread(target=work, args=(index, probe)) for index, probe in enumerate(probes)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    for thread in threads:
        thread.join(timeout)
    for index, probe in enumerate(probes):
        if results[index] is None:
            results[index] = dict(ok=False, failed_step='internal', steps=probe.steps,
                                  msg='%s probe did not finish in time' % probe.kind)
    return results
