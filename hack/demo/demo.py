# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small steps of `make demo` that are easier in Python than in bash (run by hack/demo.sh).

    demo.py inventory STACK_JSON SIM_URL LIFERAY_HOME OUT   write the demo inventory
    demo.py servers STACK_JSON                              say which mail servers run
    demo.py mailboxes STACK_JSON                            SMTP-only stack: make its Maildir parents
    demo.py session SIM_URL                                 the mail session the portal uses now
    demo.py mail STACK_JSON SIM_URL                         portal sends a test mail; fetch it
    demo.py recap LOG                                       the PLAY RECAP of a run, checked for changed=0

Passwords are never printed.
"""

import email
import email.policy
import json
import mailbox
import os
import poplib
import ssl
import sys
import time
import urllib.request
import uuid

import yaml

HOST = 'liferay-node-1'
# The portal sends as the demo user; the mail stack delivers <user>@anything to that user's mailbox.
RECIPIENT_DOMAIN = 'example.test'
SESSION_KEYS = ('mail.transport.protocol', 'mail.smtp.host', 'mail.smtp.port', 'mail.smtp.starttls.enable',
                'mail.smtp.auth', 'mail.smtp.user', 'mail.smtp.password', 'mail.store.protocol',
                'mail.pop3s.host', 'mail.pop3s.port')


def load_stack(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def stack_user(stack):
    user = stack['default_user']
    return user, stack['users'][user]


def write_inventory(stack_json, sim_url, liferay_home, out):
    stack = load_stack(stack_json)
    user, password = stack_user(stack)
    host_vars = {
        'ansible_connection': 'local',
        'ansible_python_interpreter': '{{ ansible_playbook_python }}',
        'mail_session_backend': 'properties',
        'mail_session_liferay_home': liferay_home,
        'mail_session_smtp': {'host': '127.0.0.1', 'port': stack['smtp']['submission'], 'security': 'starttls',
                              'user': user, 'password': password},
        'mail_session_javamail_properties': {'mail.smtp.connectiontimeout': 10000},
        # The mail servers' certificates come from the demo's private CA.
        'mail_session_ca_path': stack['ca'],
        'mail_session_portal_url': sim_url,
        # A real node restarts its service; the simulated one re-reads its files on this POST.
        'mail_session_restart_command': (
            '{{ ansible_playbook_python }} -c "import urllib.request; urllib.request.urlopen('
            "urllib.request.Request('%s/sim/restart', method='POST'), timeout=30)\"" % sim_url),
        'mail_session_restart_timeout': 60,
    }
    if stack['pop']:
        host_vars['mail_session_pop'] = {'host': '127.0.0.1', 'port': stack['pop']['pop3s'], 'security': 'ssl',
                                         'user': user, 'password': password}
    header = ('# The demo portal node. A real inventory keeps the passwords in Ansible Vault;\n'
              '# this one is thrown away when the demo ends.\n')
    with open(out, 'w', encoding='utf-8') as handle:
        handle.write(header + yaml.safe_dump({'portal': {'hosts': {HOST: host_vars}}}, sort_keys=False))
    os.chmod(out, 0o600)


def servers(stack_json):
    stack = load_stack(stack_json)
    print('  SMTP  127.0.0.1:%d  STARTTLS + login (aiosmtpd)' % stack['smtp']['submission'])
    if stack['pop']:
        print('  POP3S 127.0.0.1:%d  implicit TLS (Dovecot)' % stack['pop']['pop3s'])
    else:
        print('  POP3  not running (%s): the demo shows the SMTP side only' % stack['pop_reason'])
    print('  user  %s, certificates from a throw-away CA' % stack['default_user'])


def mailboxes(stack_json):
    # Without Dovecot the SMTP side delivers into MAIL_ROOT/<user>/Maildir but creates only the
    # last directory of that path.
    stack = load_stack(stack_json)
    if not stack['pop']:
        for user in stack['users']:
            os.makedirs(os.path.join(stack['mail_root'], user), exist_ok=True)


def get_json(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method='POST' if data else 'GET',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def session(sim_url):
    found = get_json(sim_url + '/sim/mail-session?webId=liferay.com')
    properties, sources = found['properties'], found['sources']
    for key in SESSION_KEYS:
        if key in properties:
            print('  %-26s %-14s (from %s)' % (key, properties[key], sources.get(key, '?')))


def fetch_pop3s(stack, subject):
    user, password = stack_user(stack)
    context = ssl.create_default_context(cafile=stack['ca'])
    pop = poplib.POP3_SSL('127.0.0.1', stack['pop']['pop3s'], context=context, timeout=10)
    try:
        pop.user(user)
        pop.pass_(password)
        for number in range(len(pop.list()[1]), 0, -1):
            message = email.message_from_bytes(b'\r\n'.join(pop.retr(number)[1]), policy=email.policy.default)
            if message['Subject'] == subject:
                return message
    finally:
        pop.quit()
    return None


def fetch_maildir(stack, subject):
    user = stack['default_user']
    folder = os.path.join(stack['mail_root'], user, 'Maildir')
    if not os.path.isdir(folder):
        return None
    for message in mailbox.Maildir(folder, factory=None):
        if message['Subject'] == subject:
            return message
    return None


def mail(stack_json, sim_url):
    stack = load_stack(stack_json)
    user = stack['default_user']
    subject = 'Hello from the demo portal (%s)' % uuid.uuid4().hex[:6]
    sent = get_json(sim_url + '/sim/send-test-mail', {'webId': 'liferay.com', 'to': '%s@%s' % (user, RECIPIENT_DOMAIN),
                                                      'subject': subject, 'from': 'portal@%s' % RECIPIENT_DOMAIN})
    if not sent.get('sent'):
        print('  the portal could not send (%s): %s' % (sent.get('engine'), sent.get('error')))
        return 1
    engine = 'the real JavaMail' if sent.get('engine') == 'javamail' else \
        "Python's smtplib (%s)" % sent.get('engineReason')
    print('  the portal sent "%s" through its SMTP session, with %s in %.1f s' % (subject, engine, sent.get('seconds', 0)))
    where = 'fetched over POP3S from Dovecot' if stack['pop'] else "found in the SMTP server's Maildir"
    fetch = fetch_pop3s if stack['pop'] else fetch_maildir
    deadline = time.monotonic() + 10
    message = fetch(stack, subject)
    while message is None and time.monotonic() < deadline:
        time.sleep(0.2)
        message = fetch(stack, subject)
    if message is None:
        print('  the message did not arrive within 10 s')
        return 1
    print('  %s:' % where)
    for header in ('From', 'To', 'Subject', 'Date'):
        print('    %-8s %s' % (header + ':', message[header]))
    return 0


def recap(log):
    with open(log, encoding='utf-8') as handle:
        lines = [line.rstrip() for line in handle if ' : ok=' in line]
    for line in lines:
        print('  ' + ' '.join(line.split()))
    unchanged = lines and all(' changed=0 ' in ' '.join(line.split()) + ' ' for line in lines)
    return 0 if unchanged else 1


def main(argv):
    command, args = argv[1], argv[2:]
    if command == 'inventory':
        write_inventory(*args)
    elif command == 'servers':
        servers(*args)
    elif command == 'mailboxes':
        mailboxes(*args)
    elif command == 'session':
        session(*args)
    elif command == 'mail':
        return mail(*args)
    elif command == 'recap':
        return recap(*args)
    else:
        sys.exit('unknown step %s' % command)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
