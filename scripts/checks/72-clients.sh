#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Clients system test: the programs people already run, from Debian's own
# packages, read the UPS of gpio-ups.ko on the simulated HAT (UML 6.12 guest,
# scripts/uml/, scenario "clients"):
#   upowerd (with dbus-daemon and systemd-udevd), prometheus-node-exporter's
#   powersupplyclass collector, systemd-ac-power, and NUT: dummy-ups in
#   dummy-once mode on the state file the project's udev rule writes
#   (scripts/nut/), upsd, upsc, upsmon as primary and as a secondary.
# Three boots side by side:
#   adc   the demo board with a 100 F store (0.176 Wh usable, above UPower
#         0.99's 0.1 Wh floor) at 10 W: one long outage until the commit
#   gpio  the demo board without its ADC: a 6 s outage ridden through, then
#         one until the fallback timer commits (15 s of backup)
#   advise the GPIO-only board with auto_shutdown 0: the driver only advises
#         (LB), upsmon shuts the host down
# Nothing runs on the host: every daemon runs in the guest, on its loopback,
# with configuration on the guest's tmpfs.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

D=$(step_dir)
UML="$GPIO_UPS_ROOT/scripts/uml"
names=(
	"clients: upower (ADC board): percentage, state, energy rate and time to empty through an outage"
	"clients: upower (GPIO-only board): no critical action in an outage ridden through, action at the commit"
	"clients: node_exporter powersupplyclass: metrics on mains and on backup (ADC and GPIO-only boards)"
	"clients: systemd-ac-power: AC on mains, not on backup (ADC and GPIO-only boards)"
	"clients: nut: upsd + dummy-ups + upsc show OL, OB, OB LB; a upsmon secondary shuts down after the commit, before the primary goes down; with auto_shutdown 0 upsmon decides"
)
all() { local n; for n in "${names[@]}"; do "$@" "$n" "${why:-}"; done; }

[ -f "$GPIO_UPS_ROOT/drivers/power/supply/gpio-ups-drv.c" ] ||
	{ why="no driver yet" all skip; exit 0; }
# Installed without starting their services on this host (policy-rc.d
# 101, as in containers): node_exporter would listen on every interface.
pkgs=(upower dbus udev prometheus-node-exporter nut-server nut-client iproute2)
guard='' missing=''
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | contains 'install ok installed' ||
		missing=1
