// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups: learn the store on every charge, check its health against the
 * shutdown it must carry, keep outage statistics.
 *
 * Capacitance
 *   A HAT charger charges the store at a constant current I (declared:
 *   charge-current-microamp).  On mains the store voltage then rises
 *   linearly, dV/dt = I / C, on top of the constant I * ESR step, so the
 *   least-squares slope of the readings of one charge run gives
 *   C = I / slope.  A run starts when mains returns (or when the readings
 *   on mains start to rise) and ends when mains goes, when the voltage
 *   reaches GPIO_UPS_LEARN_FULL_PM of voltage_max (where a charger leaves
 *   constant current; that reading is not fitted), when it stops rising at
 *   the run's rate, or after a gap.  A run counts only with
 *   GPIO_UPS_LEARN_MIN_SAMPLES readings, a rise of GPIO_UPS_LEARN_MIN_RISE_PCT
 *   of the design window and a slope whose standard error (from the fit's
 *   residuals) is below GPIO_UPS_LEARN_MAX_SE_PM of it.
 *
 * ESR
 *   The voltage steps by I * ESR when the current changes at once: at the
 *   switch to backup (from rest to the load current), and at the return of
 *   mains (from the load current to the charge current, so the step is
 *   (I_load + I_charge) * ESR).  Both sides of a step are fitted lines
 *   extrapolated to the moment of the switch (the power-fail debounce
 *   before a reported loss of mains is taken off); the load current is the
 *   learned capacitance times the voltage slope on backup.
 *
 * Filter
 *   Each figure is folded into its estimate with the weight of its
 *   uncertainty, a one-state Kalman filter on relative variances: the seed
 *   is the declared value at GPIO_UPS_LEARN_DECLARED_PM, a capacitance
 *   figure has at least GPIO_UPS_LEARN_C_FLOOR_PM (more for a partial
 *   charge, window / rise times that), an ESR figure at least
 *   GPIO_UPS_LEARN_ESR_FLOOR_PM, and GPIO_UPS_LEARN_DRIFT_PM is added at
 *   every update so that the filter follows an ageing store.  The learned
 *   capacitance stays within GPIO_UPS_LEARN_C_MIN_PCT..GPIO_UPS_LEARN_C_MAX_PCT
 *   of the declared one.
 *
 * All sums are 64-bit; products of two sums go through the 128-bit
 * intermediate of mul_u64_u64_div_u64().  A run is at most
 * GPIO_UPS_LEARN_MAX_SAMPLES readings over GPIO_UPS_LEARN_MAX_RUN_MS, voltage
 * offsets are clamped to 2^26 uV: sum(t^2) < 2^58, sum(v^2) < 2^63.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>

#include "gpio-ups-learn.h"

#define PPM				1000000U
#define GPIO_UPS_LEARN_MAX_RUN_MS	(4ULL * 3600 * 1000)
#define GPIO_UPS_LEARN_MAX_DV_UV	67108864LL	/* 2^26 */
/* reading noise allowed for in "rising" and "stopped rising" */
#define GPIO_UPS_LEARN_RISE_UV		(4 * GPIO_UPS_EST_NOISE_FLOOR_UV)
#define GPIO_UPS_LEARN_HUGE_PM2		1000000000000ULL

/* a * b / c rounded toward zero, c > 0, with a 128-bit product */
static s64 gpio_ups_learn_mul_div(s64 a, s64 b, u64 c)
{
	u64 q = mul_u64_u64_div_u64(abs(a), abs(b), c);

	q = min_t(u64, q, S64_MAX);
	return (a < 0) != (b < 0) ? -(s64)q : (s64)q;
}

static void gpio_ups_learn_fit_reset(struct gpio_ups_learn_fit *f)
{
	memset(f, 0, sizeof(*f));
}

static void gpio_ups_learn_fit_add(struct gpio_ups_learn_fit *f, u64 t_ms,
				   s32 v_uv)
{
	u64 dt;
	s64 dv;

	if (!f->n) {
		f->t0_ms = t_ms;
		f->v0_uv = v_uv;
	}
	dt = min_t(u64, t_ms - f->t0_ms, GPIO_UPS_LEARN_MAX_RUN_MS);
	dv = clamp_t(s64, (s64)v_uv - f->v0_uv, -GPIO_UPS_LEARN_MAX_DV_UV,
		     GPIO_UPS_LEARN_MAX_DV_UV);
	f->n++;
	f->st += dt;
	f->stt += dt * dt;
	f->sv += dv;
	f->stv += (s64)dt * dv;
	f->svv += (u64)(dv * dv);
}

