"""Find a JVM and Debian's Java libraries, compile small Java programs, run them.

Shared by the real-library oracles of the tests (Commons Configuration 1.10) and the
simulator's JavaMail sender. Nothing here is shipped in the collection.

``LIFERAY_OPS_TEST_WITHOUT=java`` (comma-separated, also ``dovecot``) makes the tests run as on a
machine without that piece, to try the skip paths without uninstalling anything.

Compiled classes go to ``.tmp/java/<name>-<hash of the sources and class path>/`` so that a
source change recompiles and parallel test workers reuse one build (the build directory is
filled in a temporary directory and renamed into place, so a reader never sees half of it).
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JAVA_SOURCES = Path(__file__).resolve().parent / 'java'
BUILD_ROOT = REPO / '.tmp' / 'java'
SHARE_JAVA = Path(os.environ.get('LIFERAY_OPS_SHARE_JAVA', '/usr/share/java'))

# Debian package that provides each jar, for messages that say how to get it.
JAR_PACKAGES = {
    'commons-configuration.jar': 'libcommons-configuration-java',
    'commons-lang.jar': 'libcommons-lang-java',
    'commons-logging.jar': 'libcommons-logging-java',
    'javax.mail.jar': 'libmail-java',
}


class JavaUnavailable(Exception):
    """No JVM, or a jar is missing; the text says what to install."""


def java_binaries():
    """(java, javac) paths, or raise JavaUnavailable."""
    if 'java' in os.environ.get('LIFERAY_OPS_TEST_WITHOUT', '').split(','):
        raise JavaUnavailable('LIFERAY_OPS_TEST_WITHOUT names java: the tests run as if no JDK were installed')
    home = os.environ.get('JAVA_HOME')
    found = []
    for name in ('java', 'javac'):
        candidate = Path(home, 'bin', name) if home else None
        path = str(candidate) if candidate and candidate.exists() else shutil.which(name)
        if not path:
            raise JavaUnavailable('no %s on PATH or in JAVA_HOME (install a JDK: apt-get install default-jdk-headless)'
                                  % name)
        found.append(path)
    return tuple(found)


def jar(name):
    """Path of a jar from /usr/share/java, or raise JavaUnavailable naming its Debian package."""
    path = SHARE_JAVA / name
    if not path.exists():
        raise JavaUnavailable('%s is missing (apt-get install %s, or run hack/system-deps.sh as root)'
                              % (path, JAR_PACKAGES.get(name, 'the package that ships it')))
    return str(path)


def unavailable_reason(jars=()):
    """None when a JDK and every jar in ``jars`` exist, else the reason why not."""
    try:
        java_binaries()
        for name in jars:
            jar(name)
    except JavaUnavailable as error:
        return str(error)
    return None


def compile_program(name, sources, classpath):
    """Compile ``sources`` (files under tests/support/java/) once; return the class directory."""
    javac = java_binaries()[1]
    source_paths = [JAVA_SOURCES / source for source in sources]
    digest = hashlib.sha256()
    for path in source_paths:
        digest.update(path.name.encode() + b'\0' + path.read_bytes())
    digest.update(os.pathsep.join(classpath).encode())
    target = BUILD_ROOT / ('%s-%s' % (name, digest.hexdigest()[:16]))
    if target.is_dir():
        return target
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=name + '-', dir=str(BUILD_ROOT)))
    try:
        command = [javac, '-nowarn', '-encoding', 'UTF-8', '-d', str(staging)]
        if classpath:
            command += ['-cp', os.pathsep.join(classpath)]
        result = subprocess.run(command + [str(path) for path in source_paths],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError('javac failed for %s:\n%s%s' % (name, result.stdout, result.stderr))
        try:
            staging.rename(target)
        except OSError:
            # Another worker finished the same build first: use theirs.
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(str(staging), ignore_errors=True)
    return target


def run_program(main_class, classpath, args=(), stdin=None, timeout=120, env=None):
    """Run ``main_class`` with ``classpath``; return the CompletedProcess (text mode, UTF-8)."""
    java = java_binaries()[0]
    command = [java, '-Dfile.encoding=UTF-8', '-cp', os.pathsep.join(str(entry) for entry in classpath),
               main_class] + list(args)
    return subprocess.run(command, input=stdin, capture_output=True, encoding='utf-8', timeout=timeout,
                          check=False, env=env)
