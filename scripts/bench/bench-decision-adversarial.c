// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decision quality under adversarial conditions: the gpio-ups policy and
 * estimator (the very same sources as the module), driven through the
 * driver's glue as gpio-ups-drv.c drives them (driver-glue.c: power-fail
 * debounce, sampling, ADC error handling, when the policy is stepped),
 * against the baselines of bench-decision.c, over outages that break the
 * easy assumptions.
 *
 * Boards (boards.c, the stores of bench-decision.c): 10 F / 2.7 V single
 * cap (ADC without divider), 25 F and 100 F / 4.6 V stacks (divider 2),
 * Li-ion 1S 2.5 Ah (divider 2, with a current channel: 0.1 mA steps, 2 mA
 * noise).
 * ADCs, over 0..4.096 V at the ADC pin: "ADS1015" 12 bit (the boards of
 * bench-decision.c); "ADS1115" 16 bit signed, i.e. 15 bit single-ended,
 * 125 uV/LSB (250 uV at a 4.6 V store behind its divider).
 *
 * Every case: the store starts charged (after 3 minutes on mains, sampled
 * as the driver does there), mains fails at t = 0 and comes back for good
 * after the outage length (or never); the host runs at its load until a
 * policy commits, then at half the load it ran at (the host's shutdown
 * load, as in bench-decision.c) for the shutdown duration, then is off.
 * Loads 0.6, 2.5, 4, 8 W; shutdown 25 s; outages 3, 5, 8, 15, 20, 30, 45,
 * 60, 90, 120, 180, 300, 600 s and forever; one noise seed per case.
 *
 * Rows (struct row below; "@10s" = 10 s into the outage):
 *   flap W/T ADC|GPIO  mains flapping: within the outage mains comes back
 *                for W every T (the power strip of seed 003 that re-powers
 *                the adapter every few seconds), first pulse at a random
 *                phase in [T/2, T); during a pulse the board runs from
 *                mains and charges.  W/T = 300 ms/4 s, 1 s/5 s, 100 ms/1 s.
 *                ADC: the ADS1015 board, 1 LSB noise; GPIO: the same
 *                board without ADC (power-good line only, est = NULL).
 *   frozen@10s N   the voltage reading (and the current reading) sticks at
 *                its value 10 s into the outage, ADS1115 with N = 0, 1, 4
 *                LSB Gaussian noise around it; outages > 10 s only.
 *   rail 5.05V   the ADC reads the regulated output rail (5.05 V, ADS1015,
 *                1 LSB noise) instead of the store, the whole time.
 *   lost@10s     every read fails (-EIO) from 10 s into the outage on;
 *                ADS1015, 1 LSB; outages > 10 s only.
 *   (no loss)    the reference: the same outages, boards and ADC without
 *                the loss.
 *   steady Li-ion  the Li-ion board without current channel, starting at
 *                50 % charge (the flat part of the OCV curve), ADS1015
 *                without noise: the reading moves by one code (2 mV) every
 *                tens of seconds, so most consecutive readings are equal.
 *   aged 70%     the stores hold 70 % of the capacitance (capacity) the
 *                driver and the baselines are told.
 *   step up/down the running load steps from P/4 to P (up) or from P to
 *                P/4 (down) 10 s into the outage.
 *   lost@10s +20%@20s, x2@20s  the ADC is lost 10 s into the outage (as
 *                lost@10s) and the running load rises 10 s later, by 20 %
 *                or to twice, both within the dead-reckoning margin
 *                (GPIO_UPS_POLICY_DR_LOAD_PCT, 250 %).
 *   rail: no ADC  the rail row's reference: the same outages on the
 *                boards without ADC (power-good line only), what the
 *                driver falls back to when readings never measured the
 *                store.
 *   vmax +8%, +12%  the supercapacitor stores charge to 8 % (within the
 *                10 % that charger and divider tolerance allow,
 *                GPIO_UPS_EST_OVERVOLT_PCT) or 12 % (beyond it) above the
 *                voltage-max-design-microvolt the driver is told, with their
 *                declared capacitance: a maximum declared too low.
 *   rail, load declared  the rail row with nominal-load-microwatt declared
 *                at the running load P, as the user guide advises for a
 *                board whose ADC may not see the store; (no rail) is its
 *                reference: the same outages, the same declaration, an
 *                ADC that reads the store.
 *   rail: no ADC, declared  the rail: no ADC row with the store and
 *                nominal-load-microwatt declared (the running load P).
 *
 * Policies: gpio-ups (shutdown-duration-ms and shutdown-load-percent 50 of
 * the host, the binding's defaults otherwise); fixed-2s (commits once the
 * raw power-fail has lasted 2 s, as seed 003's controller); apcupsd
 * (reads the driver's figures once a second; once on battery for
 * ONBATTERYDELAY 6 s since the driver reported the loss, commits when
 * capacity <= BATTERYLEVEL 5 % or time to empty < MINUTES 3; without an
 * estimate, on a GPIO-only board, it never commits: TIMEOUT 0, the
 * default); accumulator (seed 002's monitor: samples the raw line once a
 * second, counts the load up while power is bad, down by the charge
 * current while it is good (at 5 V, floor 0), commits above its budget;
 * budget as in bench-decision.c).  For apcupsd the driver runs with
 * auto_shutdown 0.
 *
 * Figures, per row and policy (definitions of bench-decision.c):
 *   brn    brownouts: the store ran empty while the host was up;
 *   ndl    needless shutdowns: a commit in a ridable outage;
 *   ride   ride-through: ridable outages ended with no commit / ridable;
 *   emg    (gpio-ups) emergency power-offs before the clean shutdown ended;
 *   ceiling  the ride-through of the oracle that commits at the last safe
 *          moment: a ridable outage counts when the plant (ground truth,
 *          the row's mains pattern continuing) still carries the shutdown
 *          and GPIO_UPS_POLICY_EMERGENCY_LEAD_MS after it when the commit
 *          comes at the end of the outage.
 * A forever outage is followed for 4 times the store's runtime at the
 * running load with mains off for good (ground truth), plus 60 s: mains
 * pulses that keep the store up that long (flapping at light loads) end
 * the run there, with no brownout.
 * A ridable outage: finite, and the plant (ground truth) carries the
 * running load to its end and a clean shutdown after it (as if the outage,
 * flapping included, had gone on).  Configurations in which even a commit
 * at t = 0 browns out (undersized) are left out and counted apart.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "boards.h"
#include "driver-glue.h"
#include "gpio-ups-energy.h"
#include "gpio-ups-policy.h"
#include "sim.h"

#define TICK_MS			10
#ifndef PLANT_DT_S
#define PLANT_DT_S		0.01		/* plant integration step */
#endif
#define SAMPLE_MS		100
#define T0_MS			1000000LL	/* driver clock at the power loss */
#define PRE_MAINS_MS		180000		/* on mains before the outage */
#define FOREVER			-1.0
#define FOREVER_FACTOR		4	/* a forever outage is followed for */
#define FOREVER_LIMIT_S		(48 * 3600.0)	/* 4 x the store's runtime */
#define RAIL_V			5.05
#define VSYS_V			5.0		/* seed 002's monitor */
#define FIXED_DELAY_MS		2000
#define APC_DELAY_MS		6000
#define APC_MINUTES_S		180
#define APC_LEVEL_PCT		5

enum pol { POL_GPIO_UPS, POL_FIXED, POL_APC, POL_ACCU, NPOL };
static const char *const pol_name[NPOL] = {
	"gpio-ups", "fixed-2s", "apcupsd", "accumulator",
};

#define NBOARDS		BENCH_NBOARDS	/* boards.c, in its order */
#define B_CAPS		0x7u	/* the three supercapacitor boards */
#define B_LIION		0x8u
#define B_ALL		0xfu

enum adc_kind { ADC_NONE, ADC_ADS1015, ADC_ADS1115 };
enum fault { F_NONE, F_FROZEN, F_RAIL, F_LOST };

struct row {
	const char *name;
	unsigned int boards;	/* B_* mask */
	enum adc_kind adc;
	double noise_lsb;
	enum fault fault;
	double fault_s;		/* F_FROZEN, F_LOST: from this time on */
	u32 flap_w_ms;		/* mains back for flap_w_ms every flap_t_ms */
	u32 flap_t_ms;
	double age;		/* real / declared capacitance (capacity) */
	double vmax_x;		/* real / declared maximum voltage */
	double step_s;		/* load step time, 0: none */
	double load0, load1;	/* running load before / after, x P */
	double soc0;		/* battery charge at the outage, 0: full */
	bool no_current;	/* no current channel */
	bool declared;		/* nominal-load-microwatt: the running load */
	double min_outage_s;	/* count only longer outages */
};

#define ADC(kind, lsb)	.adc = (kind), .noise_lsb = (lsb)
#define FLAP(w, t)	.flap_w_ms = (w), .flap_t_ms = (t)
#define FAULT(f, s)	.fault = (f), .fault_s = (s)

static const struct row rows[] = {
	{ .name = "flap 300ms/4s ADC", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FLAP(300, 4000) },
	{ .name = "flap 300ms/4s GPIO", .boards = B_ALL,
	  ADC(ADC_NONE, 0), FLAP(300, 4000) },
	{ .name = "flap 1s/5s ADC", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FLAP(1000, 5000) },
	{ .name = "flap 1s/5s GPIO", .boards = B_ALL,
	  ADC(ADC_NONE, 0), FLAP(1000, 5000) },
	{ .name = "flap 100ms/1s ADC", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FLAP(100, 1000) },
	{ .name = "flap 100ms/1s GPIO", .boards = B_ALL,
	  ADC(ADC_NONE, 0), FLAP(100, 1000) },
	{ .name = "frozen@10s 0LSB", .boards = B_ALL,
	  ADC(ADC_ADS1115, 0), FAULT(F_FROZEN, 10),
	  .min_outage_s = 10 },
	{ .name = "frozen@10s 1LSB", .boards = B_ALL,
	  ADC(ADC_ADS1115, 1), FAULT(F_FROZEN, 10),
	  .min_outage_s = 10 },
	{ .name = "frozen@10s 4LSB", .boards = B_ALL,
	  ADC(ADC_ADS1115, 4), FAULT(F_FROZEN, 10),
	  .min_outage_s = 10 },
	{ .name = "rail 5.05V", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FAULT(F_RAIL, 0) },
	{ .name = "lost@10s", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FAULT(F_LOST, 10),
	  .min_outage_s = 10 },
	{ .name = "  (no loss)", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), .min_outage_s = 10 },
	{ .name = "steady Li-ion", .boards = B_LIION,
	  ADC(ADC_ADS1015, 0), .soc0 = 0.5,
	  .no_current = true },
	{ .name = "aged 70%", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), .age = 0.7 },
	{ .name = "step up P/4->P", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), .step_s = 10,
	  .load0 = 0.25, .load1 = 1 },
	{ .name = "step down P->P/4", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), .step_s = 10,
	  .load0 = 1, .load1 = 0.25 },
	{ .name = "lost@10s +20%@20s", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FAULT(F_LOST, 10), .step_s = 20,
	  .load0 = 1 / 1.2, .load1 = 1, .min_outage_s = 10 },
	{ .name = "lost@10s x2@20s", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FAULT(F_LOST, 10), .step_s = 20,
	  .load0 = 0.5, .load1 = 1, .min_outage_s = 10 },
	/* appended: a row's noise seed follows its index */
	{ .name = "rail: no ADC", .boards = B_ALL,
	  ADC(ADC_NONE, 0) },
	{ .name = "vmax +8%", .boards = B_CAPS,
	  ADC(ADC_ADS1015, 1), .vmax_x = 1.08 },
	{ .name = "vmax +12%", .boards = B_CAPS,
	  ADC(ADC_ADS1015, 1), .vmax_x = 1.12 },
	{ .name = "rail, load declared", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), FAULT(F_RAIL, 0), .declared = true },
	{ .name = "  (no rail)", .boards = B_ALL,
	  ADC(ADC_ADS1015, 1), .declared = true },
	{ .name = "rail: no ADC, declared", .boards = B_ALL,
	  ADC(ADC_NONE, 0), .declared = true },
};

