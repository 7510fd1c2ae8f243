# SPDX-License-Identifier: GPL-2.0-only
# Debian packages the scripts need.  Part of scripts/lib.sh.
# shellcheck shell=bash

# need_pkgs PKG...: install missing Debian packages (root) or say how.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | contains 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		log "installing: ${missing[*]}"
		if [ ! -e "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
			apt-get update -qq >&2 || die "apt-get update failed"
			mkdir -p "$CACHE" && touch "$CACHE/.apt-updated"
		fi
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			install -y -qq --no-install-recommends \
			"${missing[@]}" </dev/null >&2 || die "apt-get install ${missing[*]} failed"
	else
		die "missing packages; run: sudo apt-get install -y ${missing[*]}"
	fi
}

# Packages every kernel build here needs.
KBUILD_PKGS=(make gcc libc6-dev bc bison flex libelf-dev libssl-dev python3
	     rsync xz-utils kmod cpio perl)
