/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups shutdown policy.
 *
 * A pure state machine: on mains -> on backup (after the power-fail
 * debounce) -> shutdown committed (latched).  gpio_ups_policy_step() is a
 * function of (policy state, input, time) with no hardware access and no
 * locking (the caller serialises); the driver calls it after every
 * debounced line change and every estimator sample, and again at the
 * returned next_eval_ms.
 */
#ifndef _GPIO_UPS_POLICY_H
#define _GPIO_UPS_POLICY_H

#include <linux/limits.h>
#include <linux/types.h>

#include "gpio-ups-energy.h"

/* "no deadline" for gpio_ups_decision.next_eval_ms / emergency_ms */
#define GPIO_UPS_NEVER			U64_MAX

/*
 * Documented constants (Documentation/ABI, binding):
 *
 * GPIO_UPS_POLICY_POWER_GRACE_MS: on backup, an estimate whose load power
 *	is not measured yet (the estimator still uses nominal-load-microwatt)
 *	is used for the energy triggers, but counts as "no estimate" for the
 *	fallback timer once the outage is this old.
 * GPIO_UPS_POLICY_EMERGENCY_LEAD_MS: after a commit, the emergency
 *	power-off is due this long before the estimated end of the usable
 *	energy at the running load (time for an emergency sync + power-off).
 * GPIO_UPS_POLICY_MAX_GAP_MS: longest evaluation interval the reserve
 *	accounts for when the driver reports a longer one.
 * GPIO_UPS_POLICY_CONFIRM: evaluations an energy, capacity or runtime
 *	trigger must hold on, out of the last GPIO_UPS_POLICY_WINDOW, before
 *	it commits (one bad reading never commits).
 * GPIO_UPS_POLICY_SD_MEASURE_MS: after a commit, how long the shutdown's
 *	load is taken as declared, and the span its measurement needs (see
 *	gpio_ups_policy_rearm()).
 * GPIO_UPS_POLICY_DR_LOAD_PCT: dead reckoning (the ADC failed, hung or
 *	its readings stopped following the store) assumes this share of the
 *	highest of the last trusted load figures: the margin for a load that
 *	rises while nothing measures it.  Once the readings are lost, the
 *	shutdown reserve is also that of this load; a reading that is only
 *	late or rejected keeps the reserve of the last trusted load.
 * GPIO_UPS_POLICY_LOST_SAMPLES: sampling intervals without a trusted
 *	reading after which the readings are lost (as are readings the
 *	driver dropped after failed reads, and untrusted ones); the driver
 *	reports a stalled ADC after as many intervals without a read.
 * GPIO_UPS_POLICY_FLOOR_PCT: on backup the store must lose energy at
 *	least at the floor, the higher of min_load_uw and this share of the
 *	highest load measured in the outage; readings that say otherwise are
 *	implausible.
 * GPIO_UPS_POLICY_SUSPECT_RUN: implausible readings in a row after which
 *	the readings are untrusted for the rest of the outage.
 * GPIO_UPS_POLICY_NET_MIN_MS: time on backup after which, without a load
 *	figure (mains flapping faster than a fit), the net drain since the
 *	start of the outage stands in for the load in the reserve rule.
 */
#define GPIO_UPS_POLICY_POWER_GRACE_MS		10000U
#define GPIO_UPS_POLICY_EMERGENCY_LEAD_MS	2000U
#define GPIO_UPS_POLICY_MAX_GAP_MS		10000U
#define GPIO_UPS_POLICY_CONFIRM			2U
#define GPIO_UPS_POLICY_WINDOW			3U
#define GPIO_UPS_POLICY_SD_MEASURE_MS		1000U
#define GPIO_UPS_POLICY_DR_LOAD_PCT		250U
#define GPIO_UPS_POLICY_LOST_SAMPLES		5U
#define GPIO_UPS_POLICY_FLOOR_PCT		20U
#define GPIO_UPS_POLICY_SUSPECT_RUN		3U
#define GPIO_UPS_POLICY_NET_MIN_MS		2000U

/* Defaults (binding YAML) */
#define GPIO_UPS_DEF_SHUTDOWN_DURATION_MS	20000U
#define GPIO_UPS_DEF_MARGIN_PCT			150U
#define GPIO_UPS_DEF_SHUTDOWN_LOAD_PCT		100U
#define GPIO_UPS_DEF_FALLBACK_MS		3000U
#define GPIO_UPS_DEF_SAMPLE_INTERVAL_MS		100U
#define GPIO_UPS_DEF_MIN_LOAD_UW		100000U

