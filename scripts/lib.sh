# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the build/test scripts: cache locations, packages,
# kernel trees, module builds and the check protocol (see scripts/check.sh).
# shellcheck shell=bash

GPIO_UPS_ROOT=${GPIO_UPS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CACHE=${GPIO_UPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gpio-ups}
JOBS=${JOBS:-$(nproc)}

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------
# Check protocol (scripts/check.sh): results on stdout, everything else on
# stderr. A reason follows a FAIL as indented lines.

# pass NAME
pass() { printf 'PASS: %s\n' "$1"; }
# fail NAME [REASON LINE...]
fail() {
	local name=$1 l
	shift
	printf 'FAIL: %s\n' "$name"
	for l in "$@"; do
		[ -n "$l" ] && printf '%s\n' "$l" | sed 's/^/  /'
	done
	return 0
}
# skip NAME [REASON]
skip() {
	printf 'SKIP: %s\n' "$1"
	[ $# -lt 2 ] || printf '  %s\n' "$2"
}
# indent_head FILE [N]: first N (20) lines of FILE, indented, for a reason.
indent_head() { head -n "${2:-20}" "$1" | sed 's/^/  /'; }

# step_dir: directory for this check step's artifacts (set by check.sh).
step_dir() {
	local d=${CHECK_STEP_DIR:-$CACHE/logs/adhoc}
	mkdir -p "$d" && printf '%s\n' "$d"
}

# ---------------------------------------------------------------------------
# Packages

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

# ---------------------------------------------------------------------------
# Kernel source trees (extracted once into $CACHE/src)

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

# ---------------------------------------------------------------------------
# Prepared build dirs: defconfig + the driver's dependencies + modules_prepare

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

# ---------------------------------------------------------------------------
# Out-of-tree module builds

# stage_module DIR: copy the module's build inputs (top-level Makefile,
# Kbuild, dkms.conf and the C sources/headers under drivers/) into DIR.
# rsync -c rewrites only changed files; build products in DIR are kept.
stage_module() {
	mkdir -p "$1"
	rsync -rc --delete --prune-empty-dirs \
		--include='/Makefile' --include='/Kbuild' --include='/dkms.conf' \
		--include='/drivers/' --include='/drivers/**/' \
		--include='/drivers/**.c' --include='/drivers/**.h' --exclude='*' \
		"$GPIO_UPS_ROOT/" "$1/"
}

# Lines of a build log that are not a problem: without a built vmlinux
# (a tree prepared with modules_prepare only) there is no Module.symvers, so
# modpost cannot resolve symbols; the build then runs with
# KBUILD_MODPOST_WARN=1 and these lines are expected. Symbols are resolved
# by the builds that have a Module.symvers (DKMS on the Debian headers) and
# by the KUnit kernel, which links the driver in.
KBUILD_NOSYMVERS_OK='Module\.symvers.* is missing|Modules may not have dependencies or modversions|You may get many unresolved symbol errors|You can set KBUILD_MODPOST_WARN=1|if you want to proceed at your own risk|Symbol info of vmlinux is missing|^WARNING: modpost: "[^"]*" \[[^]]*\] undefined!$|^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings'

# build_problems LOG [OK-REGEX]: print the warning/error lines of a kernel
# build log, less those matching OK-REGEX.
build_problems() {
	grep -E '(^|[: ])([Ww]arning|[Ee]rror|WARNING|ERROR)[: ]|^make.*\*\*\*' "$1" |
		grep -Ev "${2:-^\$}" || true
}

# mod_build NAME KDIR LOG [make args...]: build gpio-ups.ko from a staged
# copy of the sources in $CACHE/build/mod-NAME with the repo's Makefile
# (make KDIR=...), from clean so every warning shows; output in LOG.
# Prints the path of the .ko; returns non-zero if the build failed.
mod_build() {
	local name=$1 kdir=$2 logf=$3 stage="$CACHE/build/mod-$1"
	shift 3
	stage_module "$stage"
	make -C "$stage" KDIR="$kdir" "$@" clean >/dev/null 2>&1 || true
	rm -f "$stage/gpio-ups.ko"
	if ! make -C "$stage" KDIR="$kdir" -j"$JOBS" "$@" </dev/null >"$logf" 2>&1; then
		return 1
	fi
	[ -e "$stage/gpio-ups.ko" ] || return 1
	printf '%s\n' "$stage/gpio-ups.ko"
}

# ko_size KO [SIZE_TOOL]: "text+data=N (text T, data D, bss B)" of a module.
ko_size() {
	"${2:-size}" "$1" | awk 'NR == 2 { printf "text+data %d B (text %d, data %d, bss %d)\n", $1 + $2, $1, $2, $3 }'
}

# check_build NAME KDIR [make args...]: one counted check: the module
# builds against KDIR and the log has no warning or error.
check_build() {
	local name=$1 kdir=$2 logf ko probs sizetool=size a ok=
	shift 2
	logf="$(step_dir)/build-${name}.log"
	local shown="$*"
	if [ ! -e "$kdir/Module.symvers" ]; then
		set -- "$@" KBUILD_MODPOST_WARN=1
		ok=$KBUILD_NOSYMVERS_OK
	fi
	for a in "$@"; do
		case $a in CROSS_COMPILE=*) sizetool="${a#CROSS_COMPILE=}size" ;; esac
	done
	if ! ko=$(mod_build "$name" "$kdir" "$logf" "$@"); then
		fail "build $name: gpio-ups.ko ($shown)" "build failed; log: $logf" \
			"$(build_problems "$logf" "$ok" | head -n 20)"
		return 1
	fi
	cat "$logf" >&2
	probs=$(build_problems "$logf" "$ok")
	if [ -n "$probs" ]; then
		fail "build $name: gpio-ups.ko ($shown) with no warnings" \
			"$(printf '%s\n' "$probs" | head -n 20)" "log: $logf"
		return 1
	fi
	pass "build $name: gpio-ups.ko ($shown) with no warnings, $(ko_size "$ko" "$sizetool")"
}

# check_exports NAME KDIR SRC: one counted check for a tree prepared with
# modules_prepare only (no Module.symvers, so modpost cannot check): every
# symbol the last build of NAME ($CACHE/build/mod-NAME/gpio-ups.ko) leaves
# undefined is exported by SRC (EXPORT_SYMBOL* in its C, header and
# assembler sources, or a printk/thunk helper exported through a macro).
check_exports() {
	local name=$1 src=$3 ko="$CACHE/build/mod-$1/gpio-ups.ko" list missing
	list="$2/.gpio-ups-exports"
	if [ ! -s "$list" ] || [ "$src/.extracted" -nt "$list" ]; then
		grep -rhoE --include='*.c' --include='*.h' --include='*.S' \
			'EXPORT_SYMBOL(_GPL)?(_NS)?(_GPL)?\([A-Za-z0-9_]+' "$src" |
			sed 's/.*(//' | sort -u > "$list.tmp" && mv "$list.tmp" "$list"
	fi
	if [ ! -e "$ko" ]; then
		fail "symbols $name: gpio-ups.ko uses only exported symbols" "not run: no module"
		return 1
	fi
	missing=$(nm -u "$ko" | awk '{ print $2 }' | sort -u | comm -23 - "$list" |
		grep -Ev '^(_dev_(emerg|alert|crit|err|warn|notice|info)|__x86_indirect_thunk_[a-z0-9]+|__x86_return_thunk)$')
	if [ -n "$missing" ]; then
		fail "symbols $name: gpio-ups.ko uses only exported symbols" \
			"not exported by $(basename "$src"):" "$missing"
		return 1
	fi
	pass "symbols $name: gpio-ups.ko uses only symbols the kernel exports ($(nm -u "$ko" | wc -l) undefined)"
}
