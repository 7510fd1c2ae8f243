#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The user guide is reStructuredText: docutils (as a documentation
# build would) must read it without a warning.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs python3 python3-docutils || exit 1
rc=0
for doc in Documentation/power/gpio-ups.rst; do
	name="docs: $doc is reStructuredText without warnings"
	out=$(/usr/bin/python3 - "$GPIO_UPS_ROOT/$doc" 2>&1 <<'PY'
import sys
from docutils.core import publish_string
src = open(sys.argv[1], encoding='utf-8').read()
publish_string(src, source_path=sys.argv[1], writer_name='null',
               settings_overrides={'report_level': 2, 'halt_level': 5,
                                   'warning_stream': sys.stdout})
PY
)
	if [ -n "$out" ]; then
		fail "$name" "$out"
		rc=1
	else
		pass "$name"
	fi
done
exit $rc
