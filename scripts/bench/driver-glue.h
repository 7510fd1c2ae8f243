/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver's glue (drivers/power/supply/gpio-ups-drv.c) between the lines,
 * the ADC, the estimator and the policy, modelled for the benchmarks in ONE
 * place: when the driver calls which core function with what.  Keep it in
 * step with gpio-ups-drv.c; nothing else in the benchmarks that uses it
 * calls gpio_ups_est_*() or gpio_ups_policy_step() itself.
 *
 * What is modelled (function names of gpio-ups-drv.c in brackets):
 *  - power-good debounce [gpio_ups_line_edge, gpio_ups_line_work]: an
 *    edge to "mains lost" (re)arms a timer of debounce_ms; the line is
 *    re-read when it fires and the loss reported only if the line still
 *    says so.  An edge back to the stable value cancels the timer (no
 *    report); the return of mains is reported at once.
 *  - a reported change [gpio_ups_line_changed_locked]: the estimator is
 *    told (gpio_ups_est_mains_changed, ADC boards only), the stall watch
 *    restarts, a sample is taken at once, the policy is stepped.
 *  - samples [gpio_ups_sample_work]: the voltage channel, then the current
 *    channel if the voltage read worked; a failed voltage read counts an
 *    error and the third in a row calls gpio_ups_est_invalidate(); a good
 *    one resets the count and is fed to gpio_ups_est_update(); then the
 *    policy is stepped.  Next sample: sample_ms on backup, on mains 60 s
 *    once the estimate says full, 10 s otherwise.
 *  - the policy [gpio_ups_evaluate_locked]: input est = the estimator's
 *    estimate on ADC boards, NULL on GPIO-only boards; stepped after every
 *    reported line change, every sample, and at next_eval_ms (on backup on
 *    ADC boards no later than the ADC stall watch: last sample +
 *    5 * sample_ms, but not before now + sample_ms); the emergency timer is
 *    (re)armed whenever the decision's emergency_ms changes and fires once.
 *
 * Time: drv_glue_advance(g, now, line) runs, in time order and each at its
 * own due time, every work item due before now, then applies the line
 * value (an edge if it changed), then runs what is due at now (e.g. the
 * sample taken at once after a change).  The ADC is read through a
 * callback at the sample's time.
 */
#ifndef _GPIO_UPS_DRIVER_GLUE_H
#define _GPIO_UPS_DRIVER_GLUE_H

#include <stdbool.h>

#include <linux/types.h>

#include "gpio-ups-energy.h"
#include "gpio-ups-policy.h"

#define DRV_GLUE_DEBOUNCE_MS		100	/* power-fail-debounce-ms default */
#define DRV_GLUE_ADC_ERRORS_INVALID	3	/* GPIO_UPS_ADC_ERRORS_INVALID */
#define DRV_GLUE_MAINS_CHARGING_MS	10000	/* ..._MAINS_CHARGING_SAMPLE_MS */
#define DRV_GLUE_MAINS_FULL_MS		60000	/* ..._MAINS_FULL_SAMPLE_MS */

/* One ADC read as IIO returns it (0 or a negative errno per channel). */
struct drv_glue_adc {
	int ret;
	s32 uv;
	int cret;
	s32 ua;
};

/* Read the channels now; on_mains is the driver's debounced state. */
typedef void (*drv_glue_read_fn)(void *ctx, u64 now_ms, bool on_mains,
				 struct drv_glue_adc *r);

struct drv_glue_cfg {
	u32 debounce_ms;		/* power-fail-debounce-ms */
	u32 sample_ms;			/* sample-interval-ms */
	bool has_adc;			/* false: GPIO-only board, est = NULL */
	bool has_current;		/* a "current" IIO channel */
	const struct gpio_ups_store *store;	/* ADC boards */
	struct gpio_ups_policy_cfg policy;	/* DT knobs */
	drv_glue_read_fn read;
	void *read_ctx;
};

struct drv_glue {
	struct drv_glue_cfg cfg;
	struct gpio_ups_estimator est;
	struct gpio_ups_policy policy;
	bool pg_raw;			/* power-good line as last seen */
	bool pg_stable;			/* debounced: true = on mains */
	u64 debounce_at;		/* pending timers, GPIO_UPS_NEVER: none */
	u64 sample_at;
	u64 policy_at;
	u64 emergency_at;
	u32 adc_errors;			/* consecutive */
	u64 last_sample_ms;
	u64 emergency_ms;		/* last armed deadline */
	/* what happened (for the benchmark) */
	bool committed;
	u64 commit_ms;
	bool emergency_fired;
	u64 emergency_fired_ms;
	u64 lost_reported_ms;		/* last "mains lost" report */
};

/* Probe: line state now, store/estimator/policy set up, first sample due. */
void drv_glue_init(struct drv_glue *g, const struct drv_glue_cfg *cfg,
		   bool pg, u64 now_ms);
/* Run the driver up to now_ms with the power-good line at pg from now on. */
void drv_glue_advance(struct drv_glue *g, u64 now_ms, bool pg);
/* The estimate userspace and the policy see: NULL on GPIO-only boards. */
const struct gpio_ups_estimate *drv_glue_estimate(const struct drv_glue *g);
static inline bool drv_glue_on_mains(const struct drv_glue *g)
{
	return g->pg_stable;
}

#endif /* _GPIO_UPS_DRIVER_GLUE_H */
