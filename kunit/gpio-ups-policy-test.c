// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the gpio-ups shutdown policy, with synthetic time.
 *
 * A small "plant" drains a known energy at a known power; the expected
 * commit times are derived here from the documented rules (reserve =
 * P * ((shutdown_duration * margin + emergency lead) * shutdown load +
 * 2 evaluation intervals), fallback timer, dead reckoning), never read back
 * from the code under test.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "gpio-ups-policy.h"

#define T0_MS		1000000ULL	/* arbitrary start of time */
#define TICK_MS		100U		/* sample interval */
#define DUR_MS		10000U
#define MARGIN		150U
#define SD_MS		(DUR_MS * MARGIN / 100)	/* duration with margin */
#define LEAD_MS		GPIO_UPS_POLICY_EMERGENCY_LEAD_MS

struct pt_ctx {
	struct gpio_ups_policy p;
	struct gpio_ups_estimate est;
	struct gpio_ups_estimate last;	/* as last handed in */
	u32 seen_seq;			/* est.seq as last handed in */
	struct gpio_ups_decision d;
	u64 now;
	bool mains;
	bool lowbat;
	bool use_est;
	unsigned int commits;
	u64 commit_at;
	bool changed;		/* the last step changed state or advice */
};

static void pt_cfg(struct gpio_ups_policy_cfg *cfg)
{
	gpio_ups_policy_cfg_defaults(cfg);
	cfg->shutdown_duration_ms = DUR_MS;
	cfg->margin_pct = MARGIN;
	cfg->sample_interval_ms = TICK_MS;
}

static void pt_init(struct pt_ctx *c, const struct gpio_ups_policy_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->now = T0_MS;
	c->mains = true;
	c->use_est = true;
	gpio_ups_policy_init(&c->p, cfg, true, c->now);
}

/* A measured estimate: energy in mJ, power in mW. */
static void pt_est(struct pt_ctx *c, u64 energy_mj, u32 power_mw)
{
	u32 seq = c->est.seq;

	memset(&c->est, 0, sizeof(c->est));
	c->est.seq = seq;
	c->est.energy_valid = true;
	c->est.energy_uj = energy_mj * 1000;
	c->est.energy_full_uj = 100000ULL * 1000;
	c->est.capacity_pct = div64_u64(c->est.energy_uj * 100,
					c->est.energy_full_uj);
	c->est.power_valid = true;
	c->est.power_measured = true;
	c->est.power_proven = true;
	c->est.power_uw = power_mw * 1000;
	c->est.power_avg_uw = power_mw * 1000;
}

/*
 * Step the policy.  An estimate whose figures changed since the last step
 * is a new reading (its sequence number advances, as the estimator's does
 * for every reading); an unchanged one is the same reading handed in
 * again unless the test advances est.seq itself (steady readings).
 */
static void pt_step(struct pt_ctx *c)
{
	struct gpio_ups_policy_input in = {
		.now_ms = c->now,
		.on_mains = c->mains,
		.low_battery = c->lowbat,
		.est = c->use_est ? &c->est : NULL,
	};
	enum gpio_ups_pstate state = c->p.state;
	enum gpio_ups_reason advice = c->p.advice;

	c->est.sample_energy_uj = c->est.energy_uj;
	c->last.seq = c->est.seq;
	c->last.sample_ms = c->est.sample_ms;
	if (memcmp(&c->last, &c->est, sizeof(c->est)) ||
	    c->est.seq != c->seen_seq) {
		c->est.seq++;
		c->est.sample_ms = c->now;
	}
	c->seen_seq = c->est.seq;
	c->last = c->est;
	gpio_ups_policy_step(&c->p, &in, &c->d);
	c->changed = c->p.state != state || c->p.advice != advice;
	if (c->d.commit) {
		c->commits++;
		c->commit_at = c->now;
	}
}

/* The next sample, TICK_MS later: the load drained for TICK_MS. */
static void pt_tick(struct pt_ctx *c)
{
	c->now += TICK_MS;
	c->est.energy_uj -= div_u64((u64)c->est.power_uw * TICK_MS, 1000);
	pt_step(c);
}

/* Mains fails now (the driver steps after its debounce). */
static void pt_fail(struct pt_ctx *c)
{
	c->mains = false;
	pt_step(c);
}

/* Start on mains with a measured estimate, then lose mains. */
static void pt_outage(struct pt_ctx *c, const struct gpio_ups_policy_cfg *cfg,
		      u64 energy_mj, u32 power_mw)
{
	pt_init(c, cfg);
	pt_est(c, energy_mj, power_mw);
	pt_fail(c);
}

/*
 * One sample every TICK_MS for up to dur_ms, draining power_mw from the
 * estimate's energy; stops at a commit when told to.
 */
static void pt_run(struct pt_ctx *c, u32 power_mw, u64 dur_ms,
		   bool stop_at_commit)
{
	u64 end = c->now + dur_ms;

	while (c->now < end && !(stop_at_commit && c->commits)) {
		u32 drained = power_mw * TICK_MS / 1000;	/* mJ */
		u64 e = div_u64(c->est.energy_uj, 1000);

		c->now += TICK_MS;
		pt_est(c, e > drained ? e - drained : 0, power_mw);
		pt_step(c);
	}
}

/* Run on backup for up to dur_ms at power_mw; stops at the commit. */
static void pt_drain(struct pt_ctx *c, u32 power_mw, u64 dur_ms)
{
	pt_run(c, power_mw, dur_ms, true);
}

/* An outage from energy_mj at power_mw, dur_ms of it drained already. */
static void pt_outage_drained(struct pt_ctx *c,
			      const struct gpio_ups_policy_cfg *cfg,
			      u64 energy_mj, u32 power_mw, u64 dur_ms)
{
	pt_outage(c, cfg, energy_mj, power_mw);
	pt_drain(c, power_mw, dur_ms);
}

/* After the commit: dur_ms more at power_mw (the shutdown load). */
static void pt_drain_committed(struct pt_ctx *c, u32 power_mw, u64 dur_ms)
{
	pt_run(c, power_mw, dur_ms, false);
}

/*
 * Energy (mJ) under which the reserve trigger holds at power_mw, for a
 * shutdown at load_pct of it lasting sd_ms (duration with margin).
 */
static u64 pt_reserve_at_mj(u32 power_mw, u32 sd_ms, u32 load_pct)
{
	u64 ms = (u64)(sd_ms + LEAD_MS) * load_pct / 100 + 2 * TICK_MS;

	return div_u64(ms * power_mw, 1000);
}

/* ... with the test's duration and margin, at the running load */
static u64 pt_reserve_mj(u32 power_mw)
{
	return pt_reserve_at_mj(power_mw, SD_MS, 100);
}

static void policy_glitch_ride_through(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	pt_est(&c, 60000, 2500);
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
	KUNIT_EXPECT_FALSE(test, c.changed);

	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ON_BACKUP);
	KUNIT_EXPECT_TRUE(test, c.changed);
	KUNIT_EXPECT_EQ(test, c.p.backup_since_ms, c.now);

	pt_drain(&c, 2500, 3000);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ON_BACKUP);

	c.mains = true;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
	KUNIT_EXPECT_TRUE(test, c.changed);
	KUNIT_EXPECT_FALSE(test, c.d.commit);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, GPIO_UPS_NEVER);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
}

