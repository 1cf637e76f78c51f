"""2025.Q4 MailSettingSystemConfiguration in the simulator: JNDI session and send blacklist.

Sources (liferay/liferay-portal): mail-messaging-impl MailServiceImpl.getSession (cached session first, then a
non-null jndiName looked up and returned uncached, a failed lookup logged and the company configuration used)
and MailMessageListener.filterInternetAddress (sendBlacklist in a HashSet, exact match; a listed sender drops the
mail); both re-read the configuration in @Modified and clear no session. Metatype: mail-settings-api
MailSettingSystemConfiguration (54b9c3a9). docs/liferay-model.md §10.3.
"""

import time

import pytest

from sim_fixtures import Mailbox, started_on_a_free_port

COMPANY_FILE = "osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config"
SYSTEM_FILE = "osgi/configs/com.liferay.mail.settings.configuration.MailSettingSystemConfiguration.config"


@pytest.fixture
def relay():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = started_on_a_free_port(lambda port: Controller(mailbox, hostname="127.0.0.1", port=port))
    try:
        yield {"port": controller.port, "mailbox": mailbox}
    finally:
        controller.stop()


def send(sim, to, sender="portal@example.org"):
    response = sim.post("/sim/send-test-mail", json={"to": to, "from": sender, "subject": "system configuration"},
                        timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.1)
    return predicate()


@pytest.mark.parametrize("attribute", ["jndiName", "mailSessionJndiName"])
def test_jndi_session_is_looked_up_uncached_after_the_cache(start_sim, relay, attribute):
    company = 'outgoingSMTPServer="localhost"\noutgoingSMTPPort="%d"\nenableStartTLS=B"false"\n' % relay["port"]
    sim = start_sim(args=["--liferay", "2025.q4", "--mail-engine", "python",
                          "--jndi-mail-session", "mail/Relay=localhost:%d" % relay["port"]],
                    files={COMPANY_FILE: company})
    assert sim.session()["mode"] == "osgi"  # built and cached before the JNDI name exists
    (sim.home / SYSTEM_FILE).write_text('%s="mail/Relay"\n' % attribute)
    time.sleep(1.5)  # a few poll intervals: the system configuration clears no session
    assert sim.session()["cached"] is True and sim.session()["mode"] == "osgi"
    sim.restart()
    session = sim.session()
    assert session["mode"] == "jndi" and not session["cached"]
    assert session["sources"]["mail.smtp.host"].startswith("jndi:mail/Relay")
    assert sim.session()["cached"] is False  # a JNDI session is never cached
    assert send(sim, "someone@example.org")["sent"]
    assert relay["mailbox"].messages[-1]["to"] == ["someone@example.org"]


def test_failed_jndi_lookup_falls_back_to_the_company_configuration(start_sim):
    sim = start_sim(args=["--liferay", "2025.q4"], files={
        COMPANY_FILE: 'outgoingSMTPServer="company.example.com"\n', SYSTEM_FILE: 'jndiName="mail/Missing"\n'})
    session = sim.session()
    assert session["mode"] == "osgi" and session["properties"]["mail.smtp.host"] == "company.example.com"
    assert "Unable to lookup mail/Missing" in sim.log()


@pytest.mark.parametrize("attribute", ["sendBlacklist", "mailSendBlacklist"])
def test_send_blacklist_exact_and_sender_drops_the_mail(start_sim, relay, attribute):
    company = 'outgoingSMTPServer="localhost"\noutgoingSMTPPort="%d"\nenableStartTLS=B"false"\n' % relay["port"]
    sim = start_sim(args=["--liferay", "2025.q4", "--mail-engine", "python"], files={
        COMPANY_FILE: company, SYSTEM_FILE: '%s=["blocked@example.org","sender@example.org"]\n' % attribute})
    assert send(sim, "blocked@example.org")["skipped"]
    assert send(sim, "Blocked@example.org")["sent"]  # HashSet.contains: case matters
    dropped = send(sim, "someone@example.org", sender="sender@example.org")
    assert dropped["skipped"] and "sender" in dropped["error"]
    # The default list applies without a file; a change applies to the next mail.
    (sim.home / SYSTEM_FILE).write_text('%s=[]\n' % attribute)
    assert wait_until(lambda: send(sim, "blocked@example.org").get("sent"))


def test_default_blacklist_without_a_system_file(start_sim, relay):
    company = 'outgoingSMTPServer="localhost"\noutgoingSMTPPort="%d"\nenableStartTLS=B"false"\n' % relay["port"]
    sim = start_sim(args=["--liferay", "2025.q4", "--mail-engine", "python"], files={COMPANY_FILE: company})
    assert send(sim, "test@domain.invalid")["skipped"]
    assert send(sim, "someone@example.org", sender="noreply@liferay.com")["skipped"]
