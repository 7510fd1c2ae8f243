// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the gpio-ups platform driver: the real driver bound to
 * device-tree overlays with gpio-sim lines and a test ADC, in real time.
 */
#include <kunit/of.h>
#include <kunit/platform_device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math.h>
#include <linux/notifier.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/platform_device.h>
#include <linux/power_supply.h>
#include <linux/reboot.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "gpio-ups.h"
#include "gpio-ups-compat.h"
#include "gpio-ups-policy.h"
#include "gpio-ups-test.h"

#define PG_LINE		0	/* active low: pulled up = mains lost */
#define LOWBAT_LINE	1	/* active high */
#define SHUTDOWN_LINE	2

/* Poll @cond every 5 ms for up to @ms; true when it held. */
#define WAIT_UNTIL(cond, ms) ({						\
	unsigned long __end = jiffies + msecs_to_jiffies(ms);		\
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		usleep_range(4000, 6000);				\
	__ok;								\
})

/**
 * struct calls - calls of a (replaced) shutdown action
 * @n: how many; reset by each test's init
 * @first: when the first came, for the energy the store held then
 */
struct calls {
	atomic_t n;
	ktime_t first;
};

static struct calls poweroffs;
static struct calls emergencies;
static struct calls never;	/* stays 0: run a discharge to its limit */

static void count_call(struct calls *c)
{
	if (!atomic_read(&c->n))
		WRITE_ONCE(c->first, ktime_get());
	smp_mb__before_atomic();	/* @first before @n: see run_discharge() */
	atomic_inc(&c->n);
}

struct drv_ctx {
	struct notifier_block nb;
	atomic_t ups_events;
	atomic_t mains_events;
	struct device_node *np;
	struct platform_device *pdev;
	struct power_supply *psy;
	struct power_supply *mains;
	struct gpio_device *gdev;
};

static void test_poweroff(struct device *dev, const char *reason)
{
	count_call(&poweroffs);
}

static void test_emergency(struct device *dev, const char *reason)
{
	count_call(&emergencies);
}

static const struct gpio_ups_actions test_actions = {
	.poweroff = test_poweroff,
	.emergency = test_emergency,
};

static int count_event(struct notifier_block *nb, unsigned long event, void *data)
{
	struct drv_ctx *ctx = container_of(nb, struct drv_ctx, nb);
	struct power_supply *psy = data;

	if (event != PSY_EVENT_PROP_CHANGED)
		return NOTIFY_DONE;
	if (!strcmp(psy->desc->name, "ups"))
		atomic_inc(&ctx->ups_events);
	else if (!strcmp(psy->desc->name, "ups-mains"))
		atomic_inc(&ctx->mains_events);
	return NOTIFY_OK;
}

static void drv_ctx_release(void *data)
{
	struct drv_ctx *ctx = data;

	power_supply_unreg_notifier(&ctx->nb);
	if (ctx->psy)
		power_supply_put(ctx->psy);
	if (ctx->mains)
		power_supply_put(ctx->mains);
	if (ctx->pdev)
		put_device(&ctx->pdev->dev);
	of_node_put(ctx->np);
	if (ctx->gdev)
		gpio_device_put(ctx->gdev);
}

static const struct gpio_ups_actions *saved_actions;

static void restore_actions(void *unused)
{
	gpio_ups_actions = saved_actions;
}

static void set_line(struct kunit *test, struct drv_ctx *ctx, unsigned int line,
		     bool pull_up)
{
	struct gpio_desc *desc = gpio_device_get_desc(ctx->gdev, line);
	unsigned long cfg = pinconf_to_config_packed(pull_up ?
						     PIN_CONFIG_BIAS_PULL_UP :
						     PIN_CONFIG_BIAS_PULL_DOWN, 0);

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(desc));
	KUNIT_ASSERT_EQ(test, gpiod_set_config(desc, cfg), 0);
}

static int line_value(struct drv_ctx *ctx, unsigned int line)
{
	return gpiod_get_raw_value_cansleep(gpio_device_get_desc(ctx->gdev, line));
}

/* |a - b| <= tol */
static bool near(int a, int b, int tol)
{
	return abs(a - b) <= tol;
}

static int prop(struct power_supply *psy, enum power_supply_property psp)
{
	union power_supply_propval val = { };
	int ret = power_supply_get_property(psy, psp, &val);

	return ret ? ret : val.intval;
}

static bool psy_attr_is(struct power_supply *psy, const char *attr,
			const char *want)
{
	struct kernfs_node *kn;
	bool ok = false;
	char *buf;

	/* sysfs_emit() wants a page, as sysfs hands it */
	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!buf)
		return false;

	/* Read the attribute the way userspace does, through sysfs_ops. */
	kn = sysfs_get_dirent(psy->dev.kobj.sd, attr);
	if (kn) {
		const struct sysfs_ops *ops = psy->dev.kobj.ktype->sysfs_ops;
		struct attribute *a = kn->priv;

		if (ops->show(&psy->dev.kobj, a, buf) > 0)
			ok = sysfs_streq(buf, want);
		if (!ok)
			pr_info("%s reads \"%s\", not \"%s\"\n", attr, strim(buf), want);
		sysfs_put(kn);
	}
	free_page((unsigned long)buf);
	return ok;
}

static ssize_t psy_attr_store(struct power_supply *psy, const char *attr,
			      const char *val)
{
	const struct sysfs_ops *ops = psy->dev.kobj.ktype->sysfs_ops;
	struct kernfs_node *kn;
	ssize_t ret;

	kn = sysfs_get_dirent(psy->dev.kobj.sd, attr);
	if (!kn)
		return -ENOENT;
	ret = ops->store(&psy->dev.kobj, kn->priv, val, strlen(val));
	sysfs_put(kn);
	return ret;
}

/* Apply an overlay holding one "gpio-ups-test" node and bind to it. */
#define drv_setup(test, overlay) ({					\
	struct kunit *__test = (test);					\
									\
	__drv_setup(__test, of_overlay_apply_kunit(__test, overlay));	\
})

static struct drv_ctx *__drv_setup(struct kunit *test, int overlay_ret)
{
	struct drv_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, overlay_ret, 0);

	ctx->nb.notifier_call = count_event;
	KUNIT_ASSERT_EQ(test, power_supply_reg_notifier(&ctx->nb), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, drv_ctx_release, ctx), 0);

	ctx->np = of_find_node_by_path("/gpio-ups-test");
	KUNIT_ASSERT_NOT_NULL(test, ctx->np);
	ctx->pdev = of_find_device_by_node(ctx->np);
	KUNIT_ASSERT_NOT_NULL(test, ctx->pdev);
	KUNIT_ASSERT_TRUE_MSG(test, WAIT_UNTIL(device_is_bound(&ctx->pdev->dev), 10000),
			      "gpio-ups did not bind to the overlay");
	ctx->gdev = gpio_device_find_by_label("gpio-ups-test");
	KUNIT_ASSERT_NOT_NULL(test, ctx->gdev);
	ctx->psy = power_supply_get_by_name("ups");
	KUNIT_ASSERT_NOT_NULL(test, ctx->psy);
	ctx->mains = power_supply_get_by_name("ups-mains");
	KUNIT_ASSERT_NOT_NULL(test, ctx->mains);
	return ctx;
}

/*
 * Let the uevents of registration go out (the core sends them from a work
 * once the probe is over), then count uevents from zero.
 */
static void drv_settle(struct drv_ctx *ctx)
{
	struct power_supply *psy[] = { ctx->psy, ctx->mains };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(psy); i++) {
		flush_delayed_work(&psy[i]->deferred_register_work);
		flush_work(&psy[i]->changed_work);
	}
	atomic_set(&ctx->ups_events, 0);
	atomic_set(&ctx->mains_events, 0);
}

static int drv_test_init(struct kunit *test)
{
	saved_actions = gpio_ups_actions;
	gpio_ups_actions = &test_actions;
	atomic_set(&gpio_ups_test_adc.voltage_uv, 5000000);
	atomic_set(&gpio_ups_test_adc.current_ua, 0);
	atomic_set(&gpio_ups_test_adc.error, 0);
	atomic_set(&gpio_ups_test_adc.reads, 0);
	atomic_set(&gpio_ups_test_adc.stall, 0);
	WRITE_ONCE(gpio_ups_test_adc.read_uv, NULL);
	atomic_set(&poweroffs.n, 0);
	atomic_set(&emergencies.n, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_actions, NULL), 0);
	return kunit_platform_driver_register(test, &gpio_ups_test_adc_driver);
}

