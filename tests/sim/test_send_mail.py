"""Real sends through local aiosmtpd servers with the effective session (docs/liferay-model.md §4).

When a JDK and Debian's javax.mail.jar exist the simulator sends through the real JavaMail 1.6
(``"engine": "javamail"``); the tests marked ``javamail`` pin what JavaMail itself does and skip
(failing under CI) without it. Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

import pytest

from system_deps import skip_missing
from sim_fixtures import free_port

P = "mail.session.mail."
TO = "joe.bloggs@example.com"


def send(sim, web_id="liferay.com", to=TO, subject="hello"):
    response = sim.post("/sim/send-test-mail", json={"webId": web_id, "to": to, "subject": subject,
                                                     "from": "portal@example.com"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def sent(result):
    assert result["sent"] is True, result
    return True


@pytest.fixture
def javamail():
    """Skip (fail under CI) when the real JavaMail cannot run here."""
    import javatools

    reason = javatools.unavailable_reason(["javax.mail.jar"])
    if reason:
        skip_missing("java", reason)


def javamail_send(sim, **kwargs):
    result = send(sim, **kwargs)
    assert result["engine"] == "javamail", result
    return result


def test_starttls_with_login(start_sim, tls, smtp_servers):
    """§4: smtp + STARTTLS (587 style), certificate checked against --ca-file, then AUTH."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    assert sent(send(sim, subject="via starttls"))
    message = smtp_servers["mailbox"].messages[-1]
    assert message["to"] == [TO] and message["login"] == "joe.bloggs"
    assert "Subject: via starttls" in message["content"]


def test_implicit_tls_with_login(start_sim, tls, smtp_servers):
    """§4: "secure connection" = smtps = implicit TLS."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    assert sim.session()["properties"]["mail.transport.protocol"] == "smtps"
    assert sent(send(sim, subject="via smtps"))
    assert "Subject: via smtps" in smtp_servers["mailbox"].messages[-1]["content"]


def test_wrong_password_fails_without_leaking_it(start_sim, tls, smtp_servers):
    """§4: the error is what the portal would log, and never contains the password."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                      smtpUser="joe.bloggs", smtpPassword="Wr0ng-Passw0rd")
    result = send(sim)
    assert result["sent"] is False
    assert "AuthenticationFailedException: 535" in result["error"]
    assert "Wr0ng-Passw0rd" not in result["error"] and "Wr0ng-Passw0rd" not in sim.log()


def test_untrusted_certificate_fails(start_sim, smtp_servers):
    """§4: without the test CA in the portal's trust store the TLS upgrade fails."""
    sim = start_sim()
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    result = send(sim)
    assert result["sent"] is False and "Could not convert socket to TLS" in result["error"]


