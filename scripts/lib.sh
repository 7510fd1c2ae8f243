# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the build/test scripts: cache locations, kernel trees.
# shellcheck shell=bash

GPIO_UPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${GPIO_UPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gpio-ups}
JOBS=${JOBS:-$(nproc)}

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# need_pkgs PKG...: install missing Debian packages (root) or say how.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		log "installing: ${missing[*]}"
		if [ ! -e "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
			apt-get update -qq >&2 || die "apt-get update failed"
			mkdir -p "$CACHE" && touch "$CACHE/.apt-updated"
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
	else
		die "missing packages; run: sudo apt-get install -y ${missing[*]}"
	fi
}

# src_6_12: print the path of the cached, extracted Linux 6.12 tree.
src_6_12() {
	need_pkgs linux-source-6.12 xz-utils
	local tarball dir
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "linux-source-6.12 tarball not found in /usr/src"
	dir="$CACHE/src/linux-source-6.12"
	if [ ! -e "$dir/.extracted" ] || [ "$tarball" -nt "$dir/.extracted" ]; then
		log "extracting $tarball into $CACHE/src"
		rm -rf "$dir"
		mkdir -p "$CACHE/src"
		tar -C "$CACHE/src" -xf "$tarball" || die "cannot extract $tarball"
		touch "$dir/.extracted"
	fi
	printf '%s\n' "$dir"
}
