"""/company/get-companies: CompanyServiceImpl.getCompanies() lists every company with no permission check of its own
(7.4: regiCesar21/liferay-portal 22897b9c, companyLocalService.getCompanies(); master: liferay/liferay-portal
0d35634f, companyPersistence.findAll()). A guest is refused before the service runs, like every call here."""

from conftest import ADMIN, USER


def companies(sim, auth):
    return sim.post("/api/jsonws/invoke", auth=auth, json={"/company/get-companies": {}})


def test_every_instance_for_any_authenticated_user(start_sim):
    sim = start_sim(args=["--instances", "liferay.com,shop.example.com"])
    for auth in (ADMIN, USER):  # USER administers no instance
        response = companies(sim, auth)
        assert response.status_code == 200, response.text
        listed = [(c["companyId"], c["webId"]) for c in response.json()]
        assert listed == [(20097, "liferay.com"), (20098, "shop.example.com")]


def test_guest_is_refused(start_sim):
    sim = start_sim()
    response = companies(sim, None)
    assert response.status_code == 403