enum gpio_ups_pstate {
	GPIO_UPS_PSTATE_ONLINE,
	GPIO_UPS_PSTATE_ON_BACKUP,
	GPIO_UPS_PSTATE_SHUTDOWN_PENDING,
};

enum gpio_ups_reason {
	GPIO_UPS_REASON_NONE,
	GPIO_UPS_REASON_RESERVE,	/* energy only covers a clean shutdown */
	GPIO_UPS_REASON_LOW_BATTERY,	/* low-battery line asserted */
	GPIO_UPS_REASON_CAPACITY,	/* shutdown-capacity-percent reached */
	GPIO_UPS_REASON_RUNTIME,	/* time to empty below shutdown-runtime-sec */
	GPIO_UPS_REASON_MAX_BACKUP,	/* max-backup-time-ms on backup */
	GPIO_UPS_REASON_FALLBACK,	/* no estimate: fallback timer */
	/* readings lost or untrusted: the reckoned energy hit the reserve */
	GPIO_UPS_REASON_DEAD_RECKONING,
	/* the readings never measured the store: no energy, no load */
	GPIO_UPS_REASON_IMPLAUSIBLE,
};

/**
 * enum gpio_ups_knob - runtime-tunable policy knobs (sysfs attributes)
 * @GPIO_UPS_KNOB_AUTO_SHUTDOWN: auto_shutdown
 * @GPIO_UPS_KNOB_SHUTDOWN_DURATION_MS: shutdown_duration_ms
 * @GPIO_UPS_KNOB_MARGIN_PCT: shutdown_margin_percent
 * @GPIO_UPS_KNOB_SHUTDOWN_LOAD_PCT: shutdown_load_percent
 * @GPIO_UPS_KNOB_SHUTDOWN_CAPACITY_PCT: shutdown_capacity_percent
 * @GPIO_UPS_KNOB_SHUTDOWN_RUNTIME_S: shutdown_runtime_sec
 * @GPIO_UPS_KNOB_MAX_BACKUP_MS: max_backup_time_ms
 * @GPIO_UPS_KNOB_FALLBACK_MS: fallback_shutdown_ms
 * @GPIO_UPS_KNOB_MIN_LOAD_UW: min_load_microwatt
 * @GPIO_UPS_KNOB_COUNT: number of knobs
 *
 * Names, ranges and config fields: gpio_ups_knobs[] in gpio-ups-policy.c.
 */
enum gpio_ups_knob {
	GPIO_UPS_KNOB_AUTO_SHUTDOWN,
	GPIO_UPS_KNOB_SHUTDOWN_DURATION_MS,
	GPIO_UPS_KNOB_MARGIN_PCT,
	GPIO_UPS_KNOB_SHUTDOWN_LOAD_PCT,
	GPIO_UPS_KNOB_SHUTDOWN_CAPACITY_PCT,
	GPIO_UPS_KNOB_SHUTDOWN_RUNTIME_S,
	GPIO_UPS_KNOB_MAX_BACKUP_MS,
	GPIO_UPS_KNOB_FALLBACK_MS,
	GPIO_UPS_KNOB_MIN_LOAD_UW,
	GPIO_UPS_KNOB_COUNT,
};

