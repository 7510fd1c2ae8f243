#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# System tests of the Raspberry Pi board set-ups (UML guest, scripts/uml):
#
# 1. A store read through a resistor divider on a kernel without the IIO
# rescaler. The simulated HAT (scripts/uml) with the generic overlay
# and "adc_div" (the divider as output-ohms/full-ohms on the gpio-ups node,
# 100 k / 100 k) on the UML 6.12 guest, whose config has no
# CONFIG_IIO_RESCALE (as the Raspberry Pi kernels): the ADC sees half the
# store voltage, the driver must report the store's own voltage and a full
# store, and ride through a short outage (scenario "divider").
#
# 2. The UPS's hold time (shutdown-hold-ms): the seed 002 board overlay
# (SHUTDN at the commit, the UPS cuts 20 s later) with its shutdown time
# set back to the old 20 s default, so that the budget (20 s x 150 % +
# 2 s) exceeds the hold: the probe must say so, and with a shutdown that
# hangs (scenario "hung") the forced power-off must come 18 s after the
# commit (hold - 2 s), before the UPS cuts, not 30 s after.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

D=$(step_dir)
UML="$GPIO_UPS_ROOT/scripts/uml"
name="system: divider on the gpio-ups node (adc_div), no IIO_RESCALE: store voltage and capacity right"
hname="system: seed 002 board, budget over the 20 s hold: warned at probe, forced power-off inside the hold"

if ! build=$("$UML/build-kernel.sh") || ! bin=$("$UML/build-modules.sh"); then
	fail "$name" "UML kernel or module build failed (see the step log)"
	fail "$hname" "UML kernel or module build failed (see the step log)"
	exit 1
fi
export UML_SIM_PREBUILT=1
errs=()
if grep -q '^CONFIG_IIO_RESCALE=[ym]' "$build/.config"; then
	errs+=("the guest kernel has CONFIG_IIO_RESCALE: the test would not show the divider works without it")
fi

# the board: dtoverlay=gpio-ups,adc_div,... (15 F, 4.6 V -> 2.5 V)
need_pkgs python3 device-tree-compiler
"$GPIO_UPS_ROOT/scripts/dtbs.sh" "$D/dtbs" >&2
python3 "$GPIO_UPS_ROOT/scripts/ovparams.py" "$D/dtbs/gpio-ups.dtbo" "$D/board.dtbo" \
	adc_div capacitance_uf=15000000 vmax_uv=4600000 vmin_uv=2500000 efficiency=85 \
	shutdown_ms=8000 fallback_ms=10000 >&2 || errs+=("ovparams failed")
"$UML/mkdtb.sh" "$D/board.dtb" "$D/board.dtbo" >&2 || errs+=("mkdtb failed")
[ "$(fdtget "$D/board.dtb" /gpio-ups full-ohms 2>/dev/null)" = 200000 ] ||
	errs+=("the board has no full-ohms on /gpio-ups")

run="$D/run"
log "=== boot divider ($run)"
"$UML/boot.sh" -t 90 "$D/board.dtb" "$run" divider >&2
log "=== exit status $?"

