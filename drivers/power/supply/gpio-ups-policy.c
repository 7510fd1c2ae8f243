// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups shutdown policy: decide, from the energy left, when to commit
 * to an orderly power-off.
 *
 * States: online -> on-backup (the driver steps the policy once the
 * power-fail debounce has elapsed) -> shutdown-pending (latched).  Mains
 * returning on backup goes back to online; nothing leaves
 * shutdown-pending.
 *
 * On backup the policy commits when the first of these holds:
 *
 *  1. reserve: usable energy <=
 *     P * ((shutdown_duration * margin + emergency lead) * shutdown_load +
 *          lookahead),
 *     with P = max(instant, averaged) load power (the higher of the two, so a
 *     load that just rose is not underestimated), the emergency lead
 *     GPIO_UPS_POLICY_EMERGENCY_LEAD_MS (so that the emergency power-off
 *     never cuts short a shutdown at its declared load and duration),
 *     shutdown_load the host's load while it shuts down as a share of P
 *     (100 % by default), and
 *     lookahead = GPIO_UPS_POLICY_CONFIRM evaluation intervals at P: the
 *     energy drained while the trigger is being confirmed, so that the
 *     confirmation never eats into the shutdown reserve;
 *  2. the low-battery line is asserted (debounced by the driver);
 *  3. capacity <= shutdown_capacity_pct (when non-zero);
 *  4. time to empty (the lower of E / P and the estimator's figures)
 *     < shutdown_runtime_s (when non-zero);
 *  5. on backup for max_backup_ms (when non-zero);
 *  6. no usable estimate: no estimate, no valid energy, no load power (a
 *     load of 0 W on backup is taken as no measurement), or the load power
 *     not measured by the time the outage is GPIO_UPS_POLICY_POWER_GRACE_MS
 *     old: fallback_ms of backup time into the outage, or earlier when a
 *     declared store and load say so (gpio_ups_policy_fallback_ms()).
 *     When a trusted measurement existed earlier in this outage and then
 *     vanished or was found implausible, the energy is dead-reckoned from
 *     it instead, with no time limit; when the readings never measured
 *     the store (out of range, or never showing a drain), the policy
 *     commits at once.  The rules are gpio_ups_policy_unmeasured()'s.
 *
 * Triggers 1, 3 and 4 come from ADC readings: each must hold on
 * GPIO_UPS_POLICY_CONFIRM of the last GPIO_UPS_POLICY_WINDOW readings
 * (a majority vote, i.e. the median reading), so a single bad reading
 * never commits and noise around a threshold cannot delay a commit
 * indefinitely.  A reading counts once: an estimate identical to the last
 * one is taken as the same reading handed in again (timer, line change,
 * failed ADC read) and, for the fallback timer and dead reckoning, as no
 * new measurement.  Triggers 2, 5 and 6 are lines and timers and act at
 * once.
 *
 * The emergency power-off deadline returned with a commit is the time the
 * usable energy (measured or dead-reckoned) runs out at the shutdown load
 * (shutdown_load of the running load), less
 * GPIO_UPS_POLICY_EMERGENCY_LEAD_MS, and no later than
 * commit + shutdown_duration * margin (a power-off that takes longer than
 * that is hung); without any energy figure it is commit +
 * shutdown_duration * margin.  After the commit the driver keeps sampling
 * and stepping, and gpio_ups_policy_rearm() moves the deadline with the
 * shutdown's load as measured (the rule is stated there, once).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "gpio-ups-policy.h"

enum {
	GPIO_UPS_HIST_RESERVE,
	GPIO_UPS_HIST_CAPACITY,
	GPIO_UPS_HIST_RUNTIME,
};

/* A knob: its sysfs name, the binding's range, its field in the config. */
struct gpio_ups_knob_desc {
	const char *name;
	u32 min;
	u32 max;
	size_t offset;
};

#define GPIO_UPS_KNOB_DESC(_name, _min, _max, _field) \
	{ _name, _min, _max, offsetof(struct gpio_ups_policy_cfg, _field) }

static const struct gpio_ups_knob_desc gpio_ups_knobs[GPIO_UPS_KNOB_COUNT] = {
	[GPIO_UPS_KNOB_AUTO_SHUTDOWN] =
		GPIO_UPS_KNOB_DESC("auto_shutdown", 0, 1, auto_shutdown),
	[GPIO_UPS_KNOB_SHUTDOWN_DURATION_MS] =
		GPIO_UPS_KNOB_DESC("shutdown_duration_ms", 1000, 600000,
				   shutdown_duration_ms),
	[GPIO_UPS_KNOB_MARGIN_PCT] =
		GPIO_UPS_KNOB_DESC("shutdown_margin_percent", 100, 1000,
				   margin_pct),
	[GPIO_UPS_KNOB_SHUTDOWN_LOAD_PCT] =
		GPIO_UPS_KNOB_DESC("shutdown_load_percent", 10, 300,
				   shutdown_load_pct),
	[GPIO_UPS_KNOB_SHUTDOWN_CAPACITY_PCT] =
		GPIO_UPS_KNOB_DESC("shutdown_capacity_percent", 0, 100,
				   shutdown_capacity_pct),
	[GPIO_UPS_KNOB_SHUTDOWN_RUNTIME_S] =
		GPIO_UPS_KNOB_DESC("shutdown_runtime_sec", 0, 86400,
				   shutdown_runtime_s),
	[GPIO_UPS_KNOB_MAX_BACKUP_MS] =
		GPIO_UPS_KNOB_DESC("max_backup_time_ms", 0, 86400000,
				   max_backup_ms),
	[GPIO_UPS_KNOB_FALLBACK_MS] =
		GPIO_UPS_KNOB_DESC("fallback_shutdown_ms", 0, 86400000,
				   fallback_ms),
	[GPIO_UPS_KNOB_MIN_LOAD_UW] =
		GPIO_UPS_KNOB_DESC("min_load_microwatt", 0,
				   GPIO_UPS_MAX_POWER_UW, min_load_uw),
};

/**
 * gpio_ups_policy_cfg_defaults() - fill in the binding's defaults
 * @cfg: knobs to fill
 *
 * auto_shutdown on, shutdown_duration_ms 20000, margin_pct 150,
 * shutdown_load_pct 100, fallback_ms 3000, min_load_uw 100000,
 * sample_interval_ms 100, optional triggers off.
 */
void gpio_ups_policy_cfg_defaults(struct gpio_ups_policy_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->auto_shutdown = true;
	cfg->shutdown_duration_ms = GPIO_UPS_DEF_SHUTDOWN_DURATION_MS;
	cfg->margin_pct = GPIO_UPS_DEF_MARGIN_PCT;
	cfg->shutdown_load_pct = GPIO_UPS_DEF_SHUTDOWN_LOAD_PCT;
	cfg->fallback_ms = GPIO_UPS_DEF_FALLBACK_MS;
	cfg->min_load_uw = GPIO_UPS_DEF_MIN_LOAD_UW;
	cfg->sample_interval_ms = GPIO_UPS_DEF_SAMPLE_INTERVAL_MS;
}

/**
 * gpio_ups_policy_sample_interval_ms() - sampling interval on backup
 * @cfg: knobs
 *
 * Return: @cfg->sample_interval_ms, or GPIO_UPS_DEF_SAMPLE_INTERVAL_MS
 * when that is 0.
 */
u32 gpio_ups_policy_sample_interval_ms(const struct gpio_ups_policy_cfg *cfg)
{
	return cfg->sample_interval_ms ?: GPIO_UPS_DEF_SAMPLE_INTERVAL_MS;
}

/**
 * gpio_ups_knob_name() - sysfs attribute name of a knob
 * @knob: knob
 *
 * Return: a static string, or NULL for an unknown knob.
 */
const char *gpio_ups_knob_name(enum gpio_ups_knob knob)
{
	if ((unsigned int)knob >= GPIO_UPS_KNOB_COUNT)
		return NULL;
	return gpio_ups_knobs[knob].name;
}

/**
 * gpio_ups_policy_knob_check() - range-check a knob value
 * @knob: knob
 * @value: proposed value
 *
 * Return: 0 when @value is in the documented range, -ERANGE when it is
 * not, -EINVAL for an unknown knob.
 */
int gpio_ups_policy_knob_check(enum gpio_ups_knob knob, u32 value)
{
	if ((unsigned int)knob >= GPIO_UPS_KNOB_COUNT)
		return -EINVAL;
	if (value < gpio_ups_knobs[knob].min ||
	    value > gpio_ups_knobs[knob].max)
		return -ERANGE;
	return 0;
}

/**
 * gpio_ups_policy_set() - change one knob after range-checking it
 * @p: policy (the caller serialises against gpio_ups_policy_step())
 * @knob: knob
 * @value: new value
 *
 * Takes effect at the next gpio_ups_policy_step().
 *
 * Return: 0 on success, -ERANGE when @value is out of the documented range
 * (the knob is left unchanged), -EINVAL for an unknown knob.
 */
int gpio_ups_policy_set(struct gpio_ups_policy *p, enum gpio_ups_knob knob,
			u32 value)
{
	int ret = gpio_ups_policy_knob_check(knob, value);

	if (ret)
		return ret;
	*(u32 *)((u8 *)&p->cfg + gpio_ups_knobs[knob].offset) = value;
	return 0;
}

/**
 * gpio_ups_policy_get() - read one knob
 * @p: policy
 * @knob: knob
 *
 * Return: the knob's value, 0 for an unknown knob.
 */
u32 gpio_ups_policy_get(const struct gpio_ups_policy *p,
			enum gpio_ups_knob knob)
{
	if ((unsigned int)knob >= GPIO_UPS_KNOB_COUNT)
		return 0;
	return *(const u32 *)((const u8 *)&p->cfg +
			      gpio_ups_knobs[knob].offset);
}

/* A new outage starts at now_ms: nothing of the last one is kept. */
static void gpio_ups_policy_start_outage(struct gpio_ups_policy *p, u64 now_ms)
{
	memset(&p->priv, 0, sizeof(p->priv));
	p->advice = GPIO_UPS_REASON_NONE;
	p->untrusted = false;
	p->backup_since_ms = now_ms;
	p->priv.outage = true;
	p->priv.resume_ms = now_ms;
}

/**
 * gpio_ups_policy_init() - start the policy
 * @p: policy
 * @cfg: knobs (copied; range-checked by gpio_ups_policy_knob_check())
 * @on_mains: debounced mains state now
 * @now_ms: time
 *
 * Starting without mains counts as the start of an outage at @now_ms.
 */
void gpio_ups_policy_init(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_cfg *cfg, bool on_mains,
			  u64 now_ms)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	p->state = on_mains ? GPIO_UPS_PSTATE_ONLINE : GPIO_UPS_PSTATE_ON_BACKUP;
	p->backup_since_ms = now_ms;
	p->emergency_ms = GPIO_UPS_NEVER;
	if (!on_mains)
		gpio_ups_policy_start_outage(p, now_ms);
}

