"""HTTP layer: routes /api/jsonws to the JSON web services and /sim/ to the test controls."""

import json
import logging
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import jsonws, preferences

LOG = logging.getLogger("liferay_sim.http")

HANG_SECONDS = 600
PORTAL_HEADERS = {
    "7.4": "Liferay Community Edition Portal 7.4.3.132 CE GA132 (simulated)",
    "2025.q4": "Liferay Digital Experience Platform 2025.Q4.0 (simulated)",
}


class Faults(object):
    """The next `count` /api/jsonws requests misbehave in `mode`."""

    MODES = ("http500", "hang", "reset")

    def __init__(self):
        self.lock = threading.Lock()
        self.mode = None
        self.count = 0

    def set(self, mode, count):
        if mode not in self.MODES + ("none",):
            raise ValueError("mode must be one of %s or none" % ", ".join(self.MODES))
        with self.lock:
            self.mode = None if mode == "none" else mode
            self.count = max(0, int(count)) if self.mode else 0

    def take(self):
        with self.lock:
            if not self.mode or self.count <= 0:
                return None
            self.count -= 1
            mode = self.mode
            if self.count == 0:
                self.mode = None
            return mode


class RequestCounter(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.paths = {}
            self.commands = {}
            self.total = 0
            self.writes = 0
            self.faulted = 0

    def count_request(self, path):
        with self.lock:
            self.paths[path] = self.paths.get(path, 0) + 1
            self.total += 1

    def count_command(self, service):
        with self.lock:
            self.commands[service] = self.commands.get(service, 0) + 1
            if service in jsonws.WRITE_COMMANDS:
                self.writes += 1

    def count_fault(self):
        with self.lock:
            self.faulted += 1

    def as_json(self):
        with self.lock:
            return {"paths": dict(self.paths), "commands": dict(self.commands), "total": self.total,
                    "writes": self.writes, "faulted": self.faulted}


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, portal):
        self.portal = portal
        self.services = jsonws.JsonWebServices(portal)
        self.faults = Faults()
        self.counter = RequestCounter()
        self.stopping = threading.Event()
        ThreadingHTTPServer.__init__(self, address, Handler)