/**
 * struct gpio_ups_policy_cfg - policy knobs (DT defaults, sysfs-tunable)
 * @auto_shutdown: 1: commit by itself; 0 leaves the decision to userspace
 *	(the state still follows mains and the policy reports what it would
 *	do in gpio_ups_policy.advice, but it never commits)
 * @shutdown_duration_ms: time the host needs to power off cleanly
 * @margin_pct: safety margin on the shutdown energy, >= 100
 * @shutdown_load_pct: the host's load while it shuts down, in percent of
 *	the load measured when the policy decides
 * @shutdown_capacity_pct: commit at or below this capacity, 0 = off
 * @shutdown_runtime_s: commit when time to empty drops below, 0 = off
 * @max_backup_ms: commit after this long on backup, 0 = off
 * @fallback_ms: commit after this long on backup while no estimate exists
 * @min_load_uw: the least the host draws on backup: readings that show
 *	less drain are implausible (see GPIO_UPS_POLICY_FLOOR_PCT), and a
 *	load figure below it is no measurement
 * @sample_interval_ms: interval at which the driver feeds estimates on
 *	backup (sample-interval-ms); 0 means GPIO_UPS_DEF_SAMPLE_INTERVAL_MS
 * @hold_ms: the longest the UPS keeps power after the commit
 *	(shutdown-hold-ms), 0 = no limit; the emergency power-off is planned
 *	GPIO_UPS_POLICY_EMERGENCY_LEAD_MS before it ends
 * @nominal_load_uw: the declared load (nominal-load-microwatt) of a
 *	declared store, 0 = none; see gpio_ups_policy_cfg_nominal()
 * @nominal_full_uj: what the declared store delivers from full at
 *	@nominal_load_uw, 0 = unknown
 */
struct gpio_ups_policy_cfg {
	u32 auto_shutdown;
	u32 shutdown_duration_ms;
	u32 margin_pct;
	u32 shutdown_load_pct;
	u32 shutdown_capacity_pct;
	u32 shutdown_runtime_s;
	u32 max_backup_ms;
	u32 fallback_ms;
	u32 min_load_uw;
	u32 sample_interval_ms;
	u32 hold_ms;
	u32 nominal_load_uw;
	u64 nominal_full_uj;
};

/**
 * struct gpio_ups_policy_input - what the policy looks at
 * @now_ms: monotonic time
 * @on_mains: debounced power-good
 * @low_battery: debounced low-battery line
 * @est: the estimator's current estimate, or NULL when there is no ADC;
 *	pass NULL (or an estimate with !energy_valid) when the last reading
 *	failed, never a stale estimate
 */
struct gpio_ups_policy_input {
	u64 now_ms;
	bool on_mains;
	bool low_battery;
	const struct gpio_ups_estimate *est;
};

/**
 * struct gpio_ups_decision - what the driver must do after a step
 * @commit: the policy committed to shutdown in this step: run the
 *	orderly power-off now (only ever true once)
 * @next_eval_ms: call gpio_ups_policy_step() again no later than this (the
 *	earliest time a timer-based trigger can fire); GPIO_UPS_NEVER: only
 *	on the next line change or sample
 * @emergency_ms: after commit, force an emergency power-off at this time
 *	if the system is still up (GPIO_UPS_NEVER: none); keep stepping the
 *	policy with new samples after the commit and re-arm the emergency
 *	timer whenever this changes
 */
struct gpio_ups_decision {
	bool commit;
	u64 next_eval_ms;
	u64 emergency_ms;
};

/**
 * struct gpio_ups_policy - policy state; treat as opaque except @cfg
 * @cfg: knobs; may be changed between steps (gpio_ups_policy_set())
 * @state: current state
 * @reason: why the policy committed (valid in GPIO_UPS_PSTATE_SHUTDOWN_PENDING)
 * @advice: on backup, the reason the policy would commit now if
 *	auto_shutdown were on (GPIO_UPS_REASON_NONE otherwise)
 * @backup_since_ms: when the current outage started; returns of mains
 *	shorter than GPIO_UPS_MAINS_SETTLE_MS do not end an outage
 * @untrusted: in this outage the readings stopped following the store (or
 *	a load below min_load_uw was all they showed): they are ignored and
 *	the energy is dead-reckoned
 * @commit_ms: when the policy committed
 * @emergency_ms: emergency power-off deadline after commit
 * @priv: implementation state
 */