/*
 * The fitted line at at_ms (absolute; may lie outside the fitted span):
 * its value and that value's variance, its slope and the slope's relative
 * variance.  Return: false when the fit has no slope (fewer than three
 * readings, or all at one time).
 */
static bool gpio_ups_learn_fit_line(const struct gpio_ups_learn_fit *f,
				    u64 at_ms, struct gpio_ups_learn_line *ln)
{
	u64 sxx, svv, ess, ssr, s2, mt;
	s64 sxv, dq;

	memset(ln, 0, sizeof(*ln));
	if (f->n < 3)
		return false;
	sxx = f->stt - mul_u64_u64_div_u64(f->st, f->st, f->n);
	if (!sxx)
		return false;
	sxv = f->stv - gpio_ups_learn_mul_div(f->st, f->sv, f->n);
	svv = f->svv - mul_u64_u64_div_u64(abs(f->sv), abs(f->sv), f->n);
	ess = mul_u64_u64_div_u64(abs(sxv), abs(sxv), sxx);
	ssr = svv > ess ? svv - ess : 0;
	s2 = div_u64(ssr, f->n - 2);

	ln->n = f->n;
	ln->s2_uv2 = s2;
	ln->slope_nv_ms = gpio_ups_learn_mul_div(sxv, 1000, sxx);
	/* relative variance of the slope: s^2 Sxx / Sxv^2 = s^2 / ESS */
	if (!ess || s2 >= ess)
		ln->se_pm = GPIO_UPS_LEARN_HUGE_PM2;
	else
		ln->se_pm = mul_u64_u64_div_u64(s2, PPM, ess);

	/* value at at_ms: mean + slope * (at - mean time) */
	mt = div_u64(f->st, f->n);
	dq = (s64)(at_ms - f->t0_ms) - (s64)mt;
	ln->v_at_uv = f->v0_uv + div_s64(f->sv, f->n) +
		      gpio_ups_learn_mul_div(sxv, dq, sxx);
	/* s^2 / n + s^2 (at - mean)^2 / Sxx */
	ln->var_uv2 = div_u64(s2, f->n) +
		      mul_u64_u64_div_u64(s2, (u64)(dq * dq), sxx);
	ln->span_ms = 0;
	return true;
}

static u64 gpio_ups_learn_sq(u64 x)
{
	return x * x;
}

/*
 * Fold a measurement into an estimate (one-state Kalman filter on relative
 * variances, per mille squared).  *var_pm2 == 0: nothing known yet.
 */
static u32 gpio_ups_learn_fold(u32 est, u64 *var_pm2, u32 meas,
			       u64 meas_var_pm2)
{
	u64 var = *var_pm2, k_ppm;
	s64 d;

	if (!var) {
		*var_pm2 = meas_var_pm2 +
			   gpio_ups_learn_sq(GPIO_UPS_LEARN_DRIFT_PM);
		return meas;
	}
	k_ppm = div64_u64(var * PPM, var + meas_var_pm2);
	d = (s64)meas - (s64)est;
	*var_pm2 = div64_u64(var * meas_var_pm2, var + meas_var_pm2) +
		   gpio_ups_learn_sq(GPIO_UPS_LEARN_DRIFT_PM);
	return (u32)clamp_t(s64, (s64)est + div_s64(d * (s64)k_ppm, PPM),
			    0, U32_MAX);
}

/**
 * gpio_ups_learn_init() - start learning from the declared store
 * @learn: state
 * @cfg: declared values (copied)
 *
 * The learned figures start at the declared ones.  Without a declared
 * charge current, or without a capacitance, nothing is ever learned.
 */
void gpio_ups_learn_init(struct gpio_ups_learn *learn,
			 const struct gpio_ups_learn_cfg *cfg)
{
	memset(learn, 0, sizeof(*learn));
	learn->cfg = *cfg;
	learn->capacitance_uf = cfg->capacitance_uf;
	learn->esr_uohm = cfg->resistance_uohm;
	learn->priv.c_var_pm2 = gpio_ups_learn_sq(GPIO_UPS_LEARN_DECLARED_PM);
	learn->priv.esr_var_pm2 = cfg->resistance_uohm ?
		gpio_ups_learn_sq(GPIO_UPS_LEARN_DECLARED_ESR_PM) : 0;
}

