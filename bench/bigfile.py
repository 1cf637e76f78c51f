"""mail_settings on big portal-ext.properties files (1k, 10k, 100k lines).

Two views of the same work, each repeated, the change and the no-change case alternating:

  module   the real module in a fresh interpreter through module_runner.py: main_s is main() alone
           (argument parsing, read, parse, compare, write, JSON answer); process_s adds interpreter
           start-up and imports
  utils    the module_utils calls the properties backend makes, in this process: parse the bytes,
           reads_as() for every managed key, set() them, serialise
"""

import os
import shutil
import time

import common

KEYS_PER_BLOCK = 7


def properties_text(lines):
    """A portal-ext.properties of about ``lines`` lines: comments, blank lines, plain and continued values."""
    out = []
    block = 0
    while len(out) < lines:
        out.append('# block %d of unrelated portal settings' % block)
        out.append('module.setting.%d.enabled=true' % block)
        out.append('module.setting.%d.url=https://service-%d.example.com/api?x=1&y=2' % (block, block))
        out.append('module.setting.%d.list=alpha,beta,gamma,\\' % block)
        out.append('    delta,epsilon')
        out.append('module.setting.%d.path=${liferay.home}/data/block-%d' % (block, block))
        out.append('')
        block += 1
    return '\n'.join(out[:lines]) + '\n'


def module_args(path):
    return dict(path=path, smtp=common.SMTP, pop=common.POP, javamail_properties=common.JAVAMAIL)


def _utils():
    """The module_utils the properties backend uses (importable once the collection path is on sys.path)."""
    import sys
    common.ensure_collection_path()
    if common.COLLECTIONS not in sys.path:
        sys.path.insert(0, common.COLLECTIONS)
    from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import PropertiesDocument
    from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MailSettings, mail_argument_spec
    return PropertiesDocument, MailSettings, mail_argument_spec


def desired_keys():
    PropertiesDocument, MailSettings, mail_argument_spec = _utils()
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    validated = ArgumentSpecValidator(mail_argument_spec()).validate(
        dict(smtp=common.SMTP, pop=common.POP, javamail_properties=common.JAVAMAIL))
    if validated.error_messages:
        raise RuntimeError('bench settings do not validate: %s' % validated.error_messages)
    return dict(MailSettings.from_params(validated.validated_parameters).portal_properties())


def utils_round(data, desired):
    """Parse, compare, edit and serialise as the backend does; returns (seconds, needed a write)."""
    PropertiesDocument = _utils()[0]
    started = time.perf_counter()
    document = PropertiesDocument.from_bytes(data)
    differs = [key for key, value in desired.items() if value is not None and not document.reads_as(key, value)]
    if differs:
        for key, value in desired.items():
            if value is not None:
                document.set(key, value)
        document.to_bytes()
    return time.perf_counter() - started, bool(differs)


def measure(sizes, reps, log=print):
    """{lines: {'module': {'change': {...}, 'nochange': {...}}, 'utils': {...}}} with lists of seconds."""
    desired = desired_keys()
    workdir = common.scratch_dir('bigfile-')
    results = {}
    try:
        for lines in sizes:
            text = properties_text(lines)
            path = os.path.join(workdir, 'portal-ext.properties')
            entry = {
                'module': {'change': {'main_s': [], 'main_cpu_s': [], 'process_s': []},
                           'nochange': {'main_s': [], 'main_cpu_s': [], 'process_s': []}},
                'utils': {'change': [], 'nochange': []},
                'bytes': len(text.encode('utf-8')),
            }
            changed_bytes = None
            for rep in range(reps):
                for case in common.rotated(('change', 'nochange'), rep):
                    with open(path, 'w') as handle:
                        handle.write(text)
                    if case == 'nochange':
                        # bring the file to the desired state first (untimed)
                        common.run_module(workdir, 'mail_settings', module_args(path))
                    run = common.run_module(workdir, 'mail_settings', module_args(path))
                    if run['result'].get('failed') or run['result'].get('changed') != (case == 'change'):
                        raise RuntimeError('bigfile %d lines, %s: unexpected result %s' % (lines, case, run['result'].get('msg')))
                    entry['module'][case]['main_s'].append(run['main_s'])
                    entry['module'][case]['process_s'].append(run['process_s'])
                    entry['module'][case]['main_cpu_s'].append(run['main_cpu_s'])
                    if case == 'nochange':
                        with open(path, 'rb') as handle:
                            changed_bytes = handle.read()
                # in-process module_utils timing on the same two inputs
                for case, data in (('change', text.encode('utf-8')), ('nochange', changed_bytes)):
                    if data is None:
                        continue
                    seconds, wrote = utils_round(data, desired)
                    if wrote != (case == 'change'):
                        raise RuntimeError('bigfile %d lines: module_utils disagree with the module on %s' % (lines, case))
                    entry['utils'][case].append(seconds)
            results[lines] = entry
            log('  bigfile %6d lines: module main() change %s / no change %s, module_utils %s / %s' % (
                lines, common.seconds(entry['module']['change']['main_s']),
                common.seconds(entry['module']['nochange']['main_s']),
                common.seconds(entry['utils']['change']), common.seconds(entry['utils']['nochange'])))
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarise(results):
    """Medians, and the time per 1000 lines at each size (flat per-line cost = linear growth)."""
    summary = {}
    for lines, entry in sorted(results.items()):
        row = {'bytes': entry['bytes']}
        for case in ('change', 'nochange'):
            row['module_main_s ' + case] = common.median(entry['module'][case]['main_s'])
            row['module_main_cpu_s ' + case] = common.median(entry['module'][case]['main_cpu_s'])
            row['module_process_s ' + case] = common.median(entry['module'][case]['process_s'])
            row['utils_s ' + case] = common.median(entry['utils'][case])
            row['ms_per_1k_lines ' + case] = 1000.0 * row['module_main_s ' + case] / (lines / 1000.0)
        summary[lines] = row
    return summary
