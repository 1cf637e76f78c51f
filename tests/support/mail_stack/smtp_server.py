"""aiosmtpd servers of the mail stack, run as one background process.

    python -m mail_stack.smtp_server CONFIG.json

Listeners (all on 127.0.0.1):
  submission    STARTTLS required, AUTH required (after STARTTLS)
  smtps         implicit TLS, AUTH required
  plain         no STARTTLS, no AUTH (for "STARTTLS required but not offered")
  smtps_other   implicit TLS with a certificate for another name (host name mismatch)
  blackhole     accepts TCP connections (kernel backlog) and never says anything
Mail for a known user is delivered into that user's Maildir, which Dovecot serves over POP3.
"""

import errno
import json
import logging
import mailbox
import os
import signal
import socket
import ssl
import sys
import threading
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


def build_controllers(config, handler):
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
    ]


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
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stopped.set())
    signal.signal(signal.SIGINT, lambda *args: stopped.set())
    try:
        hole = blackhole(config['ports']['blackhole'])
        controllers = build_controllers(config, handler)
        for controller in controllers:
            controller.start()
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
    hole.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
