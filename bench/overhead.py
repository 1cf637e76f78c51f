"""Per-node cost of mail_settings (properties backend) next to what Ansible itself costs and what people do today.

On N local hosts (each its own Liferay home, ansible_connection local, the managed-node interpreter
common.node_python()) one repetition runs, in a rotating order:

  ping         ansible.builtin.ping: the floor Ansible sets per host and task
  mail_settings liferay_ops.mail.mail_settings, one task (first run changes the file, second run changes nothing)
  lineinfile   one ansible.builtin.lineinfile task per managed key (the same keys and values)
  template     one ansible.builtin.template of a whole portal-ext.properties (loses unrelated content)

Before every first run each home gets the same starting portal-ext.properties back (outside the timing).
Each measurement is one ansible-playbook process, start-up included, as a user would see it.
"""

import os
import shutil

import common

# The keys and values mail_settings writes for common.SMTP / common.POP / common.JAVAMAIL
# (checked after each first run, so the three writers are compared on the same content).
MAIL_KEYS = [
    ('mail.session.mail', 'true'),
    ('mail.session.mail.smtp.host', common.SMTP['host']),
    ('mail.session.mail.smtp.port', str(common.SMTP['port'])),
    ('mail.session.mail.smtp.user', common.SMTP['user']),
    ('mail.session.mail.smtp.password', common.SMTP['password']),
    ('mail.session.mail.smtp.starttls.enable', 'true'),
    ('mail.session.mail.transport.protocol', 'smtp'),
    ('mail.session.mail.pop3.host', common.POP['host']),
    ('mail.session.mail.pop3.port', str(common.POP['port'])),
    ('mail.session.mail.pop3.user', common.POP['user']),
    ('mail.session.mail.pop3.password', common.POP['password']),
    ('mail.session.mail.store.protocol', 'pop3s'),
    ('pop.server.notifications.enabled', 'false'),
    ('mail.session.mail.advanced.properties',
     'mail.smtp.connectiontimeout\\=10000\\nmail.smtp.timeout\\=10000'),
]

# A plausible portal-ext.properties without mail settings: what every home starts from.
BASELINE = """\
# portal-ext.properties of a benchmark node
include-and-override=portal-developer.properties

jdbc.default.driverClassName=org.postgresql.Driver
jdbc.default.url=jdbc:postgresql://db.example.com:5432/lportal
jdbc.default.username=liferay
jdbc.default.password=not-a-real-password

liferay.home=/opt/liferay
web.server.protocol=https
company.default.web.id=liferay.com
company.default.home.url=/web/guest
admin.email.from.name=Portal Administrator
admin.email.from.address=noreply@example.com

cluster.link.enabled=true
ehcache.cluster.link.replication.enabled=true
dl.store.impl=com.liferay.portal.store.file.system.FileSystemStore
setup.wizard.enabled=false
terms.of.use.required=false
users.reminder.queries.enabled=false
"""

SIDES = ('ping', 'mail_settings', 'lineinfile', 'template')
CHANGING = ('mail_settings', 'lineinfile', 'template')
FORKS = 20


def _yaml_string(value):
    return "'%s'" % value.replace("'", "''")


def write_files(workdir, hosts):
    """Inventory, Liferay homes and the four playbooks; returns (inventory path, {side: playbook})."""
    homes = os.path.join(workdir, 'homes')
    os.makedirs(homes, exist_ok=True)
    lines = ['[nodes]']
    for index in range(hosts):
        name = 'node%03d' % index
        home = os.path.join(homes, name)
        os.makedirs(home, exist_ok=True)
        lines.append('%s liferay_home=%s' % (name, home))
    lines += ['', '[nodes:vars]', 'ansible_connection=local', 'ansible_python_interpreter=%s' % common.node_python(), '']
    inventory = os.path.join(workdir, 'inventory.ini')
    with open(inventory, 'w') as handle:
        handle.write('\n'.join(lines))

    head = '- hosts: nodes\n  gather_facts: false\n  tasks:\n'
    target = '"{{ liferay_home }}/portal-ext.properties"'
    playbooks = {}
    playbooks['ping'] = head + '    - ansible.builtin.ping:\n'
    playbooks['mail_settings'] = head + (
        '    - liferay_ops.mail.mail_settings:\n'
        '        liferay_home: "{{ liferay_home }}"\n'
        '        smtp: {host: %s, port: %d, security: %s, user: %s, password: %s}\n'
        '        pop: {host: %s, port: %d, security: %s, user: %s, password: %s}\n'
        '        javamail_properties: {%s}\n'
        % (common.SMTP['host'], common.SMTP['port'], common.SMTP['security'], common.SMTP['user'],
           common.SMTP['password'], common.POP['host'], common.POP['port'], common.POP['security'],
           common.POP['user'], common.POP['password'],
           ', '.join('%s: %s' % item for item in sorted(common.JAVAMAIL.items()))))
    tasks = []
    for key, value in MAIL_KEYS:
        tasks.append('    - ansible.builtin.lineinfile:\n'
                     '        path: %s\n'
                     '        regexp: %s\n'
                     '        line: %s\n'
                     '        create: true\n'
                     '        mode: "0600"\n'
                     % (target, _yaml_string('^' + key.replace('.', '\\.') + r'\s*[=:]'), _yaml_string(key + '=' + value)))
    playbooks['lineinfile'] = head + ''.join(tasks)
    template_src = os.path.join(workdir, 'portal-ext.properties.j2')
    with open(template_src, 'w') as handle:
        handle.write(BASELINE + '\n' + ''.join('%s=%s\n' % item for item in MAIL_KEYS))
    playbooks['template'] = head + (
        '    - ansible.builtin.template:\n'
        '        src: %s\n'
        '        dest: %s\n'
        '        mode: "0600"\n' % (template_src, target))
    paths = {}
    for side, text in playbooks.items():
        paths[side] = os.path.join(workdir, side + '.yml')
        with open(paths[side], 'w') as handle:
            handle.write(text)
    return inventory, paths, homes


