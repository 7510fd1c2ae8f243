#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the UML guest of the simulated HAT once and run one scenario.
#
# Usage: boot.sh [-t SECONDS] [-q] [-e KEY=VALUE]... DTB OUTDIR SCENARIO
#   DTB       device tree from mkdtb.sh
#   OUTDIR    host directory for the run (emptied); the guest mounts it at
#             /dev/ups-out and leaves there: console.log (also on stdout),
#             uml-stderr.log (UML's own start-up checks),
#             uevents.log, marks, poweroff-calls, poweroff-end, dmesg.log
#   SCENARIO  scripts/uml/scenarios/SCENARIO.sh, run by the guest's init
#   -t        kill the guest after SECONDS (default 180)
#   -q        quiet kernel console (loglevel 4); dmesg.log, saved by the
#             guest before it powers off, still has every message
#   -e        extra variable for the scenario (in guest.env)
# UML_SIM_PREBUILT=1 in the environment skips the (cached) build steps.
# Exit status: that of the UML kernel process (124 on timeout).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

timeout_s=180 quiet= extra=()
while getopts "t:qe:" o; do
	case $o in
	t) timeout_s=$OPTARG ;;
	q) quiet=quiet ;;
	e) extra+=("$OPTARG") ;;
	*) die "usage: $0 [-t S] [-q] [-e K=V]... DTB OUTDIR SCENARIO" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || die "usage: $0 [-t S] [-q] [-e K=V]... DTB OUTDIR SCENARIO"
dtb=$(realpath "$1") out=$2 scn=$3
[ -f "$GPIO_UPS_ROOT/scripts/uml/scenarios/$scn.sh" ] || die "no scenario $scn"

if [ -n "${UML_SIM_PREBUILT:-}" ]; then
	# the caller ran build-kernel.sh and build-modules.sh already
	build=${UML_SIM_BUILD:-$CACHE/build/uml-sim}
	bin=${UML_SIM_OUT:-$CACHE/build/uml-sim-out}
else
	build=$("$GPIO_UPS_ROOT/scripts/uml/build-kernel.sh")
	bin=$("$GPIO_UPS_ROOT/scripts/uml/build-modules.sh")
fi

rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
{
	printf 'G_ROOT=%q\nG_BIN=%q\nG_SCENARIO=%q\n' "$GPIO_UPS_ROOT" "$bin" "$scn"
	for kv in "${extra[@]}"; do printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"; done
} > "$out/guest.env"

set +e
timeout -k 5 "$timeout_s" "$build/linux" mem=256M dtb="$dtb" \
	rootfstype=hostfs rootflags=/ ro init="$GPIO_UPS_ROOT/scripts/uml/init.sh" \
	con=null con0=fd:0,fd:1 uml_dir="$out/uml" $quiet \
	gpio_ups_out="$out" </dev/null 2>"$out/uml-stderr.log" | tee "$out/console.log"
rc=${PIPESTATUS[0]}
set -e
rm -rf "$out/uml"
exit "$rc"
