# SPDX-License-Identifier: GPL-2.0-only
# Out-of-tree builds of gpio-ups.ko against a prepared tree, and the checks
# on them (check_build, check_exports).  Part of scripts/lib.sh.
# shellcheck shell=bash

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
