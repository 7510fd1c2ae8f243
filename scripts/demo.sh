#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: gpio-ups end to end on a simulated supercapacitor HAT.
#
# Builds what is missing (once: a UML 6.12 kernel, cached under $CACHE),
# boots it with the host file system as root, loads gpio-ups.ko and the
# simulated HAT (scripts/uml/sim-hat, test code only), and shows: the healthy
# state, a short outage ridden through, a long outage with the estimate
# updating every second and the uevents as they arrive, the commit,
# orderly_poweroff running the system's poweroff command, and the shutdown
# line asserted at power-off.  The run's time series goes to a CSV and a PNG
# in the output directory named at the end ($DEMO_OUT, default
# $CACHE/demo).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs gnuplot-nox device-tree-compiler cpp "${KBUILD_PKGS[@]}"
OUT=${DEMO_OUT:-$CACHE/demo}
UML="$GPIO_UPS_ROOT/scripts/uml"

if ! build=$("$UML/build-kernel.sh" 2>/dev/null); then
	echo "Building the UML kernel for the simulated HAT (first run only, ~10 min)..."
	build=$("$UML/build-kernel.sh")
fi
bin=$("$UML/build-modules.sh")
[ -f "$bin/gpio-ups.ko" ] || die "gpio-ups.ko could not be built (drivers/power/supply/gpio-ups-drv.c missing?)"

mkdir -p "$OUT"
"$UML/demo-dtb.sh" "$OUT/board.dtb"

cat <<'TXT'
gpio-ups demo: a UML Linux 6.12 kernel with gpio-ups.ko on a simulated HAT
(15 F supercapacitor stack 4.6 V -> 2.5 V, 2.5 W load, 85 % converter,
power-good / low-battery / shutdown lines on gpio-sim, store voltage on a
12-bit ADC).  Everything below happens in real time.
TXT

start=$(date +%s)
# Story lines from the guest as they are; of the kernel log only gpio-ups,
# the simulated HAT and the final power-off.
set +e
"$UML/boot.sh" -t 170 "$OUT/board.dtb" "$OUT/run" demo |
	"$UML/console-filter.sh" 'gpio-ups|sim-hat|Power down|BUG|WARNING|Oops|KASAN|panic'
rc=${PIPESTATUS[0]}
set -e
took=$(( $(date +%s) - start ))

res="$OUT/run"
problems=$(grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|Call Trace' "$res/console.log" || true)
report=$(grep -o 'sim-hat: power-off:.*' "$res/console.log" | tail -n1 || true)
sd_line=$(sed -n 's/.* shutdown_line=\([^ ]*\).*/\1/p' <<< "$report")
left=$(sed -n 's/.* usable_uj=\([0-9]*\).*/\1/p' <<< "$report")
measured=$(grep -o 'power-off [0-9]* ms after the commit.*)' "$res/console.log" | tail -n1 || true)
echo
if [ -n "$problems" ]; then
	echo "The kernel log shows problems:"
	printf '%s\n' "$problems" | head -n 20
fi
[ "$rc" -eq 0 ] || echo "The guest did not power off by itself (exit status $rc)."

# plot: voltage, capacity and time to empty against time
csv="$OUT/timeseries.csv"
cp "$res/timeseries.csv" "$csv"
t0=$(awk -F, 'NR == 2 { print $1 }' "$csv")
commit_x=
[ -s "$res/poweroff-calls" ] &&
	commit_x=$(awk -v a="$(head -n1 "$res/poweroff-calls" | cut -d' ' -f1)" -v b="${t0:-0}" \
		'BEGIN { printf "%.1f", a - b }')
xmax=$(awk -F, -v b="${t0:-0}" 'END { printf "%d", $1 - b + 1 }' "$csv")
png="$OUT/gpio-ups-demo.png"
# empty fields (no value, e.g. time_to_empty on mains) as NaN: gaps in lines
dat="$OUT/plot.dat"
sed -e '1d' -e ':a' -e 's/,,/,NaN,/' -e 'ta' -e 's/,$/,NaN/' "$csv" > "$dat"
{
	echo 'set terminal pngcairo size 1000,900 font ",10" noenhanced'
	echo "set output '$png'"
	echo 'set datafile separator ","'
	echo 'set grid'
	echo "set xrange [0:$xmax]"
	echo 'set key top right'
	echo 'set multiplot layout 3,1 title "gpio-ups on a simulated 15 F supercapacitor HAT (make demo, UML)"'
	if [ -n "$commit_x" ]; then
		echo "set arrow 1 from $commit_x, graph 0 to $commit_x, graph 1 nohead dt 2 lw 2 lc rgb 'red'"
		echo "set label 1 'orderly_poweroff' at $commit_x, graph 0.08 right offset -0.5,0 tc rgb 'red'"
	fi
	echo 'set ylabel "volts"'
	echo 'set yrange [2:5]'
	echo 'set key top right'
	echo "plot '$dat' using (\$1-$t0):4 with lines lw 2 title 'voltage_now (driver)', \\"
	echo "     '' using (\$1-$t0):3 with lines dt 3 lw 2 title 'store voltage (simulation)', \\"
	echo "     '' using (\$1-$t0):(2.2 + 0.3 * \$2) with steps lc rgb 'gray' title 'mains (up = present)'"
	echo 'set key top right'
	echo 'set ylabel "percent"'
	echo 'set yrange [0:105]'
	echo "plot '$dat' using (\$1-$t0):5 with lines lw 2 title 'capacity'"
	echo 'set yrange [0:*]'
	echo 'set offsets 0, 0, graph 0.1, 0'
	echo 'set ylabel "seconds"'
	echo 'set xlabel "seconds since the start of the demo"'
	echo "plot '$dat' using (\$1-$t0):7 with linespoints pt 7 ps 0.5 title 'time_to_empty_now'"
	echo 'unset multiplot'
} > "$OUT/plot.gp"
gnuplot "$OUT/plot.gp" || log "gnuplot failed (script: $OUT/plot.gp)"

cat <<TXT

Summary
  ${report:-no power-off report from the simulated HAT}
  shutdown line at power-off: $( [ "$sd_line" = 1 ] && echo "asserted (the UPS cuts the power after its hold time and restarts the Pi when mains returns)" || echo "NOT asserted" )
  energy left in the store at power-off: $(( ${left:-0} / 1000 )) mJ
  the driver's measurement of this shutdown: ${measured:-none logged}
  demo took ${took} s; time series: $csv
  plot (voltage, capacity, time_to_empty against time): $png
  full console log: $res/console.log

On a Raspberry Pi with a UPS HAT:
  sudo make install        # DKMS build of gpio-ups.ko and the overlays
  then add one line to /boot/firmware/config.txt, as it is, for example
  for the generic HAT (power good GPIO22, shutdown GPIO26):
    dtoverlay=gpio-ups
  or for the LTC4041 supercap UPS, the STM32/LTC4041 HAT, the SLA HAT:
    dtoverlay=gpio-ups-ltc4041
    dtoverlay=gpio-ups-ltc4041-stm32
    dtoverlay=gpio-ups-sla
  and reboot; /sys/class/power_supply/ups then behaves as above.
TXT