#define ROW_LOST	10	/* rows[] index of lost@10s, then its reference */

static const double loads_w[] = { 0.6, 2.5, 4.0, 8.0 };
static const double durations_s[] = { 25 };
static const double outages_s[] = {
	3, 5, 8, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, FOREVER,
};

/* One outage: a row on a board at a load, shutdown duration and length. */
struct scen {
	const struct row *r;
	const struct bench_board *b;
	double p_w;
	double dur_s;
	double outage_s;	/* FOREVER: mains never returns */
	long long phase_ms;	/* first mains pulse of a flapping row */
	double max_s;		/* FOREVER outages: followed this long */
	u64 seed;
};

/* raw mains at t_ms after the power loss; extend: the outage never ends */
static bool mains_at(const struct scen *c, long long t_ms, bool extend)
{
	const struct row *r = c->r;
	long long x;

	if (t_ms < 0)
		return true;
	if (!extend && c->outage_s >= 0 && t_ms >= llround(c->outage_s * 1000))
		return true;
	if (!r->flap_t_ms)
		return false;
	x = t_ms - c->phase_ms;
	return x >= 0 && x % r->flap_t_ms < r->flap_w_ms;
}

/* the host: running load until the commit, then half of it, then off */
struct host {
	const struct scen *c;
	double t_commit_s;	/* < 0: not committed */
	double t_off_s;		/* < 0: not off */
	double p_commit_w;
};