static bool gpio_ups_learn_on(const struct gpio_ups_learn *learn)
{
	return learn->cfg.charge_current_ua && learn->cfg.capacitance_uf &&
	       learn->cfg.voltage_max_uv > learn->cfg.voltage_min_uv;
}

/* Fold an ESR figure: step_uv over current_ua, with its uncertainty. */
static bool gpio_ups_learn_esr(struct gpio_ups_learn *learn, s64 step_uv,
			       u64 step_var_uv2, u64 current_ua,
			       u64 current_var_pm2)
{
	u32 declared = learn->cfg.resistance_uohm;
	u64 r, var_pm2, lo, hi;

	if (step_uv <= 0 || !current_ua) {
		learn->esr_result = GPIO_UPS_LEARN_IMPLAUSIBLE;
		return false;
	}
	/* relative variance: (sigma_step / step)^2 + that of the current */
	var_pm2 = mul_u64_u64_div_u64(step_var_uv2, PPM,
				      gpio_ups_learn_sq(step_uv)) +
		  current_var_pm2;
	if (var_pm2 > gpio_ups_learn_sq(GPIO_UPS_LEARN_ESR_MAX_SE_PM)) {
		learn->esr_result = GPIO_UPS_LEARN_NOISY;
		return false;
	}
	/* uV * 1e6 / uA = uohm */
	r = div64_u64((u64)step_uv * PPM, current_ua);
	if (declared) {
		lo = max(declared / GPIO_UPS_LEARN_ESR_MAX_X, 1U);
		hi = (u64)declared * GPIO_UPS_LEARN_ESR_MAX_X;
	} else {
		lo = 1;
		hi = GPIO_UPS_MAX_RESISTANCE_UOHM;
	}
	hi = min_t(u64, hi, GPIO_UPS_MAX_RESISTANCE_UOHM);
	if (r < lo || r > hi) {
		learn->esr_result = GPIO_UPS_LEARN_IMPLAUSIBLE;
		return false;
	}
	var_pm2 = max_t(u64, var_pm2,
			gpio_ups_learn_sq(GPIO_UPS_LEARN_ESR_FLOOR_PM));
	learn->esr_uohm = gpio_ups_learn_fold(learn->esr_uohm,
					      &learn->priv.esr_var_pm2,
					      (u32)r, var_pm2);
	learn->esr_uohm = clamp_t(u32, learn->esr_uohm, lo, hi);
	learn->esr_result = GPIO_UPS_LEARN_USED;
	learn->esr_updates++;
	return true;
}

/* store current from a voltage slope on backup: C * dV/dt, in uA */
static u64 gpio_ups_learn_load_ua(const struct gpio_ups_learn *learn,
				  s64 slope_nv_ms)
{
	if (slope_nv_ms >= 0)
		return 0;
	/* uF * nV/ms = 1e-6 uA; C < 2^32, slope < 2^40 */
	return mul_u64_u64_div_u64(learn->capacitance_uf, -slope_nv_ms, PPM);
}

/* The backup line of this stretch's ring, at at_ms. */
static bool gpio_ups_learn_ring_line(const struct gpio_ups_learn *learn,
				     u64 at_ms, struct gpio_ups_learn_line *ln)
{
	struct gpio_ups_learn_fit f;
	u32 n = min(learn->priv.ring_n, GPIO_UPS_LEARN_RING), i, k;
	u64 t_first = 0, t_last = 0;

	gpio_ups_learn_fit_reset(&f);
	for (i = 0; i < n; i++) {
		k = (learn->priv.ring_n - n + i) % GPIO_UPS_LEARN_RING;
		if (!i)
			t_first = learn->priv.ring_ms[k];
		t_last = learn->priv.ring_ms[k];
		gpio_ups_learn_fit_add(&f, learn->priv.ring_ms[k],
				       learn->priv.ring_uv[k]);
	}
	if (n < GPIO_UPS_LEARN_MIN_SAMPLES ||
	    t_last - t_first < GPIO_UPS_LEARN_STEP_MIN_SPAN_MS ||
	    !gpio_ups_learn_fit_line(&f, at_ms, ln))
		return false;
	ln->span_ms = t_last - t_first;
	return true;
}

