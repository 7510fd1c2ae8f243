/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The four boards the decision benchmarks (bench-decision.c,
 * bench-decision-adversarial.c) run on: the plant (sim.h) and what the
 * driver is told about it (struct gpio_ups_store), in ONE place.
 *
 *   10F 2.7V     single supercapacitor, ADC without divider
 *   25F 4.6V     two-cap stack, divider 2
 *   100F 4.6V    two-cap stack, divider 2
 *   Li-ion 2.5Ah 1S NMC cell, divider 2, with a current channel
 *
 * ADC full scale 4.096 V at the ADC pin.  seed_vmax/seed_vmin are seed
 * 002's view of the store, for its accumulator monitor.
 */
#ifndef _GPIO_UPS_BOARDS_H
#define _GPIO_UPS_BOARDS_H

#include <stdbool.h>

#include <linux/kernel.h>

#include "gpio-ups-energy.h"
#include "sim.h"

/* the host's load while it shuts down, in percent of its running load */
#define HOST_SHUTDOWN_LOAD_PCT	50

struct bench_board {
	const char *name;		/* bench-decision.c's tables */
	const char *short_name;		/* bench-decision-adversarial.c's */
	enum sim_store_kind kind;
	struct sim_supercap_cfg cap;
	struct sim_battery_cfg bat;
	bool has_current;
	double adc_fs_v, adc_div;
	double seed_vmax, seed_vmin;	/* the accumulator's view */
	struct gpio_ups_store st;	/* what the driver is told */
};

#define BENCH_NBOARDS	4
extern struct bench_board bench_boards[BENCH_NBOARDS];

/* Fill every board's st from its plant; exits if the driver rejects one. */
void bench_boards_setup(void);

/*
 * Seed 002's counter budget, in joules of load energy: the nominal store
 * energy in its view, less the UPS's 20 s hold at the host's shutdown load.
 */
double bench_accu_budget_j(const struct bench_board *b, double p_w);

#endif /* _GPIO_UPS_BOARDS_H */