done
if [ -n "$missing" ] && [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	guard=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' > "$guard" && chmod 0755 "$guard"
	trap 'rm -f "$guard"' EXIT
fi
need_pkgs "${pkgs[@]}" || { why="packages missing" all fail; exit 1; }
[ -z "$guard" ] || { rm -f "$guard"; trap - EXIT; }
if ! "$UML/build-kernel.sh" >&2 || ! bin=$("$UML/build-modules.sh") || [ ! -f "$bin/gpio-ups.ko" ]; then
	why="UML kernel or module build failed (see the step log)" all fail
	exit 1
fi
export UML_SIM_PREBUILT=1
rc=0

# a 15 s shutdown, as a small host takes: the time the other hosts have.
# The ADC board's host takes 18 s (shutdown-duration-ms less 2 s, see
# guest-poweroff.sh) with a 200 % margin: NUT's secondary needs up to
# 17 s after the commit to see FSD, and a guest slowed by the three boots
# must still end its shutdown well before the driver's emergency
# power-off (with 15 s and 150 %, 13 s of shutdown had 4 s to spare).
"$UML/demo-dtb.sh" "$D/adc.dtb" capacitance-microfarads=100000000 \
	shutdown-duration-ms=20000 shutdown-margin-percent=200 >&2
"$UML/demo-dtb.sh" "$D/gpio.dtb" io-channels= io-channel-names= \
	shutdown-duration-ms=15000 fallback-shutdown-ms=15000 >&2

boot() { # boot TIMEOUT DTB DIR [-e K=V...]
	local t=$1 dtb=$2 dir=$3
	shift 3
	log "=== boot clients ($dir)"
	"$UML/boot.sh" -q -t "$t" "$@" "$dtb" "$dir" clients >"$dir.console" 2>&1
	log "=== exit status $? ($dir)"
}
start=$(date +%s)
boot 240 "$D/adc.dtb" "$D/adc" -e G_LOAD_UW=10000000 -e G_BACKUP_SNAP_S=8 &
boot 180 "$D/gpio.dtb" "$D/gpio" -e G_RIDE_S=6 -e G_BACKUP_SNAP_S=4 &
boot 120 "$D/gpio.dtb" "$D/advise" -e G_AUTO_SHUTDOWN=0 -e G_BACKUP_SNAP_S=4 &
wait
log "clients: both boots took $(( $(date +%s) - start )) s"

# ---- helpers -----------------------------------------------------------------
mark_t() { awk -v n="$2" '$2 == n { print $1; exit }' "$1/marks" 2>/dev/null; }
# up DIR TAG KEY: a field of `upower -i` in a snapshot
up() { sed -n "s/^ *$3: *//p" "$1/snap-$2.upower" 2>/dev/null | head -n1; }
disp() { sed -n "s/^ *$3: *//p" "$1/snap-$2.display" 2>/dev/null | head -n1; }
num() { sed 's/[^0-9.].*//' <<< "$1"; }
gt() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
upsc_get() { sed -n "s/^$3: //p" "$1/snap-$2.upsc" 2>/dev/null; }
problems() {
	grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|Call Trace|UBSAN' "$1/console.log" \
		"$1/dmesg.log" 2>/dev/null | head -n 5
	[ ! -s "$1/errors" ] || cat "$1/errors"
}
verdict() { # verdict NAME REASON...
	local name=$1
	shift
	if [ $# -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "$@"
		rc=1
	fi
}
prom_series() { grep -c "^node_power_supply_[a-z_]*{.*power_supply=\"ups\"" "$1/snap-$2.prom" 2>/dev/null; }
prom_ok() { grep -q '^node_scrape_collector_success{collector="powersupplyclass"} 1' "$1/snap-$2.prom" 2>/dev/null; }
figures() { log "figures: $*"; echo "$*" >> "$D/figures.txt"; }
: > "$D/figures.txt"

A=$D/adc G=$D/gpio
for b in "$A" "$G"; do
	p=$(problems "$b")
	[ -z "$p" ] || log "kernel or guest problems in $b: $p"
done

# ---- UPower, ADC board -------------------------------------------------------
errs=()
[ -n "$(problems "$A")" ] && errs+=("guest problems:" "$(problems "$A")")
[ -f "$A/snap-backup.upower" ] || errs+=("no backup snapshot ($A)")
st=$(up "$A" mains state) pc=$(num "$(up "$A" mains percentage)")
figures "upower adc mains: state=$st percentage=$pc energy=$(up "$A" mains energy) energy-full=$(up "$A" mains energy-full)"
case $st in fully-charged|charging|pending-charge) ;; *) errs+=("on mains: state '$st'") ;; esac
gt "$pc" 90 || errs+=("on mains: percentage '$pc', want > 90")
st=$(up "$A" backup state) pc=$(num "$(up "$A" backup percentage)")
rate=$(num "$(up "$A" backup energy-rate)") tte=$(up "$A" backup 'time to empty')
figures "upower adc backup (8 s): state=$st percentage=$pc energy=$(up "$A" backup energy) energy-rate=$(up "$A" backup energy-rate) time-to-empty=$tte warning=$(disp "$A" backup warning-level)"
[ "$st" = discharging ] || errs+=("on backup: state '$st'")
gt "$pc" 0 && ! gt "$pc" 99.9 || errs+=("on backup: percentage '$pc'")
gt "$rate" 5 && ! gt "$rate" 15 || errs+=("on backup: energy-rate '$rate' W, the load is 10 W")
[ -n "$tte" ] || errs+=("on backup: no time to empty")
# UPower 0.99's floor: no rate below 0.1 Wh (when, in the timeline)
ls=$(mark_t "$A" long-start)
figures "upower adc timeline: $(awk -v s="$ls" '$1 > s && /rate=[1-9]/ { n++ } END { print n + 0 }' "$A/timeline.log") samples with a rate on backup; first without: $(awk -v s="$ls" '$1 > s && /state=discharging/ && /rate=0 / { sub(/.*energy=/, "energy="); print; exit }' "$A/timeline.log")"
verdict "${names[0]}" "${errs[@]}"

