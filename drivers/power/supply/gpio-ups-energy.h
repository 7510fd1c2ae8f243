/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups energy model and estimator.
 *
 * Pure functions of (state, sample, time): no hardware access, no locking,
 * no allocation, no floating point.  The platform driver feeds samples in
 * and reads the estimate out; KUnit and the userspace benchmark drive the
 * same code with synthetic time.
 *
 * Units are in the names: _uv microvolt, _ua microampere, _uw microwatt,
 * _uj microjoule, _uwh microwatt-hour, _ms millisecond, _s second,
 * _uf microfarad, _uohm micro-ohm, _pct percent.
 */
#ifndef _GPIO_UPS_ENERGY_H
#define _GPIO_UPS_ENERGY_H

#include <linux/math64.h>
#include <linux/types.h>

/* Documented range limits (binding YAML); the math is overflow-free inside. */
#define GPIO_UPS_MAX_CAPACITANCE_UF	3000000000U	/* 3000 F */
#define GPIO_UPS_MAX_VOLTAGE_UV		30000000U	/* 30 V */
#define GPIO_UPS_MAX_POWER_UW		50000000U	/* 50 W */
#define GPIO_UPS_MAX_ENERGY_UWH		2000000000ULL	/* 2 kWh (battery) */
#define GPIO_UPS_MAX_RESISTANCE_UOHM	10000000U	/* 10 ohm */

/*
 * Estimator constants (see the comments in gpio-ups-energy.c for why).
 *
 * GPIO_UPS_EST_SKIP_MS: samples taken less than this long after a mains
 *	transition are not used for the slope fit: right after the switch the
 *	store voltage steps by I * ESR, which is not energy loss.
 * GPIO_UPS_EST_MIN_FIT: samples (spanning GPIO_UPS_EST_MIN_SPAN_MS) needed
 *	before the energy slope is published as a measured load.
 * GPIO_UPS_EST_SPAN_MS / GPIO_UPS_EST_MAINS_SPAN_MS: longest time span of
 *	the sliding window on backup / on mains (the window also holds at most
 *	GPIO_UPS_EST_WINDOW samples).
 * GPIO_UPS_EST_STEP_SIGMAS, GPIO_UPS_EST_STEP_RUN: a load step is detected
 *	when GPIO_UPS_EST_STEP_RUN consecutive samples lie on the same side of
 *	the fitted line by more than GPIO_UPS_EST_STEP_SIGMAS times the noise;
 *	the window then restarts after the step.  A lone outlier is dropped
 *	and counted as rejected.
 * GPIO_UPS_EST_LOAD_SIGMAS: the window's slope proves a load once it is
 *	this many standard errors above zero; a flat, noisy reading (a
 *	divider on a regulated rail) shows slopes of a watt within its first
 *	second.
 * GPIO_UPS_EST_AVG_TAU_MS: time constant of the exponential average behind
 *	power_avg_uw and tte_avg_s.
 * GPIO_UPS_EST_OVERVOLT_PCT: readings above voltage_max_uv by more than
 *	this are rejected as impossible.
 * GPIO_UPS_EST_FULL_PCT: on mains, capacity at or above this and not
 *	rising means full.
 * GPIO_UPS_EST_CHARGE_PERMILLE_MIN: on mains, stored energy rising by more
 *	than this many per mille of energy_full per minute means charging.
 */
#define GPIO_UPS_EST_SKIP_MS		200
#define GPIO_UPS_EST_MIN_FIT		5
#define GPIO_UPS_EST_MIN_SPAN_MS	400
#define GPIO_UPS_EST_SPAN_MS		20000
#define GPIO_UPS_EST_MAINS_SPAN_MS	120000
#define GPIO_UPS_EST_MAINS_MIN_FIT	3
#define GPIO_UPS_EST_MAINS_MIN_SPAN_MS	20000
#define GPIO_UPS_EST_STEP_SIGMAS	4
#define GPIO_UPS_EST_STEP_RUN		3
#define GPIO_UPS_EST_RESYNC_RUN		3
#define GPIO_UPS_EST_LOAD_SIGMAS	4
#define GPIO_UPS_EST_AVG_TAU_MS		5000
#define GPIO_UPS_EST_VI_AVG_MS		500
#define GPIO_UPS_EST_OVERVOLT_PCT	10
#define GPIO_UPS_EST_NOISE_FLOOR_UV	1000
#define GPIO_UPS_EST_FULL_PCT		98
#define GPIO_UPS_EST_CHARGE_PERMILLE_MIN	2

/*
 * GPIO_UPS_MAINS_SETTLE_MS: an outage ends once mains has been back this
 *	long (or the store has measurably recharged, see the policy).  A
 *	shorter return of mains (a flapping adapter, a power strip that pulses
 *	it) leaves the outage open: its measured load, its time on backup and
 *	what it has drawn carry on when mains goes again.
 * GPIO_UPS_EST_TOL_NOISE_UV: the reading noise that the tolerance of a
 *	published energy (gpio_ups_estimate.tol_uj) covers, on top of the
 *	I * R step of the largest load measured in the outage.
 */
