/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups: kernel API differences between the supported kernels.
 *
 * This is the only place in the driver that tests the kernel version.
 * Supported: 5.10 (Jetson JetPack 5 / L4T 35), 5.15 (JetPack 6 / L4T 36),
 * 6.1 (Debian 12, Raspberry Pi OS) up to the newest mainline.  Every API
 * the driver uses that is newer than 5.10 has its stand-in here.
 *
 * The checks build against 5.10, 6.1, 6.12 and 7.2; no 5.15 tree is
 * packaged where they run.  5.15 takes, at every switch below, a side that
 * one of those builds compiles: the 5.10 side of 5.19 (sys-off, battery
 * info) and 6.1 (PM ops), the 6.1 side of 5.13 and 5.15 (devm-helpers,
 * IIO scale, hw_protection_shutdown()).
 */
#ifndef _GPIO_UPS_COMPAT_H
#define _GPIO_UPS_COMPAT_H

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/gpio/consumer.h>
#include <linux/iio/consumer.h>
#include <linux/kernel.h>
#include <linux/pm.h>
#include <linux/power_supply.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/*
 * major.minor of the kernel built against: APIs change between releases.
 * Newer kernels define LINUX_VERSION_MAJOR and _PATCHLEVEL, 5.10 does not:
 * there the module's Kbuild passes them (GPIO_UPS_LINUX_MAJOR, _MINOR).
 */
#if defined(LINUX_VERSION_MAJOR)
#define GPIO_UPS_KERNEL	KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, 0)
#elif defined(GPIO_UPS_LINUX_MAJOR)
#define GPIO_UPS_KERNEL	KERNEL_VERSION(GPIO_UPS_LINUX_MAJOR, GPIO_UPS_LINUX_MINOR, 0)
#else
#error "gpio-ups: unknown kernel version: build with the module's Kbuild"
#endif

/* The original Jetson Nano's last kernel, L4T 32's 4.9, is too old. */
#if KERNEL_VERSION(5, 10, 0) > GPIO_UPS_KERNEL
#error "gpio-ups needs Linux 5.10 or newer"
#endif

/* ---------------------------------------------------------------------------
 * Power-off and halt: asserting shutdown-gpios.
 *
 * The driver asserts the line from a reboot notifier (SYS_HALT and
 * SYS_POWER_OFF, every kernel; it runs before device_shutdown()) and, from
 * 5.19 on, also from a SYS_OFF_MODE_POWER_OFF_PREPARE sys-off handler.  Both
 * call the same decision, gpio_ups_shutdown_line_wanted(), so a kernel
 * without the sys-off API behaves the same: asserted on power-off and halt,
 * never on restart.  Before 5.19 struct sys_off_data and the mode below
 * stand in for the kernel's, so that the handler compiles; it is never
 * registered there.
 */
#if KERNEL_VERSION(5, 19, 0) > GPIO_UPS_KERNEL
enum sys_off_mode {
	SYS_OFF_MODE_POWER_OFF_PREPARE,
};

struct sys_off_data {
	int mode;
	void *cb_data;
	const char *cmd;
	struct device *dev;
};
#endif

/* Register @cb for SYS_OFF_MODE_POWER_OFF_PREPARE where the kernel has it. */
static inline int gpio_ups_devm_register_power_off_prepare(struct device *dev,
							   int (*cb)(struct sys_off_data *data),
							   void *cb_data)
{
#if KERNEL_VERSION(5, 19, 0) <= GPIO_UPS_KERNEL
	return devm_register_sys_off_handler(dev, SYS_OFF_MODE_POWER_OFF_PREPARE,
					     SYS_OFF_PRIO_DEFAULT, cb, cb_data);
#else
	return 0;	/* the reboot notifier covers power-off */
#endif
}

/* ---------------------------------------------------------------------------
 * Hardware-protection power-off: an orderly power-off, forced once a
 * deadline has passed.
 *
 * hw_protection_shutdown(reason, ms) (5.15 to 6.14) became
 * __hw_protection_trigger(reason, ms, action) in 6.15, where an
 * administrator may make the default a reboot: the driver asks for a
 * shutdown explicitly.  Older kernels have neither; gpio_ups_hwprot_run()
 * does the same there: once per boot, start the orderly power-off, and if
 * no halt, power-off or restart has begun @ms_until_forced later, power
 * off at once.
 * It waits in the caller (a work item of the driver), so nothing of the
 * module is left pending; a shutdown under way by then is left to finish.
 * It is built on every kernel so that the tests can run it with fake
 * actions.
 */