/* GPIO only */

static void drv_initial_state(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	union power_supply_propval val;

	KUNIT_EXPECT_EQ(test, ctx->psy->desc->type, POWER_SUPPLY_TYPE_BATTERY);
	KUNIT_EXPECT_EQ(test, ctx->mains->desc->type, POWER_SUPPLY_TYPE_MAINS);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE), 1);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_PRESENT), 1);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_FULL);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_SCOPE),
			POWER_SUPPLY_SCOPE_SYSTEM);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_SCOPE),
			POWER_SUPPLY_SCOPE_SYSTEM);
	KUNIT_ASSERT_EQ(test, power_supply_get_property(ctx->psy, POWER_SUPPLY_PROP_MODEL_NAME,
							&val), 0);
	KUNIT_EXPECT_STREQ(test, val.strval, "Test UPS");
	KUNIT_ASSERT_EQ(test, power_supply_get_property(ctx->psy, POWER_SUPPLY_PROP_MANUFACTURER,
							&val), 0);
	KUNIT_EXPECT_STREQ(test, val.strval, "gpio-ups tests");
	/* GPIO only: nothing measured is listed; capacity is the coarse level */
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 100);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_NOW), -EINVAL);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->mains->num_supplicants, 1);
	KUNIT_EXPECT_STREQ(test, ctx->mains->supplied_to[0], "ups");
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "online"));
	/* The shutdown line is deasserted while the system runs. */
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
}

static void drv_mains_loss_and_return(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	unsigned long t0;

	drv_settle(ctx);

	set_line(test, ctx, PG_LINE, true);	/* mains lost */
	/* still online inside the debounce window */
	msleep(30);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE), 1);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_DISCHARGING);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(atomic_read(&ctx->ups_events) >= 1 &&
					   atomic_read(&ctx->mains_events) >= 1, 1000));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "on-backup"));

	/* Mains return is reported at once, not after the debounce. */
	atomic_set(&ctx->ups_events, 0);
	atomic_set(&ctx->mains_events, 0);
	t0 = jiffies;
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 1000));
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - t0), 80U);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_FULL);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(atomic_read(&ctx->ups_events) >= 1 &&
					   atomic_read(&ctx->mains_events) >= 1, 1000));
	msleep(200);
	/* one change, one uevent per supply: no storm */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->ups_events), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->mains_events), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
}

static void drv_glitch_ignored(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	int i;

	drv_settle(ctx);

	/* A chattering line: 20 glitches of 20 ms, each shorter than 100 ms. */
	for (i = 0; i < 20; i++) {
		set_line(test, ctx, PG_LINE, true);
		msleep(20);
		set_line(test, ctx, PG_LINE, false);
		msleep(20);
	}
	msleep(300);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->ups_events), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->mains_events), 0);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "online"));
}

/*
 * On a controller with hardware debounce (Tegra's), the driver must not
 * hand its debounce to the hardware: that filters the return of mains
 * too, which is then reported the debounce time late.  The test
 * controller (gpio-ups-test-gpio-debounce.c) debounces as such hardware
 * does, once asked to.
 */
static void drv_mains_return_not_hw_debounced(struct kunit *test)
{
	struct drv_ctx *ctx;
	struct gpio_desc *pg;
	unsigned int ms;
	unsigned long t0;

	KUNIT_ASSERT_EQ(test, kunit_platform_driver_register(test, &gpio_ups_test_dbn_driver),
			0);
	ctx = drv_setup(test, gpio_ups_test_debounce);
	pg = gpio_device_get_desc(ctx->gdev, PG_LINE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pg));
	drv_settle(ctx);

	/*
	 * A 30 ms glitch: the line shows it (no filter in the controller),
	 * the driver's own debounce filters it.
	 */
	set_line(test, ctx, PG_LINE, true);
	KUNIT_EXPECT_EQ_MSG(test, line_value(ctx, PG_LINE), 1,
			    "the controller filters power-good: hardware debounce is on");
	msleep(30);
	set_line(test, ctx, PG_LINE, false);
	msleep(300);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->ups_events), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->mains_events), 0);

	/* mains lost: reported after the 100 ms debounce */
	t0 = jiffies;
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	ms = jiffies_to_msecs(jiffies - t0);
	kunit_info(test, "mains loss reported after %u ms\n", ms);
	KUNIT_EXPECT_GE(test, ms, 80U);

	/* Mains return is reported at once, not after the debounce. */
	t0 = jiffies;
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 1000));
	ms = jiffies_to_msecs(jiffies - t0);
	kunit_info(test, "mains return reported after %u ms\n", ms);
	KUNIT_EXPECT_LT_MSG(test, ms, 50U,
			    "the return of mains was debounced (hardware debounce?)");
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_FULL);

	/*
	 * The controller's debounce works: a change shows only once stable
	 * for 100 ms, both ways, and then delays the return of mains (what
	 * the bound above would catch).
	 */
	KUNIT_ASSERT_EQ(test, gpiod_set_debounce(pg, 100 * USEC_PER_MSEC), 0);
	t0 = jiffies;
	set_line(test, ctx, PG_LINE, true);
	msleep(30);
	KUNIT_EXPECT_EQ(test, line_value(ctx, PG_LINE), 0);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(line_value(ctx, PG_LINE) == 1, 1000));
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - t0), 80U);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	t0 = jiffies;
	set_line(test, ctx, PG_LINE, false);
	msleep(30);
	KUNIT_EXPECT_EQ(test, line_value(ctx, PG_LINE), 1);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 1000));
	ms = jiffies_to_msecs(jiffies - t0);
	kunit_info(test, "with the controller's debounce, mains return reported after %u ms\n",
		   ms);
	KUNIT_EXPECT_GE(test, ms, 80U);
	KUNIT_EXPECT_EQ(test, line_value(ctx, PG_LINE), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
}

/*
 * gpio_ups_get_value() for drv_mains_back_during_read(): the first read of
 * power-good by a work (the debounce work: the IRQ thread is none) once
 * armed is overtaken by a return of mains, which the IRQ's handler sees
 * while that read is still on its way.
 */
static struct {
	struct gpio_desc *power_good;
	atomic_t armed;
	atomic_t raced;
} race;

static int racing_get_value(const struct gpio_desc *desc)
{
	int value = gpiod_get_value_cansleep(desc);
	unsigned long down = pinconf_to_config_packed(PIN_CONFIG_BIAS_PULL_DOWN, 0);

	if (desc != race.power_good || !current_work() ||
	    atomic_cmpxchg(&race.armed, 1, 0) != 1)
		return value;
	/* mains back: the edge wakes the IRQ thread, which runs meanwhile */
	if (!gpiod_set_config(race.power_good, down))
		atomic_inc(&race.raced);
	msleep(100);
	return value;
}

static int (*saved_get_value)(const struct gpio_desc *desc);

static void restore_get_value(void *unused)
{
	gpio_ups_get_value = saved_get_value;
}

/*
 * Mains comes back between the debounce work's read of power-good (still
 * "lost") and the work's use of it.  The return's edge must win: the
 * driver ends on mains, as the line is.
 */
static void drv_mains_back_during_read(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	race.power_good = gpio_device_get_desc(ctx->gdev, PG_LINE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(race.power_good));
	atomic_set(&race.armed, 0);
	atomic_set(&race.raced, 0);
	saved_get_value = gpio_ups_get_value;
	gpio_ups_get_value = racing_get_value;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_get_value,
							NULL), 0);
	atomic_set(&race.armed, 1);	/* the debounce work's read races */
	set_line(test, ctx, PG_LINE, true);	/* mains lost: debounce starts */
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&race.raced), 1000));
	msleep(300);
	KUNIT_EXPECT_EQ(test, line_value(ctx, PG_LINE), 0);
	KUNIT_EXPECT_EQ(test, prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE), 1);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "online"));
}

static void drv_low_battery_level(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	drv_settle(ctx);
	set_line(test, ctx, LOWBAT_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL) ==
					   POWER_SUPPLY_CAPACITY_LEVEL_LOW, 1000));
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(atomic_read(&ctx->ups_events) >= 1, 1000));
	/* on mains a low store is being recharged: no shutdown */
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_CHARGING);
	msleep(100);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);

	set_line(test, ctx, LOWBAT_LINE, false);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL) ==
					   POWER_SUPPLY_CAPACITY_LEVEL_NORMAL, 1000));
}

