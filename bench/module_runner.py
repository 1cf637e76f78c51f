"""Run one module of the collection in this process and time its own work.

    python bench/module_runner.py MODULE ARGS.json

ARGS.json holds {"ANSIBLE_MODULE_ARGS": {...}}, as for `python -m <module> ARGS.json`. Prints one JSON line:
{"import_s": ..., "main_s": ..., "result": {...}} where main_s is the time of the module's main() alone
(argument parsing, the work, the JSON answer), without interpreter start-up and imports, and
main_cpu_s its CPU time (less sensitive to a busy machine than wall time).
Needs the collections directory on PYTHONPATH.
"""

import importlib
import io
import json
import sys
import time


def main():
    name, args_file = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    module = importlib.import_module('ansible_collections.liferay_ops.mail.plugins.modules.' + name)
    imported = time.perf_counter()
    # AnsibleModule reads its arguments from argv[1] when run directly (ansible's debugging entry point).
    sys.argv = [module.__file__, args_file]
    captured = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, captured
    started_main = time.perf_counter()
    cpu_started = time.process_time()
    try:
        module.main()
    except SystemExit:
        pass
    finally:
        finished = time.perf_counter()
        cpu = time.process_time() - cpu_started
        sys.stdout = real_stdout
    text = captured.getvalue().strip()
    result = json.loads(text[text.index('{'):]) if '{' in text else {'unparsed': True}
    print(json.dumps(dict(import_s=imported - started, main_s=finished - started_main, main_cpu_s=cpu,
                          result=result)))


if __name__ == '__main__':
    main()
