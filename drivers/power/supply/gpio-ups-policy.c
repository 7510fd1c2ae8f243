// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups shutdown policy (placeholder).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "gpio-ups-policy.h"

/**
 * gpio_ups_policy_init() - start the policy
 * @p: policy
 * @cfg: knobs
 * @on_mains: mains state now
 * @now_ms: time
 */
void gpio_ups_policy_init(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_cfg *cfg, bool on_mains,
			  u64 now_ms)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	p->state = on_mains ? GPIO_UPS_PSTATE_ONLINE : GPIO_UPS_PSTATE_ON_BACKUP;
	p->backup_since_ms = now_ms;
}

/**
 * gpio_ups_policy_step() - advance the policy
 * @p: policy
 * @in: input
 * @d: decision out
 */
void gpio_ups_policy_step(struct gpio_ups_policy *p,
			  const struct gpio_ups_policy_input *in,
			  struct gpio_ups_decision *d)
{
	d->commit = false;
	d->state_changed = false;
	d->next_eval_ms = GPIO_UPS_NEVER;
	d->emergency_ms = GPIO_UPS_NEVER;
	if (p->state == GPIO_UPS_PSTATE_COMMITTED)
		return;
	if (in->on_mains && p->state != GPIO_UPS_PSTATE_ONLINE) {
		p->state = GPIO_UPS_PSTATE_ONLINE;
		d->state_changed = true;
	} else if (!in->on_mains && p->state == GPIO_UPS_PSTATE_ONLINE) {
		p->state = GPIO_UPS_PSTATE_ON_BACKUP;
		p->backup_since_ms = in->now_ms;
		d->state_changed = true;
	}
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
	case GPIO_UPS_PSTATE_COMMITTED:
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
	};

	if (reason >= ARRAY_SIZE(names))
		return "unknown";
	return names[reason];
}