static void drv_low_battery_on_backup_commits(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	atomic_set(&ctx->ups_events, 0);

	set_line(test, ctx, LOWBAT_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&poweroffs.n) == 1, 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "shutdown-pending"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "low-battery"));
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(atomic_read(&ctx->ups_events) >= 1, 1000));

	/* Latched: mains returning does not cancel, nothing runs twice. */
	set_line(test, ctx, PG_LINE, false);
	set_line(test, ctx, LOWBAT_LINE, false);
	msleep(300);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "shutdown-pending"));
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 1);
	/* the shutdown line waits for the power-off itself */
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
}

/*
 * Mains fails and stays away: one power-off within 3 s, committed by the
 * fallback timer.  Returns the time until its call, in ms.
 */
static unsigned int fail_until_fallback(struct kunit *test,
					struct drv_ctx *ctx)
{
	ktime_t t0 = ktime_get();

	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&poweroffs.n) == 1, 3000));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "fallback-timer"));
	return ktime_ms_delta(poweroffs.first, t0);
}

static void drv_fallback_timer_without_adc(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	/* No ADC: the fallback timer is the only protection. */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "700"), 3);
	KUNIT_EXPECT_GE(test, fail_until_fallback(test, ctx), 650U);
}

/*
 * No ADC, but the store and the load declared (gpio-ups-test-gpio-store):
 * the store, full, carries the load to the shutdown reserve in 987 ms on
 * backup, so the fallback timer (600 s as declared) fires then.  A longer
 * shutdown leaves no time at all.
 */
static void drv_fallback_from_declared_store(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio_store);
	unsigned int ms = fail_until_fallback(test, ctx);

	/* 100 ms of power-fail debounce, then 987 ms on backup */
	KUNIT_EXPECT_GE(test, ms, 900U);
	KUNIT_EXPECT_LE(test, ms, 1400U);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "fallback_shutdown_ms", "600000"));
}

static void drv_fallback_declared_store_too_small(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio_store);

	/* 3.5 s with the margin: 11 J and more, above what the store holds */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "shutdown_duration_ms", "2000"), 4);
	KUNIT_EXPECT_LE(test, fail_until_fallback(test, ctx), 500U);
}

static void drv_sysfs_knobs(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "auto_shutdown", "1"));
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_duration_ms", "5"), -ERANGE);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_capacity_percent", "101"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "auto_shutdown", "2"), -ERANGE);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "auto_shutdown", "x"), -EINVAL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_duration_ms", "20000"));
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_duration_ms", "15000"), 5);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_duration_ms", "15000"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_load_percent", "100"));
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_load_percent", "9"), -ERANGE);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_load_percent", "301"), -ERANGE);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "shutdown_load_percent", "50"), 2);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_load_percent", "50"));

	/* auto_shutdown=0: the outage is reported, userspace decides */
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "auto_shutdown", "0"), 1);
	KUNIT_EXPECT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "200"), 3);
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_STATUS) ==
					   POWER_SUPPLY_STATUS_DISCHARGING, 1000));
	set_line(test, ctx, LOWBAT_LINE, true);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL) ==
					   POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL, 5000));
	msleep(300);	/* past the 200 ms fallback too */
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "on-backup"));
	/* but userspace is told that it is time: Critical */
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "low-battery"));
}

/* Unbind the driver, dropping the test's references to its supplies. */
static void unbind(struct drv_ctx *ctx)
{
	power_supply_put(ctx->psy);
	power_supply_put(ctx->mains);
	ctx->psy = NULL;
	ctx->mains = NULL;
	atomic_set(&ctx->ups_events, 0);
	device_release_driver(&ctx->pdev->dev);
}

/* Bind again: everything was released (GPIOs, IRQs, supply names). */
static void rebind(struct kunit *test, struct drv_ctx *ctx, int want_status)
{
	KUNIT_EXPECT_EQ(test, device_attach(&ctx->pdev->dev), 1);
	ctx->psy = power_supply_get_by_name("ups");
	KUNIT_ASSERT_NOT_NULL(test, ctx->psy);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS), want_status);
}

static void drv_unbind_mid_debounce(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	struct device *dev = &ctx->pdev->dev;

	msleep(50);
	/* Leave a debounce timer pending, then unbind under it. */
	set_line(test, ctx, PG_LINE, true);
	msleep(20);
	unbind(ctx);
	KUNIT_EXPECT_FALSE(test, device_is_bound(dev));
	/* past the debounce: the timer must not fire into freed memory */
	msleep(250);
	set_line(test, ctx, PG_LINE, false);
	set_line(test, ctx, PG_LINE, true);
	msleep(250);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->ups_events), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	KUNIT_EXPECT_NULL(test, power_supply_get_by_name("ups"));

	set_line(test, ctx, PG_LINE, false);
	rebind(test, ctx, POWER_SUPPLY_STATUS_FULL);
}

static void drv_sys_off_asserts_shutdown(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	struct sys_off_data data = {
		.mode = SYS_OFF_MODE_POWER_OFF_PREPARE,
		.cb_data = platform_get_drvdata(ctx->pdev),
	};

	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_sys_off(&data), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
	/* held: a second call changes nothing */
	gpio_ups_sys_off(&data);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
}

/*
 * Halt: a "poweroff" on a board without a power-off driver ends in halt;
 * the UPS must still be told, or the host sits halted with mains back.
 */
static void drv_halt_asserts_shutdown(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	struct gpio_ups *ups = platform_get_drvdata(ctx->pdev);

	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_reboot_event(ups, SYS_HALT), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
}

/*
 * Restart leaves the line alone; power-off through the reboot notifier
 * (all that kernels before 5.19 have) asserts it, and the power-off
 * preparation handler that follows on newer kernels changes nothing.
 */
static void drv_restart_leaves_shutdown(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	struct gpio_ups *ups = platform_get_drvdata(ctx->pdev);
	struct sys_off_data data = {
		.mode = SYS_OFF_MODE_POWER_OFF_PREPARE,
		.cb_data = ups,
	};

	KUNIT_EXPECT_EQ(test, gpio_ups_reboot_event(ups, SYS_RESTART), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_reboot_event(ups, SYS_POWER_OFF), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
	KUNIT_EXPECT_EQ(test, gpio_ups_sys_off(&data), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
}

static void drv_shutdown_at_commit(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_commit);

	/* a policy knob read from the DT */
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_load_percent", "60"));
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	/* on backup, not committed: the line stays deasserted */
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 0);
	set_line(test, ctx, LOWBAT_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&poweroffs.n) == 1, 1000));
	/* asserted with the commit, before any power-off */
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
}

/* Bad device trees */

#define MAX_RESULTS 16

static struct {
	const char *node;
	int ret;
} probe_results[MAX_RESULTS];
static int probe_result_count;

static int test_probe_wrapper(struct platform_device *pdev)
{
	int ret = gpio_ups_probe(pdev);

	if (probe_result_count < MAX_RESULTS) {
		probe_results[probe_result_count].node = pdev->dev.of_node->name;
		probe_results[probe_result_count].ret = ret;
		probe_result_count++;
	}
	return ret;
}

static const struct of_device_id test_probe_of_match[] = {
	{ .compatible = "gpio-ups-test-probe" },
	{ }
};

static struct platform_driver test_probe_driver = {
	.probe = test_probe_wrapper,
	.driver = {
		.name = "gpio-ups-test-probe",
		.of_match_table = test_probe_of_match,
	},
};

static int probe_result(const char *node)
{
	int i, ret = 1;	/* 1: never probed */

	for (i = 0; i < probe_result_count; i++)
		if (!strcmp(probe_results[i].node, node))
			ret = probe_results[i].ret;
	return ret;
}

