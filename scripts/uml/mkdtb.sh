#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the device tree the UML guest boots with: scripts/uml/base.dts (the
# simulated HAT, a gpio-sim bank labelled "gpio") plus one UPS overlay,
# merged with fdtoverlay as the Pi firmware merges dtoverlay= lines.
#
# Usage: mkdtb.sh OUT.dtb OVERLAY(.dtso|.dtbo) [PROP=VALUE...]
#   PROP=VALUE   set a u32 property of the gpio-ups node (e.g.
#                power-fail-debounce-ms=0); PROP=  deletes it.
# Adjustments UML needs, and only those: the node's pinctrl-* properties
# are dropped (there is no BCM2835 pin controller), and its io-channels, if
# any, are pointed at the simulated ADC instead of the ADS1015 on i2c1.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_pkgs device-tree-compiler cpp

[ $# -ge 2 ] || die "usage: $0 OUT.dtb OVERLAY [PROP=VALUE...]"
out=$1 ovl=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dtc -q -@ -I dts -O dtb -o "$tmp/base.dtb" "$GPIO_UPS_ROOT/scripts/uml/base.dts"
case "$ovl" in
*.dtbo) cp "$ovl" "$tmp/ovl.dtbo" ;;
*)	# overlay sources may use the C preprocessor (#include, #define)
	cpp -nostdinc -undef -x assembler-with-cpp -P -I "$(dirname "$ovl")" \
		"$ovl" > "$tmp/ovl.dts"
	dtc -q -@ -I dts -O dtb -o "$tmp/ovl.dtbo" "$tmp/ovl.dts" ;;
esac
fdtoverlay -i "$tmp/base.dtb" -o "$tmp/m.dtb" "$tmp/ovl.dtbo" ||
	die "overlay $ovl does not apply onto scripts/uml/base.dts"

ups=
for n in $(fdtget -l "$tmp/m.dtb" /); do
	[ "$(fdtget "$tmp/m.dtb" "/$n" compatible 2>/dev/null)" = gpio-ups ] && ups=/$n
done
[ -n "$ups" ] || die "overlay $ovl adds no gpio-ups node at the root"

for p in pinctrl-0 pinctrl-names; do
	fdtput -d "$tmp/m.dtb" "$ups" "$p" 2>/dev/null || true
done
if fdtget "$tmp/m.dtb" "$ups" io-channels >/dev/null 2>&1; then
	ph=$(fdtget -t u "$tmp/m.dtb" /sim-hat phandle 2>/dev/null || true)
	if [ -z "$ph" ]; then
		ph=$(( $(dtc -q -I dtb -O dts "$tmp/m.dtb" |
			sed -n 's/.*phandle = <\(0x[0-9a-f]*\)>;.*/\1/p' |
			sort -u | while read -r x; do echo $((x)); done | sort -n | tail -n1) + 1 ))
		fdtput -t u "$tmp/m.dtb" /sim-hat phandle "$ph"
	fi
	fdtput -t u "$tmp/m.dtb" "$ups" io-channels "$ph" 0
	fdtput -t s "$tmp/m.dtb" "$ups" io-channel-names voltage
fi
for kv in "$@"; do
	k=${kv%%=*} v=${kv#*=}
	if [ -z "$v" ]; then
		fdtput -d "$tmp/m.dtb" "$ups" "$k" 2>/dev/null || true
	else
		fdtput -t u "$tmp/m.dtb" "$ups" "$k" "$v"
	fi
done
cp "$tmp/m.dtb" "$out"
