// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups energy model and estimator (placeholder: GPIO-only behaviour).
 */
#include <linux/errno.h>
#include <linux/string.h>

#include "gpio-ups-energy.h"

/**
 * gpio_ups_store_validate() - check a store description
 * @store: description
 *
 * Return: 0 when usable, -EINVAL otherwise.
 */
int gpio_ups_store_validate(const struct gpio_ups_store *store)
{
	return 0;
}

/**
 * gpio_ups_energy_uj() - usable energy at a voltage
 * @store: description
 * @voltage_uv: store voltage
 *
 * Return: usable energy in microjoule.
 */
u64 gpio_ups_energy_uj(const struct gpio_ups_store *store, u32 voltage_uv)
{
	return 0;
}

/**
 * gpio_ups_energy_full_uj() - usable energy when charged
 * @store: description
 *
 * Return: usable energy in microjoule.
 */
u64 gpio_ups_energy_full_uj(const struct gpio_ups_store *store)
{
	return 0;
}

/**
 * gpio_ups_est_init() - start an estimator
 * @e: estimator
 * @store: description, must outlive @e
 */
void gpio_ups_est_init(struct gpio_ups_estimator *e,
		       const struct gpio_ups_store *store)
{
	memset(e, 0, sizeof(*e));
	e->store = store;
}

/**
 * gpio_ups_est_update() - feed one sample
 * @e: estimator
 * @s: sample
 *
 * Return: 0 when used, -ERANGE when rejected.
 */
int gpio_ups_est_update(struct gpio_ups_estimator *e,
			const struct gpio_ups_sample *s)
{
	return 0;
}

/**
 * gpio_ups_est_mains_changed() - tell the estimator mains came or went
 * @e: estimator
 * @on_mains: new debounced state
 * @now_ms: time of the change
 */
void gpio_ups_est_mains_changed(struct gpio_ups_estimator *e, bool on_mains,
				u64 now_ms)
{
}

/**
 * gpio_ups_est_invalidate() - forget the estimate (ADC lost)
 * @e: estimator
 * @now_ms: time
 */
void gpio_ups_est_invalidate(struct gpio_ups_estimator *e, u64 now_ms)
{
	memset(&e->est, 0, sizeof(e->est));
}

/**
 * gpio_ups_est_get() - the current estimate
 * @e: estimator
 *
 * Return: pointer into @e, valid until the next update.
 */
const struct gpio_ups_estimate *
gpio_ups_est_get(const struct gpio_ups_estimator *e)
{
	return &e->est;
}
