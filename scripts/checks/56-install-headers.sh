#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make install installs the headers of the running kernel when they are
# missing (DKMS cannot build without them): the package names it picks
# (scripts/install.sh headers-for) for the kernels Raspberry Pi OS ships,
# 64- and 32-bit, Pi 5, the older Raspberry Pi OS scheme and Debian, and
# its refusal, with the fix, of a 32-bit userland on a 64-bit kernel.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

IS="$GPIO_UPS_ROOT/scripts/install.sh"
rc=0
# uname -r | dpkg arch | uname -m | expected packages ("!" = refused)
while IFS='|' read -r rel arch mach want; do
	[ -n "$rel" ] || continue
	name="install: headers for $rel ($arch userland, $mach)"
	got=$("$IS" headers-for "$rel" "$arch" "$mach" 2>/dev/null)
	st=$?
	if [ "$want" = "!" ]; then
		if [ $st -eq 2 ]; then pass "$name: refused"; else
			fail "$name" "expected a refusal (status 2), got status $st: '$got'"; rc=1; fi
	elif [ $st -eq 0 ] && [ "$got" = "$want" ]; then
		pass "$name: $got"
	else
		fail "$name" "got '$got' (status $st), expected '$want'"
		rc=1
	fi
done <<'TABLE'
6.12.25+rpt-rpi-v8|arm64|aarch64|linux-headers-6.12.25+rpt-rpi-v8 linux-headers-rpi-v8
6.12.25+rpt-rpi-2712|arm64|aarch64|linux-headers-6.12.25+rpt-rpi-2712 linux-headers-rpi-2712
6.6.74+rpt-rpi-v7l|armhf|armv7l|linux-headers-6.6.74+rpt-rpi-v7l linux-headers-rpi-v7l
6.6.74+rpt-rpi-v7|armhf|armv7l|linux-headers-6.6.74+rpt-rpi-v7 linux-headers-rpi-v7
6.6.74+rpt-rpi-v6|armhf|armv6l|linux-headers-6.6.74+rpt-rpi-v6 linux-headers-rpi-v6
6.12.25+rpt-rpi-v8-rt|arm64|aarch64|linux-headers-6.12.25+rpt-rpi-v8-rt linux-headers-rpi-v8-rt
6.12.25+rpt-rpi-v8|armhf|aarch64|!
6.12.25+rpt-rpi-2712|armhf|aarch64|!
6.1.21-v8+|arm64|aarch64|raspberrypi-kernel-headers
6.1.21-v7l+|armhf|armv7l|raspberrypi-kernel-headers
6.1.21+|armhf|armv6l|raspberrypi-kernel-headers
6.1.0-28-arm64|arm64|aarch64|linux-headers-6.1.0-28-arm64
6.1.0-28-amd64|amd64|x86_64|linux-headers-6.1.0-28-amd64
TABLE

# make install (not staged) calls ensure_headers before dkms.
name="install: make install installs the kernel headers before running DKMS"
if awk '/need_pkgs dkms/ { d = 1 } d && /ensure_headers/ { e = 1 } d && /dkms add/ { exit !e }' "$IS"; then
	pass "$name"
else
	fail "$name" "scripts/install.sh runs dkms without ensure_headers"
	rc=1
fi
# README and the guide name the headers packages, the Pi 5 and 32-bit OS.
name="install: README and the user guide name the headers packages (Pi 3/4, Pi 5, 32-bit) and the minimum kernel"
errs=()
for doc in README.md Documentation/power/gpio-ups.rst; do
	for w in linux-headers-rpi-v8 linux-headers-rpi-2712 linux-headers-rpi-v7l \
		 raspberrypi-kernel-headers arm_64bit=0; do
		grep -q -- "$w" "$GPIO_UPS_ROOT/$doc" || errs+=("$doc does not name $w")
	done
done
grep -qi 'minimum kernel' "$GPIO_UPS_ROOT/Documentation/power/gpio-ups.rst" ||
	errs+=("the guide gives no minimum kernel")
if [ ${#errs[@]} -eq 0 ]; then pass "$name"; else fail "$name" "${errs[@]}"; rc=1; fi
exit $rc