/* The switch-over step: from rest on mains to the load on backup. */
static bool gpio_ups_learn_switch_step(struct gpio_ups_learn *learn)
{
	struct gpio_ups_learn_line ln;
	u64 at = learn->priv.switch_ms - min_t(u64, learn->cfg.switch_lag_ms,
					       learn->priv.switch_ms);
	u64 i_ua;

	learn->priv.switch_step_pending = false;
	if (!gpio_ups_learn_ring_line(learn, at, &ln))
		return false;
	/* the load current's uncertainty: the slope's and the capacitance's */
	i_ua = gpio_ups_learn_load_ua(learn, ln.slope_nv_ms);
	return gpio_ups_learn_esr(learn,
				  (s64)learn->priv.switch_before_uv - ln.v_at_uv,
				  ln.var_uv2, i_ua,
				  ln.se_pm + learn->priv.c_var_pm2);
}

/*
 * The capacitance a finished charge run measured, C = I / slope, with its
 * relative variance; ln gets the run's line at its start (taken back to the
 * return of mains).  Return: GPIO_UPS_LEARN_USED, or why the run teaches
 * nothing.
 */
static enum gpio_ups_learn_result
gpio_ups_learn_run_c(const struct gpio_ups_learn *learn,
		     struct gpio_ups_learn_line *ln, u64 *c_uf, u64 *var_pm2)
{
	const struct gpio_ups_learn_cfg *cfg = &learn->cfg;
	const struct gpio_ups_learn_fit *f = &learn->priv.fit;
	u64 window = cfg->voltage_max_uv - cfg->voltage_min_uv;
	u64 span, sxx_i, floor_pm, ret_at;
	s64 rise;

	if (f->n < GPIO_UPS_LEARN_MIN_SAMPLES)
		return GPIO_UPS_LEARN_SHORT;
	ret_at = learn->priv.run_from_return ? learn->priv.return_ms : f->t0_ms;
	if (!gpio_ups_learn_fit_line(f, ret_at, ln) || ln->slope_nv_ms <= 0)
		return GPIO_UPS_LEARN_SHORT;
	span = learn->priv.last_ms - f->t0_ms;
	rise = div_s64(ln->slope_nv_ms *
		       (s64)min_t(u64, span, GPIO_UPS_LEARN_MAX_RUN_MS), 1000);
	if (rise * 100 < (s64)(window * GPIO_UPS_LEARN_MIN_RISE_PCT))
		return GPIO_UPS_LEARN_SHORT;
	if (ln->se_pm > gpio_ups_learn_sq(GPIO_UPS_LEARN_MAX_SE_PM))
		return GPIO_UPS_LEARN_NOISY;
	/* C = I / slope: uA / (nV/ms) = 1e6 uF; slope > 0, C < 2^40 */
	sxx_i = (u64)cfg->charge_current_ua * PPM;
	if ((u64)ln->slope_nv_ms < div64_u64(sxx_i, 1ULL << 40))
		return GPIO_UPS_LEARN_IMPLAUSIBLE;
	*c_uf = div64_u64(sxx_i, ln->slope_nv_ms);
	if (*c_uf * 100 < (u64)cfg->capacitance_uf * GPIO_UPS_LEARN_C_REJECT_PCT ||
	    *c_uf * GPIO_UPS_LEARN_C_REJECT_PCT >
	    (u64)cfg->capacitance_uf * 100 * 100)
		return GPIO_UPS_LEARN_IMPLAUSIBLE;
	/* the floor grows as the rise shrinks: window / rise times it */
	floor_pm = div64_u64((u64)GPIO_UPS_LEARN_C_FLOOR_PM * window, rise);
	*var_pm2 = max(ln->se_pm, gpio_ups_learn_sq(floor_pm));
	return GPIO_UPS_LEARN_USED;
}

