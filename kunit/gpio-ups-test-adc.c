// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups KUnit: a test IIO provider ("gpio-ups-test-adc") with a voltage
 * and a current channel whose readings the tests set.  Test code only.
 */
#include <linux/delay.h>
#include <linux/iio/iio.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>

#include "gpio-ups-test.h"

struct gpio_ups_test_adc gpio_ups_test_adc;

static int gpio_ups_test_adc_read_raw(struct iio_dev *indio_dev,
				      struct iio_chan_spec const *chan,
				      int *val, int *val2, long mask)
{
	int (*read_uv)(void);
	int err, i;

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		for (i = 0; i < 1000 && atomic_read(&gpio_ups_test_adc.stall); i++)
			usleep_range(10000, 11000);
		if (chan->type == IIO_VOLTAGE)
			atomic_inc(&gpio_ups_test_adc.reads);
		err = atomic_read(&gpio_ups_test_adc.error);
		if (err)
			return err;
		read_uv = READ_ONCE(gpio_ups_test_adc.read_uv);
		if (chan->type != IIO_VOLTAGE)
			*val = atomic_read(&gpio_ups_test_adc.current_ua);
		else
			*val = read_uv ? read_uv() :
			       atomic_read(&gpio_ups_test_adc.voltage_uv);
		return IIO_VAL_INT;
	case IIO_CHAN_INFO_SCALE:
		/* raw is in micro-units, processed values are milli-units */
		*val = 1;
		*val2 = 1000;
		return IIO_VAL_FRACTIONAL;
	default:
		return -EINVAL;
	}
}

static const struct iio_info gpio_ups_test_adc_info = {
	.read_raw = gpio_ups_test_adc_read_raw,
};

static const struct iio_chan_spec gpio_ups_test_adc_channels[] = {
	{
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 0,
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |
				      BIT(IIO_CHAN_INFO_SCALE),
	},
	{
		.type = IIO_CURRENT,
		.indexed = 1,
		.channel = 1,
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |
				      BIT(IIO_CHAN_INFO_SCALE),
	},
};

static int gpio_ups_test_adc_probe(struct platform_device *pdev)
{
	struct iio_dev *indio_dev;

	indio_dev = devm_iio_device_alloc(&pdev->dev, 0);
	if (!indio_dev)
		return -ENOMEM;
	indio_dev->name = "gpio-ups-test-adc";
	indio_dev->info = &gpio_ups_test_adc_info;
	indio_dev->channels = gpio_ups_test_adc_channels;
	indio_dev->num_channels = ARRAY_SIZE(gpio_ups_test_adc_channels);
	indio_dev->modes = INDIO_DIRECT_MODE;
	return devm_iio_device_register(&pdev->dev, indio_dev);
}

static const struct of_device_id gpio_ups_test_adc_of_match[] = {
	{ .compatible = "gpio-ups-test-adc" },
	{ }
};

struct platform_driver gpio_ups_test_adc_driver = {
	.probe = gpio_ups_test_adc_probe,
	.driver = {
		.name = "gpio-ups-test-adc",
		.of_match_table = gpio_ups_test_adc_of_match,
	},
};