static double running_w(const struct scen *c, double t_s)
{
	const struct row *r = c->r;

	if (!r->step_s)
		return c->p_w;
	return c->p_w * (t_s < r->step_s ? r->load0 : r->load1);
}

static double host_load(double t_s, void *ctx)
{
	const struct host *h = ctx;

	if (h->t_off_s >= 0 && t_s >= h->t_off_s)
		return 0;
	if (h->t_commit_s >= 0 && t_s >= h->t_commit_s)
		return h->p_commit_w * HOST_SHUTDOWN_LOAD_PCT / 100;
	return running_w(h->c, t_s);
}

static void host_commit(struct host *h, double t_s)
{
	h->t_commit_s = t_s;
	h->p_commit_w = running_w(h->c, t_s);
	h->t_off_s = t_s + h->c->dur_s;
}

/* the real store: aged, at the row's charge */
static void plant_init(struct sim_plant *p, const struct scen *c)
{
	const struct bench_board *b = c->b;
	double age = c->r->age ? c->r->age : 1.0;

	if (b->kind == SIM_SUPERCAP) {
		struct sim_supercap_cfg cap = b->cap;

		cap.c_f *= age;
		if (c->r->vmax_x)
			cap.vmax_v *= c->r->vmax_x;
		sim_supercap_init(p, &cap);
	} else {
		struct sim_battery_cfg bat = b->bat;

		bat.capacity_ah *= age;
		if (c->r->soc0)
			bat.soc0 = c->r->soc0;
		sim_battery_init(p, &bat);
	}
	sim_plant_set_max_dt(p, PLANT_DT_S);
}

