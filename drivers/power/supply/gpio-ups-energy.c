// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups energy model and estimator.
 *
 * Energy model
 *   Supercapacitor: usable energy E(V) = 1/2 * C * (V^2 - Vmin^2) * eta,
 *   the energy the load receives until the converter cuts off at Vmin.
 *   Battery: E = energy_full_design * eta * W(V) / W(full), with W(V) the
 *   charge from Vmin up to V times the voltage it comes at, along the
 *   open-circuit-voltage table (soc() interpolated in it as
 *   power_supply_batinfo_ocv2cap() does, in parts per million): the last
 *   percent of charge, near the cut-off, holds less energy than one near
 *   full.
 *   When the store current I is known, the reading is compensated for the
 *   I * R drop (V_oc = V + I * R); for a supercapacitor the cut-off is then
 *   also raised to Vmin + I * R, since the converter stops on the terminal
 *   voltage.  All products use 64-bit (or 128-bit via
 *   mul_u64_u64_div_u64()) intermediates and cannot overflow within the
 *   documented ranges (C <= 3000 F, V <= 30 V, load <= 50 W).
 *
 * Estimator
 *   Every accepted sample is turned into usable energy and kept in a
 *   sliding window (at most GPIO_UPS_EST_WINDOW samples and
 *   GPIO_UPS_EST_SPAN_MS; GPIO_UPS_EST_MAINS_SPAN_MS on mains).
 *   - Plausibility: a reading below 0 or more than GPIO_UPS_EST_OVERVOLT_PCT
 *     above voltage_max_uv is rejected.  So is a reading whose energy moved
 *     since the last accepted one by more than the largest plausible load
 *     (GPIO_UPS_MAX_POWER_UW, the documented range) or charge can
 *     explain, plus a margin for the I * R step at that load (none between
 *     battery readings with their current, both compensated for it) and
 *     for noise (GPIO_UPS_EST_NOISE_MARGIN_DIV).  After
 *     GPIO_UPS_EST_RESYNC_RUN such rejections in a row that agree with
 *     one another, the estimator takes the new level as real and restarts
 *     (so it can never lock itself out).
 *   - Load power: from V * I (averaged over GPIO_UPS_EST_VI_AVG_MS) when a
 *     current reading exists; otherwise minus the least-squares slope of
 *     energy over the window, once it holds GPIO_UPS_EST_MIN_FIT samples
 *     spanning GPIO_UPS_EST_MIN_SPAN_MS.  Samples in the first
 *     GPIO_UPS_EST_SKIP_MS after a mains transition are not fitted (ESR
 *     step).  A sample further than GPIO_UPS_EST_STEP_SIGMAS noise widths
 *     from the line is held back; GPIO_UPS_EST_STEP_RUN such samples in a
 *     row on the same side are a load step and the window restarts with
 *     them (minus the first, which may straddle the step); a lone outlier
 *     is dropped and counted as rejected.  Until a measurement exists the
 *     nominal load (store->nominal_load_uw) is used, power_measured=false.
 *     Battery stores without a current reading use the nominal load when
 *     one is set (an OCV slope over seconds says little).
 *   - On backup the published energy is the fitted line at the newest
 *     sample (a lone reading moves it by a fraction of its error).
 *   - time_to_empty = energy / power; time_to_empty_avg uses the power
 *     averaged exponentially with time constant GPIO_UPS_EST_AVG_TAU_MS.
 *     A power below 1 mW is taken as 1 mW for the division.
 *   - On mains: the charge rate is the least-squares slope over the window
 *     (GPIO_UPS_EST_MAINS_MIN_FIT samples spanning
 *     GPIO_UPS_EST_MAINS_MIN_SPAN_MS).  "rising" = rate above
 *     GPIO_UPS_EST_CHARGE_PERMILLE_MIN per mille of energy_full per minute.
 *     charging = rising, or (no rate yet and capacity below
 *     GPIO_UPS_EST_FULL_PCT).  full = capacity >= GPIO_UPS_EST_FULL_PCT and
 *     not rising.  Neither (steady below GPIO_UPS_EST_FULL_PCT) means the
 *     charger stopped short of voltage_max_uv.  time_to_full from the
 *     voltage slope for a supercapacitor (constant-current charging makes
 *     the voltage, not the energy, linear in time), from the energy slope
 *     for a battery.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>

#include "gpio-ups-energy.h"

#define PPM			1000000U
/* noise margin of the plausibility check: voltage_max / this */
#define GPIO_UPS_EST_NOISE_MARGIN_DIV	32
/* the fit keeps energies below 2^GPIO_UPS_EST_FIT_BITS (scaled) */
#define GPIO_UPS_EST_FIT_BITS	36
/* minimum power used as divisor for time to empty */
#define GPIO_UPS_EST_MIN_DIV_UW	1000

static bool gpio_ups_is_cap(const struct gpio_ups_store *store)
{
	return store->type == GPIO_UPS_STORE_SUPERCAP;
}

/* the learned figures, where learned, else the declared ones */
static u32 gpio_ups_store_c_uf(const struct gpio_ups_store *store)
{
	return store->learned_capacitance_uf ? store->learned_capacitance_uf :
					       store->capacitance_uf;
}

static u32 gpio_ups_store_r_uohm(const struct gpio_ups_store *store)
{
	return store->learned_resistance_uohm ? store->learned_resistance_uohm :
						store->resistance_uohm;
}

/**
 * gpio_ups_store_validate() - check a store description
 * @store: description
 *
 * Rejects what no real store can be: cut-off at or above the charge
 * voltage, efficiency 0 or above 100 %, no capacitance or energy, values
 * beyond the documented ranges, OCV tables that are not ordered.
 *
 * Return: 0 when usable, -EINVAL otherwise.
 */
int gpio_ups_store_validate(const struct gpio_ups_store *store)
{
	unsigned int i;

	if (!store)
		return -EINVAL;
	if (store->type == GPIO_UPS_STORE_NONE)
		return 0;
	if (store->type != GPIO_UPS_STORE_SUPERCAP &&
	    store->type != GPIO_UPS_STORE_BATTERY)
		return -EINVAL;
	if (!store->voltage_max_uv ||
	    store->voltage_max_uv > GPIO_UPS_MAX_VOLTAGE_UV ||
	    store->voltage_min_uv >= store->voltage_max_uv)
		return -EINVAL;
	if (!store->efficiency_pct || store->efficiency_pct > 100)
		return -EINVAL;
	if (gpio_ups_store_r_uohm(store) > GPIO_UPS_MAX_RESISTANCE_UOHM ||
	    store->resistance_uohm > GPIO_UPS_MAX_RESISTANCE_UOHM ||
	    store->learned_capacitance_uf > GPIO_UPS_MAX_CAPACITANCE_UF ||
	    store->nominal_load_uw > GPIO_UPS_MAX_POWER_UW)
		return -EINVAL;
	if (store->type == GPIO_UPS_STORE_SUPERCAP) {
		if (!store->capacitance_uf ||
		    store->capacitance_uf > GPIO_UPS_MAX_CAPACITANCE_UF)
			return -EINVAL;
		return 0;
	}
	if (!store->energy_full_design_uwh ||
	    store->energy_full_design_uwh > GPIO_UPS_MAX_ENERGY_UWH)
		return -EINVAL;
	if (store->ocv_points < 2 ||
	    store->ocv_points > GPIO_UPS_OCV_MAX_POINTS)
		return -EINVAL;
	for (i = 0; i < store->ocv_points; i++) {
		if (store->ocv[i].pct > 100 ||
		    store->ocv[i].ocv_uv > GPIO_UPS_MAX_VOLTAGE_UV)
			return -EINVAL;
		if (i && (store->ocv[i].ocv_uv >= store->ocv[i - 1].ocv_uv ||
			  store->ocv[i].pct > store->ocv[i - 1].pct))
			return -EINVAL;
	}
	return 0;
}

