/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups: kernel API differences between the supported kernels.
 *
 * This is the only place in the driver that tests the kernel version.
 * Supported: 6.1 (Debian 12, Raspberry Pi OS) up to the newest mainline.
 */
#ifndef _GPIO_UPS_COMPAT_H
#define _GPIO_UPS_COMPAT_H

#include <linux/gpio/consumer.h>
#include <linux/reboot.h>
#include <linux/version.h>

/* major.minor of the kernel built against: APIs change between releases */
#define GPIO_UPS_KERNEL	KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, 0)

#if KERNEL_VERSION(6, 1, 0) > GPIO_UPS_KERNEL
#error "gpio-ups needs Linux 6.1 or newer"
#endif

/*
 * Power-off and halt assert shutdown-gpios from a reboot notifier; the
 * power-off preparation sys-off handler (5.19) does on power-off too.
 */
static inline int gpio_ups_devm_register_power_off_prepare(struct device *dev,
							   int (*cb)(struct sys_off_data *data),
							   void *cb_data)
{
	return devm_register_sys_off_handler(dev, SYS_OFF_MODE_POWER_OFF_PREPARE,
					     SYS_OFF_PRIO_DEFAULT, cb, cb_data);
}

/*
 * Force an emergency power-off @ms_until_forced after an orderly attempt.
 * hw_protection_shutdown() became hw_protection_trigger() and
 * __hw_protection_trigger() with an explicit action in 6.15.
 */
static inline void gpio_ups_hw_protection_poweroff(const char *reason,
						   int ms_until_forced)
{
#if KERNEL_VERSION(6, 15, 0) <= GPIO_UPS_KERNEL
	__hw_protection_trigger(reason, ms_until_forced, HWPROT_ACT_SHUTDOWN);
#else
	hw_protection_shutdown(reason, ms_until_forced);
#endif
}

/* gpiod_set_value_cansleep() returns an error code from 6.15 on. */
static inline int gpio_ups_gpiod_set(struct gpio_desc *desc, int value)
{
#if KERNEL_VERSION(6, 15, 0) <= GPIO_UPS_KERNEL
	return gpiod_set_value_cansleep(desc, value);
#else
	gpiod_set_value_cansleep(desc, value);
	return 0;
#endif
}

#endif /* _GPIO_UPS_COMPAT_H */
