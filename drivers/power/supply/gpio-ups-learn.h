/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups: learning the store (capacitance, ESR), its health against the
 * shutdown it must carry, and outage statistics.
 *
 * Pure functions of (state, sample, time), like the estimator and the
 * policy: no hardware access, no locking, no allocation, no floating point.
 * Units are in the names (see gpio-ups-energy.h); _pm is per mille.
 */
#ifndef _GPIO_UPS_LEARN_H
#define _GPIO_UPS_LEARN_H

#include <linux/types.h>

#include "gpio-ups-energy.h"
#include "gpio-ups-policy.h"

/*
 * Learning constants (documented in the user guide):
 *
 * GPIO_UPS_LEARN_SAMPLE_MS: sampling interval the driver uses on mains
 *	while the store charges and learning is on (charge-current-microamp).
 * GPIO_UPS_LEARN_MIN_SAMPLES: fitted samples a charge run needs.
 * GPIO_UPS_LEARN_MAX_SAMPLES: a run ends (and is evaluated) at this many.
 * GPIO_UPS_LEARN_MIN_RISE_PCT: a run must raise the voltage by this share
 *	of the design window (voltage_max - voltage_min): shorter charges
 *	teach nothing.
 * GPIO_UPS_LEARN_FULL_PM: samples at or above this share of voltage_max
 *	end the run unfitted (the charger leaves constant current there).
 * GPIO_UPS_LEARN_MAX_GAP_MS: a longer gap between samples ends the run.
 * GPIO_UPS_LEARN_MAX_SE_PM: largest standard error of the fitted slope,
 *	relative to it, for a run to count (noisy runs teach nothing).
 * GPIO_UPS_LEARN_C_FLOOR_PM: least uncertainty given to a capacitance
 *	measured over the whole window; a partial run gets it scaled by
 *	window / rise.
 * GPIO_UPS_LEARN_DECLARED_PM, GPIO_UPS_LEARN_DECLARED_ESR_PM: uncertainty of
 *	the declared capacitance and ESR (the filter's seeds): ESRs vary
 *	several times over between parts and with age.
 * GPIO_UPS_LEARN_DRIFT_PM: uncertainty added at every update (ageing),
 *	so the filter keeps following the store.
 * GPIO_UPS_LEARN_C_MIN_PCT, GPIO_UPS_LEARN_C_MAX_PCT: bounds of the
 *	learned capacitance, in percent of the declared one; a measurement
 *	outside GPIO_UPS_LEARN_C_REJECT_PCT .. 100 * 100 / that is rejected.
 * GPIO_UPS_LEARN_ESR_FLOOR_PM, GPIO_UPS_LEARN_ESR_MAX_SE_PM: least and
 *	largest relative uncertainty of one ESR figure.
 * GPIO_UPS_LEARN_ESR_MAX_X: the learned ESR stays within declared / this
 *	and declared * this (GPIO_UPS_MAX_RESISTANCE_UOHM when undeclared).
 * GPIO_UPS_LEARN_RING: backup samples kept for the switch-over steps.
 * GPIO_UPS_LEARN_STEP_MIN_SPAN_MS: the backup line of a step needs this
 *	span (and GPIO_UPS_LEARN_MIN_SAMPLES samples).
 */
#define GPIO_UPS_LEARN_SAMPLE_MS	1000U
#define GPIO_UPS_LEARN_MIN_SAMPLES	4U
#define GPIO_UPS_LEARN_MAX_SAMPLES	1024U
#define GPIO_UPS_LEARN_MIN_RISE_PCT	10U
#define GPIO_UPS_LEARN_FULL_PM		980U
#define GPIO_UPS_LEARN_MAX_GAP_MS	300000U
#define GPIO_UPS_LEARN_MAX_SE_PM	20U
#define GPIO_UPS_LEARN_C_FLOOR_PM	30U
#define GPIO_UPS_LEARN_DECLARED_PM	300U
#define GPIO_UPS_LEARN_DECLARED_ESR_PM	1000U
#define GPIO_UPS_LEARN_DRIFT_PM		20U
#define GPIO_UPS_LEARN_C_MIN_PCT	50U
#define GPIO_UPS_LEARN_C_MAX_PCT	150U
#define GPIO_UPS_LEARN_C_REJECT_PCT	40U
#define GPIO_UPS_LEARN_ESR_FLOOR_PM	100U
#define GPIO_UPS_LEARN_ESR_MAX_SE_PM	150U
#define GPIO_UPS_LEARN_ESR_MAX_X	8U
#define GPIO_UPS_LEARN_RING		32U
#define GPIO_UPS_LEARN_STEP_MIN_SPAN_MS	1000U

