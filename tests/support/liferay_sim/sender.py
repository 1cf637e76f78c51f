"""Send one message with a session's JavaMail properties, as MailEngine would (docs/liferay-model.md §4).

Two engines:

* ``javamail`` (used whenever a JVM and Debian's javax.mail.jar exist): the real
  JavaMail 1.6 in a short-lived JVM (tests/support/java/JavaMailSend.java). It gets
  the exact session Properties on stdin, never on the command line, builds the
  Session as MailServiceImpl does (with its Authenticator when smtpAuth was true)
  and sends as MailEngine._send does. Its exception text comes back as it is.
* ``python``, the fallback without a JVM: smtplib with the same properties. Only
  the properties decide: the transport protocol picks the prefix, host and port
  fall back as JavaMail does (mail.<p>.host, mail.host, localhost; 25/465), smtps
  or mail.<p>.ssl.enable means implicit TLS, STARTTLS when enabled and offered,
  login only when mail.<p>.auth is true and user and password are not null.
"""

import email.message
import email.utils
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading

from . import getter

DEFAULT_TIMEOUT = 10.0
# A JavaMail session without mail.<p>.timeout waits for ever, as the portal does; the simulator
# gives up on the JVM after this many seconds so that a test sees an answer.
JAVAMAIL_PROCESS_TIMEOUT = 8.0
ENGINES = ("auto", "javamail", "python")


class SendError(Exception):
    pass


def _flag(properties, key):
    return str(properties.get(key, "")).strip().lower() == "true"


def _timeout(properties, prefix):
    values = []
    for name in ("connectiontimeout", "timeout"):
        raw = str(properties.get("%s.%s" % (prefix, name), "")).strip()
        if raw.isdigit() and int(raw) > 0:
            values.append(int(raw) / 1000.0)
    return min(values + [DEFAULT_TIMEOUT])


def _tls_context(properties, prefix, host, ca_file, check_identity_default):
    trust = str(properties.get(prefix + ".ssl.trust", "")).strip()
    if trust == "*" or host in trust.split():
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    identity = properties.get(prefix + ".ssl.checkserveridentity")
    context.check_hostname = _flag(properties, prefix + ".ssl.checkserveridentity") if identity is not None \
        else check_identity_default
    return context


