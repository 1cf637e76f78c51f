# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Put an offline stand-in for get-pip.py where ansible-test looks for it.

ansible-test creates its per-test virtual environments without pip and bootstraps pip by
downloading get-pip-<version>.py from a CI file host.  When that host cannot be reached it
uses ~/.ansible/test/cache/get_pip_<version with underscores>.py instead.  The stand-in
written there installs the interpreter's bundled pip with ensurepip and then asks that pip
for the exact version ansible-test wants, from the package index configured for pip.

Run it with the Python of the environment that has ansible-test installed.
An existing file that is not our stand-in (a real get-pip.py) is left alone.
"""

import os
import re
import sys

STANDIN = '''\
# Offline stand-in for get-pip.py, written by hack/install_get_pip_standin.py.
# ansible-test runs: <venv python> THIS_FILE --disable-pip-version-check pip==X.Y --no-setuptools --no-wheel
import subprocess
import sys

# ensurepip runs in a child process: in-process it sets PIP_CONFIG_FILE=/dev/null, which
# would hide the site pip configuration (certificates, index) from the install below.
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'],
                      stdout=subprocess.DEVNULL)
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--quiet', '--upgrade'] + args))
'''
MARKER = 'written by hack/install_get_pip_standin.py'


def wanted_pip_versions():
    """Read the pip version(s) ansible-test bootstraps from its own source."""
    import ansible_test
    source_path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source_path, encoding='utf-8') as handle:
        text = handle.read()
    # e.g. default_packages = dict(pip='25.2') and per-Python overrides {'3.8': dict(pip='...')}
    versions = set(re.findall(r'''\bpip\s*=\s*['"]([0-9][0-9.]*)['"]''', text))
    versions.update(re.findall(r'''['"]pip['"]\s*:\s*['"]([0-9][0-9.]*)['"]''', text))
    if not versions:
        raise SystemExit('cannot find the pip version ansible-test bootstraps in %s' % source_path)
    return sorted(versions)


def main():
    cache = os.path.expanduser(os.path.join('~', '.ansible', 'test', 'cache'))
    os.makedirs(cache, exist_ok=True)
    for version in wanted_pip_versions():
        target = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
        if os.path.exists(target):
            with open(target, encoding='utf-8', errors='replace') as handle:
                current = handle.read()
            if current == STANDIN or MARKER not in current:
                print('get-pip for pip %s: kept %s' % (version, target))
                continue
        with open(target, 'w', encoding='utf-8') as handle:
            handle.write(STANDIN)
        print('get-pip for pip %s: stand-in written to %s' % (version, target))
    return 0


if __name__ == '__main__':
    sys.exit(main())