/**
 * struct gpio_ups_hwprot - hardware-protection power-off before Linux 5.15
 * @fired: set by the first call; later calls only log
 * @orderly: start an orderly power-off (orderly_poweroff(true))
 * @force: power off now (kernel_power_off(), then emergency_restart())
 */
struct gpio_ups_hwprot {
	atomic_t fired;
	void (*orderly)(void);
	void (*force)(void);
};

static inline void gpio_ups_hwprot_run(struct gpio_ups_hwprot *hp,
				       const char *reason, int ms_until_forced)
{
	pr_emerg("gpio-ups: HARDWARE PROTECTION shutdown (%s)\n", reason);
	if (atomic_xchg(&hp->fired, 1))
		return;
	hp->orderly();
	if (ms_until_forced <= 0)
		return;
	msleep(ms_until_forced);
	if (system_state == SYSTEM_HALT || system_state == SYSTEM_POWER_OFF ||
	    system_state == SYSTEM_RESTART)
		return;		/* the shutdown is under way: let it finish */
	pr_emerg("gpio-ups: orderly power-off timed out: forcing power-off\n");
	hp->force();
}

#if KERNEL_VERSION(5, 15, 0) > GPIO_UPS_KERNEL
static inline void gpio_ups_hwprot_orderly(void)
{
	orderly_poweroff(true);
}

static inline void gpio_ups_hwprot_force(void)
{
	kernel_power_off();
	pr_emerg("gpio-ups: forced power-off failed: restarting\n");
	emergency_restart();
}
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
#elif KERNEL_VERSION(5, 15, 0) <= GPIO_UPS_KERNEL
	hw_protection_shutdown(reason, ms_until_forced);
#else
	static struct gpio_ups_hwprot hp = {
		.fired = ATOMIC_INIT(0),
		.orderly = gpio_ups_hwprot_orderly,
		.force = gpio_ups_hwprot_force,
	};

	gpio_ups_hwprot_run(&hp, reason, ms_until_forced);
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

/* ---------------------------------------------------------------------------
 * Helpers newer than 5.10.
 */

/*
 * <kunit/visibility.h>: 6.2.  VISIBLE_IF_KUNIT makes a symbol the tests
 * call static unless the kernel has KUnit.  The tests are built into the
 * kernel with the driver (kunit/.kunitconfig), so the driver exports
 * nothing for them and EXPORT_SYMBOL_IF_KUNIT() and MODULE_IMPORT_NS()
 * (a bare token before 6.13, a string from 6.13 on) are not used.
 */
#if KERNEL_VERSION(6, 2, 0) <= GPIO_UPS_KERNEL
#include <kunit/visibility.h>
#elif IS_ENABLED(CONFIG_KUNIT)
#define VISIBLE_IF_KUNIT
#else
#define VISIBLE_IF_KUNIT static
#endif

/* devm_delayed_work_autocancel() and <linux/devm-helpers.h>: 5.13 */
#if KERNEL_VERSION(5, 13, 0) <= GPIO_UPS_KERNEL
#include <linux/devm-helpers.h>
#else
static inline void gpio_ups_delayed_work_drop(void *w)
{
	cancel_delayed_work_sync(w);
}

static inline int devm_delayed_work_autocancel(struct device *dev,
					       struct delayed_work *w,
					       work_func_t worker)
{
	INIT_DELAYED_WORK(w, worker);
	return devm_add_action(dev, gpio_ups_delayed_work_drop, w);
}
#endif

/*
 * iio_read_channel_processed_scale(): 5.13.  Before, the raw reading is
 * converted with the same scale (iio_convert_raw_to_processed(), which
 * keeps the precision), or a processed-only channel's value multiplied.
 */
static inline int gpio_ups_iio_read_processed_scale(struct iio_channel *chan,
						    int *val, unsigned int scale)
{
#if KERNEL_VERSION(5, 13, 0) <= GPIO_UPS_KERNEL
	return iio_read_channel_processed_scale(chan, val, scale);
#else
	int raw, ret;

	ret = iio_read_channel_raw(chan, &raw);
	if (ret >= 0)
		return iio_convert_raw_to_processed(chan, raw, val, scale);
	if (ret != -EINVAL)
		return ret;
	ret = iio_read_channel_processed(chan, val);
	if (ret >= 0)
		*val *= scale;
	return ret;
#endif
}

