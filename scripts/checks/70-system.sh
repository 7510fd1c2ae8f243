#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# System tests: gpio-ups.ko on a simulated HAT in a UML 6.12 guest
# (scripts/uml/).  Every scenario is a file scripts/uml/scenarios/
# NAME.verdict.sh, next to the guest script it boots, that carries its boot
# and its verdict (see scripts/uml/host-lib.sh).  Each check is one
# PASS/FAIL line, and also fails if the kernel log shows an oops, a KASAN
# report, a WARNING or a BUG.  The scenarios:
#   system    glitch < debounce; outage ridden through; long outage -> commit
#   reboot    reboot while on backup
#   lowbat    low-battery line during an outage
#   adcfail   ADC fails mid-outage
#   hung      long outage whose shutdown never finishes
#   board-*   the outage scenario on each board overlay of dts/ (seeds 001,
#             002, 003)
#   flap-*, adcfreeze, adclost, adchang: flapping mains, frozen / lost /
#             hung ADC
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

D=$(step_dir)
UML="$GPIO_UPS_ROOT/scripts/uml"
# helpers over run directories, the boot helper and the verdict
. "$UML/host-lib.sh"

# The guests spend most of their time waiting in real time: they boot in
# five chains of about equal length side by side (a to e), then each run is
# judged.  The long boots go to chains a-c as listed here, in the order of
# their check lines; every other scenario goes to chain d or e in turn, and
# its lines come after.
sched=(a:system a:reboot a:lowbat c:adcfail b:hung
       c:board-sla c:board-ltc4041 b:board-ltc4041-stm32)
own=() chain=()
for s in "${sched[@]}"; do
	f="$UML/scenarios/${s#*:}.verdict.sh"
	[ -f "$f" ] || continue
	own+=("$f")
	chain+=("${s%%:*}")
done
i=0
for f in "$UML"/scenarios/*.verdict.sh; do
	case " ${sched[*]} " in *":$(basename "$f" .verdict.sh) "*) continue ;; esac
	own+=("$f")
	chain+=("$([ $((i % 2)) -eq 0 ] && echo d || echo e)")
	i=$((i + 1))
done

# all_skip, all_fail REASON: every check of every scenario, then exit
all_checks() {
	local f
	for f in "${own[@]}"; do scn_checks_of "$f"; done | cut -d'|' -f1
}
all_skip() {
	local n
	while read -r n; do skip "$n" "$1"; done < <(all_checks)
	exit 0
}
all_fail() {
	local n
	while read -r n; do fail "$n" "$1"; done < <(all_checks)
	exit 1
}

[ -f "$GPIO_UPS_ROOT/drivers/power/supply/gpio-ups-drv.c" ] ||
	all_skip "drivers/power/supply/gpio-ups-drv.c is not there yet"
if ! "$UML/build-kernel.sh" >&2 || ! bin=$("$UML/build-modules.sh"); then
	all_fail "UML kernel or module build failed (see the step log)"
fi
[ -f "$bin/gpio-ups.ko" ] || all_fail "gpio-ups.ko not built"

rc=0
export UML_SIM_PREBUILT=1

boot_chain() { # boot_chain CHAIN: boot its scenarios one after the other
	local i
	for i in "${!own[@]}"; do
		[ "${chain[$i]}" = "$1" ] || continue
		( . "${own[$i]}"; scn_boot "$D/$(basename "${own[$i]}" .verdict.sh)" )
	done
}
t_boots=$SECONDS
for c in a b c d e; do
	boot_chain $c 2> "$D/chain-$c.log" &
done
wait
cat "$D"/chain-?.log >&2
log "all boots took $((SECONDS - t_boots)) s"

for f in "${own[@]}"; do
	scn_verdicts "$f" "$D/$(basename "$f" .verdict.sh)"
done
exit $rc