/**
 * enum gpio_ups_learn_result - what the last charge run or step gave
 * @GPIO_UPS_LEARN_NONE: nothing evaluated yet
 * @GPIO_UPS_LEARN_USED: measured and folded into the estimate
 * @GPIO_UPS_LEARN_SHORT: too few samples or too small a rise
 * @GPIO_UPS_LEARN_NOISY: the fit's standard error is too large
 * @GPIO_UPS_LEARN_IMPLAUSIBLE: the figure is far outside the bounds
 */
enum gpio_ups_learn_result {
	GPIO_UPS_LEARN_NONE,
	GPIO_UPS_LEARN_USED,
	GPIO_UPS_LEARN_SHORT,
	GPIO_UPS_LEARN_NOISY,
	GPIO_UPS_LEARN_IMPLAUSIBLE,
};

/**
 * struct gpio_ups_learn_cfg - what learning starts from
 * @capacitance_uf: declared capacitance (the seed)
 * @resistance_uohm: declared ESR, 0 when unknown
 * @voltage_max_uv: charged voltage
 * @voltage_min_uv: converter cut-off
 * @charge_current_ua: constant charge current, 0: no learning
 * @switch_lag_ms: how long after the real loss of mains the driver reports
 *	it (the power-fail debounce): the switch-over step is taken there
 */
struct gpio_ups_learn_cfg {
	u32 capacitance_uf;
	u32 resistance_uohm;
	u32 voltage_max_uv;
	u32 voltage_min_uv;
	u32 charge_current_ua;
	u32 switch_lag_ms;
};

/* least-squares sums over (t - t0, v - v0) (implementation detail) */
struct gpio_ups_learn_fit {
	u32 n;
	u64 t0_ms;
	s32 v0_uv;
	u64 st, stt;
	s64 sv, stv;
	u64 svv;
};

/* a fitted line (implementation detail) */
struct gpio_ups_learn_line {
	s64 slope_nv_ms;	/* nV per ms (= uV/s) */
	s64 v_at_uv;		/* value at the time asked for */
	u64 var_uv2;		/* variance of that value */
	u64 s2_uv2;		/* variance of a reading about the line */
	u64 se_pm;		/* slope's relative variance, per mille^2 */
	u64 span_ms;
	u32 n;
};

/**
 * struct gpio_ups_learn - learning state
 * @cfg: configuration (copied at init)
 * @capacitance_uf: learned capacitance (the declared one until learned)
 * @esr_uohm: learned ESR (the declared one, or 0, until learned)
 * @c_updates: charge runs folded into @capacitance_uf
 * @esr_updates: steps folded into @esr_uohm
 * @c_result: what the last charge run gave
 * @esr_result: what the last step gave
 * @priv: implementation state
 */
struct gpio_ups_learn {
	struct gpio_ups_learn_cfg cfg;
	u32 capacitance_uf;
	u32 esr_uohm;
	u32 c_updates;
	u32 esr_updates;
	enum gpio_ups_learn_result c_result;
	enum gpio_ups_learn_result esr_result;
	struct {
		u64 c_var_pm2;		/* relative variance, per mille^2 */
		u64 esr_var_pm2;	/* 0: no ESR known yet */
		bool mains_known;
		bool on_mains;
		u64 switch_ms;
		/* charge run */
		bool running;
		bool run_from_return;	/* started at a return of mains */
		struct gpio_ups_learn_fit fit;
		u64 last_ms;
		s32 last_uv;
		bool have_last;
		/* backup line before the return of mains */
		bool return_line_valid;
		u64 return_ms;
		s64 return_v_uv;
		u64 return_var_uv2;
		bool return_pending;	/* first reading after a return */
		s64 return_slope_nv_ms;
		u64 return_se_pm2;
		/* backup samples of this stretch */
		u64 ring_ms[GPIO_UPS_LEARN_RING];
		s32 ring_uv[GPIO_UPS_LEARN_RING];
		u32 ring_n;		/* samples pushed in this stretch */
		bool switch_step_pending; /* switch-over step to measure */
		s32 switch_before_uv;	/* last on-mains reading (store full) */
	} priv;
};

