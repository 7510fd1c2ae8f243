// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the gpio-ups store learning, health check and outage
 * statistics (gpio-ups-learn.c).
 *
 * A synthetic supercapacitor (integer physics, 10 ms steps) is charged at a
 * constant current on mains (terminal voltage V_oc + I R until full, then
 * V_oc) and drained at a constant power on backup (V_oc - I R), read
 * through a 12-bit ADC over 0..5 V with Gaussian-like noise, at the rates
 * the driver uses: 100 ms on backup (the loss of mains is heard after a
 * 100 ms debounce), GPIO_UPS_LEARN_SAMPLE_MS while learning says a charge
 * run is measured, 10 s otherwise.  Expected values come from the plant,
 * never from the code under test.
 */
#include <kunit/test.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "gpio-ups-energy.h"
#include "gpio-ups-learn.h"
#include "gpio-ups-policy.h"

#define T0_MS		1000000ULL
#define ADC_FS_UV	5000000LL
#define ADC_BITS	12
#define DEBOUNCE_MS	100U
#define PLANT_STEP_MS	10U
#define BACKUP_TICK_MS	100U
#define MAINS_TICK_MS	10000U

/* seed 003's store: 25 F, 4.6 V -> 2.5 V, 1 A charger, 30 mOhm declared */
#define DECL_C_UF	25000000U
#define DECL_R_UOHM	30000U
#define VMAX_UV		4600000U
#define VMIN_UV		2500000U
#define ICHG_UA		1000000U
#define LOAD_UW		2375000U	/* 0.5 A at 4.75 V, store side / eta */

/* the store as declared, for the energy model and the health check */
static const struct gpio_ups_store decl_store = {
	.type = GPIO_UPS_STORE_SUPERCAP,
	.capacitance_uf = DECL_C_UF,
	.voltage_max_uv = VMAX_UV,
	.voltage_min_uv = VMIN_UV,
	.efficiency_pct = 80,
};

struct lplant {
	u32 c_uf;
	u32 r_uohm;
	s64 voc_uv;
	bool mains;
	u64 t_ms;
	u32 noise_lsb;
	u32 rng;
};

static u32 lp_rand(struct lplant *p)
{
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 17;
	p->rng ^= p->rng << 5;
	return p->rng;
}

/* store current, uA, + discharging */
static s64 lp_current_ua(const struct lplant *p)
{
	if (p->mains)
		return p->voc_uv < VMAX_UV ? -(s64)ICHG_UA : 0;
	/* I = P / V_oc: uW * 1e6 / uV */
	return div_s64((s64)LOAD_UW * 1000000, (s32)max_t(s64, p->voc_uv, 1));
}

static void lp_run(struct lplant *p, u64 to_ms)
{
	while (p->t_ms < to_ms) {
		/* dV = -I dt / C: uA * ms * 1000 / uF = uV */
		p->voc_uv -= div_s64(lp_current_ua(p) * PLANT_STEP_MS * 1000,
				     p->c_uf);
		if (p->mains && p->voc_uv > VMAX_UV)
			p->voc_uv = VMAX_UV;
		p->t_ms += PLANT_STEP_MS;
	}
}

static s32 lp_read_uv(struct lplant *p)
{
	s64 v = p->voc_uv - div_s64(lp_current_ua(p) * p->r_uohm, 1000000);
	s64 code = div_s64(v * (1 << ADC_BITS) * 1024, ADC_FS_UV);
	int k;

	/* sum of three uniforms in [-1, 1): sigma 1 LSB, times noise_lsb */
	for (k = 0; k < 3 && p->noise_lsb; k++)
		code += ((s64)(lp_rand(p) & 2047) - 1024) * p->noise_lsb;
	code = clamp_t(s64, div_s64(code + 512, 1024), 0, (1 << ADC_BITS) - 1);
	return (s32)div_s64(code * ADC_FS_UV, 1 << ADC_BITS);
}

struct lrig {
	struct lplant p;
	struct gpio_ups_learn learn;
	bool on_mains;		/* as the driver sees it */
};

static void rig_sample(struct lrig *r)
{
	struct gpio_ups_sample s = {
		.time_ms = r->p.t_ms,
		.on_mains = r->on_mains,
		.voltage_valid = true,
		.voltage_uv = lp_read_uv(&r->p),
	};

	gpio_ups_learn_update(&r->learn, &s);
}

