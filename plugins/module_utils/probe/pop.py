# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The POP3 rungs of the ladder: +OK greeting, CAPA, USER/PASS and STAT. Liferay's POP session is
pop3 or pop3s (pop.security none or ssl), so there is no upgrade to TLS here."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.base import ServerProbe
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.oauth import xoauth2_string
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import StepFailed, printable


class PopProbe(ServerProbe):
    """The ladder against a POP3 server, spoken line by line over the probe's socket."""

    kind = 'pop'
    protocol = 'pop3'
    label = 'POP3'

    def read_greeting(self, first, deadline):
        banner = printable(first[3:])
        if not first.startswith(b'+OK'):
            raise StepFailed(self._label('the server greets with -ERR %s: it does not accept sessions now' % banner),
                             banner=banner)
        return banner

    def _command(self, deadline, command):
        deadline.arm(self.sock)
        self.lines.send(command)
        return self.lines.readline()

    def capabilities(self, deadline):
        reply = self._command(deadline, b'CAPA')
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

    def authenticate(self, deadline):
        if self.oauth is not None:
            self._xoauth2(deadline)
        else:
            reply = self._command(deadline, b'USER ' + self.user.encode('utf-8'))
            if reply.startswith(b'+OK'):
                reply = self._command(deadline, b'PASS ' + self.password.encode('utf-8'))
            if not reply.startswith(b'+OK'):
                raise StepFailed(self._label('the server rejected pop.user %s and its password (%s)'
                                             % (self.user, printable(reply))), reason='auth')
        reply = self._command(deadline, b'STAT')
        parts = reply.split()
        facts = dict(user=self.user)
        text = 'logged in as %s' % self.user
        if reply.startswith(b'+OK') and len(parts) >= 3 and parts[1].isdigit():
            facts.update(messages=int(parts[1]), octets=int(parts[2]) if parts[2].isdigit() else None)
            text += ', %d messages in the mailbox' % facts['messages']
        return text, facts

    def _xoauth2(self, deadline):
        """Microsoft 365: AUTH XOAUTH2, the server's "+" continuation, then the base64 XOAUTH2 string."""
        token = self._token()
        reply = self._command(deadline, b'AUTH XOAUTH2')
        if reply.startswith(b'+') and not reply.startswith(b'+OK'):
            blob = base64.b64encode(xoauth2_string(self.user, token).encode('utf-8'))
            reply = self._command(deadline, blob)
        if not reply.startswith(b'+OK'):
            raise StepFailed(self._label('the server refused the XOAUTH2 login of %s (%s)' % (self.user, printable(reply))),
                             reason='auth', stage='pop', mechanism='XOAUTH2')

    def goodbye(self):
        if self.lines is not None:
            self.sock.settimeout(min(self.timeout, 2))
            self.lines.send(b'QUIT')
