"""A table of bad inputs across every module, run as ONE ansible-playbook (ignore_errors, one task per case).

Each case must fail with a message naming the option, and leave its own file (and the simulator's
preferences) byte for byte as they were.
"""

import hashlib
import json
import os

import pytest
import requests

from playbook import run_playbook, write_playbook
from reliability_helpers import CHECK_MODULE, INFO_MODULE, MODULE, sha256
from sim_fixtures import ADMIN, DEFAULT_COMPANY_ID

BASE_FILE = (
    u'# portal-ext.properties of a running portal\n'
    u'jdbc.default.password=db-secret\n'
    u'mail.session.mail=true\n'
    u'mail.session.mail.smtp.host=old.example.com\n'
    u'mail.session.mail.smtp.password=old\\,secret\n'
    u'company.default.name=Caf\u00e9\n'
)
SMTP = dict(host='smtp.example.com', port=587, security='starttls', user='portal@example.com', password='s3cret')
OSGI_PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
OSGI_FILE = OSGI_PID + '.config'
OSGI_TEXT = u'outgoingSMTPServer="old.example.com"\nsmtpPassword="old-secret"\n'
ENV_TEXT = (u'# env file of the portal container\n'
            u'LIFERAY_JVM_OPTS=-Xmx2g\n'
            u'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=old.example.com\n'
            u'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PASSWORD=old\\\\\\,secret\n')
# Existing .config files that Felix would misread: an unclosed quote, a port typed as an int that is no number.
OSGI_BROKEN = {
    'osgi_malformed': u'outgoingSMTPServer="old.example.com"\nsmtpPassword="old-secret\nsmtpUserName="old"\n',
    'osgi_bad_type': u'outgoingSMTPServer="old.example.com"\noutgoingSMTPPort=I"five"\n',
}


def smtp(**changes):
    server = dict(SMTP)
    server.update(changes)
    return dict((key, value) for key, value in server.items() if value is not None)