static void rig_init(struct lrig *r, u32 decl_c_uf, u32 true_c_uf,
		     u32 true_r_uohm, u32 noise_lsb)
{
	struct gpio_ups_learn_cfg cfg = {
		.capacitance_uf = decl_c_uf,
		.resistance_uohm = DECL_R_UOHM,
		.voltage_max_uv = VMAX_UV,
		.voltage_min_uv = VMIN_UV,
		.charge_current_ua = ICHG_UA,
		.switch_lag_ms = DEBOUNCE_MS,
	};

	memset(r, 0, sizeof(*r));
	r->p.c_uf = true_c_uf;
	r->p.r_uohm = true_r_uohm;
	r->p.voc_uv = VMAX_UV;
	r->p.mains = true;
	r->p.t_ms = T0_MS;
	r->p.noise_lsb = noise_lsb;
	r->p.rng = 0x2545f491;
	gpio_ups_learn_init(&r->learn, &cfg);
	r->on_mains = true;
	rig_sample(r);
}

/* on backup until V_oc falls to frac_pct of the window */
static void rig_outage(struct lrig *r, u32 frac_pct)
{
	s64 v_end = VMIN_UV + div_s64((s64)(VMAX_UV - VMIN_UV) * frac_pct, 100);

	r->p.mains = false;
	lp_run(&r->p, r->p.t_ms + DEBOUNCE_MS);
	r->on_mains = false;
	rig_sample(r);
	while (r->p.voc_uv > v_end) {
		lp_run(&r->p, r->p.t_ms + BACKUP_TICK_MS);
		rig_sample(r);
	}
}

/* back on mains (reported at once) until full and a minute more */
static void rig_recharge(struct lrig *r)
{
	u64 full_since = 0;

	r->p.mains = true;
	r->on_mains = true;
	rig_sample(r);
	while (!full_since || r->p.t_ms < full_since + 60000) {
		lp_run(&r->p, r->p.t_ms + (gpio_ups_learn_charging(&r->learn) ?
					   GPIO_UPS_LEARN_SAMPLE_MS :
					   MAINS_TICK_MS));
		rig_sample(r);
		if (!full_since && r->p.voc_uv >= VMAX_UV)
			full_since = r->p.t_ms;
	}
}

static struct lrig *rig_new(struct kunit *test, u32 decl_c_uf, u32 true_c_uf,
			    u32 true_r_uohm, u32 noise_lsb)
{
	struct lrig *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	rig_init(r, decl_c_uf, true_c_uf, true_r_uohm, noise_lsb);
	return r;
}

/* an outage down to frac_pct of the window, then a full recharge */
static void rig_cycle(struct lrig *r, u32 frac_pct)
{
	rig_outage(r, frac_pct);
	rig_recharge(r);
}

static void expect_within_pct(struct kunit *test, u64 got, u64 want, u32 pct)
{
	u64 err = got > want ? got - want : want - got;

	KUNIT_EXPECT_LE_MSG(test, err * 100, want * pct,
			    "got %llu, want %llu within %u %%", got, want, pct);
}

/* two full charges and a partial one, 1 LSB noise, from a declared C */
static void converge_from(struct kunit *test, u32 decl_c_uf, u32 true_c_uf)
{
	u32 true_r = 2 * DECL_R_UOHM;	/* aged: twice the declared ESR */
	struct lrig *r = rig_new(test, decl_c_uf, true_c_uf, true_r, 1);

	rig_cycle(r, 25);
	rig_cycle(r, 25);
	rig_cycle(r, 60);
	KUNIT_EXPECT_EQ(test, r->learn.c_updates, 3U);
	expect_within_pct(test, r->learn.capacitance_uf, true_c_uf, 10);
	expect_within_pct(test, r->learn.esr_uohm, true_r, 25);
	kunit_info(test, "declared %u uF, true %u uF: learned %u uF; ESR true %u, learned %u uohm\n",
		   decl_c_uf, true_c_uf, r->learn.capacitance_uf, true_r,
		   r->learn.esr_uohm);
}