/**
 * gpio_ups_ocv2cap_ppm() - state of charge from an open-circuit voltage
 * @store: battery description (OCV table ordered by falling voltage)
 * @ocv_uv: open-circuit voltage
 *
 * Linear interpolation between the two table points around @ocv_uv, as
 * power_supply_batinfo_ocv2cap() does, but in parts per million; clamped
 * to the first/last point outside the table.
 *
 * Return: state of charge, 0..1000000.
 */
u32 gpio_ups_ocv2cap_ppm(const struct gpio_ups_store *store, u32 ocv_uv)
{
	const struct gpio_ups_ocv_point *o = store->ocv;
	unsigned int n = min_t(unsigned int, store->ocv_points,
			       GPIO_UPS_OCV_MAX_POINTS);
	unsigned int i;
	u64 frac;

	if (!n)
		return 0;
	if (ocv_uv >= o[0].ocv_uv)
		return o[0].pct * (PPM / 100);
	for (i = 1; i < n; i++) {
		if (ocv_uv < o[i].ocv_uv)
			continue;
		if (o[i - 1].ocv_uv <= o[i].ocv_uv)
			return o[i].pct * (PPM / 100);
		/* (pct[i-1]-pct[i]) * 1e4 * (v - ocv[i]) <= 1e6 * 3e7 */
		frac = div_u64((u64)(o[i - 1].pct - o[i].pct) * (PPM / 100) *
			       (ocv_uv - o[i].ocv_uv),
			       o[i - 1].ocv_uv - o[i].ocv_uv);
		return o[i].pct * (PPM / 100) + (u32)frac;
	}
	return o[n - 1].pct * (PPM / 100);
}

/* energy of the supercapacitor between v_uv and vmin_uv, in uJ */
static u64 gpio_ups_cap_energy_uj(const struct gpio_ups_store *store,
				  u32 v_uv, u32 vmin_uv)
{
	u64 v2, vmin2;

	/* keep the squares below 2^52: no reading needs more than 2 x 30 V */
	v_uv = min_t(u32, v_uv, 2 * GPIO_UPS_MAX_VOLTAGE_UV);
	if (v_uv <= vmin_uv)
		return 0;
	v2 = (u64)v_uv * v_uv;
	vmin2 = (u64)vmin_uv * vmin_uv;
	/*
	 * uJ = uF * uV^2 * 1e-12 / 2 * pct / 100
	 * (C * eta) <= 3e9 * 100 < 2^39, (V^2 - Vmin^2) < 2^52: the 128-bit
	 * intermediate of mul_u64_u64_div_u64() holds it, and the result
	 * (<= 5.4e12 uJ) fits u64.
	 */
	return mul_u64_u64_div_u64((u64)gpio_ups_store_c_uf(store) *
				   store->efficiency_pct, v2 - vmin2,
				   200000000000000ULL);
}

static u64 gpio_ups_bat_full_uj(const struct gpio_ups_store *store)
{
	/* <= 2e9 uWh * 3600 * 100 < 2^60 */
	return div_u64(min_t(u64, store->energy_full_design_uwh,
			     GPIO_UPS_MAX_ENERGY_UWH) * 3600 *
		       store->efficiency_pct, 100);
}

/*
 * What the cell gives from the cut-off up to ocv_uv: the charge between
 * them times the voltage it comes at, along the OCV table (linear in
 * charge between its points, so each stretch counts at its mean
 * voltage).  In ppm of the charge times uV: < 1e6 * 6e7 in all.
 */
static u64 gpio_ups_bat_work(const struct gpio_ups_store *store, u32 ocv_uv)
{
	const struct gpio_ups_ocv_point *o = store->ocv;
	int i = min_t(int, store->ocv_points, GPIO_UPS_OCV_MAX_POINTS);
	u32 v_lo = store->voltage_min_uv, v, s;
	u32 s_lo = gpio_ups_ocv2cap_ppm(store, v_lo);
	u64 work = 0;

	/* the points from the lowest voltage up, then ocv_uv itself */
	while (v_lo < ocv_uv) {
		v = --i >= 0 ? min(o[i].ocv_uv, ocv_uv) : ocv_uv;
		if (v <= v_lo)
			continue;
		s = gpio_ups_ocv2cap_ppm(store, v);
		if (s > s_lo)
			work += (u64)(s - s_lo) * (((u64)v + v_lo) / 2);
		v_lo = v;
		s_lo = max(s, s_lo);
	}
	return work;
}

/*
 * Usable energy at an open-circuit voltage: energy_full_design (times the
 * efficiency) shared out along the OCV curve by gpio_ups_bat_work().  The
 * last percent of charge, at 3.2 V, is worth less than one at 4.1 V.
 */
static u64 gpio_ups_bat_energy_uj(const struct gpio_ups_store *store,
				  u32 ocv_uv)
{
	u64 full = gpio_ups_bat_work(store, U32_MAX);

	if (!full || ocv_uv <= store->voltage_min_uv)
		return 0;
	return mul_u64_u64_div_u64(gpio_ups_bat_full_uj(store),
				   min(gpio_ups_bat_work(store, ocv_uv), full),
				   full);
}

/**
 * gpio_ups_energy_uj() - usable energy at an open-circuit voltage
 * @store: description
 * @voltage_uv: store voltage (no load, or already compensated for I * R)
 *
 * Return: energy the load receives until the converter cuts off, in
 * microjoule (0 at or below the cut-off or for a GPIO-only store).
 */
u64 gpio_ups_energy_uj(const struct gpio_ups_store *store, u32 voltage_uv)
{
	switch (store->type) {
	case GPIO_UPS_STORE_SUPERCAP:
		return gpio_ups_cap_energy_uj(store, voltage_uv,
					      store->voltage_min_uv);
	case GPIO_UPS_STORE_BATTERY:
		return gpio_ups_bat_energy_uj(store, voltage_uv);
	default:
		return 0;
	}
}

/**
 * gpio_ups_energy_full_uj() - usable energy when charged
 * @store: description
 *
 * Return: usable energy at voltage_max_uv (supercapacitor) or
 * energy_full_design times efficiency (battery), in microjoule.
 */
u64 gpio_ups_energy_full_uj(const struct gpio_ups_store *store)
{
	switch (store->type) {
	case GPIO_UPS_STORE_SUPERCAP:
		return gpio_ups_cap_energy_uj(store, store->voltage_max_uv,
					      store->voltage_min_uv);
	case GPIO_UPS_STORE_BATTERY:
		return gpio_ups_bat_energy_uj(store, U32_MAX);
	default:
		return 0;
	}
}

/* I * R in uV; i_ua > 0 while discharging */
static s64 gpio_ups_ir_uv(const struct gpio_ups_store *store, s32 i_ua)
{
	/* |I| < 2^31 uA, R <= 1e7 uohm: product < 2^55 */
	return div_s64((s64)i_ua * gpio_ups_store_r_uohm(store), PPM);
}