# (case id, module, args, words of which one must be in the message, file kind)
# file kind: 'props' -> args get path=<own copy of BASE_FILE>; a callable -> builds the file;
# 'osgi' -> a Liferay home with an existing .config; 'api' -> connection to the simulator; None -> nothing.
CASES = [
    ('smtp_port_zero', MODULE, dict(smtp=smtp(port=0)), ['smtp.port'], 'props'),
    ('smtp_port_too_big', MODULE, dict(smtp=smtp(port=70000)), ['smtp.port'], 'props'),
    ('smtp_port_negative', MODULE, dict(smtp=smtp(port=-25)), ['smtp.port'], 'props'),
    ('smtp_port_text', MODULE, dict(smtp=smtp(port='submission')), ['port'], 'props'),
    ('smtp_port_bool', MODULE, dict(smtp=smtp(port=True)), ['port'], 'props'),
    ('pop_port_too_big', MODULE, dict(smtp=smtp(), pop=dict(host='pop.example.com', port=99999)), ['pop.port'], 'props'),
    ('smtp_host_space', MODULE, dict(smtp=smtp(host='smtp example.com')), ['smtp.host'], 'props'),
    ('smtp_host_newline', MODULE, dict(smtp=smtp(host='smtp.example.com\nmail.session.mail=false')), ['smtp.host'], 'props'),
    ('smtp_host_control', MODULE, dict(smtp=smtp(host='smtp\x07.example.com')), ['smtp.host'], 'props'),
    ('smtp_host_empty', MODULE, dict(smtp=smtp(host='')), ['smtp.host'], 'props'),
    ('smtp_host_url', MODULE, dict(smtp=smtp(host='smtp://smtp.example.com:587')), ['smtp.host'], 'props'),
    ('smtp_host_leading_space', MODULE, dict(smtp=smtp(host=' smtp.example.com')), ['smtp.host'], 'props'),
    ('smtp_host_huge', MODULE, dict(smtp=smtp(host='a' * 10000 + '.example.com')), ['smtp.host'], 'props'),
    ('pop_host_tab', MODULE, dict(smtp=smtp(), pop=dict(host='pop.example.com\t')), ['pop.host'], 'props'),
    ('smtp_security_unknown', MODULE, dict(smtp=smtp(security='tls')), ['security'], 'props'),
    ('pop_security_starttls', MODULE, dict(smtp=smtp(), pop=dict(host='pop.example.com', security='starttls')),
     ['security'], 'props'),
    ('smtp_user_without_password', MODULE, dict(smtp=smtp(password=None)), ['password'], 'props'),
    ('smtp_password_without_user', MODULE, dict(smtp=smtp(user=None)), ['user'], 'props'),
    ('smtp_user_empty_password_set', MODULE, dict(smtp=smtp(user='')), ['smtp.user'], 'props'),
    ('smtp_user_newline', MODULE, dict(smtp=smtp(user='portal@example.com\n')), ['smtp.user'], 'props'),
    ('smtp_user_padded', MODULE, dict(smtp=smtp(user=' portal@example.com')), ['smtp.user'], 'props'),
    ('smtp_password_newline', MODULE, dict(smtp=smtp(password='s3cret\n')), ['smtp.password'], 'props'),
    ('smtp_password_nul', MODULE, dict(smtp=smtp(password='s3\x00cret')), ['smtp.password'], 'props'),
    ('smtp_password_comma_padded', MODULE, dict(smtp=smtp(password=' s3,cret')), ['smtp.password'], 'props'),
    ('smtp_missing', MODULE, dict(), ['smtp'], 'props'),
    # ansible-core's own type check says "dictionary requested" without the option's name.
    ('smtp_not_a_dict', MODULE, dict(smtp='smtp.example.com'), ['smtp', 'dictionary requested'], 'props'),
    ('smtp_unknown_suboption', MODULE, dict(smtp=smtp(hostname='x')), ['hostname'], 'props'),
    ('javamail_key_newline', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp.timeout\nmail.debug': 1}),
     ['javamail_properties'], 'props'),
    ('javamail_key_space', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp timeout': 1}),
     ['javamail_properties'], 'props'),
    ('javamail_key_huge', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp.' + 'x' * 5000 + '=': 1}),
     ['javamail_properties'], 'props'),
    ('javamail_value_newline', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp.from': 'a@b\nmail.debug=true'}),
     ['javamail_properties.mail.smtp.from'], 'props'),
    ('javamail_value_list', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp.timeout': [1, 2]}),
     ['javamail_properties.mail.smtp.timeout'], 'props'),
    ('javamail_value_dict', MODULE, dict(smtp=smtp(), javamail_properties={'mail.smtp.timeout': {'a': 1}}),
     ['javamail_properties.mail.smtp.timeout'], 'props'),
    ('javamail_not_a_dict', MODULE, dict(smtp=smtp(), javamail_properties=['mail.smtp.timeout=1']),
     ['javamail_properties'], 'props'),
    ('backend_unknown', MODULE, dict(smtp=smtp(), backend='ldap'), ['backend'], 'props'),
    ('state_unknown', MODULE, dict(smtp=smtp(), state='gone'), ['state'], 'props'),
    ('update_password_unknown', MODULE, dict(smtp=smtp(), update_password='never'), ['update_password'], 'props'),
    ('backup_not_bool', MODULE, dict(smtp=smtp(), backup='perhaps'), ['backup'], 'props'),
    ('mode_invalid', MODULE, dict(smtp=smtp(), mode='rw-everyone'), ['mode'], 'props'),
    ('owner_unknown', MODULE, dict(smtp=smtp(), owner='no-such-user-liferay-ops'), ['owner', 'chown'], 'props'),
    ('properties_no_path', MODULE, dict(smtp=smtp()), ['path'], None),
    ('path_is_directory', MODULE, dict(smtp=smtp()), ['path'], 'directory'),
    ('path_missing_directory', MODULE, dict(smtp=smtp()), ['path'], 'missing_dir'),
    ('existing_file_latin1', MODULE, dict(smtp=smtp()), ['path'], 'latin1'),
    ('existing_file_binary', MODULE, dict(smtp=smtp()), ['path'], 'binary'),
    ('existing_file_bad_unicode_escape', MODULE, dict(smtp=smtp()), ['path'], 'bad_escape'),
    ('api_options_missing', MODULE, dict(smtp=smtp(), backend='api'), ['portal_url'], None),
    ('api_password_missing', MODULE, dict(smtp=smtp(), backend='api', portal_url='http://127.0.0.1:9',
                                          api_user='test@liferay.com'), ['api_password'], None),
    ('portal_url_ftp', MODULE, dict(smtp=smtp(), backend='api', portal_url='ftp://127.0.0.1/',
                                    api_user='a', api_password='b'), ['portal_url'], 'state'),
    ('portal_url_not_url', MODULE, dict(smtp=smtp(), backend='api', portal_url='portal example com',
                                        api_user='a', api_password='b'), ['portal_url'], 'state'),
    ('portal_url_no_host', MODULE, dict(smtp=smtp(), backend='api', portal_url='http://',
                                        api_user='a', api_password='b'), ['portal_url'], 'state'),
    ('company_id_and_web_id', MODULE, dict(smtp=smtp(), company_id=20097, company_web_id='liferay.com'),
     ['company_id'], 'api'),
    ('api_timeout_zero', MODULE, dict(smtp=smtp(), timeout=0), ['timeout'], 'api'),
    ('api_unknown_web_id', MODULE, dict(smtp=smtp(), company_web_id='no-such.example'),
     ['company_web_id', 'no-such.example'], 'api'),
    ('api_wrong_password', MODULE, dict(smtp=smtp(), api_password='wrong-password'), ['api_user', 'api_password'], 'api'),
    ('api_state_file_foreign', MODULE, dict(smtp=smtp()), ['state_file'], 'api_foreign_state'),
    ('api_state_file_directory', MODULE, dict(smtp=smtp()), ['state_file'], 'api_state_dir'),
    ('osgi_on_7_4', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='7.4'), ['liferay_version'], 'osgi'),
    ('osgi_web_id_path', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4',
                                      company_web_id='../../etc'), ['company_web_id'], 'osgi'),
    ('osgi_no_dir', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4'),
     ['osgi_configs_dir'], None),
    ('osgi_on_7_4_configs_dir', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='7.4'),
     ['liferay_version'], 'osgi_configs_only'),
    ('osgi_configs_dir_missing', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4'),
     ['osgi_configs_dir'], 'osgi_missing'),
    ('osgi_configs_dir_is_a_file', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4'),
     ['osgi_configs_dir'], 'osgi_configs_file'),
    ('osgi_malformed_config', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4'),
     ['osgi_configs_dir'], 'osgi_malformed'),
    ('osgi_config_bad_type', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4'),
     ['osgi_configs_dir'], 'osgi_bad_type'),
    ('osgi_version_undetectable', MODULE, dict(smtp=smtp(), backend='osgi_config'), ['liferay_version'],
     'osgi_empty'),
    ('osgi_scoped_file_of_other_company', MODULE, dict(smtp=smtp(), backend='osgi_config', liferay_version='2025.q4',
                                                       company_web_id='liferay.com', company_id=DEFAULT_COMPANY_ID),
     ['company_web_id'], 'osgi_other_company'),
    # InterpolationUtil._unescape would drop the backslash of "$\{q}" (docs/liferay-model.md §6). Two scoped
    # files for one company are no longer a bad input: the most recently updated one is edited, with a warning.
    ('osgi_password_liferay_reads_differently', MODULE, dict(smtp=smtp(password='S3cret$\\{q}'),
                                                             backend='osgi_config', liferay_version='2025.q4'),
     ['smtp.password'], 'osgi'),
    ('env_no_env_file', MODULE, dict(smtp=smtp(), backend='env_file'), ['env_file'], None),
    ('env_javamail_two_entries', MODULE, dict(smtp=smtp(), backend='env_file',
                                              javamail_properties={'mail.smtp.timeout': 1,
                                                                   'mail.smtp.connectiontimeout': 2}),
     ['javamail_properties'], 'env'),
    ('env_password_comma_padded', MODULE, dict(smtp=smtp(password=' s3,cret'), backend='env_file'),
     ['smtp.password'], 'env'),
    ('env_pop_password_comma_trailing_space', MODULE, dict(smtp=smtp(), backend='env_file',
                                                           pop=dict(host='pop.example.com', user='portal',
                                                                    password='p0p,secret ')),
     ['pop.password'], 'env'),
    ('env_javamail_value_comma_padded', MODULE, dict(smtp=smtp(), backend='env_file',
                                                     javamail_properties={'mail.smtp.from': 'a@x.org, '}),
     ['javamail_properties'], 'env'),
    ('env_file_is_directory', MODULE, dict(smtp=smtp(), backend='env_file'), ['env_file'], 'env_dir'),
    ('env_file_missing_directory', MODULE, dict(smtp=smtp(), backend='env_file'), ['env_file'], 'env_missing_dir'),
    ('env_file_not_utf8', MODULE, dict(smtp=smtp(), backend='env_file'), ['env_file'], 'env_binary'),
    ('info_no_source', INFO_MODULE, dict(), ['liferay_home', 'path'], None),
    ('info_company_without_portal', INFO_MODULE, dict(path='/nonexistent/p.properties', company_id=1),
     ['portal_url'], None),
    ('info_path_directory', INFO_MODULE, dict(), ['path'], 'info_directory'),
    ('info_env_file_binary', INFO_MODULE, dict(), ['env_file'], 'info_env_binary'),
    ('check_no_server', CHECK_MODULE, dict(), ['smtp', 'pop'], None),
    ('check_checks_empty', CHECK_MODULE, dict(smtp=smtp(), checks=[]), ['checks'], None),
    ('check_checks_gap', CHECK_MODULE, dict(smtp=smtp(), checks=['dns', 'login']), ['checks'], None),
    ('check_checks_unknown', CHECK_MODULE, dict(smtp=smtp(), checks=['dns', 'smoke']), ['checks'], None),
    ('check_checks_not_list', CHECK_MODULE, dict(smtp=smtp(), checks={'dns': True}), ['checks'], None),
    ('check_timeout_zero', CHECK_MODULE, dict(smtp=smtp(), timeout=0), ['timeout'], None),
    ('check_probe_without_login', CHECK_MODULE, dict(smtp=smtp(), checks=['dns', 'tcp'],
                                                     rcpt_probe={'from': 'a@example.com', 'to': 'b@example.com'}),
     ['rcpt_probe'], None),
    ('check_probe_and_message', CHECK_MODULE, dict(smtp=smtp(), rcpt_probe={'from': 'a@x.org', 'to': 'b@x.org'},
                                                   test_message={'from': 'a@x.org', 'to': 'b@x.org'}),
     ['rcpt_probe', 'test_message'], None),
    ('check_message_without_to', CHECK_MODULE, dict(smtp=smtp(), test_message={'from': 'a@x.org'}), ['to'], None),
    ('check_host_newline', CHECK_MODULE, dict(smtp=smtp(host='127.0.0.1\n')), ['smtp.host'], None),
]

