# SPDX-License-Identifier: GPL-2.0-only
# Kernel trees: the source trees (extracted once into $CACHE/src; 7.2 and
# 5.10 fetched from the Debian archive) and build dirs prepared from them
# for out-of-tree modules ($CACHE/build/NAME).  scripts/trees.sh is their
# command line.  Part of scripts/lib.sh.
# shellcheck shell=bash

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

# debian_uri [security]: the Debian archive URI this machine's own apt setup
# uses (with "security": its security archive, the URI that names it).
debian_uri() {
	local uri sel=(-v -e security -e '^$') def=http://deb.debian.org/debian
	[ "${1:-}" = security ] && { sel=(security); def=$def-security; }
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		tr ' ' '\n' | grep "${sel[@]}" | head -n1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null | grep "${sel[@]}" | head -n1)
	printf '%s\n' "${uri:-$def}"
}

# src_debian NAME PKG VER SUITE...: fetch linux-source-VER (package PKG) from
# the Debian SUITEs ("sid", or "bullseye bullseye-security": a suite ending
# in -security comes from the security archive) with apt-get download
# through a private sources list and state in $CACHE/apt-NAME (the
# machine's apt setup is left untouched), extract it into
# $CACHE/src/linux-source-VER once and print that path.
src_debian() {
	local name=$1 pkg=$2 ver=$3 dir="$CACHE/src/linux-source-$3" apt="$CACHE/apt-$1"
	local opts deb suite
	shift 3
	if [ -e "$dir/.extracted" ]; then
		printf '%s\n' "$dir"
		return 0
	fi
	need_pkgs apt dpkg xz-utils debian-archive-keyring
	rm -rf "$apt/x" "$apt/deb"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/deb" "$apt/x"
	for suite in "$@"; do
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$(case $suite in *-security) debian_uri security ;; *) debian_uri ;; esac)" \
			"$suite"
	done > "$apt/sources.list"
	opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=-
	      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
	      -o APT::Sandbox::User=root -q)
	log "fetching $pkg from Debian $* ($(tr '\n' ' ' < "$apt/sources.list"))"
	apt-get "${opts[@]}" update </dev/null >&2 || die "apt-get update ($name, private list) failed"
	(cd "$apt/deb" && apt-get "${opts[@]}" download "$pkg" </dev/null >&2) ||
		die "apt-get download $pkg failed"
	deb=$(ls "$apt/deb/${pkg}"_*.deb | head -n1)
	log "extracting $deb"
	dpkg -x "$deb" "$apt/x" || die "dpkg -x $deb failed"
	rm -rf "$dir"
	mkdir -p "$CACHE/src"
	tar -C "$CACHE/src" -xf "$apt/x/usr/src/linux-source-$ver.tar.xz" ||
		die "cannot extract linux-source-$ver.tar.xz"
	basename "$deb" > "$dir/.extracted"
	rm -rf "$apt/x" "$apt/deb" "$apt/cache/archives"/*.deb
	printf '%s\n' "$dir"
}

# src_7_2: Debian sid's linux-source-7.2, cached.
src_7_2() { src_debian sid linux-source-7.2 7.2 sid; }

# src_5_10: Debian bullseye's linux-source-5.10 (JetPack 5 / L4T 35 runs
# 5.10), cached.
src_5_10() { src_debian bullseye linux-source-5.10 5.10 bullseye bullseye-security; }

# ---- prepared build dirs: defconfig + the driver's dependencies + modules_prepare

# Symbols the driver depends on (kunit/Kconfig), enabled on top of defconfig
# so that the module compiles against the real APIs, not the stubs.
KCONFIG_ENABLE=(OF POWER_SUPPLY GPIOLIB IIO)

# prep_tree NAME SRC ARCH [CROSS_COMPILE [DEFCONFIG]]: prepare
# $CACHE/build/NAME (O= dir) for out-of-tree module builds and print its
# path. DEFCONFIG is the config target to start from (defconfig; e.g.
# bcm2835_defconfig for 32-bit Raspberry Pi). Skipped when already done for
# the same inputs (source tree, arch, compiler, config target and symbols).
prep_tree() {
	local name=$1 src=$2 arch=$3 cross=${4:-} defcfg=${5:-defconfig} b="$CACHE/build/$1" key s
	# (the config target is part of the key only when it is not defconfig)
	key=$(printf '%s\n' "$src" "$(cat "$src/.extracted")" "$(stat -c %Y "$src/.extracted")" \
		"$arch" "$cross" "$("${cross}gcc" --version | head -n1)" "${KCONFIG_ENABLE[*]}" \
		${defcfg%defconfig} |
		sha256sum | cut -c1-16)
	if [ -e "$b/.gpio-ups-prepared" ] && [ "$(cat "$b/.gpio-ups-prepared")" = "$key" ]; then
		printf '%s\n' "$b"
		return 0
	fi
	log "preparing $b ($arch $defcfg modules_prepare)"
	mkdir -p "$b"
	rm -f "$b/.gpio-ups-prepared"
	local mk=(make -C "$src" O="$b" ARCH="$arch" ${cross:+CROSS_COMPILE="$cross"} -j"$JOBS")
	"${mk[@]}" "$defcfg" >&2 || die "$name: make $defcfg failed"
	for s in "${KCONFIG_ENABLE[@]}"; do
		"$src/scripts/config" --file "$b/.config" --enable "$s"
	done
	"${mk[@]}" olddefconfig >&2 || die "$name: make olddefconfig failed"
	for s in "${KCONFIG_ENABLE[@]}"; do
		grep -q "^CONFIG_$s=[ym]" "$b/.config" || die "$name: CONFIG_$s could not be enabled"
	done
	"${mk[@]}" modules_prepare </dev/null >&2 || die "$name: make modules_prepare failed"
	printf '%s\n' "$key" > "$b/.gpio-ups-prepared"
	printf '%s\n' "$b"
}
