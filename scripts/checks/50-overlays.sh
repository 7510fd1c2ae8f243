#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The device-tree overlays (dts/), checked against real board DTBs:
#  - they build with dtc -@ without a warning (scripts/dtbs.sh);
#  - the mainline Raspberry Pi 3B+ / 4B and Jetson Nano DTBs are built with
#    symbols from the 6.12 tree (own cached O= dir);
#  - every overlay, and the parameter variants that change its structure,
#    is applied with fdtoverlay; Pi parameters are applied first with
#    scripts/ovparams.py, which evaluates __overrides__ as the firmware
#    does (fdtoverlay ignores them). fdtget then checks the gpio-ups node,
#    the pin configuration and, where enabled, the ADC node with the
#    io-channels chain (UPS -> [divider ->] ADC channel);
#  - every merged tree is validated with dt-validate (dt-schema 2022.08)
#    against the gpio-ups binding plus the in-tree ti,ads1015 and
#    voltage-divider bindings; the UPS node must match the gpio-ups schema
#    and no error may name one of the overlay's nodes;
#  - negative checks: an overlay with a misspelt property must fail
#    validation, and pin parameters on the header I2C pins are refused.
# The binding's own example is validated by 45-dt-schema.sh.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs device-tree-compiler dt-schema cpp make gcc gcc-aarch64-linux-gnu \
	flex bison bc linux-source-6.12 xz-utils python3 || exit 1
SRC=$(src_6_12) || exit 1
W=$(step_dir)
OVP="/usr/bin/python3 $GPIO_UPS_ROOT/scripts/ovparams.py"
rc=0

. "$GPIO_UPS_ROOT/scripts/lib/overlay.sh"

# --- 1. the overlays -------------------------------------------------------
ov_build "overlays: dts/*.dts build with dtc -@, no warnings"

# --- 2. mainline board DTBs with symbols -----------------------------------
ov_base_dtbs "overlays: mainline 6.12 Pi 3B+/4B and Jetson Nano DTBs with symbols" \
	broadcom/bcm2837-rpi-3-b-plus.dtb broadcom/bcm2711-rpi-4-b.dtb nvidia/tegra210-p3450-0000.dtb
RPI3="$DTBO_DIR/arch/arm64/boot/dts/broadcom/bcm2837-rpi-3-b-plus.dtb"
RPI4="$DTBO_DIR/arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb"
NANO="$DTBO_DIR/arch/arm64/boot/dts/nvidia/tegra210-p3450-0000.dtb"

# --- 3. processed schema: our binding and the in-tree ones it uses ---------
ov_schema "overlays: processed schema" iio/adc/ti,ads1015.yaml iio/afe/voltage-divider.yaml

# --- helpers (and those of scripts/lib/overlay.sh) -------------------------
# merge TAG DTBO BASE [PARAM...]: apply parameters and the overlay; sets M
merge() {
	local tag=$1 dtbo=$2 base=$3 out
	shift 3
	M="$W/merged/$tag.dtb"
	mkdir -p "$W/merged"
	if ! out=$($OVP "$dtbo" "$W/merged/$tag.dtbo" "$@" 2>&1); then
		ERRS+=("ovparams: $out")
		return 1
	fi
	if ! out=$(fdtoverlay -i "$base" -o "$M" "$W/merged/$tag.dtbo" 2>&1); then
		ERRS+=("fdtoverlay: $out")
		return 1
	fi
}

