"""Which layer wins for the effective mail session (docs/liferay-model.md §1-§4).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

from conftest import COMPANY_ID

P = "mail.session.mail."


def test_raw_mode_uses_mail_session_properties_as_javamail_properties(start_sim):
    """§3/§4: mail.session.mail=false -> the mail.session. prefix is stripped and the rest used as is."""
    sim = start_sim(files={"portal-ext.properties": P + "smtp.host=smtp.example.com\n"
                           "mail.session.mail.smtp.custom=kept\n"})
    session = sim.session()
    assert session["mode"] == "raw"
    assert session["properties"]["mail.smtp.host"] == "smtp.example.com"
    assert session["properties"]["mail.smtp.custom"] == "kept"
    assert session["properties"]["mail.smtp.auth"] == "false"
    assert session["sources"]["mail.smtp.host"] == "portal-ext.properties"
    assert session["sources"]["mail.smtp.port"] == "default"


def test_files_then_environment_then_env_file(start_sim, tmp_path):
    """§1.6/§2: portal-ext < its includes < portal-setup-wizard < process env < --env-file."""
    env_file = tmp_path / "liferay.env"
    env_file.write_text("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER=from-env-file\n")
    sim = start_sim(
        files={"portal-ext.properties": "include-and-override=portal-mail.properties\n"
                                        + P + "smtp.host=ext\n" + P + "smtp.port=2525\n" + P + "pop3.host=ext\n"
                                        + P + "pop3.user=ext\n" + P + "smtp.user=ext\n",
               "portal-mail.properties": P + "smtp.port=587\n" + P + "pop3.host=include\n" + P + "pop3.user=inc\n"
               + P + "smtp.user=inc\n",
               "portal-setup-wizard.properties": P + "pop3.host=wizard\n" + P + "pop3.user=wizard\n"
               + P + "smtp.user=wizard\n"},
        env={"LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP3_PERIOD_USER": "from-env",
             "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_USER": "from-env"},
        args=["--env-file", str(env_file)])
    session = sim.session()
    got = {k: (session["properties"][k], session["sources"][k]) for k in
           ("mail.smtp.host", "mail.smtp.port", "mail.pop3.host", "mail.pop3.user", "mail.smtp.user")}
    assert got == {"mail.smtp.host": ("ext", "portal-ext.properties"),
                   "mail.smtp.port": ("587", "portal-mail.properties"),
                   "mail.pop3.host": ("wizard", "portal-setup-wizard.properties"),
                   "mail.pop3.user": ("from-env", "env"),
                   "mail.smtp.user": ("from-env-file", "env")}


def test_structured_mode_company_prefs_beat_system_prefs_beat_properties(start_sim):
    """§3: mail.session.mail=true -> company prefs -> system prefs -> properties/env, per key."""
    sim = start_sim(files={"portal-ext.properties": P + "smtp.host=props-host\n" + P + "smtp.port=2525\n"
                           + P + "smtp.user=props-user\n"},
                    env={"LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PORT": "2626"})
    # system level through the Server Administration form, then the instance through JSON WS
    assert sim.control_panel(smtpHost="system-host", smtpPort="25", smtpUser="system-user",
                             smtpStartTLSEnable="true").status_code == 200
    assert sim.update_preferences({P + "smtp.host": "company-host"}).status_code == 200
    sim.restart()
    session = sim.session()
    assert session["mode"] == "structured"
    props, sources = session["properties"], session["sources"]
    assert (props["mail.smtp.host"], sources["mail.smtp.host"]) == ("company-host", "company-preferences")
    assert (props["mail.smtp.user"], sources["mail.smtp.user"]) == ("system-user", "system-preferences")
    assert (props["mail.smtp.port"], sources["mail.smtp.port"]) == ("25", "system-preferences")
    assert (props["mail.pop3.host"], sources["mail.pop3.host"]) == ("", "system-preferences")
    assert props["mail.smtp.auth"] == "true"


def test_stored_preferences_make_portal_ext_changes_ineffective(start_sim):
    """§3: after a Control Panel save, editing portal-ext.properties and restarting changes nothing."""
    sim = start_sim(files={"portal-ext.properties": P + "smtp.host=old\n"})
    sim.control_panel(smtpHost="saved", smtpPort="25")
    (sim.home / "portal-ext.properties").write_text(P + "smtp.host=new\n")
    sim.restart()
    assert sim.session()["properties"]["mail.smtp.host"] == "saved"


def test_properties_are_read_at_start_up_only(start_sim):
    """§1.6: a changed portal-ext.properties has no effect until a restart, even for a session built later."""
    sim = start_sim(files={"portal-ext.properties": P + "smtp.host=before\n"},
                    args=["--instances", "liferay.com,other.example"])
    assert sim.session("liferay.com")["properties"]["mail.smtp.host"] == "before"
    (sim.home / "portal-ext.properties").write_text(P + "smtp.host=after\n")
    fresh = sim.session("other.example")  # never built before the edit
    assert (fresh["cached"], fresh["properties"]["mail.smtp.host"]) == (False, "before")
    sim.restart()
    assert sim.session("other.example")["properties"]["mail.smtp.host"] == "after"


def test_protocol_normalisation_auth_derivation_and_advanced_properties(start_sim):
    """§4: odd protocols become smtp/pop3, auth follows user-or-password, advanced properties win last."""
    sim = start_sim(files={"portal-ext.properties": "mail.session.mail=true\n"
                                                    + P + "transport.protocol=SMTPS\n"
                                                    + P + "store.protocol=imap\n"
                                                    + P + "smtp.password=pw\n"
                                                    + P + "smtp.port=not-a-number\n"
                                                    + P + "advanced.properties=mail.smtp.timeout=5000\\n"
                           "mail.smtp.host=advanced-host\n"})
    session = sim.session(secrets=True)
    props = session["properties"]
    assert props["mail.transport.protocol"] == "smtp"
    assert props["mail.store.protocol"] == "pop3"
    assert props["mail.smtp.auth"] == "true"
    assert props["mail.smtp.port"] == "0"
    assert props["mail.smtp.password"] == "pw"
    assert props["mail.smtp.timeout"] == "5000"
    assert (props["mail.smtp.host"], session["sources"]["mail.smtp.host"]) == \
        ("advanced-host", "advanced:portal-ext.properties")
    assert sim.session()["properties"]["mail.smtp.password"] == "********"


def test_smtps_moves_every_transport_key_to_the_smtps_prefix(start_sim):
    """§4: transport smtps -> mail.smtps.host/port/auth/starttls.enable; store pop3s likewise."""
    sim = start_sim(files={"portal-ext.properties": "mail.session.mail=true\n" + P + "transport.protocol=smtps\n"
                                                    + P + "store.protocol=pop3s\n" + P + "smtp.host=h\n"
                                                    + P + "smtp.port=465\n" + P + "pop3.port=995\n"})
    props = sim.session()["properties"]
    assert props["mail.smtps.host"] == "h" and props["mail.smtps.port"] == "465"
    assert props["mail.smtps.auth"] == "false" and props["mail.smtps.starttls.enable"] == "true"
    assert props["mail.pop3s.port"] == "995"
    # the raw base keys (prefix stripped) stay underneath, untouched by the structured settings
    assert (props["mail.smtp.host"], props["mail.smtp.auth"]) == ("h", "false")


def test_per_instance_sessions_and_company_properties(start_sim):
    """§2.4/§3/§4: each instance has its own prefs; LIFERAY_PROPS_BY_COMPANY_<id> applies to one instance only. The
    raw-mode session is InfrastructureUtil.getMailSession() itself, built from the portal-wide properties, and
    7.4's MailServiceImpl writes a structured instance's values into that same Properties object."""
    sim = start_sim(args=["--instances", "liferay.com,other.example"],
                    env={"LIFERAY_PROPS_BY_COMPANY_20098": "mail.session.mail=true\n"
                                                           "mail.session.mail.smtp.host=other-host\n"})
    raw = sim.session("liferay.com")
    assert (raw["mode"], raw["properties"]["mail.smtp.host"], raw["sharedProperties"]) == ("raw", "localhost", True)
    other = sim.session("other.example")
    assert (other["mode"], other["properties"]["mail.smtp.host"]) == ("structured", "other-host")
    # MailServiceImpl.getSession(20098) called setProperty on the infrastructure session's Properties
    assert sim.session("liferay.com")["properties"]["mail.smtp.host"] == "other-host"
    response = sim.update_preferences({"mail.session.mail": "true", P + "smtp.host": "x"}, company_id=20098,
                                      auth=("test@other.example", "test"))
    assert response.status_code == 200
    # mail.session.mail=true equals that instance's portal property, so update-preferences stores nothing for it
    assert sim.prefs(20098) == {P + "smtp.host": "x"}
    assert sim.prefs(COMPANY_ID) == {}


def test_auth_follows_validator_is_not_null(start_sim):
    """§4: MailServiceImpl sets mail.<p>.auth from Validator.isNotNull(smtpPassword) || isNotNull(smtpUser):
    spaces only and the word "null" (even spaced out) are empty; a tab or "NULL" is not."""
    cases = {"   ": "false", "null": "false", " n u l l ": "false", "NULL": "true", "\t": "true", "joe": "true"}
    for user, auth in cases.items():
        sim = start_sim(files={"portal-ext.properties": "mail.session.mail=true\n"})
        sim.update_preferences({P + "smtp.user": user, P + "smtp.password": " null "})
        sim.restart()
        session = sim.session()
        assert session["properties"]["mail.smtp.auth"] == auth, repr(user)
        assert session["authenticator"] is (auth == "true")
        sim.stop()
