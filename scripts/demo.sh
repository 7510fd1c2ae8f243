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

need_pkgs gnuplot-nox device-tree-compiler cpp gcc make flex bison bc libc6-dev
OUT=${DEMO_OUT:-$CACHE/demo}
UML="$GPIO_UPS_ROOT/scripts/uml"

if ! build=$("$UML/build-kernel.sh" 2>/dev/null); then
	echo "Building the UML kernel for the simulated HAT (first run only, ~10 min)..."
	build=$("$UML/build-kernel.sh")
fi
bin=$("$UML/build-modules.sh")
[ -f "$bin/gpio-ups.ko" ] || die "gpio-ups.ko could not be built (drivers/power/supply/gpio-ups-drv.c missing?)"

mkdir -p "$OUT"
"$UML/mkdtb.sh" "$OUT/board.dtb" "$UML/demo-ups.dtso"

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
	awk '
	/^\[ *[0-9]+\.[0-9]+\] / {
		if ($0 ~ /gpio-ups|sim-hat|Power down|BUG|WARNING|Oops|KASAN|panic/) {
			sub(/^\[ *[0-9]+\.[0-9]+\] /, "  kernel: "); print; fflush()
		}
		next
	}
	/^(guest|scenario|poweroff_cmd|==|   |  |\$|POWER_SUPPLY_|[01]$|$)/ { print; fflush() }'
rc=${PIPESTATUS[0]}
set -e
took=$(( $(date +%s) - start ))

res="$OUT/run"
problems=$(grep -E 'BUG:|WARNING:|Oops|KASAN|Kernel panic|Call Trace' "$res/console.log" || true)
report=$(grep -o 'sim-hat: power-off:.*' "$res/console.log" | tail -n1 || true)
echo
if [ -n "$problems" ]; then
	echo "The kernel log shows problems:"
	printf '%s\n' "$problems" | head -n 20
fi
[ "$rc" -eq 0 ] || echo "The guest did not power off by itself (exit status $rc)."

# plot: voltage, capacity and time to empty against time
commit_t=
if [ -s "$res/poweroff-calls" ] && [ -s "$res/marks" ]; then
	t0=$(awk '$2 == "setup-done" { print $1 }' "$res/marks")
	first=$(awk -F, 'NR == 2 { print $1 }' "$res/timeseries.csv")
	commit_t=$(awk -v a="$(head -n1 "$res/poweroff-calls" | cut -d' ' -f1)" -v s="$t0" \
		-v f="${first:-0}" 'BEGIN { printf "%.1f", a - s }')
fi
png="$OUT/gpio-ups-demo.png"
cp "$res/timeseries.csv" "$OUT/timeseries.csv"
gnuplot <<GP
set terminal pngcairo size 1000,900 font ",10"
set output "$png"
set datafile separator ","
set key autotitle columnhead top right
set grid
set multiplot layout 3,1 title "gpio-ups on a simulated 15 F supercapacitor HAT (UML demo)"
set xlabel ""
$( [ -n "$commit_t" ] && echo "set arrow 1 from $commit_t, graph 0 to $commit_t, graph 1 nohead dt 2 lc rgb 'red'" )
$( [ -n "$commit_t" ] && echo "set label 1 'commit: orderly_poweroff' at $commit_t, graph 0.9 offset 0.5,0 tc rgb 'red'" )
set ylabel "volts"
plot "$OUT/timeseries.csv" using 1:4 with lines lw 2 title "voltage\\\\_now (driver, ADC)", \
     "" using 1:3 with lines dt 3 title "store voltage (simulation)", \
     "" using 1:(\$2 * 0.5 + 2.0) with steps lc rgb "gray" title "mains (high = present)"
set ylabel "percent"
set yrange [0:105]
plot "$OUT/timeseries.csv" using 1:5 with lines lw 2 title "capacity"
set yrange [*:*]
set ylabel "seconds"
set xlabel "time since start of the demo [s]"
plot "$OUT/timeseries.csv" using 1:7 with linespoints pt 7 ps 0.4 title "time\\\\_to\\\\_empty\\\\_now"
unset multiplot
GP

cat <<TXT

Summary
  ${report:-no power-off report from the simulated HAT}
  demo took ${took} s; time series: $OUT/timeseries.csv
  plot (voltage, capacity, time_to_empty against time): $png
  full console log: $res/console.log

On a Raspberry Pi with a UPS HAT:
  sudo make install        # DKMS build of gpio-ups.ko and the overlays
  then add one line to /boot/firmware/config.txt, for example
    dtoverlay=gpio-ups                  (generic: power-good GPIO22, shutdown GPIO26)
    dtoverlay=gpio-ups-ltc4041          (LTC4041 supercap UPS)
    dtoverlay=gpio-ups-ltc4041-stm32    (STM32/LTC4041 supercap HAT)
    dtoverlay=gpio-ups-sla              (SLA battery HAT)
  and reboot; /sys/class/power_supply/ups then behaves as above.
TXT