/*
 * Usable energy for a reading.  Battery: the state of charge is looked up
 * at the open-circuit voltage V + I * R when the current is known.
 * Supercapacitor: the terminal voltage is used as is.  With constant load
 * power P_in = V_t * I at the converter input, the terminal-voltage energy
 * 1/2 C (V_t^2 - Vmin^2) equals 1/2 C (V_oc^2 - (Vmin + I_end R)^2), the
 * open-circuit energy down to the raised cut-off, up to a term of order
 * (I R)^2: compensating the reading alone would overestimate it.  The
 * remaining loss, I^2 R in the ESR, is taken off when publishing (see
 * gpio_ups_esr_loss_uj()).
 */
static u64 gpio_ups_sample_energy_uj(const struct gpio_ups_store *store,
				     u32 v_uv, bool has_i, s32 i_ua)
{
	s64 ir, ocv, cut;
	u64 e_uj, e_cut_uj;

	if (store->type == GPIO_UPS_STORE_SUPERCAP)
		return gpio_ups_cap_energy_uj(store, v_uv,
					      store->voltage_min_uv);
	if (!has_i)
		return gpio_ups_energy_uj(store, v_uv);
	ir = gpio_ups_ir_uv(store, i_ua);
	ocv = clamp_t(s64, (s64)v_uv + ir, 0, 2LL * GPIO_UPS_MAX_VOLTAGE_UV);
	e_uj = gpio_ups_energy_uj(store, (u32)ocv);
	if (ir <= 0 || !ocv)
		return e_uj;
	/*
	 * Battery under load: the converter stops when V_t = Vmin, i.e. at
	 * an open-circuit voltage of Vmin + I * R, and of what the cell gives
	 * up only V_t / V_oc reaches the converter (the rest heats R).
	 */
	cut = min_t(s64, (s64)store->voltage_min_uv + ir,
		    2LL * GPIO_UPS_MAX_VOLTAGE_UV);
	e_cut_uj = gpio_ups_energy_uj(store, (u32)cut);
	if (e_uj <= e_cut_uj)
		return 0;
	return mul_u64_u64_div_u64(e_uj - e_cut_uj, v_uv, (u64)ocv);
}

/*
 * Supercapacitor: energy the ESR will burn from voltage v_uv down to the
 * cut-off at load power p_uw (load side).  With P_in = V I constant and
 * dt = -C V dV / P_in, the integral of I^2 R dt is R C P_in ln(V / Vmin);
 * at the load side R C P ln(V / Vmin).  ln(x) is taken as
 * 2 (x - 1) / (x + 1), within 3 % for x <= 2.
 */
static u64 gpio_ups_esr_loss_uj(const struct gpio_ups_store *store,
				u32 v_uv, u32 p_uw)
{
	u32 vmin = store->voltage_min_uv;
	/* R C in us: <= 1e7 uohm * 3e9 uF / 1e6 = 3e10 */
	u64 rc_us = div_u64((u64)gpio_ups_store_r_uohm(store) *
			    gpio_ups_store_c_uf(store), PPM);

	if (store->type != GPIO_UPS_STORE_SUPERCAP || v_uv <= vmin)
		return 0;
	/* rc_us * p_uw <= 3e10 * 5e9 < 2^58: uW * us = 1e-6 uJ */
	return mul_u64_u64_div_u64(rc_us * p_uw, 2ULL * (v_uv - vmin),
				   (u64)PPM * ((u64)v_uv + vmin));
}

/**
 * gpio_ups_energy_full_at_load_uj() - what the store delivers from full
 * @store: description (learned figures where learned)
 * @load_uw: load power
 *
 * Return: usable energy when charged, less what the ESR burns on the way
 * down to the cut-off at @load_uw (supercapacitor), in microjoule.
 */
u64 gpio_ups_energy_full_at_load_uj(const struct gpio_ups_store *store,
				    u32 load_uw)
{
	u64 full = gpio_ups_energy_full_uj(store);
	u64 loss = gpio_ups_esr_loss_uj(store, store->voltage_max_uv, load_uw);

	return full > loss ? full - loss : 0;
}

/* energy that a voltage change of dv_uv around v_uv is worth */
static u64 gpio_ups_margin_uj(const struct gpio_ups_store *store, u32 v_uv,
			      u32 dv_uv, bool up)
{
	u64 e_uj = gpio_ups_energy_uj(store, v_uv);

	if (up)
		return gpio_ups_energy_uj(store, v_uv + dv_uv) - e_uj;
	return e_uj - gpio_ups_energy_uj(store,
					  v_uv > dv_uv ? v_uv - dv_uv : 0);
}

/*
 * Store current for a load of p_uw (load side, p_uw <= 2^32) at v_uv > 0:
 * I = P * 100 / eta / V; uW * 1e6 / uV = uA, <= 5e9 * 1e6.
 */
static u64 gpio_ups_current_ua(const struct gpio_ups_store *store, u64 p_uw,
			       u32 v_uv)
{
	return div_u64(div_u64(p_uw * 100, store->efficiency_pct) * PPM, v_uv);
}

/* largest plausible store current at v_uv, in uA */
static u64 gpio_ups_max_current_ua(const struct gpio_ups_store *store,
				   u32 v_uv)
{
	u32 floor_uv = max3(v_uv, store->voltage_min_uv,
			    store->voltage_max_uv / 10);

	return gpio_ups_current_ua(store, GPIO_UPS_MAX_POWER_UW,
				   max_t(u32, floor_uv, 1));
}

/*
 * Voltage margin for plausibility: I_max * R plus noise.  Two battery
 * readings with their currents are both looked up at V + I * R: no I * R
 * step between them, noise only.
 */
static u32 gpio_ups_margin_uv(const struct gpio_ups_store *store,
			      const struct gpio_ups_est_point *ref,
			      const struct gpio_ups_est_point *pt)
{
	u32 noise = store->voltage_max_uv / GPIO_UPS_EST_NOISE_MARGIN_DIV;
	u64 ir;

	if (store->type == GPIO_UPS_STORE_BATTERY && ref->has_i && pt->has_i)
		return noise;
	ir = div_u64(gpio_ups_max_current_ua(store, ref->v_uv) *
		     gpio_ups_store_r_uohm(store), PPM);
	return (u32)min_t(u64, ir, GPIO_UPS_MAX_VOLTAGE_UV) + noise;
}

static void gpio_ups_win_reset(struct gpio_ups_estimator *estimator)
{
	estimator->priv.head = 0;
	estimator->priv.count = 0;
	estimator->priv.nheld = 0;
	estimator->priv.held_sign = 0;
	memset(&estimator->priv.fit, 0, sizeof(estimator->priv.fit));
}

static struct gpio_ups_est_point *
gpio_ups_win_at(struct gpio_ups_estimator *estimator, unsigned int i)
{
	return &estimator->priv.win[(estimator->priv.head + i) %
				    GPIO_UPS_EST_WINDOW];
}

static void gpio_ups_win_push(struct gpio_ups_estimator *estimator,
			      const struct gpio_ups_est_point *pt)
{
	u64 span = estimator->priv.on_mains ? GPIO_UPS_EST_MAINS_SPAN_MS :
				      GPIO_UPS_EST_SPAN_MS;

	if (estimator->priv.count == GPIO_UPS_EST_WINDOW) {
		estimator->priv.head = (estimator->priv.head + 1) %
				       GPIO_UPS_EST_WINDOW;
		estimator->priv.count--;
	}
	*gpio_ups_win_at(estimator, estimator->priv.count) = *pt;
	estimator->priv.count++;
	while (estimator->priv.count > 1 &&
	       pt->t_ms - gpio_ups_win_at(estimator, 0)->t_ms > span) {
		estimator->priv.head = (estimator->priv.head + 1) %
				       GPIO_UPS_EST_WINDOW;
		estimator->priv.count--;
	}
}

