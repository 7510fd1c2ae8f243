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
 * @l: state
 * @cfg: declared values (copied)
 *
 * The learned figures start at the declared ones.  Without a declared
 * charge current, or without a capacitance, nothing is ever learned.
 */
void gpio_ups_learn_init(struct gpio_ups_learn *l,
			 const struct gpio_ups_learn_cfg *cfg)
{
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->capacitance_uf = cfg->capacitance_uf;
	l->esr_uohm = cfg->resistance_uohm;
	l->priv.c_var_pm2 = gpio_ups_learn_sq(GPIO_UPS_LEARN_DECLARED_PM);
	l->priv.r_var_pm2 = cfg->resistance_uohm ?
			    gpio_ups_learn_sq(GPIO_UPS_LEARN_DECLARED_ESR_PM) : 0;
}

static bool gpio_ups_learn_on(const struct gpio_ups_learn *l)
{
	return l->cfg.charge_current_ua && l->cfg.capacitance_uf &&
	       l->cfg.voltage_max_uv > l->cfg.voltage_min_uv;
}

/* Fold an ESR figure: step_uv over current_ua, with its uncertainty. */
static bool gpio_ups_learn_esr(struct gpio_ups_learn *l, s64 step_uv,
			       u64 step_var_uv2, u64 current_ua,
			       u64 current_var_pm2)
{
	u64 r, var_pm2, lo, hi;

	if (step_uv <= 0 || !current_ua) {
		l->esr_result = GPIO_UPS_LEARN_IMPLAUSIBLE;
		return false;
	}
	/* relative variance: (sigma_step / step)^2 + that of the current */
	var_pm2 = mul_u64_u64_div_u64(step_var_uv2, PPM,
				      gpio_ups_learn_sq(step_uv)) +
		  current_var_pm2;
	if (var_pm2 > gpio_ups_learn_sq(GPIO_UPS_LEARN_ESR_MAX_SE_PM)) {
		l->esr_result = GPIO_UPS_LEARN_NOISY;
		return false;
	}
	/* uV * 1e6 / uA = uohm */
	r = div64_u64((u64)step_uv * PPM, current_ua);
	if (l->cfg.resistance_uohm) {
		lo = max(l->cfg.resistance_uohm / GPIO_UPS_LEARN_ESR_MAX_X, 1U);
		hi = (u64)l->cfg.resistance_uohm * GPIO_UPS_LEARN_ESR_MAX_X;
	} else {
		lo = 1;
		hi = GPIO_UPS_MAX_RESISTANCE_UOHM;
	}
	hi = min_t(u64, hi, GPIO_UPS_MAX_RESISTANCE_UOHM);
	if (r < lo || r > hi) {
		l->esr_result = GPIO_UPS_LEARN_IMPLAUSIBLE;
		return false;
	}
	var_pm2 = max_t(u64, var_pm2,
			gpio_ups_learn_sq(GPIO_UPS_LEARN_ESR_FLOOR_PM));
	l->last_esr_uohm = (u32)r;
	l->esr_uohm = gpio_ups_learn_fold(l->esr_uohm, &l->priv.r_var_pm2,
					  (u32)r, var_pm2);
	l->esr_uohm = clamp_t(u32, l->esr_uohm, lo, hi);
	l->esr_result = GPIO_UPS_LEARN_USED;
	l->esr_updates++;
	return true;
}

/* store current from a voltage slope on backup: C * dV/dt, in uA */
static u64 gpio_ups_learn_load_ua(const struct gpio_ups_learn *l,
				  s64 slope_nv_ms)
{
	if (slope_nv_ms >= 0)
		return 0;
	/* uF * nV/ms = 1e-6 uA; C < 2^32, slope < 2^40 */
	return mul_u64_u64_div_u64(l->capacitance_uf, -slope_nv_ms, PPM);
}

