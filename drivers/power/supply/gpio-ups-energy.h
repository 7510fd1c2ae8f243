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
 * @energy_valid: @voltage_uv, @energy_uj and @capacity_pct are valid
 * @voltage_uv: filtered store voltage
 * @energy_uj: usable energy left (above cut-off, after converter losses)
 * @energy_full_uj: usable energy when charged
 * @capacity_pct: @energy_uj / @energy_full_uj, 0..100
 * @power_valid: @power_uw and @power_avg_uw are valid
 * @power_uw: load power now (discharging), from V*I or the energy slope
 * @power_avg_uw: load power smoothed (time constant in the binding docs)
 * @power_measured: @power_uw comes from a measurement, not the nominal load
 * @tte_valid: @tte_s and @tte_avg_s are valid (on backup only)
 * @tte_s: time to empty at @power_uw
 * @tte_avg_s: time to empty at @power_avg_uw
 * @ttf_valid: @ttf_s is valid (on mains, while charging)
 * @ttf_s: time to full at the measured charge rate
 * @charging: on mains and the stored energy is rising
 * @full: on mains, charged and steady
 */
struct gpio_ups_estimate {
	bool energy_valid;
	u32 voltage_uv;
	u64 energy_uj;
	u64 energy_full_uj;
	u32 capacity_pct;
	bool power_valid;
	u32 power_uw;
	u32 power_avg_uw;
	bool power_measured;
	bool tte_valid;
	u32 tte_s;
	u32 tte_avg_s;
	bool ttf_valid;
	u32 ttf_s;
	bool charging;
	bool full;
};

/**
 * struct gpio_ups_estimator - estimator state; treat as opaque
 * @store: the store description (not owned)
 * @est: the current estimate (read it with gpio_ups_est_get())
 * @rejected: readings rejected as physically impossible, since init
 * @priv: implementation state (ring buffer of samples, filters)
 */
struct gpio_ups_estimator {
	const struct gpio_ups_store *store;
	struct gpio_ups_estimate est;
	u32 rejected;
	struct {
		u64 t_ms[GPIO_UPS_EST_WINDOW];
		u64 e_uj[GPIO_UPS_EST_WINDOW];
		unsigned int head, count;
		u64 segment_start_ms;
		u64 last_ms;
		bool on_mains;
		bool have_last;
		u64 avg_state;
	} priv;
};

int gpio_ups_store_validate(const struct gpio_ups_store *store);
u64 gpio_ups_energy_uj(const struct gpio_ups_store *store, u32 voltage_uv);
u64 gpio_ups_energy_full_uj(const struct gpio_ups_store *store);
void gpio_ups_est_init(struct gpio_ups_estimator *e,
		       const struct gpio_ups_store *store);
int gpio_ups_est_update(struct gpio_ups_estimator *e,
			const struct gpio_ups_sample *s);
void gpio_ups_est_mains_changed(struct gpio_ups_estimator *e, bool on_mains,
				u64 now_ms);
void gpio_ups_est_invalidate(struct gpio_ups_estimator *e, u64 now_ms);
const struct gpio_ups_estimate *
gpio_ups_est_get(const struct gpio_ups_estimator *e);

/* uJ <-> uWh for the power_supply ABI */
static inline u64 gpio_ups_uj_to_uwh(u64 uj)
{
	return div_u64(uj, 3600);
}

#endif /* _GPIO_UPS_ENERGY_H */