LANES = 3

# Bugs the table found; each stays a strict xfail until plugins/ is fixed.
KNOWN_BUGS = {
}


def _prepare(case_dir, kind, args, sim):
    """Build the case's files; returns the paths whose bytes must not change."""
    os.makedirs(case_dir)
    watched = []
    props = os.path.join(case_dir, 'portal-ext.properties')
    if kind == 'props':
        with open(props, 'w', encoding='utf-8') as handle:
            handle.write(BASE_FILE)
        args.setdefault('path', props)
        watched.append(props)
    elif kind == 'directory':
        os.makedirs(props)
        args['path'] = props
    elif kind == 'missing_dir':
        args['path'] = os.path.join(case_dir, 'no-such-home', 'portal-ext.properties')
    elif kind in ('latin1', 'binary', 'bad_escape'):
        data = {'latin1': BASE_FILE.encode('latin-1'),
                'binary': b'\x00\xff\xfe\x89PNG\r\n\x1a\n' + os.urandom(256),
                'bad_escape': b'mail.session.mail.smtp.host=smtp\\u00zz.example.com\n'}[kind]
        with open(props, 'wb') as handle:
            handle.write(data)
        args['path'] = props
        watched.append(props)
    elif kind in ('api', 'api_foreign_state', 'api_state_dir', 'state'):
        state = os.path.join(case_dir, 'state.json')
        if kind == 'api_foreign_state':
            with open(state, 'w') as handle:
                handle.write('{"not": "ours"}\n')
            watched.append(state)
        elif kind == 'api_state_dir':
            os.makedirs(state)
        args.setdefault('state_file', state)
        if kind != 'state':
            args.setdefault('backend', 'api')
            args.setdefault('portal_url', sim.url)
            args.setdefault('api_user', ADMIN[0])
            args.setdefault('api_password', ADMIN[1])
    elif kind == 'osgi':
        configs = os.path.join(case_dir, 'home', 'osgi', 'configs')
        os.makedirs(configs)
        with open(os.path.join(configs, OSGI_FILE), 'w') as handle:
            handle.write(OSGI_TEXT)
        args['liferay_home'] = os.path.join(case_dir, 'home')
        watched.append(os.path.join(configs, OSGI_FILE))
    elif kind in ('osgi_configs_only', 'osgi_missing', 'osgi_configs_file', 'osgi_empty', 'osgi_other_company',
                  'osgi_two_scoped') or kind in OSGI_BROKEN:
        watched.extend(_prepare_osgi(case_dir, kind, args))
    elif kind in ('env', 'env_dir', 'env_missing_dir', 'env_binary'):
        env_file = os.path.join(case_dir, 'liferay-mail.env')
        if kind == 'env':
            with open(env_file, 'w', encoding='utf-8') as handle:
                handle.write(ENV_TEXT)
        elif kind == 'env_dir':
            os.makedirs(env_file)
        elif kind == 'env_missing_dir':
            env_file = os.path.join(case_dir, 'no-such-dir', 'liferay-mail.env')
        else:
            with open(env_file, 'wb') as handle:
                handle.write(ENV_TEXT.encode('utf-8').replace(b'old.example.com', b'old.ex\xe4mple.com'))
        args['env_file'] = env_file
        if kind in ('env', 'env_binary'):
            watched.append(env_file)
    elif kind == 'info_directory':
        os.makedirs(props)
        args['path'] = props
    elif kind == 'info_env_binary':
        env_file = os.path.join(case_dir, 'liferay.env')
        with open(env_file, 'wb') as handle:
            handle.write(b'LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL=\xff\xfe\n')
        args['env_file'] = env_file
        watched.append(env_file)
    return watched