def reset_homes(homes):
    for name in os.listdir(homes):
        path = os.path.join(homes, name, 'portal-ext.properties')
        with open(path, 'w') as handle:
            handle.write(BASELINE)
        os.chmod(path, 0o600)


def managed_values(homes):
    """The mail keys of the first home's file as written (raw text after '=')."""
    path = os.path.join(homes, sorted(os.listdir(homes))[0], 'portal-ext.properties')
    found = {}
    with open(path) as handle:
        for line in handle:
            key, sep, value = line.rstrip('\n').partition('=')
            if sep and key in dict(MAIL_KEYS):
                found[key] = value
    return found


def check_same_content(homes, side):
    found = managed_values(homes)
    expected = dict(MAIL_KEYS)
    if found != expected:
        differing = sorted(key for key in set(found) | set(expected) if found.get(key) != expected.get(key))
        raise RuntimeError('%s wrote different mail keys than expected: %s' % (side, ', '.join(differing)))


def measure(hosts, reps, log=print):
    """Timings for one N and ``reps`` = {side: repetitions}: {side: {'first': [s...], 'second': [s...]}}.

    ping has 'first' only. Repetition r runs, in an order that rotates with r, the sides that have
    more than r repetitions.
    """
    sides = tuple(side for side in SIDES if reps.get(side))
    workdir = common.scratch_dir('overhead-%d-' % hosts)
    try:
        inventory, playbooks, homes = write_files(workdir, hosts)
        reset_homes(homes)
        # one untimed warm-up, so the first timed run does not pay for cold caches
        common.run_playbook(workdir, inventory, playbooks['ping'], FORKS)
        times = dict((side, {'first': [], 'second': []}) for side in sides)
        del times['ping']['second']
        for rep in range(max(reps.values())):
            ran = [side for side in common.rotated(sides, rep) if reps[side] > rep]
            for side in ran:
                if side == 'ping':
                    wall, _changed, seen = common.run_playbook(workdir, inventory, playbooks['ping'], FORKS)
                    _check_hosts(side, seen, hosts)
                    times['ping']['first'].append(wall)
                    continue
                reset_homes(homes)
                wall, changed, seen = common.run_playbook(workdir, inventory, playbooks[side], FORKS)
                _check_hosts(side, seen, hosts)
                if changed < hosts:
                    raise RuntimeError('%s first run changed %d of %d hosts' % (side, changed, hosts))
                check_same_content(homes, side)
                times[side]['first'].append(wall)
                wall, changed, seen = common.run_playbook(workdir, inventory, playbooks[side], FORKS)
                if changed:
                    raise RuntimeError('%s second run reported %d changes' % (side, changed))
                times[side]['second'].append(wall)
            log('  overhead N=%d rep %d/%d: %s' % (hosts, rep + 1, max(reps.values()), ', '.join(
                '%s %.2fs/%s' % (side, times[side]['first'][-1],
                                 '%.2fs' % times[side]['second'][-1] if side != 'ping' else '-')
                for side in ran)))
        return times
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _check_hosts(side, seen, hosts):
    if seen != hosts:
        raise RuntimeError('%s: %d hosts in the recap, expected %d' % (side, seen, hosts))


def summarise(times):
    """Medians and the ratios the targets are stated in."""
    med = {}
    for side, runs in times.items():
        med[side] = dict((run, common.median(values)) for run, values in runs.items())
    ratios = {}
    for run in ('first', 'second'):
        ratios['mail_settings/ping ' + run] = common.ratio(med['mail_settings'][run], med['ping']['first'])
        if 'lineinfile' in med:
            ratios['lineinfile/mail_settings ' + run] = common.ratio(med['lineinfile'][run], med['mail_settings'][run])
        if 'template' in med:
            ratios['mail_settings/template ' + run] = common.ratio(med['mail_settings'][run], med['template'][run])
    return med, ratios
