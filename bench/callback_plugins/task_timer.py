"""Benchmark callback: writes the wall time of every task result to the JSON file named by BENCH_TASK_TIMES.

Time runs from the task's start on a host (v2_runner_on_start) to its result, so it holds the module transfer,
the interpreter start on the node and the module's work, as a user's task does. Only numbers and the module's
elapsed_ms are kept, never arguments or results.
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: task_timer
type: aggregate
short_description: record task wall times for the benchmarks
description: Writes the wall time of each task result to the file named by BENCH_TASK_TIMES.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.started = {}
        self.records = []

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.perf_counter()

    def _finish(self, result, status):
        key = (result._host.get_name(), result._task._uuid)
        started = self.started.pop(key, None)
        self.records.append(dict(host=key[0], status=status, elapsed_ms=result._result.get('elapsed_ms'),
                                 wall_s=None if started is None else time.perf_counter() - started))

    def v2_runner_on_ok(self, result, **kwargs):
        self._finish(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._finish(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        with open(os.environ['BENCH_TASK_TIMES'], 'w') as handle:
            json.dump(self.records, handle)