static void drv_bad_dt(struct kunit *test)
{
	static const struct {
		const char *node;
		int ret;
	} cases[] = {
		{ "bad-no-power-good", -ENOENT },
		{ "bad-debounce", -EINVAL },
		{ "bad-no-store", -EINVAL },
		{ "bad-voltages", -EINVAL },
		{ "bad-efficiency", -EINVAL },
		{ "bad-shutdown-duration", -EINVAL },
		{ "bad-shutdown-load", -EINVAL },
		{ "bad-at-commit", -EINVAL },
	};
	struct platform_device *pdev;
	struct device_node *np;
	int i, ret;

	probe_result_count = 0;
	KUNIT_ASSERT_EQ(test, kunit_platform_driver_register(test, &test_probe_driver), 0);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, gpio_ups_test_bad), 0);

	/* a probe may first defer until the test ADC has bound: wait */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		WAIT_UNTIL(probe_result(cases[i].node) == cases[i].ret, 10000);
		KUNIT_EXPECT_EQ_MSG(test, probe_result(cases[i].node), cases[i].ret,
				    "node %s", cases[i].node);
	}
	/*
	 * An ADC whose driver never comes: the probe waits (-EPROBE_DEFER,
	 * or held back by fw_devlink before probe) and the node stays unbound.
	 */
	pdev = of_find_device_by_node(np = of_find_node_by_path("/defer-adc"));
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	ret = probe_result("defer-adc");
	KUNIT_EXPECT_TRUE_MSG(test, ret == -EPROBE_DEFER || ret == 1, "defer-adc: %d", ret);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	put_device(&pdev->dev);
	of_node_put(np);

	/* nothing half-registered is left behind */
	KUNIT_EXPECT_NULL(test, power_supply_get_by_name("bad3"));
	KUNIT_EXPECT_NULL(test, power_supply_get_by_name("bad4"));
	KUNIT_EXPECT_NULL(test, power_supply_get_by_name("bad4-mains"));
}

/* Supercapacitor store with the test ADC */

#define SCAP_C_UF	1000000ULL
#define SCAP_VMAX_UV	5000000ULL
#define SCAP_VMIN_UV	2500000ULL

/* Independent oracle: 1/2 C (V^2 - Vmin^2), 100 % efficient, in uWh. */
static u64 scap_uwh(u64 v_uv)
{
	u64 v_mv = v_uv / 1000, vmin_mv = SCAP_VMIN_UV / 1000;

	/* uF * mV^2 = 1e-12 J; / 2; J -> uWh is * 1e6 / 3600 */
	return (SCAP_C_UF * (v_mv * v_mv - vmin_mv * vmin_mv)) / 2 / 3600 / 1000000;
}

static void drv_adc_properties_follow(struct kunit *test)
{
	struct drv_ctx *ctx;
	u64 want;

	atomic_set(&gpio_ups_test_adc.voltage_uv, 5000000);
	ctx = drv_setup(test, gpio_ups_test_scap);

	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(near(prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_NOW),
						5000000, 1000), 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 100);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN), 5000000);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN), 2500000);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_EMPTY), 0);
	want = scap_uwh(SCAP_VMAX_UV);
	KUNIT_EXPECT_LE(test, abs(prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_FULL) - (int)want),
			(int)(want / 200));
	KUNIT_EXPECT_LE(test, abs(prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_FULL_DESIGN) -
				  (int)want), (int)(want / 200));
	/* on mains nothing drains: power 0, no time to empty listed */
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW), 0);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_TIME_TO_EMPTY_NOW), -EINVAL);

	/*
	 * On backup the driver samples fast and the properties follow.  The
	 * stub's store holds still: no floor load and no fallback timer, or
	 * the driver (rightly) commits before a slow test has read it all.
	 */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "min_load_microwatt", "0"), 1);
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "600000"), 6);
	atomic_set(&gpio_ups_test_adc.voltage_uv, 4000000);
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(near(prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_NOW),
						4000000, 1000), 2000));
	want = scap_uwh(4000000);
	KUNIT_EXPECT_LE(test, abs(prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_NOW) - (int)want),
			(int)(want / 200));
	/* (16 - 6.25) / (25 - 6.25) = 52 % of the usable energy */
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 52);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_DISCHARGING);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_NORMAL);
}

/* Serve @bad_uv for one ADC read, then @good_uv: voltage_now stays good. */
static void one_reading(struct kunit *test, struct drv_ctx *ctx, int bad_uv,
			int good_uv)
{
	unsigned int reads;

	atomic_set(&gpio_ups_test_adc.voltage_uv, bad_uv);
	reads = atomic_read(&gpio_ups_test_adc.reads);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&gpio_ups_test_adc.reads) > reads, 1000));
	atomic_set(&gpio_ups_test_adc.voltage_uv, good_uv);
	msleep(200);
	KUNIT_EXPECT_TRUE(test, near(prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_NOW),
				     good_uv, 1000));
}

static void drv_absurd_reading_rejected(struct kunit *test)
{
	struct drv_ctx *ctx;

	atomic_set(&gpio_ups_test_adc.voltage_uv, 4500000);
	ctx = drv_setup(test, gpio_ups_test_scap);
	/*
	 * The stub's store holds still on backup: no floor load, or the
	 * physics check (rightly) takes it for an ADC that reads nothing.
	 */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "min_load_microwatt", "0"), 1);
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "600000"), 6);
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(near(prop(ctx->psy, POWER_SUPPLY_PROP_VOLTAGE_NOW),
						4500000, 1000), 2000));

	/* one absurd reading (far above the design maximum), then normal */
	one_reading(test, ctx, 29000000, 4500000);
	KUNIT_EXPECT_FALSE(test, psy_attr_is(ctx->psy, "rejected_samples", "0"));
	/* a negative reading (a broken divider) is no energy loss either */
	one_reading(test, ctx, -100000, 4500000);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
}

/**
 * struct discharge - a constant-power discharge of the 1 F test store
 * @t0: when the outage (or this load) started
 * @v0_mv: voltage then
 * @power_uw: load
 * @fail_after_ms: the ADC fails from this time on (0: never)
 * @stall_after_ms: ADC reads hang from this time on (0: never)
 * @freeze_after_ms: the ADC keeps reading what it read then (0: never)
 * @fired: when the action run_discharge() waited for came (or, if it did
 *	not, when the discharge stopped)
 * @power_seen_uw: power_now the driver reported once it had come
 * @v_mv: store voltage at @fired
 */
struct discharge {
	ktime_t t0;
	u64 v0_mv;
	u64 power_uw;
	unsigned int fail_after_ms;
	unsigned int stall_after_ms;
	unsigned int freeze_after_ms;
	ktime_t fired;
	int power_seen_uw;
	u64 v_mv;
};

/* The store at @t: V(t)^2 = V0^2 - 2 P t / C, 0 once past empty. */
static u64 discharge_mv(const struct discharge *d, ktime_t t)
{
	s64 t_ms = max_t(s64, ktime_ms_delta(t, d->t0), 0);
	u64 v2_mv2 = d->v0_mv * d->v0_mv;
	/* 2 P t / C in mV^2: 1e-6 W * 1e-3 s / 1e-6 F = 1e3 mV^2 */
	u64 drop_mv2 = div64_u64(2000 * d->power_uw * t_ms, SCAP_C_UF);

	return v2_mv2 > drop_mv2 ? int_sqrt64(v2_mv2 - drop_mv2) : 0;
}

/*
 * The store the test ADC reads: a copy of the running discharge, read at
 * the moment of each ADC read, so that the readings follow the physics
 * however late the test thread runs.
 */
static DEFINE_SPINLOCK(store_lock);
static struct discharge store;

static int store_read_uv(void)
{
	ktime_t now = ktime_get();
	struct discharge d;

	spin_lock(&store_lock);
	d = store;
	spin_unlock(&store_lock);
	if (d.freeze_after_ms)
		now = min(now, ktime_add_ms(d.t0, d.freeze_after_ms));
	return discharge_mv(&d, now) * 1000;
}

static void store_follow(const struct discharge *d)
{
	spin_lock(&store_lock);
	store = *d;
	spin_unlock(&store_lock);
	WRITE_ONCE(gpio_ups_test_adc.read_uv, store_read_uv);
}

/* The store holds still from now at what @d left (mains is back, or so). */
static void store_hold(const struct discharge *d)
{
	struct discharge held = { .t0 = ktime_get() };

	held.v0_mv = discharge_mv(d, held.t0);
	store_follow(&held);
}

/* From @d->fired on, the load is @power_uw. */
static void discharge_set_load(struct discharge *d, u64 power_uw)
{
	d->t0 = d->fired;
	d->v0_mv = d->v_mv;
	d->power_uw = power_uw;
	store_follow(d);
}

