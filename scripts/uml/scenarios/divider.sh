# SPDX-License-Identifier: GPL-2.0-only
# The store read through a resistor divider described on the gpio-ups node
# (output-ohms/full-ohms, as the overlays' adc_div sets them) on a kernel
# without CONFIG_IIO_RESCALE: the simulated ADC sees the divided voltage,
# the driver reports the store's. Records, in $OUT/divider: the ADC input
# (the IIO channel's raw reading times its scale), the store's terminal
# voltage (sim-hat) just before and just after the readings, the driver's
# voltage_now and capacity, on mains and 5 s into an outage that is then
# ridden through.
# Host-side assertions: scripts/checks/71-system-pi.sh.
# shellcheck shell=bash
iio=
for d in /sys/bus/iio/devices/iio:device*; do
	[ -e "$d/in_voltage0_raw" ] && iio=$d
done
record() { # record TAG
	local raw scale st0 st1 ups
	# the store drains while the guest reads: bracket the readings with
	# the store's voltage just before and just after them
	st0=$(cat "$SIM/status")
	raw=$(prop "$iio/in_voltage0_raw")
	ups=$(prop "$UPS/voltage_now")
	st1=$(cat "$SIM/status")
	scale=$(prop "$iio/in_voltage0_scale")
	echo "$1 adc_in_uv=$(awk -v r="${raw:-0}" -v s="${scale:-0}" 'BEGIN { printf "%d", r * s * 1000 }') terminal_uv=$(sed -n 's/.* adc_uv=\([0-9]*\).*/\1/p' <<< "$st0") terminal_after_uv=$(sed -n 's/.* adc_uv=\([0-9]*\).*/\1/p' <<< "$st1") ups_uv=$ups capacity=$(prop "$UPS/capacity") status=$(prop "$UPS/status") policy=$(policy)" >> "$OUT/divider"
}
[ -n "$iio" ] || echo "no-iio-device" >> "$OUT/errors"
sleep 2
record mains
mark outage-start
simctl mains 0
sleep 5
record backup
simctl mains 1
sleep 1
mark outage-end policy=$(policy)
dmesg | grep -i 'gpio-ups' > "$OUT/divider-dmesg" || true
