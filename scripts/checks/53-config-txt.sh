#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every config.txt line a user is told to paste obeys the Raspberry Pi
# firmware's rules (scripts/configtxt.py): no comment or other text after
# the value ("#" only starts a comment at the start of a line), at most 98
# characters (the firmware cuts longer lines), an overlay this tree builds
# and only parameters (and values) that overlay has. Checked in README.md,
# the user guide, and what `make install` and `make demo` print. A
# self-test first shows that the checker catches each rule.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs device-tree-compiler cpp make python3 || exit 1
W=$(step_dir)
CT="/usr/bin/python3 $GPIO_UPS_ROOT/scripts/configtxt.py"
DTBS="$W/dtbs"
rc=0

if ! out=$("$GPIO_UPS_ROOT/scripts/dtbs.sh" "$DTBS" 2>&1); then
	fail "config.txt: overlays build" "$out"
	exit 1
fi

# 1. self-test: each rule must catch its bad line, and good lines pass.
name="config.txt: the checker catches a trailing comment, a long line and an unknown parameter"
errs=()
cat >"$W/bad.rst" <<'TXT'
::

    dtoverlay=gpio-ups,sd_gpio=27   # comment
    dtoverlay=gpio-ups,pg_gpio=17,pg_active_low,sd_gpio=27,adc_div,adc_ads1115,adc_addr=0x49,adc_channel=1
    dtoverlay=gpio-ups-sla,no_such_param=1
    dtoverlay=gpio-ups,pg_gpio=2
    dtoverlay=gpio-ups-nonexistent
    dtoverlay=gpio-ups,adc_div
    dtparam=no_such_param
TXT
out=$($CT "$DTBS" "$W/bad.rst" 2>/dev/null)
for want in ':3: "#"' ':4: 102 characters' ":5: gpio-ups-sla has no parameter 'no_such_param'" \
	    ':6: gpio-ups: ' ':7: overlay gpio-ups-nonexistent' ":8: gpio-ups has no parameter 'no_such_param'"; do
	grep -qF "$want" <<<"$out" || errs+=("not reported: $want")
done
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 6 ] || errs+=("expected 6 problems, got:" "$out")
printf '::\n\n    dtparam=i2c_arm=on\n    dtoverlay=gpio-ups,adc_div\n    dtparam=adc_channel=1\n' >"$W/good.rst"
$CT "$DTBS" "$W/good.rst" >/dev/null 2>&1 || errs+=("good lines were refused")
if [ ${#errs[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${errs[@]}"; rc=1; fi

# 2. the documents
for doc in README.md Documentation/power/gpio-ups.rst; do
	name="config.txt: lines in $doc follow the firmware's rules"
	if out=$(cd "$GPIO_UPS_ROOT" && $CT "$DTBS" "$doc" 2>"$W/ct.err"); then
		pass "$name ($(cat "$W/ct.err"))"
	else
		fail "$name" "$out"
		rc=1
	fi
done

# 3. what make install prints (staged install, nothing touches the system)
name="config.txt: lines printed by make install follow the firmware's rules"
D="$W/destdir"
rm -rf "$D"
if inst=$(make -s -C "$GPIO_UPS_ROOT" install DESTDIR="$D" 2>"$W/install.err"); then
	printf '%s\n' "$inst" >"$W/install.out"
	if ! grep -q 'dtoverlay=' <<<"$inst"; then
		fail "$name" "make install printed no dtoverlay= line"
		rc=1
	elif out=$($CT "$DTBS" "$W/install.out" 2>"$W/ct.err"); then
		pass "$name ($(cat "$W/ct.err"))"
	else
		fail "$name" "$out"
		rc=1
	fi
else
	fail "$name" "make install DESTDIR failed:" "$(tail -5 "$W/install.err")"
	rc=1
fi
rm -rf "$D"

# 4. what make demo prints at its end (the text is in scripts/demo.sh)
name="config.txt: lines printed by make demo follow the firmware's rules"
if out=$($CT "$DTBS" "$GPIO_UPS_ROOT/scripts/demo.sh" 2>"$W/ct.err"); then
	pass "$name ($(cat "$W/ct.err"))"
else
	fail "$name" "$out"
	rc=1
fi
exit $rc