/*
 * Ground truth for a commit at run_s: does the plant brown out before the
 * shutdown and hold_s after it are over?  Mains follows the row's pattern
 * as if the outage went on.  *early: it browned out already before
 * run_s + dur_s (the shutdown itself failed).
 */
static bool truth_browns_out(const struct scen *c, double run_s,
			     double hold_s, bool *early)
{
	struct host h = { .c = c };
	struct sim_plant pl;
	long long t, end = llround((run_s + c->dur_s + hold_s) * 1000);
	long long sd_end = llround((run_s + c->dur_s) * 1000);
	bool m = true;

	host_commit(&h, run_s);
	h.t_off_s = (end / 1000.0);
	plant_init(&pl, c);
	sim_plant_set_load(&pl, host_load, &h);
	if (early)
		*early = false;
	for (t = 0; t < end; t += TICK_MS) {
		bool now = mains_at(c, t, true);

		if (now != m)
			sim_plant_set_mains(&pl, now);
		m = now;
		sim_plant_step(&pl, TICK_MS / 1000.0);
		if (!m && sim_plant_empty(&pl)) {
			if (early && t + TICK_MS <= sd_end)
				*early = true;
			return true;
		}
	}
	return false;
}

/*
 * Ground truth: how long the store carries the running load with mains
 * off for good (no flapping, no commit), at most limit_s.
 */