/* Trigger 1: commits on the second reading under the reserve, in time. */
static void policy_reserve(struct kunit *test)
{
	const u32 pw = 2000;
	struct gpio_ups_policy_cfg cfg;
	u64 first_hit = 0, e;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_outage(&c, &cfg, 50000, pw);
	/* the first sample at or under the reserve, computed from the rule */
	for (e = 50000; e > pt_reserve_mj(pw); e -= pw * TICK_MS / 1000)
		first_hit += TICK_MS;
	pt_drain(&c, pw, 60000);

	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_RESERVE);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_SHUTDOWN_PENDING);
	KUNIT_EXPECT_EQ(test, c.commit_at, T0_MS + first_hit + TICK_MS);
	KUNIT_EXPECT_EQ(test, c.p.commit_ms, c.commit_at);
	/*
	 * what is left at the commit covers the shutdown with its margin and
	 * the emergency lead after it
	 */
	KUNIT_EXPECT_GE(test, c.est.energy_uj,
			(u64)pw * (SD_MS + LEAD_MS));
	/* emergency: end of energy at the running load, less the lead */
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			min(c.now + div_u64(c.est.energy_uj, pw) -
			    GPIO_UPS_POLICY_EMERGENCY_LEAD_MS,
			    c.now + SD_MS));
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, GPIO_UPS_NEVER);
}

/*
 * shutdown_load_pct: the shutdown part of the reserve (duration with margin
 * plus the emergency lead) is taken at that share of the running load, so a
 * host that shuts down at half its load commits later.  The shutdown at
 * its declared load then finishes before the emergency deadline.
 */
static void policy_reserve_shutdown_load(struct kunit *test)
{
	const u32 pw = 2000;
	struct gpio_ups_policy_cfg cfg;
	u64 full = 0, half = 0, e, e_commit;
	struct pt_ctx c;

	for (e = 50000; e > pt_reserve_at_mj(pw, SD_MS, 100);
	     e -= pw * TICK_MS / 1000)
		full += TICK_MS;
	for (e = 50000; e > pt_reserve_at_mj(pw, SD_MS, 50);
	     e -= pw * TICK_MS / 1000)
		half += TICK_MS;
	KUNIT_ASSERT_GT(test, half, full);

	pt_cfg(&cfg);
	cfg.shutdown_load_pct = 50;
	pt_outage_drained(&c, &cfg, 50000, pw, 60000);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
	KUNIT_EXPECT_EQ(test, c.commit_at, T0_MS + half + TICK_MS);
	KUNIT_EXPECT_GE(test, c.est.energy_uj,
			(u64)pw / 2 * (SD_MS + LEAD_MS));
	e_commit = c.est.energy_uj;
	/* the energy lasts the shutdown at the declared load: the hang cap */
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + SD_MS);

	/* the host shuts down at pw / 2 as declared: no change */
	pt_drain_committed(&c, pw / 2, 3 * TICK_MS);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + SD_MS);

	/*
	 * A host that draws its full load while shutting down: for the first
	 * second the declared half load counts, then the measured one brings
	 * the deadline in.
	 */
	pt_outage_drained(&c, &cfg, 50000, pw, 60000);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	e_commit = c.est.energy_uj;
	pt_drain_committed(&c, pw, GPIO_UPS_POLICY_SD_MEASURE_MS - TICK_MS);
	/*
	 * the energy at the declared load, from the later of the last two
	 * readings (the one before: TICK_MS earlier, pw * TICK_MS more)
	 */
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			min(c.commit_at + SD_MS,
			    c.now + div_u64(c.est.energy_uj, pw / 2) + TICK_MS -
			    LEAD_MS));
	pt_drain_committed(&c, pw, GPIO_UPS_POLICY_SD_MEASURE_MS);
	KUNIT_EXPECT_EQ(test, e_commit - c.est.energy_uj,
			(u64)pw * (c.now - c.commit_at));
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			c.now + div_u64(c.est.energy_uj, pw) - LEAD_MS);
	KUNIT_EXPECT_LT(test, c.d.emergency_ms, c.commit_at + SD_MS);

	/* the same with no margin: still no emergency before the end */
	cfg.margin_pct = 100;
	cfg.shutdown_load_pct = 100;
	pt_outage_drained(&c, &cfg, 50000, pw, 60000);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + DUR_MS);
}

/*
 * The shutdown's load is measured from the energy drawn from a second after
 * the commit on (across the load step the published energy rises as the
 * store recovers, which must not read as a lighter load); nothing is
 * reported before that has spanned a second, nor without a load the
 * commit was decided on.
 */
static void policy_shutdown_stats(struct kunit *test)
{
	const u32 pw = 2000;
	struct gpio_ups_shutdown_stats st;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 e_base;

	pt_cfg(&cfg);
	pt_outage(&c, &cfg, 50000, pw);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st),
			-ENODATA);
	pt_drain(&c, pw, 60000);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st),
			-ENODATA);
	/* the load drops to 600 mW: the store recovers by 500 mJ at once */
	c.est.energy_uj += 500000;
	pt_drain_committed(&c, 600, GPIO_UPS_POLICY_SD_MEASURE_MS);
	e_base = c.est.energy_uj;
	pt_drain_committed(&c, 600, GPIO_UPS_POLICY_SD_MEASURE_MS - TICK_MS);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st),
			-ENODATA);
	pt_drain_committed(&c, 600, 3000 + TICK_MS);
	KUNIT_ASSERT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st), 0);
	KUNIT_EXPECT_EQ(test, st.span_ms, 4000U);
	KUNIT_EXPECT_EQ(test, e_base - c.est.energy_uj, 600ULL * 4000);
	KUNIT_EXPECT_EQ(test, st.commit_power_uw, pw * 1000);
	KUNIT_EXPECT_EQ(test, st.power_uw, 600000U);
	KUNIT_EXPECT_EQ(test, st.load_pct, 30U);

	/* a reading handed in again adds nothing */
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st), 0);
	KUNIT_EXPECT_EQ(test, st.span_ms, 4000U);

	/*
	 * committed on a timer between two readings, on the load measured
	 * before; a share that is not a whole percent is rounded up
	 */
	cfg.max_backup_ms = 2050;
	pt_outage_drained(&c, &cfg, 50000, pw, 2000);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_MAX_BACKUP);
	c.now -= 50;			/* back on the sampling grid */
	pt_drain_committed(&c, 1010, 3000);
	KUNIT_ASSERT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st), 0);
	KUNIT_EXPECT_EQ(test, st.span_ms, 1900U);	/* from commit + 1 s */
	KUNIT_EXPECT_EQ(test, st.commit_power_uw, pw * 1000);
	KUNIT_EXPECT_EQ(test, st.power_uw, 1010000U);
	KUNIT_EXPECT_EQ(test, st.load_pct, 51U);
	cfg.max_backup_ms = 0;

	/* committed on the fallback timer, without any energy figure */
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	c.use_est = true;
	pt_est(&c, 40000, 1000);
	pt_drain_committed(&c, 500, 3000);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_shutdown_stats(&c.p, &st),
			-ENODATA);
}