/*
 * Energy for lookahead_ms more of running at power_uw, then a clean
 * shutdown at shutdown_load_pct of it with the margin, and after it the
 * GPIO_UPS_POLICY_EMERGENCY_LEAD_MS the emergency power-off keeps in hand:
 * (duration * margin / 100 + lead) * load / 100 + lookahead milliseconds
 * (< 1.9e7) at power_uw (< 2^32), which cannot overflow 64 bits.
 */
static u64 gpio_ups_reserve_uj(const struct gpio_ups_policy_cfg *cfg,
			       u32 power_uw, u32 lookahead_ms)
{
	u64 sd_ms = div_u64(mul_u32_u32(cfg->shutdown_duration_ms,
					cfg->margin_pct), 100) +
		    GPIO_UPS_POLICY_EMERGENCY_LEAD_MS;
	u64 ms = div_u64(sd_ms * cfg->shutdown_load_pct, 100) + lookahead_ms;

	return div_u64(ms * power_uw, 1000);
}

/**
 * gpio_ups_policy_reserve_uj() - the energy the reserve trigger commits at
 * @cfg: knobs (shutdown duration, margin, shutdown load)
 * @power_uw: running load
 * @lookahead_ms: time the trigger takes to confirm (the policy uses
 *	GPIO_UPS_POLICY_CONFIRM sampling intervals)
 *
 * The rule of trigger 1, for the store health check: energy for
 * @lookahead_ms more at @power_uw, then the clean shutdown with its margin
 * and the emergency lead (see gpio_ups_reserve_uj()).
 *
 * Return: the reserve, in microjoule.
 */