def test_raw_mode_smtps_with_smtp_keys_never_logs_in(start_sim, tls, smtp_servers):
    """§4: raw mode with transport smtps and only mail.smtp.* keys: MailEngine reads mail.smtps.auth (absent, so
    false) and calls Transport.send, which JavaMail routes through the smtp protocol; that reads mail.smtp.auth=true
    but takes a password only from an Authenticator, and the raw session has none."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]], files={"portal-ext.properties": (
        P + "transport.protocol=smtps\n" + P + "smtp.host=127.0.0.1\n"
        + P + "smtp.port=%d\n" % smtp_servers["smtps_port"] + P + "smtp.auth=true\n"
        + P + "smtp.user=joe.bloggs\n" + P + "smtp.password=secret\n")})
    assert sim.session()["mode"] == "raw"
    result = send(sim)
    assert result["sent"] is False
    assert "AuthenticationFailedException: failed to connect, no password specified?" in result["error"]


def test_raw_mode_needs_smtp_auth_true(start_sim, tls, smtp_servers):
    """§4: in raw mode auth happens only with mail.smtp.auth=true; the user alone is not enough."""
    base = (P + "smtp.host=127.0.0.1\n" + P + "smtp.port=%d\n" % smtp_servers["starttls_port"]
            + P + "smtp.user=joe.bloggs\n" + P + "smtp.password=secret\n")
    without = start_sim(args=["--ca-file", tls["ca_file"]], files={"portal-ext.properties": base})
    result = send(without)
    assert result["sent"] is False and "530" in result["error"]
    with_auth = start_sim(args=["--ca-file", tls["ca_file"]],
                          files={"portal-ext.properties": base + P + "smtp.auth=true\n"})
    assert sent(send(with_auth))


def test_osgi_configuration_send_in_2025q4(start_sim, tls, smtp_servers):
    """§8: the 2025.Q4 session comes from the .config file and sends over STARTTLS."""
    config = ('outgoingSMTPServer="localhost"\noutgoingSMTPPort="%d"\nsmtpUserName="joe.bloggs"\n'
              'smtpPassword="secret"\n' % smtp_servers["starttls_port"])
    sim = start_sim(args=["--liferay", "2025.q4", "--ca-file", tls["ca_file"]], files={
        "osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config": config})
    assert sent(send(sim))


def test_javamail_2025q4_cannot_verify_an_ip_address_certificate(javamail, start_sim, tls, smtp_servers):
    """§4, §9: on 2025.Q4 the session checks the server identity; JavaMail's check on Java 9+ (its fallback in
    SocketFetcher.matchCert, since the JDK's HostnameChecker is not exported) matches DNS names only, so a
    server named by IP address fails although its certificate lists that address."""
    config = ('outgoingSMTPServer="127.0.0.1"\noutgoingSMTPPort="%d"\nsmtpUserName="joe.bloggs"\n'
              'smtpPassword="secret"\n' % smtp_servers["starttls_port"])
    sim = start_sim(args=["--liferay", "2025.q4", "--ca-file", tls["ca_file"]], files={
        "osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config": config})
    result = javamail_send(sim)
    assert result["sent"] is False
    assert "Can't verify identity of server: 127.0.0.1" in result["error"], result


def test_blacklisted_recipient_is_skipped(sim):
    """MailMessageListener.filterInternetAddress: mail.send.blacklist drops test@liferay.com and friends."""
    result = send(sim, to="test@liferay.com")
    assert result["sent"] is False and result["skipped"] is True
    assert "mail.send.blacklist" in result["error"]


def test_connection_refused_is_reported(start_sim):
    """§4: nothing listening -> JavaMail's MailConnectException."""

    port = free_port()
    sim = start_sim()
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(port))
    result = send(sim)
    assert result["sent"] is False
    assert "MailConnectException: Couldn't connect to host, port: 127.0.0.1, %d" % port in result["error"]


# --- what the real JavaMail does with the session MailServiceImpl builds (§4) ----------------------------------


def test_javamail_starttls_587_style_with_auth(javamail, start_sim, tls, smtp_servers):
    """§4: smtp + mail.smtp.starttls.enable, trust from --ca-file (a PKCS12 trust store for the JVM), then AUTH
    through MailEngine's explicit transport.connect(host, port, user, password)."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    result = javamail_send(sim, subject="javamail starttls")
    assert sent(result) and "engineReason" not in result
    message = smtp_servers["mailbox"].messages[-1]
    assert (message["login"], message["port"]) == ("joe.bloggs", smtp_servers["starttls_port"])
    assert "Subject: javamail starttls" in message["content"]


def test_javamail_implicit_tls_465_style_smtps(javamail, start_sim, tls, smtp_servers):
    """§4: "use a secure network connection" = transport smtps: JavaMail speaks TLS from the first byte."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    assert sent(javamail_send(sim, subject="javamail smtps"))
    assert smtp_servers["mailbox"].messages[-1]["port"] == smtp_servers["smtps_port"]


def test_javamail_ignores_mail_smtp_properties_under_smtps(javamail, start_sim, tls, smtp_servers):
    """§4: under smtps JavaMail and MailEngine read mail.smtps.*: an advanced mail.smtp.auth=false changes nothing
    (the mail still goes out with AUTH), while mail.smtps.auth=false makes MailEngine fall back to
    Transport.send, which JavaMail routes through the *smtp* protocol (rfc822 -> smtp): it connects to
    mail.smtp.host/port - here the raw base keys of portal-ext.properties - not to the smtps server."""
    refused = free_port()
    base = {"portal-ext.properties": P + "smtp.host=127.0.0.1\n" + P + "smtp.port=%d\n" % refused}
    form = dict(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                smtpUser="joe.bloggs", smtpPassword="secret")
    sim = start_sim(args=["--ca-file", tls["ca_file"]], files=base)
    sim.control_panel(advancedProperties="mail.smtp.auth=false", **form)
    assert sim.session()["properties"]["mail.smtps.auth"] == "true"
    assert sent(javamail_send(sim, subject="smtp key ignored"))
    assert smtp_servers["mailbox"].messages[-1]["login"] == "joe.bloggs"

    other = start_sim(args=["--ca-file", tls["ca_file"]], files=base)
    other.control_panel(advancedProperties="mail.smtps.auth=false", **form)
    result = javamail_send(other)
    assert result["sent"] is False
    assert "Couldn't connect to host, port: 127.0.0.1, %d" % refused in result["error"]