/* Conservative power: the higher of instant and averaged power counts. */
static void policy_reserve_uses_higher_power(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	int i;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	/* enough for 1 W, not for 4 W */
	pt_est(&c, pt_reserve_mj(1000) + 5000, 1000);
	pt_fail(&c);
	for (i = 0; i < 3; i++)
		pt_tick(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.est.power_uw = 4000000;	/* the load just rose, average lags */
	for (i = 0; i < 2; i++)
		pt_tick(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
}

/* Trigger 2: the low-battery line commits at once, on backup only. */
static void policy_low_battery(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	pt_est(&c, 90000, 1000);
	c.lowbat = true;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);

	c.lowbat = false;
	pt_fail(&c);
	pt_drain(&c, 1000, 1000);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.lowbat = true;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_LOW_BATTERY);
	/* emergency from the energy left at 1 W, capped at dur * margin */
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			c.now + SD_MS);
}

/* Trigger 3: capacity at or under shutdown_capacity_pct, confirmed. */
static void policy_capacity(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	unsigned int cap;

	pt_cfg(&cfg);
	cfg.shutdown_capacity_pct = 30;
	pt_outage(&c, &cfg, 90000, 500);
	for (cap = 35; cap >= 20 && !c.commits; cap--) {
		c.now += TICK_MS;
		c.est.energy_uj -= 500 * TICK_MS;
		c.est.capacity_pct = cap;
		pt_step(&c);
	}
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_CAPACITY);
	/* 30 % was the first reading at the threshold, 29 % confirmed it */
	KUNIT_EXPECT_EQ(test, cap + 1, 29U);

	/* off when 0 */
	cfg.shutdown_capacity_pct = 0;
	pt_outage(&c, &cfg, 90000, 500);
	for (cap = 35; cap > 0; cap--) {
		c.now += TICK_MS;
		c.est.energy_uj -= 500 * TICK_MS;
		c.est.capacity_pct = cap;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
}

/* Trigger 4: time to empty under shutdown_runtime_s. */
static void policy_runtime(struct kunit *test)
{
	const u32 pw = 1000;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	cfg.shutdown_runtime_s = 60;
	pt_init(&c, &cfg);
	pt_est(&c, 70000, pw);		/* 70 s at 1 W */
	pt_fail(&c);
	pt_drain(&c, pw, 30000);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RUNTIME);
	/* E/P < 60 s first holds below 60 J (at 10.1 s), confirmed next */
	KUNIT_EXPECT_EQ(test, c.commit_at, T0_MS + 10100 + TICK_MS);

	/* the estimator's own (lower) time to empty counts too */
	pt_outage(&c, &cfg, 90000, pw);
	c.est.tte_valid = true;
	c.est.tte_s = 90;
	c.est.tte_avg_s = 50;
	pt_tick(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	pt_tick(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RUNTIME);
}

/* Trigger 5: max_backup_ms, and next_eval_ms announces it. */
static void policy_max_backup(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	cfg.max_backup_ms = 30000;
	pt_outage(&c, &cfg, 90000, 100);
	t_fail = c.now;
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + 30000);
	pt_drain(&c, 100, 29900);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);

	c.now = t_fail + 29999;		/* a timer a little early */
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + 30000);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_MAX_BACKUP);
	KUNIT_EXPECT_EQ(test, c.commit_at, t_fail + 30000);
}

/* Trigger 6: no estimate at all: fallback_ms after the outage started. */
static void policy_fallback_no_estimate(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	cfg.fallback_ms = 7000;
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	t_fail = c.now;
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + 7000);
	c.now = t_fail + 6999;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);
	KUNIT_EXPECT_EQ(test, c.commit_at, t_fail + 7000);
	/* no energy figure: emergency at commit + duration * margin */
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			c.commit_at + SD_MS);

	/* an estimate without valid energy is no estimate */
	pt_init(&c, &cfg);
	pt_est(&c, 90000, 1000);
	c.est.energy_valid = false;
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, c.p.backup_since_ms + 7000);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);
}

/* Power never measured: nominal power is used until the grace ends. */
static void policy_fallback_power_unmeasured(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail, grace;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	pt_est(&c, 90000, 1000);
	c.est.power_measured = false;
	pt_fail(&c);
	t_fail = c.now;
	grace = max(cfg.fallback_ms, GPIO_UPS_POLICY_POWER_GRACE_MS);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + grace);
	while (c.now < t_fail + grace - TICK_MS) {
		c.now += TICK_MS;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = t_fail + grace;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);

	/* ... and a provisional estimate under the reserve still commits */
	pt_init(&c, &cfg);
	pt_est(&c, pt_reserve_mj(3000) - 1, 3000);
	c.est.power_measured = false;
	pt_fail(&c);
	pt_tick(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
}

/*
 * Trigger 6 with a declared store and load (gpio_ups_policy_cfg_nominal()):
 * no later than the store, full, carries the load down to the reserve.
 * 10 F from 5 V to 2.5 V (93.75 J) at 2 W: the reserve is 34.4 J
 * (pt_reserve_mj()), reached after 29.7 s, before a 60 s fallback_ms.
 */
static void policy_fallback_declared_store(struct kunit *test)
{
	static const struct gpio_ups_store store = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = 10000000,
		.voltage_max_uv = 5000000,
		.voltage_min_uv = 2500000,
		.efficiency_pct = 100,
		.nominal_load_uw = 2000000,
	};
	struct gpio_ups_store none = store;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 ride_ms = div_u64((93750 - pt_reserve_mj(2000)) * 1000, 2000);

	pt_cfg(&cfg);
	cfg.fallback_ms = 60000;
	gpio_ups_policy_cfg_nominal(&cfg, &store);
	KUNIT_EXPECT_EQ(test, cfg.nominal_full_uj, 93750000ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), (u32)ride_ms);

	/* no estimate (a board without ADC) */
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, c.p.backup_since_ms + ride_ms);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);

	/*
	 * A provisional load gets the grace period, but not beyond what the
	 * store carries: with a 25 s shutdown the reserve is 79.4 J, reached
	 * after 7175 ms, between fallback_ms and the grace period.
	 */
	cfg.fallback_ms = 5000;
	cfg.shutdown_duration_ms = 25000;
	ride_ms = div_u64((93750 - pt_reserve_at_mj(2000, 37500, 100)) * 1000,
			  2000);
	KUNIT_ASSERT_EQ(test, ride_ms, 7175ULL);
	pt_init(&c, &cfg);
	pt_est(&c, 90000, 100);
	c.est.power_measured = false;
	c.est.power_proven = false;
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, c.p.backup_since_ms + ride_ms);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), 5000U);

	/* a store that cannot carry the shutdown at all: at once */
	cfg.shutdown_duration_ms = 30000;
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), 0U);
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.commit_at, c.p.backup_since_ms);

	/* a store without a declared load, or no store: fallback_ms */
	none.nominal_load_uw = 0;
	gpio_ups_policy_cfg_nominal(&cfg, &none);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), 5000U);
	none = store;
	none.type = GPIO_UPS_STORE_NONE;
	gpio_ups_policy_cfg_nominal(&cfg, &none);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), 5000U);
}

