"""JSON web services: paths, parameters, permissions, status codes and bodies (docs/liferay-model.md §5).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

import json

import pytest

from conftest import ADMIN, COMPANY_ID, USER

P = "mail.session.mail."
UPDATE = "/api/jsonws/company/update-preferences"


def test_get_company_by_web_id_direct_and_invoke(sim):
    """§5: the company lookup returns a JSON company (companyId, webId, mx, name); GET, POST and path style."""
    direct = sim.post("/api/jsonws/company/get-company-by-web-id", auth=ADMIN, data={"webId": "liferay.com"})
    assert direct.status_code == 200
    assert direct.headers["Content-Type"].startswith("application/json")
    company = direct.json()
    assert (company["companyId"], company["webId"], company["mx"]) == (COMPANY_ID, "liferay.com", "liferay.com")
    assert company["name"]
    assert sim.get("/api/jsonws/company/get-company-by-web-id", auth=ADMIN,
                   params={"webId": "liferay.com"}).json() == company
    assert sim.get("/api/jsonws/company/get-company-by-web-id/web-id/liferay.com", auth=USER).json() == company
    invoked = sim.post("/api/jsonws/invoke", auth=ADMIN,
                       json={"/company/get-company-by-web-id": {"webId": "liferay.com"}})
    assert invoked.json() == company


def test_unknown_web_id_is_no_such_company(start_sim):
    """§5: NoSuchCompanyException -> 404, body {} by default, serialized with json.service.serialize.throwable."""
    plain = start_sim()
    response = plain.post("/api/jsonws/invoke", auth=ADMIN, json={"/company/get-company-by-web-id": {"webId": "x"}})
    assert (response.status_code, response.json()) == (404, {})
    verbose = start_sim(args=["--serialize-throwable"])
    response = verbose.post("/api/jsonws/company/get-company-by-web-id", auth=ADMIN, data={"webId": "nope.example"})
    assert response.status_code == 404
    message = "No Company exists with the key {webId=nope.example}"
    assert response.json() == {
        "error": {"message": message, "type": "com.liferay.portal.kernel.exception.NoSuchCompanyException"},
        "exception": message,
        "throwable": "com.liferay.portal.kernel.exception.NoSuchCompanyException: " + message}


def test_serialize_throwable_can_come_from_portal_ext(start_sim):
    """§5: json.service.serialize.throwable is a portal property."""
    sim = start_sim(files={"portal-ext.properties": "json.service.serialize.throwable=true\n"})
    body = sim.post(UPDATE, auth=USER, data={"companyId": COMPANY_ID, "unicodeProperties": "{}"}).json()
    assert body["error"]["type"] == "com.liferay.portal.kernel.security.auth.PrincipalException"


def test_unknown_service_is_404(sim):
    """§5: NoSuchJSONWebServiceException -> 404 {}, with or without credentials."""
    assert (sim.post("/api/jsonws/company/no-such-method", auth=ADMIN).status_code,
            sim.post("/api/jsonws/nothing/here").status_code) == (404, 404)
    response = sim.post("/api/jsonws/invoke", auth=ADMIN, json={"/company/get-preferences": {"companyId": 1}})
    assert (response.status_code, response.json()) == (404, {})


@pytest.mark.parametrize("auth", [None, ("test@liferay.com", "wrong"), ("nobody@liferay.com", "test"), USER],
                         ids=["no-credentials", "wrong-password", "unknown-user", "not-an-administrator"])
def test_update_preferences_is_403_empty_object_unless_administrator_in_74(sim, auth):
    """§5: guest, wrong Basic credentials (BasicAuthHeaderAuthVerifier without forceBasicAuth: the request runs as
    Guest in 7.4) and non-admins fail CompanyServiceImpl.updatePreferences' role check: 403 {}."""
    response = sim.post(UPDATE, auth=auth, data={"companyId": COMPANY_ID,
                                                 "unicodeProperties": json.dumps({P + "smtp.host": "x"})})
    assert (response.status_code, response.text) == (403, "{}")
    assert "WWW-Authenticate" not in response.headers
    assert sim.prefs() == {}


def test_wrong_credentials_get_a_basic_challenge_in_2025q4(start_sim):
    """§5: newest generation answers wrong Basic credentials with 401 and WWW-Authenticate, no body."""
    sim = start_sim(args=["--liferay", "2025.q4"])
    response = sim.post(UPDATE, auth=("test@liferay.com", "wrong"), data={"companyId": COMPANY_ID})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="PortalRealm"'
    assert response.text == ""
    assert sim.post(UPDATE, data={"companyId": COMPANY_ID}).status_code == 403  # no credentials: still 403


def test_company_zero_and_other_instances_are_rejected(start_sim):
    """§5: CompanyServiceImpl.updatePreferences asks RoleLocalServiceImpl.hasUserRole(userId, companyId,
    ADMINISTRATOR, true) for the target companyId: company 0 and unknown ids have no such role (fetchByC_N is
    null -> false), and an Administrator of the default instance holds no role in another -> PrincipalException, 403."""
    sim = start_sim(args=["--instances", "liferay.com,other.example"])
    for company_id in (0, 20098, 999):
        response = sim.update_preferences({P + "smtp.host": "x"}, company_id=company_id)
        assert (response.status_code, response.json()) == (403, {}), company_id
    assert sim.prefs(0) == {} and sim.prefs(20098) == {}


