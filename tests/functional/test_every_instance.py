"""company_web_id as a list or all with the api backend, run for real through ansible-playbook against the simulator.

The simulator lists its instances with /company/get-companies (CompanyServiceImpl.getCompanies: no permission check
of its own) and counts every JSON WS request (/sim/requests), so the bound of 1 + 2 x (instances that change) is
measured, not assumed.
"""

import json

import pytest

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_settings'
INSTANCES = ('liferay.com', 'shop.example.com', 'docs.example.com')
API_USER = 'ops@liferay.com'
API_PASSWORD = 'Adm1n-every-pw#7'
SMTP_PASSWORD = 'Sm7p-every,s3cret'
HOST_KEY = 'mail.session.mail.smtp.host'


@pytest.fixture(scope='module')
def sim(liferay_sim_module, tmp_path_factory):
    users = tmp_path_factory.mktemp('users') / 'users.json'
    users.write_text(json.dumps([
        {'emailAddress': API_USER, 'password': API_PASSWORD, 'adminOf': list(INSTANCES)},
        {'emailAddress': 'one@liferay.com', 'password': API_PASSWORD, 'adminOf': ['liferay.com']},
    ]))
    return liferay_sim_module(args=['--users-file', str(users), '--instances', ','.join(INSTANCES)])


def company_ids(sim):
    return dict((company['webId'], company['companyId']) for company in sim.get('/sim/status')['companies'])


def args_for(sim, state_file, web_ids, host='smtp.example.com', user=API_USER, **extra):
    args = dict(backend='api', portal_url=sim.url, api_user=user, api_password=API_PASSWORD,
                state_file=str(state_file), company_web_id=web_ids,
                smtp=dict(host=host, port=587, security='starttls', user='portal@example.com', password=SMTP_PASSWORD))
    args.update(extra)
    return args


def test_all_instances_one_task_idempotent_and_bounded(sim, tmp_path):
    state = tmp_path / 'state.json'
    ids = company_ids(sim)
    args = args_for(sim, state, 'all')

    sim.reset_requests()
    preview = run_module(tmp_path, MODULE, args, check=True, diff=True)
    assert preview.rc == 0 and preview.result['changed'], preview.output
    assert sim.requests_seen()['writes'] == 0 and preview.result['requests'] == 1  # the list only
    diffs = preview.result['diff']
    assert [d['after_header'] for d in diffs] == ['instance %s (company %d) at %s (after)' % (w, ids[w], sim.url)
                                                  for w in INSTANCES]
    assert all('mail.session.mail.smtp.password=********' in d['after'] for d in diffs)
    assert SMTP_PASSWORD not in preview.output and API_PASSWORD not in preview.output

    sim.reset_requests()
    first = run_module(tmp_path, MODULE, args)
    assert first.rc == 0 and first.result['changed'] and first.result['restart_required'], first.output
    seen = sim.requests_seen()
    assert seen['total'] == first.result['requests'] == 1 + len(INSTANCES)  # the list, then one write each
    assert seen['commands'] == {'/company/get-companies': 1, '/company/update-preferences': len(INSTANCES)}
    assert [(i['web_id'], i['company_id'], i['changed']) for i in first.result['instances']] == \
        [(w, ids[w], True) for w in INSTANCES]
    for web_id in INSTANCES:
        assert sim.preferences(ids[web_id])[HOST_KEY] == 'smtp.example.com'
    assert SMTP_PASSWORD not in first.output

    sim.reset_requests()
    second = run_module(tmp_path, MODULE, args)
    assert second.rc == 0 and not second.result['changed'] and not second.result['restart_required'], second.output
    assert sim.requests_seen()['total'] == second.result['requests'] == 1
    assert not any(i['changed'] for i in second.result['instances'])

    # One instance's record differs: only that one is written (1 + 2 x 1 at most).
    single = run_module(tmp_path, MODULE, args_for(sim, state, 'shop.example.com', host='relay.example.com'))
    assert single.rc == 0 and single.result['changed'], single.output
    sim.reset_requests()
    third = run_module(tmp_path, MODULE, args, diff=True)
    assert third.rc == 0 and third.result['changed'], third.output
    assert [i['changed'] for i in third.result['instances']] == [False, True, False]
    assert sim.requests_seen()['total'] == third.result['requests'] <= 1 + 2 * 1
    assert sim.preferences(ids['shop.example.com'])[HOST_KEY] == 'smtp.example.com'
    changed_diffs = [d for d in third.result['diff'] if d['before'] != d['after']]
    assert [d['before_header'] for d in changed_diffs] == ['instance shop.example.com (company %d) at %s (before)'
                                                           % (ids['shop.example.com'], sim.url)]


