#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Store learning on the simulated HAT: the board of `make demo`
# (scripts/uml/demo-dtb.sh) declares its 15 F store with a 30 mOhm ESR and
# a 0.5 A constant-current charger (charge-current-microamp), but the
# simulated store has aged to 10.5 F and 60 mOhm.  One outage and one
# recharge later the driver shows the learned figures; then a shutdown too
# long for the aged store turns health to Dead.  About two minutes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs device-tree-compiler cpp "${KBUILD_PKGS[@]}"
OUT=${DEMO_OUT:-$CACHE/demo-learn}
UML="$GPIO_UPS_ROOT/scripts/uml"

if ! "$UML/build-kernel.sh" >/dev/null 2>&1; then
	echo "Building the UML kernel for the simulated HAT (first run only, ~10 min)..."
	"$UML/build-kernel.sh" >/dev/null
fi
"$UML/build-modules.sh" >/dev/null

mkdir -p "$OUT"
"$UML/demo-dtb.sh" "$OUT/board.dtb" charge-current-microamp=500000 esr-micro-ohms=30000
# the store as it is: aged, and charged at the declared current
fdtput -t u "$OUT/board.dtb" /sim-hat capacitance-microfarads 10500000
fdtput -t u "$OUT/board.dtb" /sim-hat esr-micro-ohms 60000
fdtput -t u "$OUT/board.dtb" /sim-hat charge-current-microamp 500000

set +e
UML_SIM_PREBUILT=1 "$UML/boot.sh" -t 170 "$OUT/board.dtb" "$OUT/run" learn |
	"$UML/console-filter.sh" 'BUG|WARNING|Oops|KASAN|panic'
rc=${PIPESTATUS[0]}
set -e
echo
echo "full console log: $OUT/run/console.log"
exit "$rc"