u64 gpio_ups_policy_reserve_uj(const struct gpio_ups_policy_cfg *cfg,
			       u32 power_uw, u32 lookahead_ms)
{
	return gpio_ups_reserve_uj(cfg, power_uw, lookahead_ms);
}

/* Milliseconds until energy_uj falls to floor_uj at power_uw. */
static u64 gpio_ups_ms_to(u64 energy_uj, u64 floor_uj, u32 power_uw)
{
	if (energy_uj <= floor_uj)
		return 0;
	if (!power_uw)
		return GPIO_UPS_NEVER;
	return div64_u64((energy_uj - floor_uj) * 1000, power_uw);
}

static u64 gpio_ups_add_ms(u64 t_ms, u64 d_ms)
{
	return d_ms > GPIO_UPS_NEVER - t_ms ? GPIO_UPS_NEVER : t_ms + d_ms;
}

/*
 * Remember a measured reading for dead reckoning.  The base is the median
 * energy of the last three readings (the higher of two) and the highest of
 * their powers, so one bad reading neither starts nor skews it.
 */
/*
 * Push a reading into a history of three, newest first; return the index
 * of the median energy (of two, the higher).
 */
static unsigned int gpio_ups_push3(u64 *e, u64 *t, u32 *n, u64 energy_uj,
				   u64 now_ms)
{
	bool ge01, ge12, ge02;

	e[2] = e[1];
	t[2] = t[1];
	e[1] = e[0];
	t[1] = t[0];
	e[0] = energy_uj;
	t[0] = now_ms;
	*n = min(*n + 1, 3U);
	if (*n == 1)
		return 0;
	if (*n == 2)
		return e[1] > e[0];
	ge01 = e[0] >= e[1];
	ge12 = e[1] >= e[2];
	ge02 = e[0] >= e[2];
	if (ge01 == ge12)
		return 1;
	return ge01 != ge02 ? 0 : 2;
}

static void gpio_ups_policy_record(struct gpio_ups_policy *p, u64 now_ms,
				   u64 energy_uj, u32 power_uw)
{
	u64 *e = p->priv.dr_energy_uj, *t = p->priv.dr_ms;
	u32 *pw = p->priv.dr_power_uw;
	unsigned int m, i;

	pw[2] = pw[1];
	pw[1] = pw[0];
	pw[0] = power_uw;
	m = gpio_ups_push3(e, t, &p->priv.dr_n, energy_uj, now_ms);
	p->priv.had_measured = true;
	p->priv.last_valid_ms = now_ms;
	p->priv.last_energy_uj = e[m];
	p->priv.dr_base_ms = t[m];
	p->priv.last_power_uw = pw[0];
	for (i = 1; i < p->priv.dr_n; i++)
		p->priv.last_power_uw = max(p->priv.last_power_uw, pw[i]);
}

static bool gpio_ups_confirmed(u8 hist)
{
	unsigned int n = 0, i;

	for (i = 0; i < GPIO_UPS_POLICY_WINDOW; i++)
		n += (hist >> i) & 1;
	return n >= GPIO_UPS_POLICY_CONFIRM;
}

/* Emergency deadline for energy_uj left at power_uw, uncapped. */
static u64 gpio_ups_emergency_at(u64 now_ms, u64 energy_uj, u32 power_uw)
{
	u64 left_ms = gpio_ups_ms_to(energy_uj, 0, power_uw);

	left_ms = left_ms > GPIO_UPS_POLICY_EMERGENCY_LEAD_MS ?
		  left_ms - GPIO_UPS_POLICY_EMERGENCY_LEAD_MS : 0;
	return gpio_ups_add_ms(now_ms, left_ms);
}

/**
 * gpio_ups_policy_budget_ms() - time from the commit to the planned
 *	emergency power-off, plus the time that power-off needs
 * @cfg: knobs
 *
 * shutdown_duration_ms * margin_pct / 100 + GPIO_UPS_POLICY_EMERGENCY_LEAD_MS:
 * what the UPS must hold after the commit (cfg->hold_ms) for the planned
 * shutdown to fit.
 *
 * Return: the budget in ms, saturated at U32_MAX.
 */
u32 gpio_ups_policy_budget_ms(const struct gpio_ups_policy_cfg *cfg)
{
	u64 ms = div_u64(mul_u32_u32(cfg->shutdown_duration_ms, cfg->margin_pct),
			 100) + GPIO_UPS_POLICY_EMERGENCY_LEAD_MS;

	return min_t(u64, ms, U32_MAX);
}

/**
 * gpio_ups_policy_cfg_nominal() - take in the declared store and load
 * @cfg: knobs; nominal_load_uw and nominal_full_uj are filled in
 * @store: the declared store (GPIO_UPS_STORE_NONE when none is described)
 *	and its nominal_load_uw
 *
 * With both, what the store delivers from full at that load, less what
 * its ESR burns, bounds the fallback timer (gpio_ups_policy_fallback_ms()).
 */
void gpio_ups_policy_cfg_nominal(struct gpio_ups_policy_cfg *cfg,
				 const struct gpio_ups_store *store)
{
	cfg->nominal_load_uw = 0;
	cfg->nominal_full_uj = 0;
	if (store->type == GPIO_UPS_STORE_NONE || !store->nominal_load_uw)
		return;
	cfg->nominal_load_uw = store->nominal_load_uw;
	cfg->nominal_full_uj =
		gpio_ups_energy_full_at_load_uj(store, store->nominal_load_uw);
}

/* Backup time full_uj at load_uw lasts down to the reserve at that load. */
static u64 gpio_ups_ride_ms(const struct gpio_ups_policy_cfg *cfg,
			    u64 full_uj, u32 load_uw)
{
	u32 interval = gpio_ups_policy_sample_interval_ms(cfg);

	return gpio_ups_ms_to(full_uj,
			      gpio_ups_reserve_uj(cfg, load_uw,
						  GPIO_UPS_POLICY_CONFIRM *
						  interval),
			      load_uw);
}

/* Backup time the declared store, full, carries its load to the reserve. */
static u64 gpio_ups_nominal_ride_ms(const struct gpio_ups_policy_cfg *cfg)
{
	if (!cfg->nominal_load_uw)
		return GPIO_UPS_NEVER;
	return gpio_ups_ride_ms(cfg, cfg->nominal_full_uj, cfg->nominal_load_uw);
}

