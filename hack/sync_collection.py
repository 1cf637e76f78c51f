# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mirror the working tree into DEST for ansible-test.

ansible-test needs the collection at .../ansible_collections/<namespace>/<name>/ and resolves
symlinks, so a real copy is kept there.  The copy holds the tracked files plus the untracked
ones git does not ignore (what `git ls-files -co --exclude-standard` lists), is updated in
place (unchanged files keep their mtime, so ansible-test caches stay warm) and loses files
that disappeared from the source.  DEST gets its own empty git repository: without it
ansible-test would walk up to the enclosing checkout, where DEST is ignored, and see no files.

Usage: sync_collection.py SOURCE DEST
"""

import filecmp
import os
import shutil
import subprocess
import sys

# Used when SOURCE is not a git checkout (a tarball, a copied tree).
SKIP_DIRS = {'.git', '.tmp', '.ansible', '.pytest_cache', '.hypothesis', '__pycache__', '.mypy_cache'}
SKIP_PREFIXES = ('.venv',)
SKIP_SUFFIXES = ('.pyc', '.tar.gz')
# Created by ansible-test inside DEST; never delete them.
KEEP_IN_DEST = ('.git', 'tests/output')


def listed_files(source):
    try:
        out = subprocess.run(
            ['git', '-C', source, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return walked_files(source)
    paths = [p for p in out.decode('utf-8', 'surrogateescape').split('\0') if p]
    # Tracked files deleted in the working tree are still listed by git.
    return sorted(p for p in set(paths) if os.path.lexists(os.path.join(source, p)))


def walked_files(source):
    found = []
    for root, dirs, files in os.walk(source):
        rel_root = os.path.relpath(root, source)
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(SKIP_PREFIXES)
                   and os.path.normpath(os.path.join(rel_root, d)) != os.path.join('tests', 'output')]
        for name in files:
            if not name.endswith(SKIP_SUFFIXES):
                found.append(os.path.normpath(os.path.join(rel_root, name)))
    return sorted(found)


def same(src, dst):
    if os.path.islink(src) or os.path.islink(dst):
        return os.path.islink(src) and os.path.islink(dst) and os.readlink(src) == os.readlink(dst)
    if not os.path.isfile(dst):
        return False
    if (os.stat(src).st_mode & 0o777) != (os.stat(dst).st_mode & 0o777):
        return False
    return filecmp.cmp(src, dst, shallow=False)


def copy(src, dst):
    if os.path.lexists(dst) or os.path.isdir(dst):
        if os.path.isdir(dst) and not os.path.islink(dst):
            shutil.rmtree(dst)
        else:
            os.unlink(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)


def prune(dest, wanted):
    removed = 0
    for root, dirs, files in os.walk(dest, topdown=True):
        rel_root = os.path.relpath(root, dest)
        rel_root = '' if rel_root == '.' else rel_root
        dirs[:] = [d for d in dirs if os.path.join(rel_root, d) not in KEEP_IN_DEST]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            rel = os.path.join(rel_root, name)
            if rel not in wanted:
                os.unlink(os.path.join(root, name))
                removed += 1
    # Remove directories left empty, deepest first.
    for root, dirs, files in os.walk(dest, topdown=False):
        rel_root = os.path.relpath(root, dest)
        if rel_root == '.' or rel_root.split(os.sep, 1)[0] == '.git' or rel_root.startswith(os.path.join('tests', 'output')):
            continue
        if not os.listdir(root):
            os.rmdir(root)
    return removed


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    source, dest = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    if dest == source or dest.startswith(source + os.sep) and not dest.startswith(os.path.join(source, '.tmp') + os.sep):
        sys.stderr.write('refusing to sync into %s: it must be outside the tree or under .tmp/\n' % dest)
        return 2
    files = listed_files(source)
    os.makedirs(dest, exist_ok=True)
    copied = 0
    for rel in files:
        src, dst = os.path.join(source, rel), os.path.join(dest, rel)
        if not same(src, dst):
            copy(src, dst)
            copied += 1
    removed = prune(dest, set(files))
    if not os.path.isdir(os.path.join(dest, '.git')):
        subprocess.run(['git', 'init', '-q', dest], check=True)
    print('synced %d files into %s (%d updated, %d removed)' % (len(files), dest, copied, removed))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