/*
 * The highest load a fallback_ms leaves a clean shutdown for, on the store
 * of policy_fallback_declared_store(): 2 W reach the reserve after 29.7 s,
 * so 29 s of fallback carry a little more than 2 W, and 30 s a little
 * less.  At that load the bound does not lower fallback_ms; 1 mW more does.
 */
static void policy_fallback_load(struct kunit *test)
{
	struct gpio_ups_store store = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = 10000000,
		.voltage_max_uv = 5000000,
		.voltage_min_uv = 2500000,
		.efficiency_pct = 100,
	};
	struct gpio_ups_policy_cfg cfg;
	u32 load_uw;

	pt_cfg(&cfg);
	cfg.fallback_ms = 29000;
	load_uw = gpio_ups_policy_fallback_load_uw(&cfg, &store);
	KUNIT_EXPECT_GT(test, load_uw, 2000000U);
	KUNIT_EXPECT_LT(test, load_uw, 2100000U);
	store.nominal_load_uw = load_uw;
	gpio_ups_policy_cfg_nominal(&cfg, &store);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_ms(&cfg), 29000U);
	store.nominal_load_uw = load_uw + 1000;
	gpio_ups_policy_cfg_nominal(&cfg, &store);
	KUNIT_EXPECT_LT(test, gpio_ups_policy_fallback_ms(&cfg), 29000U);

	cfg.fallback_ms = 30000;
	KUNIT_EXPECT_LT(test, gpio_ups_policy_fallback_load_uw(&cfg, &store),
			2000000U);
	/* no fallback: every load fits; longer than 1 mW rides: none does */
	cfg.fallback_ms = 0;
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_load_uw(&cfg, &store),
			GPIO_UPS_MAX_POWER_UW);
	cfg.fallback_ms = U32_MAX;
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_fallback_load_uw(&cfg, &store),
			0U);
}

/*
 * Dead reckoning after the last measured reading at t_lost of a drain at
 * pw_mw (a reading every TICK_MS): the base is the median of the last
 * three readings (the one at t_lost - TICK_MS), the load
 * GPIO_UPS_POLICY_DR_LOAD_PCT of pw_mw.  Returns when that reaches the
 * reserve at the dead-reckoning load.
 */
static u64 pt_dr_commit_at(u64 t_lost, u64 e_lost_uj, u32 pw_mw)
{
	u64 t1 = t_lost - TICK_MS, e1 = e_lost_uj + (u64)pw_mw * TICK_MS;
	u32 dr_mw = pw_mw * GPIO_UPS_POLICY_DR_LOAD_PCT / 100;

	return t1 + div_u64(e1 - pt_reserve_mj(dr_mw) * 1000, dr_mw);
}

/*
 * The ADC fails mid-outage with plenty of energy: the last energy and
 * load were known, so the policy rides on by dead reckoning (with its
 * margin on the load) and commits when that reaches the reserve, not on
 * the fallback timer.
 */
static void policy_adc_fails_plenty(struct kunit *test)
{
	const u32 pw = 500;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_lost, t_dr, e_dr, e_true;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 90000, pw, 20000);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	t_lost = c.now;		/* last measured estimate */
	t_dr = pt_dr_commit_at(t_lost, c.est.energy_uj, pw);
	KUNIT_ASSERT_GT(test, t_dr, t_lost + cfg.fallback_ms);

	c.use_est = false;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_dr);
	/* what the supply shows meanwhile: the reckoned energy and load */
	KUNIT_ASSERT_EQ(test, gpio_ups_policy_dead_reckoning(&c.p, t_lost +
							     TICK_MS, &e_dr,
							     &c.est.power_uw),
			0);
	KUNIT_EXPECT_EQ(test, c.est.power_uw,
			pw * 1000 * GPIO_UPS_POLICY_DR_LOAD_PCT / 100);
	KUNIT_EXPECT_EQ(test, e_dr, c.est.energy_uj + pw * TICK_MS -
			2 * (u64)c.est.power_uw * TICK_MS / 1000);
	c.now = t_lost + cfg.fallback_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = t_dr - 1;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);
	/* the store really held the reserve at the running load then */
	e_true = c.est.energy_uj - (c.now - t_lost) * pw;
	KUNIT_EXPECT_GE(test, e_true, pt_reserve_mj(pw) * 1000);
}

/*
 * A reading that is late or rejected is not a lost ADC.  31 J left at
 * 1 W: above the reserve of the load last measured (17 J), below that of
 * the dead-reckoning load (2.5 W: 43 J).  A step without a new reading
 * does not commit; readings missing for GPIO_UPS_POLICY_LOST_SAMPLES
 * intervals are lost, and dead reckoning commits then.
 */
static void policy_late_reading_not_lost(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_last, lost_at;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 32000, 1000, 1000);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	KUNIT_ASSERT_GT(test, c.est.energy_uj, pt_reserve_mj(1000) * 1000);
	KUNIT_ASSERT_LT(test, c.est.energy_uj,
			pt_reserve_mj(1000 * GPIO_UPS_POLICY_DR_LOAD_PCT / 100) *
			1000);
	t_last = c.now;
	lost_at = t_last + GPIO_UPS_POLICY_LOST_SAMPLES * TICK_MS;

	/* the same reading handed in again */
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, lost_at);
	c.now = lost_at - 1;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = lost_at;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);

	/* a fresh reading before then resets the count */
	pt_outage_drained(&c, &cfg, 32000, 1000, 1000);
	c.now += 3 * TICK_MS;
	pt_step(&c);
	pt_tick(&c);
	c.now += 3 * TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
}

/*
 * The ADC is lost at 0.5 W and the host's load then doubles (nothing
 * measures it): dead reckoning must still commit while the store holds
 * the reserve at the real load.  80 J left at the loss, 1 W from then on:
 * with a 125 % margin the reckoning (625 mW) reached its reserve after
 * 111 s, 31 J after the store ran dry.
 */
static void policy_adc_lost_load_doubles(struct kunit *test)
{
	const u32 pw = 500;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_lost, e_lost, used_uj;
	unsigned int n;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 90000, pw, 20000);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	t_lost = c.now;
	e_lost = c.est.energy_uj;
	c.use_est = false;
	for (n = 0; n < 1000 && !c.commits; n++) {
		c.now = max(c.now + TICK_MS, min(c.d.next_eval_ms, c.now + 1000));
		pt_step(&c);
	}
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);
	KUNIT_EXPECT_EQ(test, c.commit_at, pt_dr_commit_at(t_lost, e_lost, pw));
	used_uj = (c.commit_at - t_lost) * 2 * pw;
	KUNIT_ASSERT_LT(test, used_uj, e_lost);
	KUNIT_EXPECT_GE(test, e_lost - used_uj, pt_reserve_mj(2 * pw) * 1000);
}

/*
 * The ADC fails when the energy is close to the reserve: dead reckoning
 * commits within the lookahead; the emergency power-off is planned from the
 * dead-reckoned energy at the running load, capped at the hang limit.
 */
