"""Run the benchmarks of liferay_ops.mail, print medians and ratios, record them.

    python bench/run.py            full run (make bench): bench/results/latest.json, docs/img/bench-overhead.png,
                                   and the figures section of docs/performance.md
    python bench/run.py --quick    fewer hosts and repetitions (make bench-quick): bench/results/raw/quick.json
                                   and bench/results/raw/quick.png only; the recorded figures stay as they are

Run it with the python of the project's virtualenv; ansible-playbook is taken from the same bin directory.
Every comparison runs its sides in the same run, alternating, and reports medians.
"""

import argparse
import datetime
import os
import platform
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import api  # noqa: E402
import bigfile  # noqa: E402
import checks  # noqa: E402
import common  # noqa: E402
import overhead  # noqa: E402
import report  # noqa: E402

# hosts -> repetitions of each side (a side missing from a row does not run at that N). The 15-minute
# budget of `make bench` on 2 cores, where Ansible costs about 0.2 s of wall time per host and task,
# decides the counts: mail_settings/ping sits close to its 1.2 limit and gets the most repetitions at
# every N (most at N = 1, where a run lasts 1-2 s and one slow start-up moves the ratio); lineinfile
# (14 tasks, about 2.5-3 s per host) and template (stat + copy, about 0.4 s per host) are far from
# their limits (about 12x and 0.5x) and run fewer times, lineinfile up to 20 hosts, template up to 100.
PROFILES = {
    'full': dict(overhead={1: dict(ping=5, mail_settings=5, lineinfile=2, template=2),
                           20: dict(ping=3, mail_settings=3, lineinfile=1, template=1),
                           100: dict(ping=2, mail_settings=2, template=1),
                           200: dict(ping=2, mail_settings=2)},
                 bigfile_sizes=(1000, 10000, 100000), bigfile_reps=5, api_reps=5, checks_reps=5),
    'quick': dict(overhead={1: dict(ping=3, mail_settings=3, lineinfile=1, template=1),
                            10: dict(ping=2, mail_settings=2, template=1)},
                  bigfile_sizes=(1000, 10000, 100000), bigfile_reps=2, api_reps=2, checks_reps=1),
}
SECTIONS = ('overhead', 'bigfile', 'api', 'checks')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--quick', action='store_true', help='fewer hosts and repetitions (about 2 minutes idle)')
    parser.add_argument('--only', help='comma-separated subset of: ' + ', '.join(SECTIONS))
    parser.add_argument('--hosts', help='host counts, e.g. 1,20: every side runs --reps times (default 3) at each, '
                        'lineinfile only up to --lineinfile-max-n hosts')
    parser.add_argument('--reps', type=int, help='override every repetition count')
    parser.add_argument('--sizes', help='override the big-file sizes in lines, e.g. 1000,10000')
    parser.add_argument('--lineinfile-max-n', type=int, default=20,
                        help='with --hosts: largest host count the lineinfile side runs at (default 20)')
    parser.add_argument('--update-docs', action='store_true', help='with --quick: still rewrite docs/performance.md')
    parser.add_argument('--render', metavar='JSON', help='measure nothing: rebuild the tables, plot and docs section '
                        'from a recorded results file (e.g. bench/results/latest.json)')
    return parser.parse_args(argv)


def plan_from(args):
    plan = dict(PROFILES['quick' if args.quick else 'full'])
    if args.hosts:
        reps = args.reps or 3
        plan['overhead'] = dict(
            (int(n), dict((side, reps) for side in overhead.SIDES if side != 'lineinfile' or int(n) <= args.lineinfile_max_n))
            for n in args.hosts.split(','))
    if args.reps:
        plan['overhead'] = dict((n, dict((side, args.reps) for side in sides)) for n, sides in plan['overhead'].items())
        plan.update(bigfile_reps=args.reps, api_reps=args.reps, checks_reps=args.reps)
    if args.sizes:
        plan['bigfile_sizes'] = tuple(int(n) for n in args.sizes.split(','))
    return plan