struct gpio_ups_policy {
	struct gpio_ups_policy_cfg cfg;
	enum gpio_ups_pstate state;
	enum gpio_ups_reason reason;
	enum gpio_ups_reason advice;
	u64 backup_since_ms;
	bool untrusted;
	u64 commit_ms;
	u64 emergency_ms;
	struct {
		u64 last_sample_ms;	/* previous evaluation with a reading */
		bool have_sample;	/* last_sample_ms is valid */
		u32 gap_ms;		/* last observed sampling interval */
		u8 hist[3];		/* trigger history: reserve, cap, runtime */
		bool had_measured;	/* a measured estimate existed */
		u64 last_valid_ms;	/* time of the last measured estimate */
		u64 last_energy_uj;	/* dead-reckoning base energy */
		u32 last_power_uw;	/* dead-reckoning load power */
		u64 dr_energy_uj[3];	/* last measured readings, newest first */
		u32 dr_power_uw[3];
		u64 dr_ms[3];
		u32 dr_n;
		u64 dr_base_ms;		/* time of the base energy */
		u64 emergency_cand_ms;	/* last reading's emergency deadline */
		bool have_seen;		/* seen_seq holds the last reading */
		u32 seen_seq;
		bool outage;		/* an outage is open (maybe on mains) */
		u64 mains_since_ms;	/* mains back, outage still open */
		u64 resume_ms;		/* start of this stretch on backup */
		u64 backup_ms;		/* earlier stretches of the outage */
		u32 peak_power_uw;	/* highest trusted load in the outage */
		bool have_anchor;	/* energy ceiling: anchor_* minus */
		u64 anchor_energy_uj;	/* the floor load since anchor_ms */
		u64 anchor_ms;
		u64 ck_energy_uj[3];	/* last fresh readings, newest first */
		u64 ck_ms[3];
		u32 ck_n;
		u32 suspect_run;	/* implausible readings in a row */
		bool drained;		/* a trusted drain beyond tolerance */
		bool proven;		/* a load the readings proved */
		u64 first_energy_uj;	/* first reading of the outage */
		u32 sd_commit_power_uw;	/* load the commit was on, 0: none */
		bool sd_have_base;	/* first settled reading after it */
		u64 sd_base_energy_uj;
		u64 sd_base_ms;
		bool sd_have_last;	/* last settled reading after it */
		u64 sd_last_energy_uj;
		u64 sd_last_ms;
	} priv;
};

/**
 * struct gpio_ups_shutdown_stats - what the shutdown has drawn so far
 * @span_ms: from the first measured reading GPIO_UPS_POLICY_SD_MEASURE_MS
 *	after the commit to the last one
 * @commit_power_uw: load power the commit was decided on
 * @power_uw: average load since the commit, from the energy drawn
 * @load_pct: @power_uw in percent of @commit_power_uw (what
 *	shutdown_load_percent should be for this host)
 */
struct gpio_ups_shutdown_stats {
	u32 span_ms;
	u32 commit_power_uw;
	u32 power_uw;
	u32 load_pct;
};

void gpio_ups_policy_cfg_defaults(struct gpio_ups_policy_cfg *cfg);
u32 gpio_ups_policy_sample_interval_ms(const struct gpio_ups_policy_cfg *cfg);
u32 gpio_ups_policy_budget_ms(const struct gpio_ups_policy_cfg *cfg);
void gpio_ups_policy_cfg_nominal(struct gpio_ups_policy_cfg *cfg,
				 const struct gpio_ups_store *store);
u32 gpio_ups_policy_fallback_ms(const struct gpio_ups_policy_cfg *cfg);
u32 gpio_ups_policy_fallback_load_uw(const struct gpio_ups_policy_cfg *cfg,
				     const struct gpio_ups_store *store);
int gpio_ups_policy_knob_check(enum gpio_ups_knob knob, u32 value);
int gpio_ups_policy_set(struct gpio_ups_policy *p, enum gpio_ups_knob knob,
			u32 value);
u32 gpio_ups_policy_get(const struct gpio_ups_policy *p,
			enum gpio_ups_knob knob);
const char *gpio_ups_knob_name(enum gpio_ups_knob knob);

void gpio_ups_policy_init(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_cfg *cfg, bool on_mains,
			  u64 now_ms);
void gpio_ups_policy_step(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_input *in,
			  struct gpio_ups_decision *d);
u64 gpio_ups_policy_reserve_uj(const struct gpio_ups_policy_cfg *cfg,
			       u32 power_uw, u32 lookahead_ms);
int gpio_ups_policy_shutdown_stats(const struct gpio_ups_policy *p,
				   struct gpio_ups_shutdown_stats *st);
int gpio_ups_policy_dead_reckoning(const struct gpio_ups_policy *p,
				   u64 now_ms, u64 *energy_uj, u32 *power_uw);
const char *gpio_ups_pstate_name(enum gpio_ups_pstate state);
const char *gpio_ups_reason_name(enum gpio_ups_reason reason);

#endif /* _GPIO_UPS_POLICY_H */