/*
 * power_supply_get_battery_info() allocates the info from 5.19 on; before,
 * the caller passes it.  Release with gpio_ups_put_battery_info().
 */
static inline int gpio_ups_get_battery_info(struct power_supply *psy,
					    struct power_supply_battery_info **info)
{
#if KERNEL_VERSION(5, 19, 0) <= GPIO_UPS_KERNEL
	return power_supply_get_battery_info(psy, info);
#else
	int ret;

	*info = kzalloc(sizeof(**info), GFP_KERNEL);
	if (!*info)
		return -ENOMEM;
	ret = power_supply_get_battery_info(psy, *info);
	if (ret) {
		kfree(*info);
		*info = NULL;
	}
	return ret;
#endif
}

static inline void gpio_ups_put_battery_info(struct power_supply *psy,
					     struct power_supply_battery_info *info)
{
	power_supply_put_battery_info(psy, info);
#if KERNEL_VERSION(5, 19, 0) > GPIO_UPS_KERNEL
	kfree(info);
#endif
}

/*
 * pm_sleep_ptr() is 5.14 and DEFINE_SIMPLE_DEV_PM_OPS() 5.17, which first
 * declared the ops static itself (as 5.10 stable kernels that carry it
 * do): before 6.1 the driver's own, without "static", as in the kernel
 * since.  Where SYSTEM_SLEEP_PM_OPS() is missing too, the callbacks are
 * unreferenced without CONFIG_PM_SLEEP.
 */
#ifndef pm_sleep_ptr
#define pm_sleep_ptr(_ptr)	(IS_ENABLED(CONFIG_PM_SLEEP) ? (_ptr) : NULL)
#endif
#if KERNEL_VERSION(6, 1, 0) > GPIO_UPS_KERNEL
#undef DEFINE_SIMPLE_DEV_PM_OPS
#ifdef SYSTEM_SLEEP_PM_OPS
#define DEFINE_SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn)		\
	const struct dev_pm_ops name = {				\
		SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)		\
	}
#else
#define DEFINE_SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn)		\
	const struct dev_pm_ops __maybe_unused name = {			\
		SET_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)		\
	}
#endif
#endif

/*
 * POWER_SUPPLY_PROP_STATE_OF_HEALTH (percent) and
 * POWER_SUPPLY_PROP_INTERNAL_RESISTANCE (micro-ohm) exist from 6.18 on.
 * A property list ends with GPIO_UPS_PROP_STATE_OF_HEALTH and
 * GPIO_UPS_PROP_INTERNAL_RESISTANCE; the last GPIO_UPS_COMPAT_PROPS_ABSENT
 * entries of it are not registered (before 6.18 they only stand in).
 * gpio_ups_compat_health_prop() answers them.
 */
#if KERNEL_VERSION(6, 18, 0) <= GPIO_UPS_KERNEL
#define GPIO_UPS_PROP_STATE_OF_HEALTH	POWER_SUPPLY_PROP_STATE_OF_HEALTH
#define GPIO_UPS_PROP_INTERNAL_RESISTANCE POWER_SUPPLY_PROP_INTERNAL_RESISTANCE
#define GPIO_UPS_COMPAT_PROPS_ABSENT	0
#else
#define GPIO_UPS_PROP_STATE_OF_HEALTH	POWER_SUPPLY_PROP_HEALTH
#define GPIO_UPS_PROP_INTERNAL_RESISTANCE POWER_SUPPLY_PROP_HEALTH
#define GPIO_UPS_COMPAT_PROPS_ABSENT	2
#endif

static inline int gpio_ups_compat_health_prop(enum power_supply_property psp,
					      int soh_pct, int r_uohm,
					      union power_supply_propval *val)
{
#if KERNEL_VERSION(6, 18, 0) <= GPIO_UPS_KERNEL
	switch (psp) {
	case POWER_SUPPLY_PROP_STATE_OF_HEALTH:
		val->intval = soh_pct;
		return 0;
	case POWER_SUPPLY_PROP_INTERNAL_RESISTANCE:
		val->intval = r_uohm;
		return 0;
	default:
		break;
	}
#endif
	return -EINVAL;
}

#endif /* _GPIO_UPS_COMPAT_H */
