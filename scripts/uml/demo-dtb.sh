#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The board of `make demo` and of the main system-test boot: the generic
# Raspberry Pi overlay users install (dts/gpio-ups.dts), with the parameters
# a config.txt line would give it, applied the way the firmware applies
# them (scripts/ovparams.py), then merged onto the simulated HAT by
# mkdtb.sh.  The store is small (15 F, 4.6 V -> 2.5 V, 85 % converter: about
# 38 s at 2.5 W) so that the whole story fits in two minutes, with an 8 s
# shutdown drawing half the running load.  The config.txt equivalent:
#   dtoverlay=gpio-ups,pg_gpio=6,pg_active_low,lb_gpio=13,sd_gpio=5,debounce=200,
#     shutdown_ms=8000,shutdown_load_pct=50,fallback_ms=10000,capacitance_uf=15000000,
#     vmax_uv=4600000,vmin_uv=2500000,efficiency=85,adc
#
# Usage: demo-dtb.sh OUT.dtb [PROP=VALUE...]   (PROP=VALUE as for mkdtb.sh)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_pkgs python3

[ $# -ge 1 ] || die "usage: $0 OUT.dtb [PROP=VALUE...]"
out=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$GPIO_UPS_ROOT/scripts/dtbs.sh" "$tmp/dtbs" >&2
python3 "$GPIO_UPS_ROOT/scripts/ovparams.py" "$tmp/dtbs/gpio-ups.dtbo" "$tmp/demo.dtbo" \
	pg_gpio=6 pg_active_low lb_gpio=13 sd_gpio=5 debounce=200 \
	shutdown_ms=8000 shutdown_load_pct=50 fallback_ms=10000 capacitance_uf=15000000 \
	vmax_uv=4600000 vmin_uv=2500000 efficiency=85 adc \
	model_name="simulated supercap HAT"
"$GPIO_UPS_ROOT/scripts/uml/mkdtb.sh" "$out" "$tmp/demo.dtbo" "$@"