/* a store declared at its nominal value that has aged to 70 % */
static void learn_converges_aged_store(struct kunit *test)
{
	converge_from(test, DECL_C_UF, DECL_C_UF / 10 * 7);
}

/* a store declared 30 % below what it has */
static void learn_converges_declared_low(struct kunit *test)
{
	converge_from(test, DECL_C_UF / 10 * 7, DECL_C_UF);
}

/*
 * One cycle of a store aged to 70 % of its declared capacitance, read with
 * noise_lsb of noise, down to frac_pct of the window (charge_ua: the
 * declared charge current); the cases below learn no capacitance from it.
 */
static struct lrig *aged_cycle(struct kunit *test, u32 noise_lsb,
			       u32 frac_pct, u32 charge_ua)
{
	struct lrig *r = rig_new(test, DECL_C_UF, DECL_C_UF / 10 * 7,
				 DECL_R_UOHM, noise_lsb);

	r->learn.cfg.charge_current_ua = charge_ua;
	rig_cycle(r, frac_pct);
	KUNIT_EXPECT_EQ(test, r->learn.capacitance_uf, DECL_C_UF);
	return r;
}

/* a top-up from 85 % of the window is too short to learn from */
static void learn_ignores_short_charge(struct kunit *test)
{
	struct lrig *r = aged_cycle(test, 1, 85, ICHG_UA);

	KUNIT_EXPECT_EQ(test, r->learn.c_updates, 0U);
	KUNIT_EXPECT_EQ(test, r->learn.c_result, GPIO_UPS_LEARN_SHORT);
}

/* readings with 40 LSB of noise teach nothing */
static void learn_ignores_noisy_charge(struct kunit *test)
{
	struct lrig *r = aged_cycle(test, 40, 25, ICHG_UA);

	KUNIT_EXPECT_EQ(test, r->learn.c_updates, 0U);
	KUNIT_EXPECT_NE(test, r->learn.c_result, GPIO_UPS_LEARN_USED);
	KUNIT_EXPECT_NE(test, r->learn.c_result, GPIO_UPS_LEARN_NONE);
}

/* without a declared charge current nothing is learned */
static void learn_off_without_charge_current(struct kunit *test)
{
	struct lrig *r = aged_cycle(test, 1, 25, 0);

	KUNIT_EXPECT_EQ(test, r->learn.esr_uohm, DECL_R_UOHM);
	KUNIT_EXPECT_FALSE(test, gpio_ups_learn_charging(&r->learn));
}

/* the learned capacitance stays within its bounds of the declared one */
static void learn_bounded(struct kunit *test)
{
	/* really 45 % of the declared value: learned no lower than 50 % */
	struct lrig *r = rig_new(test, DECL_C_UF, DECL_C_UF / 100 * 45,
				 DECL_R_UOHM, 1);
	int k;

	for (k = 0; k < 3; k++)
		rig_cycle(r, 25);
	KUNIT_EXPECT_GE(test, r->learn.capacitance_uf,
			DECL_C_UF / 100 * GPIO_UPS_LEARN_C_MIN_PCT);
	KUNIT_EXPECT_LE(test, r->learn.capacitance_uf, DECL_C_UF / 100 * 52);
}

/* the energy model uses the learned capacitance */
static void energy_uses_learned_capacitance(struct kunit *test)
{
	struct gpio_ups_store store = decl_store;
	struct gpio_ups_estimator *e = kunit_kzalloc(test, sizeof(*e),
						     GFP_KERNEL);
	struct gpio_ups_sample s = {
		.time_ms = T0_MS, .on_mains = true, .voltage_valid = true,
		.voltage_uv = 4000000,
	};
	/* 1/2 C (V^2 - Vmin^2) eta: 25 F -> 149.1 J full, 97.5 J at 4 V */
	u64 full = 149100000, at4 = 97500000;

	KUNIT_ASSERT_NOT_NULL(test, e);
	gpio_ups_est_init(e, &store);
	KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_est_get(e)->energy_full_uj, full);
	KUNIT_EXPECT_EQ(test, gpio_ups_est_get(e)->energy_uj, at4);
	store.learned_capacitance_uf = DECL_C_UF / 10 * 7;
	gpio_ups_est_store_changed(e);
	KUNIT_EXPECT_EQ(test, gpio_ups_est_get(e)->energy_full_uj, full / 10 * 7);
	KUNIT_EXPECT_EQ(test, gpio_ups_est_get(e)->energy_uj, at4 / 10 * 7);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_full_uj(&store), full / 10 * 7);
}