# field TAG KEY: value of KEY= on the line TAG of the run's record
field() { awk -v t="$1" '$1 == t' "$run/divider" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"; }
absdiff() { local d=$(($1 - $2)); echo "${d#-}"; }
for tag in mains backup; do
	adc=$(field $tag adc_in_uv) term=$(field $tag terminal_uv) ups=$(field $tag ups_uv)
	if [ -z "$adc" ] || [ -z "$term" ] || [ -z "$ups" ]; then
		errs+=("$tag: no reading recorded (ups voltage_now '${ups}')")
		continue
	fi
	log "$tag: ADC input $adc uV, store terminal $term uV, voltage_now $ups uV"
	# the ADC sees half (12-bit over 5 V: 1.2 mV steps), the driver the
	# whole, both within 20 mV of the store's voltage while they were read
	# (on backup it drains: between $term_after and $term uV)
	term_after=$(field $tag terminal_after_uv)
	[ -n "$term_after" ] || term_after=$term
	within() { [ "$1" -ge $((term_after - 20000)) ] && [ "$1" -le $((term + 20000)) ]; }
	within $((adc * 2)) ||
		errs+=("$tag: the ADC input is $adc uV, not half the store's $term_after..$term uV")
	within "$ups" ||
		errs+=("$tag: voltage_now is $ups uV, the store is at $term_after..$term uV (ADC input $adc uV)")
done
cap=$(field mains capacity)
[ -n "$cap" ] && [ "$cap" -ge 95 ] || errs+=("capacity on mains with a full store is '${cap}', expected >= 95")
[ "$(field backup status)" = Discharging ] || errs+=("on backup, status is '$(field backup status)'")
[ ! -e "$run/poweroff-calls" ] || errs+=("the driver powered off during a 5 s outage on a full store")
[ ! -e "$run/errors" ] || errs+=("guest errors: $(tr '\n' ' ' < "$run/errors")")
probs=$(grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|Call Trace' "$run/console.log" 2>/dev/null | head -n 8)
[ -z "$probs" ] || errs+=("kernel log ($run/console.log):" "$probs")
rc=0
if [ ${#errs[@]} -eq 0 ]; then
	pass "$name ($(field mains ups_uv) uV from $(field mains adc_in_uv) uV at the ADC, $cap %)"
else
	fail "$name" "${errs[@]}" "records: $(cat "$run/divider" 2>/dev/null)"
	rc=1
fi

# ---- 2. hold time ---------------------------------------------------------------
errs=()
"$UML/mkdtb.sh" "$D/hold.dtb" "$D/dtbs/gpio-ups-ltc4041.dtbo" shutdown-duration-ms=20000 >&2 ||
	errs+=("mkdtb failed")
[ "$(fdtget "$D/hold.dtb" /gpio-ups shutdown-hold-ms 2>/dev/null)" = 20000 ] ||
	errs+=("the seed 002 overlay sets no 20 s hold time (shutdown-hold-ms)")
run="$D/hold"
log "=== boot hung on the seed 002 board ($run)"
"$UML/boot.sh" -t 120 -e G_SHUTDOWN_WAIT_S=600 -e G_LONG_TIMEOUT_S=60 \
	"$D/hold.dtb" "$run" hung >&2
log "=== exit status $?"
# printk time of the first console line matching a pattern
ktime() { grep -m1 -E "$1" "$run/console.log" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
grep -q 'gpio-ups.*exceeds the UPS.s hold time' "$run/console.log" 2>/dev/null ||
	errs+=("no warning at probe that the 32 s budget exceeds the 20 s hold")
tc=$(ktime 'gpio-ups.*shutdown committed') te=$(ktime 'gpio-ups.*still up')
if [ -z "$tc" ]; then
	errs+=("no commit in the outage")
elif [ -z "$te" ]; then
	errs+=("no forced power-off after the hung shutdown")
else
	dt=$(awk -v a="$tc" -v b="$te" 'BEGIN { printf "%d", (b - a) * 1000 }')
	log "commit at $tc s, forced power-off at $te s: $dt ms"
	# planned at hold - 2 s; the guest's timers may add a few hundred ms,
	# and the forced power-off must still leave 1 s before the cut
	[ "$dt" -ge 17000 ] && [ "$dt" -le 19000 ] ||
		errs+=("forced power-off $dt ms after the commit; the UPS cuts at 20000 ms, expected 18000 (hold - 2 s) to 19000")
fi
probs=$(grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|Call Trace' "$run/console.log" 2>/dev/null | head -n 8)
[ -z "$probs" ] || errs+=("kernel log ($run/console.log):" "$probs")
if [ ${#errs[@]} -eq 0 ]; then
	pass "$hname (forced power-off ${dt} ms after the commit)"
else
	fail "$hname" "${errs[@]}"
	rc=1
fi
exit $rc