def test_update_preferences_semantics(sim):
    """§5: TEMP_OBFUSCATION_VALUE is skipped, a value equal to the portal property removes the stored key."""
    assert sim.update_preferences({P + "smtp.host": "smtp.example.com", P + "smtp.password": "s3cret",
                                   P + "smtp.port": "587"}).status_code == 200
    response = sim.update_preferences({P + "smtp.password": "TEMP_OBFUSCATION_VALUE", P + "smtp.port": "25",
                                       "custom.key": 5, "flag": True})
    assert (response.status_code, response.text) == (200, "{}")
    assert sim.prefs() == {P + "smtp.host": "smtp.example.com", P + "smtp.password": "s3cret",
                           "custom.key": "5", "flag": "true"}
    assert sim.prefs(secrets=False)[P + "smtp.password"] == "********"


def test_parameter_styles(sim):
    """§5: JSON body, form with the map as a JSON string, and the legacy `properties` name."""
    assert sim.post(UPDATE, auth=ADMIN, json={"companyId": COMPANY_ID,
                                              "unicodeProperties": {"a.key": "json"}}).status_code == 200
    assert sim.post(UPDATE, auth=ADMIN, data={"companyId": str(COMPANY_ID),
                                              "unicodeProperties": '{"b.key": "form"}'}).status_code == 200
    assert sim.post(UPDATE, auth=ADMIN, data={"companyId": str(COMPANY_ID),
                                              "properties": '{"c.key": "legacy"}'}).status_code == 200
    assert sim.post("/api/jsonws/invoke", auth=ADMIN, data={"cmd": json.dumps(
        {"/company/update-preferences": {"companyId": COMPANY_ID, "unicodeProperties": {"d.key": "cmd"}}})}
    ).status_code == 200
    assert sim.prefs() == {"a.key": "json", "b.key": "form", "c.key": "legacy", "d.key": "cmd"}


def test_remove_preferences_and_batch_invoke(sim):
    """§5: remove-preferences takes a keys array; /invoke accepts a list and answers a list."""
    sim.update_preferences({"a": "1", "b": "2", "c": "3", "d": "4"})
    response = sim.post("/api/jsonws/invoke", auth=ADMIN, json=[
        {"/company/remove-preferences": {"companyId": COMPANY_ID, "keys": ["a"]}},
        {"/company/get-company-by-web-id": {"webId": "liferay.com"}}])
    assert response.status_code == 200
    result = response.json()
    assert result[0] is None and result[1]["companyId"] == COMPANY_ID
    assert sim.post("/api/jsonws/company/remove-preferences", auth=ADMIN,
                    data={"companyId": COMPANY_ID, "keys": ["b", "c"]}).status_code == 200
    assert sim.prefs() == {"d": "4"}
    assert sim.post("/api/jsonws/company/remove-preferences", auth=USER,
                    json={"companyId": COMPANY_ID, "keys": ["d"]}).status_code == 403


def test_missing_map_is_a_server_error(start_sim):
    """§5: anything other than not-found and permission errors is a 500."""
    sim = start_sim(args=["--serialize-throwable"])
    response = sim.post(UPDATE, auth=ADMIN, data={"companyId": COMPANY_ID})
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "java.lang.NullPointerException"


def test_the_role_is_checked_in_the_target_company_not_the_request_company(start_sim, tmp_path):
    """§5: CompanyServiceImpl.updatePreferences checks hasUserRole(getUserId(), companyId, ...) with the companyId
    parameter - not permissionChecker.isCompanyAdmin() of the company the request came in through. The
    Administrator of other.example, calling through the default instance's URL, may write other.example's
    preferences and not the default instance's; ANALYTICS_ADMINISTRATOR is accepted too, for update only."""
    users = tmp_path / "users.json"
    users.write_text(json.dumps([{"emailAddress": "analytics@liferay.com", "password": "test", "adminOf": [],
                                  "analyticsAdminOf": ["liferay.com"]}]))
    sim = start_sim(args=["--instances", "liferay.com,other.example", "--users-file", str(users),
                          "--serialize-throwable"])
    other_admin = ("test@other.example", "test")
    assert sim.update_preferences({P + "smtp.host": "o"}, company_id=20098, auth=other_admin).status_code == 200
    denied = sim.update_preferences({P + "smtp.host": "d"}, company_id=COMPANY_ID, auth=other_admin)
    assert denied.status_code == 403
    assert denied.json()["error"]["type"] == "com.liferay.portal.kernel.security.auth.PrincipalException"
    analytics = ("analytics@liferay.com", "test")
    assert sim.update_preferences({P + "smtp.host": "a"}, auth=analytics).status_code == 200
    removed = sim.post("/api/jsonws/invoke", auth=analytics, json={
        "/company/remove-preferences": {"companyId": COMPANY_ID, "keys": [P + "smtp.host"]}})
    assert removed.status_code == 403
    assert sim.prefs(20098) == {P + "smtp.host": "o"} and sim.prefs() == {P + "smtp.host": "a"}