/*
 * Let the test ADC read the discharge @d until @until is called or
 * @limit_ms after @d->t0 pass.  Returns the true usable energy (uJ) when
 * @until was called, or -1 if it was not before the store ran dry or the
 * limit passed; the store then holds still.  Once @until has been called
 * the discharge goes on (the system is still running).
 */
static s64 run_discharge(struct drv_ctx *ctx, struct discharge *d,
			 struct calls *until, unsigned int limit_ms)
{
	u64 vmin_mv = SCAP_VMIN_UV / 1000;

	store_follow(d);
	for (;;) {
		ktime_t now = ktime_get();
		s64 t_ms = ktime_ms_delta(now, d->t0);

		/* first: the action may have come before a late check */
		if (atomic_read(&until->n)) {
			smp_rmb();	/* @n before @first: see count_call() */
			d->fired = READ_ONCE(until->first);
			d->v_mv = discharge_mv(d, d->fired);
			d->power_seen_uw = ctx->psy ?
				prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW) : -ENODEV;
			if (d->v_mv <= vmin_mv)
				break;
			/* 1/2 C (V^2 - Vmin^2): uF * mV^2 / 2e6 = uJ */
			return SCAP_C_UF * (d->v_mv * d->v_mv - vmin_mv * vmin_mv) /
			       2000000;
		}
		d->fired = now;
		if (discharge_mv(d, now) <= vmin_mv || t_ms > limit_ms)
			break;	/* brownout, or the limit */
		if (d->fail_after_ms && t_ms >= d->fail_after_ms)
			atomic_set(&gpio_ups_test_adc.error, -EIO);
		if (d->stall_after_ms && t_ms >= d->stall_after_ms)
			atomic_set(&gpio_ups_test_adc.stall, 1);
		usleep_range(10000, 11000);
	}
	store_hold(d);
	return -1;
}

static struct drv_ctx *scap_setup_charged(struct kunit *test)
{
	struct drv_ctx *ctx;

	atomic_set(&gpio_ups_test_adc.voltage_uv, 5000000);
	ctx = drv_setup(test, gpio_ups_test_scap);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY) == 100,
					   1000));
	return ctx;
}

static void drv_long_outage_commits_in_time(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = { .v0_mv = 5000, .power_uw = 2000000 };
	s64 left_uj;

	atomic_set(&ctx->ups_events, 0);
	/*
	 * 2 W from 9.375 J: empty after 4.7 s.  The shutdown is declared as
	 * 1 s (x 150 %) at 50 % of the load, plus the 2 s emergency lead:
	 * 3.5 s at 1 W.
	 */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	left_uj = run_discharge(ctx, &d, &poweroffs, 6000);
	KUNIT_ASSERT_GE_MSG(test, left_uj, 0LL, "no shutdown before the store ran dry");
	kunit_info(test, "committed with %lld uJ left, power_now %d uW\n",
		   left_uj, d.power_seen_uw);
	/* enough left for the shutdown (1 s at 1 W) and the lead (2 s) */
	KUNIT_EXPECT_GE(test, left_uj, 3000000LL);
	/* and not needlessly early: it rode through most of the store */
	KUNIT_EXPECT_LE(test, left_uj, 5000000LL);
	/* the load was measured from the voltage slope alone */
	KUNIT_EXPECT_GT(test, d.power_seen_uw, 1800000);
	KUNIT_EXPECT_LT(test, d.power_seen_uw, 2200000);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "energy-reserve"));
	/* mains loss, then the commit: at least two uevents on ups */
	KUNIT_EXPECT_GE(test, atomic_read(&ctx->ups_events), 2);

	/*
	 * The system shuts down at the declared 1 W but stays up (the test's
	 * power-off does nothing): the forced emergency power-off must come
	 * before the store is empty.
	 */
	discharge_set_load(&d, 1000000);
	left_uj = run_discharge(ctx, &d, &emergencies, 6000);
	KUNIT_EXPECT_GE_MSG(test, left_uj, 0LL, "no emergency power-off before the store ran dry");
	kunit_info(test, "emergency power-off %lld ms after the commit, with %lld uJ left\n",
		   ktime_ms_delta(d.fired, d.t0), left_uj);
	/* not before the declared 1 s shutdown could have finished */
	KUNIT_EXPECT_GE(test, ktime_ms_delta(d.fired, d.t0), 1000LL);
	/* once: later readings do not fire it again */
	run_discharge(ctx, &d, &never, ktime_ms_delta(ktime_get(), d.t0) + 1000);
	KUNIT_EXPECT_EQ(test, atomic_read(&emergencies.n), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 1);

	/* latched: returning mains does not cancel; still one power-off */
	set_line(test, ctx, PG_LINE, false);
	msleep(300);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 1);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "shutdown-pending"));
}

static void drv_adc_failing_mid_outage(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = {
		.v0_mv = 5000, .power_uw = 1000000, .fail_after_ms = 1000,
	};
	s64 left_uj;

	/* The ADC dies 1 s into the outage; the store keeps draining. */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	left_uj = run_discharge(ctx, &d, &poweroffs, 9000);
	KUNIT_ASSERT_GE_MSG(test, left_uj, 0LL, "no shutdown before the store ran dry");
	KUNIT_EXPECT_GE(test, left_uj, 2000000LL);
	/* no stale numbers: the dead reckoning the shutdown was decided on */
	KUNIT_EXPECT_TRUE(test, near(prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW),
				     1000000 * GPIO_UPS_POLICY_DR_LOAD_PCT / 100,
				     200000));
	KUNIT_EXPECT_LT(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 60);
	KUNIT_EXPECT_FALSE(test, psy_attr_is(ctx->psy, "adc_errors", "0"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "adc_status", "failing"));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL),
			POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL);
}

static void unstall_adc(void *unused)
{
	atomic_set(&gpio_ups_test_adc.stall, 0);
}

static void drv_adc_hanging_mid_outage(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = {
		.v0_mv = 5000, .power_uw = 2000000, .stall_after_ms = 1000,
	};
	s64 left_uj;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unstall_adc, NULL), 0);
	/* The ADC read hangs 1 s into the outage: no error, no reading. */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	left_uj = run_discharge(ctx, &d, &poweroffs, 6000);
	KUNIT_ASSERT_GE_MSG(test, left_uj, 0LL, "no shutdown before the store ran dry");
	kunit_info(test, "committed with %lld uJ left\n", left_uj);
	KUNIT_EXPECT_GE(test, left_uj, 2000000LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "dead-reckoning"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "adc_status", "stalled"));
	unstall_adc(NULL);
}

static void drv_unbind_mid_outage(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = { .v0_mv = 5000, .power_uw = 2000000 };
	unsigned int reads;

	/* On backup: fast sampling, policy and emergency timers armed. */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	KUNIT_EXPECT_LT(test, run_discharge(ctx, &d, &poweroffs, 700), 0LL);
	KUNIT_ASSERT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_STATUS),
			POWER_SUPPLY_STATUS_DISCHARGING);

	unbind(ctx);
	reads = atomic_read(&gpio_ups_test_adc.reads);
	/* nothing runs after unbind: no read, no event, no power-off */
	KUNIT_EXPECT_LT(test, run_discharge(ctx, &d, &poweroffs, 4000), 0LL);
	KUNIT_EXPECT_EQ(test, atomic_read(&gpio_ups_test_adc.reads), reads);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->ups_events), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&emergencies.n), 0);

	/* and it binds again, still on backup */
	rebind(test, ctx, POWER_SUPPLY_STATUS_DISCHARGING);
}

static void drv_short_outage_ridden_through(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = { .v0_mv = 5000, .power_uw = 2000000 };

	/* 1.5 s at 2 W is well within the store: no shutdown */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	KUNIT_EXPECT_LT(test, run_discharge(ctx, &d, &poweroffs, 1500), 0LL);
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 5000));
	msleep(1500);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "online"));
}

/*
 * A charger that holds the store 8 % above voltage-max-design-microvolt (within
 * the 10 % that charger and divider tolerance allow): on backup the
 * readings drain from there, above "full" for the first seconds.  They
 * are measurements of the store, not a frozen ADC: 4 s at 0.3 W ride
 * through on trusted readings.
 */
