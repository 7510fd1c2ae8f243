#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot and judge system-test scenarios that carry their own verdict
# (scripts/uml/scenarios/NAME.verdict.sh) one by one, outside make check:
#
# Usage: scripts/uml/run-verdict.sh OUTDIR NAME...
#   e.g. scripts/uml/run-verdict.sh /tmp/v flap-gpio adchang board-sla
# Each run lands in OUTDIR/NAME (console.log, marks, ...; DTB OUTDIR/NAME.dtb);
# prints PASS/FAIL lines as scripts/checks/70-system.sh does, with figures.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

[ $# -ge 2 ] || die "usage: $0 OUTDIR NAME..."
D=$(mkdir -p "$1" && realpath "$1")
shift
UML="$GPIO_UPS_ROOT/scripts/uml"
"$UML/build-kernel.sh" >/dev/null || die "UML kernel build failed"
"$UML/build-modules.sh" >/dev/null || die "module build failed"
export UML_SIM_PREBUILT=1
. "$UML/host-lib.sh"

rc=0
for n in "$@"; do
	f="$UML/scenarios/$n.verdict.sh"
	[ -f "$f" ] || die "no $f"
	( . "$f"; scn_boot "$D/$n" ) 2> "$D/$n.log"
	scn_verdicts "$f" "$D/$n" 2>> "$D/$n.log"
done
exit $rc