/* a * b / c rounded toward zero, c > 0, with a 128-bit product */
static s64 gpio_ups_mul_div_s64(s64 a, s64 b, s64 c)
{
	s64 q = (s64)mul_u64_u64_div_u64(abs(a), abs(b), c);

	return (a < 0) != (b < 0) ? -q : q;
}

/* means of t - t0, of the scaled energy and of the voltage over the window */
static void gpio_ups_fit_means(struct gpio_ups_estimator *estimator, u64 t0,
			       u64 *mt, u64 *me, u64 *mv)
{
	unsigned int n = estimator->priv.count, i;
	const struct gpio_ups_est_point *p;
	u64 st = 0, se = 0, sv = 0;

	for (i = 0; i < n; i++) {
		p = gpio_ups_win_at(estimator, i);
		st += p->t_ms - t0;
		se += p->e_uj >> estimator->priv.fit_shift;
		sv += p->v_uv;
	}
	*mt = div_u64(st + n / 2, n);
	*me = div_u64(se + n / 2, n);
	*mv = div_u64(sv + n / 2, n);
}

/* power in uW = -(dE/dt in uJ/ms) * 1000, guarded against garbage */
static s64 gpio_ups_fit_power_uw(s64 sxe, s64 sxx, unsigned int sh)
{
	u64 q = div64_u64(abs(sxe), sxx);

	if (q > (1ULL << 40))
		return sxe < 0 ? S64_MAX : S64_MIN;
	return (s64)mul_u64_u64_div_u64(abs(sxe), 1000ULL << sh, sxx) *
	       (sxe < 0 ? 1 : -1);
}

/* 1.25 x mean absolute deviation estimates sigma of Gaussian noise */
static u64 gpio_ups_fit_sigma_uj(struct gpio_ups_estimator *estimator, u64 t0,
				 u64 mt, u64 me, s64 sxe, s64 sxx)
{
	unsigned int n = estimator->priv.count, i;
	unsigned int sh = estimator->priv.fit_shift;
	const struct gpio_ups_est_point *p;
	u64 sabs = 0;
	s64 dt, res;

	for (i = 0; i < n; i++) {
		p = gpio_ups_win_at(estimator, i);
		dt = (s64)(p->t_ms - t0) - (s64)mt;
		res = (s64)(p->e_uj >> sh) - (s64)me - gpio_ups_mul_div_s64(sxe, dt, sxx);
		sabs += abs(res);
	}
	return div_u64(sabs * 5, 4 * (n - 2)) << sh;
}

static bool gpio_ups_fit_ready(const struct gpio_ups_estimator *estimator);

/*
 * Least-squares line through (t, E) and (t, V) of the window.
 *
 * Overflow: the window spans at most 120 s, so |t - mean| < 2^17 ms;
 * energies are scaled down by priv.fit_shift to below 2^36 (readings are at
 * most 110 % of voltage_max, i.e. 1.21 x energy_full, < 2^37), so each
 * product is < 2^54 and a sum of 64 of them < 2^60.  Sxe * dt can reach
 * 2^77: it goes through gpio_ups_mul_div_s64(); the quotient is an energy
 * or voltage step inside the window, far below 2^63.
 */
static void gpio_ups_fit(struct gpio_ups_estimator *estimator)
{
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	unsigned int n = estimator->priv.count, i;
	unsigned int sh = estimator->priv.fit_shift;
	const struct gpio_ups_est_point *p;
	u64 mt, me, mv, t0;
	s64 sxx = 0, sxe = 0, sxv = 0, dt, de;

	memset(f, 0, sizeof(*f));
	f->n = n;
	if (!n)
		return;
	t0 = gpio_ups_win_at(estimator, 0)->t_ms;
	p = gpio_ups_win_at(estimator, n - 1);
	f->t_last_ms = p->t_ms;
	f->e_last_uj = p->e_uj;
	f->v_last_uv = p->v_uv;
	f->span_ms = p->t_ms - t0;
	if (n < 2 || !f->span_ms)
		return;
	gpio_ups_fit_means(estimator, t0, &mt, &me, &mv);
	f->v_mean_uv = (u32)mv;
	for (i = 0; i < n; i++) {
		p = gpio_ups_win_at(estimator, i);
		dt = (s64)(p->t_ms - t0) - (s64)mt;
		de = (s64)(p->e_uj >> sh) - (s64)me;
		sxx += dt * dt;
		sxe += dt * de;
		sxv += dt * ((s64)p->v_uv - (s64)mv);
	}
	if (sxx <= 0)
		return;
	f->sxx = sxx;
	f->sxv = sxv;
	f->power_uw = gpio_ups_fit_power_uw(sxe, sxx, sh);
	/* value of the line at the newest sample */
	dt = (s64)(f->t_last_ms - t0) - (s64)mt;
	de = gpio_ups_mul_div_s64(sxe, dt, sxx);
	f->e_last_uj = (u64)max_t(s64, (s64)me + de, 0) << sh;
	de = gpio_ups_mul_div_s64(sxv, dt, sxx);
	f->v_last_uv = (u32)clamp_t(s64, (s64)mv + de, 0, U32_MAX);
	if (n < 3)
		return;
	f->sigma_uj = gpio_ups_fit_sigma_uj(estimator, t0, mt, me, sxe, sxx);
	if (estimator->priv.on_mains && gpio_ups_fit_ready(estimator))
		estimator->priv.noise_uj = f->sigma_uj;
}

/* energy the fitted line predicts at t_ms */
static u64 gpio_ups_fit_predict(const struct gpio_ups_estimator *estimator,
				u64 t_ms)
{
	const struct gpio_ups_est_fit *f = &estimator->priv.fit;
	s64 dt = (s64)(t_ms - f->t_last_ms);
	s64 de = div_s64((s64)min_t(u64, abs(f->power_uw), S32_MAX) *
			 min_t(s64, dt, GPIO_UPS_EST_MAINS_SPAN_MS), 1000);

	if (f->power_uw < 0)
		de = -de;
	return (u64)max_t(s64, (s64)f->e_last_uj - de, 0);
}

static bool gpio_ups_fit_ready(const struct gpio_ups_estimator *estimator)
{
	const struct gpio_ups_est_fit *f = &estimator->priv.fit;

	if (estimator->priv.on_mains)
		return f->n >= GPIO_UPS_EST_MAINS_MIN_FIT &&
		       f->span_ms >= GPIO_UPS_EST_MAINS_MIN_SPAN_MS;
	return f->n >= GPIO_UPS_EST_MIN_FIT &&
	       f->span_ms >= GPIO_UPS_EST_MIN_SPAN_MS;
}

/* energy_full, and the fit's scaling for energies up to 121 % of it */
static void gpio_ups_est_set_full(struct gpio_ups_estimator *estimator,
				  u64 full)
{
	/* they must stay below 2^FIT_BITS */
	estimator->priv.fit_shift = 0;
	while ((full >> estimator->priv.fit_shift) >=
	       (1ULL << (GPIO_UPS_EST_FIT_BITS - 1)))
		estimator->priv.fit_shift++;
	estimator->estimate.energy_full_uj = full;
}

/**
 * gpio_ups_est_init() - start an estimator
 * @estimator: estimator
 * @store: description, must outlive @estimator
 */
void gpio_ups_est_init(struct gpio_ups_estimator *estimator,
		       const struct gpio_ups_store *store)
{
	memset(estimator, 0, sizeof(*estimator));
	estimator->store = store;
	if (!store || store->type == GPIO_UPS_STORE_NONE)
		return;
	gpio_ups_est_set_full(estimator, gpio_ups_energy_full_uj(store));
}

