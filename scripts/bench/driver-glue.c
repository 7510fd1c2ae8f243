// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver's glue for the benchmarks: see driver-glue.h.  Each function
 * names the gpio-ups-drv.c function it stands for.
 */
#include <string.h>

#include <linux/kernel.h>

#include "driver-glue.h"

static u64 drv_glue_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

static u64 drv_glue_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

const struct gpio_ups_estimate *drv_glue_estimate(const struct drv_glue *g)
{
	/* gpio_ups_estimate() */
	return g->cfg.has_adc ? gpio_ups_est_get(&g->est) : NULL;
}

/* gpio_ups_evaluate_locked() */
static void drv_glue_evaluate(struct drv_glue *g, u64 now)
{
	struct gpio_ups_policy_input in = {
		.now_ms = now,
		.on_mains = g->pg_stable,
		.low_battery = false,		/* no low-battery line */
		.est = drv_glue_estimate(g),
	};
	struct gpio_ups_decision d;

	gpio_ups_policy_step(&g->policy, &in, &d);
	if (d.commit && !g->committed) {
		g->committed = true;
		g->commit_ms = now;
	}
	if (d.emergency_ms != GPIO_UPS_NEVER && d.emergency_ms != g->emergency_ms &&
	    !g->emergency_fired) {
		g->emergency_ms = d.emergency_ms;
		g->emergency_at = drv_glue_max(d.emergency_ms, now);
	}
	/* the ADC stall watch */
	if (g->cfg.has_adc && g->policy.state == GPIO_UPS_PSTATE_ON_BACKUP) {
		u64 stall = g->last_sample_ms +
			    GPIO_UPS_POLICY_LOST_SAMPLES * g->cfg.sample_ms;

		d.next_eval_ms = drv_glue_min(d.next_eval_ms,
					      drv_glue_max(stall,
							   now + g->cfg.sample_ms));
	}
	/* the policy's deadlines lie ahead; now + 1 keeps time moving */
	g->policy_at = d.next_eval_ms == GPIO_UPS_NEVER ? GPIO_UPS_NEVER :
		       drv_glue_max(d.next_eval_ms, now + 1);
}

/* gpio_ups_line_changed_locked() for the power-good line */
static void drv_glue_line_changed(struct drv_glue *g, u64 now)
{
	if (!g->pg_stable)
		g->lost_reported_ms = now;
	if (g->cfg.has_adc)
		gpio_ups_est_mains_changed(&g->est, g->pg_stable, now);
	g->last_sample_ms = now;
	if (g->cfg.has_adc)
		g->sample_at = now;	/* one sample at every transition */
	drv_glue_evaluate(g, now);
}

/* gpio_ups_line_edge(): power-good's alarm value is "mains lost" */
static void drv_glue_line_edge(struct drv_glue *g, u64 now)
{
	if (g->pg_raw == g->pg_stable) {
		g->debounce_at = GPIO_UPS_NEVER;
	} else if (!g->pg_raw && g->cfg.debounce_ms) {
		g->debounce_at = now + g->cfg.debounce_ms;
	} else {
		g->debounce_at = GPIO_UPS_NEVER;
		g->pg_stable = g->pg_raw;
		drv_glue_line_changed(g, now);
	}
}

/* gpio_ups_line_work(): the debounce timer re-reads the line */
static void drv_glue_line_work(struct drv_glue *g, u64 now)
{
	if (g->pg_raw != g->pg_stable) {
		g->pg_stable = g->pg_raw;
		drv_glue_line_changed(g, now);
	}
}