static void drv_store_above_declared_max(struct kunit *test)
{
	struct discharge d = { .v0_mv = 5400, .power_uw = 300000 };
	struct drv_ctx *ctx;

	atomic_set(&gpio_ups_test_adc.voltage_uv, 5400000);
	ctx = drv_setup(test, gpio_ups_test_scap);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY) == 100,
					   1000));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "adc_status", "ok"));

	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	/* 5.4 V to 5.0 V at 0.3 W takes 6.9 s: above full the whole time */
	KUNIT_EXPECT_LT(test, run_discharge(ctx, &d, &poweroffs, 4000), 0LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "adc_status", "ok"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "policy_state", "on-backup"));
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 5000));
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
}

/*
 * Mains flapping on a board without ADC (a power strip that pulses the
 * adapter): the short returns are reported, but the outage goes on and
 * the fallback timer counts the time on backup.
 */
static void drv_flapping_mains_gpio_only(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);
	ktime_t t0;
	s64 ms;
	int i;

	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "1500"), 4);
	t0 = ktime_get();
	/* lost for 650 ms (100 ms of it debounce), back for 150 ms */
	for (i = 0; i < 8 && !atomic_read(&poweroffs.n); i++) {
		set_line(test, ctx, PG_LINE, true);
		if (WAIT_UNTIL(atomic_read(&poweroffs.n), 650))
			break;
		set_line(test, ctx, PG_LINE, false);
		KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(prop(ctx->mains,
							POWER_SUPPLY_PROP_ONLINE) == 1,
						   100));
		msleep(150);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 1);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "fallback-timer"));
	/* 1.5 s on backup: in the third stretch, not after 8 periods */
	ms = ktime_ms_delta(poweroffs.first, t0);
	kunit_info(test, "committed %lld ms after the first loss\n", ms);
	KUNIT_EXPECT_LT(test, ms, 2600LL);
	KUNIT_EXPECT_GE(test, ms, 1700LL);
}

/*
 * The ADC reading freezes mid-outage while the store drains: the readings
 * are rejected as implausible and the driver dead-reckons to a shutdown
 * while the store still holds what it needs.
 */
static void drv_frozen_adc_commits(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = {
		.v0_mv = 5000, .power_uw = 1000000, .freeze_after_ms = 1000,
	};
	s64 left_uj;

	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	left_uj = run_discharge(ctx, &d, &poweroffs, 9000);
	KUNIT_ASSERT_GE_MSG(test, left_uj, 0LL, "no shutdown before the store ran dry");
	kunit_info(test, "committed %lld ms into the outage with %lld uJ left\n",
		   ktime_ms_delta(d.fired, d.t0), left_uj);
	/* the declared 1 s shutdown at 0.5 W and the 2 s lead */
	KUNIT_EXPECT_GE(test, left_uj, 2500000LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "dead-reckoning"));
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "adc_status", "implausible"));
	/* what is shown is the reckoning, not the frozen figures */
	KUNIT_EXPECT_TRUE(test, near(d.power_seen_uw,
				     1000000 * GPIO_UPS_POLICY_DR_LOAD_PCT / 100,
				     200000));
}

/*
 * The ADC is lost with most of the store left: the last energy and load
 * were known, so the driver rides on by dead reckoning instead of
 * committing on the fallback timer (3 s here).
 */
static void drv_adc_lost_rides_on(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = {
		.v0_mv = 5000, .power_uw = 500000, .fail_after_ms = 1000,
	};
	unsigned int ms;
	s64 left_uj;

	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	left_uj = run_discharge(ctx, &d, &poweroffs, 12000);
	ms = ktime_ms_delta(d.fired, d.t0);
	KUNIT_ASSERT_GE_MSG(test, left_uj, 0LL, "no shutdown before the store ran dry");
	kunit_info(test, "committed %u ms into the outage with %lld uJ left\n",
		   ms, left_uj);
	KUNIT_EXPECT_GE(test, ms, 5000U);
	/* the declared shutdown (1.5 s at 0.25 W) and the lead still fit */
	KUNIT_EXPECT_GE(test, left_uj, 1375000LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "shutdown_reason", "dead-reckoning"));
}

/*
 * The system powers off while an ADC read hangs on the bus: .shutdown must
 * not wait for it (device_shutdown() would stall), and the UPS is still
 * told to cut power.
 */
static void drv_shutdown_with_adc_hung(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct platform_driver *drv = to_platform_driver(ctx->pdev->dev.driver);
	struct sys_off_data data = {
		.mode = SYS_OFF_MODE_POWER_OFF_PREPARE,
		.cb_data = platform_get_drvdata(ctx->pdev),
	};
	unsigned int reads;
	unsigned long t0;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unstall_adc, NULL), 0);
	set_line(test, ctx, PG_LINE, true);	/* on backup: fast sampling */
	msleep(300);
	atomic_set(&gpio_ups_test_adc.stall, 1);
	/* sampled every 50 ms: a read is hanging by now, none finishes */
	msleep(100);	/* (a read already past the stall counts first) */
	reads = atomic_read(&gpio_ups_test_adc.reads);
	msleep(200);
	KUNIT_ASSERT_EQ(test, atomic_read(&gpio_ups_test_adc.reads), reads);
	t0 = jiffies;
	drv->shutdown(ctx->pdev);
	kunit_info(test, ".shutdown took %u ms\n", jiffies_to_msecs(jiffies - t0));
	/* the read it must not wait for hangs 10 s */
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - t0), 2000U);
	KUNIT_EXPECT_EQ(test, gpio_ups_sys_off(&data), NOTIFY_DONE);
	KUNIT_EXPECT_EQ(test, line_value(ctx, SHUTDOWN_LINE), 1);
	unstall_adc(NULL);
}

/* Userspace readers: every listed property reads in every state */

/*
 * Read every property the supply lists, as node_exporter and the uevent
 * do; true when all read.  The first failure is logged.
 */
static bool all_props_read(struct kunit *test, struct drv_ctx *ctx, const char *when)
{
	const struct power_supply_desc *desc = ctx->psy->desc;
	union power_supply_propval val;
	size_t i;
	int ret;

	for (i = 0; i < desc->num_properties; i++) {
		ret = power_supply_get_property(ctx->psy, desc->properties[i], &val);
		if (ret) {
			kunit_info(test, "%s: property %d reads %d\n", when,
				   desc->properties[i], ret);
			return false;
		}
	}
	return true;
}

static void drv_adc_props_readable_everywhere(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = { .v0_mv = 5000, .power_uw = 2000000 };

	/* on mains, charged: power 0, energy_full measured */
	KUNIT_EXPECT_TRUE(test, all_props_read(test, ctx, "mains"));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW), 0);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_AVG), 0);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_TIME_TO_FULL_NOW), -EINVAL);

	/* on backup, once the load is fitted: the estimate */
	set_line(test, ctx, PG_LINE, true);
	d.t0 = ktime_get();
	KUNIT_EXPECT_LT(test, run_discharge(ctx, &d, &poweroffs, 1500), 0LL);
	KUNIT_EXPECT_TRUE(test, all_props_read(test, ctx, "backup"));
	KUNIT_EXPECT_TRUE(test, near(prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW),
				     2000000, 400000));
	KUNIT_EXPECT_GT(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_AVG), 0);

	/* back on mains: 0 again, no sample needed */
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 5000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW), 0);
	KUNIT_EXPECT_TRUE(test, all_props_read(test, ctx, "mains again"));
}

static void drv_energy_full_without_readings(struct kunit *test)
{
	struct drv_ctx *ctx;
	u64 want = scap_uwh(SCAP_VMAX_UV);

	/* the ADC fails from the start: no estimate at all */
	atomic_set(&gpio_ups_test_adc.error, -EIO);
	ctx = drv_setup(test, gpio_ups_test_scap);
	msleep(300);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_NOW), -ENODATA);
	/* the design value stands in: readers keep their energy units */
	KUNIT_EXPECT_LE(test, abs(prop(ctx->psy, POWER_SUPPLY_PROP_ENERGY_FULL) - (int)want),
			(int)(want / 200));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_POWER_NOW), 0);
}

static void drv_gpio_only_coarse_capacity(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	KUNIT_EXPECT_TRUE(test, all_props_read(test, ctx, "mains"));
	/* on backup, riding through: no figure that reads as empty */
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 100);
	KUNIT_EXPECT_TRUE(test, all_props_read(test, ctx, "backup"));
	/* what the driver would commit on (auto_shutdown 0): 0 */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "auto_shutdown", "0"), 1);
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "fallback_shutdown_ms", "300"), 3);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY) == 0, 1000));
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
	/* the commit itself: still 0 */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "auto_shutdown", "1"), 1);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(atomic_read(&poweroffs.n) == 1, 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 0);
}

