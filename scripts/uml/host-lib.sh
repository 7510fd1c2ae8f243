# SPDX-License-Identifier: GPL-2.0-only
# Host-side helpers of the system tests (sourced by scripts/checks/70-system.sh
# after scripts/lib.sh, with UML set to scripts/uml): reading a run
# directory left by boot.sh, booting a scenario, judging it.
#
# Every system-test scenario is a file scripts/uml/scenarios/NAME.verdict.sh,
# next to the guest script it boots, that defines
#   scn_name            the check's name (the PASS/FAIL line)
#   scn_boot RUN        boot the guest into the run directory RUN; the DTB it
#                       boots with is RUN.dtb (scn_dtb, board_boot)
#   scn_judge RUN       print one reason per line why the run failed, nothing
#                       if it passed; may write a one-line RUN/figures
# or, where one boot answers several checks, instead of scn_name/scn_judge
#   scn_checks=("NAME|FUNCTION" ...)   FUNCTION RUN judges check NAME as
#                       scn_judge does
# 70-system.sh boots every such file and judges it (scn_verdicts).
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
# commit_after RUN MARK TEXT: set commit_ms to the milliseconds from the
# scenario mark MARK to the first poweroff_cmd call; if there is no such
# mark or no call, print why ("no orderly_poweroff TEXT") and return 1
commit_after() {
	local t call
	t=$(mark_t "$1" "$2")
	call=$(head -n1 "$1/poweroff-calls" 2>/dev/null)
	if [ -z "$t" ]; then
		echo "scenario did not run"
		return 1
	elif [ -z "$call" ]; then
		echo "no orderly_poweroff $3"
		return 1
	fi
	commit_ms=$(ms_between "$t" "${call%% *}")
}
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

# scn_checks_of FILE: "NAME|FUNCTION", one line per check of a verdict file
scn_checks_of() {
	(
		scn_name=
		scn_checks=()
		. "$1"
		if [ ${#scn_checks[@]} -gt 0 ]; then
			printf '%s\n' "${scn_checks[@]}"
		else
			echo "${scn_name:-system: $(basename "$1" .verdict.sh) (no scn_name)}|scn_judge"
		fi
	)
}
# scn_verdicts FILE RUN: judge the run directory RUN of the verdict file
# FILE: a PASS/FAIL line per check, then the run's figures, if any
scn_verdicts() {
	local f=$1 R=$2 name fn r
	while IFS='|' read -r name fn; do
		mapfile -t r < <(scn_judge() { echo "$f defines no scn_judge"; }
				 . "$f"; "$fn" "$R" </dev/null)
		verdict "$name" "$R" "${r[@]}"
	done < <(scn_checks_of "$f")
	if [ -s "$R/figures" ]; then
		sed 's/^/  figures: /' "$R/figures"
		log "$(basename "$R"): $(cat "$R/figures")"
	fi
}

# ---- the outage on a board overlay of dts/ (scenarios/board-*.verdict.sh) ----
# board_wait_s DTB: how long the outage scenario waits for the commit
board_wait_s() {
	local w=$(( $(ups_prop "$1" fallback-shutdown-ms 3000) / 1000 + 40 ))
	[ "$w" -le 100 ] || w=100
	echo "$w"
}
# board_boot RUN OVERLAY [-e K=V...]: dts/OVERLAY.dts onto the simulated
# HAT (RUN.dtb), then outage.sh with the simulated store set up by K=V
board_boot() {
	local R=$1 ovl=$2 w
	shift 2
	"$UML/mkdtb.sh" "$R.dtb" "$GPIO_UPS_ROOT/dts/$ovl.dts" >&2 || { rm -f "$R.dtb"; return 0; }
	w=$(board_wait_s "$R.dtb")
	boot $(( w + 40 )) "$R.dtb" "$R" outage -e G_SHUTDOWN_WAIT_S=3 -e G_WAIT_S="$w" "$@"
}
# board_judge RUN OVERLAY: exactly one orderly_poweroff within the wait,
# with the energy for shutdown-duration-ms at the load then left, the
# shutdown line (if the board has one) asserted at power-off, no brownout
board_judge() {
	local R=$1 ovl=$2 bdtb=$1.dtb bdur os call e rep
	if [ ! -f "$bdtb" ]; then
		echo "dts/$ovl.dts does not apply onto scripts/uml/base.dts (see the step log)"
		return
	fi
	bdur=$(ups_prop "$bdtb" shutdown-duration-ms 20000)
	os=$(mark_t "$R" outage-start)
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	if [ -z "$os" ]; then
		echo "scenario did not run; guest errors: $(cat "$R/errors" 2>/dev/null)"
	elif [ -z "$call" ]; then
		echo "no orderly_poweroff within $(board_wait_s "$bdtb") s of the outage"
	else
		[ "$(ncalls "$R")" -eq 1 ] || echo "orderly_poweroff ran $(ncalls "$R") times"
		e=$(energy_ok "$call" "$bdur")
		[ -z "$e" ] || echo "$e"
		rep=$(poweroff_report "$R")
		if fdtget "$bdtb" /gpio-ups shutdown-gpios >/dev/null 2>&1; then
			[ "$(field "$rep" shutdown_line)" = 1 ] ||
				echo "shutdown line not asserted at power-off: ${rep:-no report}"
		fi
		[ "$(field "$rep" brownout)" = 0 ] || echo "the store ran dry: ${rep:-no power-off report}"
		log "$ovl: commit $(awk -v a="${call%% *}" -v b="$os" 'BEGIN { printf "%.1f", a - b }') s after the cut; $call"
	fi
}
