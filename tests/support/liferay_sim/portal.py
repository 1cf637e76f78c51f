"""The simulated portal: instances, users, configuration layers, preferences and the mail-session cache."""

import base64
import json
import logging
import os
import threading
import time

from . import getter, mailsession, osgi, preferences
from .envdecode import read_env_file
from .properties import load_portal_properties

LOG = logging.getLogger("liferay_sim.portal")

FIRST_COMPANY_ID = 20097
TEMP_OBFUSCATION_VALUE = "TEMP_OBFUSCATION_VALUE"
GENERATIONS = ("7.4", "2025.q4")
P = mailsession.P
MAIL_SESSION_MAIL = mailsession.MAIL_SESSION_MAIL


class Company(object):
    def __init__(self, company_id, web_id):
        self.company_id = company_id
        self.web_id = web_id

    def as_json(self):
        # Field names of the Company model as JSON WS serializes it.
        return {
            "accountId": self.company_id + 2, "active": True, "companyId": self.company_id,
            "createDate": 1700000000000, "homeURL": "", "logoId": 0, "maxUsers": 0,
            "modifiedDate": 1700000000000, "mvccVersion": 1, "mx": self.web_id, "name": self.web_id,
            "userId": 0, "userName": "", "webId": self.web_id,
        }


class User(object):
    def __init__(self, email, password, admin_of, analytics_admin_of=()):
        self.email = email
        self.password = password
        self.admin_of = set(admin_of)
        self.analytics_admin_of = set(analytics_admin_of)


class Session(object):
    """One cached JavaMail session.

    In 7.4 ``properties`` is the infrastructure session's dict, shared by every instance
    (docs/liferay-model.md §4): what it holds is read when a mail is sent, not when the
    session was built. ``auth_user`` is the user of the Authenticator MailServiceImpl
    attached (None without one); its password is ``properties[password_key]`` when asked.
    """

    def __init__(self, properties, sources, mode, built_at, auth_user=None, password_key=None, shared=False):
        self.properties = properties
        self.sources = sources
        self.mode = mode
        self.built_at = built_at
        self.auth_user = auth_user
        self.password_key = password_key
        self.shared = shared