/*
 * The warning fires when, and only when, the store from full cannot
 * carry the shutdown: usable energy 1/2 C (Vmax^2 - Vmin^2) eta against
 * ((duration * margin + 2 s lead) * shutdown load + 2 sampling intervals)
 * at the load (the policy's reserve, worked out here).
 */
static void health_fires_iff_store_too_small(struct kunit *test)
{
	struct gpio_ups_store store = decl_store;
	struct gpio_ups_policy_cfg cfg;
	struct gpio_ups_health h;
	u64 full = 149100000;	/* uJ, 25 F */
	/* ms of load: (20000 * 150 % + 2000) * 100 % + 2 * 100 */
	u64 need_ms = 32200;
	u32 p_star = div64_u64(full * 1000, need_ms);	/* 4630434 uW */
	u32 p;

	gpio_ups_policy_cfg_defaults(&cfg);
	/* no load known: nothing to warn about */
	gpio_ups_health_check(&store, &cfg, 0, &h);
	KUNIT_EXPECT_TRUE(test, h.ok);

	for (p = p_star - 20000; p <= p_star + 20000; p += 1000) {
		gpio_ups_health_check(&store, &cfg, p, &h);
		KUNIT_EXPECT_EQ(test, h.full_uj, full);
		KUNIT_EXPECT_EQ(test, h.need_uj, div_u64(need_ms * p, 1000));
		KUNIT_EXPECT_EQ_MSG(test, h.ok, p <= p_star, "load %u uW", p);
	}

	/* fine as declared at 4 W (128.8 J needed); aged to 70 %, no longer */
	gpio_ups_health_check(&store, &cfg, 4000000, &h);
	KUNIT_EXPECT_TRUE(test, h.ok);
	store.learned_capacitance_uf = DECL_C_UF / 10 * 7;
	gpio_ups_health_check(&store, &cfg, 4000000, &h);
	KUNIT_EXPECT_FALSE(test, h.ok);
	KUNIT_EXPECT_EQ(test, h.full_uj, full / 10 * 7);

	/* a shorter shutdown (68.8 J) fits again */
	cfg.shutdown_duration_ms = 10000;
	gpio_ups_health_check(&store, &cfg, 4000000, &h);
	KUNIT_EXPECT_TRUE(test, h.ok);

	/* the ESR's loss counts: 1 ohm burns about 60 J at 4 W */
	cfg.shutdown_duration_ms = 20000;
	store.learned_capacitance_uf = 0;
	store.learned_resistance_uohm = 1000000;
	gpio_ups_health_check(&store, &cfg, 4000000, &h);
	KUNIT_EXPECT_LT(test, h.full_uj, full);
	KUNIT_EXPECT_FALSE(test, h.ok);
}

/*
 * Transfers are counted per outage: returns of mains shorter than
 * GPIO_UPS_MAINS_SETTLE_MS keep the policy's outage open and are no
 * transfer.  Time and energy on backup add up over the outage's stretches.
 */
