"""The 2025.Q4 OSGi configuration of mail settings, read from [Liferay Home]/osgi/configs.

Like portal-file-install, the directory is polled; a new, changed or deleted file
is applied within a poll interval (docs/liferay-model.md §6-§8). Files are read
as Liferay reads them (felix.py), with ``${name}`` taken from the simulator's
``--system-property`` options. A written file makes the mail configuration
handlers clear the cached session of its company (all companies for the system
file). Deleting a scoped file clears nothing: the scoped handler has no
@Deactivate, so the session keeps the old values until a restart. When several
scoped files name one company, the most recently updated configuration wins;
the file's modification time stands for "updated". A company is named by
``companyId`` or by its web id under the portable key ``companyWebId`` (or
``webId``). A value that cannot be converted is logged and the file's previous
state kept.

``MailSettingSystemConfiguration`` (system scope: JNDI name, send blacklist, batch size, failure
behaviour, audit trail) is read in any of its 2025 attribute-name shapes (docs/liferay-model.md
§10.3). Its changes clear no session: in liferay/liferay-portal mail-messaging-impl (eb65aa60)
``MailServiceImpl`` and ``MailMessageListener`` only rebuild their configurable in ``@Modified``.
"""

import logging
import os
import threading

from . import felix

LOG = logging.getLogger("liferay_sim.osgi")

COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
SYSTEM_PID = "com.liferay.mail.settings.configuration.MailSettingSystemConfiguration"
COMPANY_FILE = COMPANY_PID + ".config"
PORTABLE_COMPANY_KEYS = ("companyWebId", "webId")
SCOPED_PREFIX = COMPANY_PID + ".scoped~"
SYSTEM_FILE = SYSTEM_PID + ".config"

# Metatype defaults of MailSettingCompanyConfiguration (docs/liferay-model.md §8).
COMPANY_DEFAULTS = {
    "enablePOPServerNotifications": False,
    "incomingPOPServer": "localhost",
    "incomingPOPPort": "110",
    "storeProtocol": "pop3",
    "transportProtocol": "smtp",
    "popUserName": "",
    "popPassword": "",
    "outgoingSMTPServer": "localhost",
    "outgoingSMTPPort": "25",
    "enableStartTLS": True,
    "smtpUserName": "",
    "smtpPassword": "",
    "additionalJavaMailProperties": "",
}


# Metatype defaults of MailSettingSystemConfiguration (liferay/liferay-portal 54b9c3a9).
SYSTEM_DEFAULTS = {
    "auditTrail": "",
    "batchSize": "0",
    "jndiName": "",
    "popServerSubdomain": "events",
    "sendBlacklist": ["noreply@liferay.com", "test@liferay.com", "noreply@domain.invalid", "test@domain.invalid"],
    "throwsExceptionOnFailure": False,
}
# The attribute of each system setting in the three 2025 shapes (newest first); the first shape has no JNDI name.
SYSTEM_NAMES = {
    "jndiName": ("jndiName", "mailSessionJndiName"),
    "sendBlacklist": ("sendBlacklist", "mailSendBlacklist"),
    "batchSize": ("batchSize", "mailBatchSize"),
    "throwsExceptionOnFailure": ("throwsExceptionOnFailure", "mailThrowsExceptionOnFailure"),
    "auditTrail": ("auditTrail", "mailAuditTrail"),
    "popServerSubdomain": ("popServerSubdomain",),
}


def _relevant(name):
    return name in (COMPANY_FILE, SYSTEM_FILE) or (name.startswith(SCOPED_PREFIX) and name.endswith(".config"))