def _prepare_osgi(case_dir, kind, args):
    """An osgi/configs directory for one case; returns the files that must not change."""
    configs = os.path.join(case_dir, 'osgi', 'configs')
    files = {}
    if kind == 'osgi_missing':
        # Neither the directory nor its parent exist: nothing may be created.
        args['osgi_configs_dir'] = os.path.join(case_dir, 'no-such-home', 'osgi', 'configs')
        return []
    if kind == 'osgi_configs_file':
        os.makedirs(os.path.dirname(configs))
        files[configs] = OSGI_TEXT
    else:
        os.makedirs(configs)
    if kind == 'osgi_configs_only':
        files[os.path.join(configs, OSGI_FILE)] = OSGI_TEXT
    elif kind in OSGI_BROKEN:
        files[os.path.join(configs, OSGI_FILE)] = OSGI_BROKEN[kind]
    elif kind == 'osgi_other_company':
        files[os.path.join(configs, OSGI_PID + '.scoped~liferay.com.config')] = u'companyId=L"1"\n' + OSGI_TEXT
    elif kind == 'osgi_two_scoped':
        for name in ('liferay.com', 'exported'):
            files[os.path.join(configs, '%s.scoped~%s.config' % (OSGI_PID, name))] = (
                u'companyId=L"%d"\n' % DEFAULT_COMPANY_ID + OSGI_TEXT)
    for path, text in files.items():
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
    args['osgi_configs_dir'] = configs
    return sorted(files)


