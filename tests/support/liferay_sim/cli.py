"""Command line: liferay-sim --home DIR --port PORT [options]; runs until SIGTERM/SIGINT."""

import argparse
import ipaddress
import logging
import os
import signal
import sys
import tempfile
import threading

from .portal import GENERATIONS, Portal
from .server import SimServer

LOG = logging.getLogger("liferay_sim")


def _loopback(value):
    try:
        if ipaddress.ip_address(value).is_loopback:
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("%s is not a loopback address (the simulator binds loopback only)" % value)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="liferay-sim", description="Simulated Liferay portal for tests.")
    parser.add_argument("--home", required=True, help="Liferay home (portal-ext.properties, osgi/configs, data)")
    parser.add_argument("--port", type=int, required=True, help="TCP port, 0 picks a free one")
    parser.add_argument("--bind", type=_loopback, default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--ready-file", help="write the base URL here once requests are accepted")
    parser.add_argument("--liferay", choices=GENERATIONS, default="7.4", help="Liferay generation to simulate")
    parser.add_argument("--instances", default="liferay.com",
                        help="comma-separated virtual instance web ids; the first is the default instance")
    parser.add_argument("--env-file", help="Docker env-file with LIFERAY_* variables (wins over the process "
                                           "environment, as --env-file wins over image ENV)")
    parser.add_argument("--users-file", help="JSON list of {emailAddress, password, adminOf: [webId...]}")
    parser.add_argument("--state-dir", help="where the preferences store lives (default HOME/data)")
    parser.add_argument("--ca-file", help="CA bundle the portal's JavaMail trusts (default: system store)")
    parser.add_argument("--startup-delay", type=float, default=0.0,
                        help="seconds during which portal URLs answer 503 (after start and /sim/restart)")
    parser.add_argument("--serialize-throwable", action="store_true",
                        help="json.service.serialize.throwable=true: error bodies describe the exception")
    parser.add_argument("--mail-engine", choices=("auto", "javamail", "python"), default="auto",
                        help="who sends /sim/send-test-mail: the real JavaMail in a JVM (auto: when a JDK and "
                             "javax.mail.jar exist) or Python's smtplib")
    parser.add_argument("--system-property", action="append", default=[], metavar="KEY=VALUE",
                        help="a JVM system property, as -DKEY=VALUE: what ${KEY} in an osgi/configs .config file "
                             "becomes (repeatable)")
    parser.add_argument("--jndi-mail-session", action="append", default=[], metavar="NAME=HOST:PORT",
                        help="a javax.mail.Session the application server binds under NAME in JNDI (plain SMTP to "
                             "HOST:PORT, no login), for mail.session.jndi.name / jndiName (repeatable)")
    parser.add_argument("--osgi-poll-interval", type=float, default=0.5, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _system_properties(options):
    properties = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key:
            sys.exit("liferay-sim: --system-property needs KEY=VALUE, got %r" % option.split("=")[0])
        properties[key] = value
    return properties


def _jndi_sessions(options):
    sessions = {}
    for option in options:
        name, sep, address = option.partition("=")
        host, colon, port = address.rpartition(":")
        if not sep or not name or not colon or not port.isdigit():
            sys.exit("liferay-sim: --jndi-mail-session needs NAME=HOST:PORT, got %r" % option)
        sessions[name] = {"mail.transport.protocol": "smtp", "mail.smtp.host": host, "mail.smtp.port": port}
    return sessions


def _write_ready_file(path, url):
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".liferay-sim-ready.", dir=directory)
    with os.fdopen(fd, "w") as handle:
        handle.write(url)
    os.replace(temp, path)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s liferay-sim %(levelname)s %(name)s: %(message)s")
    instances = [w.strip() for w in args.instances.split(",") if w.strip()]
    if not instances or len(set(instances)) != len(instances):
        sys.exit("liferay-sim: --instances needs distinct web ids")
    os.makedirs(args.home, exist_ok=True)
    portal = Portal(args.home, generation=args.liferay, instances=instances, state_dir=args.state_dir,
                    env_file=args.env_file, users_file=args.users_file, ca_file=args.ca_file,
                    serialize_throwable=args.serialize_throwable, startup_delay=args.startup_delay,
                    osgi_interval=args.osgi_poll_interval, mail_engine=args.mail_engine,
                    system_properties=_system_properties(args.system_property),
                    jndi_sessions=_jndi_sessions(args.jndi_mail_session))
    server = SimServer((args.bind, args.port), portal)
    stop = threading.Event()

    def request_stop(signum, _frame):
        LOG.info("Received signal %d, stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    portal.start()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    host = args.bind if ":" not in args.bind else "[%s]" % args.bind
    url = "http://%s:%d" % (host, server.server_address[1])
    if args.ready_file:
        _write_ready_file(args.ready_file, url)
    LOG.info("Liferay %s simulator listening on %s (home %s, instances %s)", args.liferay, url, portal.home,
             ", ".join("%s=%d" % (c.web_id, c.company_id) for c in portal.companies))
    stop.wait()  # lock waits are interrupted by signals on POSIX, so the handler wakes this at once
    server.stopping.set()
    server.shutdown()
    server.server_close()
    portal.stop()
    LOG.info("Stopped")
    return 0