def environment():
    def version(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False).stdout.splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return 'unknown'
    try:
        commit = subprocess.run(['git', '-C', common.REPO, 'rev-parse', '--short', 'HEAD'],
                                capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = 'unknown'
    node_python = version([common.node_python(), '--version'])
    return dict(python=platform.python_version(), ansible=version([common.tool('ansible-playbook'), '--version']),
                node_python='%s (%s)' % (common.node_python(), node_python.replace('Python ', '')),
                platform=platform.platform(), cpus=os.cpu_count(), commit=commit)


def _stop(signum, _frame):
    # turn SIGTERM into an exception, so every section stops its servers and removes its scratch directory
    raise SystemExit('bench: stopped by signal %d' % signum)


def main(argv=None):
    signal.signal(signal.SIGTERM, _stop)
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.render:
        return render(args.render)
    plan = plan_from(args)
    sections = args.only.split(',') if args.only else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit('bench: unknown section(s) %s; choose from %s' % (', '.join(sorted(unknown)), ', '.join(SECTIONS)))
    command = 'python bench/run.py' + ('' if not argv and len(sys.argv) == 1 else ' ' + ' '.join(
        argv if argv is not None else sys.argv[1:]))
    data = dict(command=command, profile='quick' if args.quick else 'full', plan=_jsonable(plan),
                started=datetime.datetime.now().isoformat(timespec='seconds'), environment=environment(),
                load={'start': common.load()}, sections={})
    print('bench: %s (load %s on %d CPUs)' % (command, data['load']['start'], os.cpu_count()))
    began = time.perf_counter()
    try:
        if 'overhead' in sections:
            data['sections']['overhead'] = run_overhead(plan)
            data['load']['after overhead'] = common.load()
        if 'bigfile' in sections:
            raw = bigfile.measure(plan['bigfile_sizes'], plan['bigfile_reps'])
            data['sections']['bigfile'] = dict(raw=_jsonable(raw), summary=_jsonable(bigfile.summarise(raw)))
            data['load']['after bigfile'] = common.load()
        if 'api' in sections:
            raw = api.measure(plan['api_reps'])
            data['sections']['api'] = dict(raw=raw, summary=api.summarise(raw))
            data['load']['after api'] = common.load()
        if 'checks' in sections:
            raw = checks.measure(plan['checks_reps'])
            data['sections']['checks'] = dict(raw=raw, summary=checks.summarise(raw))
            data['load']['after checks'] = common.load()
    finally:
        data['duration_s'] = round(time.perf_counter() - began, 1)
    data['targets'] = report.targets(data)
    print()
    print(report.text_tables(data))
    quick = args.quick
    # quick runs go to bench/results/raw/ (git-ignored), so they never replace the recorded figures
    results_json = os.path.join(common.BENCH_DIR, 'results', 'raw', 'quick.json') if quick else \
        os.path.join(common.BENCH_DIR, 'results', 'latest.json')
    plot_png = (os.path.join(common.BENCH_DIR, 'results', 'raw', 'quick.png') if quick
                else os.path.join(common.REPO, 'docs', 'img', 'bench-overhead.png'))
    if 'overhead' in data['sections']:
        report.plot(data, plot_png)
        data['plot'] = os.path.relpath(plot_png, common.REPO)
    common.write_json(results_json, data)
    print('\nresults: %s%s' % (os.path.relpath(results_json, common.REPO),
                               ', plot: %s' % data['plot'] if 'plot' in data else ''))
    if (not quick or args.update_docs) and set(sections) == set(SECTIONS):
        report.update_docs(data, os.path.join(common.REPO, 'docs', 'performance.md'))
        print('docs: docs/performance.md figures section rewritten')
    missed = [target['name'] for target in data['targets'] if target['met'] is False]
    print('targets missed: %s' % (', '.join(missed) if missed else 'none'))
    return 0


def render(path):
    """Re-evaluate the targets of a recorded run and rewrite its plot and docs section (after report.py changes)."""
    import json
    with open(path, encoding='utf-8') as handle:
        data = json.load(handle)
    data['targets'] = report.targets(data)
    print(report.text_tables(data))
    if data.get('plot'):
        report.plot(data, os.path.join(common.REPO, data['plot']))
    common.write_json(path, data)
    if data['profile'] != 'quick' and len(data['sections']) == len(SECTIONS):
        report.update_docs(data, os.path.join(common.REPO, 'docs', 'performance.md'))
        print('docs: docs/performance.md figures section rewritten from %s' % path)
    return 0


def run_overhead(plan):
    raw = {}
    summary = {}
    for hosts, reps in sorted(plan['overhead'].items()):
        times = overhead.measure(hosts, reps)
        raw[str(hosts)] = times
        medians, ratios = overhead.summarise(times)
        summary[str(hosts)] = dict(reps=max(reps.values()), reps_by_side=dict(reps), medians=medians, ratios=ratios,
                                   load=common.load())
    return dict(raw=raw, summary=summary, forks=overhead.FORKS)


def _jsonable(value):
    if isinstance(value, dict):
        return dict((str(key), _jsonable(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


if __name__ == '__main__':
    sys.exit(main())