def _tree_listing(root):
    return sorted(os.path.relpath(os.path.join(d, name), root) for d, _dirs, files in os.walk(root) for name in files)


def _preferences_digest(sim):
    stored = {}
    for company in (0, DEFAULT_COMPANY_ID):
        response = requests.get(sim.url + '/sim/preferences', params={'companyId': company, 'secrets': '1'}, timeout=30)
        assert response.status_code == 200, response.text
        stored[company] = response.json()['preferences']
    return hashlib.sha256(json.dumps(stored, sort_keys=True).encode('utf-8')).hexdigest()


@pytest.fixture(scope='module')
def table(liferay_sim_module, tmp_path_factory):
    sim = liferay_sim_module()
    root = str(tmp_path_factory.mktemp('bad-inputs'))
    tasks = []
    watched = {}
    for number, (case_id, module, args, _words, kind) in enumerate(CASES):
        args = json.loads(json.dumps(args))
        watched[case_id] = dict((path, sha256(path)) for path in _prepare(os.path.join(root, case_id), kind, args, sim))
        # Cases are dealt out to a few local "hosts" that run side by side (strategy free):
        # still one ansible-playbook process, a fraction of the wall time.
        tasks.append({'name': case_id, module: args, 'ignore_errors': True, 'register': case_id,
                      'when': "inventory_hostname == 'case%d'" % (number % LANES)})
    listing_before = _tree_listing(root)
    prefs_before = _preferences_digest(sim)
    sim.reset_requests()
    playbook = write_playbook(root, tasks, name='bad-inputs.yml', hosts='all', strategy='free')
    inventory = os.path.join(root, 'inventory.ini')
    with open(inventory, 'w') as handle:
        handle.write(''.join('case%d ansible_connection=local\n' % lane for lane in range(LANES)))
    listing_before.append('inventory.ini')
    run = run_playbook(playbook, inventory=inventory, timeout=900,
                       env={'ANSIBLE_PIPELINING': '1', 'ANSIBLE_FORKS': str(LANES)})
    results = dict((result['_task'], result) for result in run.task_results() if result['_status'] != 'skipped')
    return dict(run=run, results=results, watched=watched, root=root, listing_before=listing_before,
                prefs_before=prefs_before, prefs_after=_preferences_digest(sim), requests=sim.requests_seen())