/**
 * gpio_ups_policy_fallback_ms() - backup time after which trigger 6 fires
 * @cfg: knobs
 *
 * fallback_ms, or less when a declared store and load
 * (gpio_ups_policy_cfg_nominal()) say that the store, even full, reaches
 * the reserve at that load sooner: the reserve rule (trigger 1) on the
 * declared figures, for boards and outages without a measurement.
 *
 * Return: the time on backup, in milliseconds.
 */
u32 gpio_ups_policy_fallback_ms(const struct gpio_ups_policy_cfg *cfg)
{
	return min_t(u64, cfg->fallback_ms, gpio_ups_nominal_ride_ms(cfg));
}

/**
 * gpio_ups_policy_fallback_load_uw() - highest load the fallback timer
 *	leaves a clean shutdown for
 * @cfg: knobs (fallback_ms and those of the reserve)
 * @store: the declared store
 *
 * The bound of gpio_ups_policy_fallback_ms() read the other way round:
 * the highest load, to 1 mW, at which the store, full, still holds the
 * shutdown reserve after fallback_ms on backup.  What the probe tells a
 * user who has not declared nominal-load-microwatt.
 *
 * Return: the load in uW, at most 1 mW below the exact limit;
 * GPIO_UPS_MAX_POWER_UW when even that load fits (as every load does when
 * fallback_ms is 0); 0 when no load of 1 mW or more fits.
 */
