"""The cached mail session and the Control Panel save (docs/liferay-model.md §3, §4, §5).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

from conftest import ADMIN, COMPANY_ID, USER

P = "mail.session.mail."


def test_update_preferences_does_not_clear_the_cached_session(sim):
    """§4/§5: JSON WS stores at once but the cached session stays until clearSession or a restart."""
    first = sim.session()
    assert (first["cached"], first["mode"]) == (False, "raw")
    assert sim.session()["cached"] is True
    sim.update_preferences({"mail.session.mail": "true", P + "smtp.host": "new-host"})
    stale = sim.session()
    assert (stale["cached"], stale["mode"], stale["properties"]["mail.smtp.host"]) == (True, "raw", "localhost")
    sim.restart()
    fresh = sim.session()
    assert (fresh["cached"], fresh["mode"], fresh["properties"]["mail.smtp.host"]) == (False, "structured", "new-host")


def test_control_panel_save_clears_every_instance_session(start_sim):
    """§4: updateMail ends with clearSession(), which clears all companies' sessions."""
    sim = start_sim(args=["--instances", "liferay.com,other.example"])
    sim.session("liferay.com")
    sim.session("other.example")
    response = sim.control_panel(preferencesCompanyId=20098, smtpHost="x", auth=("test@other.example", "test"))
    assert response.status_code == 200
    assert sim.session("liferay.com")["cached"] is False
    other = sim.session("other.example")
    assert (other["cached"], other["properties"]["mail.smtp.host"]) == (False, "x")


def test_preferences_survive_a_process_restart(start_sim):
    """§3: preferences are the portal database; they outlive the process and the file is written atomically."""
    sim = start_sim()
    sim.update_preferences({P + "smtp.host": "persisted"})
    sim.stop()
    again = start_sim(home=sim.home)
    assert again.prefs() == {P + "smtp.host": "persisted"}
    stored = (sim.home / "data" / "sim-preferences.json").read_text()
    assert "persisted" in stored
    assert not [p for p in (sim.home / "data").iterdir() if p.name.startswith(".sim-preferences")]


def test_state_dir_option(start_sim, tmp_path):
    """CLI: --state-dir keeps the preferences store outside the Liferay home."""
    sim = start_sim(args=["--state-dir", str(tmp_path / "db")])
    sim.update_preferences({"k": "v"})
    assert (tmp_path / "db" / "sim-preferences.json").exists()
    assert not (sim.home / "data" / "sim-preferences.json").exists()


def test_nodes_sharing_a_state_dir_share_the_preferences_like_one_database(start_sim, tmp_path):
    """§3/§4: cluster nodes read one database; a node's cached session still waits for its own restart."""
    database = ["--state-dir", str(tmp_path / "db")]
    node1, node2 = start_sim(args=database), start_sim(args=database)
    assert node2.session()["properties"]["mail.smtp.host"] == "localhost"
    node1.update_preferences({"mail.session.mail": "true", P + "smtp.host": "shared-host"})
    assert node2.prefs()[P + "smtp.host"] == "shared-host"
    assert node2.session()["properties"]["mail.smtp.host"] == "localhost"  # cached before the write
    node2.restart()
    assert node2.session()["properties"]["mail.smtp.host"] == "shared-host"
    node2.update_preferences({P + "smtp.user": "joe"})
    assert node1.prefs() == {"mail.session.mail": "true", P + "smtp.host": "shared-host", P + "smtp.user": "joe"}


def test_control_panel_stores_exactly_what_editservermvcactioncommand_stores(sim):
    """EditServerMVCActionCommand.updateMail: always mail.session.mail=true, secure flags -> protocols,
    GetterUtil booleans, blank port -> 0."""
    response = sim.control_panel(pop3Host=" pop.example.com ", pop3Port="", pop3Secure="on", pop3User="joe",
                                 pop3Password="pop-secret", popServerNotificationsEnabled="T",
                                 smtpHost="smtp.example.com", smtpPort="587x", smtpSecure="false",
                                 smtpStartTLSEnable="1", smtpUser="joe", smtpPassword="smtp-secret",
                                 advancedProperties="mail.smtp.timeout=5000\r\nmail.debug=true")
    assert response.status_code == 200
    assert response.json()["companyId"] == 0
    assert response.json()["preferences"][P + "smtp.password"] == "********"
    assert sim.prefs(0) == {
        "mail.session.mail": "true", P + "pop3.host": "pop.example.com", P + "pop3.port": "0",
        P + "store.protocol": "pop3s", P + "pop3.user": "joe", P + "pop3.password": "pop-secret",
        "pop.server.notifications.enabled": "true", P + "smtp.host": "smtp.example.com", P + "smtp.port": "0",
        P + "transport.protocol": "smtp", P + "smtp.starttls.enable": "true", P + "smtp.user": "joe",
        P + "smtp.password": "smtp-secret", P + "advanced.properties": "mail.smtp.timeout=5000\nmail.debug=true"}


