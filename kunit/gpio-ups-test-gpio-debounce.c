// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups KUnit: a test GPIO controller ("gpio-ups-test-debounce-gpio")
 * with the input debounce of real hardware (Tegra's, for one), which
 * gpio-sim lacks.  Lines 0 and 1 are inputs whose level the tests set with
 * PIN_CONFIG_BIAS_PULL_UP/DOWN, as on gpio-sim; line 2 is an output.  Once
 * an input has a debounce time (PIN_CONFIG_INPUT_DEBOUNCE), a change of its
 * level shows (in get() and as an edge interrupt) only when the level has
 * been stable for that time, in both directions.  Test code only.
 */
#include <linux/bitops.h>
#include <linux/gpio/driver.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/jiffies.h>
#include <linux/mod_devicetable.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "gpio-ups-test.h"

#define DBN_NGPIO	3
#define DBN_OUT_LINE	2	/* the only output */

struct gpio_ups_test_dbn;

/**
 * struct gpio_ups_test_dbn_line - debounce state of one line
 * @chip: the controller
 * @offset: the line's number
 * @work: shows the level once it has been stable for @debounce_us
 * @debounce_us: debounce time, 0 for none
 */
struct gpio_ups_test_dbn_line {
	struct gpio_ups_test_dbn *chip;
	unsigned int offset;
	struct delayed_work work;
	u32 debounce_us;
};

/**
 * struct gpio_ups_test_dbn - the controller
 * @gc: its GPIO chip, with an IRQ chip
 * @lock: protects @stopped, @input, @seen, @out and the lines' state
 * @stopped: being removed: no more debounce work is queued
 * @input: the level at each pin (what the test drives)
 * @seen: the level past the debounce filter (what get() and IRQs see)
 * @out: the output line's level
 * @irq_on: lines whose interrupt is unmasked (atomic bit operations)
 * @irq_type: each line's IRQ_TYPE_EDGE_* trigger
 * @lines: per-line debounce state
 */
struct gpio_ups_test_dbn {
	struct gpio_chip gc;
	spinlock_t lock;	/* see above */
	bool stopped;
	unsigned long input;
	unsigned long seen;
	unsigned long out;
	unsigned long irq_on;
	unsigned int irq_type[DBN_NGPIO];
	struct gpio_ups_test_dbn_line lines[DBN_NGPIO];
};

/* An edge of @offset's seen level to @level: raise its IRQ if it wants it. */
static void gpio_ups_test_dbn_edge(struct gpio_ups_test_dbn *c,
				   unsigned int offset, bool level)
{
	unsigned int type = READ_ONCE(c->irq_type[offset]);

	if (!test_bit(offset, &c->irq_on))
		return;
	if (!(type & (level ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_EDGE_FALLING)))
		return;
	/* process context: as from the controller's interrupt */
	generic_handle_domain_irq_safe(c->gc.irq.domain, offset);
}

/*
 * Show the pin's level (under @c->lock); true when that changed the seen
 * level, whose new value is then in @level.
 */
static bool gpio_ups_test_dbn_settle_locked(struct gpio_ups_test_dbn *c,
					    unsigned int offset, bool *level)
{
	*level = test_bit(offset, &c->input);
	if (*level == test_bit(offset, &c->seen))
		return false;
	__assign_bit(offset, &c->seen, *level);
	return true;
}

static void gpio_ups_test_dbn_work(struct work_struct *work)
{
	struct gpio_ups_test_dbn_line *line =
		container_of(to_delayed_work(work), struct gpio_ups_test_dbn_line, work);
	struct gpio_ups_test_dbn *c = line->chip;
	unsigned long flags;
	bool changed = false, level;

	spin_lock_irqsave(&c->lock, flags);
	if (!c->stopped)
		changed = gpio_ups_test_dbn_settle_locked(c, line->offset, &level);
	spin_unlock_irqrestore(&c->lock, flags);
	if (changed)
		gpio_ups_test_dbn_edge(c, line->offset, level);
}

/* The pin's level changes (pull-up or pull-down). */
static int gpio_ups_test_dbn_drive(struct gpio_ups_test_dbn *c,
				   unsigned int offset, bool level)
{
	struct gpio_ups_test_dbn_line *line = &c->lines[offset];
	unsigned long flags;
	bool changed = false;

	spin_lock_irqsave(&c->lock, flags);
	__assign_bit(offset, &c->input, level);
	if (c->stopped) {
		/* nothing is shown any more */
	} else if (!line->debounce_us) {
		changed = gpio_ups_test_dbn_settle_locked(c, offset, &level);
	} else if (level == test_bit(offset, &c->seen)) {
		/* back before the debounce time: nothing showed */
		cancel_delayed_work(&line->work);
	} else {
		/* shown once stable for the debounce time: restart it */
		mod_delayed_work(system_wq, &line->work,
				 usecs_to_jiffies(line->debounce_us));
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (changed)
		gpio_ups_test_dbn_edge(c, offset, level);
	return 0;
}

static int gpio_ups_test_dbn_set_debounce(struct gpio_ups_test_dbn *c,
					  unsigned int offset, u32 debounce_us)
{
	struct gpio_ups_test_dbn_line *line = &c->lines[offset];
	unsigned long flags;
	bool changed = false, level;

	spin_lock_irqsave(&c->lock, flags);
	line->debounce_us = debounce_us;
	if (!debounce_us && !c->stopped) {
		/* filter off: a pending change shows now */
		cancel_delayed_work(&line->work);
		changed = gpio_ups_test_dbn_settle_locked(c, offset, &level);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (changed)
		gpio_ups_test_dbn_edge(c, offset, level);
	return 0;
}

static int gpio_ups_test_dbn_set_config(struct gpio_chip *gc, unsigned int offset,
					unsigned long config)
{
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);

	if (offset == DBN_OUT_LINE)
		return -ENOTSUPP;
	switch (pinconf_to_config_param(config)) {
	case PIN_CONFIG_BIAS_PULL_UP:
		return gpio_ups_test_dbn_drive(c, offset, true);
	case PIN_CONFIG_BIAS_PULL_DOWN:
		return gpio_ups_test_dbn_drive(c, offset, false);
	case PIN_CONFIG_INPUT_DEBOUNCE:
		return gpio_ups_test_dbn_set_debounce(c, offset,
						      pinconf_to_config_argument(config));
	default:
		return -ENOTSUPP;
	}
}

static int gpio_ups_test_dbn_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	return offset == DBN_OUT_LINE ? GPIO_LINE_DIRECTION_OUT :
					GPIO_LINE_DIRECTION_IN;
}

static int gpio_ups_test_dbn_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	return offset == DBN_OUT_LINE ? -EINVAL : 0;
}