/* Fold a measured capacitance in, within its bounds of the declared one. */
static void gpio_ups_learn_fold_c(struct gpio_ups_learn *learn, u64 c_uf,
				  u64 var_pm2)
{
	const struct gpio_ups_learn_cfg *cfg = &learn->cfg;

	learn->capacitance_uf = gpio_ups_learn_fold(learn->capacitance_uf,
						    &learn->priv.c_var_pm2,
						    (u32)c_uf, var_pm2);
	learn->capacitance_uf =
		clamp_t(u32, learn->capacitance_uf,
			div_u64((u64)cfg->capacitance_uf * GPIO_UPS_LEARN_C_MIN_PCT, 100),
			min_t(u64, div_u64((u64)cfg->capacitance_uf *
					   GPIO_UPS_LEARN_C_MAX_PCT, 100),
			      GPIO_UPS_MAX_CAPACITANCE_UF));
	learn->c_updates++;
}

/*
 * The charger's start step, against the backup line before it: the load
 * current from the capacitance just learned.  Its uncertainty (the slope's
 * and the capacitance's) weighs in by its share.  ln: the run's line at
 * the return of mains.
 */
static bool gpio_ups_learn_charger_step(struct gpio_ups_learn *learn,
					const struct gpio_ups_learn_line *ln)
{
	u64 i_load = gpio_ups_learn_load_ua(learn,
					    learn->priv.return_slope_nv_ms);
	u64 i_sum = i_load + learn->cfg.charge_current_ua;
	u64 i_var_pm2 = mul_u64_u64_div_u64(learn->priv.return_se_pm2 +
					    learn->priv.c_var_pm2,
					    gpio_ups_learn_sq(i_load),
					    gpio_ups_learn_sq(i_sum));

	return gpio_ups_learn_esr(learn, ln->v_at_uv - learn->priv.return_v_uv,
				  ln->var_uv2 + learn->priv.return_var_uv2,
				  i_sum, i_var_pm2);
}

/* Evaluate a finished charge run; true when a figure was learned. */
static bool gpio_ups_learn_end_run(struct gpio_ups_learn *learn)
{
	struct gpio_ups_learn_line ln;
	u64 c_uf = 0, var_pm2 = 0;
	bool learned = true;

	learn->priv.running = false;
	learn->c_result = gpio_ups_learn_run_c(learn, &ln, &c_uf, &var_pm2);
	if (learn->c_result != GPIO_UPS_LEARN_USED)
		return false;
	gpio_ups_learn_fold_c(learn, c_uf, var_pm2);
	if (learn->priv.run_from_return && learn->priv.return_line_valid)
		learned |= gpio_ups_learn_charger_step(learn, &ln);
	learn->priv.return_line_valid = false;
	return learned;
}

static void gpio_ups_learn_start_run(struct gpio_ups_learn *learn, u64 t_ms,
				     s32 v_uv, bool from_return)
{
	gpio_ups_learn_fit_reset(&learn->priv.fit);
	gpio_ups_learn_fit_add(&learn->priv.fit, t_ms, v_uv);
	learn->priv.running = true;
	learn->priv.run_from_return = from_return;
}

/* Mains came back or went; t_ms is the first reading of the new state. */
static bool gpio_ups_learn_switch(struct gpio_ups_learn *learn, bool on_mains,
				  u64 t_ms)
{
	bool learned = false, first = !learn->priv.mains_known;
	struct gpio_ups_learn_line ln;

	learn->priv.mains_known = true;
	learn->priv.on_mains = on_mains;
	learn->priv.switch_ms = t_ms;
	if (first)
		return false;
	if (on_mains) {
		/* the backup line at the return, for the charger's step */
		if (learn->priv.switch_step_pending &&
		    learn->priv.ring_n < GPIO_UPS_LEARN_RING)
			learned |= gpio_ups_learn_switch_step(learn);
		learn->priv.switch_step_pending = false;
		learn->priv.return_line_valid =
			gpio_ups_learn_ring_line(learn, t_ms, &ln) &&
			ln.slope_nv_ms < 0;
		if (learn->priv.return_line_valid) {
			learn->priv.return_v_uv = ln.v_at_uv;
			learn->priv.return_var_uv2 = ln.var_uv2;
			learn->priv.return_slope_nv_ms = ln.slope_nv_ms;
			learn->priv.return_se_pm2 = ln.se_pm;
		}
		learn->priv.ring_n = 0;
		return learned;
	}
	/* to backup: a charge cut short is a partial charge */
	learn->priv.switch_step_pending =
		!learn->priv.running && learn->priv.have_last &&
		t_ms - learn->priv.last_ms <= GPIO_UPS_LEARN_MAX_GAP_MS;
	learn->priv.switch_before_uv = learn->priv.last_uv;
	if (learn->priv.running)
		learned = gpio_ups_learn_end_run(learn);
	learn->priv.ring_n = 0;
	return learned;
}