def test_the_table_is_big_enough_and_ran_in_one_process(table):
    assert len(CASES) >= 40
    assert len(set(case[0] for case in CASES)) == len(CASES)
    assert set(table['results']) == set(case[0] for case in CASES), table['run'].output[-3000:]


def test_nothing_reached_the_portal_and_no_file_appeared(table):
    assert table['requests']['writes'] == 0
    assert table['prefs_after'] == table['prefs_before']
    # Neither temp files nor backups nor state files are left behind by a failed run.
    assert _tree_listing(table['root']) == sorted(table['listing_before'] + ['bad-inputs.yml'])


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case[0]])] if case[0] in KNOWN_BUGS else []
    return pytest.param(case, id=case[0], marks=marks)


@pytest.mark.parametrize('case', [_param(case) for case in CASES])
def test_bad_input_fails_naming_the_option_and_changes_nothing(table, case):
    case_id, _module, _args, words, _kind = case
    result = table['results'][case_id]
    message = result.get('msg', '')
    for path, digest in table['watched'][case_id].items():
        assert sha256(path) == digest, '%s changed' % path
    assert result['_status'] == 'failed', result
    # A crash (unhandled exception) or a controller-side error shows as "Task failed: ...".
    assert not message.startswith('Task failed'), message
    assert 'Traceback' not in json.dumps(result), result
    assert any(word in message for word in words), message