# run_case NAME DTBO BASE "PARAMS" CHECKFN: merge, run the fdtget checks in
# CHECKFN, then validate the merged tree.
run_case() {
	local name=$1 dtbo=$2 base=$3 params=$4 fn=$5 tag
	tag=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')
	ERRS=()
	# shellcheck disable=SC2086
	if merge "$tag" "$OV/$dtbo.dtbo" "$base" $params; then
		"$fn"
	fi
	if [ ${#ERRS[@]} -eq 0 ]; then
		pass "overlays: $name applies, properties as expected"
		validate "overlays: $name validates against the binding" "$M" \
			gpio-ups gpio-ups-divider adc@48 adc@49 adc@4a adc@4b
	else
		fail "overlays: $name applies, properties as expected" "${ERRS[@]}"
		rc=1
	fi
}

# expect_hold MS: the UPS's hold time after the commit is MS, and the
# shutdown budget (duration x margin + the emergency power-off's 2000 ms)
# fits in it
expect_hold() {
	local hold dur margin budget
	expect /gpio-ups shutdown-hold-ms "$1"
	hold=$(fdtget "$M" /gpio-ups shutdown-hold-ms 2>/dev/null || echo 0)
	dur=$(fdtget "$M" /gpio-ups shutdown-duration-ms 2>/dev/null || echo 20000)
	margin=$(fdtget "$M" /gpio-ups shutdown-margin-percent 2>/dev/null || echo 150)
	budget=$((dur * margin / 100 + 2000))
	[ "$budget" -le "$hold" ] ||
		ERRS+=("shutdown budget ${dur} ms x ${margin} % + 2000 ms = $budget ms exceeds the UPS's hold time of ${hold} ms")
}

# --- 4. the cases ----------------------------------------------------------
# Generic overlay, defaults: PG GPIO22 high + pull-up, SD GPIO26 high.
c_generic() {
	local g
	g=$(ph gpio)
	expect /gpio-ups compatible gpio-ups s
	expect /gpio-ups power-good-gpios "$g 22 0"
	expect /gpio-ups shutdown-gpios "$g 26 0"
	expect /gpio-ups pinctrl-0 "$(ph ups_pg_pins)"
	expect "$(path_of ups_pg_pins)" brcm,pins 22
	expect "$(path_of ups_pg_pins)" brcm,pull 2
	expect /gpio-ups capacitance-microfarads 25000000
	expect_absent /gpio-ups low-battery-gpios
	expect_absent /gpio-ups io-channels
}
# ADC read directly: AIN0 of an ADS1015 at 0x48 on i2c1.
c_generic_adc() {
	local adc
	adc="$(path_of i2c1)/adc@48"
	expect "$adc" compatible ti,ads1015 s
	expect "$adc/channel@4" reg 4
	expect "$adc/channel@4" ti,gain 1
	expect "$(path_of i2c1)" status okay s
	expect /gpio-ups io-channels "$(fdtget "$M" "$adc" phandle) 4"
	expect /gpio-ups io-channel-names voltage s
	expect_absent /gpio-ups output-ohms
	expect_absent /gpio-ups full-ohms
}
# Everything moved: ADS1115 at 0x49 AIN2 through the divider, low battery
# on GPIO5, power-good active low, shutdown on GPIO24.
c_generic_full() {
	local g adc
	g=$(ph gpio)
	adc="$(path_of i2c1)/adc@49"
	expect "$adc" compatible ti,ads1115 s
	expect "$adc" reg 73
	expect "$adc/channel@6" reg 6
	expect /gpio-ups io-channels "$(fdtget "$M" "$adc" phandle) 6"
	expect /gpio-ups output-ohms 100000
	expect /gpio-ups full-ohms 133000
	expect /gpio-ups power-good-gpios "$g 22 1"
	expect /gpio-ups low-battery-gpios "$g 5 1"
	expect /gpio-ups shutdown-gpios "$g 24 0"
	expect /gpio-ups pinctrl-0 "$(ph ups_pg_pins) $(ph ups_lb_pins)"
	expect "$(path_of ups_lb_pins)" brcm,pins 5
	expect /gpio-ups capacitance-microfarads 35000000
	expect /gpio-ups power-fail-debounce-ms 250
	expect /gpio-ups shutdown-load-percent 60
	expect /gpio-ups shutdown-margin-percent 120
}
# Seed 002 board: PWRGOOD/SHUTDN, one cell; "dual" plus the divider ADC.
c_ltc4041() {
	local g
	g=$(ph gpio)
	expect /gpio-ups power-good-gpios "$g 22 0"
	expect /gpio-ups shutdown-gpios "$g 26 0"
	expect /gpio-ups shutdown-at-commit ""
	expect_hold 20000
	expect /gpio-ups capacitance-microfarads 100000000
	expect /gpio-ups voltage-max-design-microvolt 2700000
	expect /gpio-ups voltage-min-design-microvolt 2300000
	expect_absent /gpio-ups io-channels
}
c_ltc4041_dual_adc() {
	local adc
	adc="$(path_of i2c1)/adc@48"
	expect /gpio-ups capacitance-microfarads 50000000
	expect /gpio-ups voltage-max-design-microvolt 4500000
	expect /gpio-ups voltage-min-design-microvolt 2400000
	expect /gpio-ups io-channels "$(fdtget "$M" "$adc" phandle) 4"
	expect /gpio-ups output-ohms 100000
	expect /gpio-ups full-ohms 200000
}
# Seed 003 board: power good on GPIO3 switches the header I2C bus off.
c_stm32() {
	local g
	g=$(ph gpio)
	expect /gpio-ups power-good-gpios "$g 3 0"
	expect /gpio-ups shutdown-gpios "$g 26 1"
	expect /gpio-ups fallback-shutdown-ms 0
	expect_hold 20000
	expect "$(path_of ups_pg_pins)" brcm,pins 3
	expect "$(path_of i2c1)" status disabled s
	expect_absent /gpio-ups io-channels
	expect_absent /gpio-ups capacitance-microfarads
}
c_stm32_alt() {
	local g
	g=$(ph gpio)
	expect /gpio-ups power-good-gpios "$g 22 0"
	expect /gpio-ups shutdown-gpios "$g 24 1"
	expect "$(path_of ups_pg_pins)" brcm,pins 22
	expect "$(path_of i2c1)" status okay s
}
# Parameters that must undo or only take what they say.
c_ltc4041_nosd() {
	expect_absent /gpio-ups shutdown-gpios
	expect_absent /gpio-ups shutdown-at-commit
}
c_generic_nosd() {
	expect_absent /gpio-ups shutdown-gpios
	expect_absent /gpio-ups shutdown-at-commit
}
c_lb_low() { expect /gpio-ups low-battery-gpios "$(ph gpio) 5 1"; }
c_lb_high() { expect /gpio-ups low-battery-gpios "$(ph gpio) 5 0"; }
c_stm32_pg22() {
	expect /gpio-ups power-good-gpios "$(ph gpio) 22 0"
	expect "$(path_of ups_pg_pins)" brcm,pins 22
	expect "$(path_of i2c1)" status okay s
}
# Seed 001 board: BATT as power good, LOW as low battery, no shutdown line.
c_sla() {
	local g
	g=$(ph gpio)
	expect /gpio-ups power-good-gpios "$g 22 0"
	expect /gpio-ups low-battery-gpios "$g 23 1"
	expect /gpio-ups pinctrl-0 "$(ph ups_pg_pins) $(ph ups_lb_pins)"
	expect "$(path_of ups_lb_pins)" brcm,pull 2
	expect /gpio-ups fallback-shutdown-ms 1800000
	expect_absent /gpio-ups shutdown-gpios
	expect_absent /gpio-ups capacitance-microfarads
}
# Jetson Nano: header pin 15 = PY.02 (194), pin 37 = PB.04 (12).
c_nano() {
	local g
	g=$(ph gpio)
	expect /gpio-ups power-good-gpios "$g 194 0"
	expect /gpio-ups shutdown-gpios "$g 12 0"
	expect /pinmux@700008d4/pinmux-gpio-ups/lcd_te_py2 nvidia,pull 2
	expect /gpio-ups pinctrl-0 "$(fdtget "$M" /pinmux@700008d4/pinmux-gpio-ups phandle)"
	expect_absent /gpio-ups io-channels
}
c_nano_adc() {
	local adc=/i2c@7000c400/adc@48
	expect /i2c@7000c400 status okay s
	expect "$adc" compatible ti,ads1115 s
	expect /gpio-ups io-channels "$(fdtget "$M" "$adc" phandle) 4"
	expect /gpio-ups output-ohms 100000
	expect /gpio-ups full-ohms 200000
}

for b in RPI3 RPI4; do
	base=${!b}
	run_case "gpio-ups on $b" gpio-ups "$base" "" c_generic
	run_case "gpio-ups adc on $b" gpio-ups "$base" "adc" c_generic_adc
	run_case "gpio-ups adc_div,lb,... on $b" gpio-ups "$base" \
		"adc_div adc_addr=0x49 adc_channel=2 div_full_ohms=133000 adc_ads1115 lb_gpio=5 pg_active_low sd_gpio=24 capacitance_uf=35000000 debounce=250 shutdown_load_pct=60 margin_pct=120" \
		c_generic_full
	run_case "gpio-ups-ltc4041 on $b" gpio-ups-ltc4041 "$base" "" c_ltc4041
	run_case "gpio-ups-ltc4041 dual,adc_div on $b" gpio-ups-ltc4041 "$base" \
		"dual adc_div" c_ltc4041_dual_adc
	run_case "gpio-ups-ltc4041-stm32 on $b" gpio-ups-ltc4041-stm32 "$base" "" c_stm32
	run_case "gpio-ups-ltc4041-stm32 pg_gpio22,sd_gpio=24 on $b" \
		gpio-ups-ltc4041-stm32 "$base" "pg_gpio22 sd_gpio=24" c_stm32_alt
	run_case "gpio-ups-sla on $b" gpio-ups-sla "$base" "" c_sla
done
base=$RPI4
run_case "gpio-ups-ltc4041 sd=off on RPI4" gpio-ups-ltc4041 "$base" "sd=off" c_ltc4041_nosd
run_case "gpio-ups sd=off,at_commit on RPI4" gpio-ups "$base" "sd=off at_commit" c_generic_nosd
run_case "gpio-ups lb_gpio=5,lb_active_high=off on RPI4" gpio-ups "$base" \
	"lb_gpio=5 lb_active_high=off" c_lb_low
run_case "gpio-ups lb_gpio=5,lb_active_high on RPI4" gpio-ups "$base" \
	"lb_gpio=5 lb_active_high" c_lb_high
run_case "gpio-ups-ltc4041-stm32 pg_gpio=22 on RPI4" gpio-ups-ltc4041-stm32 "$base" \
	"pg_gpio=22" c_stm32_pg22
run_case "gpio-ups-ltc4041-stm32 pg_gpio22=off on RPI4" gpio-ups-ltc4041-stm32 "$base" \
	"pg_gpio22=off" c_stm32

# No overlay uses a voltage-divider node: stock Raspberry Pi kernels have
# no IIO_RESCALE, so it would never probe and the UPS would wait for it.
for ov in "$OV"/*.dtbo; do
	name="overlays: $(basename "$ov" .dtbo) puts no voltage-divider node in front of the ADC"
	if dtc -q -I dtb -O dts "$ov" 2>/dev/null | contains '"voltage-divider"'; then
		fail "$name" "use output-ohms/full-ohms on the gpio-ups node"
		rc=1
	else
		pass "$name"
	fi
done

# Overlays without an ADC offer no parameter that needs a voltage reading
# (the driver ignores a store description without one).
for ov in "$OV"/*.dtbo; do
	params=$(fdtget -p "$ov" /__overrides__ 2>/dev/null) || continue
	grep -qx adc <<<"$params" && continue
	name="overlays: $(basename "$ov" .dtbo) (no ADC) offers no store or estimate parameter"
	bad=$(printf '%s\n' "$params" | grep -Ex \
		'capacitance_uf|vmax_uv|vmin_uv|efficiency|load_uw|runtime_sec|capacity_pct|shutdown_load_pct')
	if [ -n "$bad" ]; then
		fail "$name" "offered but ignored without an ADC:" "$bad"
		rc=1
	else
		pass "$name"
	fi
done
run_case "gpio-ups-jetson-nano on NANO" gpio-ups-jetson-nano "$NANO" "" c_nano
run_case "gpio-ups-jetson-nano-adc on NANO" gpio-ups-jetson-nano-adc "$NANO" "" c_nano_adc

# --- 5. negative checks ----------------------------------------------------
# Header I2C pins (and pins the board jumper does not offer) are refused.
for t in "gpio-ups pg_gpio=3" "gpio-ups lb_gpio=2" "gpio-ups sd_gpio=28" \
	 "gpio-ups-ltc4041-stm32 sd_gpio=25" "gpio-ups-ltc4041-stm32 pg_gpio=3"; do
	set -- $t
	name="overlays: $1 refuses $2"
	if out=$($OVP "$OV/$1.dtbo" "$W/refused.dtbo" "$2" 2>&1); then
		fail "$name" "the parameter was accepted"
		rc=1
	elif grep -q 'is not allowed' <<< "$out"; then
		pass "$name"
	else
		fail "$name" "$out"
		rc=1
	fi
done

# An overlay with a misspelt property must fail validation.
BAD="$W/bad"
mkdir -p "$BAD"
cat >"$BAD/gpio-ups-bad.dts" <<'EOF'
#include "gpio-ups.dts"

&ups {
	power-fail-debounce = <100>;	/* misspelt: -ms missing */
};
EOF
name="overlays: an overlay with a misspelt property fails validation"
if cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P -I "$GPIO_UPS_ROOT/dts" \
		-o "$BAD/bad.pp.dts" "$BAD/gpio-ups-bad.dts" >&2 &&
	dtc -@ -I dts -O dtb -o "$BAD/bad.dtbo" "$BAD/bad.pp.dts" >&2 &&
	$OVP "$BAD/bad.dtbo" "$BAD/bad-p.dtbo" >&2 &&
	fdtoverlay -i "$RPI4" -o "$BAD/bad.dtb" "$BAD/bad-p.dtbo" >&2; then
	out=$(dt-validate -s "$W/processed-schema.json" "$BAD/bad.dtb" 2>&1)
	log "$out"
	if printf '%s\n' "$out" | grep -E "^$BAD/bad.dtb: gpio-ups: " |
			grep -q "power-fail-debounce'"; then
		pass "$name"
	else
		fail "$name" "dt-validate did not report power-fail-debounce on /gpio-ups"
		rc=1
	fi
else
	fail "$name" "could not build or apply the bad overlay (see the log)"
	rc=1
fi

exit $rc