class Portal(object):
    def __init__(self, home, generation="7.4", instances=("liferay.com",), state_dir=None, env_file=None,
                 users_file=None, ca_file=None, serialize_throwable=False, startup_delay=0.0,
                 osgi_interval=0.5, mail_engine="auto", system_properties=None, jndi_sessions=None):
        if generation not in GENERATIONS:
            raise ValueError("unknown Liferay generation %r (use one of %s)" % (generation, ", ".join(GENERATIONS)))
        self.home = os.path.abspath(home)
        self.generation = generation
        self.env_file = env_file
        self.ca_file = ca_file
        self.serialize_throwable_flag = serialize_throwable
        self.startup_delay = startup_delay
        self.companies = [Company(FIRST_COMPANY_ID + i, web_id) for i, web_id in enumerate(instances)]
        self.users = self._users(users_file)
        self.lock = threading.RLock()
        state_dir = state_dir or os.path.join(self.home, "data")
        self.preferences = preferences.PreferencesStore(os.path.join(state_dir, "sim-preferences.json"))
        self.sessions = {}
        # name -> JavaMail properties of a session the application server binds in JNDI (2025.q4 jndiName).
        self.jndi_sessions = dict(jndi_sessions or {})
        self.mail_engine = mail_engine
        self.javamail = None
        self.javamail_reason = "the simulator has not started"
        self.osgi = None
        if generation == "2025.q4":
            self.osgi = osgi.OsgiConfigs(os.path.join(self.home, "osgi", "configs"), self._osgi_changed,
                                         interval=osgi_interval, system_properties=system_properties,
                                         web_ids={c.web_id: c.company_id for c in self.companies})
        self.load()

    # --- start-up -------------------------------------------------------

    def load(self):
        """Read properties and environment, as a portal start-up does; clears every session."""
        environ = dict(os.environ)
        if self.env_file:
            environ.update(read_env_file(self.env_file, os.environ))
        with self.lock:
            self.environ = environ
            self.props = {c.company_id: load_portal_properties(self.home, environ, c.company_id)
                          for c in self.companies}
            # InfrastructureUtil.getMailSession(): built once per start-up from the portal-wide
            # properties; 7.4's MailServiceImpl writes every instance's values into its Properties.
            self.infrastructure = mailsession.infrastructure_properties(load_portal_properties(self.home, environ))
            self.sessions.clear()
            self.ready_at = time.monotonic() + self.startup_delay
        LOG.info("Loaded portal properties from %s", ", ".join(self.props[self.default_company.company_id]
                                                               .loaded_files()) or "(no files)")

    def start(self):
        if self.osgi:
            self.osgi.start()
        self._start_javamail()

    def stop(self):
        if self.osgi:
            self.osgi.stop()
        if self.javamail:
            self.javamail.close()

    def _start_javamail(self):
        """Pick the mail engine; compile the JavaMail sender and build its trust store in the background."""
        from . import sender

        self.javamail_reason = None
        if self.mail_engine == "python":
            self.javamail_reason = "the simulator was started with --mail-engine python"
            return
        self.javamail_reason = sender.javamail_unavailable_reason()
        if self.javamail_reason:
            if self.mail_engine == "javamail":
                raise RuntimeError("--mail-engine javamail: " + self.javamail_reason)
            LOG.warning("Sending with Python's smtplib: the real JavaMail is not available (%s)", self.javamail_reason)
            return
        self.javamail = sender.JavaMailEngine(self.ca_file)

        def warm_up():
            try:
                self.javamail.prepare()
            except Exception as error:  # reported again by the first send
                LOG.error("Preparing the JavaMail sender failed: %s", error)

        threading.Thread(target=warm_up, name="javamail-warm-up", daemon=True).start()

    def restart(self):
        self.load()
        if self.osgi:
            self.osgi.poll()

    def starting(self):
        return time.monotonic() < self.ready_at

    def _users(self, users_file):
        default = self.companies[0].web_id
        users = [User("test@liferay.com", "test", [default]), User("user@liferay.com", "test", [])]
        for company in self.companies[1:]:
            users.append(User("test@" + company.web_id, "test", [company.web_id]))
        if users_file:
            with open(users_file, encoding="utf-8") as handle:
                for entry in json.load(handle):
                    email = entry.get("emailAddress") or entry["email"]
                    users = [u for u in users if u.email != email.lower()]
                    users.append(User(email.lower(), entry["password"], entry.get("adminOf", []),
                                      entry.get("analyticsAdminOf", [])))
        return users

    # --- lookups ----------------------------------------------------------

    @property
    def default_company(self):
        return self.companies[0]

    def company_by_web_id(self, web_id):
        return next((c for c in self.companies if c.web_id == web_id), None)

    def company_by_id(self, company_id):
        return next((c for c in self.companies if c.company_id == company_id), None)

    def properties_of(self, company_id):
        with self.lock:
            return self.props.get(company_id) or self.props[self.default_company.company_id]

    def serialize_throwable(self):
        props = self.properties_of(self.default_company.company_id)
        return self.serialize_throwable_flag or getter.get_boolean(props.get("json.service.serialize.throwable"))

    def authenticate(self, header):
        """Return (user, state): state is 'none', 'ok' or 'invalid' (wrong Basic credentials)."""
        if not header or not header.lower().startswith("basic "):
            return None, "none"
        try:
            login, _sep, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, "invalid"
        user = next((u for u in self.users if u.email == login.strip().lower()), None)
        if user is None or user.password != password:
            return None, "invalid"
        return user, "ok"

    def is_admin(self, user, company_id, role="Administrator"):
        """RoleLocalServiceImpl.hasUserRole(userId, companyId, role, true): false when the company (or its
        role, as for company 0) does not exist; a user holds roles of the company named, not of the request's."""
        company = self.company_by_id(company_id)
        held = user.analytics_admin_of if user and role == "Analytics Administrator" else \
            (user.admin_of if user else ())
        return bool(user and company and company.web_id in held)

    # --- preferences writes ---------------------------------------------

    def update_preferences(self, company_id, values):
        """CompanyLocalServiceImpl.updatePreferences; does not clear the mail session."""
        props = self.properties_of(company_id)
        set_values = {}
        remove = []
        for key, value in values.items():
            if value == TEMP_OBFUSCATION_VALUE:
                continue
            if value != props.get(key):
                set_values[key] = value
            else:
                remove.append(key)
        with self.lock:
            self.preferences.update(company_id, set_values, remove)

    def remove_preferences(self, company_id, keys):
        with self.lock:
            self.preferences.update(company_id, remove_keys=keys)

    def save_mail_form(self, form):
        """EditServerMVCActionCommand updateMail: store the form, then clearSession() for all companies."""
        company_id = getter.get_integer(form.get("preferencesCompanyId"))
        values = {MAIL_SESSION_MAIL: "true"}
        values[P + "advanced.properties"] = getter.get_string(form.get("advancedProperties"))
        values[P + "pop3.host"] = getter.get_string(form.get("pop3Host"))
        values[P + "pop3.port"] = str(getter.get_integer(form.get("pop3Port")))
        values[P + "store.protocol"] = "pop3s" if getter.get_boolean(form.get("pop3Secure")) else "pop3"
        values[P + "pop3.user"] = getter.get_string(form.get("pop3User"))
        values["pop.server.notifications.enabled"] = \
            "true" if getter.get_boolean(form.get("popServerNotificationsEnabled")) else "false"
        values[P + "smtp.host"] = getter.get_string(form.get("smtpHost"))
        values[P + "smtp.port"] = str(getter.get_integer(form.get("smtpPort")))
        values[P + "transport.protocol"] = "smtps" if getter.get_boolean(form.get("smtpSecure")) else "smtp"
        values[P + "smtp.starttls.enable"] = \
            "true" if getter.get_boolean(form.get("smtpStartTLSEnable")) else "false"
        values[P + "smtp.user"] = getter.get_string(form.get("smtpUser"))
        for field, key in (("pop3Password", P + "pop3.password"), ("smtpPassword", P + "smtp.password")):
            password = getter.get_string(form.get(field))
            if password != TEMP_OBFUSCATION_VALUE:
                values[key] = password
        with self.lock:
            self.preferences.update(company_id, values)
            self.clear_sessions()
        return company_id, values

    # --- the mail session -------------------------------------------------

    def clear_sessions(self, company_ids=None):
        """clearSession(): None clears every company."""
        with self.lock:
            if company_ids is None or None in company_ids:
                self.sessions.clear()
            else:
                for company_id in company_ids:
                    self.sessions.pop(company_id, None)

    def _osgi_changed(self, affected):
        LOG.info("Mail configuration changed; clearing the mail session of %s",
                 "every company" if None in affected else ", ".join(str(c) for c in sorted(affected)))
        self.clear_sessions(affected)

    def mail_session(self, company_id):
        """MailServiceImpl.getSession(companyId): (session, was_cached)."""
        with self.lock:
            session = self.sessions.get(company_id)
            if session is not None:
                return session, True
            if self.osgi:
                jndi = self._jndi_session()
                if jndi is not None:
                    return jndi, False
            if self.osgi:
                values, layers = self.osgi.company_configuration(company_id)
                built = mailsession.build_osgi(values, layers)
            else:
                shared, shared_sources = self.infrastructure
                built = mailsession.build_74(self.properties_of(company_id), self.preferences.get(company_id),
                                             self.preferences.get(preferences.SYSTEM), shared, shared_sources)
            session = Session(built[0], built[1], built[2], time.time(), auth_user=built[3], password_key=built[4],
                              shared=not self.osgi)
            self.sessions[company_id] = session
            return session, False

    def _jndi_session(self):
        """2025.q4 MailServiceImpl.getSession (liferay/liferay-portal mail-messaging-impl, eb65aa60): after the cache,
        a non-null jndiName of MailSettingSystemConfiguration is looked up with JNDIUtil.lookup and returned
        uncached; a failed lookup logs "Unable to lookup <name>" and the session is built from
        MailSettingCompanyConfiguration as usual."""
        values, sources = self.osgi.system_configuration()
        name = getter.java_string(values["jndiName"]).strip()
        if not name:
            return None
        properties = self.jndi_sessions.get(name)
        if properties is None:
            LOG.error("Unable to lookup %s: javax.naming.NameNotFoundException: Name [%s] is not bound in this "
                      "Context", name, name)
            return None
        source = "jndi:%s (%s)" % (name, sources["jndiName"])
        return Session(dict(properties), {key: source for key in properties}, "jndi", time.time())

    def _lookup(self, company_id, key):
        """PrefsPropsUtil.getString(companyId, key): company prefs, else the portal property."""
        stored = self.preferences.get(company_id)
        if key in stored:
            return stored[key]
        return self.properties_of(company_id).get(key, "")

    def send_test_mail(self, company_id, to, subject, sender_address=None):
        from . import sender  # smtplib and email load only when a test sends

        session, _cached = self.mail_session(company_id)
        if not sender_address:
            sender_address = self._lookup(company_id, "admin.email.from.address")
        if self.osgi:
            # 2025.q4 MailMessageListener.filterInternetAddress (mail-messaging-impl, eb65aa60): sendBlacklist of
            # MailSettingSystemConfiguration in a HashSet, compared exactly; a listed sender drops the whole mail.
            system, _sources = self.osgi.system_configuration()
            blacklist = set(getter.java_string(entry) for entry in system["sendBlacklist"])
            if sender_address in blacklist:
                LOG.warning("Skipping email because the sender is not specified")
                return {"sent": False, "skipped": True,
                        "error": "Email %s will be ignored because it is included in blacklist; skipping email "
                                 "because the sender is not specified" % sender_address}
            if to in blacklist:
                return {"sent": False, "skipped": True,
                        "error": "Email %s will be ignored because it is included in blacklist" % to}
        else:
            blacklist = [a.strip().lower() for a in self._lookup(company_id, "mail.send.blacklist").split(",")]
            if to.strip().lower() in blacklist:
                return {"sent": False, "skipped": True,
                        "error": "Email %s will be ignored because it is included in mail.send.blacklist" % to}
        with self.lock:  # JavaMail reads the (shared) Properties when it sends
            properties = dict(session.properties)
        engine = "javamail" if self.javamail else "python"
        started = time.monotonic()
        try:
            if self.javamail:
                if self.generation == "2025.q4":
                    # Jakarta Mail 2.x checks the server identity by default, JavaMail 1.6 does not.
                    protocol = "smtps" if properties.get("mail.transport.protocol") == "smtps" else "smtp"
                    properties.setdefault("mail.%s.ssl.checkserveridentity" % protocol, "true")
                self.javamail.send(properties, to, subject, sender_address, authenticator_user=session.auth_user,
                                   password_key=session.password_key)
            else:
                api = "jakarta.mail" if self.generation == "2025.q4" else "javax.mail"
                sender.send(properties, to, subject, sender_address, ca_file=self.ca_file, api=api,
                            check_identity_default=self.generation == "2025.q4",
                            authenticator_user=session.auth_user, password_key=session.password_key)
        except sender.SendError as error:
            text = str(error)
            for key, value in properties.items():
                if preferences.is_secret_key(key) and value:
                    text = text.replace(value, preferences.MASK)
            LOG.error("Unable to send mail (%s): %s", engine, text)
            return self._send_answer(False, engine, started, error=text,
                                     exception=getattr(error, "exception_type", None))
        LOG.info("Sent a test mail to %s through %s", to, engine)
        return self._send_answer(True, engine, started)

    def _send_answer(self, sent, engine, started, error=None, exception=None):
        answer = {"sent": sent, "engine": engine, "seconds": round(time.monotonic() - started, 3)}
        if engine == "python":
            answer["engineReason"] = self.javamail_reason
        if error is not None:
            answer["error"] = error
        if exception:
            answer["exception"] = exception
        return answer