static void gpio_ups_est_publish(struct gpio_ups_estimator *estimator,
				 const struct gpio_ups_est_point *pt);

static void gpio_ups_est_clear_outputs(struct gpio_ups_estimator *estimator)
{
	struct gpio_ups_estimate *est = &estimator->estimate;

	est->power_valid = false;
	est->power_measured = false;
	est->power_proven = false;
	est->power_declared = false;
	est->tte_valid = false;
	est->ttf_valid = false;
	est->charging = false;
	est->full = false;
}

/**
 * gpio_ups_est_mains_changed() - tell the estimator mains came or went
 * @estimator: estimator
 * @on_mains: new debounced state
 * @now_ms: time of the change
 *
 * Restarts the fit window (the next GPIO_UPS_EST_SKIP_MS of samples are not
 * fitted) and, on the switch to backup, the load measurement, unless mains
 * was back for less than GPIO_UPS_MAINS_SETTLE_MS: then the outage goes on
 * and so does its measured load.  The energy estimate stays valid.
 */
void gpio_ups_est_mains_changed(struct gpio_ups_estimator *estimator,
				bool on_mains, u64 now_ms)
{
	/* back on backup within GPIO_UPS_MAINS_SETTLE_MS: the same outage */
	bool same_outage = !on_mains && estimator->priv.mains_known &&
			   now_ms < estimator->priv.mains_back_ms +
				    GPIO_UPS_MAINS_SETTLE_MS;

	if (estimator->priv.mains_known && estimator->priv.on_mains == on_mains)
		return;
	estimator->priv.mains_known = true;
	estimator->priv.on_mains = on_mains;
	estimator->priv.switch_ms = now_ms;
	if (on_mains)
		estimator->priv.mains_back_ms = now_ms;
	gpio_ups_win_reset(estimator);
	if (!on_mains && !same_outage) {
		estimator->priv.have_load = false;
		estimator->priv.have_avg = false;
		estimator->priv.peak_load_uw = 0;
	}
	gpio_ups_est_clear_outputs(estimator);
	/* republish from the last reading: nominal runtime, charging state */
	if (estimator->estimate.energy_valid && estimator->priv.have_last)
		gpio_ups_est_publish(estimator, &estimator->priv.last);
}

/**
 * gpio_ups_est_invalidate() - forget the estimate (ADC lost)
 * @estimator: estimator
 *
 * Everything measured is dropped; the next valid sample starts afresh.
 * The rejected counter is kept.
 */
void gpio_ups_est_invalidate(struct gpio_ups_estimator *estimator)
{
	u64 full = estimator->estimate.energy_full_uj;
	u32 seq = estimator->estimate.seq;

	memset(&estimator->estimate, 0, sizeof(estimator->estimate));
	estimator->estimate.energy_full_uj = full;
	estimator->estimate.seq = seq;
	gpio_ups_win_reset(estimator);
	estimator->priv.have_last = false;
	estimator->priv.jump_run = 0;
	estimator->priv.range_run = 0;
	estimator->priv.have_load = false;
	estimator->priv.have_avg = false;
}

/**
 * gpio_ups_est_store_changed() - the store's learned figures changed
 * @estimator: estimator
 *
 * Takes a new learned capacitance into energy_full and the energy of the
 * readings to come: the fit window restarts (its energies hold the old
 * capacitance) and the last reading is valued afresh.  A new ESR alone
 * keeps the window.  The estimate is published again from the last reading.
 */
void gpio_ups_est_store_changed(struct gpio_ups_estimator *estimator)
{
	const struct gpio_ups_store *store = estimator->store;
	struct gpio_ups_est_point *last = &estimator->priv.last;
	u64 full;

	if (!store || store->type == GPIO_UPS_STORE_NONE)
		return;
	full = gpio_ups_energy_full_uj(store);
	if (full != estimator->estimate.energy_full_uj) {
		gpio_ups_est_set_full(estimator, full);
		gpio_ups_win_reset(estimator);
		estimator->priv.jump_run = 0;
		if (estimator->priv.have_last && gpio_ups_is_cap(store))
			last->e_uj = gpio_ups_sample_energy_uj(store, last->v_uv,
							       false, 0);
	}
	if (estimator->estimate.energy_valid && estimator->priv.have_last)
		gpio_ups_est_publish(estimator, &estimator->priv.last);
}

/* mean V * I power over the newest GPIO_UPS_EST_VI_AVG_MS of the window */
static bool gpio_ups_vi_power(struct gpio_ups_estimator *estimator, u32 *p_uw)
{
	unsigned int i, n = 0;
	u64 sum = 0, t_last;
	const struct gpio_ups_est_point *p;

	if (!estimator->priv.count)
		return false;
	t_last = gpio_ups_win_at(estimator, estimator->priv.count - 1)->t_ms;
	for (i = estimator->priv.count; i-- > 0;) {
		p = gpio_ups_win_at(estimator, i);
		if (!p->has_i || t_last - p->t_ms > GPIO_UPS_EST_VI_AVG_MS)
			break;
		sum += p->p_uw;
		n++;
	}
	if (!n)
		return false;
	*p_uw = (u32)div_u64(sum + n / 2, n);
	return true;
}

static u32 gpio_ups_tte_s(u64 e_uj, u32 p_uw)
{
	return (u32)min_t(u64, div_u64(e_uj, max_t(u32, p_uw,
						   GPIO_UPS_EST_MIN_DIV_UW)),
			  U32_MAX);
}

static u32 gpio_ups_pct(u64 e_uj, u64 full_uj)
{
	if (!full_uj)
		return 0;
	return (u32)min_t(u64, 100, div64_u64(e_uj * 100 + (full_uj >> 1),
					      full_uj));
}

/*
 * Load power from the slope of terminal-voltage energy.  For a
 * supercapacitor with ESR R that slope is eta * P_in / (1 - R I / V) (the
 * sag I * R deepens as the voltage falls), so scale it by (1 - R I / V),
 * I = P_in / V.
 */
static u32 gpio_ups_slope_power_uw(const struct gpio_ups_store *store,
				   s64 slope_uw, u32 v_uv)
{
	u64 p = (u64)clamp_t(s64, slope_uw, 0, GPIO_UPS_MAX_POWER_UW * 4ULL);
	u64 i_ua, ir_uv;

	if (store->type != GPIO_UPS_STORE_SUPERCAP ||
	    !gpio_ups_store_r_uohm(store) ||
	    !v_uv)
		return (u32)p;
	i_ua = gpio_ups_current_ua(store, p, v_uv);
	ir_uv = div_u64(i_ua * gpio_ups_store_r_uohm(store), PPM);
	if (ir_uv >= v_uv / 2)
		return (u32)p;
	return (u32)div_u64(p * (v_uv - ir_uv), v_uv);
}

/* store current for a load of p_uw at a reading of v_uv, in uA */
static u64 gpio_ups_load_current_ua(const struct gpio_ups_store *store,
				    u32 p_uw, u32 v_uv)
{
	return gpio_ups_current_ua(store, p_uw,
				   max3(v_uv, store->voltage_min_uv, 1U));
}

/*
 * Reading noise worth at v_uv: GPIO_UPS_EST_TOL_NOISE_UV plus
 * GPIO_UPS_EST_STEP_SIGMAS times the noise of the fit.  While the window
 * refills (after a switch: the ADC is the same), the noise the mains
 * window measured on the steady store instead: a divider makes one LSB
 * worth more than GPIO_UPS_EST_TOL_NOISE_UV.  A reading above full counts
 * as full: its noise is measured below it.
 */
