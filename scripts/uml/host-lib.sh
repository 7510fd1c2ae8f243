# SPDX-License-Identifier: GPL-2.0-only
# Host-side helpers of the system tests (sourced by scripts/checks/70-system.sh
# after scripts/lib.sh, with UML set to scripts/uml): reading a run
# directory left by boot.sh, booting a scenario, judging it.
#
# Scenarios with their own verdict: scripts/uml/scenarios/NAME.verdict.sh,
# next to the guest script it boots, defines
#   scn_name            the check's name (the PASS/FAIL line)
#   scn_boot RUN        boot the guest into the run directory RUN; the DTB it
#                       boots with is RUN.dtb (scn_dtb)
#   scn_judge RUN       print one reason per line why the run failed, nothing
#                       if it passed; may write a one-line DIR/figures
# and 70-system.sh boots and judges every such file.
# shellcheck shell=bash

# ---- helpers over a run directory -------------------------------------------
# kernel_problems DIR: oops/KASAN/WARN/BUG lines of the console log
kernel_problems() {
	grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|general protection|Call Trace|UBSAN|refcount_t:' \
		"$1/console.log" 2>/dev/null | head -n 8
}
# mark DIR NAME: time of a scenario mark
mark_t() { awk -v n="$2" '$2 == n { print $1; exit }' "$1/marks" 2>/dev/null; }
mark_line() { awk -v n="$2" '$2 == n { print; exit }' "$1/marks" 2>/dev/null; }
# uevents DIR FROM TO: uevent lines with FROM <= t < TO
uevents() { awk -v a="$2" -v b="$3" '$1 >= a && $1 < b' "$1/uevents.log" 2>/dev/null; }
# loss / return events in uevent lines on stdin
is_loss() { grep -E 'POWER_SUPPLY_ONLINE=0|POWER_SUPPLY_STATUS=Discharging'; }
is_return() { grep -E 'POWER_SUPPLY_ONLINE=1|POWER_SUPPLY_STATUS=(Charging|Full|Not charging)'; }
ncalls() { [ -f "$1/poweroff-calls" ] && wc -l < "$1/poweroff-calls" || echo 0; }
# field LINE KEY: value of KEY=... in a status line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< " $1"; }
poweroff_report() { grep -o 'sim-hat: power-off:.*' "$1/console.log" 2>/dev/null | tail -n1; }
restart_report() { grep -o 'sim-hat: restart:.*' "$1/console.log" 2>/dev/null | tail -n1; }
ups_prop() { fdtget -t u "$1" /gpio-ups "$2" 2>/dev/null || echo "$3"; }
# verdict NAME DIR REASON...: PASS if no reason and a clean kernel log
verdict() {
	local name=$1 dir=$2 probs
	shift 2
	probs=$(kernel_problems "$dir")
	[ -z "$probs" ] || set -- "$@" "kernel log ($dir/console.log):" "$probs"
	if [ $# -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "$@"
		rc=1
	fi
}
# energy_ok CALL_LINE DURATION_MS [LOAD_PCT]: usable energy at the call
# covers the shutdown duration at LOAD_PCT (default 100) of the load then;
# prints a reason if not
energy_ok() {
	local u l
	u=$(field "$1" usable_uj) l=$(field "$1" load_uw)
	[ -n "$u" ] && [ -n "$l" ] || { echo "no store state recorded at the poweroff_cmd call"; return; }
	l=$(( l * ${3:-100} / 100 ))
	if [ "$u" -lt $(( l * $2 / 1000 )) ]; then
		echo "orderly_poweroff started with $((u / 1000)) mJ usable, the ${2} ms shutdown at $((l / 1000)) mW needs $(( l * $2 / 1000000 )) mJ"
	fi
}
boot() { # boot TIMEOUT DTB DIR SCENARIO [-e K=V...]
	local t=$1 dtb=$2 dir=$3 scn=$4
	shift 4
	local t0=$SECONDS st
	log "=== boot $scn ($dir)"
	"$UML/boot.sh" -t "$t" "$@" "$dtb" "$dir" "$scn" >&2
	st=$?
	log "=== $scn ($dir): exit status $st after $((SECONDS - t0)) s"
}

# ---- scenarios with their own verdict ---------------------------------------
# scn_dtb OUT [PROP=VALUE...] [-- SIMPROP=VALUE...]: the demo board
# (demo-dtb.sh; PROP=VALUE for its gpio-ups node, PROP= deletes, e.g.
# io-channels= io-channel-names= for a GPIO-only board), with u32
# properties of the simulated HAT set after "--" (e.g.
# initial-microvolt=3600000 charge-current-microamp=0)
scn_dtb() {
	local out=$1 ups=() kv
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ups+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	"$UML/demo-dtb.sh" "$out" "${ups[@]}" >&2 || return 1
	for kv in "$@"; do
		fdtput -t u "$out" /sim-hat "${kv%%=*}" "${kv#*=}" || return 1
	done
}
# ms_between T0 T1: milliseconds from T0 to T1 (seconds, as in marks)
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# mj UJ: microjoules as millijoules
mj() { echo $(( ${1:-0} / 1000 )); }
# outage_judge RUN: the verdict of an outage that must end in an orderly
# power-off (marks outage-start; the DTB is RUN.dtb):
#  - poweroff_cmd ran exactly once (one orderly_poweroff) and no forced
#    emergency power-off was needed;
#  - the simulated store never ran dry (no BROWNOUT in the log, brownout=0 at
#    power-off) and the guest did reach power-off;
#  - at the poweroff_cmd call (just after the commit) the store still held
#    the declared shutdown's energy: shutdown-duration-ms at
#    shutdown-load-percent of the load then.
# Prints the reasons; writes the figures to RUN/figures.
outage_judge() {
	local R=$1 dtb=$1.dtb os os_line n call rep dur pct u l need ct bo fig
	dur=$(ups_prop "$dtb" shutdown-duration-ms 20000)
	pct=$(ups_prop "$dtb" shutdown-load-percent 100)
	os=$(mark_t "$R" outage-start)
	if [ -z "$os" ]; then
		echo "scenario did not run (no outage-start mark); guest errors: $(cat "$R/errors" 2>/dev/null)"
		return
	fi
	n=$(ncalls "$R")
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	rep=$(poweroff_report "$R")
	bo=$(grep -o 'BROWNOUT:.*' "$R/console.log" 2>/dev/null | head -n1)
	os_line=$(mark_line "$R" outage-start)
	fig="cut at $(field "$os_line" store_uv) uV, usable $(mj "$(field "$os_line" usable_uj)") mJ"
	if [ "$n" -ne 1 ]; then
		echo "orderly_poweroff ran $n times (poweroff_cmd calls), expected exactly 1"
		[ "$n" -eq 0 ] || cat "$R/poweroff-calls"
	fi
	if [ -n "$call" ]; then
		u=$(field "$call" usable_uj) l=$(field "$call" load_uw)
		need=$(( ${l:-0} * pct * dur / 100000 ))
		ct=$(ms_between "$os" "${call%% *}")
		fig="$fig; commit (poweroff_cmd) ${ct} ms after the cut: store $(field "$call" store_uv) uV, usable $(mj "$u") mJ, the declared shutdown needs $(mj "$need") mJ (${dur} ms at ${pct}% of $(mj "$l") mW)"
		if [ -z "$u" ] || [ -z "$l" ]; then
			echo "no store state recorded at the poweroff_cmd call: $call"
		elif [ "$u" -lt "$need" ]; then
			echo "the commit came too late: $(mj "$u") mJ usable at the poweroff_cmd call ${ct} ms after the cut, the declared shutdown (${dur} ms at ${pct}% of $(mj "$l") mW) needs $(mj "$need") mJ"
		fi
	fi
	if grep -q 'still up with the backup energy nearly gone' "$R/console.log" 2>/dev/null; then
		echo "forced emergency power-off (not an orderly one): $(grep -m1 'still up with the backup' "$R/console.log")"
	fi
	if [ -n "$bo" ]; then
		echo "the simulated store ran dry with the host up: $bo"
		fig="$fig; $bo"
	fi
	if [ -z "$rep" ]; then
		echo "the guest did not reach power-off (last marks: $(tail -n2 "$R/marks" 2>/dev/null | tr '\n' ';'))"
	else
		[ "$(field "$rep" brownout)" = 0 ] || [ -n "$bo" ] ||
			echo "the store ran dry before power-off: $rep"
		fig="$fig; power-off: usable $(mj "$(field "$rep" usable_uj)") mJ, shutdown line $(field "$rep" shutdown_line)"
	fi
	echo "$fig" > "$R/figures"
}
# last_status RUN: the simulated HAT's last status line the guest recorded
# (poweroff-end, poweroff-calls, or a mark that carries one)
last_status() {
	{ cat "$1/poweroff-calls" "$1/poweroff-end" 2>/dev/null; grep 't_ms=' "$1/marks" 2>/dev/null; } |
		sort -n | tail -n1
}
