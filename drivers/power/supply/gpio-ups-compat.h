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