def test_a_list_of_instances_shares_records_with_single_runs(sim, tmp_path):
    state = tmp_path / 'state.json'
    ids = company_ids(sim)
    web_ids = ['docs.example.com', 'liferay.com']
    sim.reset_requests()
    first = run_module(tmp_path, MODULE, args_for(sim, state, web_ids, host='list.example.com'))
    assert first.rc == 0 and first.result['changed'], first.output
    assert sim.requests_seen()['total'] == first.result['requests'] <= 1 + 2 * len(web_ids)
    assert [i['web_id'] for i in first.result['instances']] == web_ids
    assert sim.preferences(ids['docs.example.com'])[HOST_KEY] == 'list.example.com'
    assert sim.preferences(ids['shop.example.com']).get(HOST_KEY) != 'list.example.com'
    # A single-instance run of one of them reads the record the list wrote.
    sim.reset_requests()
    alone = run_module(tmp_path, MODULE, args_for(sim, state, 'docs.example.com', host='list.example.com'))
    assert alone.rc == 0 and not alone.result['changed'] and sim.requests_seen()['total'] == 0, alone.output

    removed = run_module(tmp_path, MODULE, args_for(sim, state, web_ids, state='absent'))
    assert removed.rc == 0 and removed.result['changed'], removed.output
    assert HOST_KEY not in sim.preferences(ids['docs.example.com'])
    again = run_module(tmp_path, MODULE, args_for(sim, state, web_ids, state='absent'))
    assert again.rc == 0 and not again.result['changed'], again.output


def test_an_instance_the_user_cannot_write_names_it(sim, tmp_path):
    state = tmp_path / 'state.json'
    run = run_module(tmp_path, MODULE, args_for(sim, state, 'all', user='one@liferay.com', host='partial.example.com'))
    assert run.rc != 0, run.output
    msg = run.result['msg']
    assert msg.startswith('company_web_id: instance shop.example.com: ') and 'HTTP 403' in msg, msg
    assert 'liferay.com (changed)' in msg  # applied and recorded before the refusal
    assert API_PASSWORD not in run.output and SMTP_PASSWORD not in run.output


@pytest.mark.parametrize('web_ids, expected', [
    ([], 'company_web_id: is an empty list'),
    (['liferay.com', 'liferay.com'], 'company_web_id: names liferay.com twice'),
    (['all'], 'company_web_id: all stands alone'),
    ([''], 'company_web_id: lists web ids'),
    ({'a': 1}, 'company_web_id: must be a web id, a list of web ids, or all'),
])
def test_bad_company_web_id(sim, tmp_path, web_ids, expected):
    sim.reset_requests()
    run = run_module(tmp_path, MODULE, args_for(sim, tmp_path / 'state.json', web_ids))
    assert run.rc != 0 and run.result['msg'].startswith(expected), run.output
    assert sim.requests_seen()['total'] == 0
    assert not (tmp_path / 'state.json').exists()


def test_a_list_is_for_the_api_backend_only(tmp_path):
    configs = tmp_path / 'osgi' / 'configs'
    configs.mkdir(parents=True)
    run = run_module(tmp_path, MODULE, dict(backend='osgi_config', osgi_configs_dir=str(configs),
                                            liferay_version='2025.q4', company_web_id=['a.example.com', 'b.example.com'],
                                            smtp=dict(host='smtp.example.com')))
    assert run.rc != 0 and run.result['msg'].startswith('company_web_id: a list of instances or all is for backend '
                                                        'api only'), run.output
    assert list(configs.iterdir()) == []


def role_play(tmp_path, sim, web_ids, **extra):
    from playbook import write_playbook

    role_vars = dict(mail_session_backend='api', mail_session_check=False, mail_session_portal_url=sim.url,
                     mail_session_api_user=API_USER, mail_session_api_password=API_PASSWORD,
                     mail_session_company_web_id=web_ids, mail_session_liferay_home=str(tmp_path),
                     mail_session_state_file=str(tmp_path / 'role-state.json'),
                     mail_session_smtp=dict(host='role.example.com', port=587, security='starttls',
                                            user='portal@example.com', password=SMTP_PASSWORD))
    role_vars.update(extra)
    return write_playbook(tmp_path, [{'name': 'mail session', 'ansible.builtin.include_role': {
        'name': 'liferay_ops.mail.mail_session'}, 'vars': role_vars}], name='role.yml')


def test_role_takes_a_list_or_all(sim, tmp_path):
    from playbook import run_playbook

    ids = company_ids(sim)
    first = run_playbook(role_play(tmp_path, sim, ['shop.example.com', 'docs.example.com']))
    assert first.rc == 0, first.output
    assert first.stats()['localhost']['changed'] >= 1
    for web_id in ('shop.example.com', 'docs.example.com'):
        assert sim.preferences(ids[web_id])[HOST_KEY] == 'role.example.com'
    every = run_playbook(role_play(tmp_path, sim, 'all'))
    assert every.rc == 0 and every.stats()['localhost']['changed'] >= 1, every.output
    assert sim.preferences(ids['liferay.com'])[HOST_KEY] == 'role.example.com'
    again = run_playbook(role_play(tmp_path, sim, 'all'))
    assert again.rc == 0 and again.stats()['localhost']['changed'] == 0, again.output
    assert SMTP_PASSWORD not in again.output and API_PASSWORD not in again.output
    refused = run_playbook(role_play(tmp_path, sim, 'all', mail_session_backend='properties'))
    assert refused.rc != 0 and 'for the api backend only' in refused.output, refused.output
