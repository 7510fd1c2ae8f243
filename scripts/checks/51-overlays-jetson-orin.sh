#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Jetson Orin Nano overlays (dts/gpio-ups-jetson-orin-nano*.dts)
# against mainline's Orin Nano developer kit DTB
# (nvidia/tegra234-p3768-0000+p3767-0005.dtb, built with symbols from the
# 6.12 tree in the cached O= dir that 50-overlays.sh uses too):
#  - each overlay builds with dtc -@ without a warning and applies with
#    fdtoverlay; fdtget checks the gpio-ups node, the GPIO specifiers (their
#    numbers recomputed from the 6.12 tree's dt-bindings/gpio/tegra234-gpio.h),
#    the pinmux state and, in the ADC variants, the ADS1115 on gen8_i2c
#    (i2c@c250000, header pins 3/5) and the io-channels chain; the -liion
#    variant's simple-battery node;
#  - the pinmux state: each pin is one the 6.12 tree knows (in the
#    nvidia,tegra234-pinmux binding's list and in pinctrl-tegra234.c), each
#    property one the binding allows for Tegra234 with a valid value, and
#    each pin names the same port and line as the GPIO the gpio-ups node
#    uses (soc_gpio39_pn1 <-> PN.01, ...). (dt-schema 2022.08 cannot load
#    the 6.12 pinmux bindings, hence these checks in the script);
#  - every merged tree is validated with dt-validate (dt-schema 2022.08)
#    against the gpio-ups binding and the in-tree ti,ads1015 and battery
#    bindings (the divider is on the gpio-ups node, output-ohms/full-ohms); the UPS node must match the
#    gpio-ups schema and no error may name one of the overlay's nodes;
#  - negative check: a pin name the Tegra234 pinmux does not have is
#    refused.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs device-tree-compiler dt-schema cpp make gcc gcc-aarch64-linux-gnu \
	flex bison bc linux-source-6.12 xz-utils python3 || exit 1
SRC=$(src_6_12) || exit 1
W=$(step_dir)
rc=0
P="overlays jetson-orin"

. "$GPIO_UPS_ROOT/scripts/lib/overlay.sh"

# --- 1. the overlays -------------------------------------------------------
ov_build "$P: dts/gpio-ups-jetson-orin-nano*.dts build with dtc -@, no warnings" \
	gpio-ups-jetson-orin-nano.dtbo

# --- 2. mainline Orin Nano developer kit DTB with symbols -------------------
BASE_DTB=nvidia/tegra234-p3768-0000+p3767-0005.dtb
ov_base_dtbs "$P: mainline 6.12 Jetson Orin Nano developer kit DTB with symbols" "$BASE_DTB"
ORIN="$DTBO_DIR/arch/arm64/boot/dts/$BASE_DTB"

# --- 3. processed schema ---------------------------------------------------
ov_schema "$P: processed schema" power/supply/battery.yaml iio/adc/ti,ads1015.yaml \
	iio/afe/voltage-divider.yaml

# --- helpers (and those of scripts/lib/overlay.sh) -------------------------
# GPIO number of Tegra234 main-controller port PORT, line N, from the tree's
# own binding header (not from the overlay's copy of it).
H="$SRC/include/dt-bindings/gpio/tegra234-gpio.h"
main_gpio() {
	local port
	port=$(sed -n "s/^#define TEGRA234_MAIN_GPIO_PORT_$1[[:space:]]\+\([0-9]\+\).*/\1/p" "$H")
	[ -n "$port" ] && echo $((port * 8 + $2))
}

# pin_matches PROP NODE: the pinmux node's pin name ends in _p<port><line>,
# the same port and line as the GPIO in /gpio-ups PROP.
pin_matches() {
	local prop=$1 node=$2 pin port line want got
	pin=$(fdtget -t s "$M" "$node" nvidia,pins 2>/dev/null)
	if [[ ! $pin =~ _p([a-z]+)([0-7])$ ]]; then
		ERRS+=("$node: pin name '$pin' names no port")
		return
	fi
	port=${BASH_REMATCH[1]^^}
	line=${BASH_REMATCH[2]}
	want=$(main_gpio "$port" "$line")
	got=$(fdtget "$M" /gpio-ups "$prop" 2>/dev/null | awk '{ print $2 }')
	[ -n "$want" ] && [ "$want" = "$got" ] ||
		ERRS+=("/gpio-ups:$prop is GPIO '$got', but $node configures $pin (P$port.0$line = '$want')")
}

