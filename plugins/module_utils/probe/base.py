# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connectivity ladder that every mail protocol climbs, one step after the other:

dns -> tcp -> greeting -> tls -> capabilities -> login [-> rcpt | message]
(with implicit TLS the handshake comes before the greeting).

``ServerProbe`` runs the ladder and owns what is the same for every protocol: steps and their
deadlines, name lookup, TCP, implicit TLS, reading the greeting and telling a mismatch apart,
TLS facts, the result. A protocol (smtp.py, pop.py) fills in its greeting, its upgrade to TLS,
its capabilities, its login and the steps after the login.

Every socket operation runs under a per-step deadline, so a dead or silent server fails within
the step timeout. Every message is built here, never copied from an exception or a server reply
without scrubbing secrets.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import smtplib
import socket
import ssl
import time

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.oauth import TokenError
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.tls import (
    TlsSniffer, describe_cert_error, make_context, sniff_plaintext, tls_details,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import (
    CONNECT_MESSAGES, Deadline, LineReader, StepFailed, classify_greeting, connect, explain_mismatch, printable,
    resolve,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import Scrubber

LADDER = ('dns', 'tcp', 'greeting', 'tls', 'capabilities', 'login')
EXPIRY_WARNING_DAYS = 21
# A plaintext server greets at once; after this much silence, look for a TLS server on a second connection.
SILENCE_BEFORE_TLS_SNIFF = 1.0


def auth_forms(user, password):
    """A password and the base64 forms SMTP AUTH sends it in (LOGIN, PLAIN without and with authzid)."""
    user = user or ''
    return [password, _b64(password), _b64('\0%s\0%s' % (user, password)), _b64('%s\0%s\0%s' % (user, user, password))]


def _b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


class Redactor(Scrubber):
    """redact.Scrubber over the passwords of ``credentials`` ((user, password) pairs) and their AUTH forms."""

    def __init__(self, credentials):
        super(Redactor, self).__init__(secret for user, password in credentials if password
                                       for secret in auth_forms(user, password))


class ServerProbe(object):
    """Runs the ladder against one server. ``settings`` is MailSettings.smtp or .pop.

    A protocol sets ``kind`` (its settings section), ``protocol`` (what classify_greeting calls its
    greeting) and ``label``, and implements the steps that differ.
    """

    kind = None
    protocol = None
    label = None

    def __init__(self, settings, timeout=10, validate_certs=True, ca_path=None, last_step='login',
                 rcpt_probe=None, test_message=None, redactor=None, local_hostname=None, oauth=None):
        self.host = settings['host']
        # smtp/pop tls_protocols, connect_timeout, read_timeout (MailSettings: option -> text)
        self.transport = settings.get('transport') or {}
        # a TokenSource (probe/oauth.py) when the login is XOAUTH2 with Microsoft 365
        self.oauth = oauth
        self.port = settings['port']
        self.security = settings['security']
        self.user = settings.get('user') or ''
        self.password = settings.get('password') or ''
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.last = LADDER.index(last_step)
        self.rcpt_probe = rcpt_probe
        self.test_message = test_message
        self.redact = redactor or Redactor([(self.user, self.password)])
        self.local_hostname = local_hostname or socket.gethostname() or 'localhost'
        self.steps = []
        self.warnings = []
        self.addresses = []
        self.sock = None
        self.sockaddr = None
        self.lines = None

    # -- what a protocol fills in ----------------------------------------------------------------

    def read_greeting(self, first, deadline):
        """The banner of a greeting whose first line is ``first`` (of this protocol); StepFailed if it
        turns the client away."""
        raise NotImplementedError

    def starttls(self, deadline):
        """Upgrade the plaintext session to TLS (security other than none and ssl): (text, facts)."""
        raise NotImplementedError

    def capabilities(self, deadline):
        """What the server offers: (text, facts)."""
        raise NotImplementedError

    def authenticate(self, deadline):
        """Log in as self.user: (text, facts)."""
        raise NotImplementedError

    def steps_after_login(self):
        """The (name, step) pairs that follow a login: none unless the protocol has some."""
        return []

    def goodbye(self):
        """Best effort: end the session politely before the socket closes."""

    def disconnect(self):
        if self.sock is not None:
            try:
                self.goodbye()
            except Exception:  # best effort goodbye
                pass
            self.sock.close()

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
        steps += [('capabilities', self.capabilities), ('login', self._login)]
        wanted = [(name, func) for name, func in steps if LADDER.index(name) <= self.last]
        # with implicit TLS the greeting can only be read after the handshake
        if self.security == 'ssl' and self.last == LADDER.index('greeting'):
            wanted = steps[:4]
        if self.last == LADDER.index('login'):
            wanted += self.steps_after_login()
        return wanted

    def step_timeout(self, name):
        """The time limit of one step: ``timeout``, or less where connect_timeout / read_timeout (ms) say so,
        as JavaMail would give up."""
        option = 'connect_timeout' if name == 'tcp' else None if name == 'dns' else 'read_timeout'
        limit = self.transport.get(option) if option else None
        return min(self.timeout, int(limit) / 1000.0) if limit else self.timeout

    def _step(self, name, func):
        started = time.monotonic()
        deadline = Deadline(self.step_timeout(name))
        record = dict(name=name, ok=False)
        try:
            outcome = func(deadline)
        except StepFailed as exc:
            record.update(exc.facts)
            record['detail'] = self.redact(exc.detail)
            raise StepFailed(record['detail'])
        except socket.timeout:
            record['detail'] = self._label('no answer within %s s during %s' % (self.step_timeout(name), name))
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
        if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionResetError, EOFError)):
            return 'the server closed the connection'
        if isinstance(exc, OSError) and exc.strerror:
            return self.redact(printable(exc.strerror))
        return type(exc).__name__

    def _label(self, text):
        return '%s %s:%d: %s' % (self.kind, self.host, self.port, text)

    def _token(self):
        """Microsoft 365: the client-credentials token, or a step failure naming the token stage."""
        try:
            return self.oauth.get()
        except TokenError as exc:
            raise StepFailed(self._label('microsoft365 %s' % exc.message), stage='token', **self.oauth.facts)

    def _close(self):
        try:
            self.disconnect()
        except Exception:  # closing must never mask the result
            pass

    def _mismatch(self, found, over_tls, sample=''):
        return explain_mismatch(self.kind, self.port, self.security, found, over_tls, sample)

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
            reason = next(kind for kind in ('refused', 'timeout', 'unreachable', 'error') if kind in kinds)
            address = attempts[kinds.index(reason)]['address']
            raise StepFailed(self._label(CONNECT_MESSAGES[reason] % (address, self.port)),
                             attempts=attempts, reason=reason)
        self.sock, self.sockaddr = sock, sockaddr
        self.lines = LineReader(sock)
        return 'connected to %s port %d' % (sockaddr[0], self.port), dict(attempts=attempts, address=sockaddr[0])

    def _context(self):
        return make_context(self.validate_certs, self.ca_path, self.transport.get('tls_protocols'))

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
        deadline.arm(self.sock)
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
                raise StepFailed(self._mismatch(found, False, sample))
            raise StepFailed(self._label('TLS handshake failed (%s): the server does not speak TLS on this port'
                                         % printable(getattr(exc, 'reason', None) or getattr(exc, 'strerror', None)
                                                     or type(exc).__name__)))
        self.sock = tls_sock
        self.lines = LineReader(tls_sock)
        return self._tls_facts(tls_sock)

    def _greeting(self, deadline):
        over_tls = isinstance(self.sock, ssl.SSLSocket)
        first, sniffer = self._first_line(deadline, over_tls)
        if first is None:
            found = sniffer.found if sniffer is not None else None
            if found is not None:
                raise StepFailed(self._mismatch(found, True))
            if over_tls:
                raise StepFailed(self._label('TLS session established, but no greeting within %s s' % self.timeout))
            raise StepFailed(self._mismatch('silent', False) + ' (waited %s s)' % self.timeout)
        found = classify_greeting(first)
        if found != self.protocol:
            raise StepFailed(self._mismatch(found, over_tls, first))
        banner = self.read_greeting(first, deadline)
        return '%s greeting: %s' % (self.label, banner), dict(banner=banner)

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
            deadline.arm(self.sock, None if over_tls else 0.1)
            try:
                return self.lines.readline(), sniffer
            except socket.timeout:
                continue
        if sniffer is not None:
            sniffer.join(0.05)  # it shares the deadline, so it is finishing too
        return None, sniffer

    def _upgrade_tls(self, deadline):
        if self.security == 'none':
            return '%s.security none: plain %s, no TLS' % (self.kind, self.label), dict(skipped=True)
        return self.starttls(deadline)

    def _login(self, deadline):
        if not self.user:
            return 'no %s.user: login not checked' % self.kind, dict(skipped=True)
        return self.authenticate(deadline)