def test_javamail_smtps_without_credentials_is_sent_as_plain_smtp(javamail, start_sim, tls, smtp_servers):
    """§4: smtps with no user and password: smtpAuth is false, MailEngine calls Transport.send, and JavaMail sends
    through the smtp protocol with the mail.smtp.* keys - the smtps host and port are never used."""
    refused = free_port()
    sim = start_sim(args=["--ca-file", tls["ca_file"]], files={
        "portal-ext.properties": P + "smtp.host=127.0.0.1\n" + P + "smtp.port=%d\n" % refused})
    sim.control_panel(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true")
    result = javamail_send(sim)
    assert result["sent"] is False
    assert "Couldn't connect to host, port: 127.0.0.1, %d" % refused in result["error"]


def test_javamail_bad_password_brings_back_the_exception_text(javamail, start_sim, tls, smtp_servers):
    """§4: a wrong password: JavaMail's AuthenticationFailedException with the server's reply, and never the
    password, in the answer or in the simulator's log."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="Wr0ng,Pa55=w0rd")
    result = javamail_send(sim)
    assert result["sent"] is False
    assert result["exception"] == "javax.mail.AuthenticationFailedException"
    assert result["error"].startswith("javax.mail.AuthenticationFailedException: 535")
    assert "Wr0ng,Pa55=w0rd" not in str(result) and "Wr0ng,Pa55=w0rd" not in sim.log()


def test_javamail_shared_properties_send_one_instance_mail_through_another(javamail, start_sim, tls, smtp_servers):
    """§4: 7.4 MailServiceImpl writes every instance into the one infrastructure Properties; an instance whose
    session was built first sends with the host, port, user and password of the instance built last."""
    sim = start_sim(args=["--ca-file", tls["ca_file"], "--instances", "liferay.com,other.example"])
    refused = free_port()
    sim.update_preferences({"mail.session.mail": "true", P + "smtp.host": "127.0.0.1", P + "smtp.port": str(refused),
                            P + "smtp.user": "first", P + "smtp.password": "first-pw"})
    assert sim.session("liferay.com")["properties"]["mail.smtp.port"] == str(refused)
    sim.update_preferences({"mail.session.mail": "true", P + "smtp.host": "127.0.0.1",
                            P + "smtp.port": str(smtp_servers["starttls_port"]), P + "smtp.user": "joe.bloggs",
                            P + "smtp.password": "secret"}, company_id=20098, auth=("test@other.example", "test"))
    assert sim.session("other.example")["cached"] is False
    first = sim.session("liferay.com")
    assert first["cached"] is True and first["properties"]["mail.smtp.port"] == str(smtp_servers["starttls_port"])
    assert sent(javamail_send(sim, web_id="liferay.com", subject="bled"))
    assert smtp_servers["mailbox"].messages[-1]["login"] == "joe.bloggs"


def test_python_fallback_says_why(start_sim, tls, smtp_servers):
    """Without a JVM the simulator sends with smtplib and says so; the answer has the same shape."""
    sim = start_sim(args=["--ca-file", tls["ca_file"], "--mail-engine", "python"])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    result = send(sim)
    assert sent(result) and result["engine"] == "python"
    assert "--mail-engine python" in result["engineReason"]


def test_python_fallback_routes_transport_send_like_javamail(start_sim, tls, smtp_servers):
    """The fallback follows the JavaMail results above: smtps without credentials goes out as plain smtp."""
    refused = free_port()
    sim = start_sim(args=["--ca-file", tls["ca_file"], "--mail-engine", "python"], files={
        "portal-ext.properties": P + "smtp.host=127.0.0.1\n" + P + "smtp.port=%d\n" % refused})
    sim.control_panel(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true")
    result = send(sim)
    assert result["sent"] is False
    assert "Couldn't connect to host, port: 127.0.0.1, %d" % refused in result["error"]