static u64 gpio_ups_est_noise_uj(const struct gpio_ups_estimator *estimator,
				 u32 v_uv)
{
	const struct gpio_ups_store *store = estimator->store;
	u64 noise = gpio_ups_margin_uj(store, min(v_uv, store->voltage_max_uv),
				       GPIO_UPS_EST_TOL_NOISE_UV, false);

	return noise + GPIO_UPS_EST_STEP_SIGMAS *
		       (gpio_ups_fit_ready(estimator) ?
			estimator->priv.fit.sigma_uj : estimator->priv.noise_uj);
}

/*
 * Tolerance of a reading's energy: its noise (gpio_ups_est_noise_uj())
 * plus what the same store reads more when the largest load measured in
 * the outage goes away.  Read by its terminal voltage (a supercapacitor,
 * a battery without current channel), the store recovers by the I * R step
 * of that load.  A battery read with its current is compensated for I * R,
 * but gives the converter more of its charge at a lower load (a lower
 * cut-off open-circuit voltage, less lost in R): its energy at the
 * reading's current less that at the peak load, at the same open-circuit
 * voltage.  A rise smaller than the tolerance is no recharge.
 */
static u64 gpio_ups_est_tol_uj(const struct gpio_ups_estimator *estimator,
			       const struct gpio_ups_est_point *pt)
{
	const struct gpio_ups_store *store = estimator->store;
	u64 i_pk = gpio_ups_load_current_ua(store,
					    estimator->priv.peak_load_uw,
					    pt->v_uv);
	u64 r = gpio_ups_store_r_uohm(store), i_now, e_pk;
	/* <= 5e9 uA * 1e7 uohm */
	u64 ir = div_u64(i_pk * r, PPM);
	u32 top = min(pt->v_uv, store->voltage_max_uv), ocv;

	if (store->type != GPIO_UPS_STORE_BATTERY || !pt->has_i)
		return gpio_ups_est_noise_uj(estimator, pt->v_uv) +
		       gpio_ups_margin_uj(store, top, (u32)min_t(u64, ir, top),
					  false);
	i_now = gpio_ups_load_current_ua(store, pt->p_uw, pt->v_uv);
	ocv = (u32)min_t(u64, pt->v_uv + div_u64(i_now * r, PPM),
			 GPIO_UPS_MAX_VOLTAGE_UV);
	e_pk = gpio_ups_sample_energy_uj(store, ocv - (u32)min_t(u64, ir, ocv),
					 true, (s32)min_t(u64, i_pk, S32_MAX));
	return gpio_ups_est_noise_uj(estimator, ocv) +
	       (pt->e_uj > e_pk ? pt->e_uj - e_pk : 0);
}

/*
 * The energy now: on backup the fitted line at the newest sample (a lone
 * reading moves it by a fraction of its error), else the reading itself.
 */
static void gpio_ups_est_publish_energy(struct gpio_ups_estimator *estimator,
					const struct gpio_ups_est_point *pt,
					bool ready)
{
	struct gpio_ups_estimate *est = &estimator->estimate;
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	u64 full = est->energy_full_uj, energy;

	est->energy_valid = true;
	if (!estimator->priv.on_mains && ready) {
		energy = f->e_last_uj;
		est->voltage_uv = f->v_last_uv;
	} else {
		energy = pt->e_uj;
		est->voltage_uv = pt->v_uv;
	}
	est->energy_uj = min(energy, full);
	est->capacity_pct = gpio_ups_pct(est->energy_uj, full);
	est->sample_ms = pt->t_ms;
	est->sample_energy_uj = pt->e_uj;
	est->tol_uj = gpio_ups_est_tol_uj(estimator, pt);
}

/*
 * Time to full while the stored energy rises at rate_uw: from the voltage
 * slope for a supercapacitor, from the energy slope for a battery.
 */
static void gpio_ups_est_publish_ttf(struct gpio_ups_estimator *estimator,
				     s64 rate_uw)
{
	const struct gpio_ups_store *store = estimator->store;
	struct gpio_ups_estimate *est = &estimator->estimate;
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	u64 full = est->energy_full_uj;

	if (gpio_ups_is_cap(store) && f->sxv > 0 &&
	    est->voltage_uv < store->voltage_max_uv) {
		/* ms = dV * Sxx / Sxv; dV < 2^26, Sxx < 2^40 */
		u64 ms = mul_u64_u64_div_u64(store->voltage_max_uv -
					     est->voltage_uv,
					     f->sxx, f->sxv);

		est->ttf_s = (u32)min_t(u64, div_u64(ms, 1000), U32_MAX);
		est->ttf_valid = true;
	} else if (!gpio_ups_is_cap(store)) {
		est->ttf_s = (u32)min_t(u64, div64_u64(full - est->energy_uj,
						       (u64)rate_uw), U32_MAX);
		est->ttf_valid = true;
	}
}

/* On mains: charging, full and time to full, from the charge rate. */
static void gpio_ups_est_publish_mains(struct gpio_ups_estimator *estimator,
				       bool ready)
{
	struct gpio_ups_estimate *est = &estimator->estimate;
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	u64 thr_uw = div_u64(est->energy_full_uj *
			     GPIO_UPS_EST_CHARGE_PERMILLE_MIN, 1000 * 60);
	bool rising = false, have_rate = ready;
	s64 rate_uw;

	/* charge rate: slope of energy, positive while charging */
	rate_uw = have_rate ? -f->power_uw : 0;
	if (have_rate)
		rising = rate_uw > 0 && (u64)rate_uw > thr_uw;
	est->charging = rising || (!have_rate &&
		est->capacity_pct < GPIO_UPS_EST_FULL_PCT);
	est->full = !rising &&
		est->capacity_pct >= GPIO_UPS_EST_FULL_PCT;
	if (est->full)
		est->charging = false;
	if (rising)
		gpio_ups_est_publish_ttf(estimator, rate_uw);
}

/*
 * Does the window's slope prove a load?  Its standard error is the reading
 * noise over sqrt(Sxx): the larger of this fit's, the last ready fit's (a
 * short window underestimates it) and GPIO_UPS_EST_NOISE_FLOOR_UV worth.
 * The load is proven once it is GPIO_UPS_EST_LOAD_SIGMAS of them above
 * zero.
 */
static bool gpio_ups_fit_proves(const struct gpio_ups_estimator *estimator,
				u32 p_uw)
{
	const struct gpio_ups_store *store = estimator->store;
	const struct gpio_ups_est_fit *f = &estimator->priv.fit;
	u32 v_uv = min(f->v_mean_uv, store->voltage_max_uv);
	u64 noise_uj = max3(f->sigma_uj, estimator->priv.noise_uj,
			    gpio_ups_margin_uj(store, v_uv,
					       GPIO_UPS_EST_NOISE_FLOOR_UV,
					       false));
	u32 root = int_sqrt64(f->sxx);

	if (!root)
		return false;
	/* uJ / ms is mW: * 1000 for uW */
	return p_uw / GPIO_UPS_EST_LOAD_SIGMAS >=
	       div_u64(min_t(u64, noise_uj, U64_MAX / 1000) * 1000, root);
}