#define GPIO_UPS_MAINS_SETTLE_MS	10000
#define GPIO_UPS_EST_TOL_NOISE_UV	(4 * GPIO_UPS_EST_NOISE_FLOOR_UV)

#define GPIO_UPS_OCV_MAX_POINTS		32
#define GPIO_UPS_EST_WINDOW		64	/* samples kept for the slope fit */

enum gpio_ups_store_type {
	GPIO_UPS_STORE_NONE,		/* GPIO only: nothing to estimate */
	GPIO_UPS_STORE_SUPERCAP,
	GPIO_UPS_STORE_BATTERY,
};

/**
 * struct gpio_ups_ocv_point - one point of an open-circuit-voltage table
 * @ocv_uv: open-circuit voltage
 * @pct: state of charge at that voltage
 *
 * Tables are ordered by falling voltage, as in the simple-battery binding.
 */
struct gpio_ups_ocv_point {
	u32 ocv_uv;
	u32 pct;
};

/**
 * struct gpio_ups_store - what the energy store is (from DT, read-only)
 * @type: supercapacitor, battery or none
 * @capacitance_uf: supercapacitor: capacitance of the whole store
 * @voltage_max_uv: voltage when charged
 * @voltage_min_uv: converter cut-off: energy below this voltage is unusable
 * @efficiency_pct: converter efficiency, 1..100
 * @energy_full_design_uwh: battery: energy when full
 * @resistance_uohm: ESR / internal resistance, 0 when unknown
 * @learned_capacitance_uf: capacitance learned on charges (gpio-ups-learn.c),
 *	used by the energy model instead of @capacitance_uf; 0: not learned
 * @learned_resistance_uohm: ESR learned at the mains switches, used
 *	instead of @resistance_uohm; 0: not learned
 * @nominal_load_uw: load assumed until a measurement exists, 0 when unknown
 * @ocv_points: number of valid entries in @ocv
 * @ocv: battery open-circuit-voltage table
 */
struct gpio_ups_store {
	enum gpio_ups_store_type type;
	u32 capacitance_uf;
	u32 voltage_max_uv;
	u32 voltage_min_uv;
	u32 efficiency_pct;
	u64 energy_full_design_uwh;
	u32 resistance_uohm;
	u32 learned_capacitance_uf;
	u32 learned_resistance_uohm;
	u32 nominal_load_uw;
	unsigned int ocv_points;
	struct gpio_ups_ocv_point ocv[GPIO_UPS_OCV_MAX_POINTS];
};

/**
 * struct gpio_ups_sample - one reading handed to the estimator
 * @time_ms: monotonic time of the reading
 * @on_mains: debounced mains state when the reading was taken
 * @voltage_valid: @voltage_uv holds a reading (false: ADC error or absent)
 * @voltage_uv: store voltage as read (may be absurd: the estimator checks)
 * @current_valid: @current_ua holds a reading
 * @current_ua: store current, positive while discharging into the load,
 *	negative while charging
 */
struct gpio_ups_sample {
	u64 time_ms;
	bool on_mains;
	bool voltage_valid;
	s32 voltage_uv;
	bool current_valid;
	s32 current_ua;
};

/**
 * struct gpio_ups_estimate - what the estimator knows now
 * @seq: number of readings the estimator has taken (accepted or held back
 *	as a possible load step); a reading handed in again has the same
 *	@seq, so freshness never depends on the values changing
 * @energy_valid: @voltage_uv, @energy_uj and @capacity_pct are valid
 * @voltage_uv: filtered store voltage
 * @energy_uj: usable energy left (above cut-off, after converter losses)
 * @sample_ms: when the reading behind this estimate was taken (a change of
 *	mains republishes the last one: it may be older than the change)
 * @sample_energy_uj: the energy of the last reading alone (terminal
 *	voltage), before any fit: what the readings say, for the policy's
 *	check against physics; above @energy_full_uj for a store charged
 *	above voltage_max_uv (within GPIO_UPS_EST_OVERVOLT_PCT), so that
 *	its drain down to full shows
 * @tol_uj: how far @sample_energy_uj may be off from reading noise
 *	(GPIO_UPS_EST_TOL_NOISE_UV) and the I * R step of the largest load
 *	measured in this outage: a rise smaller than this is no recharge
 * @energy_full_uj: usable energy when charged
 * @capacity_pct: @energy_uj / @energy_full_uj, 0..100
 * @power_valid: @power_uw and @power_avg_uw are valid
 * @power_uw: load power now (discharging), from V*I or the energy slope
 * @power_avg_uw: load power smoothed (time constant in the binding docs)
 * @power_measured: @power_uw comes from a measurement, not the nominal load
 * @power_proven: @power_uw is a measurement the readings prove: V * I, or
 *	a slope GPIO_UPS_EST_LOAD_SIGMAS standard errors above zero (a slope
 *	within the reading noise is measured, not proven)
 * @power_declared: @power_uw is the nominal load and no measurement will
 *	replace it (a battery without a current channel: its open-circuit
 *	voltage moves too little over seconds for a slope)
 * @tte_valid: @tte_s and @tte_avg_s are valid (on backup only)
 * @tte_s: time to empty at @power_uw
 * @tte_avg_s: time to empty at @power_avg_uw
 * @ttf_valid: @ttf_s is valid (on mains, while charging)
 * @ttf_s: time to full at the measured charge rate
 * @charging: on mains and the stored energy is rising
 * @full: on mains, charged and steady
 * @out_of_range: the last GPIO_UPS_EST_RESYNC_RUN readings or more were
 *	impossible for the store (below 0 V, or above voltage_max_uv by more
 *	than GPIO_UPS_EST_OVERVOLT_PCT): the ADC does not read the store
 */
