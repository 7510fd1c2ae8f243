// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the paths gpio-ups takes on older kernels: the
 * shutdown-line decision that the reboot notifier (every kernel, the only
 * power-off hook before 5.19) and the sys-off handler (5.19 on) share, and
 * the hardware-protection power-off used before 5.15, run with fake
 * actions.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/reboot.h>

#include "gpio-ups.h"
#include "gpio-ups-compat.h"

static void compat_shutdown_line_wanted(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, gpio_ups_shutdown_line_wanted(SYS_POWER_OFF));
	KUNIT_EXPECT_TRUE(test, gpio_ups_shutdown_line_wanted(SYS_HALT));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(SYS_RESTART));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(SYS_DOWN));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(0));
}

static atomic_t orderly_calls;
static atomic_t force_calls;
static unsigned long orderly_jiffies;
static unsigned long force_jiffies;

static void fake_orderly(void)
{
	orderly_jiffies = jiffies;
	atomic_inc(&orderly_calls);
}

static void fake_force(void)
{
	force_jiffies = jiffies;
	atomic_inc(&force_calls);
}

static int compat_test_init(struct kunit *test)
{
	atomic_set(&orderly_calls, 0);
	atomic_set(&force_calls, 0);
	return 0;
}

/* Orderly first, forced once the deadline has passed, and once per boot. */
static void compat_hwprot_forces_after_deadline(struct kunit *test)
{
	struct gpio_ups_hwprot hp = {
		.fired = ATOMIC_INIT(0),
		.orderly = fake_orderly,
		.force = fake_force,
	};

	gpio_ups_hwprot_run(&hp, "test", 50);
	KUNIT_EXPECT_EQ(test, atomic_read(&orderly_calls), 1);
	/* no shutdown under way (tests run at boot): the deadline forces */
	KUNIT_EXPECT_EQ(test, atomic_read(&force_calls), 1);
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(force_jiffies - orderly_jiffies), 50);

	gpio_ups_hwprot_run(&hp, "test again", 50);
	KUNIT_EXPECT_EQ(test, atomic_read(&orderly_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&force_calls), 1);
}

/* No deadline: only the orderly power-off, as hw_protection_shutdown(). */
static void compat_hwprot_no_deadline(struct kunit *test)
{
	struct gpio_ups_hwprot hp = {
		.fired = ATOMIC_INIT(0),
		.orderly = fake_orderly,
		.force = fake_force,
	};

	gpio_ups_hwprot_run(&hp, "test", 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&orderly_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&force_calls), 0);
}

static struct kunit_case gpio_ups_compat_cases[] = {
	KUNIT_CASE(compat_shutdown_line_wanted),
	KUNIT_CASE(compat_hwprot_forces_after_deadline),
	KUNIT_CASE(compat_hwprot_no_deadline),
	{}
};

static struct kunit_suite gpio_ups_compat_suite = {
	.name = "gpio-ups-compat",
	.init = compat_test_init,
	.test_cases = gpio_ups_compat_cases,
};

kunit_test_suite(gpio_ups_compat_suite);