def send(properties, to, subject, sender, ca_file=None, api="javax.mail", check_identity_default=False,
         authenticator_user=None, password_key=None):
    """Send as MailEngine._send; raise SendError with the text the portal would log (never a password).

    MailEngine connects explicitly (``getTransport(mail.transport.protocol).connect(host, port,
    user, password)``) only when ``mail.<p>.auth`` is true and user and password are not null,
    where <p> is smtps for smtps and smtp otherwise, and the port defaults to 25. Otherwise it
    calls ``Transport.send(message)``, which JavaMail routes by address type: rfc822 -> ``smtp``
    (``mail.transport.protocol.rfc822`` overrides), whatever ``mail.transport.protocol`` says.
    """
    configured = str(properties.get("mail.transport.protocol", "")).strip()
    engine_prefix = "mail.smtps" if configured == "smtps" else "mail.smtp"
    explicit = (getter.get_boolean(properties.get(engine_prefix + ".auth"))
                and getter.is_not_null(properties.get(engine_prefix + ".user"))
                and getter.is_not_null(properties.get(engine_prefix + ".password")))
    if explicit:
        protocol = configured or "smtp"
    else:
        protocol = str(properties.get("mail.transport.protocol.rfc822", "")).strip() or "smtp"
    if protocol not in ("smtp", "smtps"):
        raise SendError("%s.NoSuchProviderException: Invalid protocol: %s" % (api, protocol))
    prefix = "mail." + protocol
    host = properties.get(prefix + ".host") or properties.get("mail.host") or "localhost"
    default_port = 465 if protocol == "smtps" else 25
    port_text = str(properties.get((engine_prefix if explicit else prefix) + ".port", "")).strip()
    port = int(port_text) if port_text.isdigit() and int(port_text) > 0 else (25 if explicit else default_port)
    if explicit:
        user = properties.get(engine_prefix + ".user")
        password = properties.get(engine_prefix + ".password")
    else:
        # Service.connect(): the user from the properties, the password only from the Authenticator.
        user = properties.get(prefix + ".user") or properties.get("mail.user") or ""
        password = properties.get(password_key) if authenticator_user is not None and password_key else None
        if _flag(properties, prefix + ".auth") and password is None:
            raise SendError("%s.AuthenticationFailedException: failed to connect, no password specified?" % api)
        password = password or ""
    implicit_tls = protocol == "smtps" or _flag(properties, prefix + ".ssl.enable")
    timeout = _timeout(properties, prefix)

    message = email.message.EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain="liferay-sim.invalid")
    message.set_content("Test message sent by the Liferay simulator.\n")

    where = "%s, %d; timeout %d" % (host, port, int(timeout * 1000) if timeout != DEFAULT_TIMEOUT else -1)
    try:
        context = _tls_context(properties, prefix, host, ca_file, check_identity_default)
        if implicit_tls:
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
    except ssl.SSLError as error:
        raise SendError("%s.MessagingException: Could not connect to SMTP host: %s, port: %d; nested exception is: "
                        "javax.net.ssl.SSLHandshakeException: %s" % (api, host, port, error))
    except (OSError, smtplib.SMTPException) as error:
        # JavaMail 1.6's text for a refused or unreachable host (com.sun.mail.util.MailConnectException).
        raise SendError("com.sun.mail.util.MailConnectException: Couldn't connect to host, port: %s; nested "
                        "exception is: java.net.ConnectException: %s" % (where, _describe(error)))
    try:
        client.ehlo()
        if not implicit_tls:
            offered = client.has_extn("starttls")
            if _flag(properties, prefix + ".starttls.enable") and offered:
                try:
                    client.starttls(context=context)
                except ssl.SSLError as error:
                    raise SendError("%s.MessagingException: Could not convert socket to TLS; nested exception "
                                    "is: javax.net.ssl.SSLHandshakeException: %s" % (api, error))
                client.ehlo()
            elif _flag(properties, prefix + ".starttls.required"):
                raise SendError("%s.MessagingException: STARTTLS is required but host does not support "
                                "STARTTLS" % api)
        if _flag(properties, prefix + ".auth") and getter.is_not_null(user) and getter.is_not_null(password):
            try:
                client.login(user, password)
            except smtplib.SMTPAuthenticationError as error:
                raise SendError("%s.AuthenticationFailedException: %d %s" % (api, error.smtp_code,
                                                                             _text(error.smtp_error)))
            except smtplib.SMTPNotSupportedError:
                raise SendError("%s.AuthenticationFailedException: No authentication mechanisms supported "
                                "by both server and client" % api)
        client.send_message(message)
    except smtplib.SMTPResponseException as error:
        raise SendError("com.sun.mail.smtp.SMTPSendFailedException: %d %s" % (error.smtp_code,
                                                                              _text(error.smtp_error)))
    except smtplib.SMTPRecipientsRefused as error:
        refused = ", ".join("%s (%d %s)" % (r, c, _text(t)) for r, (c, t) in error.recipients.items())
        raise SendError("%s.SendFailedException: Invalid Addresses: %s" % (api, refused))
    except (OSError, smtplib.SMTPException) as error:
        raise SendError("%s.MessagingException: Exception reading response; nested exception is: %s"
                        % (api, _describe(error)))
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error):
    if isinstance(error, socket.timeout):
        return "java.net.SocketTimeoutException: Read timed out"
    return "%s: %s" % (type(error).__name__, error)


# --- the real JavaMail --------------------------------------------------------------------------

_ACTIVATION_JARS = ("javax.activation.jar", "activation.jar")


def _javatools():
    import javatools  # tests/support is on sys.path (bin/liferay-sim puts it there)

    return javatools


def javamail_unavailable_reason():
    """None when the real JavaMail can send here, else why not."""
    try:
        return _javatools().unavailable_reason(["javax.mail.jar"])
    except ImportError as error:  # the simulator copied without tests/support
        return "javatools is not importable: %s" % error


def _classpath():
    javatools = _javatools()
    entries = [javatools.jar("javax.mail.jar")]
    for name in _ACTIVATION_JARS:  # JavaMail 1.6 needs javax.activation, gone from Java 11+
        if (javatools.SHARE_JAVA / name).exists():
            entries.append(str(javatools.SHARE_JAVA / name))
            break
    return entries


def _escape(text, is_key):
    """java.util.Properties text for one key or value (read back with a UTF-8 Reader)."""
    out = []
    for index, char in enumerate(text):
        if char == "\\":
            out.append("\\\\")
        elif char in "=:#!" or (char == " " and (is_key or index == 0)):
            out.append("\\" + char)
        elif char == "\t":
            out.append("\\t")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\f":
            out.append("\\f")
        elif ord(char) < 0x20:
            out.append("\\u%04x" % ord(char))
        else:
            out.append(char)
    return "".join(out)


