"""Send one message with a session's JavaMail properties, as MailEngine would.

Only the properties decide: the transport protocol picks the prefix, host and
port fall back as JavaMail does (mail.<p>.host, mail.host, localhost; 25/465),
smtps or mail.<p>.ssl.enable means implicit TLS, STARTTLS when enabled and
offered, login only when mail.<p>.auth is true and user and password are set.
"""

import email.message
import email.utils
import smtplib
import socket
import ssl

DEFAULT_TIMEOUT = 10.0


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


def send(properties, to, subject, sender, ca_file=None, api="javax.mail", check_identity_default=False):
    """Send; raise SendError with the text the portal would log (never a password)."""
    protocol = str(properties.get("mail.transport.protocol", "smtp")).strip() or "smtp"
    if protocol not in ("smtp", "smtps"):
        raise SendError("%s.NoSuchProviderException: Invalid protocol: %s" % (api, protocol))
    prefix = "mail." + protocol
    host = properties.get(prefix + ".host") or properties.get("mail.host") or "localhost"
    default_port = 465 if protocol == "smtps" else 25
    port_text = str(properties.get(prefix + ".port", "")).strip()
    port = int(port_text) if port_text.isdigit() and int(port_text) > 0 else default_port
    user = properties.get(prefix + ".user") or properties.get("mail.user") or ""
    password = properties.get(prefix + ".password") or ""
    implicit_tls = protocol == "smtps" or _flag(properties, prefix + ".ssl.enable")
    timeout = _timeout(properties, prefix)

    message = email.message.EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain="liferay-sim.invalid")
    message.set_content("Test message sent by the Liferay simulator.\n")

    where = "%s, port: %d" % (host, port)
    try:
        context = _tls_context(properties, prefix, host, ca_file, check_identity_default)
        if implicit_tls:
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
    except ssl.SSLError as error:
        raise SendError("%s.MessagingException: Could not connect to SMTP host: %s; nested exception is: "
                        "javax.net.ssl.SSLHandshakeException: %s" % (api, where, error))
    except (OSError, smtplib.SMTPException) as error:
        raise SendError("%s.MessagingException: Could not connect to SMTP host: %s; nested exception is: "
                        "java.net.ConnectException: %s" % (api, where, _describe(error)))
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
        if _flag(properties, prefix + ".auth") and user and password:
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