u32 gpio_ups_policy_fallback_load_uw(const struct gpio_ups_policy_cfg *cfg,
				     const struct gpio_ups_store *store)
{
	u32 lo = 0, hi = GPIO_UPS_MAX_POWER_UW, mid;
	u64 full_uj = gpio_ups_energy_full_at_load_uj(store, hi);

	if (gpio_ups_ride_ms(cfg, full_uj, hi) >= cfg->fallback_ms)
		return hi;
	/* the ride falls as the load rises: full less ESR, reserve up */
	while (hi - lo > 1000) {
		mid = lo + (hi - lo) / 2;
		full_uj = gpio_ups_energy_full_at_load_uj(store, mid);
		if (gpio_ups_ride_ms(cfg, full_uj, mid) >= cfg->fallback_ms)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static u64 gpio_ups_emergency_cap(const struct gpio_ups_policy *p)
{
	u64 cap = div_u64(mul_u32_u32(p->cfg.shutdown_duration_ms,
				      p->cfg.margin_pct), 100);

	/* inside the UPS's hold time, with the lead the power-off needs */
	if (p->cfg.hold_ms)
		cap = min_t(u64, cap,
			    p->cfg.hold_ms > GPIO_UPS_POLICY_EMERGENCY_LEAD_MS ?
			    p->cfg.hold_ms - GPIO_UPS_POLICY_EMERGENCY_LEAD_MS : 0);
	return gpio_ups_add_ms(p->commit_ms, cap);
}

/*
 * A reading counts once: an estimate with the sequence number of the last
 * one seen is the same reading handed in again (a timer or line change
 * between samples, a failed or hung ADC read), not a new one.  Steady,
 * identical readings are new readings.
 */
static bool gpio_ups_est_fresh(struct gpio_ups_policy *p,
			       const struct gpio_ups_estimate *est)
{
	bool fresh = !p->priv.have_seen || est->seq != p->priv.seen_seq;

	p->priv.have_seen = true;
	p->priv.seen_seq = est->seq;
	return fresh;
}

/*
 * Load that dead reckoning assumes: the margin on the last trusted one or,
 * once the readings are untrusted (their load figures may have followed
 * the lie for a while), on the highest trusted one of the outage.
 */
static u32 gpio_ups_dr_power_uw(const struct gpio_ups_policy *p)
{
	u32 pw = p->untrusted ? max(p->priv.last_power_uw,
				    p->priv.peak_power_uw) :
				p->priv.last_power_uw;

	return min_t(u64, div_u64(mul_u32_u32(pw, GPIO_UPS_POLICY_DR_LOAD_PCT),
				  100), U32_MAX);
}

/* Energy left at now_ms from energy_uj at t_ms, at the dead-reckoning load. */
static u64 gpio_ups_dr_energy_uj(const struct gpio_ups_policy *p,
				 u64 energy_uj, u64 t_ms, u64 now_ms)
{
	u64 dt_ms = now_ms > t_ms ? min_t(u64, now_ms - t_ms, U32_MAX) : 0;
	/* < 2^32 ms * 2^32 uW */
	u64 used_uj = div_u64(dt_ms * gpio_ups_dr_power_uw(p), 1000);

	return energy_uj > used_uj ? energy_uj - used_uj : 0;
}

/* Time on backup in this outage; returns of mains do not count. */
static u64 gpio_ups_backup_ms(const struct gpio_ups_policy *p, u64 now_ms)
{
	return p->priv.backup_ms +
	       (now_ms > p->priv.resume_ms ? now_ms - p->priv.resume_ms : 0);
}

/* When the time on backup reaches dur_ms, if the store stays on backup. */
static u64 gpio_ups_backup_deadline(const struct gpio_ups_policy *p,
				    u64 dur_ms)
{
	return gpio_ups_add_ms(p->priv.resume_ms,
			       dur_ms > p->priv.backup_ms ?
			       dur_ms - p->priv.backup_ms : 0);
}

/* Least drain the store must show on backup, in uW. */
static u32 gpio_ups_floor_uw(const struct gpio_ups_policy *p)
{
	return max_t(u32, p->cfg.min_load_uw,
		     div_u64(mul_u32_u32(p->priv.peak_power_uw,
					 GPIO_UPS_POLICY_FLOOR_PCT), 100));
}

/*
 * The readings are untrusted for the rest of the outage.  Readings that
 * never showed the store drain, or never proved a load (only slopes
 * within their noise), were never a measurement: there is no energy or
 * load to reckon from (gpio_ups_policy_unmeasured() commits).  Otherwise
 * the dead-reckoning base moves back to the anchor if lower.
 */
static void gpio_ups_distrust(struct gpio_ups_policy *p, u64 now_ms)
{
	p->untrusted = true;
	if (!p->priv.drained || !p->priv.proven)
		p->priv.had_measured = false;
	if (p->priv.had_measured && p->priv.have_anchor &&
	    gpio_ups_dr_energy_uj(p, p->priv.anchor_energy_uj,
				  p->priv.anchor_ms, now_ms) <
	    gpio_ups_dr_energy_uj(p, p->priv.last_energy_uj,
				  p->priv.dr_base_ms, now_ms)) {
		p->priv.last_energy_uj = p->priv.anchor_energy_uj;
		p->priv.dr_base_ms = p->priv.anchor_ms;
	}
}

/*
 * Readings are checked against physics before they are believed: on backup
 * the store loses at least gpio_ups_floor_uw().  The ceiling is the anchor
 * (the last median of three readings that was below the ceiling) less the
 * floor load since then; a reading above the ceiling by more than its
 * tolerance is implausible, and GPIO_UPS_POLICY_SUSPECT_RUN of them in a
 * row mark the readings untrusted (gpio_ups_distrust(): a frozen ADC, a
 * divider that reads the regulated output, a floating input).
 *
 * Return: true when the reading is plausible.
 */
static bool gpio_ups_plausible(struct gpio_ups_policy *p, u64 now_ms,
			       const struct gpio_ups_estimate *est)
{
	u64 drop, ceiling, *e = p->priv.ck_energy_uj, *t = p->priv.ck_ms;
	u64 reading_uj = est->sample_energy_uj;
	unsigned int m;

	if (p->untrusted)
		return false;
	if (!p->priv.first_energy_uj)
		p->priv.first_energy_uj = reading_uj;
	/*
	 * A change of mains republishes the last reading, maybe one taken on
	 * mains before this stretch: no anchor for the ceiling (the store
	 * may have been recharged since).
	 */
	if (est->sample_ms < p->priv.resume_ms)
		return true;
	m = gpio_ups_push3(e, t, &p->priv.ck_n, reading_uj, now_ms);
	if (!p->priv.have_anchor) {
		p->priv.have_anchor = true;
		p->priv.anchor_energy_uj = reading_uj;
		p->priv.anchor_ms = now_ms;
		return true;
	}
	/* <= 8.6e7 ms a day * 5e7 uW */
	drop = div_u64((now_ms - p->priv.anchor_ms) * gpio_ups_floor_uw(p),
		       1000);
	ceiling = p->priv.anchor_energy_uj > drop ?
		  p->priv.anchor_energy_uj - drop : 0;
	/* the median reading moves the anchor: a lone low one cannot */
	if (e[m] < ceiling && t[m] >= p->priv.anchor_ms) {
		p->priv.anchor_energy_uj = e[m];
		p->priv.anchor_ms = t[m];
		drop = div_u64((now_ms - t[m]) * gpio_ups_floor_uw(p), 1000);
		ceiling = e[m] > drop ? e[m] - drop : 0;
	}
	if (reading_uj <= ceiling + est->tol_uj) {
		p->priv.suspect_run = 0;
		if (reading_uj + est->tol_uj < p->priv.first_energy_uj)
			p->priv.drained = true;
		return true;
	}
	if (++p->priv.suspect_run >= GPIO_UPS_POLICY_SUSPECT_RUN)
		gpio_ups_distrust(p, now_ms);
	return false;
}

/*
 * The shutdown's load, measured from the energy drawn between the first
 * reading GPIO_UPS_POLICY_SD_MEASURE_MS after the commit (the base: the
 * load has settled, and the estimator's figures with it; across the load
 * step the published energy rises as the terminal voltage recovers) and
 * the last one, once they span GPIO_UPS_POLICY_SD_MEASURE_MS.
 */
static int gpio_ups_shutdown_power(const struct gpio_ups_policy *p,
				   u32 *power_uw)
{
	u64 span_ms = p->priv.sd_last_ms - p->priv.sd_base_ms;
	u64 drawn_uj;

	if (!p->priv.sd_have_last || span_ms < GPIO_UPS_POLICY_SD_MEASURE_MS ||
	    p->priv.sd_base_energy_uj <= p->priv.sd_last_energy_uj)
		return -ENODATA;
	drawn_uj = p->priv.sd_base_energy_uj - p->priv.sd_last_energy_uj;
	/* drawn_uj <= 7.2e12 (2 kWh, the largest store): * 1000 fits */
	*power_uw = min_t(u64, div64_u64(drawn_uj * 1000, span_ms), U32_MAX);
	return 0;
}

/* The load declared for the shutdown, from the one the commit was on. */
static u32 gpio_ups_declared_power(const struct gpio_ups_policy *p,
				   u32 power_uw)
{
	return min_t(u64, div_u64(mul_u32_u32(power_uw,
					      p->cfg.shutdown_load_pct), 100),
		     U32_MAX);
}

/*
 * After the commit: move the emergency deadline with the measured energy
 * and the shutdown load: the declared one for GPIO_UPS_POLICY_SD_MEASURE_MS
 * (the estimator's power still carries the running load right after the
 * step), then the higher of the estimator's instant power and the load
 * measured since the base.  The later of the last two readings' deadlines
 * is used, so one bad reading cannot force an emergency power-off.
 */
static void gpio_ups_policy_rearm(struct gpio_ups_policy *p,
				  const struct gpio_ups_policy_input *in)
{
	const struct gpio_ups_estimate *est = in->est;
	u64 now = in->now_ms, cand;
	u32 power_uw, measured_uw;
	bool settled;

	if (in->on_mains || p->untrusted || !est || !est->energy_valid ||
	    !est->power_valid || !est->power_measured ||
	    !gpio_ups_est_fresh(p, est))
		return;
	settled = now >= p->commit_ms + GPIO_UPS_POLICY_SD_MEASURE_MS;
	if (settled && !p->priv.sd_have_base) {
		p->priv.sd_have_base = true;
		p->priv.sd_base_energy_uj = est->energy_uj;
		p->priv.sd_base_ms = now;
	} else if (settled) {
		p->priv.sd_have_last = true;
		p->priv.sd_last_energy_uj = est->energy_uj;
		p->priv.sd_last_ms = now;
	}

	if (!settled && p->priv.sd_commit_power_uw) {
		power_uw = gpio_ups_declared_power(p, p->priv.sd_commit_power_uw);
	} else if (!settled) {
		/* no load measured before the commit: nothing declared */
		power_uw = max(est->power_uw, est->power_avg_uw);
	} else {
		power_uw = est->power_uw;
		if (!gpio_ups_shutdown_power(p, &measured_uw))
			power_uw = max(power_uw, measured_uw);
	}
	if (!power_uw)
		return;
	cand = gpio_ups_emergency_at(now, est->energy_uj, power_uw);
	p->emergency_ms = min(gpio_ups_emergency_cap(p),
			      max(cand, p->priv.emergency_cand_ms));
	p->priv.emergency_cand_ms = cand;
}

static void gpio_ups_policy_commit(struct gpio_ups_policy *p, u64 now_ms,
				   enum gpio_ups_reason reason,
				   bool have_energy, u64 energy_uj,
				   u32 power_uw, struct gpio_ups_decision *d)
{
	p->state = GPIO_UPS_PSTATE_SHUTDOWN_PENDING;
	p->reason = reason;
	p->advice = reason;
	p->commit_ms = now_ms;
	p->emergency_ms = gpio_ups_emergency_cap(p);
	p->priv.emergency_cand_ms = p->emergency_ms;
	p->priv.sd_commit_power_uw = have_energy ? power_uw : 0;
	if (have_energy && power_uw) {
		/* the declared shutdown load, until readings measure it */
		p->priv.emergency_cand_ms =
			gpio_ups_emergency_at(now_ms, energy_uj,
					      gpio_ups_declared_power(p, power_uw));
		p->emergency_ms = min(p->emergency_ms,
				      p->priv.emergency_cand_ms);
	}
	d->commit = true;
	d->next_eval_ms = GPIO_UPS_NEVER;
	d->emergency_ms = p->emergency_ms;
}

/*
 * Without a load figure (mains flapping too fast for a fit: each stretch on
 * backup is shorter than the estimator needs), the readings still tell the
 * net drain since the outage began: the energy lost over the time spent on
 * backup, once that is GPIO_UPS_POLICY_NET_MIN_MS.  It feeds the reserve
 * vote only.  Returns 0 when there is none (or it is below min_load_uw).
 */
static u32 gpio_ups_net_drain_uw(const struct gpio_ups_policy *p, u64 now,
				 const struct gpio_ups_estimate *est)
{
	u64 t_ms = gpio_ups_backup_ms(p, now), drop_uj, pw;

	if (t_ms < GPIO_UPS_POLICY_NET_MIN_MS ||
	    p->priv.first_energy_uj <= est->sample_energy_uj)
		return 0;
	drop_uj = p->priv.first_energy_uj - est->sample_energy_uj;
	/* drop < 2^43 uJ (the largest store): * 1000 fits */
	pw = div64_u64(drop_uj * 1000, t_ms);
	return pw >= p->cfg.min_load_uw ? (u32)min_t(u64, pw, U32_MAX) : 0;
}

/* Triggers 1, 3 and 4: one history slot per fresh reading. */
static void gpio_ups_policy_vote(struct gpio_ups_policy *p,
				 const struct gpio_ups_estimate *est,
				 bool trusted, u32 power_uw, u32 lookahead_ms)
{
	const struct gpio_ups_policy_cfg *cfg = &p->cfg;
	u8 bits = 0;
	unsigned int i;

	if (trusted && cfg->shutdown_capacity_pct &&
	    est->capacity_pct <= cfg->shutdown_capacity_pct)
		bits |= (1U << GPIO_UPS_HIST_CAPACITY);
	if (trusted && power_uw) {
		u64 tte_s = div_u64(est->energy_uj, power_uw);

		if (est->energy_uj <=
		    gpio_ups_reserve_uj(cfg, power_uw, lookahead_ms))
			bits |= (1U << GPIO_UPS_HIST_RESERVE);
		if (est->tte_valid)
			tte_s = min_t(u64, tte_s,
				      min(est->tte_s, est->tte_avg_s));
		if (cfg->shutdown_runtime_s && tte_s < cfg->shutdown_runtime_s)
			bits |= (1U << GPIO_UPS_HIST_RUNTIME);
	}
	for (i = 0; i < ARRAY_SIZE(p->priv.hist); i++)
		p->priv.hist[i] = (p->priv.hist[i] << 1) | ((bits >> i) & 1);
}

/*
 * When the readings count as lost, not just late or rejected: untrusted,
 * dropped by the caller (failed reads), or no trusted one for
 * GPIO_UPS_POLICY_LOST_SAMPLES sampling intervals (a hung read).
 */
static u64 gpio_ups_lost_at(const struct gpio_ups_policy *p,
			    const struct gpio_ups_estimate *est)
{
	u32 interval = gpio_ups_policy_sample_interval_ms(&p->cfg);

	if (p->untrusted || !est || !est->energy_valid)
		return 0;
	return gpio_ups_add_ms(p->priv.last_valid_ms,
			       (u64)GPIO_UPS_POLICY_LOST_SAMPLES * interval);
}

/*
 * Trigger 6, without a trusted measurement now: dead reckoning from the
 * last trusted readings of the outage (no time limit: the energy and load
 * were known), to the reserve of the dead-reckoning load once the readings
 * are lost (gpio_ups_lost_at()), of the last trusted load while they
 * are only late; at once when the readings were found never to measure the
 * store (none will come); else the fallback timer on the time spent on
 * backup.  Returns the trigger's deadline and its reason; fills in the energy and
 * load the commit would be taken on when the caller has none.
 */
static u64 gpio_ups_policy_unmeasured(struct gpio_ups_policy *p, u64 now,
				      bool power_ok, bool lost,
				      u32 lookahead_ms,
				      enum gpio_ups_reason *why,
				      bool *have_energy, u64 *energy_uj,
				      u32 *power_uw)
{
	const struct gpio_ups_policy_cfg *cfg = &p->cfg;
	u64 e = p->priv.last_energy_uj;
	u32 pw, reserve_pw;

	if (!p->priv.had_measured && p->untrusted) {
		/* the readings never measured the store: none will */
		*why = GPIO_UPS_REASON_IMPLAUSIBLE;
		return now;
	}
	if (!p->priv.had_measured) {
		u64 limit_ms = cfg->fallback_ms;

		*why = GPIO_UPS_REASON_FALLBACK;
		/* a provisional (nominal) load gets the grace period */
		if (power_ok)
			limit_ms = max_t(u64, limit_ms,
					 GPIO_UPS_POLICY_POWER_GRACE_MS);
		/* but no longer than the declared store carries that load */
		return gpio_ups_backup_deadline(p,
				min(limit_ms, gpio_ups_nominal_ride_ms(cfg)));
	}
	*why = GPIO_UPS_REASON_DEAD_RECKONING;
	pw = gpio_ups_dr_power_uw(p);
	if (!*have_energy) {
		/* the running load as last measured; the energy with margin */
		*have_energy = true;
		*power_uw = p->priv.last_power_uw;
		*energy_uj = gpio_ups_dr_energy_uj(p, e, p->priv.dr_base_ms,
						   now);
	}
	/* a reading late or rejected: the shutdown of the load last seen */
	reserve_pw = lost ? pw : p->priv.last_power_uw;
	return gpio_ups_add_ms(p->priv.dr_base_ms,
			       gpio_ups_ms_to(e, gpio_ups_reserve_uj(cfg,
								     reserve_pw,
								     lookahead_ms),
					      pw));
}

/* The first trigger that holds, in the documented order. */
static enum gpio_ups_reason gpio_ups_policy_triggers(struct gpio_ups_policy *p,
						     const struct gpio_ups_policy_input *in,
						     u64 *next)
{
	const struct gpio_ups_policy_cfg *cfg = &p->cfg;
	u64 deadline;

	if (gpio_ups_confirmed(p->priv.hist[GPIO_UPS_HIST_RESERVE]))
		return GPIO_UPS_REASON_RESERVE;
	if (in->low_battery)
		return GPIO_UPS_REASON_LOW_BATTERY;
	if (gpio_ups_confirmed(p->priv.hist[GPIO_UPS_HIST_CAPACITY]))
		return GPIO_UPS_REASON_CAPACITY;
	if (gpio_ups_confirmed(p->priv.hist[GPIO_UPS_HIST_RUNTIME]))
		return GPIO_UPS_REASON_RUNTIME;
	if (cfg->max_backup_ms) {
		deadline = gpio_ups_backup_deadline(p, cfg->max_backup_ms);
		if (in->now_ms >= deadline)
			return GPIO_UPS_REASON_MAX_BACKUP;
		*next = min(*next, deadline);
	}
	return GPIO_UPS_REASON_NONE;
}

/*
 * The lookahead of the reserve rule: GPIO_UPS_POLICY_CONFIRM sampling
 * intervals, as configured or as seen between two fresh readings if
 * longer (timer-only evaluations do not count).
 */
static u32 gpio_ups_policy_lookahead_ms(struct gpio_ups_policy *p, u64 now,
					bool fresh)
{
	u32 interval = gpio_ups_policy_sample_interval_ms(&p->cfg);

	if (fresh) {
		if (p->priv.have_sample && now > p->priv.last_sample_ms)
			p->priv.gap_ms = min_t(u64, now - p->priv.last_sample_ms,
					       GPIO_UPS_POLICY_MAX_GAP_MS);
		p->priv.have_sample = true;
		p->priv.last_sample_ms = now;
	}
	return GPIO_UPS_POLICY_CONFIRM * max(interval, p->priv.gap_ms);
}

/*
 * The energy and load a trusted reading gives the reserve rule: its load
 * when that is at least min_load_uw, else the net drain since the outage
 * began.  Returns false when there is neither.
 */
static bool gpio_ups_policy_load(const struct gpio_ups_policy *p, u64 now,
				 const struct gpio_ups_estimate *est,
				 bool power_ok, u64 *energy_uj, u32 *power_uw)
{
	*energy_uj = est->energy_uj;
	if (power_ok)
		*power_uw = max(est->power_uw, est->power_avg_uw);
	else
		*power_uw = gpio_ups_net_drain_uw(p, now, est);
	return *power_uw;
}

static void gpio_ups_policy_eval(struct gpio_ups_policy *p,
				 const struct gpio_ups_policy_input *in,
				 struct gpio_ups_decision *d)
{
	const struct gpio_ups_estimate *est = in->est;
	u64 now = in->now_ms, next = GPIO_UPS_NEVER, deadline, energy_uj = 0;
	u64 lost_at;
	bool power_ok, measured, fresh, trusted, have_energy = false;
	enum gpio_ups_reason reason, why;
	u32 lookahead, power_uw = 0;

	/* readings the store cannot give: the ADC reads something else */
	if (est && est->out_of_range && !p->untrusted)
		gpio_ups_distrust(p, now);
	fresh = est && est->energy_valid && gpio_ups_est_fresh(p, est);
	trusted = fresh && gpio_ups_plausible(p, now, est);
	/* a load below the floor on backup is no measurement */
	power_ok = est && est->energy_valid && est->power_valid &&
		   max(est->power_uw, est->power_avg_uw) >=
		   max(p->cfg.min_load_uw, 1U);
	measured = trusted && power_ok &&
		   (est->power_measured || est->power_declared);
	lookahead = gpio_ups_policy_lookahead_ms(p, now, fresh);

	if (trusted)
		have_energy = gpio_ups_policy_load(p, now, est, power_ok,
						   &energy_uj, &power_uw);
	if (fresh)
		gpio_ups_policy_vote(p, est, trusted, power_uw, lookahead);
	if (measured) {
		gpio_ups_policy_record(p, now, energy_uj, power_uw);
		/* a load within the reading noise raises no floor */
		if (est->power_proven || est->power_declared) {
			p->priv.proven = true;
			p->priv.peak_power_uw = max(p->priv.peak_power_uw,
						    power_uw);
		}
	}

	reason = gpio_ups_policy_triggers(p, in, &next);
	if (!measured) {
		lost_at = gpio_ups_lost_at(p, est);
		deadline = gpio_ups_policy_unmeasured(p, now, power_ok,
						      now >= lost_at,
						      lookahead, &why,
						      &have_energy, &energy_uj,
						      &power_uw);
		if (now < deadline)
			next = min(next, deadline);
		else if (!reason)
			reason = why;
		if (now < lost_at)
			next = min(next, lost_at);
	}

	if (reason && p->cfg.auto_shutdown) {
		gpio_ups_policy_commit(p, now, reason, have_energy, energy_uj,
				       power_uw, d);
		return;
	}
	p->advice = reason;
	d->next_eval_ms = next;
}

/* An outage ends once mains has held GPIO_UPS_MAINS_SETTLE_MS. */
static void gpio_ups_policy_on_mains(struct gpio_ups_policy *p, u64 now_ms)
{
	if (p->state != GPIO_UPS_PSTATE_ONLINE) {
		/* reported at once; the outage stays open for now */
		p->state = GPIO_UPS_PSTATE_ONLINE;
		p->advice = GPIO_UPS_REASON_NONE;
		p->priv.backup_ms = gpio_ups_backup_ms(p, now_ms);
		p->priv.mains_since_ms = now_ms;
	}
	if (p->priv.outage &&
	    now_ms >= p->priv.mains_since_ms + GPIO_UPS_MAINS_SETTLE_MS)
		p->priv.outage = false;
}

/* Mains is gone: a new outage, or the open one goes on. */
static void gpio_ups_policy_on_backup(struct gpio_ups_policy *p, u64 now_ms)
{
	if (p->state != GPIO_UPS_PSTATE_ONLINE)
		return;
	p->state = GPIO_UPS_PSTATE_ON_BACKUP;
	if (!p->priv.outage ||
	    now_ms >= p->priv.mains_since_ms + GPIO_UPS_MAINS_SETTLE_MS) {
		gpio_ups_policy_start_outage(p, now_ms);
		return;
	}
	/* the anchor restarts: the charger may have added energy */
	p->priv.resume_ms = now_ms;
	p->priv.have_anchor = false;
	p->priv.ck_n = 0;
	p->priv.suspect_run = 0;
}

/**
 * gpio_ups_policy_step() - advance the policy
 * @p: policy
 * @in: lines, estimate and time now
 * @d: decision out
 *
 * Call after every debounced line change, after every estimator sample
 * (one call per sample: a reading counts once towards the confirmation of
 * an energy trigger) and at @d->next_eval_ms.  Once committed, the policy
 * stays committed: @d->commit is true in exactly one step.
 */
void gpio_ups_policy_step(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_input *in,
			  struct gpio_ups_decision *d)
{
	d->commit = false;
	d->next_eval_ms = GPIO_UPS_NEVER;
	d->emergency_ms = GPIO_UPS_NEVER;

	if (p->state == GPIO_UPS_PSTATE_SHUTDOWN_PENDING) {
		gpio_ups_policy_rearm(p, in);
		d->emergency_ms = p->emergency_ms;
		return;
	}
	if (in->on_mains) {
		gpio_ups_policy_on_mains(p, in->now_ms);
		return;
	}
	gpio_ups_policy_on_backup(p, in->now_ms);
	gpio_ups_policy_eval(p, in, d);
}

/**
 * gpio_ups_policy_shutdown_stats() - measure the shutdown in progress
 * @p: policy
 * @st: filled in on success
 *
 * The energy drawn from GPIO_UPS_POLICY_SD_MEASURE_MS after the commit (once
 * the load has settled) to the last measured reading gives the shutdown's
 * average load, in absolute terms and as a share, rounded up, of the load
 * the commit was decided on: the figure for shutdown_load_percent.
 *
 * Return: 0, or -ENODATA when not committed, when the commit was not
 * decided on a load, or when the readings after the commit do not span
 * 2 * GPIO_UPS_POLICY_SD_MEASURE_MS yet (or show no energy drawn).
 */
int gpio_ups_policy_shutdown_stats(const struct gpio_ups_policy *p,
				   struct gpio_ups_shutdown_stats *st)
{
	u32 power_uw;

	if (p->state != GPIO_UPS_PSTATE_SHUTDOWN_PENDING ||
	    !p->priv.sd_commit_power_uw || gpio_ups_shutdown_power(p, &power_uw))
		return -ENODATA;
	st->span_ms = min_t(u64, p->priv.sd_last_ms - p->priv.sd_base_ms,
			    U32_MAX);
	st->commit_power_uw = p->priv.sd_commit_power_uw;
	st->power_uw = power_uw;
	/* rounded up: the figure goes into a reserve */
	st->load_pct = min_t(u64, div_u64((u64)power_uw * 100 +
					  st->commit_power_uw - 1,
					  st->commit_power_uw), U32_MAX);
	return 0;
}

/**
 * gpio_ups_policy_dead_reckoning() - the energy the policy reckons with
 * @p: policy
 * @now_ms: time
 * @energy_uj: usable energy left by dead reckoning
 * @power_uw: the load it assumes (GPIO_UPS_POLICY_DR_LOAD_PCT of the last
 *	trusted one)
 *
 * What the policy goes by on backup when the readings are lost or
 * untrusted: the last trusted energy of the outage less the assumed load
 * since.
 *
 * Return: 0, or -ENODATA on mains or before a trusted measurement.
 */
int gpio_ups_policy_dead_reckoning(const struct gpio_ups_policy *p,
				   u64 now_ms, u64 *energy_uj, u32 *power_uw)
{
	if (p->state == GPIO_UPS_PSTATE_ONLINE || !p->priv.had_measured)
		return -ENODATA;
	*power_uw = gpio_ups_dr_power_uw(p);
	*energy_uj = gpio_ups_dr_energy_uj(p, p->priv.last_energy_uj,
					   p->priv.dr_base_ms, now_ms);
	return 0;
}

/**
 * gpio_ups_pstate_name() - sysfs name of a state
 * @state: state
 *
 * Return: a static string.
 */
const char *gpio_ups_pstate_name(enum gpio_ups_pstate state)
{
	switch (state) {
	case GPIO_UPS_PSTATE_ONLINE:
		return "online";
	case GPIO_UPS_PSTATE_ON_BACKUP:
		return "on-backup";
	case GPIO_UPS_PSTATE_SHUTDOWN_PENDING:
		return "shutdown-pending";
	}
	return "unknown";
}

/**
 * gpio_ups_reason_name() - sysfs name of a reason
 * @reason: reason
 *
 * Return: a static string.
 */
const char *gpio_ups_reason_name(enum gpio_ups_reason reason)
{
	static const char * const names[] = {
		[GPIO_UPS_REASON_NONE] = "none",
		[GPIO_UPS_REASON_RESERVE] = "energy-reserve",
		[GPIO_UPS_REASON_LOW_BATTERY] = "low-battery",
		[GPIO_UPS_REASON_CAPACITY] = "capacity",
		[GPIO_UPS_REASON_RUNTIME] = "runtime",
		[GPIO_UPS_REASON_MAX_BACKUP] = "max-backup-time",
		[GPIO_UPS_REASON_FALLBACK] = "fallback-timer",
		[GPIO_UPS_REASON_DEAD_RECKONING] = "dead-reckoning",
		[GPIO_UPS_REASON_IMPLAUSIBLE] = "adc-implausible",
	};

	if ((unsigned int)reason >= ARRAY_SIZE(names))
		return "unknown";
	return names[reason];
}
