# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SMTP rungs of the ladder: 220 greeting, STARTTLS, EHLO, AUTH, and the optional envelope
probe (MAIL FROM/RCPT TO, stopped before DATA) or a real test message."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.base import ServerProbe
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.oauth import xoauth2_string
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.tls import describe_cert_error
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import StepFailed, printable


class SmtpProbe(ServerProbe):
    """The ladder against an SMTP server; from EHLO on, smtplib speaks over the probe's socket."""

    kind = 'smtp'
    protocol = 'smtp'
    label = 'SMTP'

    def __init__(self, settings, **options):
        super(SmtpProbe, self).__init__(settings, **options)
        self.smtp = None
        self.auth_before_tls = False

    def read_greeting(self, first, deadline):
        lines = [first]
        while lines[-1][3:4] == b'-':
            deadline.arm(self.sock)
            lines.append(self.lines.readline())
        code = int(first[:3])
        banner = ' '.join(printable(line[4:]) for line in lines)
        if code != 220:
            raise StepFailed(self._label('the server greets with %d %s: it does not accept mail now' % (code, banner)),
                             banner=banner)
        return banner

    def _session(self, deadline):
        """smtplib's client over the socket the ladder opened, bounded by this step's deadline."""
        if self.smtp is None:
            smtp = smtplib.SMTP(local_hostname=self.local_hostname, timeout=self.timeout)
            smtp.set_debuglevel(0)  # a transcript would contain the AUTH exchange
            smtp.sock = self.sock
            smtp._host = self.host  # server_hostname for STARTTLS (no public setter in smtplib)
            self.smtp = smtp
        deadline.arm(self.smtp.sock)
        return self.smtp

    def _ehlo(self, deadline, refused):
        smtp = self._session(deadline)
        code, reply = smtp.ehlo()
        if code != 250:
            raise StepFailed(self._label(refused % (code, printable(reply))))
        return smtp

    def starttls(self, deadline):
        smtp = self._ehlo(deadline, 'the server refused EHLO (%d %s), so STARTTLS cannot be negotiated')
        offered = sorted(smtp.esmtp_features)
        if not smtp.has_extn('starttls'):
            raise StepFailed(self._label(
                'STARTTLS required (smtp.security: starttls) but the server does not offer it: refusing to go on '
                'in clear text (EHLO offers: %s)' % (', '.join(offered).upper() or 'nothing')), ehlo_before_tls=offered)
        if 'auth' in smtp.esmtp_features:
            self.auth_before_tls = True
        try:
            code, reply = smtp.starttls(context=self._context())
        except ssl.SSLCertVerificationError as exc:
            raise StepFailed(self._label(describe_cert_error(exc, self.host, self.ca_path)))
        if code != 220:
            raise StepFailed(self._label('the server refused STARTTLS (%d %s)' % (code, printable(reply))))
        self.sock = smtp.sock
        text, facts = self._tls_facts(self.sock)
        facts['ehlo_before_tls'] = offered
        return 'STARTTLS: ' + text, facts

    def capabilities(self, deadline):
        features = self._ehlo(deadline, 'the server refused EHLO (%d %s)').esmtp_features
        auth = sorted(set(features.get('auth', '').upper().split()))
        facts = dict(extensions=sorted(name.upper() for name in features), auth_mechanisms=auth)
        size = features.get('size', '').strip()
        if size.isdigit() and int(size):
            facts['size_limit'] = int(size)
        if self.security == 'none' and auth:
            self.warnings.append('smtp %s:%d offers AUTH without TLS: the password would travel in clear text'
                                 % (self.host, self.port))
        if self.auth_before_tls:
            self.warnings.append('smtp %s:%d offers AUTH before STARTTLS' % (self.host, self.port))
        text = 'EHLO: AUTH %s' % (' '.join(auth) if auth else 'not offered')
        if 'size_limit' in facts:
            text += ', SIZE %d' % facts['size_limit']
        return text, facts

    def authenticate(self, deadline):
        smtp = self._session(deadline)
        if self.oauth is not None:
            return self._xoauth2(smtp, deadline)
        if not smtp.has_extn('auth'):
            raise StepFailed(self._label('the server does not offer AUTH, so smtp.user cannot log in: '
                                         'drop smtp.user/password if it relays without login, or check smtp.security'))
        try:
            smtp.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise StepFailed(self._label('the server rejected smtp.user %s and its password (%d %s)'
                                         % (self.user, exc.smtp_code, printable(exc.smtp_error))), reason='auth')
        except smtplib.SMTPException as exc:
            raise StepFailed(self._label('login failed: %s' % self._describe(exc)))
        return 'logged in as %s' % self.user, dict(user=self.user)

    def _xoauth2(self, smtp, deadline):
        """Microsoft 365: a client-credentials token from microsoft365.token_url, then AUTH XOAUTH2."""
        token = self._token()
        deadline.arm(smtp.sock)
        mechanisms = smtp.esmtp_features.get('auth', '').upper().split()
        if 'XOAUTH2' not in mechanisms:
            raise StepFailed(self._label('the server does not offer AUTH XOAUTH2 (it offers %s), so Liferay\'s '
                                         'Microsoft 365 connector cannot log in here' % (' '.join(mechanisms) or 'no AUTH')),
                             stage='smtp', mechanism='XOAUTH2')
        initial = xoauth2_string(self.user, token)
        try:
            smtp.auth('XOAUTH2', lambda challenge=None: initial if challenge is None else '', initial_response_ok=True)
        except smtplib.SMTPAuthenticationError as exc:
            raise StepFailed(self._label('the server refused the XOAUTH2 login of %s with a token from %s (%d %s): '
                                         'check that the app has the Exchange Online permission and that its service '
                                         'principal may use this mailbox' % (self.user, self.oauth.url, exc.smtp_code,
                                                                             printable(exc.smtp_error))),
                             reason='auth', stage='smtp', mechanism='XOAUTH2')
        return ('logged in as %s with XOAUTH2 (token from %s)' % (self.user, self.oauth.url),
                dict(user=self.user, mechanism='XOAUTH2', token_url=self.oauth.url))

    def steps_after_login(self):
        if self.test_message:
            return [('message', self._message)]
        if self.rcpt_probe:
            return [('rcpt', self._rcpt)]
        return []

    def _envelope(self, sender, recipient):
        code, reply = self.smtp.mail(sender)
        if code != 250:
            raise StepFailed(self._label('MAIL FROM %s refused (%d %s)' % (sender, code, printable(reply))))
        code, reply = self.smtp.rcpt(recipient)
        if code not in (250, 251):
            raise StepFailed(self._label('RCPT TO %s refused (%d %s)' % (recipient, code, printable(reply))))
        return code, printable(reply)

    def _rcpt(self, deadline):
        self._session(deadline)
        sender, recipient = self.rcpt_probe['from'], self.rcpt_probe['to']
        code, reply = self._envelope(sender, recipient)
        self.smtp.rset()
        return ('the server accepts mail from %s to %s (%d %s); stopped before DATA' % (
            sender, recipient, code, reply), dict(sender=sender, recipient=recipient))

    def _message(self, deadline):
        self._session(deadline)
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

    def disconnect(self):
        if self.smtp is None:
            super(SmtpProbe, self).disconnect()
            return
        try:
            self.smtp.sock.settimeout(min(self.timeout, 2))
            self.smtp.quit()
        except Exception:  # best effort goodbye
            pass
        self.smtp.close()
