#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dkms add/build/remove of gpio-ups for the Debian 6.1 headers
# (linux-headers-amd64) with W=1, and no warning in the build log.
# DKMS runs on private source/dkms/install trees under $CACHE, so the
# machine's /usr/src and /var/lib/dkms are untouched and reruns start clean.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need_pkgs dkms linux-headers-amd64 openssl "${KBUILD_PKGS[@]}"
VER=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$GPIO_UPS_ROOT/dkms.conf")
KVER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	grep -o 'linux-headers-[^ ,]*-amd64' | head -n1 | sed 's/^linux-headers-//')
name="dkms build gpio-ups/$VER -k $KVER (W=1) with no warnings"
if [ -z "$VER" ] || [ -z "$KVER" ] || [ ! -d "/lib/modules/$KVER/build" ]; then
	fail "$name" "version '$VER' or headers for '$KVER' not found"
	exit 1
fi

D="$CACHE/dkms"
W=$(step_dir)
# Modules are signed as on a real install; keep the generated key here too.
export mok_signing_key="$D/mok.key" mok_certificate="$D/mok.pub"
dkms_() {
	dkms --sourcetree "$D/src" --dkmstree "$D/tree" --installtree "$D/install" "$@" </dev/null
}
cleanup() {
	dkms_ remove "gpio-ups/$VER" --all >&2 2>&1 || true
	rm -rf "$D/src/gpio-ups-$VER" "$D/tree/gpio-ups"
}
mkdir -p "$D/src" "$D/tree" "$D/install"
cleanup
trap cleanup EXIT

# `dkms add .` from a copy holding exactly what the package ships.
stage_module "$D/stage/gpio-ups"
(cd "$D/stage/gpio-ups" && dkms_ add .) >&2 2>&1 || {
	fail "$name" "dkms add failed (see step log)"
	exit 1
}
# KBUILD_EXTRA_WARN is what W=1 sets and KBUILD_VERBOSE what V=1 sets;
# kbuild takes both from the environment.
KBUILD_EXTRA_WARN=1 KBUILD_VERBOSE=1 dkms_ build "gpio-ups/$VER" -k "$KVER" >"$W/dkms-build.out" 2>&1
st=$?
cat "$W/dkms-build.out" >&2
# dkms keeps make.log beside the built module, or in build/ on failure.
cat "$D/tree/gpio-ups/$VER/$KVER"/*/log/make.log "$D/tree/gpio-ups/$VER/build/make.log" \
	>"$W/make.log" 2>/dev/null
KO=$(ls "$D/tree/gpio-ups/$VER/$KVER"/*/module/gpio-ups.ko* 2>/dev/null | head -n1)
if [ $st -ne 0 ] || [ -z "$KO" ]; then
	fail "$name" "dkms build failed (status $st); make.log: $W/make.log" \
		"$(build_problems "$W/make.log" | head -n 20)"
	exit 1
fi
probs=$(build_problems "$W/make.log")
if [ -n "$probs" ]; then
	fail "$name" "$(printf '%s\n' "$probs" | head -n 20)" "make.log: $W/make.log"
	exit 1
fi
if ! grep -q -- ' -Wextra .*gpio-ups-drv\.c' "$W/make.log"; then
	fail "$name" "W=1 was not in effect (no -Wextra in the compile command)"
	exit 1
fi
case $KO in
*.ko) size_of=$KO ;;
*.xz) xz -dc "$KO" >"$W/gpio-ups.ko" && size_of=$W/gpio-ups.ko ;;
*.zst) zstd -qdc "$KO" >"$W/gpio-ups.ko" && size_of=$W/gpio-ups.ko ;;
*) size_of= ;;
esac
pass "$name${size_of:+, $(ko_size "$size_of")}"