/* The backup line of this stretch's ring, at at_ms. */
static bool gpio_ups_learn_ring_line(const struct gpio_ups_learn *l,
				     u64 at_ms, struct gpio_ups_learn_line *ln)
{
	struct gpio_ups_learn_fit f;
	u32 n = min(l->priv.ring_n, GPIO_UPS_LEARN_RING), i, k;
	u64 t_first = 0, t_last = 0;

	gpio_ups_learn_fit_reset(&f);
	for (i = 0; i < n; i++) {
		k = (l->priv.ring_n - n + i) % GPIO_UPS_LEARN_RING;
		if (!i)
			t_first = l->priv.ring_ms[k];
		t_last = l->priv.ring_ms[k];
		gpio_ups_learn_fit_add(&f, l->priv.ring_ms[k],
				       l->priv.ring_uv[k]);
	}
	if (n < GPIO_UPS_LEARN_MIN_SAMPLES ||
	    t_last - t_first < GPIO_UPS_LEARN_STEP_MIN_SPAN_MS ||
	    !gpio_ups_learn_fit_line(&f, at_ms, ln))
		return false;
	ln->span_ms = t_last - t_first;
	return true;
}

/* The switch-over step: from rest on mains to the load on backup. */
static bool gpio_ups_learn_switch_step(struct gpio_ups_learn *l)
{
	struct gpio_ups_learn_line ln;
	u64 at = l->priv.switch_ms - min_t(u64, l->cfg.switch_lag_ms,
					   l->priv.switch_ms);
	u64 i_ua;

	l->priv.sw_pending = false;
	if (!gpio_ups_learn_ring_line(l, at, &ln))
		return false;
	/* the load current's uncertainty: the slope's and the capacitance's */
	i_ua = gpio_ups_learn_load_ua(l, ln.slope_nv_ms);
	return gpio_ups_learn_esr(l, (s64)l->priv.sw_before_uv - ln.v_at_uv,
				  ln.var_uv2, i_ua,
				  ln.se_pm + l->priv.c_var_pm2);
}

/*
 * The capacitance a finished charge run measured, C = I / slope, with its
 * relative variance; ln gets the run's line at its start (taken back to the
 * return of mains).  Return: GPIO_UPS_LEARN_USED, or why the run teaches
 * nothing.
 */
static enum gpio_ups_learn_result
gpio_ups_learn_run_c(const struct gpio_ups_learn *l,
		     struct gpio_ups_learn_line *ln, u64 *c_uf, u64 *var_pm2)
{
	const struct gpio_ups_learn_cfg *cfg = &l->cfg;
	const struct gpio_ups_learn_fit *f = &l->priv.fit;
	u64 window = cfg->voltage_max_uv - cfg->voltage_min_uv;
	u64 span, sxx_i, floor_pm, ret_at;
	s64 rise;

