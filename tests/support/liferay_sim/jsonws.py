"""JSON web services under /api/jsonws (docs/liferay-model.md §5).

Status mapping as JSONWebServiceServiceAction: unknown service and NoSuchModel
-> 404, PrincipalException -> 403, anything else -> 500; the body is '{}' unless
json.service.serialize.throwable is on.
"""

import json
import re

from . import getter

PRINCIPAL_EXCEPTION = "com.liferay.portal.kernel.security.auth.PrincipalException"
ACCESS_CONTROL_EXCEPTION = "com.liferay.portal.kernel.security.access.control.AccessControlException"
NO_SUCH_COMPANY = "com.liferay.portal.kernel.exception.NoSuchCompanyException"
NO_SUCH_SERVICE = "com.liferay.portal.kernel.jsonwebservice.NoSuchJSONWebServiceException"
SYSTEM_EXCEPTION = "com.liferay.portal.kernel.exception.SystemException"
NULL_POINTER = "java.lang.NullPointerException"

WRITE_COMMANDS = ("/company/update-preferences", "/company/remove-preferences")


class ServiceError(Exception):
    def __init__(self, status, exception_type, message=""):
        Exception.__init__(self, message)
        self.status = status
        self.exception_type = exception_type
        self.message = message

    def body(self, serialize):
        if not serialize:
            return {}
        throwable = self.exception_type + (": " + self.message if self.message else "")
        return {"error": {"message": self.message, "type": self.exception_type},
                "exception": self.message, "throwable": throwable}


class Unauthorized(Exception):
    """Wrong Basic credentials in 2025.q4: the verifier answers with a challenge."""


def _camel(name):
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name)


def _long(params, name):
    value = params.get(name)
    if value is None or value == "":
        return 0
    number = getter.get_integer(value, None) if not isinstance(value, int) else value
    if number is None:
        raise ServiceError(500, "java.lang.NumberFormatException", 'For input string: "%s"' % value)
    return number


def _string_map(value):
    if value is None:
        raise ServiceError(500, NULL_POINTER)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip().startswith("{") else None
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ServiceError(500, "java.lang.ClassCastException", "unicodeProperties is not a map")
    if not isinstance(value, dict):
        raise ServiceError(500, "java.lang.ClassCastException", "unicodeProperties is not a map")
    return {str(k): getter.java_string(v) for k, v in value.items()}


def _string_array(value):
    if value is None:
        raise ServiceError(500, NULL_POINTER)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = list(text.split(","))
    if not isinstance(value, list):
        value = [value]
    return [getter.java_string(v) for v in value]


class JsonWebServices(object):
    def __init__(self, portal):
        self.portal = portal
        self.services = {
            "/company/get-company-by-web-id": ("CompanyService#getCompanyByWebId", self.get_company_by_web_id),
            "/company/get-companies": ("CompanyService#getCompanies", self.get_companies),
            "/company/update-preferences": ("CompanyService#updatePreferences", self.update_preferences),
            "/company/remove-preferences": ("CompanyService#removePreferences", self.remove_preferences),
        }

    def resolve(self, path):
        """Split '/company/x/name/value' into the service path and path parameters."""
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2:
            return path, {}
        service = "/" + "/".join(parts[:2])
        extra = parts[2:]
        params = {}
        for i in range(0, len(extra) - 1, 2):
            params[_camel(extra[i])] = extra[i + 1]
        if len(extra) % 2:
            params[_camel(extra[-1])] = None
        return service, params

    def call(self, path, params, user, auth_state):
        """Run one command; returns the JSON-able result or raises ServiceError/Unauthorized."""
        service, path_params = self.resolve(path)
        merged = dict(params)
        merged.update(path_params)
        entry = self.services.get(service)
        if entry is None:
            raise ServiceError(404, NO_SUCH_SERVICE,
                               "No JSON web service action with path %s and method POST for /" % service)
        if auth_state == "invalid" and self.portal.generation == "2025.q4":
            raise Unauthorized()
        if user is None:
            raise ServiceError(403, ACCESS_CONTROL_EXCEPTION,
                               "Access denied to com.liferay.portal.kernel.service.%s" % entry[0])
        return entry[1](merged, user)

    def invoke(self, body, user, auth_state):
        """/api/jsonws/invoke: one {"/path": {params}} object or a list of them."""
        commands = body if isinstance(body, list) else [body]
        results = []
        for command in commands:
            if not isinstance(command, dict) or len(command) != 1:
                raise ServiceError(500, "java.lang.IllegalArgumentException", "Invalid command")
            (key, params), = command.items()
            path = key.split("=", 1)[1].strip() if key.startswith("$") else key.strip()
            results.append(self.call(path, params or {}, user, auth_state))
        return results if isinstance(body, list) else results[0]

    # --- the services ---------------------------------------------------

    def get_company_by_web_id(self, params, user):
        web_id = params.get("webId")
        company = self.portal.company_by_web_id(web_id)
        if company is None:
            raise ServiceError(404, NO_SUCH_COMPANY, "No Company exists with the key {webId=%s}" % web_id)
        return company.as_json()

    def get_companies(self, params, user):
        """CompanyServiceImpl.getCompanies(): every company, no permission check of its own (7.4:
        regiCesar21/liferay-portal 22897b9c companyLocalService.getCompanies(); master 0d35634f
        companyPersistence.findAll()); a guest is stopped before it, like every call here."""
        return [company.as_json() for company in self.portal.companies]

    def _require_admin(self, company_id, user, analytics=False):
        """CompanyServiceImpl: hasUserRole(getUserId(), companyId, ADMINISTRATOR, true) for the *target* companyId
        (updatePreferences also accepts ANALYTICS_ADMINISTRATOR), else a bare PrincipalException."""
        if not (self.portal.is_admin(user, company_id)
                or analytics and self.portal.is_admin(user, company_id, "Analytics Administrator")):
            raise ServiceError(403, PRINCIPAL_EXCEPTION)  # a bare `new PrincipalException()`: no message

    def update_preferences(self, params, user):
        company_id = _long(params, "companyId")
        self._require_admin(company_id, user, analytics=True)
        raw = params.get("unicodeProperties")
        if raw is None:
            raw = params.get("properties")
        self.portal.update_preferences(company_id, _string_map(raw))
        return None

    def remove_preferences(self, params, user):
        company_id = _long(params, "companyId")
        self._require_admin(company_id, user)
        self.portal.remove_preferences(company_id, _string_array(params.get("keys")))
        return None