/*
 * Stopped rising: short of three quarters of the run's rate by more than
 * the noise (GPIO_UPS_LEARN_RISE_UV and four times the readings' spread
 * about the line), or falling.
 */
static bool gpio_ups_learn_stopped_rising(const struct gpio_ups_learn *learn,
					  u64 t_ms, s32 v_uv)
{
	u64 dt = t_ms - learn->priv.last_ms;
	struct gpio_ups_learn_line ln;
	s64 want = 0, short_uv;

	if (gpio_ups_learn_fit_line(&learn->priv.fit, t_ms, &ln))
		want = div_s64(ln.slope_nv_ms *
			       (s64)min_t(u64, dt, GPIO_UPS_LEARN_MAX_GAP_MS) * 3,
			       4000);
	short_uv = want - ((s64)v_uv - learn->priv.last_uv);
	return (short_uv > GPIO_UPS_LEARN_RISE_UV &&
		(u64)short_uv * (u64)short_uv > 16 * ln.s2_uv2) ||
	       (s64)learn->priv.last_uv - v_uv > GPIO_UPS_LEARN_RISE_UV;
}

/*
 * One reading on mains during a charge run: it ends at full (that reading
 * is not fitted), after a gap, when the voltage stops rising, or at
 * GPIO_UPS_LEARN_MAX_SAMPLES / GPIO_UPS_LEARN_MAX_RUN_MS.
 */
static bool gpio_ups_learn_run_reading(struct gpio_ups_learn *learn, u64 t_ms,
				       s32 v_uv, bool below)
{
	struct gpio_ups_learn_fit *f = &learn->priv.fit;
	bool learned = false;

	if (!below || t_ms - learn->priv.last_ms > GPIO_UPS_LEARN_MAX_GAP_MS ||
	    gpio_ups_learn_stopped_rising(learn, t_ms, v_uv))
		return gpio_ups_learn_end_run(learn);
	gpio_ups_learn_fit_add(f, t_ms, v_uv);
	learn->priv.last_ms = t_ms;
	learn->priv.last_uv = v_uv;
	if (f->n >= GPIO_UPS_LEARN_MAX_SAMPLES ||
	    t_ms - f->t0_ms >= GPIO_UPS_LEARN_MAX_RUN_MS)
		learned = gpio_ups_learn_end_run(learn);
	return learned;
}

/* One reading on mains. */
static bool gpio_ups_learn_mains(struct gpio_ups_learn *learn, u64 t_ms,
				 s32 v_uv, bool just_returned)
{
	u32 full_uv = div_u64((u64)learn->cfg.voltage_max_uv *
			      GPIO_UPS_LEARN_FULL_PM, 1000);
	bool below = v_uv < (s32)full_uv;

	if (just_returned) {
		/*
		 * The first reading may predate the charger's start: the run
		 * starts with the next one, its line is taken back to here.
		 */
		learn->priv.return_pending = true;
		learn->priv.return_ms = t_ms;
		return false;
	}
	if (learn->priv.running)
		return gpio_ups_learn_run_reading(learn, t_ms, v_uv, below);
	/* at rest: a run starts after a return of mains or at a rise */
	if (below && (learn->priv.return_pending || !learn->priv.have_last ||
		      v_uv > learn->priv.last_uv + (s32)GPIO_UPS_LEARN_RISE_UV))
		gpio_ups_learn_start_run(learn, t_ms, v_uv,
					 learn->priv.return_pending);
	learn->priv.return_pending = false;
	return false;
}

/**
 * gpio_ups_learn_update() - feed one reading
 * @learn: state
 * @s: the reading, as handed to the estimator (a reading without a voltage
 *	is ignored)
 *
 * A reading whose @on_mains differs from the last one's is taken as the
 * first of the new state, at the switch.
 *
 * Return: true when the learned capacitance or ESR changed.
 */
