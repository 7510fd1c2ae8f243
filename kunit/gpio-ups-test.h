/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpio-ups KUnit: the test ADC (an IIO provider the tests control) and the
 * test GPIO controller with hardware debounce.
 */
#ifndef _GPIO_UPS_TEST_H
#define _GPIO_UPS_TEST_H

#include <linux/atomic.h>
#include <linux/types.h>

/**
 * struct gpio_ups_test_adc - what the test ADC returns
 * @voltage_uv: next voltage reading
 * @current_ua: next current reading
 * @error: when non-zero, reads fail with this error code
 * @reads: number of voltage reads served (successful or not)
 * @stall: while non-zero, reads block (a hung I2C bus), for at most 10 s
 * @read_uv: when set, voltage reads return what it returns (a store that
 *	drains while it is read) instead of @voltage_uv
 */
struct gpio_ups_test_adc {
	atomic_t voltage_uv;
	atomic_t current_ua;
	atomic_t error;
	atomic_t reads;
	atomic_t stall;
	int (*read_uv)(void);
};

extern struct gpio_ups_test_adc gpio_ups_test_adc;
extern struct platform_driver gpio_ups_test_adc_driver;
/* a GPIO controller with hardware debounce (gpio-ups-test-gpio-debounce.c) */
extern struct platform_driver gpio_ups_test_dbn_driver;

#endif /* _GPIO_UPS_TEST_H */
