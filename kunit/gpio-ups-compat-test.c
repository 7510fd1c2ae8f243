// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the paths gpio-ups takes on older kernels: the
 * shutdown-line decision that the reboot notifier (every kernel, the only
 * power-off hook before 5.19) and the sys-off handler (5.19 on) share.
 */
#include <kunit/test.h>
#include <linux/reboot.h>

#include "gpio-ups.h"

static void compat_shutdown_line_wanted(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, gpio_ups_shutdown_line_wanted(SYS_POWER_OFF));
	KUNIT_EXPECT_TRUE(test, gpio_ups_shutdown_line_wanted(SYS_HALT));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(SYS_RESTART));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(SYS_DOWN));
	KUNIT_EXPECT_FALSE(test, gpio_ups_shutdown_line_wanted(0));
}

static struct kunit_case gpio_ups_compat_cases[] = {
	KUNIT_CASE(compat_shutdown_line_wanted),
	{}
};

static struct kunit_suite gpio_ups_compat_suite = {
	.name = "gpio-ups-compat",
	.test_cases = gpio_ups_compat_cases,
};

kunit_test_suite(gpio_ups_compat_suite);
