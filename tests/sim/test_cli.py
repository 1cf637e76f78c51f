"""The command line, start-up, shutdown, logging and the fault/request test controls."""

import json
import subprocess
import sys
import time

import pytest
import requests

from conftest import ADMIN, COMPANY_ID, SIM

UPDATE = "/api/jsonws/company/update-preferences"


def test_port_zero_ready_file_and_fast_start(sim):
    """CLI: port 0 picks a free port, the ready file holds the base URL, start-up takes under 2 s."""
    assert sim.url.startswith("http://127.0.0.1:") and not sim.url.endswith(":0")
    assert sim.ready_after < 2.0
    status = sim.get("/sim/status").json()
    assert status["liferay"] == "7.4"
    assert status["companies"][0]["companyId"] == COMPANY_ID


def test_sigterm_stops_cleanly_and_log_has_one_line_per_request_without_secrets(sim):
    """CLI: one log line per request, no password or query string in it; SIGTERM ends with exit code 0."""
    sim.update_preferences({"mail.session.mail.smtp.password": "Sup3rS3cret"})
    sim.post(UPDATE + "?unicodeProperties=%7B%22x%22%3A%22Qu3ryS3cret%22%7D", auth=ADMIN,
             data={"companyId": COMPANY_ID})
    sim.get("/sim/mail-session", params={"secrets": "1"})
    started = time.monotonic()
    assert sim.stop() == 0
    assert time.monotonic() - started < 3
    log = sim.log()
    assert "Sup3rS3cret" not in log and "Qu3ryS3cret" not in log and "dGVzdEBsaWZlcmF5" not in log
    request_lines = [line for line in log.splitlines() if "liferay_sim.http" in line]
    assert len(request_lines) == 3
    assert '"POST /api/jsonws/invoke" 200 user=test@liferay.com' in request_lines[0]


def test_non_loopback_bind_is_refused(tmp_path):
    """CLI: the simulator binds loopback only."""
    result = subprocess.run([sys.executable, str(SIM), "--home", str(tmp_path), "--port", "0", "--bind", "0.0.0.0"],
                            capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2 and "loopback" in result.stderr


def test_startup_delay_answers_503_then_serves(start_sim):
    """CLI: --startup-delay makes portal URLs answer 503 while starting, also after /sim/restart."""
    sim = start_sim(args=["--startup-delay", "1.0"])
    assert sim.post(UPDATE, auth=ADMIN).status_code == 503
    assert sim.get("/").status_code == 503
    assert sim.get("/sim/status").json()["starting"] is True
    time.sleep(1.1)
    assert sim.get("/").status_code == 200
    sim.restart()
    assert sim.get("/api/jsonws/company/get-company-by-web-id", auth=ADMIN, params={"webId": "liferay.com"}
                   ).status_code == 503


def test_fault_http500_then_recovery_and_request_counts(sim):
    """Test controls: the next N API calls answer 500; /sim/requests counts paths and writing calls."""
    assert sim.post("/sim/faults", json={"mode": "http500", "count": 2}).status_code == 200
    assert [sim.update_preferences({"a": "1"}).status_code for _attempt in range(3)] == [500, 500, 200]
    assert sim.post(UPDATE, auth=ADMIN, data={"companyId": COMPANY_ID, "unicodeProperties": "{}"}).status_code == 200
    counts = sim.get("/sim/requests").json()
    assert counts["paths"] == {"/api/jsonws/invoke": 3, UPDATE: 1}
    assert (counts["total"], counts["writes"], counts["faulted"]) == (4, 2, 2)
    assert counts["commands"] == {"/company/update-preferences": 2}
    sim.post("/sim/requests/reset")
    assert sim.get("/sim/requests").json()["total"] == 0
    assert sim.post("/sim/faults", json={"mode": "explode"}).status_code == 400


def test_fault_reset_closes_without_an_answer(sim):
    """Test controls: reset drops the connection; the call after it works."""
    sim.post("/sim/faults", json={"mode": "reset", "count": 1})
    with pytest.raises(requests.ConnectionError):
        sim.update_preferences({"a": "1"})
    assert sim.update_preferences({"a": "1"}).status_code == 200


def test_fault_hang_times_out_the_client_and_shutdown_is_not_blocked(sim):
    """Test controls: hang keeps the client waiting; SIGTERM still stops the process promptly."""
    sim.post("/sim/faults", json={"mode": "hang", "count": 1})
    with pytest.raises(requests.Timeout):
        sim.post(UPDATE, auth=ADMIN, data={"companyId": COMPANY_ID}, timeout=0.5)
    started = time.monotonic()
    assert sim.stop() == 0
    assert time.monotonic() - started < 3


def test_users_file_adds_administrators(start_sim, tmp_path):
    """CLI: --users-file adds users and their Administrator roles."""
    users = tmp_path / "users.json"
    users.write_text(json.dumps([{"emailAddress": "ops@liferay.com", "password": "pw", "adminOf": ["liferay.com"]},
                                 {"emailAddress": "viewer@liferay.com", "password": "pw"}]))
    sim = start_sim(args=["--users-file", str(users)])
    assert sim.update_preferences({"a": "1"}, auth=("ops@liferay.com", "pw")).status_code == 200
    assert sim.update_preferences({"a": "2"}, auth=("viewer@liferay.com", "pw")).status_code == 403
    assert sim.update_preferences({"a": "3"}, auth=ADMIN).status_code == 200


def test_missing_python_package_stops_at_start_with_the_fix(tmp_path):
    """CLI: a python without javaproperties (here: -S, no site-packages) exits at once naming the package
    and its pin, instead of answering 500 on the first send."""
    result = subprocess.run([sys.executable, "-S", str(SIM), "--home", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert "javaproperties" in result.stderr and "javaproperties==" in result.stderr
    assert "make venv" in result.stderr
    assert not (tmp_path / "data").exists()
