/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups shutdown policy.
 *
 * A pure state machine: on mains -> on backup -> shutdown committed
 * (latched).  gpio_ups_policy_step() is a function of (policy state, input,
 * time) with no hardware access; the driver calls it after every debounced
 * line change and every estimator sample, and again at the returned deadline.
 */
#ifndef _GPIO_UPS_POLICY_H
#define _GPIO_UPS_POLICY_H

#include <linux/types.h>

#include "gpio-ups-energy.h"

/* "no deadline" for gpio_ups_decision.next_eval_ms / emergency_ms */
#define GPIO_UPS_NEVER			U64_MAX

enum gpio_ups_pstate {
	GPIO_UPS_PSTATE_ONLINE,
	GPIO_UPS_PSTATE_ON_BACKUP,
	GPIO_UPS_PSTATE_COMMITTED,
};

enum gpio_ups_reason {
	GPIO_UPS_REASON_NONE,
	GPIO_UPS_REASON_RESERVE,	/* energy only covers a clean shutdown */
	GPIO_UPS_REASON_LOW_BATTERY,	/* low-battery line asserted */
	GPIO_UPS_REASON_CAPACITY,	/* shutdown-capacity-percent reached */
	GPIO_UPS_REASON_RUNTIME,	/* time to empty below shutdown-runtime-sec */
	GPIO_UPS_REASON_MAX_BACKUP,	/* max-backup-time-ms on backup */
	GPIO_UPS_REASON_FALLBACK,	/* no estimate: fallback timer */
};

/**
 * struct gpio_ups_policy_cfg - policy knobs (DT defaults, sysfs-tunable)
 * @auto_shutdown: commit by itself; false leaves the decision to userspace
 * @shutdown_duration_ms: time the host needs to power off cleanly
 * @margin_pct: safety margin on the shutdown energy, >= 100
 * @shutdown_capacity_pct: commit at or below this capacity, 0 = off
 * @shutdown_runtime_s: commit when time to empty drops below, 0 = off
 * @max_backup_ms: commit after this long on backup, 0 = off
 * @fallback_ms: commit after this long on backup while no estimate exists
 */
struct gpio_ups_policy_cfg {
	bool auto_shutdown;
	u32 shutdown_duration_ms;
	u32 margin_pct;
	u32 shutdown_capacity_pct;
	u32 shutdown_runtime_s;
	u32 max_backup_ms;
	u32 fallback_ms;
};

/**
 * struct gpio_ups_policy_input - what the policy looks at
 * @now_ms: monotonic time
 * @on_mains: debounced power-good
 * @low_battery: debounced low-battery line
 * @est: the estimator's current estimate, or NULL when there is no ADC
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
 * @state_changed: the policy state changed in this step (send a uevent)
 * @next_eval_ms: call gpio_ups_policy_step() again no later than this
 * @emergency_ms: after commit, force an emergency power-off at this time
 *	if the system is still up (GPIO_UPS_NEVER: none)
 */
struct gpio_ups_decision {
	bool commit;
	bool state_changed;
	u64 next_eval_ms;
	u64 emergency_ms;
};

/**
 * struct gpio_ups_policy - policy state; treat as opaque except @cfg
 * @cfg: knobs; may be changed between steps
 * @state: current state
 * @reason: why the policy committed (valid in GPIO_UPS_PSTATE_COMMITTED)
 * @backup_since_ms: when the current outage started
 * @commit_ms: when the policy committed
 * @priv: implementation state
 */
struct gpio_ups_policy {
	struct gpio_ups_policy_cfg cfg;
	enum gpio_ups_pstate state;
	enum gpio_ups_reason reason;
	u64 backup_since_ms;
	u64 commit_ms;
	struct {
		u64 last_valid_ms;
		u64 last_energy_uj;
		u32 last_power_uw;
		bool have_last;
		u32 reserve_hits;
		u64 emergency_ms;
	} priv;
};

void gpio_ups_policy_init(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_cfg *cfg, bool on_mains,
			  u64 now_ms);
void gpio_ups_policy_step(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_input *in,
			  struct gpio_ups_decision *d);
const char *gpio_ups_pstate_name(enum gpio_ups_pstate state);
const char *gpio_ups_reason_name(enum gpio_ups_reason reason);

#endif /* _GPIO_UPS_POLICY_H */
