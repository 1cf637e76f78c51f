# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which probe climbs the ladder for which server, and running them side by side."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.pop import PopProbe
from ansible_collections.liferay_ops.mail.plugins.module_utils.probe.smtp import SmtpProbe

# settings section -> its probe
PROBES = dict((probe.kind, probe) for probe in (SmtpProbe, PopProbe))


def run_concurrently(probes, timeout):
    """Run probes in threads; the results come back in the order given."""
    results = [None] * len(probes)

    def work(index, probe):
        try:
            results[index] = probe.run()
        except Exception as exc:  # a bug must not hang or crash the other probe
            results[index] = dict(ok=False, failed_step='internal', steps=probe.steps,
                                  msg='%s probe crashed: %s' % (probe.kind, type(exc).__name__))

    threads = [threading.Thread(target=work, args=(index, probe)) for index, probe in enumerate(probes)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    for thread in threads:
        thread.join(timeout)
    for index, probe in enumerate(probes):
        if results[index] is None:
            results[index] = dict(ok=False, failed_step='internal', steps=probe.steps,
                                  msg='%s probe did not finish in time' % probe.kind)
    return results
