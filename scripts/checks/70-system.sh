#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# System tests: gpio-ups.ko on a simulated HAT in a UML 6.12 guest
# (scripts/uml/).  Each scenario is one PASS/FAIL line; every scenario also
# fails if the kernel log shows an oops, a KASAN report, a WARNING or a BUG.
#
# Boots (in sequence, each a few tens of seconds):
#   system   glitch < debounce; outage ridden through; long outage -> commit
#   reboot   reboot while on backup
#   lowbat   low-battery line during an outage
#   adcfail  ADC fails mid-outage
#   hung     long outage whose shutdown never finishes
#   board-*  the outage scenario on each board overlay of dts/ (seeds 001,
#            002, 003)
# and every scripts/uml/scenarios/*.verdict.sh: a scenario that carries its
# own boot and verdict (flapping mains, frozen / lost / hung ADC; see
# scripts/uml/host-lib.sh).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

D=$(step_dir)
UML="$GPIO_UPS_ROOT/scripts/uml"

names=(
	"system: glitch shorter than the debounce: no uevent, no shutdown"
	"system: outage ridden through: uevents for loss and return, no shutdown"
	"system: long outage: exactly one orderly_poweroff, energy left for the shutdown, shutdown load measured"
	"system: shutdown line asserted only at power-off"
	"system: reboot instead of power-off: shutdown line not asserted"
	"system: low-battery line during an outage: immediate commit"
	"system: ADC failing mid-outage: dead reckoning commits, no brownout, no oops"
	"system: shutdown hangs: one forced power-off before the store runs dry"
)
boards=(
	"001:gpio-ups-sla"
	"002:gpio-ups-ltc4041"
	"003:gpio-ups-ltc4041-stm32"
)
own=()
for f in "$UML"/scenarios/*.verdict.sh; do
	[ -f "$f" ] && own+=("$f")
done
# own_name FILE: the check name a scenario's verdict file declares
own_name() { ( scn_name=; . "$1"; echo "${scn_name:-system: $(basename "$1" .verdict.sh) (no scn_name)}" ); }
all_skip() {
	local n b f
	for n in "${names[@]}"; do skip "$n" "$1"; done
	for b in "${boards[@]}"; do skip "system: board seed ${b%%:*} (${b#*:}): outage" "$1"; done
	for f in "${own[@]}"; do skip "$(own_name "$f")" "$1"; done
	exit 0
}

[ -f "$GPIO_UPS_ROOT/drivers/power/supply/gpio-ups-drv.c" ] ||
	all_skip "drivers/power/supply/gpio-ups-drv.c is not there yet"
if ! "$UML/build-kernel.sh" >&2 || ! bin=$("$UML/build-modules.sh"); then
	for n in "${names[@]}"; do fail "$n" "UML kernel or module build failed (see the step log)"; done
	for f in "${own[@]}"; do fail "$(own_name "$f")" "UML kernel or module build failed (see the step log)"; done
	exit 1
fi
[ -f "$bin/gpio-ups.ko" ] || { fail "${names[0]}" "gpio-ups.ko not built"; exit 1; }

rc=0
export UML_SIM_PREBUILT=1
# helpers over run directories, the boot helper and the verdict
. "$UML/host-lib.sh"

# ---- boards ------------------------------------------------------------------
# per board: simulated store set-up for a short run (the overlays describe
# 25-100 F stores; an SLA battery is modelled by a store whose low-battery
# comparator trips at 3.6 V, as the seed 001 board's LOW line does at ~40 %)
board_env() {
	case $1 in
	gpio-ups-sla) echo "-e G_SIM_VOLTAGE_UV=3750000 -e G_SIM_LOWBAT_UV=3600000 -e G_SIM_LOAD_UW=2500000" ;;
	*) echo "-e G_SIM_LOAD_UW=2500000" ;;
	esac
}
board_wait_s() { # board_wait_s DTB: how long the outage scenario waits
	local w=$(( $(ups_prop "$1" fallback-shutdown-ms 5000) / 1000 + 40 ))
	[ "$w" -le 100 ] || w=100
	echo "$w"
}

dtb="$D/demo.dtb"
"$UML/demo-dtb.sh" "$dtb" >&2
deb=$(ups_prop "$dtb" power-fail-debounce-ms 100)
dur=$(ups_prop "$dtb" shutdown-duration-ms 20000)
sdpct=$(ups_prop "$dtb" shutdown-load-percent 100)
lbdeb=$(ups_prop "$dtb" low-battery-debounce-ms "$deb")
fb=$(ups_prop "$dtb" fallback-shutdown-ms 5000)
for b in "${boards[@]}"; do
	ovl=${b#*:}
	[ -f "$GPIO_UPS_ROOT/dts/$ovl.dts" ] || continue
	"$UML/mkdtb.sh" "$D/$ovl.dtb" "$GPIO_UPS_ROOT/dts/$ovl.dts" >&2 || rm -f "$D/$ovl.dtb"
done

boot_board() { # boot_board OVERLAY-NAME
	local w
	[ -f "$D/$1.dtb" ] || return 0
	w=$(board_wait_s "$D/$1.dtb")
	# shellcheck disable=SC2046
	boot $(( w + 40 )) "$D/$1.dtb" "$D/$1" outage -e G_SHUTDOWN_WAIT_S=3 \
		-e G_WAIT_S="$w" $(board_env "$1")
}

# The guests spend most of their time waiting in real time: boot them in
# three chains of about equal length side by side, then judge each run.
chain_a() {
	boot 200 "$dtb" "$D/system" system -e G_DEBOUNCE_MS="$deb"
	boot 60 "$dtb" "$D/reboot" reboot
	boot 60 "$dtb" "$D/lowbat" lowbat -e G_SHUTDOWN_WAIT_S=2
}
chain_b() {
	boot 150 "$dtb" "$D/hung" hung -e G_SHUTDOWN_WAIT_S=600
	boot_board gpio-ups-ltc4041-stm32
}
chain_c() {
	boot 90 "$dtb" "$D/adcfail" adcfail -e G_SHUTDOWN_WAIT_S=2 -e G_WAIT_S=45
	boot_board gpio-ups-sla
	boot_board gpio-ups-ltc4041
}
# the scenarios with their own verdict file, in two more chains
own_boot() { # own_boot FILE...
	local f
	for f in "$@"; do
		( . "$f"; scn_boot "$D/$(basename "$f" .verdict.sh)" )
	done
}
chain_d() { local i; for i in "${!own[@]}"; do [ $((i % 2)) -eq 0 ] && own_boot "${own[$i]}"; done; }
chain_e() { local i; for i in "${!own[@]}"; do [ $((i % 2)) -eq 1 ] && own_boot "${own[$i]}"; done; }
t_boots=$SECONDS
chain_a 2> "$D/chain-a.log" &
chain_b 2> "$D/chain-b.log" &
chain_c 2> "$D/chain-c.log" &
chain_d 2> "$D/chain-d.log" &
chain_e 2> "$D/chain-e.log" &
wait
cat "$D"/chain-?.log >&2
log "all boots took $((SECONDS - t_boots)) s"

# ---- boot 1: glitch, ride-through, long outage ------------------------------
R="$D/system"

r=()
gs=$(mark_t "$R" glitch-start) ge=$(mark_t "$R" glitch-end)
if [ -z "$gs" ] || [ -z "$ge" ]; then
	r+=("scenario did not run (no marks); guest errors: $(cat "$R/errors" 2>/dev/null)")
else
	ev=$(uevents "$R" "$gs" "$ge")
	[ -z "$ev" ] || r+=("uevents during a $((deb / 2)) ms glitch:" "$ev")
	grep -q 'policy=on-backup\|policy=shutdown' <<< "$(mark_line "$R" glitch-end)" &&
		r+=("policy_state after the glitch: $(mark_line "$R" glitch-end)")
	awk -v a="$gs" -v b="$ge" '$1 >= a && $1 < b' "$R/poweroff-calls" 2>/dev/null | grep -q . &&
		r+=("orderly_poweroff during the glitch")
fi
verdict "${names[0]}" "$R" "${r[@]}"

r=()
rs=$(mark_t "$R" ride-start) rm_=$(mark_t "$R" ride-mid) re=$(mark_t "$R" ride-end)
if [ -z "$rs" ] || [ -z "$re" ]; then
	r+=("scenario did not run to its end (marks: $(tr '\n' ';' < "$R/marks" 2>/dev/null))")
else
	uevents "$R" "$rs" "$rm_" | is_loss | grep -q . ||
		r+=("no uevent reporting the loss of mains within the outage" "$(uevents "$R" "$rs" "$re")")
	uevents "$R" "$rm_" "$re" | is_return | grep -q . ||
		r+=("no uevent reporting the return of mains" "$(uevents "$R" "$rs" "$re")")
	awk -v b="$re" '$1 < b' "$R/poweroff-calls" 2>/dev/null | grep -q . &&
		r+=("orderly_poweroff during an outage the store could ride through")
fi
verdict "${names[1]}" "$R" "${r[@]}"

r=()
ls_=$(mark_t "$R" long-start)
n=$(ncalls "$R")
call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
if [ -z "$ls_" ]; then
	r+=("long outage not reached")
elif [ "$n" -ne 1 ]; then
	r+=("orderly_poweroff ran $n times (poweroff_cmd calls), expected 1")
	[ "$n" -eq 0 ] || r+=("$(cat "$R/poweroff-calls")")
else
	e=$(energy_ok "$call" "$dur" "$sdpct")
	[ -z "$e" ] || r+=("$e")
	rep=$(poweroff_report "$R")
	[ -n "$rep" ] || r+=("the guest did not reach power-off")
	[ "$(field "$rep" brownout)" = 0 ] && [ "$(field "$(cat "$R/poweroff-end" 2>/dev/null)" brownout)" = 0 ] ||
		r+=("the store ran dry before power-off: ${rep:-no report}")
	grep -q 'HARDWARE PROTECTION' "$R/console.log" &&
		r+=("forced emergency power-off during a shutdown that stayed within shutdown-duration-ms:"
		    "$(grep -m2 -E 'HARDWARE PROTECTION|still up' "$R/console.log")")
	# the driver's measurement of the shutdown, logged at power-off: the
	# guest shuts down at shutdown-load-percent of its running load
	sd=$(grep -o 'power-off [0-9]* ms after the commit; the shutdown drew [0-9]* mW, [0-9]*%' \
		"$R/console.log" | tail -n1)
	pct=$(sed -n 's/.*mW, \([0-9]*\)%$/\1/p' <<< "$sd")
	if [ -z "$pct" ]; then
		r+=("the driver logged no measurement of the shutdown at power-off")
	elif [ "$pct" -lt $(( sdpct - 5 )) ] || [ "$pct" -gt $(( sdpct + 15 )) ]; then
		r+=("measured shutdown load ${pct}% of the running load; the guest shut down at ${sdpct}%: $sd")
	fi
	ct=${call%% *}
	log "long outage: ${sd:-no shutdown measurement}"
	log "long outage: commit $(awk -v a="$ct" -v b="$ls_" 'BEGIN { printf "%.1f", a - b }') s after the cut, usable $(( $(field "$call" usable_uj) / 1000 )) mJ, load $(( $(field "$call" load_uw) / 1000 )) mW, shutdown ${dur} ms"
fi
verdict "${names[2]}" "$R" "${r[@]}"

r=()
if [ -z "$call" ]; then
	r+=("no orderly_poweroff in the long outage")
else
	[ "$(field "$call" shutdown)" = 0 ] || r+=("shutdown line asserted at the commit (before power-off): $call")
	end=$(cat "$R/poweroff-end" 2>/dev/null)
	[ -z "$end" ] || [ "$(field "$end" shutdown)" = 0 ] ||
		r+=("shutdown line asserted while the system was still shutting down: $end")
	grep -q 'shutdown line asserted while running' "$R/console.log" &&
		r+=("$(grep 'shutdown line asserted while running' "$R/console.log" | head -n1)")
	rep=$(poweroff_report "$R")
	[ "$(field "$rep" shutdown_line)" = 1 ] || r+=("shutdown line not asserted at power-off: ${rep:-no power-off report}")
fi
verdict "${names[3]}" "$R" "${r[@]}"

# ---- boot 2: reboot ---------------------------------------------------------
R="$D/reboot"
r=()
rep=$(restart_report "$R")
if [ -z "$rep" ]; then
	r+=("no restart report from the simulated HAT (the guest did not reboot)")
else
	[ "$(field "$rep" shutdown_line)" = 0 ] || r+=("shutdown line asserted on reboot: $rep")
	grep -q 'policy=on-backup' <<< "$(mark_line "$R" reboot)" ||
		r+=("not on backup when rebooting: $(mark_line "$R" reboot)")
fi
[ "$(cat "$R/restarted" 2>/dev/null)" = 2 ] || r+=("the guest did not come up again after the reboot")
[ "$(ncalls "$R")" -eq 0 ] || r+=("orderly_poweroff ran during the reboot scenario")
verdict "${names[4]}" "$R" "${r[@]}"

# ---- boot 3: low-battery line -------------------------------------------------
R="$D/lowbat"
r=()
lb=$(mark_t "$R" lowbat)
call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
if [ -z "$lb" ]; then
	r+=("scenario did not run")
elif [ -z "$call" ]; then
	r+=("no orderly_poweroff within 20 s of the low-battery line")
else
	dt=$(awk -v a="${call%% *}" -v b="$lb" 'BEGIN { printf "%d", (a - b) * 1000 }')
	[ "$dt" -ge 0 ] || r+=("orderly_poweroff before the low-battery line (${dt} ms)")
	[ "$dt" -le $(( lbdeb + 1000 )) ] ||
		r+=("orderly_poweroff ${dt} ms after the low-battery line (debounce ${lbdeb} ms + 1 s allowed)")
	log "low battery: commit ${dt} ms after the line"
	[ "$(ncalls "$R")" -eq 1 ] || r+=("orderly_poweroff ran $(ncalls "$R") times")
fi
verdict "${names[5]}" "$R" "${r[@]}"

# ---- boot 4: ADC failure --------------------------------------------------------
R="$D/adcfail"
r=()
af=$(mark_t "$R" adcfail)
call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
if [ -z "$af" ]; then
	r+=("scenario did not run")
elif [ -z "$call" ]; then
	r+=("no orderly_poweroff within 45 s of the ADC failure")
else
	dt=$(awk -v a="${call%% *}" -v b="$af" 'BEGIN { printf "%d", (a - b) * 1000 }')
	[ "$dt" -ge 300 ] || r+=("committed ${dt} ms after the ADC failed: on the first bad reading")
	grep -q 'shutdown committed (dead-reckoning)' "$R/console.log" ||
		r+=("the commit was not taken by dead reckoning: $(grep -m1 'shutdown committed' "$R/console.log")")
	log "adc failure: commit ${dt} ms after the ADC failed, by dead reckoning (fallback ${fb} ms not used)"
	[ "$(ncalls "$R")" -eq 1 ] || r+=("orderly_poweroff ran $(ncalls "$R") times")
	[ "$(field "$(poweroff_report "$R")" brownout)" = 0 ] || r+=("store ran dry: $(poweroff_report "$R")")
fi
verdict "${names[6]}" "$R" "${r[@]}"

# ---- boot 5: the shutdown hangs ------------------------------------------------
R="$D/hung"
r=()
rep=$(poweroff_report "$R")
if [ -z "$(mark_t "$R" hung-start)" ]; then
	r+=("scenario did not run")
elif [ "$(ncalls "$R")" -lt 1 ]; then
	r+=("no orderly_poweroff in the outage")
elif [ -z "$rep" ]; then
	r+=("the system stayed up with the shutdown hung: no forced power-off")
else
	[ "$(field "$rep" brownout)" = 0 ] || r+=("the store ran dry before the forced power-off: $rep")
	n=$(grep -c 'gpio-ups.*still up' "$R/console.log")
	[ "$n" -le 1 ] || r+=("the forced power-off was started $n times (once expected):"
			       "$(grep -m3 'gpio-ups.*still up' "$R/console.log")")
	log "hung shutdown: $rep; emergency messages: $n"
fi
verdict "${names[7]}" "$R" "${r[@]}"

# ---- boards ---------------------------------------------------------------------
for b in "${boards[@]}"; do
	seed=${b%%:*} ovl=${b#*:}
	name="system: board seed $seed ($ovl): outage"
	if [ ! -f "$GPIO_UPS_ROOT/dts/$ovl.dts" ]; then
		skip "$name" "dts/$ovl.dts is not there yet"
		continue
	fi
	bdtb="$D/$ovl.dtb"
	if [ ! -f "$bdtb" ]; then
		fail "$name" "dts/$ovl.dts does not apply onto scripts/uml/base.dts (see the step log)"
		rc=1
		continue
	fi
	R="$D/$ovl"
	bdur=$(ups_prop "$bdtb" shutdown-duration-ms 20000)
	wait_s=$(board_wait_s "$bdtb")
	r=()
	os=$(mark_t "$R" outage-start)
	call=$(head -n1 "$R/poweroff-calls" 2>/dev/null)
	if [ -z "$os" ]; then
		r+=("scenario did not run; guest errors: $(cat "$R/errors" 2>/dev/null)")
	elif [ -z "$call" ]; then
		r+=("no orderly_poweroff within ${wait_s} s of the outage")
	else
		[ "$(ncalls "$R")" -eq 1 ] || r+=("orderly_poweroff ran $(ncalls "$R") times")
		e=$(energy_ok "$call" "$bdur")
		[ -z "$e" ] || r+=("$e")
		rep=$(poweroff_report "$R")
		if fdtget "$bdtb" /gpio-ups shutdown-gpios >/dev/null 2>&1; then
			[ "$(field "$rep" shutdown_line)" = 1 ] ||
				r+=("shutdown line not asserted at power-off: ${rep:-no report}")
		fi
		[ "$(field "$rep" brownout)" = 0 ] || r+=("the store ran dry: ${rep:-no power-off report}")
		log "$ovl: commit $(awk -v a="${call%% *}" -v b="$os" 'BEGIN { printf "%.1f", a - b }') s after the cut; $call"
	fi
	verdict "$name" "$R" "${r[@]}"
done
# ---- scenarios with their own verdict (scripts/uml/scenarios/*.verdict.sh) ----
for f in "${own[@]}"; do
	R="$D/$(basename "$f" .verdict.sh)"
	mapfile -t r < <(scn_judge() { echo "$f defines no scn_judge"; }; . "$f"; scn_judge "$R")
	verdict "$(own_name "$f")" "$R" "${r[@]}"
	if [ -s "$R/figures" ]; then
		sed 's/^/  figures: /' "$R/figures"
		log "$(basename "$R"): $(cat "$R/figures")"
	fi
done
exit $rc