# ---- UPower, GPIO-only board ---------------------------------------------------
errs=()
[ -n "$(problems "$G")" ] && errs+=("guest problems:" "$(problems "$G")")
tc=$(awk 'NR == 1 { print $1 }' "$G/poweroff-calls" 2>/dev/null)
[ -n "$tc" ] || errs+=("the driver did not commit ($G/poweroff-calls)")
gls=$(mark_t "$G" long-start)
[ -z "$tc" ] || [ -z "$gls" ] || gt "$tc" "$gls" ||
	errs+=("the driver committed at $tc s, before the second outage ($gls s): the first was not ridden through")
st=$(up "$G" ride state) pc=$(num "$(up "$G" ride percentage)")
figures "upower gpio ride-through: state=$st percentage=$pc warning=$(disp "$G" ride warning-level); at the commit: percentage=$(num "$(up "$G" commit percentage)") warning=$(disp "$G" commit warning-level)"
[ "$st" = discharging ] || errs+=("in the outage: state '$st'")
if [ -n "$tc" ]; then
	early=$(awk -v c="$tc" '$1 < c && /warning=action/' "$G/timeline.log")
	[ -z "$early" ] || errs+=("UPower reached its action level before the commit:" "$early")
	nline=$(awk -v c="$tc" -v s="$(mark_t "$G" ride-start)" '$1 >= s && $1 < c' "$G/timeline.log" | wc -l)
	[ "$nline" -ge 5 ] || errs+=("only $nline timeline samples between the first outage and the commit")
	figures "upower gpio: $nline samples from the first outage to the commit, none at the action level"
fi
# upowerd's own word: "About to take action" only once the driver committed
lw=$(awk '$2 == "long-start" { print $3 }' "$G/marks" 2>/dev/null)
acts=$(sed -n 's/.*TI:\([0-9:]*\).*About to take action.*/\1/p' "$G/upowerd.log" 2>/dev/null)
figures "upowerd gpio: 'About to take action' at ${acts:-never} (second outage from $lw, fallback commit 15 s of backup later)"
for a in $acts; do
	[[ "$a" > "$lw" ]] || errs+=("upowerd scheduled its critical action at $a, before the outage the driver commits in ($lw)")
done
grep -q 'warning=action' "$G/timeline.log" 2>/dev/null ||
	[ "$(disp "$G" commit warning-level)" = action ] ||
	errs+=("no action level after the commit either (capacity 0 at the commit)")
verdict "${names[1]}" "${errs[@]}"

# ---- node_exporter -----------------------------------------------------------
errs=()
for s in "$A:mains:8" "$A:backup:8" "$G:mains:3" "$G:ride:3"; do
	IFS=: read -r b tag want <<< "$s"
	n=$(prom_series "$b" "$tag")
	figures "node_exporter $(basename "$b") $tag: ${n:-0} node_power_supply_* series for ups, collector success: $(grep -o 'collector="powersupplyclass"} [01]' "$b/snap-$tag.prom" 2>/dev/null)"
	prom_ok "$b" "$tag" || errs+=("$(basename "$b") $tag: collector failed: $(grep -h powersupplyclass "$b/node-exporter.log" 2>/dev/null | tail -n1)")
	[ "${n:-0}" -ge "$want" ] || errs+=("$(basename "$b") $tag: ${n:-0} series for ups, want >= $want")
done
verdict "${names[2]}" "${errs[@]}"

# ---- systemd-ac-power --------------------------------------------------------
errs=()
for s in "$A:mains:0" "$A:backup:1" "$G:mains:0" "$G:ride:1"; do
	IFS=: read -r b tag want <<< "$s"
	got=$(cat "$b/snap-$tag.acpower" 2>/dev/null)
	figures "systemd-ac-power $(basename "$b") $tag: exit ${got:-none}"
	[ "$got" = "$want" ] || errs+=("$(basename "$b") $tag: exit '${got}', want $want")
done
verdict "${names[3]}" "${errs[@]}"