static void gpio_ups_test_dbn_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);
	unsigned long flags;

	if (offset != DBN_OUT_LINE)
		return;
	spin_lock_irqsave(&c->lock, flags);
	__assign_bit(offset, &c->out, value);
	spin_unlock_irqrestore(&c->lock, flags);
}

static int gpio_ups_test_dbn_direction_output(struct gpio_chip *gc,
					      unsigned int offset, int value)
{
	if (offset != DBN_OUT_LINE)
		return -EINVAL;
	gpio_ups_test_dbn_set(gc, offset, value);
	return 0;
}

static int gpio_ups_test_dbn_get(struct gpio_chip *gc, unsigned int offset)
{
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);
	unsigned long flags;
	int value;

	spin_lock_irqsave(&c->lock, flags);
	value = test_bit(offset, offset == DBN_OUT_LINE ? &c->out : &c->seen);
	spin_unlock_irqrestore(&c->lock, flags);
	return value;
}

static void gpio_ups_test_dbn_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	clear_bit(hwirq, &c->irq_on);
	gpiochip_disable_irq(gc, hwirq);
}

static void gpio_ups_test_dbn_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	gpiochip_enable_irq(gc, hwirq);
	set_bit(hwirq, &c->irq_on);
}

static int gpio_ups_test_dbn_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct gpio_ups_test_dbn *c = gpiochip_get_data(gc);

	/* edges only, as the driver asks for */
	if (!(type & IRQ_TYPE_EDGE_BOTH) || (type & ~IRQ_TYPE_EDGE_BOTH))
		return -EINVAL;
	WRITE_ONCE(c->irq_type[irqd_to_hwirq(d)], type);
	return 0;
}

static const struct irq_chip gpio_ups_test_dbn_irq_chip = {
	.name = "gpio-ups-test-debounce",
	.irq_mask = gpio_ups_test_dbn_irq_mask,
	.irq_unmask = gpio_ups_test_dbn_irq_unmask,
	.irq_set_type = gpio_ups_test_dbn_irq_set_type,
	.flags = IRQCHIP_IMMUTABLE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

/* Before the chip goes: no debounce work runs or is queued any more. */
static void gpio_ups_test_dbn_stop(void *data)
{
	struct gpio_ups_test_dbn *c = data;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&c->lock, flags);
	c->stopped = true;
	spin_unlock_irqrestore(&c->lock, flags);
	for (i = 0; i < DBN_NGPIO; i++)
		cancel_delayed_work_sync(&c->lines[i].work);
}

static int gpio_ups_test_dbn_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpio_ups_test_dbn *c;
	struct gpio_irq_chip *girq;
	unsigned int i;
	int ret;

	c = devm_kzalloc(dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	spin_lock_init(&c->lock);
	for (i = 0; i < DBN_NGPIO; i++) {
		c->lines[i].chip = c;
		c->lines[i].offset = i;
		INIT_DELAYED_WORK(&c->lines[i].work, gpio_ups_test_dbn_work);
	}

	c->gc.label = "gpio-ups-test";
	c->gc.parent = dev;
	c->gc.owner = THIS_MODULE;
	c->gc.base = -1;
	c->gc.ngpio = DBN_NGPIO;
	c->gc.get_direction = gpio_ups_test_dbn_get_direction;
	c->gc.direction_input = gpio_ups_test_dbn_direction_input;
	c->gc.direction_output = gpio_ups_test_dbn_direction_output;
	c->gc.get = gpio_ups_test_dbn_get;
	c->gc.set = gpio_ups_test_dbn_set;
	c->gc.set_config = gpio_ups_test_dbn_set_config;

	girq = &c->gc.irq;
	gpio_irq_chip_set_chip(girq, &gpio_ups_test_dbn_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;

	ret = devm_gpiochip_add_data(dev, &c->gc, c);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add the GPIO chip\n");
	/* released before the chip: no work raises an IRQ of a removed domain */
	return devm_add_action_or_reset(dev, gpio_ups_test_dbn_stop, c);
}

static const struct of_device_id gpio_ups_test_dbn_of_match[] = {
	{ .compatible = "gpio-ups-test-debounce-gpio" },
	{ }
};

struct platform_driver gpio_ups_test_dbn_driver = {
	.probe = gpio_ups_test_dbn_probe,
	.driver = {
		.name = "gpio-ups-test-debounce-gpio",
		.of_match_table = gpio_ups_test_dbn_of_match,
	},
};
