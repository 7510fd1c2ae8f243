// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boards of the decision benchmarks: see boards.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"

/* 1S Li-ion (NMC 18650 class) open-circuit voltage, falling soc */
static const struct sim_ocv_point liion_ocv[] = {
	{ 1.00, 4.18 }, { 0.90, 4.06 }, { 0.80, 3.97 }, { 0.70, 3.88 },
	{ 0.60, 3.80 }, { 0.50, 3.73 }, { 0.40, 3.68 }, { 0.30, 3.63 },
	{ 0.20, 3.57 }, { 0.10, 3.45 }, { 0.05, 3.33 }, { 0.00, 3.00 },
};

struct bench_board bench_boards[BENCH_NBOARDS] = {
	{ .name = "10F 2.7V", .short_name = "10F 2.7V", .kind = SIM_SUPERCAP,
	  .cap = { .c_f = 10, .esr_ohm = 0.040, .vmax_v = 2.7, .vmin_v = 2.3,
		   .eta = 0.85, .charge_a = 1.0 },
	  .adc_fs_v = 4.096, .adc_div = 1, .seed_vmax = 2.7, .seed_vmin = 2.3 },
	{ .name = "25F 4.6V", .short_name = "25F 4.6V", .kind = SIM_SUPERCAP,
	  .cap = { .c_f = 25, .esr_ohm = 0.054, .vmax_v = 4.6, .vmin_v = 2.5,
		   .eta = 0.80, .charge_a = 1.0 },
	  .adc_fs_v = 4.096, .adc_div = 2, .seed_vmax = 4.5, .seed_vmin = 2.4 },
	{ .name = "100F 4.6V", .short_name = "100F 4.6V", .kind = SIM_SUPERCAP,
	  .cap = { .c_f = 100, .esr_ohm = 0.016, .vmax_v = 4.6, .vmin_v = 2.5,
		   .eta = 0.80, .charge_a = 1.0 },
	  .adc_fs_v = 4.096, .adc_div = 2, .seed_vmax = 4.5, .seed_vmin = 2.4 },
	{ .name = "Li-ion 1S 2.5Ah", .short_name = "Li-ion 2.5Ah",
	  .kind = SIM_BATTERY,
	  .bat = { .ocv = liion_ocv, .ocv_points = ARRAY_SIZE(liion_ocv),
		   .r_ohm = 0.080, .capacity_ah = 2.5, .vmin_v = 3.0,
		   .eta = 0.90, .charge_a = 1.0, .soc0 = 1.0 },
	  .has_current = true, .adc_fs_v = 4.096, .adc_div = 2 },
};

/* battery energy from the OCV curve: integral of OCV dQ, in Wh */
static double liion_energy_wh(const struct sim_battery_cfg *b)
{
	double wh = 0;
	int i;

	for (i = 1; i < b->ocv_points; i++)
		wh += (b->ocv[i - 1].soc - b->ocv[i].soc) *
		      (b->ocv[i - 1].ocv_v + b->ocv[i].ocv_v) / 2;
	return wh * b->capacity_ah;
}

static void board_setup(struct bench_board *b)
{
	struct gpio_ups_store *st = &b->st;
	int i;

	memset(st, 0, sizeof(*st));
	if (b->kind == SIM_SUPERCAP) {
		st->type = GPIO_UPS_STORE_SUPERCAP;
		st->capacitance_uf = (u32)(b->cap.c_f * 1e6);
		st->voltage_max_uv = (u32)(b->cap.vmax_v * 1e6);
		st->voltage_min_uv = (u32)(b->cap.vmin_v * 1e6);
		st->efficiency_pct = (u32)lround(b->cap.eta * 100);
		st->resistance_uohm = (u32)(b->cap.esr_ohm * 1e6);
	} else {
		st->type = GPIO_UPS_STORE_BATTERY;
		st->voltage_max_uv = (u32)(b->bat.ocv[0].ocv_v * 1e6);
		st->voltage_min_uv = (u32)(b->bat.vmin_v * 1e6);
		st->efficiency_pct = (u32)lround(b->bat.eta * 100);
		st->resistance_uohm = (u32)(b->bat.r_ohm * 1e6);
		st->energy_full_design_uwh =
			(u64)(liion_energy_wh(&b->bat) * 1e6);
		st->ocv_points = b->bat.ocv_points;
		for (i = 0; i < b->bat.ocv_points; i++) {
			st->ocv[i].ocv_uv = (u32)lround(b->bat.ocv[i].ocv_v * 1e6);
			st->ocv[i].pct = (u32)lround(b->bat.ocv[i].soc * 100);
		}
	}
	if (gpio_ups_store_validate(st)) {
		fprintf(stderr, "store %s rejected by gpio_ups_store_validate\n",
			b->name);
		exit(1);
	}
}

void bench_boards_setup(void)
{
	unsigned int i;

	for (i = 0; i < BENCH_NBOARDS; i++)
		board_setup(&bench_boards[i]);
}

double bench_accu_budget_j(const struct bench_board *b, double p_w)
{
	double e;

	if (b->kind == SIM_SUPERCAP)
		e = 0.5 * b->cap.c_f * (b->seed_vmax * b->seed_vmax -
					b->seed_vmin * b->seed_vmin) *
		    b->cap.eta;
	else
		e = b->bat.capacity_ah * 3.7 * 3600 * b->bat.eta;
	return e - 20.0 * p_w * HOST_SHUTDOWN_LOAD_PCT / 100;
}
