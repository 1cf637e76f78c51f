"""Skip a test that needs an optional system package, and remember why for `make test`'s summary.

hack/system-deps.sh installs these packages when it runs as root with apt; elsewhere the tests that
need them skip. Every skip is appended to ``.tmp/skips/skipped.tsv`` (piece, reason) so that
hack/run-stages.sh can end `make test` with one line per missing piece. Under CI a missing piece is
an error instead: CI installs everything, so a skip there would hide a broken install step.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SKIP_LOG = REPO / '.tmp' / 'skips' / 'skipped.tsv'
SETUP_HINT = 'run hack/system-deps.sh as root'


def record_skip(piece, reason):
    """Append one line to the skip log (one short write: safe with parallel workers)."""
    SKIP_LOG.parent.mkdir(parents=True, exist_ok=True)
    line = '%s\t%s\n' % (piece, ' '.join(str(reason).split()))
    with open(str(SKIP_LOG), 'a', encoding='utf-8') as handle:
        handle.write(line)


def skip_missing(piece, reason):
    """Skip because ``piece`` (e.g. 'dovecot', 'java') is missing; fail instead when CI is set."""
    message = '%s is not available: %s (%s)' % (piece, reason, SETUP_HINT)
    if os.environ.get('CI'):
        pytest.fail('CI is set, so a missing system package is an error: ' + message)
    record_skip(piece, reason)
    pytest.skip(message)