	if (f->n < GPIO_UPS_LEARN_MIN_SAMPLES)
		return GPIO_UPS_LEARN_SHORT;
	ret_at = l->priv.run_from_return ? l->priv.ret_ms : f->t0_ms;
	if (!gpio_ups_learn_fit_line(f, ret_at, ln) || ln->slope_nv_ms <= 0)
		return GPIO_UPS_LEARN_SHORT;
	span = l->priv.last_ms - f->t0_ms;
	rise = div_s64(ln->slope_nv_ms * (s64)min_t(u64, span, GPIO_UPS_LEARN_MAX_RUN_MS),
		       1000);
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
static void gpio_ups_learn_fold_c(struct gpio_ups_learn *l, u64 c_uf,
				  u64 var_pm2)
{
	const struct gpio_ups_learn_cfg *cfg = &l->cfg;

	l->last_c_uf = (u32)c_uf;
	l->capacitance_uf = gpio_ups_learn_fold(l->capacitance_uf,
						&l->priv.c_var_pm2,
						(u32)c_uf, var_pm2);
	l->capacitance_uf =
		clamp_t(u32, l->capacitance_uf,
			div_u64((u64)cfg->capacitance_uf * GPIO_UPS_LEARN_C_MIN_PCT, 100),
			min_t(u64, div_u64((u64)cfg->capacitance_uf *
					   GPIO_UPS_LEARN_C_MAX_PCT, 100),
			      GPIO_UPS_MAX_CAPACITANCE_UF));
	l->c_updates++;
}

/*
 * The charger's start step, against the backup line before it: the load
 * current from the capacitance just learned.  Its uncertainty (the slope's
 * and the capacitance's) weighs in by its share.  ln: the run's line at
 * the return of mains.
 */
static bool gpio_ups_learn_charger_step(struct gpio_ups_learn *l,
					const struct gpio_ups_learn_line *ln)
{
	u64 i_load = gpio_ups_learn_load_ua(l, l->priv.ret_slope_nv_ms);
	u64 i_sum = i_load + l->cfg.charge_current_ua;

	return gpio_ups_learn_esr(l, ln->v_at_uv - l->priv.ret_v_uv,
				  ln->var_uv2 + l->priv.ret_var_uv2, i_sum,
				  mul_u64_u64_div_u64(l->priv.ret_se_pm2 +
						      l->priv.c_var_pm2,
						      gpio_ups_learn_sq(i_load),
						      gpio_ups_learn_sq(i_sum)));
}

/* Evaluate a finished charge run; true when a figure was learned. */
static bool gpio_ups_learn_end_run(struct gpio_ups_learn *l)
{
	struct gpio_ups_learn_line ln;
	u64 c_uf = 0, var_pm2 = 0;
	bool learned = true;

	l->priv.run = false;
	l->c_result = gpio_ups_learn_run_c(l, &ln, &c_uf, &var_pm2);
	if (l->c_result != GPIO_UPS_LEARN_USED)
		return false;
	gpio_ups_learn_fold_c(l, c_uf, var_pm2);
	if (l->priv.run_from_return && l->priv.ret_valid)
		learned |= gpio_ups_learn_charger_step(l, &ln);
	l->priv.ret_valid = false;
	return learned;
}

static void gpio_ups_learn_start_run(struct gpio_ups_learn *l, u64 t_ms,
				     s32 v_uv, bool from_return)
{
	gpio_ups_learn_fit_reset(&l->priv.fit);
	gpio_ups_learn_fit_add(&l->priv.fit, t_ms, v_uv);
	l->priv.run = true;
	l->priv.run_from_return = from_return;
	l->priv.full = false;
}

/* Mains came back or went; t_ms is the first reading of the new state. */
static bool gpio_ups_learn_switch(struct gpio_ups_learn *l, bool on_mains,
				  u64 t_ms)
{
	bool learned = false, first = !l->priv.mains_known;
	struct gpio_ups_learn_line ln;

	l->priv.mains_known = true;
	l->priv.on_mains = on_mains;
	l->priv.switch_ms = t_ms;
	if (first)
		return false;
	if (on_mains) {
		/* the backup line at the return, for the charger's step */
		if (l->priv.sw_pending && l->priv.ring_n < GPIO_UPS_LEARN_RING)
			learned |= gpio_ups_learn_switch_step(l);
		l->priv.sw_pending = false;
		l->priv.ret_valid = gpio_ups_learn_ring_line(l, t_ms, &ln) &&
				    ln.slope_nv_ms < 0;
		if (l->priv.ret_valid) {
			l->priv.ret_v_uv = ln.v_at_uv;
			l->priv.ret_var_uv2 = ln.var_uv2;
			l->priv.ret_slope_nv_ms = ln.slope_nv_ms;
			l->priv.ret_se_pm2 = ln.se_pm;
		}
		l->priv.ring_n = 0;
		return learned;
	}
	/* to backup: a charge cut short is a partial charge */
	l->priv.sw_pending = !l->priv.run && l->priv.have_last &&
			     t_ms - l->priv.last_ms <= GPIO_UPS_LEARN_MAX_GAP_MS;
	l->priv.sw_before_uv = l->priv.last_uv;
	if (l->priv.run)
		learned = gpio_ups_learn_end_run(l);
	l->priv.ring_n = 0;
	return learned;
}

/*
 * Stopped rising: short of three quarters of the run's rate by more than
 * the noise (GPIO_UPS_LEARN_RISE_UV and four times the readings' spread
 * about the line), or falling.
 */
static bool gpio_ups_learn_stopped_rising(const struct gpio_ups_learn *l,
					  u64 t_ms, s32 v_uv)
{
	u64 dt = t_ms - l->priv.last_ms;
	struct gpio_ups_learn_line ln;
	s64 want = 0, short_uv;

	if (gpio_ups_learn_fit_line(&l->priv.fit, t_ms, &ln))
		want = div_s64(ln.slope_nv_ms *
			       (s64)min_t(u64, dt, GPIO_UPS_LEARN_MAX_GAP_MS) * 3,
			       4000);
	short_uv = want - ((s64)v_uv - l->priv.last_uv);
	return (short_uv > GPIO_UPS_LEARN_RISE_UV &&
		(u64)short_uv * (u64)short_uv > 16 * ln.s2_uv2) ||
	       (s64)l->priv.last_uv - v_uv > GPIO_UPS_LEARN_RISE_UV;
}

/*
 * One reading on mains during a charge run: it ends at full (that reading
 * is not fitted), after a gap, when the voltage stops rising, or at
 * GPIO_UPS_LEARN_MAX_SAMPLES / GPIO_UPS_LEARN_MAX_RUN_MS.
 */
static bool gpio_ups_learn_run_reading(struct gpio_ups_learn *l, u64 t_ms,
				       s32 v_uv, bool below)
{
	struct gpio_ups_learn_fit *f = &l->priv.fit;
	bool learned = false;

	if (!below || t_ms - l->priv.last_ms > GPIO_UPS_LEARN_MAX_GAP_MS ||
	    gpio_ups_learn_stopped_rising(l, t_ms, v_uv)) {
		learned = gpio_ups_learn_end_run(l);
		l->priv.full = !below;
		return learned;
	}
	gpio_ups_learn_fit_add(f, t_ms, v_uv);
	l->priv.last_ms = t_ms;
	l->priv.last_uv = v_uv;
	if (f->n >= GPIO_UPS_LEARN_MAX_SAMPLES ||
	    t_ms - f->t0_ms >= GPIO_UPS_LEARN_MAX_RUN_MS)
		learned = gpio_ups_learn_end_run(l);
	return learned;
}

/* One reading on mains. */
static bool gpio_ups_learn_mains(struct gpio_ups_learn *l, u64 t_ms, s32 v_uv,
				 bool just_returned)
{
	u32 full_uv = div_u64((u64)l->cfg.voltage_max_uv *
			      GPIO_UPS_LEARN_FULL_PM, 1000);
	bool below = v_uv < (s32)full_uv;

	if (just_returned) {
		/*
		 * The first reading may predate the charger's start: the run
		 * starts with the next one, its line is taken back to here.
		 */
		l->priv.ret_pending = true;
		l->priv.ret_ms = t_ms;
		return false;
	}
	if (l->priv.run)
		return gpio_ups_learn_run_reading(l, t_ms, v_uv, below);
	/* at rest: a run starts after a return of mains or at a rise */
	if (below && (l->priv.ret_pending || !l->priv.have_last ||
		      v_uv > l->priv.last_uv + (s32)GPIO_UPS_LEARN_RISE_UV))
		gpio_ups_learn_start_run(l, t_ms, v_uv, l->priv.ret_pending);
	l->priv.ret_pending = false;
	return false;
}

/**
 * gpio_ups_learn_update() - feed one reading
 * @l: state
 * @s: the reading, as handed to the estimator (a reading without a voltage
 *	is ignored)
 *
 * A reading whose @on_mains differs from the last one's is taken as the
 * first of the new state, at the switch.
 *
 * Return: true when the learned capacitance or ESR changed.
 */
bool gpio_ups_learn_update(struct gpio_ups_learn *l,
			   const struct gpio_ups_sample *s)
{
	u32 c = l->capacitance_uf, r = l->esr_uohm, k;
	bool just_switched = false;

	if (!gpio_ups_learn_on(l) || !s->voltage_valid || s->voltage_uv < 0)
		return false;
	if (l->priv.have_last && s->time_ms < l->priv.last_ms)
		return false;
	if (!l->priv.mains_known || l->priv.on_mains != s->on_mains) {
		just_switched = l->priv.mains_known;
		gpio_ups_learn_switch(l, s->on_mains, s->time_ms);
	}

	if (s->on_mains) {
		gpio_ups_learn_mains(l, s->time_ms, s->voltage_uv,
				     just_switched);
	} else if (s->time_ms >= l->priv.switch_ms + GPIO_UPS_EST_SKIP_MS) {
		/* backup: the ring of this stretch, past the switch's edge */
		k = l->priv.ring_n % GPIO_UPS_LEARN_RING;
		l->priv.ring_ms[k] = s->time_ms;
		l->priv.ring_uv[k] = s->voltage_uv;
		l->priv.ring_n++;
		if (l->priv.sw_pending && l->priv.ring_n == GPIO_UPS_LEARN_RING)
			gpio_ups_learn_switch_step(l);
	}
	l->priv.have_last = true;
	l->priv.last_ms = s->time_ms;
	l->priv.last_uv = s->voltage_uv;
	return c != l->capacitance_uf || r != l->esr_uohm;
}

/**
 * gpio_ups_learn_charging() - is a charge run being measured
 * @l: state
 *
 * The driver samples at GPIO_UPS_LEARN_SAMPLE_MS while this is true.
 *
 * Return: true during a charge run and right after a return of mains.
 */
bool gpio_ups_learn_charging(const struct gpio_ups_learn *l)
{
	return gpio_ups_learn_on(l) && (l->priv.run || l->priv.ret_pending);
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
	u32 interval = cfg->sample_interval_ms ? cfg->sample_interval_ms :
						 GPIO_UPS_DEF_SAMPLE_INTERVAL_MS;

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
static void gpio_ups_stats_stretch_start(struct gpio_ups_stats *st,
					 const struct gpio_ups_stats_input *in)
{
	if (!st->priv.have_outage || in->outage_ms != st->priv.outage_ms) {
		st->transfers++;
		st->last_reason = in->started ?
				  GPIO_UPS_XFER_STARTED_ON_BACKUP :
				  GPIO_UPS_XFER_POWER_FAIL;
		st->backup_last_ms = 0;
		st->drawn_valid = false;
		st->drawn_uj = 0;
		st->priv.acc_uj = 0;
		st->priv.committed = false;
		st->priv.have_outage = true;
		st->priv.outage_ms = in->outage_ms;
	}
	st->priv.have_ref = false;
}

/*
 * The energy drawn in the outage: the earlier stretches' (first reading
 * less the last) plus this one's so far.
 */
static void gpio_ups_stats_drawn(struct gpio_ups_stats *st,
				 const struct gpio_ups_stats_input *in,
				 bool was_backup)
{
	if (!in->on_backup && was_backup && st->priv.have_ref &&
	    st->priv.ref_uj > st->priv.cur_uj)
		st->priv.acc_uj += st->priv.ref_uj - st->priv.cur_uj;
	if (in->on_backup && in->energy_valid) {
		if (!st->priv.have_ref) {
			st->priv.have_ref = true;
			st->priv.ref_uj = in->energy_uj;
		}
		st->priv.cur_uj = in->energy_uj;
		st->drawn_valid = true;
		st->drawn_uj = st->priv.acc_uj +
			       (st->priv.ref_uj > st->priv.cur_uj ?
				st->priv.ref_uj - st->priv.cur_uj : 0);
	}
}

/**
 * gpio_ups_stats_update() - account for the time since the last update
 * @st: statistics
 * @in: the state now
 *
 * Call at every policy evaluation.  A transfer is counted when the policy
 * starts a new outage (@in->outage_ms changes while on backup), so returns
 * of mains that do not end the outage are no transfers; time on backup
 * counts only while on backup.  The energy drawn is summed over the
 * outage's stretches on backup (first reading of a stretch less the last),
 * so what the charger adds while mains flaps is not taken off.
 */
void gpio_ups_stats_update(struct gpio_ups_stats *st,
			   const struct gpio_ups_stats_input *in)
{
	bool was_backup = st->priv.have && st->priv.on_backup;
	u64 dt = 0;

	if (st->priv.have && in->now_ms > st->priv.last_ms)
		dt = in->now_ms - st->priv.last_ms;
	if (was_backup) {
		st->backup_total_ms += dt;
		st->backup_last_ms += dt;
	}
	if (in->on_backup && !was_backup)
		gpio_ups_stats_stretch_start(st, in);
	gpio_ups_stats_drawn(st, in, was_backup);
	if (in->on_backup && in->committed && !st->priv.committed) {
		st->priv.committed = true;
		st->commit_valid = in->energy_valid;
		st->commit_uj = in->energy_valid ? in->energy_uj : 0;
	}
	st->priv.have = true;
	st->priv.on_backup = in->on_backup;
	st->priv.last_ms = in->now_ms;
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