bool gpio_ups_learn_update(struct gpio_ups_learn *learn,
			   const struct gpio_ups_sample *s)
{
	u32 c = learn->capacitance_uf, r = learn->esr_uohm, k;
	bool just_switched = false;

	if (!gpio_ups_learn_on(learn) || !s->voltage_valid || s->voltage_uv < 0)
		return false;
	if (learn->priv.have_last && s->time_ms < learn->priv.last_ms)
		return false;
	if (!learn->priv.mains_known || learn->priv.on_mains != s->on_mains) {
		just_switched = learn->priv.mains_known;
		gpio_ups_learn_switch(learn, s->on_mains, s->time_ms);
	}

	if (s->on_mains) {
		gpio_ups_learn_mains(learn, s->time_ms, s->voltage_uv,
				     just_switched);
	} else if (s->time_ms >= learn->priv.switch_ms + GPIO_UPS_EST_SKIP_MS) {
		/* backup: the ring of this stretch, past the switch's edge */
		k = learn->priv.ring_n % GPIO_UPS_LEARN_RING;
		learn->priv.ring_ms[k] = s->time_ms;
		learn->priv.ring_uv[k] = s->voltage_uv;
		learn->priv.ring_n++;
		if (learn->priv.switch_step_pending &&
		    learn->priv.ring_n == GPIO_UPS_LEARN_RING)
			gpio_ups_learn_switch_step(learn);
	}
	learn->priv.have_last = true;
	learn->priv.last_ms = s->time_ms;
	learn->priv.last_uv = s->voltage_uv;
	return c != learn->capacitance_uf || r != learn->esr_uohm;
}

/**
 * gpio_ups_learn_charging() - is a charge run being measured
 * @learn: state
 *
 * The driver samples at GPIO_UPS_LEARN_SAMPLE_MS while this is true.
 *
 * Return: true during a charge run and right after a return of mains.
 */
bool gpio_ups_learn_charging(const struct gpio_ups_learn *learn)
{
	return gpio_ups_learn_on(learn) &&
	       (learn->priv.running || learn->priv.return_pending);
}

/**
 * gpio_ups_learn_result_name() - sysfs name of a learning result
 * @r: result
 *
 * Return: a static string.
 */
const char *gpio_ups_learn_result_name(enum gpio_ups_learn_result r)
{
	static const char * const names[] = {
		[GPIO_UPS_LEARN_NONE] = "none",
		[GPIO_UPS_LEARN_USED] = "used",
		[GPIO_UPS_LEARN_SHORT] = "too-short",
		[GPIO_UPS_LEARN_NOISY] = "too-noisy",
		[GPIO_UPS_LEARN_IMPLAUSIBLE] = "implausible",
	};

	if ((unsigned int)r >= ARRAY_SIZE(names))
		return "unknown";
	return names[r];
}

/**
 * gpio_ups_health_check() - can the store from full carry a clean shutdown
 * @store: the store, with its learned capacitance and ESR
 * @cfg: the policy's knobs (shutdown duration, margin, shutdown load,
 *	sampling interval)
 * @load_uw: the last measured load (or the nominal one); 0: none known
 * @h: result
 *
 * What the store delivers from full at @load_uw (usable energy less what
 * the ESR burns at that load) against the energy the policy commits the
 * shutdown at for that load (gpio_ups_policy_reserve_uj(), with its
 * confirmation lookahead at the configured sampling interval).  Below it,
 * an outage that starts with the store full ends in a brownout or in a
 * shutdown that has not the energy it needs.  Without a load the check
 * cannot fail.
 */
void gpio_ups_health_check(const struct gpio_ups_store *store,
			   const struct gpio_ups_policy_cfg *cfg, u32 load_uw,
			   struct gpio_ups_health *h)
{
	u32 interval = gpio_ups_policy_sample_interval_ms(cfg);

	memset(h, 0, sizeof(*h));
	h->ok = true;
	h->load_uw = load_uw;
	if (!load_uw || store->type == GPIO_UPS_STORE_NONE)
		return;
	h->full_uj = gpio_ups_energy_full_at_load_uj(store, load_uw);
	h->need_uj = gpio_ups_policy_reserve_uj(cfg, load_uw,
						GPIO_UPS_POLICY_CONFIRM *
						interval);
	h->ok = h->full_uj >= h->need_uj;
}

