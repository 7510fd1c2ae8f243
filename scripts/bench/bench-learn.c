// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learning the store: the kernel learning code (gpio-ups-learn.c) and
 * estimator (gpio-ups-energy.c), the very same sources, fed by the plant
 * simulator through a 12-bit ADC over 0..5 V, as the driver feeds them:
 * every 100 ms on backup, every GPIO_UPS_LEARN_SAMPLE_MS while a charge
 * run is measured, else 10 s while charging and 60 s once full; mains loss
 * reported after a 100 ms debounce.
 *
 * Every store is declared at its nominal capacitance and ESR but has aged:
 * 70 % of the capacitance and twice the ESR.  Three cycles: an outage at
 * a constant load down to a quarter of the voltage window, a full recharge;
 * the same again; then a partial one (down to 70 % of the window).
 * Columns: error of the learned capacitance after each recharge, of the
 * learned ESR after the third, worst |error| over NSEEDS seeds (mean in
 * brackets), and then the error of energy_now in a fourth outage (at 25,
 * 50 and 75 % of it, against the energy the plant really delivers until
 * the converter cuts off) with the declared capacitance and with the
 * learned one.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gpio-ups-energy.h"
#include "gpio-ups-learn.h"
#include "sim.h"

#define NSEEDS		10
#define DT_BACKUP_S	0.1
#define DEBOUNCE_S	0.1
#define AGE_C		0.7
#define AGE_R		2.0

struct lstore {
	const char *name;
	struct sim_supercap_cfg cfg;	/* nominal (declared) */
	double load_w;
};

static const struct lstore stores[] = {
	{ "seed003 25F 1A", { .c_f = 25, .esr_ohm = 0.030, .vmax_v = 4.6,
			      .vmin_v = 2.5, .eta = 0.8, .charge_a = 1.0 }, 2.375 },
	{ "demo 15F 2A", { .c_f = 15, .esr_ohm = 0.030, .vmax_v = 4.6,
			   .vmin_v = 2.5, .eta = 0.85, .charge_a = 2.0 }, 2.5 },
	{ "1 cap 100F 2.7V", { .c_f = 100, .esr_ohm = 0.008, .vmax_v = 2.7,
			       .vmin_v = 2.3, .eta = 0.8, .charge_a = 1.0 }, 2.0 },
};

static const double noises[] = { 0, 1, 2 };

struct run {
	struct sim_plant p;
	struct sim_adc adc;
	struct gpio_ups_store st_decl, st_learn;
	struct gpio_ups_estimator est_decl, est_learn;
	struct gpio_ups_learn l;
	struct sim_load_step load;
	bool on_mains;		/* as the driver sees it */
	double t_lost;		/* plant lost mains at, < 0: on mains */
};

static u64 ms(double t_s)
{
	return (u64)llround(1e6 + t_s * 1000.0);
}

static void feed(struct run *r)
{
	struct gpio_ups_sample s = {
		.time_ms = ms(sim_plant_time(&r->p)),
		.on_mains = r->on_mains,
		.voltage_valid = true,
		.voltage_uv = sim_adc_read_uv(&r->adc, sim_plant_terminal_v(&r->p)),
	};

	gpio_ups_est_update(&r->est_decl, &s);
	gpio_ups_est_update(&r->est_learn, &s);
	if (gpio_ups_learn_update(&r->l, &s)) {
		r->st_learn.learned_capacitance_uf = r->l.capacitance_uf;
		r->st_learn.learned_resistance_uohm = r->l.esr_uohm;
		gpio_ups_est_store_changed(&r->est_learn);
	}
}

static void set_mains(struct run *r, bool on)
{
	sim_plant_set_mains(&r->p, on);
	if (!on) {
		/* the driver hears of it after the debounce */
		sim_plant_step(&r->p, DEBOUNCE_S);
	}
	r->on_mains = on;
	gpio_ups_est_mains_changed(&r->est_decl, on, ms(sim_plant_time(&r->p)));
	gpio_ups_est_mains_changed(&r->est_learn, on, ms(sim_plant_time(&r->p)));
	feed(r);
}

/* on backup until the terminal voltage falls to frac of the window */
static void outage(struct run *r, double frac, double *err_decl,
		   double *err_learn)
{
	const struct sim_supercap_cfg *c = &r->p.cap;
	double v_end = c->vmin_v + frac * (c->vmax_v - c->vmin_v);
	double t0, dur = 0;
	int k = 0;

	set_mains(r, false);
	t0 = sim_plant_time(&r->p);
	if (err_decl) {
		/* the length of this outage, for the probe points */
		struct sim_plant q = r->p;

		while (sim_plant_terminal_v(&q) > v_end && !sim_plant_empty(&q))
			sim_plant_step(&q, DT_BACKUP_S);
		dur = sim_plant_time(&q) - t0;
	}
	while (sim_plant_terminal_v(&r->p) > v_end && !sim_plant_empty(&r->p)) {
		sim_plant_step(&r->p, DT_BACKUP_S);
		feed(r);
		if (err_decl && k < 3 &&
		    sim_plant_time(&r->p) - t0 >= dur * (k + 1) / 4.0) {
			double truth = sim_plant_load_w(&r->p) *
				       sim_plant_time_to_empty(&r->p, 3600, 0.01);
			const struct gpio_ups_estimate *d = gpio_ups_est_get(&r->est_decl);
			const struct gpio_ups_estimate *l = gpio_ups_est_get(&r->est_learn);

			err_decl[k] = (d->energy_uj / 1e6 - truth) / truth;
			err_learn[k] = (l->energy_uj / 1e6 - truth) / truth;
			k++;
		}
	}
}

