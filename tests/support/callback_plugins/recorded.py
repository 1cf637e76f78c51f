# The default stdout callback, plus a JSON record of every task result written to
# $RECORDED_RESULTS, so tests see exactly what a user sees and can still assert on results.
from __future__ import annotations

import json
import os

from ansible.plugins.callback.default import CallbackModule as DefaultCallback

DOCUMENTATION = '''
name: recorded
type: stdout
short_description: default output plus a JSON file of task results (tests only)
description:
  - Prints what the default callback prints and writes every task result to the file named by RECORDED_RESULTS.
extends_documentation_fragment:
  - default_callback
'''


class CallbackModule(DefaultCallback):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'recorded'

    def __init__(self):
        super().__init__()
        self._recorded = []

    def _record(self, result, status):
        data = dict(result._result)
        data['_status'] = status
        data['_task'] = result._task.get_name()
        data['_host'] = result._host.get_name()
        self._recorded.append(data)

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result, 'ok')
        super().v2_runner_on_ok(result, **kwargs)

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._record(result, 'failed')
        super().v2_runner_on_failed(result, ignore_errors=ignore_errors, **kwargs)

    def v2_runner_on_skipped(self, result, **kwargs):
        self._record(result, 'skipped')
        super().v2_runner_on_skipped(result, **kwargs)

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._record(result, 'unreachable')
        super().v2_runner_on_unreachable(result, **kwargs)

    def v2_playbook_on_stats(self, stats):
        super().v2_playbook_on_stats(stats)
        path = os.environ.get('RECORDED_RESULTS')
        if path:
            summary = {host: stats.summarize(host) for host in sorted(stats.processed)}
            with open(path, 'w') as handle:
                json.dump({'results': self._recorded, 'stats': summary}, handle, default=str)
