"""How MailServiceImpl builds the JavaMail session of one company (reference 2.5, 2.6).

Pure functions: they get the layers and return the session properties and,
for each property, the layer its value came from.
"""

from . import getter
from .properties import load_java_properties

P = "mail.session.mail."
MAIL_SESSION_MAIL = "mail.session.mail"
ADVANCED = P + "advanced.properties"


def normalise_store(protocol):
    return "pop3s" if protocol == "pop3s" else "pop3"


def normalise_transport(protocol):
    return "smtps" if protocol == "smtps" else "smtp"


def _apply_advanced(properties, sources, text, layer):
    if not text:
        return
    for key, value in load_java_properties(text).items():
        properties[key] = value
        sources[key] = "advanced:" + layer


def _structured(properties, sources, get, layer_of):
    """Set the keys MailServiceImpl derives from the individual settings."""
    store = normalise_store(get("store.protocol"))
    transport = normalise_transport(get("transport.protocol"))

    def put(key, value, setting):
        properties[key] = value
        sources[key] = layer_of(setting)

    put("mail.store.protocol", store, "store.protocol")
    put("mail.%s.host" % store, get("pop3.host"), "pop3.host")
    put("mail.%s.password" % store, get("pop3.password"), "pop3.password")
    put("mail.%s.port" % store, str(getter.get_integer(get("pop3.port"))), "pop3.port")
    put("mail.%s.user" % store, get("pop3.user"), "pop3.user")
    put("mail.transport.protocol", transport, "transport.protocol")
    user = get("smtp.user")
    password = get("smtp.password")
    properties["mail.%s.auth" % transport] = "true" if (user or password) else "false"
    sources["mail.%s.auth" % transport] = "derived"
    put("mail.%s.host" % transport, get("smtp.host"), "smtp.host")
    put("mail.%s.password" % transport, password, "smtp.password")
    put("mail.%s.port" % transport, str(getter.get_integer(get("smtp.port"))), "smtp.port")
    starttls = "true" if getter.get_boolean(get("smtp.starttls.enable")) else "false"
    put("mail.%s.starttls.enable" % transport, starttls, "smtp.starttls.enable")
    put("mail.%s.user" % transport, user, "smtp.user")


def build_74(props, company_prefs, system_prefs):
    """7.4-per-company: company prefs -> system prefs -> portal properties/env."""

    def lookup(key):
        if key in company_prefs:
            return company_prefs[key], "company-preferences"
        if key in system_prefs:
            return system_prefs[key], "system-preferences"
        value, layer = props.get_with_layer(key)
        return ("" if value is None else value), (layer or "unset")

    properties = {}
    sources = {}
    for key, (value, layer) in props.with_prefix("mail.session.").items():
        properties[key] = value
        sources[key] = layer
    if not getter.get_boolean(lookup(MAIL_SESSION_MAIL)[0]):
        return properties, sources, "raw"
    _structured(properties, sources, lambda s: lookup(P + s)[0], lambda s: lookup(P + s)[1])
    advanced, layer = lookup(ADVANCED)
    _apply_advanced(properties, sources, advanced, layer)
    return properties, sources, "structured"


# MailSettingCompanyConfiguration attribute for each setting name used above.
_OSGI_ATTRIBUTES = {
    "store.protocol": "storeProtocol",
    "transport.protocol": "transportProtocol",
    "pop3.host": "incomingPOPServer",
    "pop3.port": "incomingPOPPort",
    "pop3.user": "popUserName",
    "pop3.password": "popPassword",
    "smtp.host": "outgoingSMTPServer",
    "smtp.port": "outgoingSMTPPort",
    "smtp.user": "smtpUserName",
    "smtp.password": "smtpPassword",
    "smtp.starttls.enable": "enableStartTLS",
}


def build_osgi(values, layers):
    """2025.Q4: everything from MailSettingCompanyConfiguration, no portal properties."""
    properties = {}
    sources = {}

    def get(setting):
        return getter.java_string(values[_OSGI_ATTRIBUTES[setting]])

    _structured(properties, sources, get, lambda s: layers[_OSGI_ATTRIBUTES[s]])
    _apply_advanced(properties, sources, getter.java_string(values["additionalJavaMailProperties"]),
                    layers["additionalJavaMailProperties"])
    return properties, sources, "osgi"
