#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make install` / `make uninstall`: the driver through DKMS and the overlays.
#
# Usage: scripts/install.sh install|uninstall
#
# install (as root, DESTDIR unset):
#   - copies the module sources to /usr/src/gpio-ups-<version> and runs
#     dkms add / build / install for the running kernel (DKMS rebuilds it
#     for later kernels: AUTOINSTALL);
#   - builds the overlays (scripts/dtbs.sh) and copies every .dtbo into the
#     overlay directory the system uses: /boot/firmware/overlays (current
#     Raspberry Pi OS), else /boot/overlays (older releases); on other
#     systems (e.g. Jetson) into /boot/gpio-ups/overlays;
#   - prints the config.txt line to add. config.txt is never edited.
# uninstall: dkms remove, then deletes the installed sources and overlays.
#
# With DESTDIR set (packaging, tests) nothing runs as root and DKMS is not
# called: the DKMS source tree goes to $DESTDIR/usr/src/gpio-ups-<version>
# and the overlays to $DESTDIR$OVERLAY_DIR. OVERLAY_DIR defaults to the
# directory found on the running system, or /boot/firmware/overlays under a
# DESTDIR; set it to override. The installed files are listed in
# $DESTDIR/usr/src/gpio-ups-<version>/.installed-overlays so that uninstall
# removes exactly those.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=$GPIO_UPS_ROOT
NAME=gpio-ups
VERSION=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$ROOT/dkms.conf")
[ -n "$VERSION" ] || die "no PACKAGE_VERSION in dkms.conf"
DESTDIR=${DESTDIR:-}
SRCDEST="$DESTDIR/usr/src/$NAME-$VERSION"
MANIFEST="$SRCDEST/.installed-overlays"

overlay_dir() {
	if [ -n "${OVERLAY_DIR:-}" ]; then
		echo "$OVERLAY_DIR"
	elif [ -n "$DESTDIR" ]; then
		echo /boot/firmware/overlays
	elif [ -d /boot/firmware/overlays ]; then
		echo /boot/firmware/overlays
	elif [ -d /boot/overlays ]; then
		echo /boot/overlays
	else
		echo /boot/$NAME/overlays
	fi
}

# The files DKMS needs to build the module, nothing else.
copy_sources() {
	local f
	rm -rf "$SRCDEST"
	mkdir -p "$SRCDEST/drivers/power/supply"
	for f in Kbuild Makefile dkms.conf; do
		install -m 0644 "$ROOT/$f" "$SRCDEST/$f"
	done
	for f in "$ROOT"/drivers/power/supply/*.[ch]; do
		install -m 0644 "$f" "$SRCDEST/drivers/power/supply/"
	done
}

print_config_lines() {
	local dir=$1
	cat <<EOF

Overlays installed in $dir. To enable the UPS, add ONE of these
lines to config.txt ($(dirname "$dir")/config.txt), as it is (a comment
after it would become part of the line), then reboot:

  generic HAT (power good GPIO22, shutdown GPIO26; parameters in the guide):
    dtoverlay=gpio-ups
  LTC4041 supercap UPS with PIC timer (PWRGOOD/SHUTDN):
    dtoverlay=gpio-ups-ltc4041
  LTC4041/STM32 HAT (power good on GPIO3):
    dtoverlay=gpio-ups-ltc4041-stm32
  SLA battery HAT (BATT/LOW):
    dtoverlay=gpio-ups-sla

config.txt was not changed. Jetson Nano: add
$dir/gpio-ups-jetson-nano.dtbo to the FDTOVERLAYS line of
/boot/extlinux/extlinux.conf. Parameters and wiring:
Documentation/power/gpio-ups.rst.
EOF
}

do_install() {
	local dir f
	if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
		die "make install needs root (or DESTDIR=<dir> for a staged install)"
	fi
	dir=$(overlay_dir)
	TMPOUT=$(mktemp -d)
	trap 'rm -rf "$TMPOUT"' EXIT
	"$ROOT/scripts/dtbs.sh" "$TMPOUT" || die "building the overlays failed"

	copy_sources
	if [ -z "$DESTDIR" ]; then
		need_pkgs dkms
		if dkms status -m "$NAME" -v "$VERSION" | grep -q .; then
			dkms remove -m "$NAME" -v "$VERSION" --all >&2 || true
		fi
		dkms add -m "$NAME" -v "$VERSION" >&2
		dkms build -m "$NAME" -v "$VERSION" >&2
		dkms install -m "$NAME" -v "$VERSION" >&2
	else
		log "DESTDIR set: sources staged in $SRCDEST, dkms not run"
	fi

	mkdir -p "$DESTDIR$dir"
	: >"$MANIFEST"
	for f in "$TMPOUT"/*.dtbo; do
		install -m 0644 "$f" "$DESTDIR$dir/"
		echo "$dir/$(basename "$f")" >>"$MANIFEST"
	done
	print_config_lines "$dir"
}

do_uninstall() {
	local f dir
	if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
		die "make uninstall needs root (or DESTDIR=<dir>)"
	fi
	if [ -z "$DESTDIR" ] && command -v dkms >/dev/null &&
			dkms status -m "$NAME" -v "$VERSION" | grep -q .; then
		dkms remove -m "$NAME" -v "$VERSION" --all >&2
	fi
	if [ -f "$MANIFEST" ]; then
		while read -r f; do
			[ -n "$f" ] && rm -f "$DESTDIR$f"
		done <"$MANIFEST"
	else
		# No manifest (e.g. removed by hand): the overlays this tree builds.
		dir=$(overlay_dir)
		for f in "$ROOT"/dts/*.dts; do
			rm -f "$DESTDIR$dir/$(basename "$f" .dts).dtbo"
		done
	fi
	rm -rf "$SRCDEST"
	log "gpio-ups $VERSION uninstalled; remove the dtoverlay=gpio-ups... line from config.txt if you added one"
}

case "${1:-}" in
install) do_install ;;
uninstall) do_uninstall ;;
*) die "usage: $0 install|uninstall" ;;
esac
