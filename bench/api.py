"""mail_settings backend api against the portal simulator: HTTP requests per run and time per apply.

One repetition, on a fresh fingerprint state file:
  change     first apply (nothing recorded yet)
  nochange   the same settings again (the fingerprint matches: no request expected)
  rechange   another SMTP host (a real change again)
The simulator counts every /api/jsonws request (GET /sim/requests); the module reports `requests` too.
"""

import json
import os
import shutil
import urllib.request

import common
from sim_fixtures import SimProcess  # tests/support, on sys.path through common

ADMIN_USER, ADMIN_PASSWORD = 'test@liferay.com', 'test'  # the simulator's built-in administrator


class Simulator(SimProcess):
    """liferay-sim on 127.0.0.1 with its own Liferay home under ``workdir``, as a context manager."""

    def __init__(self, workdir):
        home = os.path.join(workdir, 'liferay-home')
        os.makedirs(home, exist_ok=True)
        super().__init__(home)

    def __enter__(self):
        return self.start(timeout=30)

    def __exit__(self, *exc):
        self.stop()

    def _call(self, method, path):
        request = urllib.request.Request(self.url + path, method=method, data=b'' if method == 'POST' else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b'{}')

    def reset_requests(self):
        self._call('POST', '/sim/requests/reset')

    def requests(self):
        return self._call('GET', '/sim/requests')


def module_args(sim, state_file, smtp_host):
    smtp = dict(common.SMTP, host=smtp_host)
    return dict(backend='api', portal_url=sim.url, api_user=ADMIN_USER, api_password=ADMIN_PASSWORD,
                company_web_id='liferay.com', state_file=state_file, smtp=smtp, pop=common.POP,
                javamail_properties=common.JAVAMAIL)


CASES = (('change', 'smtp.example.com', True), ('nochange', 'smtp.example.com', False),
         ('rechange', 'smtp2.example.com', True))


def measure(reps, log=print):
    workdir = common.scratch_dir('api-')
    results = dict((case, {'main_s': [], 'main_cpu_s': [], 'process_s': [], 'requests': [], 'module_requests': []})
                   for case, _host, _changed in CASES)
    try:
        with Simulator(workdir) as sim:
            for rep in range(reps):
                state_file = os.path.join(workdir, 'state-%d' % rep, 'fingerprints.json')
                for case, host, expect_change in CASES:
                    sim.reset_requests()
                    run = common.run_module(workdir, 'mail_settings', module_args(sim, state_file, host))
                    counted = sim.requests()
                    result = run['result']
                    if result.get('failed') or result.get('changed') != expect_change:
                        raise RuntimeError('api %s: unexpected result: %s' % (case, result.get('msg')))
                    row = results[case]
                    row['main_s'].append(run['main_s'])
                    row['main_cpu_s'].append(run['main_cpu_s'])
                    row['process_s'].append(run['process_s'])
                    row['requests'].append(counted.get('total'))
                    row['module_requests'].append(result.get('requests'))
            log('  api: requests change %s, no change %s, re-change %s; main() %.3fs / %.3fs / %.3fs' % tuple(
                [results[c]['requests'] for c, _h, _x in CASES] +
                [common.median(results[c]['main_s']) for c, _h, _x in CASES]))
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarise(results):
    summary = {}
    for case, row in results.items():
        summary[case] = dict(
            requests_max=max(row['requests']), requests_min=min(row['requests']),
            module_reported_requests=sorted(set(row['module_requests'])),
            main_s=common.median(row['main_s']), main_cpu_s=common.median(row['main_cpu_s']),
            process_s=common.median(row['process_s']))
    return summary
