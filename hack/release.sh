#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cut a release of liferay_ops.mail:
#   1. set galaxy.yml's version (X.Y.Z, or bump major|minor|patch);
#   2. `antsibull-changelog release` turns changelogs/fragments/ into changelogs/changelog.yaml + CHANGELOG.md;
#   3. `ansible-galaxy collection build` writes the tarball to DIST (default .tmp/dist), also copied to
#      DIST/liferay_ops-mail.tar.gz, the name execution-environment.yml builds from;
#   4. checks that tests/, molecule/, bench/ and virtualenvs stayed out of the tarball.
# Nothing is committed or tagged: review `git diff`, commit, then tag vX.Y.Z.
#
#   hack/release.sh 1.0.0 | major | minor | patch     release that version
#   hack/release.sh --no-bump                         only build (and check) the tarball
#   DIST=/some/dir VENV=.venv311 hack/release.sh patch
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
dist="${DIST:-$here/.tmp/dist}"
venv="${VENV:-$here/.venv}"
# Prefer the project's pinned tools when the venv exists.
if [ -x "$venv/bin/ansible-galaxy" ]; then
    PATH="$venv/bin:$PATH"
fi

usage() {
    sed -n '/^#   hack/,/^#   DIST/p' "$0" | sed 's/^# //' >&2
    exit 2
}

[ $# -eq 1 ] || usage
current="$(sed -n 's/^version:[[:space:]]*//p' galaxy.yml | tr -d "\"'")"
case "$1" in
    --no-bump) new="" ;;
    major | minor | patch)
        IFS=. read -r major minor patch <<<"$current"
        case "$1" in
            major) new="$((major + 1)).0.0" ;;
            minor) new="$major.$((minor + 1)).0" ;;
            patch) new="$major.$minor.$((patch + 1))" ;;
        esac
        ;;
    [0-9]*.[0-9]*.[0-9]*) new="$1" ;;
    *) usage ;;
esac

if [ -n "$new" ]; then
    echo "release: $current -> $new"
    sed -i "s/^version:.*/version: $new/" galaxy.yml
    antsibull-changelog lint
    antsibull-changelog release --version "$new"
    version="$new"
else
    version="$current"
fi

mkdir -p "$dist"
ansible-galaxy collection build --force --output-path "$dist" .
tarball="$dist/liferay_ops-mail-$version.tar.gz"
cp "$tarball" "$dist/liferay_ops-mail.tar.gz"

# What must never ship: test suites, scenarios, benchmarks, virtualenvs, local state.
if tar -tzf "$tarball" | grep -E '^(tests|molecule|bench|\.venv[^/]*|\.tmp|\.git|requirements)/'; then
    echo "release: the files above must not be in $tarball: check build_ignore in galaxy.yml" >&2
    exit 1
fi
echo "release: $tarball ($(wc -c <"$tarball") bytes, $(tar -tzf "$tarball" | wc -l) members)"
