# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Restart one simulated portal node and wait until it has started; log when (for the overlap check).

    restart_node.py NODE_URL NODE_NAME LOG_FILE
"""

import json
import sys
import time
import urllib.request


def main(url, node, log_file):
    began = time.time()
    urllib.request.urlopen(urllib.request.Request(url + '/sim/restart', method='POST'), timeout=30).close()
    # The node answers 503 while "starting" (--startup-delay); a restart ends when it is up again.
    deadline = time.monotonic() + 60
    while True:
        with urllib.request.urlopen(url + '/sim/status', timeout=10) as response:
            if not json.load(response)['starting']:
                break
        if time.monotonic() > deadline:
            sys.exit('%s did not start within 60 s' % node)
        time.sleep(0.1)
    with open(log_file, 'a', encoding='utf-8') as handle:
        handle.write(json.dumps({'node': node, 'began': began, 'ended': time.time()}) + '\n')


if __name__ == '__main__':
    main(*sys.argv[1:4])