class Reply(Exception):
    """Raised by a route to answer with a status and a JSON body."""

    def __init__(self, status, body, headers=None):
        Exception.__init__(self, status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _flag(query, name):
    return query.get(name, [""])[-1].lower() in ("1", "true", "yes")


class Handler(BaseHTTPRequestHandler):
    server_version = "liferay-sim"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # one line per request is written by _log
        pass

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    # --- plumbing -------------------------------------------------------

    def _dispatch(self):
        started = time.monotonic()
        url = urlsplit(self.path)
        self.route = url.path
        self.query = parse_qs(url.query, keep_blank_values=True)
        self.user_label = "-"
        self.status_label = "-"
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = self.rfile.read(length) if length > 0 else b""
        try:
            if self.route.startswith("/sim/"):
                self._sim()
            elif self.route.startswith("/api/jsonws"):
                self._api()
            elif self.route == "/":
                self._portal_home()
            else:
                raise Reply(404, {"error": "Not Found"})
        except Reply as reply:
            self._send(reply.status, reply.body, reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # a bug in the simulator must not kill the server
            LOG.exception("Internal error on %s", self.route)
            self._send(500, {"error": "simulator error: %s" % type(error).__name__})
        finally:
            LOG.info('%s "%s %s" %s user=%s %.0fms', self.client_address[0], self.command, self.route,
                     self.status_label, self.user_label, (time.monotonic() - started) * 1000)

    def _send(self, status, body, headers=None):
        if body is None:
            data = b""
        elif isinstance(body, (bytes, str)):
            data = body.encode("utf-8") if isinstance(body, str) else body
        else:
            data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", (headers or {}).pop("Content-Type", "application/json;charset=UTF-8"))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Liferay-Portal", PORTAL_HEADERS[self.server.portal.generation])
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.status_label = str(status)

    def _params(self):
        """Query string plus a form-encoded or JSON object body (the body wins)."""
        params = {k: (v[-1] if len(v) == 1 else v) for k, v in self.query.items()}
        if not self.raw_body:
            return params
        content_type = (self.headers.get("Content-Type") or "").lower()
        text = self.raw_body.decode("utf-8", errors="replace")
        if "json" in content_type or text.lstrip().startswith(("{", "[")):
            try:
                body = json.loads(text)
            except ValueError:
                raise Reply(400, {"error": "request body is not valid JSON"})
            if isinstance(body, dict):
                params.update(body)
                return params
            return body
        for key, values in parse_qs(text, keep_blank_values=True).items():
            params[key] = values[-1] if len(values) == 1 else values
        return params

    def _authenticate(self):
        user, state = self.server.portal.authenticate(self.headers.get("Authorization"))
        self.user_label = user.email if user else ("invalid-credentials" if state == "invalid" else "guest")
        return user, state

    # --- the portal -------------------------------------------------------

    def _portal_home(self):
        if self.server.portal.starting():
            raise Reply(503, "Liferay is starting", {"Content-Type": "text/plain", "Retry-After": "1"})
        raise Reply(200, "<html><body>Liferay (simulated)</body></html>", {"Content-Type": "text/html"})

    def _api(self):
        server = self.server
        server.counter.count_request(self.route)
        if server.portal.starting():
            raise Reply(503, "Liferay is starting", {"Content-Type": "text/plain", "Retry-After": "1"})
        fault = server.faults.take()
        if fault:
            server.counter.count_fault()
            self._fault(fault)
            return
        user, state = self._authenticate()
        params = self._params()
        serialize = server.portal.serialize_throwable()
        try:
            if self.route.rstrip("/") == "/api/jsonws/invoke":
                if isinstance(params, dict) and "cmd" in params and isinstance(params["cmd"], str):
                    params = json.loads(params["cmd"])
                for command in params if isinstance(params, list) else [params]:
                    if isinstance(command, dict):
                        for key in command:
                            server.counter.count_command(server.services.resolve(key.split("=")[-1].strip())[0])
                result = server.services.invoke(params, user, state)
                if isinstance(result, list):
                    raise Reply(200, result)
            else:
                if not isinstance(params, dict):
                    raise Reply(400, {"error": "parameters must be an object"})
                path = self.route[len("/api/jsonws"):]
                server.counter.count_command(server.services.resolve(path)[0])
                result = server.services.call(path, params, user, state)
        except jsonws.ServiceError as error:
            raise Reply(error.status, error.body(serialize))
        except jsonws.Unauthorized:
            raise Reply(401, None, {"WWW-Authenticate": 'Basic realm="PortalRealm"'})
        except ValueError:
            raise Reply(500, jsonws.ServiceError(500, "java.lang.IllegalArgumentException",
                                                 "Invalid JSON").body(serialize))
        raise Reply(200, {} if result is None else result)

    def _fault(self, mode):
        self.status_label = "fault:" + mode
        self.close_connection = True
        if mode == "http500":
            self._send(500, {})
            self.status_label = "500(fault)"
            return
        if mode == "hang":
            self.server.stopping.wait(HANG_SECONDS)
        # reset (or the end of a hang): drop the connection without an answer, with an RST
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    # --- test controls ------------------------------------------------------

    def _sim(self):
        portal = self.server.portal
        route = self.route.rstrip("/")
        method = self.command
        if route == "/sim/status" and method == "GET":
            raise Reply(200, {"liferay": portal.generation, "starting": portal.starting(),
                              "companies": [c.as_json() for c in portal.companies],
                              "home": portal.home,
                              "propertiesFiles": portal.properties_of(portal.default_company.company_id)
                              .loaded_files()})
        if route == "/sim/mail-session" and method == "GET":
            company = self._company_from(self.query)
            session, cached = portal.mail_session(company.company_id)
            raise Reply(200, {"webId": company.web_id, "companyId": company.company_id,
                              "properties": preferences.masked(session.properties, _flag(self.query, "secrets")),
                              "sources": dict(session.sources), "cached": cached, "mode": session.mode,
                              "sharedProperties": session.shared,
                              "authenticator": session.auth_user is not None})
        if route == "/sim/send-test-mail" and method == "POST":
            body = self._params()
            company = self._company_from({k: [str(v)] for k, v in body.items()})
            if not body.get("to"):
                raise Reply(400, {"error": "'to' is required"})
            raise Reply(200, portal.send_test_mail(company.company_id, body["to"],
                                                   body.get("subject", "liferay-sim test"), body.get("from")))
        if route == "/sim/restart" and method == "POST":
            portal.restart()
            raise Reply(200, {"restarted": True})
        if route == "/sim/faults" and method == "POST":
            body = self._params()
            try:
                self.server.faults.set(body.get("mode", "none"), body.get("count", 1))
            except (TypeError, ValueError) as error:
                raise Reply(400, {"error": str(error)})
            raise Reply(200, {"mode": self.server.faults.mode, "count": self.server.faults.count})
        if route == "/sim/requests" and method == "GET":
            raise Reply(200, self.server.counter.as_json())
        if route == "/sim/requests/reset" and method == "POST":
            self.server.counter.reset()
            raise Reply(200, self.server.counter.as_json())
        if route == "/sim/preferences" and method == "GET":
            try:
                company_id = int(self.query.get("companyId", ["0"])[-1])
            except ValueError:
                raise Reply(400, {"error": "companyId must be a number"})
            raise Reply(200, {"companyId": company_id, "preferences": preferences.masked(
                portal.preferences.get(company_id), _flag(self.query, "secrets"))})
        if route == "/sim/control-panel/mail" and method == "POST":
            self._control_panel()
        raise Reply(404, {"error": "unknown simulator endpoint %s %s" % (method, route)})

    def _company_from(self, query):
        portal = self.server.portal
        if "companyId" in query:
            try:
                company = portal.company_by_id(int(query["companyId"][-1]))
            except ValueError:
                company = None
        else:
            company = portal.company_by_web_id(query.get("webId", [portal.default_company.web_id])[-1])
        if company is None:
            raise Reply(404, {"error": "no such instance"})
        return company

    def _control_panel(self):
        portal = self.server.portal
        if portal.generation != "7.4":
            raise Reply(404, {"error": "2025.q4 has no Server Administration mail form; mail settings are "
                                       "OSGi configuration (System/Instance Settings)"})
        user, state = self._authenticate()
        if user is None:
            raise Reply(401, {"error": "authentication required"}, {"WWW-Authenticate": 'Basic realm="PortalRealm"'})
        form = self._params()
        if not isinstance(form, dict):
            raise Reply(400, {"error": "form fields must be an object"})
        target = form.get("preferencesCompanyId") or 0
        try:
            target = int(target)
        except ValueError:
            target = 0
        # Server Administration (company 0) needs the default instance's administrator.
        needed = target or portal.default_company.company_id
        if not portal.is_admin(user, needed):
            raise Reply(403, {"error": "%s may not change the mail settings of company %d" % (user.email, target)})
        company_id, _values = portal.save_mail_form(form)
        raise Reply(200, {"companyId": company_id,
                          "preferences": preferences.masked(portal.preferences.get(company_id))})