/* gpio_ups_sample_work() */
static void drv_glue_sample_work(struct drv_glue *g, u64 now)
{
	struct drv_glue_adc r = { 0 };
	struct gpio_ups_sample s = { 0 };
	const struct gpio_ups_estimate *e;

	g->cfg.read(g->cfg.read_ctx, now, g->pg_stable, &r);
	s.time_ms = now;
	s.on_mains = g->pg_stable;
	g->last_sample_ms = now;
	if (r.ret < 0) {
		if (++g->adc_errors == DRV_GLUE_ADC_ERRORS_INVALID)
			gpio_ups_est_invalidate(&g->est);
	} else {
		g->adc_errors = 0;
		s.voltage_valid = true;
		s.voltage_uv = r.uv;
		if (g->cfg.has_current && !r.cret) {
			s.current_valid = true;
			s.current_ua = r.ua;
		}
		gpio_ups_est_update(&g->est, &s);
	}
	drv_glue_evaluate(g, now);
	/* gpio_ups_next_sample_locked() */
	e = gpio_ups_est_get(&g->est);
	if (!g->pg_stable)
		g->sample_at = now + g->cfg.sample_ms;
	else if (e->energy_valid && e->full)
		g->sample_at = now + DRV_GLUE_MAINS_FULL_MS;
	else
		g->sample_at = now + DRV_GLUE_MAINS_CHARGING_MS;
}

/* gpio_ups_emergency_work() */
static void drv_glue_emergency_work(struct drv_glue *g, u64 now)
{
	if (g->emergency_fired ||
	    g->policy.state != GPIO_UPS_PSTATE_SHUTDOWN_PENDING)
		return;
	g->emergency_fired = true;
	g->emergency_fired_ms = now;
}

/* Run every work item due before (strict) or at `now`, in time order. */
static void drv_glue_run_due(struct drv_glue *g, u64 now, bool strict)
{
	for (;;) {
		u64 *due[4] = { &g->debounce_at, &g->sample_at, &g->policy_at,
				&g->emergency_at };
		unsigned int i, k = 4;
		u64 t = GPIO_UPS_NEVER;

		for (i = 0; i < 4; i++) {
			if (*due[i] == GPIO_UPS_NEVER)
				continue;
			if (*due[i] < t) {
				t = *due[i];
				k = i;
			}
		}
		if (k == 4 || t > now || (strict && t == now))
			return;
		*due[k] = GPIO_UPS_NEVER;
		switch (k) {
		case 0:
			drv_glue_line_work(g, t);
			break;
		case 1:
			drv_glue_sample_work(g, t);
			break;
		case 2:
			drv_glue_evaluate(g, t);	/* gpio_ups_policy_work() */
			break;
		default:
			drv_glue_emergency_work(g, t);
			break;
		}
	}
}

/* gpio_ups_probe(), from the store onwards */
void drv_glue_init(struct drv_glue *g, const struct drv_glue_cfg *cfg,
		   bool pg, u64 now_ms)
{
	struct gpio_ups_policy_cfg pcfg = cfg->policy;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->pg_raw = pg;
	g->pg_stable = pg;
	g->debounce_at = GPIO_UPS_NEVER;
	g->sample_at = GPIO_UPS_NEVER;
	g->policy_at = GPIO_UPS_NEVER;
	g->emergency_at = GPIO_UPS_NEVER;
	pcfg.sample_interval_ms = cfg->sample_ms;
	gpio_ups_policy_init(&g->policy, &pcfg, pg, now_ms);
	/* gpio_ups_init_store(): without ADC, a supercap's description only */
	if (cfg->has_adc || cfg->store->type == GPIO_UPS_STORE_SUPERCAP)
		gpio_ups_policy_cfg_nominal(&g->policy.cfg, cfg->store);
	if (cfg->has_adc) {
		gpio_ups_est_init(&g->est, cfg->store);
		gpio_ups_est_mains_changed(&g->est, pg, now_ms);
		g->sample_at = now_ms;
	}
	drv_glue_evaluate(g, now_ms);
}

void drv_glue_advance(struct drv_glue *g, u64 now_ms, bool pg)
{
	drv_glue_run_due(g, now_ms, true);
	if (pg != g->pg_raw) {
		g->pg_raw = pg;
		drv_glue_line_edge(g, now_ms);
	}
	drv_glue_run_due(g, now_ms, false);
}
