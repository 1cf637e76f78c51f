"""How MailServiceImpl builds the JavaMail session of one company (docs/liferay-model.md §4).

Functions that get the layers and return the session properties, for each property
the layer its value came from, and the Authenticator MailServiceImpl attaches.

7.4 (portal-impl ``MailServiceImpl.getSession(long)``) does not build a new
``Properties``: it takes ``InfrastructureUtil.getMailSession().getProperties()`` -
the one Properties object of the portal's infrastructure session, built at start-up
from ``mail.session.*`` - and calls ``setProperty`` on it. JavaMail's
``Session.getInstance(properties)`` keeps that object by reference. So every
instance's session, and the raw-mode session itself, share one Properties: the
last instance built wins for every key it sets, a key set once (an advanced
property removed later) stays until the portal restarts, and keys an instance
does not set come from whichever instance set them. ``build_74`` therefore
writes into the ``shared`` dicts it is given and returns them.

2025.Q4 (modules ``MailServiceImpl``) starts from ``new Properties()`` per
instance: ``build_osgi`` returns fresh dicts.
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
    """Set the keys MailServiceImpl derives from the individual settings.

    Returns the user of the Authenticator MailServiceImpl attaches (None when smtpAuth is
    false) and the property its password is read from when JavaMail asks.
    """
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
    # Validator.isNotNull: blank (spaces only) or the word "null" count as empty.
    smtp_auth = getter.is_not_null(user) or getter.is_not_null(password)
    properties["mail.%s.auth" % transport] = "true" if smtp_auth else "false"
    sources["mail.%s.auth" % transport] = "derived"
    put("mail.%s.host" % transport, get("smtp.host"), "smtp.host")
    put("mail.%s.password" % transport, password, "smtp.password")
    put("mail.%s.port" % transport, str(getter.get_integer(get("smtp.port"))), "smtp.port")
    starttls = "true" if getter.get_boolean(get("smtp.starttls.enable")) else "false"
    put("mail.%s.starttls.enable" % transport, starttls, "smtp.starttls.enable")
    put("mail.%s.user" % transport, user, "smtp.user")
    return (user if smtp_auth else None), "mail.%s.password" % transport


def infrastructure_properties(props):
    """The Properties of InfrastructureUtil.getMailSession(): mail.session.* with the prefix stripped."""
    properties = {}
    sources = {}
    for key, (value, layer) in props.with_prefix("mail.session.").items():
        properties[key] = value
        sources[key] = layer
    return properties, sources


def build_74(props, company_prefs, system_prefs, shared, shared_sources):
    """7.4-per-company: company prefs -> system prefs -> portal properties/env, set on ``shared``.

    ``shared``/``shared_sources`` are the infrastructure session's Properties (see the module
    docstring); they are changed in place and returned.
    Returns (properties, sources, mode, authenticator user or None, password property).
    """

    def lookup(key):
        if key in company_prefs:
            return company_prefs[key], "company-preferences"
        if key in system_prefs:
            return system_prefs[key], "system-preferences"
        value, layer = props.get_with_layer(key)
        return ("" if value is None else value), (layer or "unset")

    properties = shared
    sources = shared_sources
    if not getter.get_boolean(lookup(MAIL_SESSION_MAIL)[0]):
        # The infrastructure session itself: no Authenticator.
        return properties, sources, "raw", None, None
    auth_user, password_key = _structured(properties, sources, lambda s: lookup(P + s)[0],
                                          lambda s: lookup(P + s)[1])
    advanced, layer = lookup(ADVANCED)
    if getter.is_not_null(advanced):
        _apply_advanced(properties, sources, advanced, layer)
    return properties, sources, "structured", auth_user, password_key


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

    auth_user, password_key = _structured(properties, sources, get, lambda s: layers[_OSGI_ATTRIBUTES[s]])
    advanced = getter.java_string(values["additionalJavaMailProperties"])
    if getter.is_not_null(advanced):
        _apply_advanced(properties, sources, advanced, layers["additionalJavaMailProperties"])
    return properties, sources, "osgi", auth_user, password_key
