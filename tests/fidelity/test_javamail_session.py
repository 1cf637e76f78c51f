"""What JavaMail 1.6 itself does with the session Liferay builds (docs/liferay-model.md §4).

These answers come from the real javax.mail.jar, not from our reading of its source; the simulator's
session model (tests/support/liferay_sim/mailsession.py) and its smtplib fallback follow them.
"""

import pytest

import javatools
from system_deps import skip_missing


@pytest.fixture(scope='module')
def answers():
    reason = javatools.unavailable_reason(['javax.mail.jar'])
    if reason:
        skip_missing('java', reason)
    classpath = [javatools.jar('javax.mail.jar')]
    classes = javatools.compile_program('JavaMailProbe', ['JavaMailProbe.java'], classpath)
    result = javatools.run_program('JavaMailProbe', [classes] + classpath)
    assert result.returncode == 0, result.stderr
    return dict(line.split('=', 1) for line in result.stdout.splitlines() if '=' in line)


def test_session_keeps_its_properties_by_reference(answers):
    """Session.getInstance(properties) keeps the object: 7.4 MailServiceImpl's setProperty calls on the
    infrastructure session's Properties reach every session built on it (the shared-Properties trap)."""
    assert answers['sessionSeesLaterChanges'] == 'true'
    assert answers['sessionPropertiesIsSameObject'] == 'true'


def test_transport_send_routes_rfc822_through_smtp_even_under_smtps(answers):
    """Transport.send(message) picks the transport by address type (rfc822 -> smtp), not mail.transport.protocol;
    only mail.transport.protocol.rfc822 changes it. MailEngine uses Transport.send whenever it does not log in."""
    assert answers['transportForRfc822'] == 'smtp'
    assert answers['transportForDefault'] == 'smtps'
    assert answers['transportForRfc822WithOverride'] == 'smtps'


def test_password_property_is_not_a_javamail_property(answers):
    """No PasswordAuthentication comes from mail.<p>.password: only an Authenticator or connect() supplies one."""
    assert answers['passwordPropertyIsRead'] == 'false'
