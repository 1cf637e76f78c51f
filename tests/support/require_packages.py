"""Stop a test-support command at start when a Python package it needs is missing.

Without this check a missing package shows up late and far from its cause (for example an
HTTP 500 from the simulator on the first test mail). The message names the package, the pin
from requirements/test.txt and the virtualenv that has it.
"""

import importlib.util
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REQUIREMENTS = os.path.join(REPO, 'requirements', 'test.txt')


def _pin(package):
    try:
        with open(REQUIREMENTS, encoding='utf-8') as handle:
            for line in handle:
                match = re.match(r'\s*%s\s*==\s*([^\s;#]+)' % re.escape(package), line, re.IGNORECASE)
                if match:
                    return '%s==%s' % (package, match.group(1))
    except OSError:
        pass
    return package


def require(prog, packages):
    """Exit with a clear message unless every module in ``packages`` (module -> PyPI name) imports."""
    missing = [name for module, name in sorted(packages.items()) if importlib.util.find_spec(module) is None]
    if not missing:
        return
    pins = ' '.join(_pin(name) for name in missing)
    sys.exit('%s: the Python package(s) %s cannot be imported by %s.\n'
             'Run it with the test virtualenv\'s python (make venv, then .venv/bin/python %s ...),\n'
             'or install them: %s -m pip install %s'
             % (prog, ', '.join(missing), sys.executable, os.path.relpath(sys.argv[0], os.getcwd()),
                sys.executable, pins))