struct gpio_ups_estimate {
	u32 seq;
	bool energy_valid;
	u32 voltage_uv;
	u64 energy_uj;
	u64 sample_ms;
	u64 sample_energy_uj;
	u64 tol_uj;
	u64 energy_full_uj;
	u32 capacity_pct;
	bool power_valid;
	u32 power_uw;
	u32 power_avg_uw;
	bool power_measured;
	bool power_proven;
	bool power_declared;
	bool tte_valid;
	u32 tte_s;
	u32 tte_avg_s;
	bool ttf_valid;
	u32 ttf_s;
	bool charging;
	bool full;
	bool out_of_range;
};

/* one sample kept in the estimator window (implementation detail) */
struct gpio_ups_est_point {
	u64 t_ms;
	u64 e_uj;
	u32 v_uv;
	u32 p_uw;	/* from V * I, when @has_i */
	bool has_i;
};

/* result of a least-squares line fit over the window (implementation) */
struct gpio_ups_est_fit {
	unsigned int n;
	u64 span_ms;
	u64 t_last_ms;
	u64 e_last_uj;		/* fitted energy at t_last_ms */
	u32 v_last_uv;		/* fitted voltage at t_last_ms */
	u32 v_mean_uv;		/* mean voltage over the window */
	s64 power_uw;		/* -dE/dt */
	s64 sxx, sxv;		/* for the voltage slope */
	u64 sigma_uj;		/* noise: 1.25 * mean absolute residual */
};

/**
 * struct gpio_ups_estimator - estimator state; treat as opaque
 * @store: the store description (not owned)
 * @estimate: the published estimate (read it with gpio_ups_est_get())
 * @rejected: readings rejected as physically impossible, since init
 * @priv: implementation state (window of samples, filters)
 */
struct gpio_ups_estimator {
	const struct gpio_ups_store *store;
	struct gpio_ups_estimate estimate;
	u32 rejected;
	struct {
		struct gpio_ups_est_point win[GPIO_UPS_EST_WINDOW];
		unsigned int head, count;
		/* off the line: a load step or outliers (gpio-ups-energy.c) */
		struct gpio_ups_est_point held[GPIO_UPS_EST_STEP_RUN];
		unsigned int nheld;
		int held_sign;
		struct gpio_ups_est_fit fit;
		u64 noise_uj;		/* sigma of the last mains fit */
		unsigned int fit_shift;	/* energy scaling for the fit */
		bool mains_known;
		bool on_mains;
		u64 switch_ms;		/* mains switch or resync: fit skips */
		u64 mains_back_ms;	/* when mains last came back */
		bool have_last;
		struct gpio_ups_est_point last;	/* last accepted sample */
		unsigned int jump_run;	/* rejected in a row at one new level */
		unsigned int range_run;	/* impossible readings in a row */
		struct gpio_ups_est_point jump;	/* last of them */
		bool have_load;
		u32 load_uw;		/* last measured load in this outage */
		bool load_proven;	/* and the readings proved it */
		u32 peak_load_uw;	/* highest proven load in it */
		bool have_avg;
		bool avg_measured;	/* the average began at a measurement */
		u64 avg_ms;
		s64 avg_uw;
	} priv;
};

int gpio_ups_store_validate(const struct gpio_ups_store *store);
u64 gpio_ups_energy_uj(const struct gpio_ups_store *store, u32 voltage_uv);
u64 gpio_ups_energy_full_uj(const struct gpio_ups_store *store);
u64 gpio_ups_energy_full_at_load_uj(const struct gpio_ups_store *store,
				    u32 load_uw);
u32 gpio_ups_ocv2cap_ppm(const struct gpio_ups_store *store, u32 ocv_uv);
void gpio_ups_est_init(struct gpio_ups_estimator *estimator,
		       const struct gpio_ups_store *store);
int gpio_ups_est_update(struct gpio_ups_estimator *estimator,
			const struct gpio_ups_sample *s);
void gpio_ups_est_mains_changed(struct gpio_ups_estimator *estimator,
				bool on_mains, u64 now_ms);
void gpio_ups_est_invalidate(struct gpio_ups_estimator *estimator);
void gpio_ups_est_store_changed(struct gpio_ups_estimator *estimator);
const struct gpio_ups_estimate *
gpio_ups_est_get(const struct gpio_ups_estimator *estimator);

/* uJ <-> uWh for the power_supply ABI */
static inline u64 gpio_ups_uj_to_uwh(u64 uj)
{
	return div_u64(uj, 3600);
}

#endif /* _GPIO_UPS_ENERGY_H */
