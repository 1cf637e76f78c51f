"""2025.Q4: mail settings from OSGi .config files, applied while running (docs/liferay-model.md §6-§8).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

import os
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
    """§8: instance scoped file -> system file -> metatype defaults; whole-configuration fallback."""
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
    """§8: a saved .config file applies within seconds; the handler clears the session of its company."""
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
    """§8: the system-wide file clears every company's session; deleting it falls back to defaults."""
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


def test_deleted_scoped_file_does_not_clear_the_session_until_restart(start_sim):
    """§8: MailServiceCompanyScopedConfigurationHandler has @Activate/@Modified only, no @Deactivate."""
    scoped = "osgi/configs/%s.scoped~liferay.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4"], files={scoped: 'companyId=L"20097"\noutgoingSMTPServer="old"\n'})
    assert sim.session()["properties"]["mail.smtp.host"] == "old"
    (sim.home / scoped).unlink()
    time.sleep(1.2)
    session = sim.session()
    assert (session["properties"]["mail.smtp.host"], session["cached"]) == ("old", True)
    assert "not cleared" in sim.log()
    sim.restart()
    assert sim.session()["properties"]["mail.smtp.host"] == "localhost"


def test_system_properties_interpolate_before_unquoting(start_sim):
    """§6: InterpolationUtil.substVars replaces ${name} with the system property, unset -> "", then unquotes."""
    system = "osgi/configs/%s.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4", "--system-property", "mail.host=from-jvm.example"],
                    files={system: 'outgoingSMTPServer="${mail.host}"\nsmtpUserName="ab${unset}cd"\n'
                                   'smtpPassword="p$\\{x\\}w"\n'})
    props = sim.session(secrets=True)["properties"]
    assert props["mail.smtp.host"] == "from-jvm.example"
    assert props["mail.smtp.user"] == "abcd"
    assert props["mail.smtp.password"] == "p${x}w"


def test_most_recently_updated_scoped_file_wins_and_portable_key_names_the_company(start_sim):
    """§7: getConfiguration returns the last (most recently updated) configuration of a company; a file may
    name its company by web id (FileInstallDeployTest.testCompanyScopedPortableKeyConfiguration)."""
    older = "osgi/configs/%s.scoped~zzz.config" % PID
    newer = "osgi/configs/%s.scoped~aaa.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4"], files={
        older: 'companyId=L"20097"\noutgoingSMTPServer="older"\n',
        newer: 'companyWebId="liferay.com"\noutgoingSMTPServer="newer"\n'})
    os.utime(str(sim.home / older), (1000000000, 1000000000))
    sim.restart()
    session = sim.session()
    assert session["properties"]["mail.smtp.host"] == "newer"
    assert session["sources"]["mail.smtp.host"] == "osgi:%s.scoped~aaa.config" % PID
    (sim.home / older).write_text('companyId=L"20097"\noutgoingSMTPServer="touched"\n')
    assert wait_for(sim, lambda s: s["properties"]["mail.smtp.host"] == "touched")["properties"][
        "mail.smtp.host"] == "touched"


def test_unparsable_line_ends_the_file_and_bad_values_keep_the_previous_configuration(start_sim):
    """§6: TypedProperties stops at the first line its pattern does not match (the lines before it apply);
    a value ConfigurationHandler cannot convert leaves the previous configuration in place."""
    system = "osgi/configs/%s.config" % PID
    sim = start_sim(args=["--liferay", "2025.q4"], files={system: 'outgoingSMTPServer="good"\n'})
    (sim.home / system).write_text('outgoingSMTPServer="kept"\noutgoingSMTPPort="2525" # comment\n'
                                   'smtpUserName="ignored"\n')
    session = wait_for(sim, lambda s: s["properties"]["mail.smtp.host"] == "kept")
    assert (session["properties"]["mail.smtp.host"], session["properties"]["mail.smtp.port"]) == ("kept", "25")
    assert "mail.smtp.user" not in session["properties"] or session["properties"]["mail.smtp.user"] == ""
    assert "Unable to parse config line 2" in sim.log()
    (sim.home / system).write_text('outgoingSMTPServer="new"\nenableStartTLS=B"true"\nbatch=I"abc"\n')
    time.sleep(1.2)
    assert sim.session()["properties"]["mail.smtp.host"] == "kept"
    assert "Unable to parse" in sim.log()


def test_update_preferences_and_properties_do_not_drive_mail_in_2025q4(start_sim):
    """§3/§8: the newest mail service ignores mail.session.mail.* preferences and properties."""
    sim = start_sim(args=["--liferay", "2025.q4"],
                    env={"LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST": "env-host"})
    assert sim.update_preferences({"mail.session.mail": "true",
                                   "mail.session.mail.smtp.host": "pref-host"}).status_code == 200
    sim.restart()
    assert sim.session()["properties"]["mail.smtp.host"] == "localhost"