class OsgiConfigs(object):
    def __init__(self, directory, on_change, interval=0.5, system_properties=None, web_ids=None):
        self.directory = directory
        self.on_change = on_change
        self.interval = interval
        self.system_properties = dict(system_properties or {})
        self.web_ids = dict(web_ids or {})  # web id -> company id, for the portable key
        self._lock = threading.Lock()
        self._stamps = {}
        self._configs = {}
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self.poll()
        self._thread = threading.Thread(target=self._run, name="osgi-configs", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # keep polling whatever happens to one file
                LOG.exception("OSGi configuration poll failed")

    def _company_of(self, values):
        if values.get("companyId") is not None:
            try:
                return int(str(values["companyId"]).strip())
            except ValueError:
                return None
        for key in PORTABLE_COMPANY_KEYS:
            if values.get(key) is not None:
                return self.web_ids.get(str(values[key]).strip())
        return None

    def _scan(self):
        stamps = {}
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return stamps
        for name in names:
            if _relevant(name):
                try:
                    stat = os.stat(os.path.join(self.directory, name))
                except FileNotFoundError:
                    continue
                stamps[name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return stamps

    def poll(self):
        """Apply what changed on disk; return True when something changed."""
        stamps = self._scan()
        affected = set()
        with self._lock:
            for name in set(self._stamps) | set(stamps):
                if self._stamps.get(name) == stamps.get(name):
                    continue
                old = self._configs.get(name)
                if name in stamps:
                    try:
                        with open(os.path.join(self.directory, name), encoding="utf-8") as handle:
                            new = felix.parse_config(handle.read(), self.system_properties)
                    except (OSError, UnicodeDecodeError, felix.ConfigSyntaxError) as error:
                        LOG.error("Unable to parse %s: %s", name, error)
                        self._stamps[name] = stamps[name]
                        continue
                    self._configs[name] = new
                    self._stamps[name] = stamps[name]
                    LOG.info("Applied OSGi configuration %s", name)
                else:
                    self._configs.pop(name, None)
                    self._stamps.pop(name, None)
                    new = None
                    LOG.info("Removed OSGi configuration %s", name)
                if old == new:
                    continue
                if name == SYSTEM_FILE:
                    # MailServiceImpl/MailMessageListener @Modified: a new configurable, no clearSession.
                    LOG.info("System mail configuration %s %s; no session is cleared", name,
                             "removed" if new is None else "applied")
                    continue
                if name.startswith(SCOPED_PREFIX):
                    if new is None:
                        # MailServiceCompanyScopedConfigurationHandler has no @Deactivate: nothing is cleared.
                        LOG.info("Scoped configuration %s deleted; the mail session is not cleared", name)
                        continue
                    affected.update(c for c in (self._company_of(old or {}), self._company_of(new)) if c is not None)
                else:
                    affected.add(None)  # system-wide: every company
        if affected:
            self.on_change(affected)
        return bool(affected)

    def company_configuration(self, company_id):
        """(values, sources) of MailSettingCompanyConfiguration for one company.

        The instance's scoped configuration if one exists, else the system-level
        one, else the metatype defaults; attributes missing from the chosen
        configuration take their defaults.
        """
        with self._lock:
            # getConfiguration returns the last of the list: the most recently updated configuration.
            scoped = sorted((self._stamps.get(name, (0,))[0], name) for name in self._configs
                            if name.startswith(SCOPED_PREFIX) and self._company_of(self._configs[name]) == company_id)
            chosen_name = scoped[-1][1] if scoped else None
            if chosen_name is None and COMPANY_FILE in self._configs:
                chosen_name = COMPANY_FILE
            chosen = dict(self._configs.get(chosen_name, {}))
        values = {}
        sources = {}
        for attribute, default in COMPANY_DEFAULTS.items():
            if attribute in chosen:
                values[attribute] = chosen[attribute]
                sources[attribute] = "osgi:" + chosen_name
            else:
                values[attribute] = default
                sources[attribute] = "default"
        return values, sources

    def system_configuration(self):
        """(values, sources) of MailSettingSystemConfiguration: the file's attribute in whichever shape it uses,
        else the metatype default. A list stays a list; a plain string where String[] is expected is one element."""
        with self._lock:
            chosen = dict(self._configs.get(SYSTEM_FILE, {}))
        values, sources = {}, {}
        for setting, default in SYSTEM_DEFAULTS.items():
            for name in SYSTEM_NAMES[setting]:
                if name in chosen:
                    value = chosen[name]
                    if isinstance(default, list) and not isinstance(value, list):
                        value = [str(value)]
                    values[setting], sources[setting] = value, "osgi:%s (%s)" % (SYSTEM_FILE, name)
                    break
            else:
                values[setting], sources[setting] = default, "default"
        return values, sources