static void drv_gpio_only_low_line_capacity(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	/* on mains a low store recharges: low, not empty */
	set_line(test, ctx, LOWBAT_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY_LEVEL) ==
					   POWER_SUPPLY_CAPACITY_LEVEL_LOW, 1000));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY), 10);
	set_line(test, ctx, LOWBAT_LINE, false);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(prop(ctx->psy, POWER_SUPPLY_PROP_CAPACITY) == 100,
					   1000));
}

/* A read-only attribute as a number, -1 when it cannot be read. */
static s64 psy_attr_num(struct power_supply *psy, const char *attr)
{
	const struct sysfs_ops *ops = psy->dev.kobj.ktype->sysfs_ops;
	struct kernfs_node *kn;
	s64 val = -1;
	char *buf;

	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!buf)
		return -1;
	kn = sysfs_get_dirent(psy->dev.kobj.sd, attr);
	if (kn) {
		if (ops->show(&psy->dev.kobj, kn->priv, buf) > 0 &&
		    kstrtos64(strim(buf), 10, &val))
			val = -1;
		sysfs_put(kn);
	}
	free_page((unsigned long)buf);
	return val;
}

/*
 * The learned-store and statistics attributes, and the health check: the
 * 1 F store (9.375 J) at the 2 W measured in an outage carries a shutdown
 * of (3 s * 150 % + 2 s) * 50 % + 2 * 50 ms = 3.35 s (6.7 J), not one of
 * (6 s * 150 % + 2 s) * 50 % + 0.1 s = 5.6 s (11.2 J).
 */
static void drv_store_health_and_stats(struct kunit *test)
{
	struct drv_ctx *ctx = scap_setup_charged(test);
	struct discharge d = { .v0_mv = 5000, .power_uw = 2000000 };
	ktime_t cut, back, online;
	s64 drawn_uwh;

	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "capacitance_uf"), 1000000LL);
	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "esr_uohm"), 0LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "learn_status", "off"));
	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "transfers"), 0LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "last_transfer_reason", "none"));
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_HEALTH),
			POWER_SUPPLY_HEALTH_GOOD);

	/* a 1.5 s outage at 2 W (3 J), ridden through */
	cut = ktime_get();
	set_line(test, ctx, PG_LINE, true);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 0, 1000));
	d.t0 = ktime_get();
	run_discharge(ctx, &d, &never, 1500);
	/* 2 W while it ran: 3 J = 833 uWh in 1.5 s */
	drawn_uwh = div_s64(ktime_ms_delta(d.fired, d.t0) * 2000, 3600);
	back = ktime_get();
	set_line(test, ctx, PG_LINE, false);
	KUNIT_ASSERT_TRUE(test, WAIT_UNTIL(prop(ctx->mains, POWER_SUPPLY_PROP_ONLINE) == 1, 5000));
	online = ktime_get();
	msleep(100);
	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "transfers"), 1LL);
	KUNIT_EXPECT_TRUE(test, psy_attr_is(ctx->psy, "last_transfer_reason", "power-fail"));
	/* from the loss shown to the return made, at least; at most the cut to online shown */
	KUNIT_EXPECT_GE(test, psy_attr_num(ctx->psy, "backup_time_last_ms"),
			ktime_ms_delta(back, d.t0) - 10);
	KUNIT_EXPECT_LE(test, psy_attr_num(ctx->psy, "backup_time_last_ms"),
			ktime_ms_delta(online, cut) + 10);
	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "backup_time_total_ms"),
			psy_attr_num(ctx->psy, "backup_time_last_ms"));
	/* less what the first 200 ms drew before a reading */
	KUNIT_EXPECT_TRUE(test, near(psy_attr_num(ctx->psy, "last_outage_energy_uwh"),
				     drawn_uwh, 150));
	KUNIT_EXPECT_EQ(test, psy_attr_num(ctx->psy, "commit_energy_uwh"), 0LL);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_HEALTH),
			POWER_SUPPLY_HEALTH_GOOD);

	/* a 6 s shutdown no longer fits: health Dead, with a uevent */
	atomic_set(&ctx->ups_events, 0);
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "shutdown_duration_ms", "6000"), 4);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_HEALTH),
			POWER_SUPPLY_HEALTH_DEAD);
	KUNIT_EXPECT_TRUE(test, WAIT_UNTIL(atomic_read(&ctx->ups_events) >= 1, 1000));
	/* and 3 s does again */
	KUNIT_ASSERT_EQ(test, psy_attr_store(ctx->psy, "shutdown_duration_ms", "3000"), 4);
	KUNIT_EXPECT_EQ(test, prop(ctx->psy, POWER_SUPPLY_PROP_HEALTH),
			POWER_SUPPLY_HEALTH_GOOD);
	KUNIT_EXPECT_EQ(test, atomic_read(&poweroffs.n), 0);
}

/*
 * The property lists are what sysfs and the uevents show, in this order
 * (Documentation/ABI/testing/sysfs-class-power-gpio-ups); the ADC list
 * ends with state_of_health and internal_resistance from 6.18 on.
 */
#define PSP(name)	POWER_SUPPLY_PROP_##name

static const enum power_supply_property gpio_only_props[] = {
	PSP(STATUS), PSP(PRESENT), PSP(CAPACITY_LEVEL), PSP(CAPACITY), PSP(SCOPE),
	PSP(MODEL_NAME), PSP(MANUFACTURER),
};

static const enum power_supply_property adc_props[] = {
	PSP(STATUS), PSP(PRESENT), PSP(CAPACITY_LEVEL), PSP(SCOPE), PSP(MODEL_NAME),
	PSP(MANUFACTURER), PSP(VOLTAGE_NOW), PSP(VOLTAGE_MIN_DESIGN),
	PSP(VOLTAGE_MAX_DESIGN), PSP(CAPACITY), PSP(ENERGY_NOW), PSP(ENERGY_FULL),
	PSP(ENERGY_FULL_DESIGN), PSP(ENERGY_EMPTY), PSP(POWER_NOW), PSP(POWER_AVG),
	PSP(HEALTH),
};

static const enum power_supply_property mains_props[] = { PSP(ONLINE), PSP(SCOPE) };

static void expect_props(struct kunit *test, struct power_supply *psy,
			 const enum power_supply_property *want, size_t n,
			 size_t more)
{
	const struct power_supply_desc *desc = psy->desc;
	size_t i;

	KUNIT_ASSERT_EQ(test, desc->num_properties, n + more);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, desc->properties[i], want[i],
				    "%s: property %zu", desc->name, i);
}

static void drv_gpio_property_lists(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_gpio);

	expect_props(test, ctx->psy, gpio_only_props, ARRAY_SIZE(gpio_only_props), 0);
	expect_props(test, ctx->mains, mains_props, ARRAY_SIZE(mains_props), 0);
}

static void drv_adc_property_lists(struct kunit *test)
{
	struct drv_ctx *ctx = drv_setup(test, gpio_ups_test_scap);

	expect_props(test, ctx->psy, adc_props, ARRAY_SIZE(adc_props),
		     2 - GPIO_UPS_COMPAT_PROPS_ABSENT);
	expect_props(test, ctx->mains, mains_props, ARRAY_SIZE(mains_props), 0);
}

#define REG_MAX_PROPS	32
#define REG_MAX_ATTRS	40
#define REG_ATTR_LEN	64

/* What the "ups" supply showed the moment it was registered. */
static struct {
	unsigned int nprops, nattrs;
	enum power_supply_property psp[REG_MAX_PROPS];
	int ret[REG_MAX_PROPS];
	int val[REG_MAX_PROPS];
	struct device_attribute *attr[REG_MAX_ATTRS];
	char shown[REG_MAX_ATTRS][REG_ATTR_LEN];
} at_reg;

static bool is_string_prop(enum power_supply_property psp)
{
	return psp == POWER_SUPPLY_PROP_MODEL_NAME ||
	       psp == POWER_SUPPLY_PROP_MANUFACTURER ||
	       psp == POWER_SUPPLY_PROP_SERIAL_NUMBER;
}

