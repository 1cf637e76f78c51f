# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What travels on the wire: deadlines, name lookup, connecting, reading lines, and naming the
protocol that a server's first bytes belong to (with the mismatch explained in the settings' terms).

Every message is built here in our own words, never copied from an exception or a server reply
without being cut to one printable line.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import re
import socket
import threading
import time

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import MailError

_PROTOCOL_LABELS = {
    'smtp': 'an SMTP greeting',
    'pop3': 'a POP3 greeting',
    'imap': 'an IMAP greeting',
    'ssh': 'an SSH banner',
    'http': 'an HTTP response',
    'tls': 'TLS data',
}
# server (settings section) -> the protocol its greeting must belong to, and its security without implicit TLS
_EXPECTED_PROTOCOL = {'smtp': 'smtp', 'pop': 'pop3'}
_PLAINTEXT_SECURITY = {'smtp': 'starttls', 'pop': 'none'}

_UNREACHABLE_ERRNOS = frozenset(getattr(errno, name) for name in
                                ('ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL')
                                if hasattr(errno, name))

CONNECT_MESSAGES = {
    'refused': 'connection refused on %s port %d: nothing listens there, or a firewall rejects the connection',
    'timeout': 'no answer from %s port %d within the timeout: a firewall drops the packets or the host is down',
    'unreachable': '%s port %d is unreachable: no route to that network or host from here',
    'error': 'could not connect to %s port %d',
}


class StepFailed(MailError):
    """A step failed; ``detail`` is a message fit for a user (no secrets, no raw exception text)."""

    def __init__(self, detail, **facts):
        super(StepFailed, self).__init__(detail)
        self.detail = detail
        self.facts = facts


class Deadline(object):
    """The end of one step: every socket operation of the step waits at most until then."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())

    def arm(self, sock, cap=None):
        """Let the next operation on ``sock`` wait until the deadline (or ``cap`` seconds, if sooner)."""
        left = self.remaining() if cap is None else min(self.remaining(), cap)
        sock.settimeout(max(left, 0.01))


class LineReader(object):
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
    expected = _EXPECTED_PROTOCOL[server]
    where = '%s.port %d' % (server, port)
    if found in ('smtp', 'pop3') and found != expected:
        return '%s answers with %s%s: the POP and SMTP ports look swapped' % (
            where, _PROTOCOL_LABELS[found], ' over implicit TLS' if over_tls else '')
    if found == expected and over_tls and security != 'ssl':
        return ('%s expects implicit TLS (it answers a TLS handshake, then greets) but %s.security is %s: '
                'use security: ssl' % (where, server, security))
    if found == expected and not over_tls and security == 'ssl':
        return '%s expects implicit TLS but the server sent a plaintext greeting: use security: %s' % (
            where, _PLAINTEXT_SECURITY[server])
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
    for family, _socktype, _proto, _canonname, sockaddr in outcome['infos']:
        entry = (family, sockaddr)
        if entry not in seen:
            seen.append(entry)
    return seen


def connect(addresses, port, deadline):
    """Connect to the first address that accepts; tells refused, timed out and unreachable apart."""
    attempts = []
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        deadline.arm(sock)
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


def dial(sockaddr, timeout):
    """A second connection to an address the ladder already reached (for sniffing what listens there)."""
    sock = socket.socket(socket.AF_INET6 if ':' in sockaddr[0] else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock
