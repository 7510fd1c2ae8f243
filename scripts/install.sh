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
#   - installs the NUT bridge (scripts/nut/install.sh: udev rule, helper,
#     configuration examples), listed in the same manifest.
# uninstall: dkms remove, then deletes the installed sources and overlays.
#
# With DESTDIR set (packaging, tests) nothing runs as root and DKMS is not
# called: the DKMS source tree goes to $DESTDIR/usr/src/gpio-ups-<version>
# and the overlays to $DESTDIR$OVERLAY_DIR. OVERLAY_DIR defaults to the
# directory found on the running system, or /boot/firmware/overlays under a
# DESTDIR; set it to override. The installed files are listed in
# $DESTDIR/usr/src/gpio-ups-<version>/.installed-overlays so that uninstall
# removes exactly those.
#
# scripts/install.sh headers-for UNAME_R [DPKG_ARCH [MACHINE]] prints the
# headers packages make install would install for that kernel (for the
# checks); exit status 2 when DKMS cannot build for it.
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
	elif [ -f /boot/firmware/config.txt ]; then
		echo /boot/firmware/overlays
	elif [ -f /boot/config.txt ] && [ -d /boot/overlays ]; then
		echo /boot/overlays
	elif [ -d /boot/firmware/overlays ]; then
		echo /boot/firmware/overlays
	elif [ -d /boot/overlays ]; then
		echo /boot/overlays
	else
		echo /boot/$NAME/overlays
	fi
}

# headers_pkgs UNAME_R DPKG_ARCH MACHINE: the headers packages for a kernel,
# the versioned one first, then the one that follows kernel upgrades.
# Raspberry Pi OS bookworm and later: kernels "<ver>+rpt-rpi-<flavour>"
# (v8: Pi 3/4 64-bit; 2712: Pi 5; v7l: Pi 4 32-bit; v7: Pi 2/3 32-bit;
# v6: Pi 1/Zero; -rt variants), packages linux-headers-<uname -r> and
# linux-headers-rpi-<flavour>. Older Raspberry Pi OS: "<ver>+",
# "<ver>-v7+", "-v7l+", "-v8+", package raspberrypi-kernel-headers.
# Elsewhere (Debian): linux-headers-<uname -r>. Returns 2 for a 32-bit
# userland on a 64-bit kernel: DKMS builds with the 32-bit compiler.
headers_pkgs() {
	local r=$1 arch=${2:-} mach=${3:-}
	if [ "$arch" = armhf ] || [ "$arch" = armel ]; then
		case $mach in
		aarch64 | arm64) return 2 ;;
		esac
	fi
	case $r in
	*+rpt-rpi-*) echo "linux-headers-$r linux-headers-rpi-${r##*+rpt-rpi-}" ;;
	*-v7+ | *-v7l+ | *-v8+ | *+) echo raspberrypi-kernel-headers ;;
	*) echo "linux-headers-$r" ;;
	esac
}

# ensure_headers: the running kernel's build dir, installing its headers.
ensure_headers() {
	local r pkgs p have=() rc=0
	r=$(uname -r)
	[ -d "/lib/modules/$r/build" ] && return 0
	pkgs=$(headers_pkgs "$r" "$(dpkg --print-architecture 2>/dev/null)" "$(uname -m)") || rc=$?
	if [ $rc -eq 2 ]; then
		die "this is a 32-bit system ($(dpkg --print-architecture)) running a 64-bit kernel ($r, $(uname -m)): DKMS builds modules with the 32-bit compiler and cannot build for it. On a Pi 2/3/4 add arm_64bit=0 to the [all] section of config.txt and reboot (the 32-bit kernel then runs), then make install again; on a Pi 5, install the 64-bit Raspberry Pi OS."
	fi
	log "kernel headers for $r missing: installing $pkgs"
	apt-get update -qq >&2 || log "apt-get update failed; trying the lists as they are"
	for p in $pkgs; do
		if apt-cache show "$p" >/dev/null 2>&1; then
			have+=("$p")
		fi
	done
	[ ${#have[@]} -gt 0 ] ||
		die "no headers package for kernel $r ($pkgs): install the headers of the running kernel (or update the kernel and reboot), then make install again"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${have[@]}" </dev/null >&2 ||
		die "apt-get install ${have[*]} failed"
	[ -d "/lib/modules/$r/build" ] ||
		die "installed ${have[*]}, but /lib/modules/$r/build is still missing: the package is for another kernel version; run apt full-upgrade, reboot into the new kernel and make install again"
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
		ensure_headers
		if dkms status -m "$NAME" -v "$VERSION" | contains .; then
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
	"$ROOT/scripts/nut/install.sh" "$MANIFEST"
}

do_uninstall() {
	local f dir
	if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
		die "make uninstall needs root (or DESTDIR=<dir>)"
	fi
	if [ -z "$DESTDIR" ] && command -v dkms >/dev/null &&
			dkms status -m "$NAME" -v "$VERSION" | contains .; then
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
headers-for) headers_pkgs "${2:?uname -r}" "${3:-}" "${4:-}" ;;
*) die "usage: $0 install|uninstall" ;;
esac