/* An attribute as its show() gives it (a page, as sysfs hands it). */
static void show_attr(struct power_supply *psy, struct device_attribute *da,
		      char *out)
{
	char *buf = (char *)get_zeroed_page(GFP_KERNEL);
	ssize_t len;

	if (!buf) {
		strscpy(out, "(no memory)", REG_ATTR_LEN);
		return;
	}
	len = da->show(&psy->dev, da, buf);
	if (len < 0)
		snprintf(out, REG_ATTR_LEN, "(error %zd)", len);
	else
		strscpy(out, buf, REG_ATTR_LEN);
	free_page((unsigned long)buf);
}

/* gpio_ups_register_supply() that reads "ups" as soon as it exists */
static struct power_supply *
reading_register(struct device *dev, const struct power_supply_desc *desc,
		 const struct power_supply_config *cfg)
{
	struct power_supply *psy = devm_power_supply_register(dev, desc, cfg);
	union power_supply_propval val;
	struct attribute **attrs;
	unsigned int i, n = 0;

	if (IS_ERR(psy) || strcmp(desc->name, "ups"))
		return psy;
	at_reg.nprops = min_t(size_t, desc->num_properties, REG_MAX_PROPS);
	for (i = 0; i < at_reg.nprops; i++) {
		at_reg.psp[i] = desc->properties[i];
		memset(&val, 0, sizeof(val));
		at_reg.ret[i] = power_supply_get_property(psy, at_reg.psp[i],
							  &val);
		at_reg.val[i] = val.intval;
	}
	for (i = 0; cfg->attr_grp && cfg->attr_grp[i]; i++) {
		for (attrs = cfg->attr_grp[i]->attrs; *attrs; attrs++) {
			if (n == REG_MAX_ATTRS)
				break;
			at_reg.attr[n] = container_of(*attrs,
						      struct device_attribute,
						      attr);
			show_attr(psy, at_reg.attr[n], at_reg.shown[n]);
			n++;
		}
	}
	at_reg.nattrs = n;
	return psy;
}

static struct power_supply *
(*saved_register)(struct device *dev, const struct power_supply_desc *desc,
		  const struct power_supply_config *cfg);

static void restore_register(void *unused)
{
	gpio_ups_register_supply = saved_register;
}

/*
 * Userspace may read the supply from the moment it is registered (a udev
 * rule on its "add" event): every property and attribute must then show
 * what it shows once the probe is over, or no figure yet (-ENODATA, no
 * reading taken).  A store that learns its capacitance makes the
 * estimator's part visible (learn_status).  The first reading, which the
 * probe only schedules, is held back so that "once the probe is over"
 * is the same moment however fast the sample work runs.
 */
static void drv_ready_at_registration(struct kunit *test)
{
	struct drv_ctx *ctx;
	union power_supply_propval val;
	char now[REG_ATTR_LEN];
	unsigned int i;
	int ret;

	memset(&at_reg, 0, sizeof(at_reg));
	saved_register = gpio_ups_register_supply;
	gpio_ups_register_supply = reading_register;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_register,
							NULL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unstall_adc, NULL), 0);
	atomic_set(&gpio_ups_test_adc.stall, 1);
	ctx = drv_setup(test, gpio_ups_test_learn);
	KUNIT_ASSERT_GT(test, at_reg.nprops, 10U);
	KUNIT_ASSERT_GT(test, at_reg.nattrs, 10U);
	for (i = 0; i < at_reg.nprops; i++) {
		if (at_reg.ret[i] == -ENODATA)
			continue;
		memset(&val, 0, sizeof(val));
		ret = power_supply_get_property(ctx->psy, at_reg.psp[i], &val);
		KUNIT_EXPECT_EQ_MSG(test, at_reg.ret[i], ret, "property %d",
				    at_reg.psp[i]);
		if (!is_string_prop(at_reg.psp[i]))
			KUNIT_EXPECT_EQ_MSG(test, at_reg.val[i], val.intval,
					    "property %d", at_reg.psp[i]);
	}
	for (i = 0; i < at_reg.nattrs; i++) {
		show_attr(ctx->psy, at_reg.attr[i], now);
		KUNIT_EXPECT_STREQ_MSG(test, at_reg.shown[i], now, "%s",
				       at_reg.attr[i]->attr.name);
	}
	/* still no reading: the comparison was with the probe's own state */
	KUNIT_EXPECT_EQ(test, atomic_read(&gpio_ups_test_adc.reads), 0);
	unstall_adc(NULL);
}

/* output-ohms/full-ohms: the voltage-divider ratio, without IIO_RESCALE. */
static void drv_divider_uv(struct kunit *test)
{
	/* no divider: the reading as it is */
	KUNIT_EXPECT_EQ(test, gpio_ups_divider_uv(2300000, 0, 0), 2300000);
	/* 100 k / 100 k (the overlays' default): twice the ADC input */
	KUNIT_EXPECT_EQ(test, gpio_ups_divider_uv(2300000, 100000, 200000),
			4600000);
	/* 33 k across the ADC of 133 k: no 32-bit overflow on the way */
	KUNIT_EXPECT_EQ(test, gpio_ups_divider_uv(1240000, 33000, 133000),
			4997575);
	KUNIT_EXPECT_EQ(test, gpio_ups_divider_uv(-1000, 1, 2), -2000);
	/* a ratio that would overflow the int range clamps */
	KUNIT_EXPECT_EQ(test, gpio_ups_divider_uv(4000000, 1, 4000000), INT_MAX);
}

static struct kunit_case gpio_ups_drv_cases[] = {
	KUNIT_CASE(drv_initial_state),
	KUNIT_CASE(drv_mains_loss_and_return),
	KUNIT_CASE(drv_glitch_ignored),
	KUNIT_CASE(drv_mains_return_not_hw_debounced),
	KUNIT_CASE(drv_mains_back_during_read),
	KUNIT_CASE(drv_low_battery_level),
	KUNIT_CASE(drv_low_battery_on_backup_commits),
	KUNIT_CASE(drv_fallback_timer_without_adc),
	KUNIT_CASE(drv_fallback_from_declared_store),
	KUNIT_CASE(drv_fallback_declared_store_too_small),
	KUNIT_CASE(drv_sysfs_knobs),
	KUNIT_CASE(drv_unbind_mid_debounce),
	KUNIT_CASE(drv_sys_off_asserts_shutdown),
	KUNIT_CASE(drv_halt_asserts_shutdown),
	KUNIT_CASE(drv_restart_leaves_shutdown),
	KUNIT_CASE(drv_shutdown_at_commit),
	KUNIT_CASE(drv_bad_dt),
	KUNIT_CASE(drv_adc_properties_follow),
	KUNIT_CASE(drv_absurd_reading_rejected),
	KUNIT_CASE(drv_short_outage_ridden_through),
	KUNIT_CASE(drv_store_above_declared_max),
	KUNIT_CASE(drv_long_outage_commits_in_time),
	KUNIT_CASE(drv_adc_failing_mid_outage),
	KUNIT_CASE(drv_adc_hanging_mid_outage),
	KUNIT_CASE(drv_unbind_mid_outage),
	KUNIT_CASE(drv_flapping_mains_gpio_only),
	KUNIT_CASE(drv_frozen_adc_commits),
	KUNIT_CASE(drv_adc_lost_rides_on),
	KUNIT_CASE(drv_shutdown_with_adc_hung),
	KUNIT_CASE(drv_adc_props_readable_everywhere),
	KUNIT_CASE(drv_energy_full_without_readings),
	KUNIT_CASE(drv_gpio_only_coarse_capacity),
	KUNIT_CASE(drv_gpio_only_low_line_capacity),
	KUNIT_CASE(drv_store_health_and_stats),
	KUNIT_CASE(drv_divider_uv),
	KUNIT_CASE(drv_ready_at_registration),
	KUNIT_CASE(drv_gpio_property_lists),
	KUNIT_CASE(drv_adc_property_lists),
	{}
};

static struct kunit_suite gpio_ups_drv_suite = {
	.name = "gpio-ups-driver",
	.init = drv_test_init,
	.test_cases = gpio_ups_drv_cases,
};

kunit_test_suite(gpio_ups_drv_suite);

MODULE_DESCRIPTION("KUnit tests for the gpio-ups driver");
MODULE_LICENSE("GPL");