/*
 * On backup: the load power, from V * I, else the nominal load of a
 * battery without a current channel, else the slope of the window (at its
 * mean voltage), else the last measurement of the outage (window
 * restarting after a load step), else the nominal load.  A new
 * measurement is kept as the outage's last; a proven one (V * I, or a
 * slope that gpio_ups_fit_proves()) counts for its peak.  An unproven
 * one never lowers the nominal load: a slope within the reading noise
 * says nothing about a load the readings cannot see (a divider on the
 * regulated rail), so the declared load stands until a load is proven.
 * Return: false when there is no load figure at all.
 */
static bool gpio_ups_est_load_uw(struct gpio_ups_estimator *estimator,
				 bool ready, u32 *p_uw, bool *measured,
				 bool *proven)
{
	const struct gpio_ups_store *store = estimator->store;
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	bool new_measurement = false;

	*measured = false;
	*proven = false;
	if (gpio_ups_vi_power(estimator, p_uw)) {
		new_measurement = true;
		*proven = true;
	} else if (store->type == GPIO_UPS_STORE_BATTERY &&
		   store->nominal_load_uw) {
		*p_uw = store->nominal_load_uw;
	} else if (ready) {
		*p_uw = gpio_ups_slope_power_uw(store, f->power_uw,
						f->v_mean_uv);
		new_measurement = true;
		*proven = gpio_ups_fit_proves(estimator, *p_uw);
	} else if (estimator->priv.have_load) {
		*p_uw = estimator->priv.load_uw;
		*measured = true;
		*proven = estimator->priv.load_proven;
	} else if (store->nominal_load_uw) {
		*p_uw = store->nominal_load_uw;
	} else {
		return false;
	}
	if (new_measurement) {
		*measured = true;
		estimator->priv.have_load = true;
		estimator->priv.load_uw = *p_uw;
		estimator->priv.load_proven = *proven;
		if (*proven)
			estimator->priv.peak_load_uw =
				max(estimator->priv.peak_load_uw, *p_uw);
	}
	if (*measured && !*proven)
		*p_uw = max(*p_uw, store->nominal_load_uw);
	return true;
}

/*
 * Exponential average, alpha = dt / (tau + dt); seeded with the first
 * power, and again with the first measurement if a nominal load seeded it.
 */
static void gpio_ups_est_average(struct gpio_ups_estimator *estimator, u32 p_uw,
				 bool measured, u64 t_ms)
{
	if (!estimator->priv.have_avg ||
	    (measured && !estimator->priv.avg_measured)) {
		estimator->priv.avg_uw = p_uw;
		estimator->priv.have_avg = true;
		estimator->priv.avg_measured = measured;
	} else {
		u64 dt = t_ms - estimator->priv.avg_ms;
		s64 d = (s64)p_uw - estimator->priv.avg_uw;

		dt = min_t(u64, dt, 100ULL * GPIO_UPS_EST_AVG_TAU_MS);
		estimator->priv.avg_uw += div64_s64(d * (s64)dt,
					    GPIO_UPS_EST_AVG_TAU_MS + (s64)dt);
	}
	estimator->priv.avg_ms = t_ms;
}

static void gpio_ups_est_publish(struct gpio_ups_estimator *estimator,
				 const struct gpio_ups_est_point *pt)
{
	const struct gpio_ups_store *store = estimator->store;
	struct gpio_ups_estimate *est = &estimator->estimate;
	bool ready = gpio_ups_fit_ready(estimator), measured, proven;
	u64 full = est->energy_full_uj;
	u32 p_uw = 0;
	u64 loss;

	gpio_ups_est_clear_outputs(estimator);
	gpio_ups_est_publish_energy(estimator, pt, ready);
	if (estimator->priv.on_mains) {
		gpio_ups_est_publish_mains(estimator, ready);
		return;
	}

	/* on backup: load power, less what the ESR burns at it */
	if (!gpio_ups_est_load_uw(estimator, ready, &p_uw, &measured, &proven))
		return;
	gpio_ups_est_average(estimator, p_uw, measured, pt->t_ms);
	loss = gpio_ups_esr_loss_uj(store, est->voltage_uv, p_uw);
	est->energy_uj -= min(loss, est->energy_uj);
	est->capacity_pct = gpio_ups_pct(est->energy_uj, full);
	est->power_valid = true;
	est->power_measured = measured;
	est->power_proven = measured && proven;
	est->power_declared = !measured &&
			      store->type == GPIO_UPS_STORE_BATTERY &&
			      store->nominal_load_uw;
	est->power_uw = p_uw;
	est->power_avg_uw = (u32)clamp_t(s64, estimator->priv.avg_uw, 0,
					 U32_MAX);
	est->tte_valid = true;
	est->tte_s = gpio_ups_tte_s(est->energy_uj, est->power_uw);
	est->tte_avg_s = gpio_ups_tte_s(est->energy_uj, est->power_avg_uw);
}

/* plausibility against the last accepted sample */
static bool gpio_ups_plausible(const struct gpio_ups_estimator *estimator,
			       const struct gpio_ups_est_point *ref,
			       const struct gpio_ups_est_point *pt)
{
	const struct gpio_ups_store *store = estimator->store;
	u64 dt = min_t(u64, pt->t_ms - ref->t_ms, 3600ULL * 1000);
	u32 dv = gpio_ups_margin_uv(store, ref, pt);
	/* uW * ms / 1000 = uJ; <= 5e7 * 3.6e6 */
	u64 drain = div_u64((u64)GPIO_UPS_MAX_POWER_UW * dt, 1000);
	u64 down = drain + gpio_ups_margin_uj(store, ref->v_uv, dv, false);
	u64 up = gpio_ups_margin_uj(store, ref->v_uv, dv, true);

	if (estimator->priv.on_mains)
		up += drain;	/* charging: same bound as the load */
	if (pt->e_uj + down < ref->e_uj)
		return false;
	if (pt->e_uj > ref->e_uj + up)
		return false;
	return true;
}

static int gpio_ups_reject(struct gpio_ups_estimator *estimator)
{
	if (estimator->rejected < U32_MAX)
		estimator->rejected++;
	return -ERANGE;
}

/* below 0 V or above voltage_max by more than GPIO_UPS_EST_OVERVOLT_PCT */
static bool gpio_ups_out_of_range(const struct gpio_ups_store *store,
				  s32 v_uv)
{
	u64 vlimit = div_u64((u64)store->voltage_max_uv *
			     (100 + GPIO_UPS_EST_OVERVOLT_PCT), 100);

	return v_uv < 0 || (u64)v_uv > vlimit;
}

/*
 * The ADC reads something else than the store once GPIO_UPS_EST_RESYNC_RUN
 * readings in a row are out of its range (estimate.out_of_range).
 */
static void gpio_ups_est_track_range(struct gpio_ups_estimator *estimator,
				     s32 v_uv)
{
	if (!gpio_ups_out_of_range(estimator->store, v_uv)) {
		estimator->priv.range_run = 0;
		estimator->estimate.out_of_range = false;
	} else if (++estimator->priv.range_run >= GPIO_UPS_EST_RESYNC_RUN) {
		estimator->estimate.out_of_range = true;
	}
}

/* a reading no store gives: too high, negative, out of order, absurd current */
static bool gpio_ups_est_impossible(const struct gpio_ups_estimator *estimator,
				    const struct gpio_ups_sample *s)
{
	const struct gpio_ups_store *store = estimator->store;

	if (gpio_ups_out_of_range(store, s->voltage_uv))
		return true;
	if (estimator->priv.have_last && s->time_ms < estimator->priv.last.t_ms)
		return true;
	if (s->current_valid) {
		u64 imax = gpio_ups_max_current_ua(store, s->voltage_uv);

		if ((u64)abs((s64)s->current_ua) > 2 * imax)
			return true;
	}
	return false;
}