static void policy_adc_fails_dead_reckoning(struct kunit *test)
{
	const u32 pw = 4000, dr = pw * GPIO_UPS_POLICY_DR_LOAD_PCT / 100;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_lost, e_lost, t_dr, e_dr;

	pt_cfg(&cfg);
	cfg.fallback_ms = 60000;
	pt_init(&c, &cfg);
	/* 3 s above the reserve at the dead-reckoning load */
	pt_est(&c, pt_reserve_mj(dr) + 3 * dr + pw, pw);
	pt_fail(&c);
	pt_drain(&c, pw, 1000);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	t_lost = c.now;
	e_lost = c.est.energy_uj;
	t_dr = pt_dr_commit_at(t_lost, e_lost, pw);

	c.est.energy_valid = false;	/* ADC errors from now on */
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_dr);
	KUNIT_EXPECT_LT(test, t_dr, t_lost + cfg.fallback_ms);
	c.now = t_dr - 1;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);
	e_dr = e_lost + (u64)pw * TICK_MS - (c.now - t_lost + TICK_MS) * dr;
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			min(c.now + SD_MS, c.now + div_u64(e_dr, pw) - LEAD_MS));
}

/* One missing reading mid-outage neither commits nor restarts timers. */
static void policy_adc_one_error(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 90000, 500, 20000);
	c.use_est = false;
	c.now += TICK_MS;
	pt_step(&c);
	c.use_est = true;
	pt_drain(&c, 500, 20000);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ON_BACKUP);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, GPIO_UPS_NEVER);
}

/*
 * A reading handed in again (the driver steps the policy on a failed ADC
 * read with the estimate it still holds) counts once; an estimate that
 * stops changing is no new measurement: fallback after the last fresh one.
 */
static void policy_stale_estimate(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 good_mj, t_fresh;
	int i;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 90000, 1000, 2000);
	good_mj = div_u64(c.est.energy_uj, 1000);
	c.now += TICK_MS;
	pt_est(&c, 1, 1000);		/* one bad reading ... */
	pt_step(&c);
	c.now += TICK_MS;		/* ... handed in again */
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	pt_est(&c, good_mj - 300, 1000);
	pt_step(&c);
	pt_drain(&c, 1000, 1000);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);

	/*
	 * No new reading from now on (an ADC read that hangs): dead
	 * reckoning from the last readings, not the fallback timer.
	 */
	t_fresh = c.now;
	for (i = 0; i < 49; i++) {
		c.now += TICK_MS;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms,
			pt_dr_commit_at(t_fresh, c.est.energy_uj, 1000));
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);
}

/* One absurd reading does not commit; a real drop does. */
static void policy_one_bad_reading(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	int i;

	pt_cfg(&cfg);
	cfg.shutdown_capacity_pct = 10;
	cfg.shutdown_runtime_s = 5;
	pt_outage_drained(&c, &cfg, 90000, 1000, 2000);
	for (i = 0; i < 5; i++) {
		u64 good_mj = div_u64(c.est.energy_uj, 1000);

		/* every energy trigger holds on this one reading */
		c.now += TICK_MS;
		pt_est(&c, 1, 1000);
		c.est.capacity_pct = 0;
		pt_step(&c);
		KUNIT_EXPECT_EQ(test, c.commits, 0U);
		pt_est(&c, good_mj, 1000);
		pt_drain(&c, 1000, 2 * TICK_MS);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);

	/* noise alternating around the reserve still commits */
	for (i = 0; i < 4 && !c.commits; i++) {
		c.now += TICK_MS;
		pt_est(&c, (i & 1) ? pt_reserve_mj(1000) + 1 :
				     pt_reserve_mj(1000) - 1000, 1000);
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
}

/* Mains back before the commit: online, nothing carried to next outage. */
static void policy_mains_return_before_commit(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_outage(&c, &cfg, pt_reserve_mj(1000) + 50, 1000);
	pt_drain(&c, 1000, TICK_MS);	/* one reading under the reserve */
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	c.mains = true;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
	KUNIT_EXPECT_TRUE(test, c.changed);

	/* a new outage, recharged: one low reading is not confirmed by the
	 * previous outage's reading
	 */
	c.now += 60000;
	pt_est(&c, pt_reserve_mj(1000) - 100, 1000);
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.p.backup_since_ms, c.now);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
}

/* Once committed, nothing cancels. */
static void policy_latch_after_commit(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 emergency;
	int i;

	pt_cfg(&cfg);
	pt_outage(&c, &cfg, 90000, 1000);
	c.lowbat = true;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	emergency = c.d.emergency_ms;
	KUNIT_EXPECT_NE(test, emergency, GPIO_UPS_NEVER);

	c.lowbat = false;
	c.mains = true;
	for (i = 0; i < 10; i++) {
		c.now += 1000;
		pt_step(&c);
		KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_SHUTDOWN_PENDING);
		KUNIT_EXPECT_FALSE(test, c.d.commit);
		KUNIT_EXPECT_FALSE(test, c.changed);
		KUNIT_EXPECT_EQ(test, c.d.emergency_ms, emergency);
		KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_LOW_BATTERY);
		c.mains = !c.mains;
	}
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_LOW_BATTERY);
}

/*
 * After the commit the emergency deadline follows the measured energy and
 * the (lighter) shutdown load; one bad reading cannot pull it in.
 */
static void policy_emergency_rearm(struct kunit *test)
{
	const u32 pw = 4000;
	struct gpio_ups_policy_cfg cfg;
	u64 first, cap, e_mj, e_commit;
	struct pt_ctx c;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	e_mj = pt_reserve_mj(pw) - 4000;	/* 1 s short of the reserve */
	pt_est(&c, e_mj, pw);
	pt_fail(&c);
	pt_tick(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
	cap = c.commit_at + SD_MS;
	first = c.d.emergency_ms;
	KUNIT_EXPECT_EQ(test, first,
			c.now + div_u64(c.est.energy_uj, pw) -
			GPIO_UPS_POLICY_EMERGENCY_LEAD_MS);
	KUNIT_EXPECT_LT(test, first, cap);

	/*
	 * The host draws half the running load while it shuts down, but the
	 * estimator still reports the running load: for the first second the
	 * declared shutdown load (100 %) counts, so the deadline only follows
	 * the energy.
	 */
	e_commit = c.est.energy_uj;
	c.now += TICK_MS;
	pt_est(&c, div_u64(e_commit, 1000) - 200, pw);
	pt_step(&c);
	KUNIT_EXPECT_FALSE(test, c.d.commit);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			c.now + div_u64(c.est.energy_uj, pw) - LEAD_MS);
	KUNIT_EXPECT_GT(test, c.d.emergency_ms, first);
	pt_drain_committed(&c, pw / 2,
			   GPIO_UPS_POLICY_SD_MEASURE_MS - 2 * TICK_MS);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			c.now + div_u64(c.est.energy_uj, pw) - LEAD_MS);
	/* a second after the commit the load drawn since counts: pw / 2 */
	pt_drain_committed(&c, pw / 2, TICK_MS);
	KUNIT_EXPECT_EQ(test, c.now, c.commit_at + GPIO_UPS_POLICY_SD_MEASURE_MS);
	KUNIT_EXPECT_EQ(test, e_commit - c.est.energy_uj,
			(u64)pw / 2 * GPIO_UPS_POLICY_SD_MEASURE_MS);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms,
			min(cap, c.now + div_u64(c.est.energy_uj, pw / 2) -
				 LEAD_MS));
	KUNIT_EXPECT_GT(test, c.d.emergency_ms,
			c.now + div_u64(c.est.energy_uj, pw) - LEAD_MS);
	first = c.d.emergency_ms;

	/* one reading showing an empty store does not pull it in */
	c.now += TICK_MS;
	pt_est(&c, 1, pw / 2);
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, first);
	/* handed in again (a failed ADC read) it still does not */
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, first);
	/* a second such reading does */
	c.now += TICK_MS;
	pt_est(&c, 2, pw / 2);
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.now);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.emergency_ms, c.d.emergency_ms);
}