/*
 * A stretch on backup starts: a new outage (a transfer) when the policy's
 * outage_ms changed, else the same outage goes on.
 */
static void gpio_ups_stats_stretch_start(struct gpio_ups_stats *stats,
					 const struct gpio_ups_stats_input *in)
{
	if (!stats->priv.have_outage ||
	    in->outage_ms != stats->priv.outage_ms) {
		stats->transfers++;
		stats->last_reason = in->started ?
				     GPIO_UPS_XFER_STARTED_ON_BACKUP :
				     GPIO_UPS_XFER_POWER_FAIL;
		stats->backup_last_ms = 0;
		stats->drawn_valid = false;
		stats->drawn_uj = 0;
		stats->priv.earlier_uj = 0;
		stats->priv.committed = false;
		stats->priv.have_outage = true;
		stats->priv.outage_ms = in->outage_ms;
	}
	stats->priv.have_stretch = false;
}

/* energy drawn in this stretch on backup: its first reading less its last */
static u64 gpio_ups_stats_stretch_uj(const struct gpio_ups_stats *stats)
{
	if (stats->priv.first_uj > stats->priv.last_uj)
		return stats->priv.first_uj - stats->priv.last_uj;
	return 0;
}

/* The energy drawn in the outage: the earlier stretches' and this one's. */
static void gpio_ups_stats_drawn(struct gpio_ups_stats *stats,
				 const struct gpio_ups_stats_input *in,
				 bool was_backup)
{
	if (!in->on_backup && was_backup && stats->priv.have_stretch)
		stats->priv.earlier_uj += gpio_ups_stats_stretch_uj(stats);
	if (in->on_backup && in->energy_valid) {
		if (!stats->priv.have_stretch) {
			stats->priv.have_stretch = true;
			stats->priv.first_uj = in->energy_uj;
		}
		stats->priv.last_uj = in->energy_uj;
		stats->drawn_valid = true;
		stats->drawn_uj = stats->priv.earlier_uj +
				  gpio_ups_stats_stretch_uj(stats);
	}
}

/**
 * gpio_ups_stats_update() - account for the time since the last update
 * @stats: statistics
 * @in: the state now
 *
 * Call at every policy evaluation.  A transfer is counted when the policy
 * starts a new outage (@in->outage_ms changes while on backup), so returns
 * of mains that do not end the outage are no transfers; time on backup
 * counts only while on backup.  The energy drawn is summed over the
 * outage's stretches on backup (first reading of a stretch less the last),
 * so what the charger adds while mains flaps is not taken off.
 */
void gpio_ups_stats_update(struct gpio_ups_stats *stats,
			   const struct gpio_ups_stats_input *in)
{
	bool was_backup = stats->priv.have_prev && stats->priv.on_backup;
	u64 dt = 0;

	if (stats->priv.have_prev && in->now_ms > stats->priv.last_ms)
		dt = in->now_ms - stats->priv.last_ms;
	if (was_backup) {
		stats->backup_total_ms += dt;
		stats->backup_last_ms += dt;
	}
	if (in->on_backup && !was_backup)
		gpio_ups_stats_stretch_start(stats, in);
	gpio_ups_stats_drawn(stats, in, was_backup);
	if (in->on_backup && in->committed && !stats->priv.committed) {
		stats->priv.committed = true;
		stats->commit_valid = in->energy_valid;
		stats->commit_uj = in->energy_valid ? in->energy_uj : 0;
	}
	stats->priv.have_prev = true;
	stats->priv.on_backup = in->on_backup;
	stats->priv.last_ms = in->now_ms;
}

/**
 * gpio_ups_xfer_reason_name() - sysfs name of a transfer reason
 * @r: reason
 *
 * Return: a static string.
 */
const char *gpio_ups_xfer_reason_name(enum gpio_ups_xfer_reason r)
{
	static const char * const names[] = {
		[GPIO_UPS_XFER_NONE] = "none",
		[GPIO_UPS_XFER_POWER_FAIL] = "power-fail",
		[GPIO_UPS_XFER_STARTED_ON_BACKUP] = "started-on-backup",
	};

	if ((unsigned int)r >= ARRAY_SIZE(names))
		return "unknown";
	return names[r];
}
