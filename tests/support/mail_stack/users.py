"""The users file: one ``name:password`` per line, ``#`` starts a comment."""

import os
import secrets

DEFAULT_USER = 'joe.bloggs'


def read_users(path):
    users = {}
    with open(path, encoding='utf-8') as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip('\r\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            name, sep, password = line.partition(':')
            if not sep or not name or not password:
                raise ValueError('%s line %d: expected name:password' % (path, number))
            if ':' in password:
                # dovecot's passwd-file cannot hold a colon in a password
                raise ValueError('%s line %d: the password of %s contains ":", which Dovecot cannot store'
                                 % (path, number, name))
            users[name] = password
    return users


def default_users_file(path):
    """Create a users file with joe.bloggs and a random password, unless it exists."""
    if not os.path.exists(path):
        # punctuation on purpose: it must survive SMTP AUTH, POP3 PASS and YAML quoting
        password = 'Pw-' + secrets.token_urlsafe(12) + '!$%'
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write('# name:password, used by Dovecot and aiosmtpd\n%s:%s\n' % (DEFAULT_USER, password))
        os.chmod(path, 0o600)
    return path