# pin_known PIN: the 6.12 tree's Tegra234 pinmux binding and driver have it.
PINMUX_YAML="$SRC/Documentation/devicetree/bindings/pinctrl/nvidia,tegra234-pinmux.yaml"
PINMUX_DRV="$SRC/drivers/pinctrl/tegra/pinctrl-tegra234.c"
pin_known() {
	grep -qE "[[ ,]$1(,|\$| )" "$PINMUX_YAML" &&
		grep -qF "PINCTRL_PIN(TEGRA_PIN_${1^^}, \"${1^^}\")" "$PINMUX_DRV"
}

# pinmux_state STATE: every pin group of the state has a known pin and only
# Tegra234 properties with valid values (nvidia,tegra234-pinmux-common.yaml,
# nvidia,tegra-pinmux-common.yaml).
pinmux_state() {
	local st=$1 g p v pin
	for g in $(fdtget -l "$M" "$st" 2>/dev/null); do
		pin=$(fdtget -t s "$M" "$st/$g" nvidia,pins 2>/dev/null)
		pin_known "$pin" || ERRS+=("$st/$g: pin '$pin' is not a Tegra234 pin")
		for p in $(fdtget -p "$M" "$st/$g"); do
			v=$(fdtget "$M" "$st/$g" "$p")
			case $p in
			nvidia,pins|nvidia,function|phandle) ;;
			nvidia,pull) [[ $v =~ ^[012]$ ]] || ERRS+=("$st/$g: $p = $v") ;;
			nvidia,tristate|nvidia,enable-input|nvidia,schmitt|nvidia,open-drain|\
			nvidia,lock|nvidia,io-hv)
				[[ $v =~ ^[01]$ ]] || ERRS+=("$st/$g: $p = $v") ;;
			*) ERRS+=("$st/$g: $p is not a Tegra234 pin property") ;;
			esac
		done
	done
}

VALIDATE_NODES=(gpio-ups adc@48 battery)

