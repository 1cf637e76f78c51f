"""Release hygiene: the built tarball is complete, installs on its own and works without this checkout."""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
NEVER_SHIPPED = ('tests/', 'molecule/', 'bench/', '.venv', '.tmp/', '.git/', 'requirements/', '.pytest_cache/')
MUST_SHIP = ('MANIFEST.json', 'README.md', 'meta/runtime.yml', 'meta/execution-environment.yml',
             'plugins/modules/mail_settings.py', 'plugins/modules/mail_settings_info.py', 'plugins/modules/mail_check.py',
             'plugins/module_utils/backends/env_file.py', 'roles/mail_session/tasks/main.yml',
             'roles/mail_session/meta/argument_specs.yml', 'playbooks/configure_mail.yml', 'docs/user-guide.md',
             'CHANGELOG.md')
SMTP_PASSWORD = 'Rel3ase,s3cret'


def isolated_env(tmp_path, collections):
    """Only ``collections`` may provide collections: no checkout symlinks, no ~/.ansible, no site-packages."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith('ANSIBLE_') and key not in ('PYTHONPATH',)}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'),
        ANSIBLE_REMOTE_TEMP=str(tmp_path / 'ansible-remote'),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
        ANSIBLE_NOCOLOR='1',
        PATH=BIN + os.pathsep + env.get('PATH', ''),
    )
    return env


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600, **kwargs)


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    built = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(out), REPO])
    assert built.returncode == 0, built.stdout + built.stderr
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        version = yaml.safe_load(handle)['version']
    path = out / ('liferay_ops-mail-%s.tar.gz' % version)
    assert path.exists(), built.stdout
    print('tarball: %s, %d bytes' % (path.name, path.stat().st_size))
    return path


def test_tarball_holds_the_collection_and_nothing_else(tarball):
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
    shipped_badly = [name for name in names if name.startswith(NEVER_SHIPPED) or '__pycache__' in name
                     or name.endswith(('.pyc', '.tar.gz'))]
    assert shipped_badly == []
    missing = [name for name in MUST_SHIP if name not in names]
    assert missing == []


def test_installed_copy_runs_the_properties_backend_on_its_own(tarball, tmp_path):
    collections = tmp_path / 'collections'
    collections.mkdir()
    env = isolated_env(tmp_path, collections)
    installed = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', str(tarball), '-p', str(collections)],
                    env=env, cwd=str(tmp_path))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    root = collections / 'ansible_collections' / 'liferay_ops' / 'mail'
    assert (root / 'MANIFEST.json').exists() and not os.path.islink(str(root))

    home = tmp_path / 'liferay'
    home.mkdir()
    (home / 'portal-ext.properties').write_text('jdbc.default.url=jdbc:postgresql://db/lportal\n', encoding='utf-8')
    playbook = tmp_path / 'site.yml'
    playbook.write_text(yaml.safe_dump([{
        'name': 'Configure mail with the installed collection', 'hosts': 'localhost', 'gather_facts': False,
        'tasks': [{
            'name': 'Apply the mail settings', 'register': 'mail',
            'liferay_ops.mail.mail_settings': {
                'liferay_home': str(home),
                'smtp': {'host': 'smtp.example.com', 'port': 587, 'user': 'portal', 'password': SMTP_PASSWORD},
            },
        }, {
            'name': 'Record the result', 'ansible.builtin.copy': {
                'content': '{{ mail | to_json }}', 'dest': str(tmp_path / 'result.json'), 'mode': '0600'},
        }],
    }], sort_keys=False))
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook)]

    first = run(command, env=env, cwd=str(tmp_path))
    assert first.returncode == 0, first.stdout + first.stderr
    assert SMTP_PASSWORD not in first.stdout + first.stderr
    result = json.loads((tmp_path / 'result.json').read_text())
    assert result['changed'] is True and result['restart_required'] is True
    text = (home / 'portal-ext.properties').read_text(encoding='utf-8')
    assert text.startswith('jdbc.default.url=jdbc:postgresql://db/lportal\n')
    assert 'mail.session.mail.smtp.host=smtp.example.com' in text
    assert 'mail.session.mail=true' in text

    second = run(command, env=env, cwd=str(tmp_path))
    assert second.returncode == 0, second.stdout + second.stderr
    assert json.loads((tmp_path / 'result.json').read_text())['changed'] is False
    # The module really came from the installed copy, not from this checkout.
    listed = run([os.path.join(BIN, 'ansible-doc'), '--json', 'liferay_ops.mail.mail_settings'], env=env, cwd=str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)['liferay_ops.mail.mail_settings']['doc']['filename'].startswith(str(collections))


def test_changelog_fragments_lint_clean():
    lint = run([os.path.join(BIN, 'antsibull-changelog'), 'lint'], cwd=REPO)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert lint.stdout.strip() == '', lint.stdout


def test_module_docs_pass_antsibull_docs_lint():
    """The docs Galaxy and docs sites render: DOCUMENTATION/EXAMPLES/RETURN, fragments, markup macros."""
    collection = os.path.join(REPO, '.tmp', 'collections', 'ansible_collections', 'liferay_ops', 'mail')
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))  # it calls ansible-doc
    lint = run([os.path.join(BIN, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], cwd=collection, env=env)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def ci_ansible_core_versions():
    """The ansible-core versions CI installs (requirements/test.txt pins one per controller Python)."""
    with open(os.path.join(REPO, 'requirements', 'test.txt')) as handle:
        pins = re.findall(r'^ansible-core==(\d+)\.(\d+)\.(\d+)', handle.read(), re.MULTILINE)
    return sorted(tuple(int(part) for part in pin) for pin in pins)


def test_requires_ansible_matches_the_versions_ci_tests():
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        requires = yaml.safe_load(handle)['requires_ansible']
    match = re.match(r'^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$', requires.strip())
    assert match, 'requires_ansible %r: expected a lower bound such as ">=2.19.0"' % requires
    lowest = (int(match.group(1)), int(match.group(2)))
    tested = ci_ansible_core_versions()
    assert len(tested) >= 2, tested
    # Every tested version is allowed, and the oldest allowed one is tested: no untested promise.
    assert all(version[:2] >= lowest for version in tested)
    assert lowest == tested[0][:2], 'requires_ansible %s, but the oldest ansible-core CI tests is %d.%d' % (
        requires, tested[0][0], tested[0][1])
    # ansible-test sanity runs with one ignore file per tested version.
    for major, minor, _patch in tested:
        assert os.path.exists(os.path.join(REPO, 'tests', 'sanity', 'ignore-%d.%d.txt' % (major, minor)))


def test_execution_environment_definition_builds_a_context(tarball, tmp_path):
    builder = os.path.join(BIN, 'ansible-builder')
    if not os.path.exists(builder):
        pytest.skip('ansible-builder is not installed in this virtualenv')
    dist = tmp_path / '.tmp' / 'dist'
    dist.mkdir(parents=True)
    shutil.copy(str(tarball), str(dist / 'liferay_ops-mail.tar.gz'))
    shutil.copy(os.path.join(REPO, 'execution-environment.yml'), str(tmp_path))
    created = run([builder, 'create', '-f', 'execution-environment.yml', '-c', 'context', '--output-filename',
                   'Containerfile'], cwd=str(tmp_path))
    assert created.returncode == 0, created.stdout + created.stderr
    containerfile = (tmp_path / 'context' / 'Containerfile').read_text()
    assert 'ansible-galaxy' in containerfile or 'check_galaxy' in containerfile
    assert (tmp_path / 'context' / '_build' / 'collections' / 'liferay_ops-mail.tar.gz').exists()
    requirements = yaml.safe_load((tmp_path / 'context' / '_build' / 'requirements.yml').read_text())
    assert requirements['collections'] == [{'name': 'collections/liferay_ops-mail.tar.gz', 'type': 'file'}]