static double truth_runtime_s(const struct scen *c, double limit_s)
{
	struct host h = { .c = c, .t_commit_s = -1, .t_off_s = -1 };
	struct sim_plant pl;
	long long t, end = llround(limit_s * 1000);

	plant_init(&pl, c);
	sim_plant_set_load(&pl, host_load, &h);
	sim_plant_set_mains(&pl, false);
	for (t = 0; t < end && !sim_plant_empty(&pl); t += TICK_MS)
		sim_plant_step(&pl, TICK_MS / 1000.0);
	return t / 1000.0;
}

/* ADC model: what IIO returns for the row's fault at the sample time */
struct adc_ctx {
	const struct scen *c;
	struct sim_plant *pl;
	struct sim_adc adc;
	struct sim_rng irng;
	bool frozen;
	double frozen_v, frozen_i;
};

static void adc_read(void *ctx, u64 now_ms, bool on_mains,
		     struct drv_glue_adc *r)
{
	struct adc_ctx *a = ctx;
	const struct row *row = a->c->r;
	double t_s = ((long long)now_ms - T0_MS) / 1000.0;
	double v = sim_plant_terminal_v(a->pl), i = sim_plant_current_a(a->pl);

	if (row->fault == F_LOST && t_s >= row->fault_s) {
		r->ret = -EIO;
		return;
	}
	if (row->fault == F_FROZEN && t_s >= row->fault_s) {
		if (!a->frozen) {
			a->frozen = true;
			a->frozen_v = v;
			a->frozen_i = i;
		}
		v = a->frozen_v;
		i = a->frozen_i;
	}
	if (row->fault == F_RAIL)
		v = RAIL_V;
	r->ret = 0;
	r->uv = sim_adc_read_uv(&a->adc, v);
	r->cret = 0;
	/* current sense: 0.1 mA steps, 2 mA noise (bench-decision.c) */
	r->ua = (s32)(lround((i * 1e3 + 2.0 * sim_rng_gauss(&a->irng)) * 10) * 100);
}

struct outcome {
	bool commit;
	bool brownout;
	bool forced;
	double t_commit_s;
};

static struct outcome run_case(const struct scen *c, enum pol pol)
{
	const struct row *r = c->r;
	const struct bench_board *b = c->b;
	struct host h = { .c = c, .t_commit_s = -1, .t_off_s = -1 };
	struct outcome o = { .t_commit_s = -1 };
	struct sim_plant pl;
	struct adc_ctx ac = { .c = c, .pl = &pl };
	struct gpio_ups_store st = b->st;
	struct drv_glue g;
	struct drv_glue_cfg gc = {
		.debounce_ms = DRV_GLUE_DEBOUNCE_MS,
		.sample_ms = SAMPLE_MS,
		.has_adc = r->adc != ADC_NONE,
		.has_current = b->has_current && !r->no_current,
		.store = &st,
		.read = adc_read,
		.read_ctx = &ac,
	};
	bool use_glue = pol == POL_GPIO_UPS || pol == POL_APC;
	long long end_ms = c->outage_s < 0 ? -1 : llround(c->outage_s * 1000);
	long long max_ms = llround(c->max_s * 1000);
	long long t, lost_since = -1;
	double budget = bench_accu_budget_j(b, c->p_w), accu = 0;
	bool m = true, committed = false;

