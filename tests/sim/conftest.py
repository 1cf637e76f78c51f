"""Fixtures: the real liferay-sim CLI on port 0 with a temporary Liferay home, TLS material, SMTP servers."""

import sys
from pathlib import Path

import pytest
import requests

SUPPORT = Path(__file__).resolve().parents[1] / "support"
sys.path.insert(0, str(SUPPORT))

# pylint: disable=wrong-import-position,unused-import
# The TLS material and the SMTP servers are shared with the other suites; free_port is used by tests.
from sim_fixtures import SimProcess, free_port, running_smtp_servers, tls  # noqa: E402,F401

SIM = SUPPORT / "bin" / "liferay-sim"
ADMIN = ("test@liferay.com", "test")
USER = ("user@liferay.com", "test")
COMPANY_ID = 20097


def pytest_configure(config):
    # aiosmtpd warns once per connection about AUTH without TLS on the implicit-TLS server (already TLS).
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


class Sim(SimProcess):
    """One running simulator process, with the request helpers its own tests use."""

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return requests.get(self.url + path, **kwargs)

    def post(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return requests.post(self.url + path, **kwargs)

    def session(self, web_id="liferay.com", secrets=False):
        response = self.get("/sim/mail-session", params={"webId": web_id, "secrets": "1" if secrets else "0"})
        assert response.status_code == 200, response.text
        return response.json()

    def prefs(self, company_id=COMPANY_ID, secrets=True):
        response = self.get("/sim/preferences", params={"companyId": company_id, "secrets": "1" if secrets else ""})
        assert response.status_code == 200
        return response.json()["preferences"]

    def update_preferences(self, values, company_id=COMPANY_ID, auth=ADMIN):
        return self.post("/api/jsonws/invoke", auth=auth, json={
            "/company/update-preferences": {"companyId": company_id, "unicodeProperties": values}})

    def control_panel(self, auth=ADMIN, **fields):
        return self.post("/sim/control-panel/mail", auth=auth, json=fields)

    def restart(self):
        assert self.post("/sim/restart").status_code == 200


@pytest.fixture
def start_sim(tmp_path):
    """start_sim(files={"portal-ext.properties": "..."}, args=[...], env={...}) -> running Sim."""
    running = []

    def start(files=None, args=(), env=None, home=None):
        home = Path(home) if home else tmp_path / ("home%d" % len(running))
        for name, text in (files or {}).items():
            path = home / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        home.mkdir(parents=True, exist_ok=True)
        sim = Sim(home, args, env)
        running.append(sim)
        return sim.start()

    yield start
    for sim in running:
        sim.stop()


@pytest.fixture
def sim(start_sim):
    return start_sim()


@pytest.fixture
def smtp_servers(tls):
    """STARTTLS (auth required after TLS) and implicit-TLS SMTP servers on 127.0.0.1, user joe.bloggs/secret."""
    with running_smtp_servers(tls, "joe.bloggs", "secret") as servers:
        yield servers
