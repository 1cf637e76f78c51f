"""Python side of tests/support/java/PortalPropsReader.java: the real Commons Configuration 1.10 as an oracle.

Each call starts one JVM for a whole batch (many files or many values), so a test that checks
thousands of values stays fast.
"""

import base64
import json
from pathlib import Path

from javatools import compile_program, jar, run_program, unavailable_reason
from system_deps import skip_missing

JARS = ('commons-configuration.jar', 'commons-lang.jar', 'commons-logging.jar')


def require_java():
    """Skip (or fail under CI) when no JDK or one of the jars is missing."""
    reason = unavailable_reason(JARS)
    if reason is not None:
        skip_missing('java', reason)


def _classpath():
    jars = [jar(name) for name in JARS]
    classes = compile_program('PortalPropsReader', ['PortalPropsReader.java'], jars)
    return [str(classes)] + jars


def _run(args, stdin=None):
    result = run_program('PortalPropsReader', _classpath(), args, stdin=stdin)
    if result.returncode != 0:
        raise RuntimeError('PortalPropsReader %s failed (%d):\n%s' % (args[0], result.returncode, result.stderr))
    return [json.loads(line) for line in result.stdout.splitlines() if line]


def _b64(text):
    return base64.b64encode(text.encode('utf-8', 'surrogatepass')).decode('ascii')


def _props(record):
    """{key: value as Liferay's getString returns it} of one output record, or raise its error."""
    if 'error' in record and 'props' not in record:
        raise LoadError(record['error'], record.get('cause'))
    return dict((entry['key'], entry['value'] if 'error' not in entry else Unreadable(entry['error']))
                for entry in record['props'])


class LoadError(Exception):
    """Commons refused the whole file (ConfigurationException, e.g. a bad \\u escape)."""


class Unreadable(object):
    """getString threw for this key (e.g. a cyclic ${...} reference)."""

    def __init__(self, error):
        self.error = error

    def __eq__(self, other):
        return isinstance(other, Unreadable)

    def __hash__(self):
        return 0

    def __repr__(self):
        return 'Unreadable(%r)' % self.error


def read_files(paths):
    """[{key: value}] or LoadError instances, one per file, as Liferay reads each file alone."""
    records = _run(['files'] + [str(path) for path in paths])
    out = []
    for record in records:
        try:
            out.append(_props(record))
        except LoadError as error:
            out.append(error)
    return out


def read_env_values(pairs):
    """For (key, raw value) pairs applied like LIFERAY_* variables: the value Liferay reads for each key."""
    stdin = ''.join('%s\t%s\n' % (_b64(key), _b64(value)) for key, value in pairs)
    records = _run(['env'], stdin=stdin)
    assert len(records) == len(pairs)
    return [_props(record).get(key) for (key, _value), record in zip(pairs, records)]


def read_company_texts(texts):
    """For LIFERAY_PROPS_BY_COMPANY_<id> texts: {key: value} that each one sets."""
    stdin = ''.join('%s\n' % _b64(text) for text in texts)
    return [_props(record) for record in _run(['company'], stdin=stdin)]


def defined_ranges():
    """[(first, last)] code point ranges for which Java's Character.isDefined is true."""
    result = run_program('PortalPropsReader', _classpath(), ['defined'])
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return [tuple(int(part) for part in line.split()) for line in result.stdout.splitlines()]


SUMMARY = Path(__file__).resolve().parents[2] / '.tmp' / 'fidelity'


def record(name, stats):
    """Keep the counts where `make test` and people can find them, and print them."""
    SUMMARY.mkdir(parents=True, exist_ok=True)
    (SUMMARY / (name + '.json')).write_text(json.dumps(stats, sort_keys=True))
    print('%s: %s' % (name, json.dumps(stats, sort_keys=True)))


def count_batch(stats, values, accepted, wrong):
    """Add one generated batch to ``stats``; every disagreement fails the batch, listed in full."""
    stats['values'] += len(values)
    stats['accepted'] += len(accepted)
    stats['batches'] += 1
    stats['disagreements'] += len(wrong)
    assert wrong == []


def finish(name, stats, minimum=2000):
    """Record the run; the search must have covered ``minimum`` values and accepted at least half."""
    record(name, stats)
    assert stats['values'] >= minimum
    assert stats['accepted'] >= stats['values'] // 2