/**
 * struct gpio_ups_health - can the store still carry a clean shutdown
 * @ok: @full_uj >= @need_uj (or no load known to check against)
 * @load_uw: the load checked against (0: none known)
 * @full_uj: usable energy from full at that load (learned capacitance)
 * @need_uj: the energy the policy commits the shutdown at for that load
 *	(gpio_ups_policy_reserve_uj())
 */
struct gpio_ups_health {
	bool ok;
	u32 load_uw;
	u64 full_uj;
	u64 need_uj;
};

/**
 * enum gpio_ups_xfer_reason - why the system last went to backup
 * @GPIO_UPS_XFER_NONE: it has not
 * @GPIO_UPS_XFER_POWER_FAIL: mains was lost (the power-good line)
 * @GPIO_UPS_XFER_STARTED_ON_BACKUP: the driver started without mains
 */
enum gpio_ups_xfer_reason {
	GPIO_UPS_XFER_NONE,
	GPIO_UPS_XFER_POWER_FAIL,
	GPIO_UPS_XFER_STARTED_ON_BACKUP,
};

/**
 * struct gpio_ups_stats_input - what the statistics look at
 * @now_ms: time
 * @on_backup: the policy is not online (on backup or committed)
 * @outage_ms: the policy's backup_since_ms: it changes when, and only
 *	when, a new outage starts (returns of mains shorter than
 *	GPIO_UPS_MAINS_SETTLE_MS keep the outage open)
 * @started: this is the first update since the driver started
 * @committed: the policy has committed the shutdown
 * @energy_valid: @energy_uj holds the energy left now
 * @energy_uj: usable energy left (estimate or dead reckoning)
 */
struct gpio_ups_stats_input {
	u64 now_ms;
	bool on_backup;
	u64 outage_ms;
	bool started;
	bool committed;
	bool energy_valid;
	u64 energy_uj;
};

/**
 * struct gpio_ups_stats - apcupsd-style transfer statistics
 * @transfers: outages (transfers to backup) since the driver started; a
 *	return of mains shorter than GPIO_UPS_MAINS_SETTLE_MS does not end
 *	an outage, so a flapping supply counts once
 * @backup_total_ms: time on backup over all outages
 * @backup_last_ms: time on backup in the last (or current) outage
 * @last_reason: why the last transfer happened
 * @drawn_valid: @drawn_uj is known
 * @drawn_uj: energy drawn from the store in the last (or current) outage
 * @commit_valid: @commit_uj is known
 * @commit_uj: energy left when the shutdown was last committed
 * @priv: implementation state
 */
struct gpio_ups_stats {
	u32 transfers;
	u64 backup_total_ms;
	u64 backup_last_ms;
	enum gpio_ups_xfer_reason last_reason;
	bool drawn_valid;
	u64 drawn_uj;
	bool commit_valid;
	u64 commit_uj;
	struct {
		bool have_prev;		/* an update before this one */
		bool on_backup;
		u64 last_ms;
		bool have_outage;
		u64 outage_ms;
		bool have_stretch;	/* a reading in this stretch */
		u64 first_uj;		/* first energy of this stretch */
		u64 last_uj;		/* last energy of this stretch */
		u64 earlier_uj;		/* drawn in earlier stretches */
		bool committed;
	} priv;
};

void gpio_ups_learn_init(struct gpio_ups_learn *learn,
			 const struct gpio_ups_learn_cfg *cfg);
bool gpio_ups_learn_update(struct gpio_ups_learn *learn,
			   const struct gpio_ups_sample *s);
bool gpio_ups_learn_charging(const struct gpio_ups_learn *learn);
const char *gpio_ups_learn_result_name(enum gpio_ups_learn_result r);

void gpio_ups_health_check(const struct gpio_ups_store *store,
			   const struct gpio_ups_policy_cfg *cfg, u32 load_uw,
			   struct gpio_ups_health *h);

void gpio_ups_stats_update(struct gpio_ups_stats *stats,
			   const struct gpio_ups_stats_input *in);
const char *gpio_ups_xfer_reason_name(enum gpio_ups_xfer_reason r);

#endif /* _GPIO_UPS_LEARN_H */