	/*
	 * A battery without a current channel declares its load, as the
	 * user guide asks (nominal-load-microwatt): the host's running load;
	 * so do the rows that say so.
	 */
	if ((r->no_current && b->kind == SIM_BATTERY) || r->declared)
		st.nominal_load_uw = (u32)llround(c->p_w * 1e6);
	plant_init(&pl, c);
	sim_plant_set_load(&pl, host_load, &h);
	if (r->adc == ADC_ADS1115)
		sim_adc_init(&ac.adc, 15, 4.096, b->adc_div, r->noise_lsb,
			     c->seed);
	else
		sim_adc_init(&ac.adc, 12, 4.096, b->adc_div, r->noise_lsb,
			     c->seed);
	sim_rng_seed(&ac.irng, c->seed ^ 0x5eed);

	gpio_ups_policy_cfg_defaults(&gc.policy);
	gc.policy.shutdown_duration_ms = (u32)(c->dur_s * 1000);
	gc.policy.shutdown_load_pct = HOST_SHUTDOWN_LOAD_PCT;
	gc.policy.auto_shutdown = pol == POL_GPIO_UPS;
	if (use_glue)
		drv_glue_init(&g, &gc, true, T0_MS - PRE_MAINS_MS);

	for (t = 0;; t += TICK_MS) {
		bool now = mains_at(c, t, false);

		if (end_ms >= 0 && t >= end_ms)
			break;		/* mains back for good */
		if (end_ms < 0 && t >= max_ms)
			break;		/* flapping mains keep the store up */
		if (committed && t / 1000.0 >= h.t_off_s)
			break;		/* shutdown finished */
		if (now != m)
			sim_plant_set_mains(&pl, now);
		m = now;
		if (use_glue)
			drv_glue_advance(&g, T0_MS + t, m);

		switch (pol) {
		case POL_GPIO_UPS:
			committed = g.committed;
			break;
		case POL_FIXED:
			if (m)
				lost_since = -1;
			else if (lost_since < 0)
				lost_since = t;
			committed = committed ||
				    (lost_since >= 0 && t - lost_since >= FIXED_DELAY_MS);
			break;
		case POL_APC:
			if (t % 1000 == 0 && !drv_glue_on_mains(&g) &&
			    (u64)(T0_MS + t) >= g.lost_reported_ms + APC_DELAY_MS) {
				const struct gpio_ups_estimate *e =
					drv_glue_estimate(&g);

				if (e && e->energy_valid &&
				    (e->capacity_pct <= APC_LEVEL_PCT ||
				     (e->tte_valid && e->tte_s < APC_MINUTES_S)))
					committed = true;
			}
			break;
		case POL_ACCU:
			if (t > 0 && t % 1000 == 0) {
				if (!m)
					accu += running_w(c, t / 1000.0);
				else
					accu = fmax(0, accu - (b->kind == SIM_SUPERCAP ?
						b->cap.charge_a : b->bat.charge_a) * VSYS_V);
				committed = committed || accu > budget;
			}
			break;
		default:
			break;
		}
		if (committed && h.t_commit_s < 0) {
			host_commit(&h, t / 1000.0);
			o.commit = true;
			o.t_commit_s = h.t_commit_s;
		}
		if (use_glue && g.emergency_fired) {
			o.forced = true;
			break;
		}
		sim_plant_step(&pl, TICK_MS / 1000.0);
		if (!m && sim_plant_empty(&pl)) {
			o.brownout = true;	/* the host is still up */
			break;
		}
	}
	return o;
}

struct tally {
	unsigned int cases, brownouts, needless, ridable, ridden, forced;
	unsigned int ceiling;
};

static double pct(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 0;
}