static void stats_count_outages_not_flaps(struct kunit *test)
{
	struct gpio_ups_policy *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct gpio_ups_stats *stats = kunit_kzalloc(test, sizeof(*stats),
						     GFP_KERNEL);
	struct gpio_ups_policy_cfg cfg;
	/* mains on (1) / off (0) from each time on, ms after T0_MS */
	static const struct { u32 t_ms; bool mains; } script[] = {
		{ 0, 1 }, { 10000, 0 }, { 15000, 1 }, { 18000, 0 },
		{ 30000, 1 }, { 100000, 0 }, { 104000, 1 },
	};
	u64 t, end = T0_MS + 200000;
	unsigned int i = 0;
	bool mains = true;
	u64 e_uj = 50000000;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	gpio_ups_policy_cfg_defaults(&cfg);
	cfg.auto_shutdown = false;
	gpio_ups_policy_init(p, &cfg, true, T0_MS);
	for (t = T0_MS; t <= end; t += 100) {
		struct gpio_ups_policy_input in = { .now_ms = t };
		struct gpio_ups_stats_input si = { .now_ms = t };
		struct gpio_ups_decision d;

		while (i < ARRAY_SIZE(script) && T0_MS + script[i].t_ms <= t)
			mains = script[i++].mains;
		in.on_mains = mains;
		gpio_ups_policy_step(p, &in, &d);
		/* 1 J/s drawn on backup, 2 J/s charged on mains */
		if (!mains)
			e_uj -= 100000;
		else
			e_uj = min_t(u64, e_uj + 200000, 50000000);
		si.on_backup = p->state != GPIO_UPS_PSTATE_ONLINE;
		si.outage_ms = p->backup_since_ms;
		si.energy_valid = true;
		si.energy_uj = e_uj;
		gpio_ups_stats_update(stats, &si);
		if (t == T0_MS + 30000) {
			/* first outage: 5 s + 12 s on backup, 17 J drawn */
			KUNIT_EXPECT_EQ(test, stats->transfers, 1U);
			KUNIT_EXPECT_EQ(test, stats->backup_last_ms, 17000ULL);
			KUNIT_EXPECT_TRUE(test, stats->drawn_valid);
			/* the first reading of a stretch is after 100 ms */
			KUNIT_EXPECT_EQ(test, stats->drawn_uj, 16800000ULL);
		}
	}
	KUNIT_EXPECT_EQ(test, stats->transfers, 2U);
	KUNIT_EXPECT_EQ(test, stats->backup_total_ms, 21000ULL);
	KUNIT_EXPECT_EQ(test, stats->backup_last_ms, 4000ULL);
	KUNIT_EXPECT_EQ(test, stats->last_reason, GPIO_UPS_XFER_POWER_FAIL);
	KUNIT_EXPECT_EQ(test, stats->drawn_uj, 3900000ULL);
	KUNIT_EXPECT_FALSE(test, stats->commit_valid);
}

/* the energy left at the commit is kept; a start on backup is a transfer */
static void stats_commit_and_start_on_backup(struct kunit *test)
{
	struct gpio_ups_stats stats = { };
	struct gpio_ups_stats_input in = {
		.now_ms = T0_MS, .on_backup = true, .outage_ms = T0_MS,
		.started = true, .energy_valid = true, .energy_uj = 9000000,
	};

	gpio_ups_stats_update(&stats, &in);
	KUNIT_EXPECT_EQ(test, stats.transfers, 1U);
	KUNIT_EXPECT_EQ(test, stats.last_reason, GPIO_UPS_XFER_STARTED_ON_BACKUP);
	in.started = false;
	in.now_ms += 3000;
	in.energy_uj = 6000000;
	in.committed = true;
	gpio_ups_stats_update(&stats, &in);
	KUNIT_EXPECT_TRUE(test, stats.commit_valid);
	KUNIT_EXPECT_EQ(test, stats.commit_uj, 6000000ULL);
	KUNIT_EXPECT_EQ(test, stats.backup_last_ms, 3000ULL);
	KUNIT_EXPECT_EQ(test, stats.drawn_uj, 3000000ULL);
	/* the commit is recorded once */
	in.now_ms += 1000;
	in.energy_uj = 5000000;
	gpio_ups_stats_update(&stats, &in);
	KUNIT_EXPECT_EQ(test, stats.commit_uj, 6000000ULL);
	KUNIT_EXPECT_EQ(test, stats.transfers, 1U);
}

static struct kunit_case gpio_ups_learn_cases[] = {
	KUNIT_CASE(learn_converges_aged_store),
	KUNIT_CASE(learn_converges_declared_low),
	KUNIT_CASE(learn_ignores_short_charge),
	KUNIT_CASE(learn_ignores_noisy_charge),
	KUNIT_CASE(learn_off_without_charge_current),
	KUNIT_CASE(learn_bounded),
	KUNIT_CASE(energy_uses_learned_capacitance),
	KUNIT_CASE(health_fires_iff_store_too_small),
	KUNIT_CASE(stats_count_outages_not_flaps),
	KUNIT_CASE(stats_commit_and_start_on_backup),
	{}
};

static struct kunit_suite gpio_ups_learn_suite = {
	.name = "gpio-ups-learn",
	.test_cases = gpio_ups_learn_cases,
};

kunit_test_suite(gpio_ups_learn_suite);