/* the window's point for a reading: its usable energy and V * I power */
static void gpio_ups_est_point_of(const struct gpio_ups_store *store,
				  const struct gpio_ups_sample *s,
				  struct gpio_ups_est_point *pt)
{
	pt->t_ms = s->time_ms;
	pt->v_uv = s->voltage_uv;
	pt->has_i = s->current_valid;
	pt->e_uj = gpio_ups_sample_energy_uj(store, pt->v_uv, pt->has_i,
					     s->current_ua);
	if (pt->has_i && s->current_ua > 0) {
		/* load power: eta * V * I into the converter; < 2^63 */
		u64 p = div_u64((u64)pt->v_uv * (u64)s->current_ua *
				store->efficiency_pct, 100 * PPM);

		pt->p_uw = (u32)min_t(u64, p, U32_MAX);
	}
}

/*
 * A reading the last accepted one cannot explain (gpio_ups_plausible()) is
 * rejected, unless it is the GPIO_UPS_EST_RESYNC_RUN-th in a row at one new
 * level: that level is real, the window and the load measurement restart.
 * Return: true when pt is to be taken.
 */
static bool gpio_ups_est_resync(struct gpio_ups_estimator *estimator,
				const struct gpio_ups_est_point *pt)
{
	if (!estimator->priv.have_last ||
	    gpio_ups_plausible(estimator, &estimator->priv.last, pt))
		return true;
	if (estimator->priv.jump_run &&
	    gpio_ups_plausible(estimator, &estimator->priv.jump, pt))
		estimator->priv.jump_run++;
	else
		estimator->priv.jump_run = 1;
	estimator->priv.jump = *pt;
	if (estimator->priv.jump_run < GPIO_UPS_EST_RESYNC_RUN)
		return false;
	/* accepted: the earlier ones stay counted as rejected */
	gpio_ups_win_reset(estimator);
	estimator->priv.have_load = false;
	estimator->priv.switch_ms = pt->t_ms;
	return true;
}

/* what a sample off the fitted line turns out to be */
enum gpio_ups_est_verdict {
	GPIO_UPS_EST_ON_LINE,		/* fit it */
	GPIO_UPS_EST_HELD,		/* held back: a load step or outlier */
	GPIO_UPS_EST_LOAD_STEP,		/* GPIO_UPS_EST_STEP_RUN held back */
};

/*
 * Load step or lone outlier?  A sample further than
 * GPIO_UPS_EST_STEP_SIGMAS noise widths from the line is held back;
 * GPIO_UPS_EST_STEP_RUN of them in a row on one side are a load step.
 * Held-back samples that the line explains after all were outliers: they
 * are counted as rejected.
 */
static enum gpio_ups_est_verdict
gpio_ups_est_check_step(struct gpio_ups_estimator *estimator,
			const struct gpio_ups_est_point *pt)
{
	struct gpio_ups_est_fit *f = &estimator->priv.fit;
	u64 pred = gpio_ups_fit_predict(estimator, pt->t_ms);
	u64 floor = gpio_ups_margin_uj(estimator->store, pt->v_uv,
				       GPIO_UPS_EST_NOISE_FLOOR_UV, false);
	u64 lim = GPIO_UPS_EST_STEP_SIGMAS * max(f->sigma_uj, floor);
	int sign = pt->e_uj > pred ? 1 : -1;

	if (pt->e_uj > pred + lim || pt->e_uj + lim < pred) {
		if (estimator->priv.nheld &&
		    sign != estimator->priv.held_sign) {
			estimator->rejected += estimator->priv.nheld;
			estimator->priv.nheld = 0;
		}
		estimator->priv.held_sign = sign;
		estimator->priv.held[estimator->priv.nheld++] = *pt;
		if (estimator->priv.nheld < GPIO_UPS_EST_STEP_RUN)
			return GPIO_UPS_EST_HELD;
		return GPIO_UPS_EST_LOAD_STEP;
	}
	if (estimator->priv.nheld) {
		estimator->rejected += estimator->priv.nheld;
		estimator->priv.nheld = 0;
	}
	return GPIO_UPS_EST_ON_LINE;
}

/*
 * Into the window and the fit, past the first GPIO_UPS_EST_SKIP_MS after
 * a switch (with a current reading, I * R is compensated: no need to skip)
 * and in time order.  Return: false when the sample is held back.
 */
static bool gpio_ups_est_fit_sample(struct gpio_ups_estimator *estimator,
				    const struct gpio_ups_est_point *pt)
{
	enum gpio_ups_est_verdict verdict = GPIO_UPS_EST_ON_LINE;
	unsigned int n = estimator->priv.count, i;

	if ((!pt->has_i &&
	     pt->t_ms < estimator->priv.switch_ms + GPIO_UPS_EST_SKIP_MS) ||
	    (n && pt->t_ms <= gpio_ups_win_at(estimator, n - 1)->t_ms))
		return true;
	if (!estimator->priv.on_mains && !pt->has_i &&
	    gpio_ups_fit_ready(estimator))
		verdict = gpio_ups_est_check_step(estimator, pt);
	if (verdict == GPIO_UPS_EST_HELD)
		return false;
	if (verdict == GPIO_UPS_EST_LOAD_STEP) {
		/* restart after the step's first sample (it may straddle it) */
		gpio_ups_win_reset(estimator);
		for (i = 1; i < GPIO_UPS_EST_STEP_RUN; i++)
			gpio_ups_win_push(estimator, &estimator->priv.held[i]);
	} else {
		gpio_ups_win_push(estimator, pt);
	}
	gpio_ups_fit(estimator);
	return true;
}

/**
 * gpio_ups_est_update() - feed one sample
 * @estimator: estimator
 * @s: sample
 *
 * A sample whose @on_mains differs from the last known state counts as a
 * mains transition at its time.
 *
 * Return: 0 when used (or held back as a possible load step), -ENODATA when
 * it carries no voltage, -ERANGE when rejected as impossible (counted in
 * @estimator->rejected), -EINVAL for a GPIO-only store.
 */
int gpio_ups_est_update(struct gpio_ups_estimator *estimator,
			const struct gpio_ups_sample *s)
{
	const struct gpio_ups_store *store = estimator->store;
	struct gpio_ups_est_point pt = { };

	if (!store || store->type == GPIO_UPS_STORE_NONE)
		return -EINVAL;
	if (!s->voltage_valid)
		return -ENODATA;
	if (!estimator->priv.mains_known ||
	    estimator->priv.on_mains != s->on_mains)
		gpio_ups_est_mains_changed(estimator, s->on_mains, s->time_ms);
	gpio_ups_est_track_range(estimator, s->voltage_uv);
	if (gpio_ups_est_impossible(estimator, s))
		return gpio_ups_reject(estimator);
	gpio_ups_est_point_of(store, s, &pt);
	if (!gpio_ups_est_resync(estimator, &pt))
		return gpio_ups_reject(estimator);
	estimator->priv.jump_run = 0;
	estimator->estimate.seq++;
	if (!gpio_ups_est_fit_sample(estimator, &pt))
		return 0;
	estimator->priv.have_last = true;
	estimator->priv.last = pt;
	gpio_ups_est_publish(estimator, &pt);
	return 0;
}

/**
 * gpio_ups_est_get() - the current estimate
 * @estimator: estimator
 *
 * Return: pointer into @estimator, valid until the next update.
 */
const struct gpio_ups_estimate *
gpio_ups_est_get(const struct gpio_ups_estimator *estimator)
{
	return &estimator->estimate;
}
