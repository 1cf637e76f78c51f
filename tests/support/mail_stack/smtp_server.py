"""aiosmtpd servers of the mail stack, run as one background process.

    python -m mail_stack.smtp_server CONFIG.json

Listeners (all on 127.0.0.1):
  submission    STARTTLS required, AUTH required (after STARTTLS)
  smtps         implicit TLS, AUTH required
  plain         no STARTTLS, no AUTH (for "STARTTLS required but not offered")
  smtps_other   implicit TLS with a certificate for another name (host name mismatch)
  blackhole     accepts TCP connections (kernel backlog) and never says anything
  oauth_submission  STARTTLS required, AUTH required; also AUTH XOAUTH2, which takes only a token that
                the token endpoint issued (the Microsoft 365 stand-in)
  token         HTTP OAuth2 token endpoint, POST /<tenant>/oauth2/v2.0/token, client credentials grant,
                answering like Microsoft Entra ID (error / error_description, AADSTS codes)
Mail for a known user is delivered into that user's Maildir, which Dovecot serves over POP3.
"""

import base64
import errno
import http.server
import json
import logging
import mailbox
import os
import secrets
import signal
import socket
import ssl
import sys
import threading
import urllib.parse
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# Another process took one of the ports between the moment stack.start picked it and the bind:
# start() picks new ports and tries again.
EXIT_PORT_TAKEN = 75


class Delivery(object):
    def __init__(self, users, mail_root, mail_owner):
        self.users = users
        self.mail_root = mail_root
        self.mail_owner = mail_owner
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.rpartition('@')[0] not in self.users:
            return '550 5.1.1 <%s>: no such user here' % address
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.deliver(address.rpartition('@')[0], envelope.original_content)
        return '250 2.0.0 OK: delivered'

    def deliver(self, user, content):
        path = os.path.join(self.mail_root, user, 'Maildir')
        # Without Dovecot nobody has laid out the user's home (Maildir(create=True) makes one level only).
        os.makedirs(os.path.dirname(path), exist_ok=True)
        key = mailbox.Maildir(path, create=True).add(content)
        if self.mail_owner is not None:
            # dovecot reads the mailbox as an unprivileged user
            for sub in ('new', 'cur'):
                candidate = os.path.join(path, sub, key)
                if os.path.exists(candidate):
                    os.chown(candidate, *self.mail_owner)


MICROSOFT_SCOPE = 'https://outlook.office365.com/.default'


class TokenIssuer(object):
    """The client-credentials grant of Microsoft Entra ID, for one tenant and one app registration."""

    def __init__(self, oauth):
        self.tenant = oauth['tenant_id']
        self.client_id = oauth['client_id']
        self.client_secret = oauth['client_secret']
        self.issued = set()
        self.lock = threading.Lock()

    def answer(self, path, form):
        """(HTTP status, JSON body) for a POST of ``form`` to ``path``."""
        parts = path.strip('/').split('/')
        if parts[1:] != ['oauth2', 'v2.0', 'token']:
            return 404, dict(error='not_found', error_description='no such endpoint: %s' % path)
        if parts[0] != self.tenant:
            return 400, dict(error='invalid_request', error_description="AADSTS90002: Tenant '%s' not found." % parts[0])
        if form.get('grant_type') != 'client_credentials':
            return 400, dict(error='unsupported_grant_type',
                             error_description='AADSTS70003: The app requested an unsupported grant type.')
        if form.get('client_id') != self.client_id:
            return 400, dict(error='unauthorized_client', error_description="AADSTS700016: Application with identifier "
                             "'%s' was not found in the directory." % form.get('client_id'))
        if form.get('client_secret') != self.client_secret:
            return 401, dict(error='invalid_client', error_description='AADSTS7000215: Invalid client secret provided. '
                             "Ensure the secret being sent in the request is the client secret value, not the client "
                             "secret ID, for a secret added to app '%s'." % self.client_id)
        if form.get('scope') != MICROSOFT_SCOPE:
            return 400, dict(error='invalid_scope', error_description='AADSTS1002012: The provided value for scope %s '
                             'is not valid. Client credential flows must have a scope value with /.default suffixed '
                             'to the resource identifier (application ID URI).' % form.get('scope'))
        token = 'eyJ0eXAiOiJKV1QifQ.%s.sig' % secrets.token_urlsafe(24)
        with self.lock:
            self.issued.add(token)
        return 200, dict(token_type='Bearer', expires_in=3599, ext_expires_in=3599, access_token=token)

    def valid(self, token):
        with self.lock:
            return token in self.issued


def token_server(port, issuer):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get('Content-Length') or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode('utf-8', 'replace')))
            status, body = issuer.answer(urllib.parse.urlsplit(self.path).path, form)
            data = json.dumps(body).encode('utf-8')
            self.send_response(status)
            self.send_header('Content-Type', 'application/json; charset=utf-8')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # the request line holds no secret, but keep the log quiet
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