# ---- NUT ---------------------------------------------------------------------
errs=()
for b in "$A" "$G"; do
	n=$(basename "$b")
	for s in mains:OL "$([ "$b" = "$G" ] && echo ride || echo backup):OB"; do
		tag=${s%%:*} want=${s#*:}
		got=$(upsc_get "$b" "$tag" ups.status)
		[ "$got" = "$want" ] || errs+=("$n $tag: ups.status '$got', want '$want'")
	done
	got=$(upsc_get "$b" commit ups.status)
	grep -qw OB <<< "$got" && grep -qw LB <<< "$got" ||
		errs+=("$n at the commit: ups.status '$got', want OB LB")
	[ -n "$(upsc_get "$b" mains device.model)" ] || errs+=("$n: no device.model")
	figures "nut $n: mains '$(upsc_get "$b" mains ups.status)' charge=$(upsc_get "$b" mains battery.charge); backup '$(upsc_get "$b" "$([ "$b" = "$G" ] && echo ride || echo backup)" ups.status)' charge=$(upsc_get "$b" backup battery.charge) runtime=$(upsc_get "$b" backup battery.runtime) voltage=$(upsc_get "$b" backup battery.voltage) reason='$(upsc_get "$b" backup input.transfer.reason)'; commit '$(upsc_get "$b" commit ups.status)'"
	tc=$(awk 'NR == 1 { print $1 }' "$b/poweroff-calls" 2>/dev/null)
	te=$(awk '{ print $1 }' "$b/poweroff-end" 2>/dev/null)
	ts=$(awk '$2 == "secondary" { print $1; exit }' "$b/nut-shutdowns" 2>/dev/null)
	figures "nut $n: commit at ${tc:-?} s, secondary SHUTDOWNCMD at ${ts:-never} s, primary powered off at ${te:-?} s"
	if [ -z "$tc" ] || [ -z "$te" ]; then
		errs+=("$n: no commit and power-off recorded")
	elif [ -z "$ts" ]; then
		errs+=("$n: the secondary never ran its SHUTDOWNCMD" "$(tail -n 5 "$b/nut-upsmon-secondary.log" 2>/dev/null)")
	elif gt "$tc" "$ts" || gt "$ts" "$te"; then
		errs+=("$n: secondary shutdown at $ts s is not between the commit ($tc s) and the power-off ($te s)")
	fi
done
# auto_shutdown 0: LB at the driver's advice, upsmon (primary) decides
V=$D/advise
got=$(upsc_get "$V" commit ups.status)
ta=$(awk '$2 == "primary" { print $1; exit }' "$V/nut-shutdowns" 2>/dev/null)
ts=$(awk '$2 == "secondary" { print $1; exit }' "$V/nut-shutdowns" 2>/dev/null)
figures "nut auto_shutdown=0 (gpio): backup '$(upsc_get "$V" backup ups.status)', at the advice '$got' (shutdown_reason $(cat "$V/snap-commit.reason" 2>/dev/null)); outage at $(mark_t "$V" long-start) s, primary SHUTDOWNCMD at ${ta:-never} s, secondary at ${ts:-never} s; driver power-off: $([ -e "$V/poweroff-calls" ] && echo yes || echo none)"
[ "$(upsc_get "$V" backup ups.status)" = OB ] || errs+=("auto_shutdown 0: ups.status '$(upsc_get "$V" backup ups.status)' on backup, want OB")
grep -qw LB <<< "$got" || errs+=("auto_shutdown 0: ups.status '$got' at the advice, want OB LB")
[ -n "$ta" ] || errs+=("auto_shutdown 0: upsmon (primary) never ran its SHUTDOWNCMD")
[ -n "$ts" ] || errs+=("auto_shutdown 0: the secondary never ran its SHUTDOWNCMD")
[ ! -e "$V/poweroff-calls" ] || errs+=("auto_shutdown 0: the driver powered off by itself")
[ -z "$(problems "$V")" ] || errs+=("auto_shutdown 0: guest problems:" "$(problems "$V")")
for f in battery.charge battery.runtime battery.voltage input.transfer.reason; do
	[ -n "$(upsc_get "$A" backup "$f")" ] || errs+=("adc on backup: no $f")
done
verdict "${names[4]}" "${errs[@]}"
exit $rc
