"""The 2025.Q4 OSGi configuration of mail settings, read from [Liferay Home]/osgi/configs.

Like Felix FileInstall, the directory is polled; a new, changed or deleted file
is applied within a poll interval, and the mail configuration handlers then
clear the cached session of that company (all companies for the system file).
A file that does not parse is logged and its previous state kept.
"""

import logging
import os
import threading

from . import felix

LOG = logging.getLogger("liferay_sim.osgi")

COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
SYSTEM_PID = "com.liferay.mail.settings.configuration.MailSettingSystemConfiguration"
COMPANY_FILE = COMPANY_PID + ".config"
SCOPED_PREFIX = COMPANY_PID + ".scoped~"
SYSTEM_FILE = SYSTEM_PID + ".config"

# Metatype defaults of MailSettingCompanyConfiguration (reference section 2.6).
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


def _relevant(name):
    return name in (COMPANY_FILE, SYSTEM_FILE) or (name.startswith(SCOPED_PREFIX) and name.endswith(".config"))


def _company_of(values):
    try:
        return int(str(values.get("companyId", "")).strip())
    except ValueError:
        return None


class OsgiConfigs(object):
    def __init__(self, directory, on_change, interval=0.5):
        self.directory = directory
        self.on_change = on_change
        self.interval = interval
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
                            new = felix.parse_config(handle.read())
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
                if name.startswith(SCOPED_PREFIX):
                    affected.update(c for c in (_company_of(old or {}), _company_of(new or {})) if c is not None)
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
            chosen_name = None
            for name in sorted(self._configs):
                if name.startswith(SCOPED_PREFIX) and _company_of(self._configs[name]) == company_id:
                    chosen_name = name
                    break
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