class XOAuth2Delivery(Delivery):
    """Delivery that also takes AUTH XOAUTH2 (as Exchange Online does) with a token the issuer gave out."""

    def __init__(self, users, mail_root, mail_owner, issuer):
        super(XOAuth2Delivery, self).__init__(users, mail_root, mail_owner)
        self.issuer = issuer

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 (aiosmtpd finds it by this name)
        if len(args) > 1:
            try:
                decoded = base64.b64decode(args[1].encode('ascii'), validate=True)
            except Exception:
                await server.push('501 5.5.2 Cannot decode base64')
                return AuthResult(success=False, handled=True)
        else:
            decoded = await server.challenge_auth('', encode_to_b64=False)
            if not isinstance(decoded, bytes):
                return AuthResult(success=False, handled=True)
        text = decoded.decode('utf-8', 'replace')
        fields = dict(part.split('=', 1) for part in text.split('\x01') if '=' in part)
        user, auth = fields.get('user', ''), fields.get('auth', '')
        token = auth[len('Bearer '):] if auth.startswith('Bearer ') else None
        if token and self.issuer.valid(token) and user.rpartition('@')[0] in self.users:
            return AuthResult(success=True, auth_data=user)
        # Exchange Online: a 334 with a JSON error, the client answers with an empty line, then 535.
        error = json.dumps(dict(status='401', schemes='bearer', scope='https://outlook.office.com/.default'))
        await server.challenge_auth(error)
        return AuthResult(success=False, handled=False, message='535 5.7.3 Authentication unsuccessful')


def make_authenticator(users):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and users.get(auth_data.login.decode('utf-8', 'replace')) == auth_data.password.decode('utf-8', 'replace'))
        return AuthResult(success=ok, handled=False)
    return authenticator


def server_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def build_controllers(config, handler, oauth_handler=None):
    tls = config['tls']
    main_context = server_context(tls['server_cert'], tls['server_key'])
    other_context = server_context(tls['other_cert'], tls['other_key'])
    authenticator = make_authenticator(config['users'])
    host = '127.0.0.1'
    ports = config['ports']
    return [
        Controller(handler, hostname=host, port=ports['submission'], tls_context=main_context,
                   require_starttls=True, auth_required=True, authenticator=authenticator),
        # aiosmtpd counts only STARTTLS as TLS for AUTH, so on implicit TLS auth_require_tls must be off
        Controller(handler, hostname=host, port=ports['smtps'], ssl_context=main_context,
                   auth_required=True, auth_require_tls=False, authenticator=authenticator),
        Controller(handler, hostname=host, port=ports['plain']),
        Controller(handler, hostname=host, port=ports['smtps_other'], ssl_context=other_context,
                   auth_required=True, auth_require_tls=False, authenticator=authenticator),
    ] + ([
        Controller(oauth_handler, hostname=host, port=ports['oauth_submission'], tls_context=main_context,
                   require_starttls=True, auth_required=True, authenticator=authenticator),
    ] if oauth_handler is not None else [])


def blackhole(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', port))
    sock.listen(128)  # never accepted: clients connect, then hear nothing
    return sock


def write_ready_file(path):
    # only this process knows that every listener is its own: a port that accepts could be another's
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        handle.write('%d\n' % os.getpid())
    os.replace(path + '.tmp', path)


def main(argv):
    with open(argv[1], encoding='utf-8') as handle:
        config = json.load(handle)
    logging.basicConfig(level=logging.WARNING)  # aiosmtpd at DEBUG would log AUTH exchanges
    warnings.filterwarnings('ignore', message='Requiring AUTH while not requiring TLS')
    logging.getLogger('mail.log').setLevel(logging.ERROR)  # the same advice, logged once per SMTPS listener
    warnings.filterwarnings('ignore', message='.*login_data.*')
    owner = tuple(config['mail_owner']) if config.get('mail_owner') else None
    handler = Delivery(config['users'], config['mail_root'], owner)
    issuer = TokenIssuer(config['oauth']) if config.get('oauth') else None
    oauth_handler = XOAuth2Delivery(config['users'], config['mail_root'], owner, issuer) if issuer else None
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stopped.set())
    signal.signal(signal.SIGINT, lambda *args: stopped.set())
    try:
        hole = blackhole(config['ports']['blackhole'])
        controllers = build_controllers(config, handler, oauth_handler)
        for controller in controllers:
            controller.start()
        tokens = token_server(config['ports']['token'], issuer) if issuer else None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            sys.stderr.write('mail_stack.smtp_server: %s\n' % exc)
            return EXIT_PORT_TAKEN
        raise
    write_ready_file(config['ready_file'])
    while not stopped.wait(0.5):
        pass
    for controller in controllers:
        controller.stop()
    if tokens is not None:
        tokens.shutdown()
    hole.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