def test_control_panel_password_obfuscation_and_erasure(sim):
    """EditServerMVCActionCommand.updateMail: TEMP_OBFUSCATION_VALUE keeps the stored password, an empty
    field erases it."""
    sim.control_panel(smtpPassword="keep-me", pop3Password="erase-me")
    sim.control_panel(smtpPassword="TEMP_OBFUSCATION_VALUE", pop3Password="")
    prefs = sim.prefs(0)
    assert (prefs[P + "smtp.password"], prefs[P + "pop3.password"]) == ("keep-me", "")
    assert sim.prefs(0, secrets=False)[P + "pop3.password"] == ""


def test_control_panel_requires_an_administrator(start_sim):
    """EditServerMVCActionCommand: only administrators save; company 0 needs the default instance's administrator."""
    sim = start_sim(args=["--instances", "liferay.com,other.example"])
    assert sim.control_panel(auth=None, smtpHost="x").status_code == 401
    assert sim.control_panel(auth=("test@liferay.com", "bad"), smtpHost="x").status_code == 401
    assert sim.control_panel(auth=USER, smtpHost="x").status_code == 403
    assert sim.control_panel(auth=("test@other.example", "test"), smtpHost="x").status_code == 403
    assert sim.control_panel(auth=ADMIN, preferencesCompanyId=20098, smtpHost="x").status_code == 403
    assert sim.prefs(0) == {} and sim.prefs(20098) == {}
    form = sim.post("/sim/control-panel/mail", auth=ADMIN, data={"preferencesCompanyId": str(COMPANY_ID),
                                                                 "smtpHost": "form-host"})
    assert form.status_code == 200
    assert sim.prefs(COMPANY_ID)[P + "smtp.host"] == "form-host"


def test_no_control_panel_mail_form_in_2025q4(start_sim):
    """§8: from 2025.Q4 mail settings live in the OSGi configuration, not in Server Administration."""
    sim = start_sim(args=["--liferay", "2025.q4"])
    assert sim.control_panel(smtpHost="x").status_code == 404


def test_removed_advanced_property_stays_until_restart(sim):
    """§4: 7.4 MailServiceImpl.getSession(long) calls setProperty on InfrastructureUtil.getMailSession()'s
    Properties; a rebuild after clearSession() sets the keys it knows and never removes one, so an advanced
    property dropped in a Control Panel save stays in force until the portal restarts."""
    sim.control_panel(smtpHost="h", advancedProperties="mail.smtp.timeout=5000\nmail.smtp.from=bounce@example.com")
    assert sim.session()["properties"]["mail.smtp.timeout"] == "5000"
    sim.control_panel(smtpHost="h", advancedProperties="mail.smtp.from=other@example.com")
    rebuilt = sim.session()
    assert rebuilt["cached"] is False and rebuilt["sharedProperties"] is True
    assert rebuilt["properties"]["mail.smtp.timeout"] == "5000"
    assert rebuilt["properties"]["mail.smtp.from"] == "other@example.com"
    sim.restart()
    assert "mail.smtp.timeout" not in sim.session()["properties"]


def test_advanced_properties_bleed_between_instances(start_sim):
    """§4: one instance's advanced property is in force for every instance whose session shares the Properties."""
    sim = start_sim(args=["--instances", "liferay.com,other.example"])
    sim.control_panel(preferencesCompanyId=20098, smtpHost="o", advancedProperties="mail.smtp.timeout=1234",
                      auth=("test@other.example", "test"))
    sim.control_panel(preferencesCompanyId=20097, smtpHost="d")
    assert "mail.smtp.timeout" not in sim.session("liferay.com")["properties"]
    sim.session("other.example")
    default = sim.session("liferay.com")
    assert default["cached"] is True and default["properties"]["mail.smtp.timeout"] == "1234"
    assert default["properties"]["mail.smtp.host"] == "o"


def test_2025q4_sessions_do_not_share_properties(start_sim):
    """§4: the 2025.Q4 modules MailServiceImpl starts from new Properties() for every instance."""
    configs = "osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
    sim = start_sim(args=["--liferay", "2025.q4", "--instances", "liferay.com,other.example"], files={
        configs + ".scoped~other.config": 'companyId=L"20098"\nadditionalJavaMailProperties="mail.smtp.timeout=1"\n'})
    assert sim.session("other.example")["properties"]["mail.smtp.timeout"] == "1"
    default = sim.session("liferay.com")
    assert default["sharedProperties"] is False and "mail.smtp.timeout" not in default["properties"]
