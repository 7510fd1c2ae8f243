#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Raspberry Pi overlays on a Raspberry Pi 5, as its firmware loads them.
# The Raspberry Pi kernel's own Pi 5 tree cannot be built from the packages
# reachable here: scripts/pi5/bcm2712-rpi-5-b-base.dts is a small base
# tree written from its facts (the labels the overlays target, gpio and
# i2c1, their node paths, and the pin-configuration properties the RP1 pin
# controller accepts; the Raspberry Pi kernel version is named in it).
# Every Pi overlay, with no parameter, with each parameter set the docs
# (README, user guide, make install, make demo) give and with the sets of
# 50-overlays, is applied to it twice:
#  - parameters with scripts/ovparams.py, merge with fdtoverlay (libfdt);
#  - parameters and merge with scripts/fwmerge.py, which follows the
#    firmware's merge order (phandle move, label fix-ups through the base's
#    __symbols__, fragments in order, dormant fragments skipped);
# scripts/pi5/check-merged.py then checks each merged tree: the UPS lines on
# the RP1 GPIO block (header lines 0-27), pin configurations the RP1 driver
# accepts (brcm,pins 0-53, brcm,function, brcm,pull 0-2), the ADC on i2c1
# with i2c1 enabled (or i2c1 off where the board uses GPIO3); both merges
# must give the same UPS node. Each merged tree is validated against the
# gpio-ups binding with dt-validate.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs device-tree-compiler dt-schema cpp python3 || exit 1
W=$(step_dir)
PY=/usr/bin/python3
R=$GPIO_UPS_ROOT
rc=0

OV="$W/dtbs"
if ! out=$("$R/scripts/dtbs.sh" "$OV" 2>&1); then
	fail "overlays pi5: dts/*.dts build" "$out"
	exit 1
fi
BASE="$W/bcm2712-rpi-5-b-base.dtb"
name="overlays pi5: the Pi 5 base tree builds, with the gpio, i2c1 and i2c_arm labels on the RP1 nodes"
if dtc -q -@ -I dts -O dtb -o "$BASE" "$R/scripts/pi5/bcm2712-rpi-5-b-base.dts" &&
	[ "$(fdtget -t s "$BASE" "$(fdtget -t s "$BASE" /__symbols__ gpio)" compatible)" = raspberrypi,rp1-gpio ] &&
	[ "$(fdtget -t s "$BASE" /__symbols__ i2c1)" = "$(fdtget -t s "$BASE" /__symbols__ i2c_arm)" ]; then
	pass "$name"
else
	fail "$name" "see the step log"
	exit 1
fi

# the gpio-ups binding alone, for dt-validate
. "$R/scripts/lib/overlay.sh"
ov_schema "overlays pi5: processed schema"

# The cases: overlay, parameters, expected i2c1 status ("" = any).
cases="$W/cases"
{
	for o in "$OV"/gpio-ups*.dtbo; do
		n=$(basename "$o" .dtbo)
		case $n in *jetson*) continue ;; esac
		echo "$n"
	done
	# documented sets
	inst=$(make -s -C "$R" install DESTDIR="$W/destdir" 2>/dev/null)
	printf '%s\n' "$inst" >"$W/install.out"
	rm -rf "$W/destdir"
	(cd "$R" && $PY scripts/configtxt.py --list README.md Documentation/power/gpio-ups.rst \
		scripts/demo.sh "$W/install.out")
	# the structural variants of 50-overlays
	echo "gpio-ups adc"
	echo "gpio-ups adc_div adc_addr=0x49 adc_channel=2 adc_ads1115 lb_gpio=5 pg_active_low sd_gpio=24"
	echo "gpio-ups sd=off lb_gpio=5 lb_active_high"
	echo "gpio-ups-ltc4041 dual adc_div"
	echo "gpio-ups-ltc4041 sd=off"
	echo "gpio-ups-ltc4041-stm32 pg_gpio22 sd_gpio=24"
	echo "gpio-ups-ltc4041-stm32 pg_gpio22=off"
} | sort -u >"$cases"

while read -r ov params; do
	[ -n "$ov" ] || continue
	label="$ov${params:+,${params// /,}}"
	tag=$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' '_')
	name="overlays pi5: $label applies (fdtoverlay and the firmware's merge), lines and pins valid for RP1"
	errs=()
	i2c=()
	case "$ov $params" in
	gpio-ups-ltc4041-stm32*pg_gpio=22* | gpio-ups-ltc4041-stm32*pg_gpio22 | \
	gpio-ups-ltc4041-stm32*pg_gpio22\ *) ;;
	gpio-ups-ltc4041-stm32*) i2c=(--i2c disabled) ;;
	esac
	# shellcheck disable=SC2086
	if ! out=$($PY "$R/scripts/ovparams.py" "$OV/$ov.dtbo" "$W/$tag.dtbo" $params 2>&1); then
		errs+=("ovparams: $out")
	elif ! out=$(fdtoverlay -i "$BASE" -o "$W/$tag.lib.dtb" "$W/$tag.dtbo" 2>&1); then
		errs+=("fdtoverlay: $out")
	elif ! $PY "$R/scripts/pi5/check-merged.py" "$W/$tag.lib.dtb" "${i2c[@]}" \
			>"$W/$tag.lib.txt" 2>"$W/$tag.lib.err"; then
		errs+=("after fdtoverlay:" "$(cat "$W/$tag.lib.err")")
	fi
	# shellcheck disable=SC2086
	if ! out=$($PY "$R/scripts/fwmerge.py" "$BASE" "$OV/$ov.dtbo" "$W/$tag.fw.dtb" $params 2>&1); then
		errs+=("firmware merge: $out")
	elif ! $PY "$R/scripts/pi5/check-merged.py" "$W/$tag.fw.dtb" "${i2c[@]}" \
			>"$W/$tag.fw.txt" 2>"$W/$tag.fw.err"; then
		errs+=("after the firmware merge:" "$(cat "$W/$tag.fw.err")")
	elif [ -f "$W/$tag.lib.txt" ] && ! d=$(diff "$W/$tag.lib.txt" "$W/$tag.fw.txt"); then
		errs+=("fdtoverlay and the firmware merge differ:" "$d")
	fi
	if [ ${#errs[@]} -gt 0 ]; then
		fail "$name" "${errs[@]}"
		rc=1
		continue
	fi
	pass "$name"
	validate "overlays pi5: $label validates against the binding" "$W/$tag.fw.dtb" gpio-ups
done <"$cases"

# Negative: the checker refuses a pin configuration RP1 rejects.
name="overlays pi5: a pull value the RP1 driver refuses is caught"
$PY "$R/scripts/ovparams.py" "$OV/gpio-ups.dtbo" "$W/neg.dtbo" >&2 &&
	fdtoverlay -i "$BASE" -o "$W/neg.dtb" "$W/neg.dtbo" >&2 &&
	fdtput -t u "$W/neg.dtb" "$(fdtget -t s "$W/neg.dtb" /__symbols__ gpio)/gpio-ups-pg-pins" brcm,pull 3
if $PY "$R/scripts/pi5/check-merged.py" "$W/neg.dtb" >/dev/null 2>"$W/neg.err"; then
	fail "$name" "brcm,pull = 3 was accepted"
	rc=1
elif grep -q 'brcm,pull' "$W/neg.err"; then
	pass "$name"
else
	fail "$name" "$(cat "$W/neg.err")"
	rc=1
fi
exit $rc