/* auto_shutdown = 0: state and advice follow, no commit; 1 commits. */
static void policy_auto_shutdown_off(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	pt_cfg(&cfg);
	cfg.auto_shutdown = false;
	cfg.max_backup_ms = 2000;
	pt_outage(&c, &cfg, 90000, 1000);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ON_BACKUP);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_NONE);
	pt_drain(&c, 1000, 3000);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_MAX_BACKUP);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_MAX_BACKUP);
	c.lowbat = true;
	c.use_est = false;
	c.now += 60000;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ON_BACKUP);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_LOW_BATTERY);
	KUNIT_EXPECT_TRUE(test, c.changed);

	c.mains = true;
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
	KUNIT_EXPECT_EQ(test, c.p.advice, GPIO_UPS_REASON_NONE);

	c.mains = false;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_EQ(test,
			gpio_ups_policy_set(&c.p, GPIO_UPS_KNOB_AUTO_SHUTDOWN, 1),
			0);
	c.now += TICK_MS;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_LOW_BATTERY);
}

/* Knobs: range checks with the binding's ranges. */
static void policy_knobs(struct kunit *test)
{
	static const struct {
		enum gpio_ups_knob knob;
		u32 lo, hi;
	} r[] = {
		{ GPIO_UPS_KNOB_AUTO_SHUTDOWN, 0, 1 },
		{ GPIO_UPS_KNOB_SHUTDOWN_DURATION_MS, 1000, 600000 },
		{ GPIO_UPS_KNOB_MARGIN_PCT, 100, 1000 },
		{ GPIO_UPS_KNOB_SHUTDOWN_LOAD_PCT, 10, 300 },
		{ GPIO_UPS_KNOB_SHUTDOWN_CAPACITY_PCT, 0, 100 },
		{ GPIO_UPS_KNOB_SHUTDOWN_RUNTIME_S, 0, 86400 },
		{ GPIO_UPS_KNOB_MAX_BACKUP_MS, 0, 86400000 },
		{ GPIO_UPS_KNOB_FALLBACK_MS, 0, 86400000 },
		{ GPIO_UPS_KNOB_MIN_LOAD_UW, 0, 50000000 },
	};
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	unsigned int i;
	u32 before;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(r), (size_t)GPIO_UPS_KNOB_COUNT);
	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		before = gpio_ups_policy_get(&c.p, r[i].knob);
		/* the defaults are in range */
		KUNIT_EXPECT_EQ(test,
				gpio_ups_policy_knob_check(r[i].knob, before),
				0);
		if (r[i].lo > 0) {
			KUNIT_EXPECT_EQ(test,
					gpio_ups_policy_set(&c.p, r[i].knob,
							    r[i].lo - 1),
					-ERANGE);
			KUNIT_EXPECT_EQ(test,
					gpio_ups_policy_get(&c.p, r[i].knob),
					before);
		}
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_set(&c.p, r[i].knob,
							  r[i].hi + 1), -ERANGE);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_set(&c.p, r[i].knob,
							  U32_MAX), -ERANGE);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_get(&c.p, r[i].knob),
				before);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_set(&c.p, r[i].knob,
							  r[i].hi), 0);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_get(&c.p, r[i].knob),
				r[i].hi);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_set(&c.p, r[i].knob,
							  r[i].lo), 0);
		KUNIT_EXPECT_EQ(test, gpio_ups_policy_get(&c.p, r[i].knob),
				r[i].lo);
		KUNIT_EXPECT_NOT_NULL(test, gpio_ups_knob_name(r[i].knob));
	}
	KUNIT_EXPECT_EQ(test, c.p.cfg.margin_pct, 100U);
	KUNIT_EXPECT_EQ(test, c.p.cfg.shutdown_duration_ms, 1000U);
	KUNIT_EXPECT_FALSE(test, c.p.cfg.auto_shutdown);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_set(&c.p, GPIO_UPS_KNOB_COUNT, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_knob_check(GPIO_UPS_KNOB_COUNT,
							 0), -EINVAL);
	KUNIT_EXPECT_NULL(test, gpio_ups_knob_name(GPIO_UPS_KNOB_COUNT));
	KUNIT_EXPECT_STREQ(test, gpio_ups_knob_name(GPIO_UPS_KNOB_MARGIN_PCT),
			   "shutdown_margin_percent");
}

/* next_eval_ms is the earliest timer trigger; stepping then fires it. */
static void policy_next_eval(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	cfg.max_backup_ms = 4000;
	cfg.fallback_ms = 9000;
	pt_init(&c, &cfg);
	KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
	c.use_est = false;
	pt_fail(&c);
	t_fail = c.now;
	/* the earlier of the two timers */
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + 4000);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_MAX_BACKUP);

	cfg.max_backup_ms = 12000;
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	t_fail = c.now;
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, t_fail + 9000);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);

	/* a measured estimate needs no timer beyond max_backup_ms */
	pt_outage(&c, &cfg, 90000, 1000);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, c.p.backup_since_ms + 12000);
	cfg.max_backup_ms = 0;
	pt_outage(&c, &cfg, 90000, 1000);
	KUNIT_EXPECT_EQ(test, c.d.next_eval_ms, GPIO_UPS_NEVER);
}

/* Starting without mains is an outage from init. */
static void policy_init_on_backup(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct gpio_ups_policy p;
	struct gpio_ups_decision d;
	struct gpio_ups_policy_input in = { .now_ms = 2000 };

	pt_cfg(&cfg);
	gpio_ups_policy_init(&p, &cfg, false, 1000);
	KUNIT_EXPECT_EQ(test, p.state, GPIO_UPS_PSTATE_ON_BACKUP);
	gpio_ups_policy_step(&p, &in, &d);
	KUNIT_EXPECT_FALSE(test, d.commit);
	KUNIT_EXPECT_EQ(test, d.next_eval_ms, 1000ULL + cfg.fallback_ms);
	in.now_ms = d.next_eval_ms;
	gpio_ups_policy_step(&p, &in, &d);
	KUNIT_EXPECT_TRUE(test, d.commit);
	KUNIT_EXPECT_STREQ(test, gpio_ups_pstate_name(p.state),
			   "shutdown-pending");
	KUNIT_EXPECT_STREQ(test, gpio_ups_reason_name(p.reason),
			   "fallback-timer");
}