def properties_text(mapping):
    return "".join("%s=%s\n" % (_escape(str(k), True), _escape(str(v), False)) for k, v in mapping.items())


class JavaMailEngine(object):
    """Compiles JavaMailSend once (javatools keeps one class dir), builds the trust store once."""

    def __init__(self, ca_file=None):
        self.ca_file = ca_file
        self.lock = threading.Lock()
        self.classes = None
        self.trust_dir = None
        self.trust_store = None
        self.trust_password = None

    def prepare(self):
        """Compile the sender and build the trust store; safe to call from several threads."""
        with self.lock:
            if self.classes is None:
                classpath = _classpath()
                self.classes = [str(_javatools().compile_program("JavaMailSend", ["JavaMailSend.java"], classpath))] \
                    + classpath
            if self.ca_file and self.trust_store is None:
                self._build_trust_store()

    def _build_trust_store(self):
        """A PKCS12 trust store holding every certificate of the CA file (keytool, as an admin would)."""
        java, _javac = _javatools().java_binaries()
        keytool = os.path.join(os.path.dirname(os.path.realpath(java)), "keytool")
        if not os.path.exists(keytool):
            keytool = shutil.which("keytool") or "keytool"
        self.trust_dir = tempfile.mkdtemp(prefix="liferay-sim-truststore-")
        store = os.path.join(self.trust_dir, "truststore.p12")
        # Protects public certificates only; passed through the environment, not the command line.
        password = "liferay-sim-" + os.urandom(6).hex()
        with open(self.ca_file, encoding="ascii", errors="replace") as handle:
            pems = [block for block in handle.read().split("-----END CERTIFICATE-----") if "BEGIN CERTIFICATE" in block]
        env = dict(os.environ, LIFERAY_SIM_TRUSTSTORE_PASSWORD=password)
        for index, block in enumerate(pems):
            pem_path = os.path.join(self.trust_dir, "ca%d.pem" % index)
            with open(pem_path, "w", encoding="ascii") as handle:
                handle.write(block.strip() + "\n-----END CERTIFICATE-----\n")
            result = subprocess.run([keytool, "-importcert", "-noprompt", "-alias", "ca%d" % index, "-file", pem_path,
                                     "-keystore", store, "-storetype", "PKCS12",
                                     "-storepass:env", "LIFERAY_SIM_TRUSTSTORE_PASSWORD"],
                                    capture_output=True, text=True, env=env, check=False)
            if result.returncode != 0:
                raise SendError("keytool could not import %s: %s" % (self.ca_file, result.stdout + result.stderr))
        self.trust_store = store
        self.trust_password = password

    def close(self):
        if self.trust_dir:
            shutil.rmtree(self.trust_dir, ignore_errors=True)
            self.trust_dir = None
            self.trust_store = None

    def send(self, properties, to, subject, sender, authenticator_user=None, password_key=None):
        """Send through JavaMail; raise SendError with JavaMail's exception class and text."""
        self.prepare()
        control = {"send.from": sender or "", "send.to": to, "send.subject": subject}
        if authenticator_user is not None:
            control["send.authenticator.user"] = authenticator_user
            control["send.authenticator.passwordKey"] = password_key
        if self.trust_store:
            control["send.trustStore"] = self.trust_store
            control["send.trustStorePassword"] = self.trust_password
        text = properties_text(control) + properties_text(
            {"session." + key: value for key, value in properties.items()})
        try:
            result = _javatools().run_program("JavaMailSend", self.classes, stdin=text,
                                              timeout=JAVAMAIL_PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise SendError("no answer from JavaMail within %.0f s (JavaMail waits for ever when "
                            "mail.<protocol>.connectiontimeout/timeout are not set): the server does not speak "
                            "what the session expects on that port" % JAVAMAIL_PROCESS_TIMEOUT)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if result.returncode == 0 and lines and lines[-1] == "sent":
            return
        if lines and lines[-1].startswith("failed\t"):
            _status, exception_type, message = lines[-1].split("\t", 2)
            error = SendError(message)
            error.exception_type = exception_type
            raise error
        raise SendError("the JavaMail sender failed (exit %d): %s"
                        % (result.returncode, (result.stderr or "").strip()[-500:]))
