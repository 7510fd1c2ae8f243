# SPDX-License-Identifier: GPL-2.0-only
# Store learning (scripts/demo-learn.sh): the board declares a 15 F store
# with 30 mOhm ESR and a 0.5 A charger; the simulated store has aged to
# 10.5 F (70 %) and 60 mOhm.  One outage, one recharge, then the figures.
# shellcheck shell=bash

show() {
	say "   capacitance_uf=$(prop "$UPS/capacitance_uf") esr_uohm=$(prop "$UPS/esr_uohm") health=$(prop "$UPS/health")"
	say "   learn_status=\"$(prop "$UPS/learn_status")\" energy_full=$(prop "$UPS/energy_full") uWh"
}

simctl noise_lsb 1
say ""
say "== 1. As declared: 15 F, 30 mOhm (the store has really aged to 10.5 F, 60 mOhm) =="
show
say "   energy_now=$(prop "$UPS/energy_now") uWh  (sim-hat: $(cat "$SIM/status"))"

say ""
say "== 2. A 20 s outage (auto_shutdown 0 for the demo: no commit) =="
echo 0 > "$UPS/auto_shutdown"
mark outage-start
simctl mains 0
sleep 20
say "   after 20 s: voltage_now=$(prop "$UPS/voltage_now") energy_now=$(prop "$UPS/energy_now") uWh capacity=$(prop "$UPS/capacity") %"
say "   (sim-hat: $(cat "$SIM/status"))"
simctl mains 1
mark outage-end
echo 1 > "$UPS/auto_shutdown"

say ""
say "== 3. Back on mains: the 0.5 A charge is read every second =="
for i in $(seq 90); do
	sleep 1
	st=$(prop "$UPS/learn_status")
	[ "${st%% *}" != 0 ] && [ "$(prop "$UPS/status")" = Full ] && break
done
say "   learned after ${i} s:"
show
say "   energy_now=$(prop "$UPS/energy_now") uWh  (sim-hat: $(cat "$SIM/status"))"
dmesg | grep -o 'gpio-ups.*store learned.*' | sed 's/^/   kernel: /'

say ""
say "== 4. Outage statistics =="
for f in transfers backup_time_total_ms backup_time_last_ms last_transfer_reason \
	 last_outage_energy_uwh commit_energy_uwh; do
	say "   $f=$(prop "$UPS/$f")"
done

say ""
say "== 5. A host that needs a 40 s shutdown: the declared 15 F would carry it, the store as learned cannot =="
echo 40000 > "$UPS/shutdown_duration_ms"
sleep 1
say "   health=$(prop "$UPS/health")"
dmesg | grep -o 'gpio-ups.*no longer carries.*' | sed 's/^/   kernel: /'
grep -c 'POWER_SUPPLY_HEALTH=Dead' "$OUT/uevents.log" | sed 's/^/   uevents with HEALTH=Dead: /'
echo 8000 > "$UPS/shutdown_duration_ms"
sleep 1
say "   shutdown_duration_ms back to 8000: health=$(prop "$UPS/health")"
