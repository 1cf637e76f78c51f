"""Real sends through local aiosmtpd servers with the effective session (reference sections 2.5, 7.4)."""

P = "mail.session.mail."
TO = "joe.bloggs@example.com"


def send(sim, web_id="liferay.com", to=TO, subject="hello"):
    response = sim.post("/sim/send-test-mail", json={"webId": web_id, "to": to, "subject": subject,
                                                     "from": "portal@example.com"})
    assert response.status_code == 200, response.text
    return response.json()


def test_starttls_with_login(start_sim, tls, smtp_servers):
    """§2.2/§7.4: smtp + STARTTLS (587 style), certificate checked against --ca-file, then AUTH."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    assert send(sim, subject="via starttls") == {"sent": True}
    message = smtp_servers["mailbox"].messages[-1]
    assert message["to"] == [TO] and message["login"] == "joe.bloggs"
    assert "Subject: via starttls" in message["content"]


def test_implicit_tls_with_login(start_sim, tls, smtp_servers):
    """§7.4: "secure connection" = smtps = implicit TLS."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="localhost", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    assert sim.session()["properties"]["mail.transport.protocol"] == "smtps"
    assert send(sim, subject="via smtps") == {"sent": True}
    assert "Subject: via smtps" in smtp_servers["mailbox"].messages[-1]["content"]


def test_wrong_password_fails_without_leaking_it(start_sim, tls, smtp_servers):
    """§2.5: the error is what the portal would log, and never contains the password."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]])
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["smtps_port"]), smtpSecure="true",
                      smtpUser="joe.bloggs", smtpPassword="Wr0ng-Passw0rd")
    result = send(sim)
    assert result["sent"] is False
    assert "AuthenticationFailedException: 535" in result["error"]
    assert "Wr0ng-Passw0rd" not in result["error"] and "Wr0ng-Passw0rd" not in sim.log()


def test_untrusted_certificate_fails(start_sim, smtp_servers):
    """§2.5: without the test CA in the portal's trust store the TLS upgrade fails."""
    sim = start_sim()
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(smtp_servers["starttls_port"]), smtpStartTLSEnable="true",
                      smtpUser="joe.bloggs", smtpPassword="secret")
    result = send(sim)
    assert result["sent"] is False and "Could not convert socket to TLS" in result["error"]


def test_raw_mode_smtps_with_smtp_keys_goes_to_localhost_465(start_sim, tls, smtp_servers):
    """§1/§2.5: raw keys are JavaMail keys: smtps reads mail.smtps.host (absent -> localhost) and port 465."""
    sim = start_sim(args=["--ca-file", tls["ca_file"]], files={"portal-ext.properties": (
        P + "transport.protocol=smtps\n" + P + "smtp.host=127.0.0.1\n"
        + P + "smtp.port=%d\n" % smtp_servers["smtps_port"] + P + "smtp.auth=true\n"
        + P + "smtp.user=joe.bloggs\n" + P + "smtp.password=secret\n")})
    assert sim.session()["mode"] == "raw"
    result = send(sim)
    assert result["sent"] is False
    assert "Could not connect to SMTP host: localhost, port: 465" in result["error"]


def test_raw_mode_needs_smtp_auth_true(start_sim, tls, smtp_servers):
    """§2.5: in raw mode auth happens only with mail.smtp.auth=true; the user alone is not enough."""
    base = (P + "smtp.host=127.0.0.1\n" + P + "smtp.port=%d\n" % smtp_servers["starttls_port"]
            + P + "smtp.user=joe.bloggs\n" + P + "smtp.password=secret\n")
    without = start_sim(args=["--ca-file", tls["ca_file"]], files={"portal-ext.properties": base})
    result = send(without)
    assert result["sent"] is False and "530" in result["error"]
    with_auth = start_sim(args=["--ca-file", tls["ca_file"]],
                          files={"portal-ext.properties": base + P + "smtp.auth=true\n"})
    assert send(with_auth) == {"sent": True}


def test_osgi_configuration_send_in_2025q4(start_sim, tls, smtp_servers):
    """§2.6: the 2025.Q4 session comes from the .config file and sends over STARTTLS."""
    config = ('outgoingSMTPServer="localhost"\noutgoingSMTPPort="%d"\nsmtpUserName="joe.bloggs"\n'
              'smtpPassword="secret"\n' % smtp_servers["starttls_port"])
    sim = start_sim(args=["--liferay", "2025.q4", "--ca-file", tls["ca_file"]], files={
        "osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config": config})
    assert send(sim) == {"sent": True}


def test_blacklisted_recipient_is_skipped(sim):
    """§4/§7.9: mail.send.blacklist silently drops test@liferay.com and friends."""
    result = send(sim, to="test@liferay.com")
    assert result["sent"] is False and result["skipped"] is True
    assert "mail.send.blacklist" in result["error"]


def test_connection_refused_is_reported(start_sim):
    """§2.5: nothing listening -> Could not connect to SMTP host."""
    from conftest import free_port

    port = free_port()
    sim = start_sim()
    sim.control_panel(smtpHost="127.0.0.1", smtpPort=str(port))
    result = send(sim)
    assert result == {"sent": False, "error": result["error"]}
    assert "Could not connect to SMTP host: 127.0.0.1, port: %d" % port in result["error"]
