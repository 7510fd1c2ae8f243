/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Plant simulator for the gpio-ups benchmarks (userspace only, double
 * precision).
 *
 * A plant is one energy store (supercapacitor or battery) behind a boost
 * converter that feeds a load, charged from mains at a current limit.  An
 * ADC model turns the store's terminal voltage into what the driver would
 * read through IIO (quantised, noisy, in microvolts).  Time advances only
 * through sim_plant_step(); nothing here reads a clock.
 *
 * Sign convention: store current is positive while the store discharges
 * into the load and negative while it charges (as struct gpio_ups_sample).
 *
 * Typical use:
 *
 *	struct sim_plant p;
 *	struct sim_load_step ld = { .p0_w = 2.5, .p1_w = 10.0, .t_step_s = 5 };
 *	struct sim_adc adc;
 *
 *	sim_supercap_init(&p, &(struct sim_supercap_cfg){ .c_f = 25,
 *			  .esr_ohm = 0.030, .vmax_v = 4.6, .vmin_v = 2.5,
 *			  .eta = 0.8, .charge_a = 1.0 });
 *	sim_plant_set_load(&p, sim_load_step_fn, &ld);
 *	sim_adc_init(&adc, 12, 5.0, 1.0, 1.0, 42);
 *	sim_plant_set_mains(&p, false);
 *	while (!sim_plant_empty(&p)) {
 *		sim_plant_step(&p, 0.1);
 *		int32_t uv = sim_adc_read_uv(&adc, sim_plant_terminal_v(&p));
 *		...
 *	}
 */
#ifndef _GPIO_UPS_SIM_H
#define _GPIO_UPS_SIM_H

#include <stdbool.h>
#include <stdint.h>

/* Load power drawn at the converter output (W) as a function of time (s). */
typedef double (*sim_load_fn)(double t_s, void *ctx);

/* Ready-made load: p0_w before t_step_s, p1_w from then on. */
struct sim_load_step {
	double p0_w;
	double p1_w;
	double t_step_s;
};
double sim_load_step_fn(double t_s, void *ctx);

/* Supercapacitor store (whole stack: series C and ESR). */
struct sim_supercap_cfg {
	double c_f;		/* capacitance of the store, F */
	double esr_ohm;		/* series resistance, ohm */
	double vmax_v;		/* charge voltage */
	double vmin_v;		/* converter cut-off (terminal voltage) */
	double eta;		/* converter efficiency, 0..1 */
	double charge_a;	/* charger current limit on mains, A */
	double v0_v;		/* initial open-circuit voltage, 0 = vmax_v */
};

/* One point of a battery OCV curve; tables ordered by falling soc. */
struct sim_ocv_point {
	double soc;		/* 0..1 */
	double ocv_v;
};

#define SIM_OCV_MAX_POINTS 32

/* Battery store: OCV curve + internal resistance, energy-counted SoC. */
struct sim_battery_cfg {
	const struct sim_ocv_point *ocv;	/* falling soc, 1.0 .. 0.0 */
	int ocv_points;
	double r_ohm;		/* internal resistance */
	double capacity_ah;	/* charge capacity */
	double vmin_v;		/* converter cut-off (terminal voltage) */
	double eta;		/* converter efficiency, 0..1 */
	double charge_a;	/* charger current limit on mains, A */
	double soc0;		/* initial state of charge, 0..1 */
};

enum sim_store_kind { SIM_SUPERCAP, SIM_BATTERY };

struct sim_plant {
	enum sim_store_kind kind;
	struct sim_supercap_cfg cap;
	struct sim_battery_cfg bat;
	struct sim_ocv_point ocv[SIM_OCV_MAX_POINTS];
	sim_load_fn load;
	void *load_ctx;
	/* state */
	double t_s;		/* simulated time since init */
	bool on_mains;
	double v_oc;		/* open-circuit store voltage */
	double soc;		/* battery only */
	double i_a;		/* store current, + discharging */
	double v_term;		/* terminal voltage */
	bool empty;		/* converter has cut off (latched until mains) */
	double t_empty_s;	/* time the store went empty, < 0 while not */
	double max_dt_s;	/* integration step of sim_plant_step, 0: 1 ms */
};

void sim_supercap_init(struct sim_plant *p, const struct sim_supercap_cfg *cfg);
void sim_battery_init(struct sim_plant *p, const struct sim_battery_cfg *cfg);
void sim_plant_set_load(struct sim_plant *p, sim_load_fn fn, void *ctx);
/* Mains on: the load runs from mains and the store charges at charge_a. */
void sim_plant_set_mains(struct sim_plant *p, bool on);
/* Advance by dt_s (integrated internally in steps of at most 1 ms). */
void sim_plant_step(struct sim_plant *p, double dt_s);
/* Integrate sim_plant_step() in steps of at most max_dt_s instead (0: 1 ms). */
void sim_plant_set_max_dt(struct sim_plant *p, double max_dt_s);

double sim_plant_time(const struct sim_plant *p);
double sim_plant_terminal_v(const struct sim_plant *p);
double sim_plant_ocv(const struct sim_plant *p);
double sim_plant_current_a(const struct sim_plant *p);
double sim_plant_load_w(const struct sim_plant *p);
bool sim_plant_empty(const struct sim_plant *p);
/* Battery OCV at a state of charge (linear interpolation). */
double sim_battery_ocv(const struct sim_plant *p, double soc);

/*
 * Ground truth: seconds until the converter cuts off if the plant runs on
 * from now on backup with its load function (simulated on a copy, dt_s
 * steps, at most max_s).  Returns max_s when it lasts longer.
 */
double sim_plant_time_to_empty(const struct sim_plant *p, double max_s,
			       double dt_s);

/* Deterministic PRNG (splitmix64) and a standard normal deviate. */
struct sim_rng {
	uint64_t s;
};
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_uniform(struct sim_rng *r);	/* [0, 1) */
double sim_rng_gauss(struct sim_rng *r);	/* mean 0, sigma 1 */

/*
 * ADC seen through a resistor divider: the ADC input is v_store / divider
 * (divider >= 1), converted with `bits` bits over 0..full_scale_v, with
 * Gaussian noise of sigma noise_lsb LSB added before quantisation, then
 * clamped to the code range.  sim_adc_read_uv() returns the value the
 * driver gets from IIO after the divider is undone, in microvolts.
 */
struct sim_adc {
	int bits;
	double full_scale_v;
	double divider;
	double noise_lsb;
	struct sim_rng rng;
};
void sim_adc_init(struct sim_adc *a, int bits, double full_scale_v,
		  double divider, double noise_lsb, uint64_t seed);
double sim_adc_lsb_v(const struct sim_adc *a);	/* at the store, V */
int32_t sim_adc_read_uv(struct sim_adc *a, double v_store);
int32_t sim_adc_read_code(struct sim_adc *a, double v_store);

#endif /* _GPIO_UPS_SIM_H */
