#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The DT binding: yamllint with the kernel's rules, dt-doc-validate against
# the dt-schema meta-schemas, and its examples compiled with dtc and checked
# with dt-validate against a processed schema holding the binding
# (dt-schema 2022.08 from Debian; dt-validate exits 0 even when it reports
# errors, so any output counts as a failure).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs dt-schema device-tree-compiler yamllint cpp linux-source-6.12 xz-utils
SRC=$(src_6_12) || exit 1
BINDINGS="$GPIO_UPS_ROOT/Documentation/devicetree/bindings"
REL=power/supply/gpio-ups.yaml
W=$(step_dir)
rc=0

if [ ! -f "$BINDINGS/$REL" ]; then
	fail "dt-schema: binding $REL" "file missing"
	exit 1
fi

# 1. yamllint with the rules the kernel applies to bindings.
if out=$(yamllint -f parsable -c "$SRC/Documentation/devicetree/bindings/.yamllint" \
	"$BINDINGS/$REL" 2>&1) && [ -z "$out" ]; then
	pass "dt-schema: yamllint $REL"
else
	fail "dt-schema: yamllint $REL" "$out"
	rc=1
fi

# 2. dt-doc-validate (run from the bindings dir so that $id is checked).
if out=$(cd "$BINDINGS" && dt-doc-validate -u "$BINDINGS" "$REL" 2>&1) && [ -z "$out" ]; then
	pass "dt-schema: dt-doc-validate $REL"
else
	fail "dt-schema: dt-doc-validate $REL" "$out"
	rc=1
fi

# 3. The examples: extract, preprocess, compile, validate.
name="dt-schema: example of $REL validates"
mkdir -p "$W/schema/power/supply"
cp "$BINDINGS/$REL" "$W/schema/$REL"
if ! out=$(dt-mk-schema -j "$W/schema" 2>&1 >"$W/processed-schema.json"); then
	fail "$name" "dt-mk-schema failed:" "$out"
	exit 1
fi
[ -z "$out" ] || log "dt-mk-schema: $out"
if ! dt-extract-example "$BINDINGS/$REL" >"$W/example.dts" 2>"$W/extract.err"; then
	fail "$name" "dt-extract-example failed:" "$(cat "$W/extract.err")"
	exit 1
fi
if ! grep -q 'compatible = "gpio-ups"' "$W/example.dts"; then
	fail "$name" "the binding has no example with compatible \"gpio-ups\""
	exit 1
fi
if ! out=$(cpp -nostdinc -I "$SRC/scripts/dtc/include-prefixes" -undef -D__DTS__ \
	-x assembler-with-cpp "$W/example.dts" -o "$W/example.pp.dts" 2>&1); then
	fail "$name" "cpp failed:" "$out"
	exit 1
fi
# Warnings the kernel's dt_binding_check also disables for examples.
if ! out=$(dtc -@ -I dts -O dtb -b 0 -Wno-avoid_unnecessary_addr_size \
	-Wno-graph_child_address -Wno-interrupt_provider -Wno-unique_unit_address \
	-o "$W/example.dtb" "$W/example.pp.dts" 2>&1) || [ -n "$out" ]; then
	fail "$name" "dtc:" "$out"
	exit 1
fi
out=$(dt-validate -s "$W/processed-schema.json" -M "$W/example.dtb" 2>&1)
st=$?
log "$out"
errs=$(printf '%s\n' "$out" | grep -v -e 'matched on schema' -e '^[[:space:]]*http' -e '^$')
if [ $st -ne 0 ] || [ -n "$errs" ]; then
	fail "$name" "$errs"
	rc=1
elif ! printf '%s\n' "$out" | grep -A3 'matched on schema' | contains 'schemas/power/supply/gpio-ups.yaml#'; then
	fail "$name" "no node of the example matched the gpio-ups schema"
	rc=1
else
	pass "$name"
fi
exit $rc