/* "12.3%" in a 6-wide field, "-" when there is nothing to count */
static const char *pcts(char *buf, unsigned int a, unsigned int b)
{
	if (b)
		snprintf(buf, 16, "%5.1f%%", pct(a, b));
	else
		snprintf(buf, 16, "%6s", "-");
	return buf;
}

static struct tally tot[ARRAY_SIZE(rows)][NPOL];
static struct tally per[ARRAY_SIZE(rows)][NBOARDS];	/* gpio-ups */
static unsigned int undersized[ARRAY_SIZE(rows)];

static void tally_add(struct tally *a, const struct outcome *o, bool ridable,
		      bool ceil_ok)
{
	a->cases++;
	a->brownouts += o->brownout;
	a->forced += o->forced;
	a->ridable += ridable;
	a->needless += ridable && o->commit;
	a->ridden += ridable && !o->commit;
	a->ceiling += ridable && ceil_ok;
}

/* One outage of a configuration, every policy. */
static void run_outage(unsigned int ri, unsigned int bi, const struct scen *c)
{
	double lead_s = GPIO_UPS_POLICY_EMERGENCY_LEAD_MS / 1000.0;
	bool ridable = false, ceil_ok = false, early;
	unsigned int k;

	if (c->outage_s >= 0) {
		ceil_ok = !truth_browns_out(c, c->outage_s, lead_s, &early);
		ridable = ceil_ok || !early;
	}
	for (k = 0; k < NPOL; k++) {
		struct outcome o = run_case(c, k);

		if (getenv("BENCH_DEBUG") &&
		    (o.brownout || o.forced || (ridable && o.commit)))
			fprintf(stderr,
				"%s %s %s %.1fW outage %.0fs: commit %.2fs%s%s%s\n",
				c->r->name, pol_name[k], c->b->short_name, c->p_w,
				c->outage_s, o.t_commit_s,
				o.brownout ? " BROWNOUT" : "",
				o.forced ? " forced" : "",
				ridable && o.commit ? " needless" : "");
		tally_add(&tot[ri][k], &o, ridable, ceil_ok);
		if (k == POL_GPIO_UPS)
			tally_add(&per[ri][bi], &o, ridable, ceil_ok);
	}
}

/* Every outage length of a row on a board at a load and duration. */
static void run_config(unsigned int ri, unsigned int bi, unsigned int li,
		       unsigned int di)
{
	const struct row *r = &rows[ri];
	struct scen c = {
		.r = r, .b = &bench_boards[bi], .p_w = loads_w[li],
		.dur_s = durations_s[di], .outage_s = FOREVER,
	};
	struct sim_rng prng;
	unsigned int oi;

	/* the same phase and noise for every policy */
	c.seed = 7919ULL * (ri + 1) + 104729ULL * bi + 31ULL * li + di;
	sim_rng_seed(&prng, c.seed ^ 0xf1a9);
	if (r->flap_t_ms)
		c.phase_ms = r->flap_t_ms / 2 +
			(long long)(sim_rng_uniform(&prng) * r->flap_t_ms / 2 /
				    TICK_MS) * TICK_MS;
	if (truth_browns_out(&c, 0, 0, NULL)) {
		undersized[ri]++;
		return;
	}
	c.max_s = FOREVER_FACTOR * truth_runtime_s(&c, FOREVER_LIMIT_S) + 60;
	for (oi = 0; oi < ARRAY_SIZE(outages_s); oi++) {
		c.outage_s = outages_s[oi];
		if (c.outage_s >= 0 && c.outage_s <= r->min_outage_s)
			continue;
		run_outage(ri, bi, &c);
	}
}

static void run_row(unsigned int ri)
{
	unsigned int bi, li, di;

	for (bi = 0; bi < NBOARDS; bi++) {
		if (!(rows[ri].boards & (1u << bi)))
			continue;
		for (li = 0; li < ARRAY_SIZE(loads_w); li++)
			for (di = 0; di < ARRAY_SIZE(durations_s); di++)
				run_config(ri, bi, li, di);
	}
}

