/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups: declarations shared by the platform driver and its KUnit tests.
 *
 * The functions and the pointers below are static in
 * gpio-ups-drv.c unless the kernel has KUnit (VISIBLE_IF_KUNIT, see
 * gpio-ups-compat.h): they are declared for the tests only.
 */
#ifndef _GPIO_UPS_H
#define _GPIO_UPS_H

#include <linux/types.h>

struct device;
struct gpio_desc;
struct gpio_ups;
struct platform_device;
struct power_supply;
struct power_supply_config;
struct power_supply_desc;
struct sys_off_data;

/**
 * struct gpio_ups_actions - what a committed shutdown does
 * @poweroff: start an orderly power-off (runs the system's poweroff command)
 * @emergency: force an emergency sync and power-off; called only when the
 *	system is still up when the stored energy is about to run out
 *
 * The driver calls these through gpio_ups_actions so that tests can
 * replace them; nothing else should change the pointer.
 */
struct gpio_ups_actions {
	void (*poweroff)(struct device *dev, const char *reason);
	void (*emergency)(struct device *dev, const char *reason);
};

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct gpio_ups_actions *gpio_ups_actions;
extern int (*gpio_ups_get_value)(const struct gpio_desc *desc);
extern struct power_supply *
(*gpio_ups_register_supply)(struct device *dev,
			    const struct power_supply_desc *desc,
			    const struct power_supply_config *cfg);

int gpio_ups_probe(struct platform_device *pdev);
int gpio_ups_sys_off(struct sys_off_data *data);
bool gpio_ups_shutdown_line_wanted(unsigned long code);
int gpio_ups_reboot_event(struct gpio_ups *ups, unsigned long code);
int gpio_ups_divider_uv(int adc_uv, u32 output_ohms, u32 full_ohms);
#endif

#endif /* _GPIO_UPS_H */
