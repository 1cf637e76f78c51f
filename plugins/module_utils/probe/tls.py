# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS for the probes: the client context, what a certificate says and why it was refused, and
sniffing a second connection to learn whether a port speaks TLS or plaintext."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import ssl
import threading
import time

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import (
    LineReader, classify_greeting, dial, printable,
)


_TLS_VERSIONS = {'TLSv1': 'TLSv1', 'TLSv1.1': 'TLSv1_1', 'TLSv1.2': 'TLSv1_2', 'TLSv1.3': 'TLSv1_3'}


def make_context(validate_certs, ca_path=None, protocols=None):
    """A client context: verified with the default policy, or unverified when asked for.

    ``protocols``: the TLS versions allowed (smtp/pop ``tls_protocols``, space-separated as JavaMail's
    ``ssl.protocols``); the context is bounded to the lowest and highest of them.
    """
    if not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ca_path and os.path.isdir(ca_path):
        context = ssl.create_default_context(capath=ca_path)
    else:
        context = ssl.create_default_context(cafile=ca_path)
    versions = [getattr(ssl.TLSVersion, _TLS_VERSIONS[name]) for name in (protocols or '').split() if name in _TLS_VERSIONS]
    if versions:
        context.minimum_version = min(versions)
        context.maximum_version = max(versions)
    return context


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
            sock = dial(self.sockaddr, max(self.deadline.remaining(), 0.01))
            sock = make_context(False).wrap_socket(sock, server_hostname=self.host)
            self.deadline.arm(sock)
            found = classify_greeting(LineReader(sock).readline())
            self.found = found if found != 'silent' else 'tls'
        except Exception:  # no TLS server: leave found unset
            pass
        finally:
            if sock is not None:
                sock.close()


def sniff_plaintext(sockaddr, timeout):
    """Connect again and read what a plaintext server sends first: (protocol, first line)."""
    sock = None
    try:
        sock = dial(sockaddr, timeout)
        line = LineReader(sock).readline()
        return classify_greeting(line), line
    except Exception:  # nothing readable: say so
        return 'silent', b''
    finally:
        if sock is not None:
            sock.close()
