"""2025.Q4: mail settings from OSGi .config files, applied while running (reference section 2.6)."""

import time

PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"


def wait_for(sim, predicate, web_id="liferay.com", timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        session = sim.session(web_id)
        if predicate(session) or time.monotonic() > deadline:
            return session
        time.sleep(0.1)


def test_defaults_system_file_and_scoped_file(start_sim):
    """§2.6: instance scoped file -> system file -> metatype defaults; whole-configuration fallback."""
    sim = start_sim(args=["--liferay", "2025.q4", "--instances", "liferay.com,other.example"], files={
        "osgi/configs/%s.config" % PID: 'outgoingSMTPServer="system.example.com"\noutgoingSMTPPort="2525"\n',
        "osgi/configs/%s.scoped~other.config" % PID: 'companyId=L"20098"\noutgoingSMTPServer="other.example"\n'
                                                     'transportProtocol="smtps"\nsmtpUserName="joe"\n',
        "portal-ext.properties": "mail.session.mail=true\nmail.session.mail.smtp.host=ignored-in-2025q4\n"})
    default = sim.session("liferay.com")
    assert default["mode"] == "osgi"
    props, sources = default["properties"], default["sources"]
    assert (props["mail.smtp.host"], sources["mail.smtp.host"]) == ("system.example.com", "osgi:%s.config" % PID)
    assert props["mail.smtp.port"] == "2525"
    assert (props["mail.smtp.starttls.enable"], sources["mail.smtp.starttls.enable"]) == ("true", "default")
    other = sim.session("other.example")["properties"]
    assert (other["mail.transport.protocol"], other["mail.smtps.host"], other["mail.smtps.auth"]) == \
        ("smtps", "other.example", "true")
    assert other["mail.smtps.port"] == "25"  # from the metatype default, not from the system file


def test_changed_file_applies_without_restart_and_clears_that_session(start_sim):
    """§2.6/§8: a saved .config file applies within seconds; the handler clears the session of its company."""
    scoped = "osgi/configs/%s.scoped~liferay.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4", "--instances", "liferay.com,other.example"],
                    files={scoped: 'companyId=L"20097"\noutgoingSMTPPort=I"587"\n'})
    assert sim.session()["properties"]["mail.smtp.port"] == "587"
    sim.session("other.example")
    started = time.monotonic()
    (sim.home / scoped).write_text('companyId=L"20097"\noutgoingSMTPPort=I"465"\nenableStartTLS=B"false"\n')
    session = wait_for(sim, lambda s: s["properties"]["mail.smtp.port"] == "465")
    assert session["properties"]["mail.smtp.port"] == "465"
    assert session["properties"]["mail.smtp.starttls.enable"] == "false"
    assert time.monotonic() - started < 3
    assert sim.session("other.example")["cached"] is True  # another company's session is untouched


def test_system_file_clears_all_and_deletion_falls_back(start_sim):
    """§2.6: the system-wide file clears every company's session; deleting a file falls back to defaults."""
    system = "osgi/configs/%s.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4", "--instances", "liferay.com,other.example"],
                    files={system: 'outgoingSMTPServer="one"\n'})
    sim.session("liferay.com")
    sim.session("other.example")
    (sim.home / system).write_text('outgoingSMTPServer="two"\n')
    assert wait_for(sim, lambda s: s["properties"]["mail.smtp.host"] == "two")["properties"]["mail.smtp.host"] == "two"
    assert wait_for(sim, lambda s: not s["cached"], "other.example")["properties"]["mail.smtp.host"] == "two"
    (sim.home / system).unlink()
    assert wait_for(sim, lambda s: s["properties"]["mail.smtp.host"] == "localhost")["properties"][
        "mail.smtp.host"] == "localhost"


def test_malformed_file_keeps_the_previous_configuration(start_sim):
    """§2.6: a file that does not parse is logged and not applied."""
    system = "osgi/configs/%s.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4"], files={system: 'outgoingSMTPServer="good"\n'})
    (sim.home / system).write_text('outgoingSMTPServer=unquoted\n')
    time.sleep(1.2)
    assert sim.session()["properties"]["mail.smtp.host"] == "good"
    assert "Unable to parse" in sim.log()


def test_update_preferences_and_properties_do_not_drive_mail_in_2025q4(start_sim):
    """§1/§2.6: the newest mail service ignores mail.session.mail.* preferences and properties."""
    sim = start_sim(args=["--liferay", "2025.q4"],
                    env={"LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST": "env-host"})
    assert sim.update_preferences({"mail.session.mail": "true",
                                   "mail.session.mail.smtp.host": "pref-host"}).status_code == 200
    sim.restart()
    assert sim.session()["properties"]["mail.smtp.host"] == "localhost"
