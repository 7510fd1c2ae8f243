# SPDX-License-Identifier: GPL-2.0-only
# Boot, load the modules, show the supplies and the simulated HAT.
# shellcheck shell=bash
say "--- ups"; cat "$UPS/uevent" 2>&1
say "--- ups-mains"; cat "$MAINS/uevent" 2>&1
say "--- sim"; cat "$SIM/status"
simctl mains 0; sleep 1; say "--- mains cut: $(prop "$MAINS/online") $(prop "$UPS/status") $(policy)"
simctl mains 1; sleep 1; say "--- mains back: $(prop "$MAINS/online") $(prop "$UPS/status") $(policy)"
cat "$SIM/status"