int main(void)
{
	const char *only = getenv("BENCH_ROWS");
	unsigned int ri, bi, k;
	char b1[16], b2[16];
	double lost, ref;

	bench_boards_setup();
	/* BENCH_ROWS=word: only the rows whose name contains it */
	for (ri = 0; ri < ARRAY_SIZE(rows); ri++)
		if (!only || strstr(rows[ri].name, only))
			run_row(ri);

	printf("Adversarial outages (rows and definitions in %s)\n",
	       "scripts/bench/bench-decision-adversarial.c");
	printf("boards: 10F 2.7V, 25F 4.6V, 100F 4.6V, Li-ion 2.5Ah (unless the row says); "
	       "loads 0.6-8 W; shutdown 25 s at half the load;\n"
	       "outages 3 s-600 s and forever (rows with an event at 10 s: longer than 10 s only); "
	       "the driver's glue as gpio-ups-drv.c\n");
	printf("brn: brownouts, ndl: needless shutdowns, ride: ride-through of ridable outages, "
	       "emg: emergency power-offs;\n"
	       "ceiling: ride-through of a commit at the last safe moment (ground truth)\n\n");
	printf("%-18s %5s %5s", "row", "cases", "ridbl");
	for (k = 0; k < NPOL; k++)
		printf(" | %-*s", k == POL_GPIO_UPS ? 18 : 14, pol_name[k]);
	printf(" | %7s\n", "ceiling");
	printf("%-18s %5s %5s", "", "", "");
	for (k = 0; k < NPOL; k++)
		printf(k == POL_GPIO_UPS ? " | %3s %3s %6s %3s" : " | %3s %3s %6s",
		       "brn", "ndl", "ride", "emg");
	printf(" |\n");
	for (ri = 0; ri < ARRAY_SIZE(rows); ri++) {
		const struct tally *t0 = &tot[ri][0];

		printf("%-18s %5u %5u", rows[ri].name, t0->cases, t0->ridable);
		for (k = 0; k < NPOL; k++) {
			const struct tally *a = &tot[ri][k];

			printf(" | %3u %3u %s", a->brownouts, a->needless,
			       pcts(b1, a->ridden, a->ridable));
			if (k == POL_GPIO_UPS)
				printf(" %3u", a->forced);
		}
		printf(" | %7s\n", pcts(b1, t0->ceiling, t0->ridable));
	}
	printf("\nundersized configurations left out (a commit at t = 0 browns out): ");
	for (ri = 0; ri < ARRAY_SIZE(rows); ri++)
		printf("%s%u", ri ? " " : "", undersized[ri]);
	printf(" (rows in order)\n");

	printf("\ngpio-ups per board: brownouts / needless / ride-through (ceiling)\n%-18s", "row");
	for (bi = 0; bi < NBOARDS; bi++)
		printf(" | %-22s", bench_boards[bi].short_name);
	printf("\n");
	for (ri = 0; ri < ARRAY_SIZE(rows); ri++) {
		printf("%-18s", rows[ri].name);
		for (bi = 0; bi < NBOARDS; bi++) {
			const struct tally *a = &per[ri][bi];

			if (!a->cases)
				printf(" | %-22s", "-");
			else
				printf(" | %2u %3u %s (%s)",
				       a->brownouts, a->needless,
				       pcts(b1, a->ridden, a->ridable),
				       pcts(b2, a->ceiling, a->ridable));
		}
		printf("\n");
	}

	lost = pct(tot[ROW_LOST][0].ridden, tot[ROW_LOST][0].ridable);
	ref = pct(tot[ROW_LOST + 1][0].ridden, tot[ROW_LOST + 1][0].ridable);
	printf("\nADC lost 10 s into the outage: gpio-ups ride-through %.1f%%; "
	       "the same outages without the loss %.1f%% (%+.1f points)\n",
	       lost, ref, lost - ref);
	return 0;
}
