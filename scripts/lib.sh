# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers of the build/test scripts: `. scripts/lib.sh` gives them
# all.  Here: the paths, log/die and contains; the rest, one concern a file:
#   lib/check.sh     the check-step protocol (scripts/check.sh): pass, fail,
#                    skip, indent_head, step_dir
#   lib/pkgs.sh      Debian packages: need_pkgs, KBUILD_PKGS
#   lib/ktree.sh     kernel trees: src_6_12, src_7_2, src_5_10 (sources),
#                    prep_tree (build dirs for out-of-tree modules)
#   lib/modbuild.sh  gpio-ups.ko builds: mod_build, check_build,
#                    check_exports
#   lib/overlay.sh   not sourced here: the overlay checks' helpers
# shellcheck shell=bash

GPIO_UPS_ROOT=${GPIO_UPS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CACHE=${GPIO_UPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gpio-ups}
JOBS=${JOBS:-$(nproc)}

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# `cmd | contains PATTERN`: grep -q that reads all of its input first.  A
# bare `cmd | grep -q` exits at the first match, and cmd, still writing,
# dies of SIGPIPE: under pipefail the pipeline then fails on a match.
contains() {
	local in
	in=$(cat)
	grep -q "$@" <<< "$in"
}

for _lib in check pkgs ktree modbuild; do
	# shellcheck source=/dev/null
	. "$(dirname "${BASH_SOURCE[0]}")/lib/$_lib.sh"
done
unset _lib