/* Mains flapping on a board without ADC: the fallback counts backup time. */
static void policy_flapping_mains_no_adc(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	cfg.fallback_ms = 5000;
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	t_fail = c.now;
	/* the power strip: mains back for 300 ms every 4 s */
	while (!c.commits && c.now < t_fail + 20000) {
		u64 next = c.d.next_eval_ms;

		c.now = min(next, c.now + 3700);
		pt_step(&c);
		if (c.commits || c.now == next)
			continue;
		c.mains = true;
		pt_step(&c);
		KUNIT_EXPECT_EQ(test, c.p.state, GPIO_UPS_PSTATE_ONLINE);
		c.now += 300;
		c.mains = false;
		pt_step(&c);
		/* the same outage goes on */
		KUNIT_EXPECT_EQ(test, c.p.backup_since_ms, t_fail);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_FALLBACK);
	/* 5 s on backup: 3.7 s, mains for 0.3 s, then 1.3 s more */
	KUNIT_EXPECT_EQ(test, c.commit_at, t_fail + 5300);
}

/*
 * A return of mains shorter than GPIO_UPS_MAINS_SETTLE_MS leaves the
 * outage open (time on backup, measurements); a longer one ends it.
 */
static void policy_outage_ends_when_mains_settles(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	cfg.max_backup_ms = 5000;
	pt_outage(&c, &cfg, 90000, 1000);
	t_fail = c.now;
	pt_drain(&c, 1000, 3000);
	c.mains = true;
	pt_step(&c);
	c.now += GPIO_UPS_MAINS_SETTLE_MS - 1;
	pt_step(&c);
	c.mains = false;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.backup_since_ms, t_fail);
	/* the measured load carried on: the next reading counts at once */
	pt_drain(&c, 1000, 5000);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_MAX_BACKUP);
	/* 5 s of backup time: 3 s, then 2 s after the return */
	KUNIT_EXPECT_EQ(test, c.commit_at,
			t_fail + 3000 + GPIO_UPS_MAINS_SETTLE_MS - 1 + 2000);

	/* mains held for GPIO_UPS_MAINS_SETTLE_MS: a new outage */
	pt_outage_drained(&c, &cfg, 90000, 1000, 3000);
	c.mains = true;
	pt_step(&c);
	c.now += GPIO_UPS_MAINS_SETTLE_MS;
	pt_step(&c);
	c.mains = false;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.p.backup_since_ms, c.now);
	pt_drain(&c, 1000, 4900);
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
}

/*
 * The ADC reading sticks (a floating input, a cracked divider) while the
 * store drains: readings that do not drain at the floor are rejected, the
 * policy dead-reckons from before the freeze and commits while the store
 * still holds the reserve.
 */
static void policy_frozen_readings(struct kunit *test)
{
	const u32 pw = 3000;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_freeze, e_freeze, e_true;
	int i;

	pt_cfg(&cfg);
	pt_outage_drained(&c, &cfg, 200000, pw, 10000);
	KUNIT_ASSERT_EQ(test, c.commits, 0U);
	t_freeze = c.now;
	e_freeze = c.est.energy_uj;
	/* the same energy from now on; the fitted load decays slowly */
	for (i = 0; i < 5; i++) {
		c.now += TICK_MS;
		c.est.seq++;
		c.est.power_uw -= 10000;
		pt_step(&c);
	}
	KUNIT_EXPECT_TRUE(test, c.p.untrusted);
	while (!c.commits && c.now < t_freeze + 60000) {
		c.now += TICK_MS;
		c.est.seq++;
		c.est.power_uw -= min(c.est.power_uw, 10000U);
		pt_step(&c);
	}
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_DEAD_RECKONING);
	/* the real store, still draining at pw, holds the reserve */
	e_true = e_freeze - (c.commit_at - t_freeze) * pw;
	KUNIT_EXPECT_GE(test, e_true, pt_reserve_mj(pw) * 1000);
	kunit_info(test, "committed %llu ms after the freeze, %llu mJ left, reserve %llu mJ\n",
		   c.commit_at - t_freeze, div_u64(e_true, 1000),
		   pt_reserve_mj(pw));
}

/*
 * An ADC that reads the regulated output: full and steady, a load near
 * 0 W.  That was never a measurement, and none will come: the policy
 * commits as soon as the physics check has found it out, without waiting
 * for the fallback timer (which a store this size may not carry).
 */
static void policy_regulated_rail(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	pt_outage(&c, &cfg, 100000, 5);		/* 5 mW from noise */
	t_fail = c.now;
	while (!c.commits && c.now < t_fail + 60000) {
		c.now += TICK_MS;
		c.est.seq++;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_IMPLAUSIBLE);
	KUNIT_EXPECT_TRUE(test, c.p.untrusted);
	/* the floor load drains the 0 J tolerance within a few readings */
	KUNIT_EXPECT_LE(test, c.commit_at,
			t_fail + (GPIO_UPS_POLICY_SUSPECT_RUN + 1) * TICK_MS);
	KUNIT_EXPECT_LT(test, c.commit_at, t_fail + cfg.fallback_ms);
}

/*
 * A flat, noisy reading (the regulated rail, read through a divider) gives
 * the window slopes of a few hundred milliwatts: measured, never proven.
 * Once the readings are found not to drain, there is no load to reckon
 * on: the policy commits at once, not after the store has carried that
 * noise figure from full.
 */
static void policy_unproven_load_not_reckoned(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	pt_est(&c, 100000, 300);
	c.est.power_proven = false;
	pt_fail(&c);
	t_fail = c.now;
	while (!c.commits && c.now < t_fail + 120000) {
		c.now += TICK_MS;
		c.est.seq++;
		c.est.power_proven = false;
		/* a slope just above the floor: the readings drain too little */
		c.est.power_uw = 150000 + (c.now / TICK_MS % 2) * 300000;
		c.est.power_avg_uw = 300000;
		/* 200 mW for 2 s ("drained"), then flat, 2 mJ of noise */
		c.est.energy_uj = 100000000 - (c.now / TICK_MS % 2) * 2000 -
				  200 * min_t(u64, c.now - t_fail, 2000);
		c.est.tol_uj = 20000;
		pt_step(&c);
	}
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_IMPLAUSIBLE);
	/* once flat, the floor (100 mW) drains the tolerance within a second */
	KUNIT_EXPECT_LT(test, c.commit_at, t_fail + 4000);
}

/*
 * Readings the store cannot give (above its maximum voltage: an ADC on the
 * 5 V rail of a 2.7 V store), rejected by the estimator: on mains nothing
 * happens; the outage commits at once, with no estimate to wait for.
 */
static void policy_out_of_range_readings(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	int i;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	c.est.out_of_range = true;	/* energy_valid false: all rejected */
	for (i = 0; i < 100; i++) {
		c.now += TICK_MS;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_FALSE(test, c.p.untrusted);
	pt_fail(&c);
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_IMPLAUSIBLE);
	KUNIT_EXPECT_TRUE(test, c.p.untrusted);
	KUNIT_EXPECT_STREQ(test, gpio_ups_reason_name(c.p.reason),
			   "adc-implausible");
}

/*
 * A battery without a current channel: identical readings (the flat part
 * of the curve) are new readings, and its declared load is a measurement
 * for the policy: no fallback shutdown, a commit only at the reserve.
 */
