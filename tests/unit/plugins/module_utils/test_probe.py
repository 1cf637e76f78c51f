"""Units for the pure helpers of the probe ladder (the network paths are tested against real servers
in tests/functional/test_mail_check.py)."""

import base64
import errno
import socket
import ssl
import time

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.base import (
    Redactor,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.tls import (
    days_left,
    describe_cert_error,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.wire import (
    classify_connect_error,
    classify_greeting,
    explain_mismatch,
    printable,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.redact import (
    MASK,
)


@pytest.mark.parametrize('data, protocol', [
    (b'220 mail.example.com ESMTP Postfix\r\n', 'smtp'),
    (b'220-first line of a long banner\r\n', 'smtp'),
    (b'554 5.7.1 no service\r\n', 'smtp'),
    (b'+OK Dovecot ready.\r\n', 'pop3'),
    (b'-ERR go away\r\n', 'pop3'),
    (b'* OK [CAPABILITY IMAP4rev1] ready\r\n', 'imap'),
    (b'SSH-2.0-OpenSSH_9.2\r\n', 'ssh'),
    (b'HTTP/1.1 400 Bad Request\r\n', 'http'),
    (b'\x15\x03\x01\x00\x02\x02\x46', 'tls'),
    (b'', 'silent'),
    (b'hello\r\n', 'unknown'),
])
def test_classify_greeting(data, protocol):
    assert classify_greeting(data) == protocol


def test_swapped_ports_are_named_both_ways():
    assert explain_mismatch('pop', 465, 'ssl', 'smtp', True) == (
        'pop.port 465 answers with an SMTP greeting over implicit TLS: the POP and SMTP ports look swapped')
    assert explain_mismatch('smtp', 110, 'starttls', 'pop3', False) == (
        'smtp.port 110 answers with a POP3 greeting: the POP and SMTP ports look swapped')


def test_tls_mode_mismatch_says_which_security_to_use():
    assert explain_mismatch('smtp', 465, 'ssl', 'smtp', False) == (
        'smtp.port 465 expects implicit TLS but the server sent a plaintext greeting: use security: starttls')
    assert explain_mismatch('pop', 110, 'ssl', 'pop3', False).endswith('use security: none')
    assert explain_mismatch('smtp', 465, 'starttls', 'smtp', True).endswith('use security: ssl')


def test_other_services_and_silence():
    assert 'answers with an SSH banner, not SMTP' in explain_mismatch('smtp', 22, 'starttls', 'ssh', False)
    assert 'sends nothing' in explain_mismatch('pop', 995, 'none', 'silent', False)
    assert "'garbage'" in explain_mismatch('smtp', 25, 'none', 'unknown', False, b'garbage\r\n')


@pytest.mark.parametrize('exc, kind', [
    (ConnectionRefusedError(errno.ECONNREFUSED, 'refused'), 'refused'),
    (socket.timeout('timed out'), 'timeout'),
    (OSError(errno.ETIMEDOUT, 'timed out'), 'timeout'),
    (OSError(errno.ENETUNREACH, 'Network is unreachable'), 'unreachable'),
    (OSError(errno.EHOSTUNREACH, 'No route to host'), 'unreachable'),
    (OSError(errno.EPERM, 'not permitted'), 'error'),
])
def test_classify_connect_error(exc, kind):
    assert classify_connect_error(exc) == kind


def test_redactor_masks_password_and_its_auth_encodings():
    redact = Redactor([('joe', 's3cr:t!'), ('pop', '')])
    plain = base64.b64encode(b'\0joe\0s3cr:t!').decode()
    login = base64.b64encode(b's3cr:t!').decode()
    text = redact('pass s3cr:t! plain %s login %s' % (plain, login))
    assert 's3cr:t!' not in text and plain not in text and login not in text
    assert text.count(MASK) == 3
    assert redact(None) == ''


def test_printable_drops_control_characters_and_cuts():
    assert printable(b'220 hi\r\n\x00there') == '220 hi there'
    assert printable('x' * 200, limit=10) == 'x' * 10 + '...'


def test_days_left():
    now = time.mktime((2030, 1, 1, 0, 0, 0, 0, 0, 0)) - time.timezone
    assert days_left('Jan 21 00:00:00 2030 GMT', now=now) == 20
    assert days_left('Dec 31 00:00:00 2029 GMT', now=now) == -1


def _verify_error(code, message):
    exc = ssl.SSLCertVerificationError(1, message)
    exc.verify_code = code
    exc.verify_message = message
    return exc


def test_describe_cert_error():
    mismatch = describe_cert_error(_verify_error(62, "Hostname mismatch, certificate is not valid for 'x'."), 'x', None)
    assert mismatch.startswith('the server certificate is not valid for x')
    untrusted = describe_cert_error(_verify_error(20, 'unable to get local issuer certificate'), 'x', None)
    assert 'give ca_path' in untrusted
    assert 'the CA in ca_path /ca.pem did not sign it' in describe_cert_error(
        _verify_error(20, 'unable to get local issuer certificate'), 'x', '/ca.pem')
    assert 'expired' in describe_cert_error(_verify_error(10, 'certificate has expired'), 'x', None)