run_case() {
	local name=$1 dtbo=$2 fn=$3 out
	ERRS=()
	M="$W/merged/$dtbo.dtb"
	mkdir -p "$W/merged"
	if out=$(fdtoverlay -i "$ORIN" -o "$M" "$OV/$dtbo.dtbo" 2>&1); then
		"$fn"
	else
		ERRS+=("fdtoverlay: $out")
	fi
	if [ ${#ERRS[@]} -eq 0 ]; then
		pass "$P: $name applies, properties as expected"
		validate "$P: $name validates against the bindings" "$M" "${VALIDATE_NODES[@]}"
	else
		fail "$P: $name applies, properties as expected" "${ERRS[@]}"
		rc=1
	fi
}

# --- 4. the cases ----------------------------------------------------------
# Pin 15 = PN.01 power good (active high), pin 16 = PY.04 low battery
# (active low), pin 37 = PY.02 shutdown (active high).
c_orin() {
	local g pins
	g=$(ph gpio)
	pins=$(path_of ups_pins)
	[ "$(path_of gpio)" = /bus@0/gpio@2200000 ] ||
		ERRS+=("label gpio is '$(path_of gpio)', expected the main GPIO controller")
	expect /gpio-ups compatible gpio-ups s
	expect /gpio-ups power-good-gpios "$g $(main_gpio N 1) 0"
	expect /gpio-ups low-battery-gpios "$g $(main_gpio Y 4) 1"
	expect /gpio-ups shutdown-gpios "$g $(main_gpio Y 2) 0"
	expect /gpio-ups pinctrl-0 "$(ph ups_pins)"
	[ "$pins" = /bus@0/pinmux@2430000/pinmux-gpio-ups ] ||
		ERRS+=("pinmux state at '$pins', expected under /bus@0/pinmux@2430000")
	expect "$pins/hdr40-pin15" nvidia,pins soc_gpio39_pn1 s
	expect "$pins/hdr40-pin15" nvidia,pull 2
	expect "$pins/hdr40-pin16" nvidia,pins spi3_cs1_py4 s
	expect "$pins/hdr40-pin16" nvidia,pull 2
	expect "$pins/hdr40-pin37" nvidia,pins spi3_mosi_py2 s
	expect "$pins/hdr40-pin37" nvidia,pull 0
	pinmux_state "$pins"
	pin_matches power-good-gpios "$pins/hdr40-pin15"
	pin_matches low-battery-gpios "$pins/hdr40-pin16"
	pin_matches shutdown-gpios "$pins/hdr40-pin37"
}
c_orin_gpio() {
	c_orin
	expect /gpio-ups capacitance-microfarads 25000000
	expect_absent /gpio-ups io-channels
	expect /bus@0/i2c@c250000 status disabled s
}
# The ADS1115 on the header's pins 3/5: gen8_i2c, i2c@c250000.
c_orin_adc_common() {
	local adc=/bus@0/i2c@c250000/adc@48
	[ "$(path_of gen8_i2c)" = /bus@0/i2c@c250000 ] ||
		ERRS+=("label gen8_i2c is '$(path_of gen8_i2c)', expected /bus@0/i2c@c250000")
	expect /bus@0/i2c@c250000 status okay s
	expect "$adc" compatible ti,ads1115 s
	expect "$adc/channel@4" reg 4
	expect /gpio-ups io-channels "$(fdtget "$M" "$adc" phandle) 4"
	expect /gpio-ups io-channel-names voltage s
	# the divider on the node: no IIO_RESCALE needed
	expect /gpio-ups output-ohms 100000
	expect /gpio-ups full-ohms 200000
	expect_absent /gpio-ups-divider compatible
}
c_orin_adc() {
	c_orin
	c_orin_adc_common
	expect /gpio-ups capacitance-microfarads 25000000
	expect_absent /gpio-ups monitored-battery
}
c_orin_liion() {
	c_orin
	c_orin_adc_common
	expect /gpio-ups monitored-battery "$(fdtget "$M" /battery phandle)"
	expect_absent /gpio-ups capacitance-microfarads
	expect /battery compatible simple-battery s
	expect /battery energy-full-design-microwatt-hours 21600000
	expect /battery voltage-max-design-microvolt 4200000
	expect /battery voltage-min-design-microvolt 3000000
}

run_case "gpio-ups-jetson-orin-nano on ORIN" gpio-ups-jetson-orin-nano c_orin_gpio
run_case "gpio-ups-jetson-orin-nano-adc on ORIN" gpio-ups-jetson-orin-nano-adc c_orin_adc
run_case "gpio-ups-jetson-orin-nano-liion on ORIN" gpio-ups-jetson-orin-nano-liion c_orin_liion

# --- 5. negative check -----------------------------------------------------
# A pin name the Tegra234 pinmux does not have must be refused.
BAD="$W/bad"
mkdir -p "$BAD"
sed 's/"soc_gpio39_pn1"/"soc_gpio39_pn9"/' "$GPIO_UPS_ROOT/dts/gpio-ups-jetson-orin-nano.dts" \
	> "$BAD/gpio-ups-jetson-orin-nano.dts"
name="$P: an overlay with a wrong Tegra234 pin name is refused"
M="$BAD/bad.dtb"
ERRS=()
if cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P \
		-o "$BAD/bad.pp.dts" "$BAD/gpio-ups-jetson-orin-nano.dts" >&2 &&
	dtc -@ -I dts -O dtb -o "$BAD/bad.dtbo" "$BAD/bad.pp.dts" >&2 &&
	fdtoverlay -i "$ORIN" -o "$M" "$BAD/bad.dtbo" >&2; then
	pinmux_state "$(path_of ups_pins)"
	if printf '%s\n' "${ERRS[@]}" | contains "soc_gpio39_pn9"; then
		pass "$name"
	else
		fail "$name" "soc_gpio39_pn9 was not reported" "${ERRS[@]}"
		rc=1
	fi
else
	fail "$name" "could not build or apply the bad overlay (see the log)"
	rc=1
fi

exit $rc
