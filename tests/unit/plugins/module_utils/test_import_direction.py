# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Imports inside plugins/ flow one way (docs/architecture.md): modules -> backends, layers, probe ->
formats, portal -> settings, redact, atomic_file -> errors. Read from the source with ast, imports inside
functions included."""

import ast
import os

import pytest

PLUGINS = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins'))
PREFIX = 'ansible_collections.liferay_ops.mail.plugins.module_utils.'

# part -> the parts it may import (besides the standard library and ansible.module_utils).
BASE = {'errors', 'redact', 'settings', 'surface', 'atomic_file'}
ALLOWED = {
    'errors': set(),
    'redact': set(),
    'settings': {'errors', 'redact'},
    'surface': {'errors'},
    'atomic_file': {'errors'},
    'formats': BASE | {'formats'},
    'portal': BASE | {'portal'},
    'backends': BASE | {'backends', 'formats', 'portal'},
    'layers': BASE - {'atomic_file'} | {'formats', 'portal'},
    # The traps mail_settings_info reports, from what the read model read.
    'findings': BASE - {'atomic_file'} | {'formats', 'portal', 'layers'},
    'probe': {'errors', 'redact', 'settings', 'probe'},
    'modules/mail_settings': BASE - {'atomic_file'} | {'backends', 'portal'},
    # The read model: readers only, never a backend (a backend writes).
    'modules/mail_settings_info': BASE - {'atomic_file'} | {'layers', 'findings', 'formats', 'portal'},
    'modules/mail_check': {'errors', 'redact', 'settings', 'probe'},
}
# The connectivity probe's modules, wherever they live while that part is regrouped.
PROBE_FAMILY = {'probe', 'java_probe', 'java_probe_source'}


def part_of_module_utils(name):
    """'formats' for formats/properties.py or ...module_utils.formats.properties; 'settings' for settings."""
    first = name.split('.')[0]
    return 'probe' if first in PROBE_FAMILY else first


def plugin_files():
    for directory in ('module_utils', 'modules'):
        for root, _dirs, files in os.walk(os.path.join(PLUGINS, directory)):
            for name in sorted(files):
                if name.endswith('.py') and name != '__init__.py':
                    yield os.path.join(root, name)


def part_of_file(path):
    relative = os.path.relpath(path, PLUGINS)[:-len('.py')].split(os.sep)
    if relative[0] == 'modules':
        return 'modules/' + relative[1]
    return part_of_module_utils('.'.join(relative[1:]))


def collection_imports(path):
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + ['%s.%s' % (node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith(PREFIX):
                found.append((node.lineno, part_of_module_utils(name[len(PREFIX):])))
                break
    return found


FILES = list(plugin_files())


@pytest.mark.parametrize('path', FILES, ids=[os.path.relpath(path, PLUGINS) for path in FILES])
def test_imports_flow_one_way(path):
    part = part_of_file(path)
    assert part in ALLOWED, '%s belongs to no part of docs/architecture.md: add it there and here' % path
    wrong = ['line %d imports %s' % (line, target) for line, target in collection_imports(path)
             if target != part and target not in ALLOWED[part]]
    assert not wrong, '%s (%s) may import only %s: %s' % (path, part, sorted(ALLOWED[part]), '; '.join(wrong))


def test_the_rules_have_no_cycle():
    def reaches(start, goal, seen=()):
        return any(step == goal or (step not in seen and reaches(step, goal, seen + (step,)))
                   for step in ALLOWED.get(start, ()) if step != start)
    assert not [part for part in ALLOWED if reaches(part, part)]


def test_a_forbidden_import_is_caught(tmp_path):
    """The check can fail: a reader that imports a backend is reported."""
    sample = tmp_path / 'layers.py'
    sample.write_text('from %sbackends.properties import PropertiesBackend\n' % PREFIX)
    assert collection_imports(str(sample)) == [(1, 'backends')]
    assert 'backends' not in ALLOWED['layers']
