"""Shared helpers of the reliability suite: tricky secrets, leak scanning, an independent reader, checksums."""

import base64
import hashlib
import json
import os
import random
import secrets
import string
import subprocess
import tempfile
import urllib.parse

from liferay_sim.properties import (  # an independent reader: it never imports plugins/
    _logical_lines,
    _split_key_value,
    parse_properties,
    unescape_java,
)

MODULE = 'liferay_ops.mail.mail_settings'
INFO_MODULE = 'liferay_ops.mail.mail_settings_info'
CHECK_MODULE = 'liferay_ops.mail.mail_check'

# Characters that some layer escapes: properties (, \ = : # ${), JSON/YAML (\ " #), URLs, non-ASCII.
TRICKY_PIECES = [',', '\\', '=', ':', '#', '${', '!', '"', "'", ' ', '%', '&', '+', '/', '@',
                 u'\u00e9', u'\u00fc', u'\u20ac', u'\u65e5', u'\U0001f511']


def tricky_secret(label, rng=None, exclude=''):
    """A random secret: a unique hex core between escaped characters.

    The core is what leak scans look for (it survives every escaping, and URL-encoding, untouched);
    the special characters around it make each layer's escaping matter.
    """
    rng = rng or random.Random(secrets.randbits(64))
    pieces = [piece for piece in TRICKY_PIECES if not any(char in piece for char in exclude)]
    core = '%s%s' % (label, secrets.token_hex(8))
    chosen = rng.sample(pieces, 6)
    # Always one of each kind that the issue names, in random order around the core.
    must = [piece for piece in (',', '\\', '=', ':', '#', '${', u'\u00e9') if piece not in exclude]
    head = must[:len(must) // 2] + chosen[:3]
    tail = must[len(must) // 2:] + chosen[3:]
    while True:
        rng.shuffle(head)
        rng.shuffle(tail)
        value = ''.join(head).lstrip() + core + ''.join(tail).rstrip()
        # Playbooks template their arguments: keep clear of Jinja's {{, {% and {# markers.
        if not any(marker in value for marker in ('{{', '{%', '{#')):
            return Secret(value, core)


class Secret(str):
    """A secret string that knows its unique core."""

    def __new__(cls, value, core):
        obj = str.__new__(cls, value)
        obj.core = core
        return obj


def _b64_fragments(data):
    """Base64 text that any encoding of a blob containing ``data`` contains, at each of the 3 alignments."""
    fragments = set()
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b'\x00' * offset + data).decode('ascii').rstrip('=')
            start = 4 if offset else 0
            fragment = encoded[start:len(encoded) - 4]
            if len(fragment) >= 8:
                fragments.add(fragment)
    return fragments


def secret_forms(secret):
    """Every form a leak may take: raw, escaped (properties, Java, JSON, repr), URL-encoded, base64."""
    forms = {secret.core, str(secret)}
    forms.add(json.dumps(str(secret))[1:-1])
    forms.add(json.dumps(str(secret), ensure_ascii=False)[1:-1])
    forms.add(repr(str(secret))[1:-1])
    forms.add(urllib.parse.quote(str(secret), safe=''))
    forms.add(urllib.parse.quote_plus(str(secret)))
    for text in (str(secret), secret.core):
        data = text.encode('utf-8')
        forms |= _b64_fragments(data)
    return sorted(form for form in forms if form)


def find_leaks(text, secret_list, where):
    """[(where, secret core, form)] for every form of every secret found in ``text``."""
    hits = []
    for secret in secret_list:
        for form in secret_forms(secret):
            if form in text:
                hits.append((where, secret.core, form if form == secret.core else '<escaped/encoded form>'))
    return hits


def scan_tree(root, secret_list, allowed=()):
    """Leaks in every file under ``root`` except the ``allowed`` paths (files that legitimately hold them)."""
    allowed = set(os.path.realpath(path) for path in allowed)
    hits = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if os.path.realpath(path) in allowed or os.path.islink(path):
                continue
            try:
                with open(path, 'rb') as handle:
                    data = handle.read()
            except OSError:
                continue
            hits.extend(find_leaks(data.decode('utf-8', 'replace'), secret_list, path))
            hits.extend(find_leaks(data.decode('latin-1'), secret_list, path))
    return sorted(set(hits))


def isolated_env(root):
    """Environment for ansible-playbook whose every side file (home, temp, log, state) lives under ``root``."""
    env = {}
    for name in ('home', 'local-tmp', 'remote-tmp', 'ansible-home'):
        os.makedirs(os.path.join(root, name), exist_ok=True)
    env['HOME'] = os.path.join(root, 'home')
    env['ANSIBLE_LOCAL_TEMP'] = os.path.join(root, 'local-tmp')
    env['ANSIBLE_REMOTE_TEMP'] = os.path.join(root, 'remote-tmp')
    env['ANSIBLE_HOME'] = os.path.join(root, 'ansible-home')
    env['ANSIBLE_LOG_PATH'] = os.path.join(root, 'ansible.log')
    env['TMPDIR'] = os.path.join(root, 'local-tmp')
    return env


# -- an independent reader (the simulator's, which never imports plugins/) ------------------

def unescape_references(value):
    """commons-lang 2 StrSubstitutor with nothing resolvable: ``$${`` loses its ``$`` (closing brace or not).

    The simulator's own interpolation keeps ``$${`` when no ``}`` follows; StrSubstitutor removes the
    escape character as soon as it precedes ``${``, so that rule is written out here.
    """
    chars = list(value)
    pos = 0
    while pos < len(chars):
        if chars[pos] == '$' and pos + 1 < len(chars) and chars[pos + 1] == '{':
            if pos > 0 and chars[pos - 1] == '$':
                del chars[pos - 1]
                continue
            end = pos + 2
            while end < len(chars) and chars[end] != '}':
                end += 1
            if end >= len(chars):
                break
            pos = end + 1
            continue
        pos += 1
    return ''.join(chars)


def portal_values(text):
    """{key: value} of a properties text as the portal reads it (lists joined, single values interpolated).

    Parsing is the simulator's (it never imports plugins/); no reference resolves, as in the test files.
    """
    values = {}
    for key, pieces in parse_properties(text).items():
        values[key] = ','.join(pieces) if len(pieces) != 1 else unescape_references(pieces[0])
    return values


def portal_values_of(path):
    with open(str(path), 'rb') as handle:
        return portal_values(handle.read().decode('utf-8'))


def key_counts(text):
    """How many times each key is defined (one definition per logical line)."""
    counts = {}
    for line in _logical_lines(text):
        key = unescape_java(_split_key_value(line)[0], delimiter=None)
        counts[key] = counts.get(key, 0) + 1
    return counts


def sha256(path):
    with open(str(path), 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


# -- file systems for fault tests --------------------------------------------------------

def try_mount_tmpfs(directory, size='64k'):
    """Mount a small tmpfs; returns None on success, else why it could not be mounted."""
    proc = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%s,mode=0755' % size, 'tmpfs', str(directory)],
                          capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        return None
    return (proc.stderr or proc.stdout).strip() or 'mount exited %d' % proc.returncode


def mount_failure_is_permission(message):
    lowered = message.lower()
    return any(word in lowered for word in ('permission denied', 'not permitted', 'only root', 'must be superuser'))


def umount(directory):
    subprocess.run(['umount', '-l', str(directory)], capture_output=True, check=False)


def random_unrelated_lines(rng, count):
    """Unrelated portal properties with comments, continuations and odd spacing, as real files have."""
    lines = []
    for number in range(count):
        kind = number % 7
        word = ''.join(rng.choice(string.ascii_lowercase) for _letter in range(8))
        if kind == 0:
            lines.append('# comment %d about %s' % (number, word))
        elif kind == 1:
            lines.append('unrelated.%s.%d = value %d, with comma' % (word, number, number))
        elif kind == 2:
            lines.append('unrelated.%s.%d:%s' % (word, number, word))
        elif kind == 3:
            lines.append('unrelated.list.%d=a,\\\n    b,\\\n    c%d' % (number, number))
        elif kind == 4:
            lines.append('')
        elif kind == 5:
            lines.append(u'unrelated.utf8.%d=caf\u00e9 %s' % (number, word))
        else:
            lines.append('   unrelated.indented.%d   %s' % (number, word))
    return '\n'.join(lines) + '\n'


def make_tempdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)