/* back on mains until full, sampled as the driver does */
static void recharge(struct run *r)
{
	int rest = 0;

	set_mains(r, true);
	while (rest < 3) {
		const struct gpio_ups_estimate *e = gpio_ups_est_get(&r->est_learn);
		double dt = gpio_ups_learn_charging(&r->l) ?
			    GPIO_UPS_LEARN_SAMPLE_MS / 1000.0 :
			    e->full ? 60.0 : 10.0;

		sim_plant_step(&r->p, dt);
		feed(r);
		if (e->full && !gpio_ups_learn_charging(&r->l))
			rest++;
	}
}

static void run_init(struct run *r, const struct lstore *ls, double noise,
		     u64 seed)
{
	struct sim_supercap_cfg aged = ls->cfg;
	struct gpio_ups_learn_cfg lc;

	memset(r, 0, sizeof(*r));
	aged.c_f *= AGE_C;
	aged.esr_ohm *= AGE_R;
	sim_supercap_init(&r->p, &aged);
	r->load.p0_w = ls->load_w;
	r->load.p1_w = ls->load_w;
	sim_plant_set_load(&r->p, sim_load_step_fn, &r->load);
	sim_adc_init(&r->adc, 12, 5.0, 1.0, noise, seed);
	r->st_decl = (struct gpio_ups_store){
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = (u32)llround(ls->cfg.c_f * 1e6),
		.voltage_max_uv = (u32)llround(ls->cfg.vmax_v * 1e6),
		.voltage_min_uv = (u32)llround(ls->cfg.vmin_v * 1e6),
		.efficiency_pct = (u32)llround(ls->cfg.eta * 100),
		.resistance_uohm = (u32)llround(ls->cfg.esr_ohm * 1e6),
	};
	r->st_learn = r->st_decl;
	gpio_ups_est_init(&r->est_decl, &r->st_decl);
	gpio_ups_est_init(&r->est_learn, &r->st_learn);
	lc = (struct gpio_ups_learn_cfg){
		.capacitance_uf = r->st_decl.capacitance_uf,
		.resistance_uohm = r->st_decl.resistance_uohm,
		.voltage_max_uv = r->st_decl.voltage_max_uv,
		.voltage_min_uv = r->st_decl.voltage_min_uv,
		.charge_current_ua = (u32)llround(ls->cfg.charge_a * 1e6),
		.switch_lag_ms = (u32)(DEBOUNCE_S * 1000),
	};
	gpio_ups_learn_init(&r->l, &lc);
	r->on_mains = true;
	sim_plant_set_mains(&r->p, true);
	gpio_ups_est_mains_changed(&r->est_decl, true, ms(0));
	gpio_ups_est_mains_changed(&r->est_learn, true, ms(0));
	feed(r);
}

struct acc {
	double worst, sum;
	int n;
};

static void acc_add(struct acc *a, double x)
{
	if (fabs(x) > fabs(a->worst))
		a->worst = x;
	a->sum += x;
	a->n++;
}

static void acc_print(const struct acc *a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%+.1f (%+.1f)", 100 * a->worst,
		 a->n ? 100 * a->sum / a->n : 0);
	printf(" %-15s", buf);
}

int main(void)
{
	unsigned int si, ni, k;
	int seed;

	printf("Learning a store declared at its nominal capacitance and ESR, aged to %.0f %% C and %.0fx ESR\n",
	       AGE_C * 100, AGE_R);
	printf("errors in %%: worst over %d seeds (mean); energy_now error over 3 points of a 4th outage\n\n",
	       NSEEDS);
	printf("%-16s %-5s %-15s %-15s %-15s %-15s %-15s %-15s\n", "store", "noise",
	       "C after full 1", "C after full 2", "C after partial", "ESR after 3",
	       "E_now declared", "E_now learned");
	for (si = 0; si < sizeof(stores) / sizeof(stores[0]); si++) {
		for (ni = 0; ni < sizeof(noises) / sizeof(noises[0]); ni++) {
			struct acc c[3] = { }, esr = { }, ed = { }, el = { };

			for (seed = 1; seed <= NSEEDS; seed++) {
				static struct run r;
				double truth_c = stores[si].cfg.c_f * AGE_C;
				double truth_r = stores[si].cfg.esr_ohm * AGE_R;
				double fr[3] = { 0.25, 0.25, 0.7 };
				double d[3], l[3];

				run_init(&r, &stores[si], noises[ni], seed);
				for (k = 0; k < 3; k++) {
					outage(&r, fr[k], NULL, NULL);
					recharge(&r);
					acc_add(&c[k], (r.l.capacitance_uf / 1e6 - truth_c) / truth_c);
				}
				acc_add(&esr, (r.l.esr_uohm / 1e6 - truth_r) / truth_r);
				outage(&r, 0.25, d, l);
				for (k = 0; k < 3; k++) {
					acc_add(&ed, d[k]);
					acc_add(&el, l[k]);
				}
			}
			printf("%-16s %-5.0f", stores[si].name, noises[ni]);
			for (k = 0; k < 3; k++)
				acc_print(&c[k]);
			acc_print(&esr);
			acc_print(&ed);
			acc_print(&el);
			printf("\n");
		}
	}
	return 0;
}