static void policy_steady_readings(struct kunit *test)
{
	const u32 pw = 2000;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 t_fail;
	int i;

	pt_cfg(&cfg);
	pt_init(&c, &cfg);
	pt_est(&c, 200000, pw);
	c.est.power_measured = false;
	c.est.power_declared = true;
	c.est.tol_uj = 50000000;	/* the flat curve: 4 mV is 50 J */
	pt_fail(&c);
	t_fail = c.now;
	for (i = 0; i < 600; i++) {	/* 60 s of the same reading */
		c.now += TICK_MS;
		c.est.seq++;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 0U);
	KUNIT_EXPECT_FALSE(test, c.p.untrusted);
	/* the voltage finally moves: the reserve still commits */
	pt_est(&c, pt_reserve_mj(pw) - 1, pw);
	c.est.power_measured = false;
	c.est.power_declared = true;
	c.est.tol_uj = 50000000;
	for (i = 0; i < 3 && !c.commits; i++) {
		c.now += TICK_MS;
		c.est.seq++;
		pt_step(&c);
	}
	KUNIT_EXPECT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
	KUNIT_EXPECT_GT(test, c.commit_at, t_fail + 60000);
}

/*
 * shutdown-hold-ms: the UPS cuts the power this long after the commit; the
 * emergency power-off is planned LEAD_MS before, however long the budget
 * (duration * margin) or the energy left would allow.
 */
static void policy_hold_time(struct kunit *test)
{
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;

	/* the budget the probe checks against the hold time */
	pt_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_budget_ms(&cfg), SD_MS + LEAD_MS);
	gpio_ups_policy_cfg_defaults(&cfg);
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_budget_ms(&cfg), 32000U);
	cfg.shutdown_duration_ms = U32_MAX;
	cfg.margin_pct = 1000;
	KUNIT_EXPECT_EQ(test, gpio_ups_policy_budget_ms(&cfg), U32_MAX);

	/* seed 002: 20 s hold, 20 s x 150 % budget: inside the hold */
	gpio_ups_policy_cfg_defaults(&cfg);
	cfg.sample_interval_ms = TICK_MS;
	cfg.fallback_ms = 1000;
	cfg.hold_ms = 20000;
	pt_init(&c, &cfg);
	c.use_est = false;
	pt_fail(&c);
	c.now = c.d.next_eval_ms;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + 20000 - LEAD_MS);

	/* plenty of energy, measured: still inside the hold */
	pt_cfg(&cfg);
	cfg.hold_ms = 9000;
	pt_outage(&c, &cfg, 90000, 1000);
	c.lowbat = true;
	pt_step(&c);
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + 9000 - LEAD_MS);
	pt_drain_committed(&c, 1000, 3000);
	KUNIT_EXPECT_EQ(test, c.p.emergency_ms, c.commit_at + 9000 - LEAD_MS);

	/* a hold longer than the budget changes nothing */
	pt_cfg(&cfg);
	cfg.hold_ms = SD_MS + LEAD_MS + 5000;
	pt_outage(&c, &cfg, 90000, 1000);
	c.lowbat = true;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at + SD_MS);

	/* a hold shorter than the lead: at once */
	pt_cfg(&cfg);
	cfg.hold_ms = LEAD_MS - 1;
	pt_outage(&c, &cfg, 90000, 1000);
	c.lowbat = true;
	pt_step(&c);
	KUNIT_EXPECT_EQ(test, c.d.emergency_ms, c.commit_at);
}

/*
 * Mains flapping too fast for a load fit (600 ms stretches on backup): no
 * load figure, but the readings' net drain over the time on backup stands
 * in for it, and the reserve commits in time instead of the fallback timer.
 */
static void policy_flapping_net_drain(struct kunit *test)
{
	const u32 pw = 2000;
	struct gpio_ups_policy_cfg cfg;
	struct pt_ctx c;
	u64 e_mj = 60000;

	pt_cfg(&cfg);
	cfg.fallback_ms = 60000;
	pt_init(&c, &cfg);
	pt_est(&c, e_mj, pw);
	c.est.power_valid = false;
	pt_fail(&c);
	while (!c.commits && e_mj > pt_reserve_mj(pw) / 2) {
		int i;

		for (i = 0; i < 6 && !c.commits; i++) {	/* 600 ms on backup */
			c.now += TICK_MS;
			e_mj -= pw * TICK_MS / 1000;
			pt_est(&c, e_mj, pw);
			c.est.power_valid = false;
			pt_step(&c);
		}
		if (c.commits)
			break;
		c.mains = true;				/* 400 ms back */
		pt_step(&c);
		c.now += 400;
		c.mains = false;
		pt_step(&c);
	}
	KUNIT_ASSERT_EQ(test, c.commits, 1U);
	KUNIT_EXPECT_EQ(test, c.p.reason, GPIO_UPS_REASON_RESERVE);
	/* the store still holds the reserve at the load it had */
	KUNIT_EXPECT_GE(test, e_mj, pt_reserve_mj(pw * 6 / 10));
}

static struct kunit_case gpio_ups_policy_cases[] = {
	KUNIT_CASE(policy_glitch_ride_through),
	KUNIT_CASE(policy_reserve),
	KUNIT_CASE(policy_reserve_shutdown_load),
	KUNIT_CASE(policy_shutdown_stats),
	KUNIT_CASE(policy_reserve_uses_higher_power),
	KUNIT_CASE(policy_low_battery),
	KUNIT_CASE(policy_capacity),
	KUNIT_CASE(policy_runtime),
	KUNIT_CASE(policy_max_backup),
	KUNIT_CASE(policy_fallback_no_estimate),
	KUNIT_CASE(policy_fallback_power_unmeasured),
	KUNIT_CASE(policy_fallback_declared_store),
	KUNIT_CASE(policy_fallback_load),
	KUNIT_CASE(policy_adc_fails_plenty),
	KUNIT_CASE(policy_adc_lost_load_doubles),
	KUNIT_CASE(policy_late_reading_not_lost),
	KUNIT_CASE(policy_adc_fails_dead_reckoning),
	KUNIT_CASE(policy_adc_one_error),
	KUNIT_CASE(policy_one_bad_reading),
	KUNIT_CASE(policy_stale_estimate),
	KUNIT_CASE(policy_mains_return_before_commit),
	KUNIT_CASE(policy_latch_after_commit),
	KUNIT_CASE(policy_emergency_rearm),
	KUNIT_CASE(policy_auto_shutdown_off),
	KUNIT_CASE(policy_knobs),
	KUNIT_CASE(policy_next_eval),
	KUNIT_CASE(policy_init_on_backup),
	KUNIT_CASE(policy_flapping_mains_no_adc),
	KUNIT_CASE(policy_outage_ends_when_mains_settles),
	KUNIT_CASE(policy_frozen_readings),
	KUNIT_CASE(policy_regulated_rail),
	KUNIT_CASE(policy_unproven_load_not_reckoned),
	KUNIT_CASE(policy_out_of_range_readings),
	KUNIT_CASE(policy_steady_readings),
	KUNIT_CASE(policy_hold_time),
	KUNIT_CASE(policy_flapping_net_drain),
	{}
};

static struct kunit_suite gpio_ups_policy_suite = {
	.name = "gpio-ups-policy",
	.test_cases = gpio_ups_policy_cases,
};

kunit_test_suite(gpio_ups_policy_suite);
