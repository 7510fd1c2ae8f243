// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpio-ups: power supply driver for GPIO and ADC monitored UPS boards.
 *
 * The board reports "mains good" and, optionally, "backup low" on GPIO
 * lines, may let the host read the store voltage (and current) through an
 * IIO ADC, and may take a "shutdown" line from the host.  This file is the
 * thin shell: it moves data between GPIO, IIO, power_supply, the reboot
 * core and work items on one side, and the pure energy estimator
 * (gpio-ups-energy.c) and shutdown policy (gpio-ups-policy.c) on the other.
 *
 * All state is protected by gpio_ups.lock; everything runs in process
 * context (threaded IRQs and work items), so I2C GPIO expanders and ADCs
 * that sleep are fine.
 *
 * Code map:
 * - GPIO edge to state: gpio_ups_irq() -> gpio_ups_line_edge() (debounce:
 *   gpio_ups_line_work()) -> gpio_ups_line_changed_locked().
 * - ADC reading to energy: gpio_ups_sample_work() -> gpio_ups_est_update();
 *   the physics is gpio-ups-energy.c, store learning gpio-ups-learn.c.
 * - Shutdown decided: gpio_ups_evaluate_locked() -> gpio_ups_policy_step()
 *   (gpio-ups-policy.c); executed: gpio_ups_actions->poweroff, later
 *   ->emergency (gpio_ups_emergency_work()); shutdown-gpios is asserted by
 *   gpio_ups_power_down() (reboot notifier, sys-off handler).
 * - Userspace reads gpio_ups_get_property(); gpio_ups_report_locked() sends
 *   the uevents.  Kernel version differences: gpio-ups-compat.h only.
 * - A knob (e.g. min_load_microwatt): gpio-ups-policy.[ch] (enum, range,
 *   cfg field), GPIO_UPS_KNOB() here (DT name: dashes), the binding YAML,
 *   the sysfs ABI file, gpio-ups.rst, README.md, dts/ and the tests.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/iio/consumer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/power_supply.h>
#include <linux/property.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "gpio-ups.h"
#include "gpio-ups-compat.h"
#include "gpio-ups-energy.h"
#include "gpio-ups-learn.h"
#include "gpio-ups-policy.h"

#define GPIO_UPS_DEFAULT_DEBOUNCE_MS		100
#define GPIO_UPS_MAX_DEBOUNCE_MS		60000
#define GPIO_UPS_MAX_HOLD_MS			3600000
#define GPIO_UPS_MIN_SAMPLE_MS			20
#define GPIO_UPS_MAX_SAMPLE_MS			10000
/* On mains: sample while charging, and rarely once full (idle system). */
#define GPIO_UPS_MAINS_CHARGING_SAMPLE_MS	10000
#define GPIO_UPS_MAINS_FULL_SAMPLE_MS		60000
/* Consecutive ADC errors after which the estimate is dropped. */
#define GPIO_UPS_ADC_ERRORS_INVALID		3
/* A capacity-only change is reported at most this often. */
#define GPIO_UPS_CAPACITY_UEVENT_MS		1000
/* Forced power-off delay once the energy is about to run out. */
#define GPIO_UPS_EMERGENCY_FORCE_MS		1000
/* Largest charge-current-microamp */
#define GPIO_UPS_MAX_CHARGE_UA			50000000

/* capacity_level thresholds, in percent of usable energy */
#define GPIO_UPS_LEVEL_HIGH_PCT			80
#define GPIO_UPS_LEVEL_LOW_PCT			20
/* GPIO only: the capacity that stands for capacity_level Low */
#define GPIO_UPS_COARSE_LOW_PCT			10

struct gpio_ups;

/**
 * struct gpio_ups_line_desc - what the board tells through an input line
 * @con_id: GPIO consumer name: the DT property is "<con_id>-gpios"
 * @name: that DT property, for messages and the IRQ's name
 * @alarm_value: logical line value that means "alarm"
 * @optional: a board may leave the line out
 */
struct gpio_ups_line_desc {
	const char *con_id;
	const char *name;
	int alarm_value;
	bool optional;
};

static const struct gpio_ups_line_desc gpio_ups_power_good_desc = {
	.con_id = "power-good",
	.name = "power-good-gpios",
	.alarm_value = 0,	/* mains lost when deasserted */
	.optional = false,
};

static const struct gpio_ups_line_desc gpio_ups_low_battery_desc = {
	.con_id = "low-battery",
	.name = "low-battery-gpios",
	.alarm_value = 1,	/* store low when asserted */
	.optional = true,
};

/**
 * struct gpio_ups_line - one debounced input line
 * @ups: owner
 * @desc: which line it is
 * @gpiod: the line
 * @irq: its interrupt
 * @debounce_ms: an alarm (mains lost / store low) must last this long
 * @stable: debounced logical value
 * @work: debounce timer
 */
struct gpio_ups_line {
	struct gpio_ups *ups;
	const struct gpio_ups_line_desc *desc;
	struct gpio_desc *gpiod;
	int irq;
	u32 debounce_ms;
	int stable;
	struct delayed_work work;
};

/**
 * struct gpio_ups_seen - what was last reported to userspace
 * @valid: a report was made
 * @online: mains present
 * @status: POWER_SUPPLY_STATUS_*
 * @level: POWER_SUPPLY_CAPACITY_LEVEL_*
 * @pstate: policy state
 * @capacity_pct: capacity, or -1 when unknown
 * @capacity_ms: when a capacity change was last reported
 */
struct gpio_ups_seen {
	bool valid;
	bool online;
	int status;
	int level;
	enum gpio_ups_pstate pstate;
	int capacity_pct;
	u64 capacity_ms;
};

struct gpio_ups {
	struct device *dev;
	struct mutex lock;	/* protects everything below */
	bool stopped;		/* unbinding or shutting down: no new work */
	bool unbound;		/* unbinding: the emergency power-off too */
	bool untrusted_logged;	/* the policy's untrusted readings were logged */
	bool range_logged;	/* out-of-range readings were logged */

	struct gpio_ups_line power_good;
	struct gpio_ups_line low_battery;
	struct gpio_desc *shutdown_gpiod;
	bool shutdown_at_commit;
	bool shutdown_asserted;
	bool powered_down;	/* halt or power-off seen */
	struct notifier_block reboot_nb;

	struct iio_channel *chan_voltage;
	struct iio_channel *chan_current;
	u32 div_output_ohms;	/* voltage divider in front of the ADC, */
	u32 div_full_ohms;	/* 0: none (output-ohms, full-ohms) */
	u32 sample_ms;
	u32 adc_errors;		/* consecutive */
	u32 adc_errors_total;
	u64 last_sample_ms;	/* last finished ADC read, good or not */

	struct gpio_ups_store store;
	struct gpio_ups_estimator estimator;
	struct gpio_ups_policy policy;
	/* store learning, health and statistics (gpio-ups-learn.c) */
	u32 charge_ua;		/* charge-current-microamp, 0: none */
	bool learn_on;
	struct gpio_ups_learn learn;
	struct gpio_ups_health health;
	bool store_weak;	/* health: the store cannot carry a shutdown */
	u32 health_load_uw;	/* last load measured on backup */
	struct gpio_ups_stats stats;
	bool stats_started;
	u64 emergency_ms;
	bool emergency_fired;

	struct power_supply *psy;
	struct power_supply *mains_psy;
	struct power_supply_desc desc;
	struct power_supply_desc mains_desc;
	char *supplied_to[1];
	const char *label;	/* the ups supply's name; "-mains" for the other */
	const char *model_name;
	const char *manufacturer;
	struct gpio_ups_seen seen;

	struct delayed_work sample_work;
	struct delayed_work policy_work;
	struct delayed_work emergency_work;
};

static void gpio_ups_real_poweroff(struct device *dev, const char *reason)
{
	dev_crit(dev, "shutdown committed (%s): powering off\n", reason);
	orderly_poweroff(true);
}

static void gpio_ups_real_emergency(struct device *dev, const char *reason)
{
	dev_emerg(dev, "still up with the backup energy nearly gone: forcing power-off\n");
	gpio_ups_hw_protection_poweroff(reason, GPIO_UPS_EMERGENCY_FORCE_MS);
}

static const struct gpio_ups_actions gpio_ups_real_actions = {
	.poweroff = gpio_ups_real_poweroff,
	.emergency = gpio_ups_real_emergency,
};

/* Replaced by the KUnit tests only: static without CONFIG_KUNIT. */
VISIBLE_IF_KUNIT const struct gpio_ups_actions *gpio_ups_actions = &gpio_ups_real_actions;

/*
 * How a line is read and a supply registered: KUnit tests time a return of
 * mains against a read, and read the supply the moment it appears.
 */
VISIBLE_IF_KUNIT int (*gpio_ups_get_value)(const struct gpio_desc *desc) =
	gpiod_get_value_cansleep;
VISIBLE_IF_KUNIT struct power_supply *
(*gpio_ups_register_supply)(struct device *dev,
			    const struct power_supply_desc *desc,
			    const struct power_supply_config *cfg) =
	devm_power_supply_register;

static u64 gpio_ups_now_ms(void)
{
	return ktime_to_ms(ktime_get_boottime());
}

static unsigned long gpio_ups_delay(u64 when_ms, u64 now_ms)
{
	return when_ms > now_ms ? msecs_to_jiffies(min_t(u64, when_ms - now_ms,
							 U32_MAX)) : 0;
}

static bool gpio_ups_on_mains(struct gpio_ups *ups)
{
	return ups->power_good.stable != ups->power_good.desc->alarm_value;
}

static bool gpio_ups_low_battery(struct gpio_ups *ups)
{
	const struct gpio_ups_line *line = &ups->low_battery;

	return line->gpiod && line->stable == line->desc->alarm_value;
}

static const struct gpio_ups_estimate *gpio_ups_estimate(struct gpio_ups *ups)
{
	return ups->chan_voltage ? gpio_ups_est_get(&ups->estimator) : NULL;
}

static int gpio_ups_status(struct gpio_ups *ups)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);

	if (!gpio_ups_on_mains(ups))
		return POWER_SUPPLY_STATUS_DISCHARGING;
	if (est && est->energy_valid) {
		if (est->full)
			return POWER_SUPPLY_STATUS_FULL;
		/* steady below full: the charger stopped short */
		return est->charging ? POWER_SUPPLY_STATUS_CHARGING :
				       POWER_SUPPLY_STATUS_NOT_CHARGING;
	}
	/* No ADC: a low store on mains is being recharged. */
	return gpio_ups_low_battery(ups) ? POWER_SUPPLY_STATUS_CHARGING :
					   POWER_SUPPLY_STATUS_FULL;
}

static int gpio_ups_level(struct gpio_ups *ups)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);

	/* committed, or would commit now if auto_shutdown were on */
	if (ups->policy.state == GPIO_UPS_PSTATE_SHUTDOWN_PENDING ||
	    ups->policy.advice != GPIO_UPS_REASON_NONE)
		return POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL;
	if (gpio_ups_low_battery(ups))
		return POWER_SUPPLY_CAPACITY_LEVEL_LOW;
	if (!est || !est->energy_valid)
		return POWER_SUPPLY_CAPACITY_LEVEL_NORMAL;
	if (gpio_ups_on_mains(ups) && est->full)
		return POWER_SUPPLY_CAPACITY_LEVEL_FULL;
	if (est->capacity_pct >= GPIO_UPS_LEVEL_HIGH_PCT)
		return POWER_SUPPLY_CAPACITY_LEVEL_HIGH;
	if (est->capacity_pct >= GPIO_UPS_LEVEL_LOW_PCT)
		return POWER_SUPPLY_CAPACITY_LEVEL_NORMAL;
	return POWER_SUPPLY_CAPACITY_LEVEL_LOW;
}

/*
 * Send uevents for what changed since the last report: at once for
 * online/status/level/policy state, at most once a second for capacity.
 */
static void gpio_ups_report_locked(struct gpio_ups *ups, u64 now_ms)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);
	struct gpio_ups_seen *seen = &ups->seen;
	bool online = gpio_ups_on_mains(ups);
	int status = gpio_ups_status(ups);
	int level = gpio_ups_level(ups);
	int capacity = est && est->energy_valid ? est->capacity_pct : -1;
	bool changed, mains_changed;

	if (ups->stopped)
		return;

	mains_changed = !seen->valid || seen->online != online;
	changed = mains_changed || seen->status != status ||
		  seen->level != level || seen->pstate != ups->policy.state;
	if (!changed && seen->capacity_pct != capacity &&
	    now_ms >= seen->capacity_ms + GPIO_UPS_CAPACITY_UEVENT_MS)
		changed = true;
	if (!seen->valid) {
		/* The registration sent the first uevents. */
		mains_changed = false;
		changed = false;
	}

	seen->valid = true;
	seen->online = online;
	seen->status = status;
	seen->level = level;
	seen->pstate = ups->policy.state;
	if (changed) {
		seen->capacity_pct = capacity;
		seen->capacity_ms = now_ms;
		power_supply_changed(ups->psy);
	}
	if (mains_changed)
		power_supply_changed(ups->mains_psy);
}

static void gpio_ups_assert_shutdown_locked(struct gpio_ups *ups)
{
	int ret;

	if (!ups->shutdown_gpiod || ups->shutdown_asserted)
		return;
	ret = gpio_ups_gpiod_set(ups->shutdown_gpiod, 1);
	if (ret)
		dev_err(ups->dev, "cannot assert shutdown-gpios: %d\n", ret);
	else
		ups->shutdown_asserted = true;
}

/* The store's capacitance and ESR: learned, else declared. */
static u32 gpio_ups_capacitance_uf(struct gpio_ups *ups)
{
	return ups->store.learned_capacitance_uf ?
	       ups->store.learned_capacitance_uf : ups->store.capacitance_uf;
}

static u32 gpio_ups_esr_uohm(struct gpio_ups *ups)
{
	return ups->store.learned_resistance_uohm ?
	       ups->store.learned_resistance_uohm : ups->store.resistance_uohm;
}

/* A reading the estimator took: learn the store from it. */
static void gpio_ups_learn_locked(struct gpio_ups *ups,
				  const struct gpio_ups_sample *sample)
{
	u32 old_uf = gpio_ups_capacitance_uf(ups);

	if (!ups->learn_on || !gpio_ups_learn_update(&ups->learn, sample))
		return;
	/* a load measured from the energy slope scales with the capacitance */
	if (old_uf)
		ups->health_load_uw = min_t(u64, div_u64((u64)ups->health_load_uw *
							 ups->learn.capacitance_uf,
							 old_uf),
					    GPIO_UPS_MAX_POWER_UW);
	ups->store.learned_capacitance_uf = ups->learn.capacitance_uf;
	ups->store.learned_resistance_uohm = ups->learn.esr_uohm;
	gpio_ups_est_store_changed(&ups->estimator);
	dev_info(ups->dev, "store learned: %u uF (%u uF declared), ESR %u uohm\n",
		 ups->learn.capacitance_uf, ups->store.capacitance_uf,
		 ups->learn.esr_uohm);
}

/* The energy left for the statistics: estimate or dead reckoning. */
static bool gpio_ups_stats_energy(struct gpio_ups *ups, u64 now_ms,
				  u64 *energy_uj)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);
	u32 power_uw;

	if (!est)
		return false;
	if (est->energy_valid && !ups->policy.untrusted) {
		*energy_uj = est->energy_uj;
		return true;
	}
	return !gpio_ups_policy_dead_reckoning(&ups->policy, now_ms, energy_uj,
					       &power_uw);
}

/*
 * After every evaluation: the statistics, and on mains the store's health
 * (can it, from full, carry a clean shutdown at the last measured load?).
 * A change of health is a uevent; the loss of it is logged once.
 */
static void gpio_ups_track_locked(struct gpio_ups *ups, u64 now_ms)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);
	bool on_mains = gpio_ups_on_mains(ups), weak;
	struct gpio_ups_stats_input in = {
		.now_ms = now_ms,
		.on_backup = !on_mains,
		.outage_ms = ups->policy.backup_since_ms,
		.started = !ups->stats_started,
		.committed = ups->policy.state == GPIO_UPS_PSTATE_SHUTDOWN_PENDING,
	};

	in.energy_valid = gpio_ups_stats_energy(ups, now_ms, &in.energy_uj);
	gpio_ups_stats_update(&ups->stats, &in);
	ups->stats_started = true;

	if (!on_mains && est && est->power_valid && est->power_measured &&
	    !ups->policy.untrusted)
		ups->health_load_uw = max(est->power_uw, est->power_avg_uw);
	/* a store declared without ADC: its health at the declared load */
	if (!on_mains || (!est && !ups->store.nominal_load_uw))
		return;
	gpio_ups_health_check(&ups->store, &ups->policy.cfg,
			      ups->health_load_uw ? ups->health_load_uw :
						    ups->store.nominal_load_uw,
			      &ups->health);
	weak = !ups->health.ok;
	if (weak == ups->store_weak)
		return;
	ups->store_weak = weak;
	if (weak)
		dev_warn(ups->dev,
			 "the store no longer carries a clean shutdown: %llu mJ from full (%u uF, ESR %u uohm) against %llu mJ needed at %u mW (shutdown_duration_ms %u, shutdown_margin_percent %u, shutdown_load_percent %u): replace it or shorten the shutdown\n",
			 div_u64(ups->health.full_uj, 1000),
			 gpio_ups_capacitance_uf(ups), gpio_ups_esr_uohm(ups),
			 div_u64(ups->health.need_uj, 1000),
			 ups->health.load_uw / 1000,
			 ups->policy.cfg.shutdown_duration_ms,
			 ups->policy.cfg.margin_pct,
			 ups->policy.cfg.shutdown_load_pct);
	else
		dev_info(ups->dev, "the store carries a clean shutdown again\n");
	if (!ups->stopped && ups->seen.valid)
		power_supply_changed(ups->psy);
}

/* When the ADC counts as stalled: no read finished for so many intervals. */
static u64 gpio_ups_stalled_at(const struct gpio_ups *ups)
{
	return ups->last_sample_ms +
	       GPIO_UPS_POLICY_LOST_SAMPLES * ups->sample_ms;
}

/* Run the policy and act on its decision. */
static void gpio_ups_evaluate_locked(struct gpio_ups *ups, u64 now_ms)
{
	struct gpio_ups_policy_input in = {
		.now_ms = now_ms,
		.on_mains = gpio_ups_on_mains(ups),
		.low_battery = gpio_ups_low_battery(ups),
		.est = gpio_ups_estimate(ups),
	};
	struct gpio_ups_decision decision;

	if (ups->stopped)
		return;

	gpio_ups_policy_step(&ups->policy, &in, &decision);
	if (ups->policy.untrusted != ups->untrusted_logged) {
		ups->untrusted_logged = ups->policy.untrusted;
		if (ups->untrusted_logged)
			dev_warn(ups->dev,
				 "ADC readings do not follow the store (it drains less than min_load_microwatt allows): ignored for the rest of the outage, energy dead-reckoned (adc_status: implausible)\n");
	}

	if (decision.commit) {
		const char *reason = gpio_ups_reason_name(ups->policy.reason);

		if (ups->shutdown_at_commit)
			gpio_ups_assert_shutdown_locked(ups);
		gpio_ups_actions->poweroff(ups->dev, reason);
	}
	/* re-armed as readings move the deadline, but it fires only once */
	if (decision.emergency_ms != GPIO_UPS_NEVER && decision.emergency_ms != ups->emergency_ms &&
	    !ups->emergency_fired) {
		ups->emergency_ms = decision.emergency_ms;
		mod_delayed_work(system_wq, &ups->emergency_work,
				 gpio_ups_delay(decision.emergency_ms, now_ms));
	}
	/*
	 * On backup, also step the policy if the ADC stops answering (an
	 * I2C read that hangs instead of failing), so that it falls back to
	 * dead reckoning and the fallback timer.
	 */
	if (ups->chan_voltage && ups->policy.state == GPIO_UPS_PSTATE_ON_BACKUP)
		decision.next_eval_ms = min(decision.next_eval_ms,
					    max(gpio_ups_stalled_at(ups),
						now_ms + ups->sample_ms));
	if (decision.next_eval_ms != GPIO_UPS_NEVER)
		mod_delayed_work(system_wq, &ups->policy_work,
				 gpio_ups_delay(decision.next_eval_ms, now_ms));
	else
		cancel_delayed_work(&ups->policy_work);

	gpio_ups_track_locked(ups, now_ms);
	gpio_ups_report_locked(ups, now_ms);
}

static void gpio_ups_schedule_sample_locked(struct gpio_ups *ups,
					    unsigned long delay)
{
	if (ups->chan_voltage && !ups->stopped)
		mod_delayed_work(system_freezable_power_efficient_wq,
				 &ups->sample_work, delay);
}

static void gpio_ups_line_changed_locked(struct gpio_ups_line *line, u64 now_ms)
{
	struct gpio_ups *ups = line->ups;

	if (line == &ups->power_good) {
		bool on_mains = gpio_ups_on_mains(ups);

		dev_info(ups->dev, "mains %s\n", on_mains ? "restored" : "lost");
		if (ups->chan_voltage)
			gpio_ups_est_mains_changed(&ups->estimator, on_mains, now_ms);
		/* the stall watch starts now, not at the last slow sample */
		ups->last_sample_ms = now_ms;
		/* One sample at every transition. */
		gpio_ups_schedule_sample_locked(ups, 0);
	} else {
		dev_info(ups->dev, "backup store %s\n",
			 gpio_ups_low_battery(ups) ? "low" : "no longer low");
	}
	gpio_ups_evaluate_locked(ups, now_ms);
}

/* The line's logical value, or a negative error (logged, rate-limited). */
static int gpio_ups_line_read(struct gpio_ups_line *line)
{
	int value = gpio_ups_get_value(line->gpiod);

	if (value < 0)
		dev_warn_ratelimited(line->ups->dev, "cannot read %s: %d\n",
				     line->desc->name, value);
	return value;
}

/* Log once when the readings turn impossible for the store, and back. */
static void gpio_ups_log_range_locked(struct gpio_ups *ups, s32 uv)
{
	bool bad = gpio_ups_est_get(&ups->estimator)->out_of_range;

	if (bad == ups->range_logged)
		return;
	ups->range_logged = bad;
	if (bad)
		dev_warn(ups->dev,
			 "ADC reads %d uV, impossible for a store of voltage-max-design-microvolt %u: check the divider (output-ohms, full-ohms) and io-channels; readings ignored, an outage commits at once (adc_status: implausible)\n",
			 uv, ups->store.voltage_max_uv);
	else
		dev_info(ups->dev, "ADC readings are within the store's range again\n");
}

/*
 * An edge: an alarm (mains lost, store low) is reported once it has lasted
 * debounce_ms; its end is reported at once.  A bounce back to the stable
 * value cancels a pending alarm, so glitches produce no uevent at all.
 */
static void gpio_ups_line_edge(struct gpio_ups_line *line)
{
	struct gpio_ups *ups = line->ups;
	int value;

	if (!line->gpiod)	/* optional line not wired */
		return;

	/*
	 * Read under the lock: a value read outside it could be overtaken by
	 * a later edge's handler and then overwrite the newer state.
	 */
	mutex_lock(&ups->lock);
	value = gpio_ups_line_read(line);
	if (ups->stopped || value < 0)
		goto out;
	if (value == line->stable) {
		cancel_delayed_work(&line->work);
	} else if (value == line->desc->alarm_value && line->debounce_ms) {
		mod_delayed_work(system_wq, &line->work,
				 msecs_to_jiffies(line->debounce_ms));
	} else {
		cancel_delayed_work(&line->work);
		line->stable = value;
		gpio_ups_line_changed_locked(line, gpio_ups_now_ms());
	}
out:
	mutex_unlock(&ups->lock);
}

static irqreturn_t gpio_ups_irq(int irq, void *data)
{
	gpio_ups_line_edge(data);
	return IRQ_HANDLED;
}

static void gpio_ups_line_work(struct work_struct *work)
{
	struct gpio_ups_line *line = container_of(to_delayed_work(work),
						  struct gpio_ups_line, work);
	struct gpio_ups *ups = line->ups;
	int value;

	mutex_lock(&ups->lock);
	value = gpio_ups_line_read(line);	/* under the lock, see above */
	if (!ups->stopped && value >= 0 && value != line->stable) {
		line->stable = value;
		gpio_ups_line_changed_locked(line, gpio_ups_now_ms());
	}
	mutex_unlock(&ups->lock);
}

/**
 * gpio_ups_divider_uv() - store voltage from the voltage at the ADC input
 * @adc_uv: voltage measured across the divider's output resistor
 * @output_ohms: that resistor (output-ohms), 0 when there is no divider
 * @full_ohms: the divider's total resistance (full-ohms)
 *
 * The same ratio as the voltage-divider binding's, applied without the IIO
 * rescaler (CONFIG_IIO_RESCALE, which stock Raspberry Pi kernels lack).
 *
 * Return: @adc_uv * @full_ohms / @output_ohms, clamped to the int range.
 */
VISIBLE_IF_KUNIT int gpio_ups_divider_uv(int adc_uv, u32 output_ohms, u32 full_ohms)
{
	s64 uv;

	if (!output_ohms)
		return adc_uv;
	uv = div_s64((s64)adc_uv * full_ohms, output_ohms);
	return clamp_t(s64, uv, INT_MIN, INT_MAX);
}

static unsigned long gpio_ups_next_sample_locked(struct gpio_ups *ups)
{
	const struct gpio_ups_estimate *est = gpio_ups_est_get(&ups->estimator);

	if (!gpio_ups_on_mains(ups))
		return msecs_to_jiffies(ups->sample_ms);
	if (ups->learn_on && gpio_ups_learn_charging(&ups->learn))
		return msecs_to_jiffies(GPIO_UPS_LEARN_SAMPLE_MS);
	if (est->energy_valid && est->full)
		return msecs_to_jiffies(GPIO_UPS_MAINS_FULL_SAMPLE_MS);
	return msecs_to_jiffies(GPIO_UPS_MAINS_CHARGING_SAMPLE_MS);
}

static void gpio_ups_sample_work(struct work_struct *work)
{
	struct gpio_ups *ups = container_of(to_delayed_work(work),
					    struct gpio_ups, sample_work);
	struct gpio_ups_sample sample = { };
	int adc_uv = 0, adc_ua = 0, ret, current_ret = 0;

	/* The ADC may sleep (I2C): read it outside the lock. */
	ret = gpio_ups_iio_read_processed_scale(ups->chan_voltage, &adc_uv, 1000);
	if (!ret && ups->chan_current)
		current_ret = gpio_ups_iio_read_processed_scale(ups->chan_current,
								&adc_ua, 1000);
	/* the reading'sample time, not when the lock was free */
	sample.time_ms = gpio_ups_now_ms();

	mutex_lock(&ups->lock);
	if (ups->stopped)
		goto out;

	sample.on_mains = gpio_ups_on_mains(ups);
	ups->last_sample_ms = sample.time_ms;
	if (ret < 0) {
		ups->adc_errors_total++;
		if (++ups->adc_errors == GPIO_UPS_ADC_ERRORS_INVALID) {
			dev_warn(ups->dev,
				 "ADC read failing (%d): no energy estimate until it recovers\n",
				 ret);
			gpio_ups_est_invalidate(&ups->estimator);
		}
	} else {
		if (ups->adc_errors >= GPIO_UPS_ADC_ERRORS_INVALID)
			dev_info(ups->dev, "ADC readings are back\n");
		ups->adc_errors = 0;
		sample.voltage_valid = true;
		sample.voltage_uv = gpio_ups_divider_uv(adc_uv,
							ups->div_output_ohms,
							ups->div_full_ohms);
		if (ups->chan_current && !current_ret) {
			sample.current_valid = true;
			sample.current_ua = adc_ua;
		}
		if (!gpio_ups_est_update(&ups->estimator, &sample))
			gpio_ups_learn_locked(ups, &sample);
		gpio_ups_log_range_locked(ups, sample.voltage_uv);
	}
	gpio_ups_evaluate_locked(ups, gpio_ups_now_ms());
	gpio_ups_schedule_sample_locked(ups, gpio_ups_next_sample_locked(ups));
out:
	mutex_unlock(&ups->lock);
}

static void gpio_ups_policy_work(struct work_struct *work)
{
	struct gpio_ups *ups = container_of(to_delayed_work(work),
					    struct gpio_ups, policy_work);

	mutex_lock(&ups->lock);
	gpio_ups_evaluate_locked(ups, gpio_ups_now_ms());
	mutex_unlock(&ups->lock);
}

static void gpio_ups_emergency_work(struct work_struct *work)
{
	struct gpio_ups *ups = container_of(to_delayed_work(work),
					    struct gpio_ups, emergency_work);
	const char *reason;

	/* still armed after .shutdown: the power-off itself may stall */
	mutex_lock(&ups->lock);
	if (ups->unbound || ups->emergency_fired ||
	    ups->policy.state != GPIO_UPS_PSTATE_SHUTDOWN_PENDING) {
		mutex_unlock(&ups->lock);
		return;
	}
	ups->emergency_fired = true;
	reason = gpio_ups_reason_name(ups->policy.reason);
	mutex_unlock(&ups->lock);

	gpio_ups_actions->emergency(ups->dev, reason);
}

/**
 * gpio_ups_shutdown_line_wanted() - does a system transition assert shutdown-gpios?
 * @code: the reboot notifier's event: SYS_RESTART, SYS_HALT or SYS_POWER_OFF
 *
 * The UPS is told to cut power when the system powers off and when it
 * halts (a "poweroff" without a power-off driver ends in halt: with mains
 * back, the host would sit halted for good), never on restart.
 *
 * Return: true for SYS_HALT and SYS_POWER_OFF.
 */
VISIBLE_IF_KUNIT bool gpio_ups_shutdown_line_wanted(unsigned long code)
{
	return code == SYS_HALT || code == SYS_POWER_OFF;
}

/* Tell the UPS to cut power: the line stays asserted until it does. */
static void gpio_ups_power_down(struct gpio_ups *ups)
{
	struct gpio_ups_shutdown_stats shutdown_stats;
	u64 now_ms;

	mutex_lock(&ups->lock);
	if (ups->powered_down)	/* the notifier, then the sys-off handler */
		goto out;
	ups->powered_down = true;
	now_ms = gpio_ups_now_ms();
	gpio_ups_assert_shutdown_locked(ups);
	/* what this host's shutdown takes, for shutdown_* tuning */
	if (!gpio_ups_policy_shutdown_stats(&ups->policy, &shutdown_stats))
		dev_info(ups->dev,
			 "power-off %llu ms after the commit; the shutdown drew %u mW, %u%% of the %u mW the commit was decided on (shutdown_duration_ms, shutdown_load_percent)\n",
			 now_ms - ups->policy.commit_ms, shutdown_stats.power_uw / 1000,
			 shutdown_stats.load_pct, shutdown_stats.commit_power_uw / 1000);
out:
	mutex_unlock(&ups->lock);
}

/**
 * gpio_ups_reboot_event() - the system halts, powers off or restarts
 * @ups: driver state
 * @code: SYS_RESTART, SYS_HALT or SYS_POWER_OFF
 *
 * Called from the reboot notifier (every kernel, before device_shutdown())
 * and, as SYS_POWER_OFF, from the power-off preparation handler (5.19 on):
 * asserts shutdown-gpios when gpio_ups_shutdown_line_wanted() says so.
 * After a commit taken on an energy figure it also logs how long the
 * shutdown took and what it drew.
 *
 * Return: NOTIFY_DONE.
 */
VISIBLE_IF_KUNIT int gpio_ups_reboot_event(struct gpio_ups *ups, unsigned long code)
{
	if (gpio_ups_shutdown_line_wanted(code))
		gpio_ups_power_down(ups);
	return NOTIFY_DONE;
}

static int gpio_ups_reboot_notify(struct notifier_block *nb,
				  unsigned long code, void *cmd)
{
	return gpio_ups_reboot_event(container_of(nb, struct gpio_ups, reboot_nb),
				     code);
}

/**
 * gpio_ups_sys_off() - power-off preparation: tell the UPS to cut power
 * @data: sys-off data; cb_data is the driver state
 *
 * Registered for SYS_OFF_MODE_POWER_OFF_PREPARE (5.19 on), so it runs on
 * every power-off, whoever started it, and never on restart; the reboot
 * notifier has usually asserted the line already.
 *
 * Return: NOTIFY_DONE.
 */
VISIBLE_IF_KUNIT int gpio_ups_sys_off(struct sys_off_data *data)
{
	return gpio_ups_reboot_event(data->cb_data, SYS_POWER_OFF);
}

/* An energy in uWh, as power_supply reports it. */
static int gpio_ups_uwh_prop(u64 energy_uj)
{
	return min_t(u64, gpio_ups_uj_to_uwh(energy_uj), INT_MAX);
}

/*
 * On backup with the readings lost or untrusted, the energy figures are
 * the policy's dead reckoning: what the shutdown is decided on.
 * Return: 0 with @val set, -ENODATA when there is none yet, -EAGAIN when
 * the estimator's figures apply.
 */
static int gpio_ups_get_reckoned(struct gpio_ups *ups,
				 const struct gpio_ups_estimate *est,
				 enum power_supply_property psp,
				 union power_supply_propval *val)
{
	u64 energy_uj;
	u32 power_uw;

	if (!est || gpio_ups_on_mains(ups) ||
	    (est->energy_valid && !ups->policy.untrusted))
		return -EAGAIN;
	if (psp != POWER_SUPPLY_PROP_CAPACITY &&
	    psp != POWER_SUPPLY_PROP_ENERGY_NOW &&
	    psp != POWER_SUPPLY_PROP_POWER_NOW &&
	    psp != POWER_SUPPLY_PROP_POWER_AVG)
		return -EAGAIN;
	if (gpio_ups_policy_dead_reckoning(&ups->policy, gpio_ups_now_ms(),
					   &energy_uj, &power_uw) || !power_uw)
		return -ENODATA;

	switch (psp) {
	case POWER_SUPPLY_PROP_CAPACITY:
		val->intval = est->energy_full_uj ?
			div64_u64(min(energy_uj, est->energy_full_uj) * 100,
				  est->energy_full_uj) : 0;
		break;
	case POWER_SUPPLY_PROP_ENERGY_NOW:
		val->intval = gpio_ups_uwh_prop(energy_uj);
		break;
	default:	/* power, now and average */
		val->intval = min_t(u32, power_uw, INT_MAX);
		break;
	}
	return 0;
}

/*
 * GPIO only: no energy is measured, so the capacity is the coarse level the
 * lines and the policy give, in three steps: 0 once the driver commits (or
 * would, with auto_shutdown 0), a low figure while the low-battery line is
 * asserted, 100 otherwise (the store is above its low mark).
 */
static int gpio_ups_coarse_capacity(struct gpio_ups *ups)
{
	switch (gpio_ups_level(ups)) {
	case POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL:
		return 0;
	case POWER_SUPPLY_CAPACITY_LEVEL_LOW:
		return GPIO_UPS_COARSE_LOW_PCT;
	default:
		return 100;
	}
}

/* Usable energy when full as declared, whatever was learned since. */
static u64 gpio_ups_design_full_uj(struct gpio_ups *ups)
{
	struct gpio_ups_store design = ups->store;

	design.learned_capacitance_uf = 0;
	design.learned_resistance_uohm = 0;
	return gpio_ups_energy_full_uj(&design);
}

/* State of health: learned capacitance in percent of the declared one. */
static int gpio_ups_soh_pct(struct gpio_ups *ups)
{
	const struct gpio_ups_store *store = &ups->store;

	if (!store->capacitance_uf || !store->learned_capacitance_uf)
		return 100;
	return div_u64((u64)store->learned_capacitance_uf * 100 +
		       store->capacitance_uf / 2, store->capacitance_uf);
}

/*
 * Where a property of the ups supply comes from: the lines and the policy
 * (known in every state), the store's description (declared or learned),
 * or the readings (the estimate, or the dead reckoning on backup).
 */
enum gpio_ups_prop_from {
	GPIO_UPS_FROM_READINGS,
	GPIO_UPS_FROM_STATE,
	GPIO_UPS_FROM_STORE,
};

static const struct {
	enum power_supply_property psp;
	enum gpio_ups_prop_from from;
} gpio_ups_prop_from_table[] = {
	{ POWER_SUPPLY_PROP_STATUS,		GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_PRESENT,		GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_CAPACITY_LEVEL,	GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_SCOPE,		GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_MODEL_NAME,		GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_MANUFACTURER,	GPIO_UPS_FROM_STATE },
	{ POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN,	GPIO_UPS_FROM_STORE },
	{ POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN,	GPIO_UPS_FROM_STORE },
	{ POWER_SUPPLY_PROP_ENERGY_FULL,	GPIO_UPS_FROM_STORE },
	{ POWER_SUPPLY_PROP_ENERGY_FULL_DESIGN,	GPIO_UPS_FROM_STORE },
	{ POWER_SUPPLY_PROP_ENERGY_EMPTY,	GPIO_UPS_FROM_STORE },
	{ POWER_SUPPLY_PROP_HEALTH,		GPIO_UPS_FROM_STORE },
	{ GPIO_UPS_PROP_STATE_OF_HEALTH,	GPIO_UPS_FROM_STORE },
	{ GPIO_UPS_PROP_INTERNAL_RESISTANCE,	GPIO_UPS_FROM_STORE },
	/* anything else (voltage_now, capacity, energy_now, power) is read */
};

static enum gpio_ups_prop_from gpio_ups_prop_from(struct gpio_ups *ups,
						  enum power_supply_property psp)
{
	unsigned int i;

	/* GPIO only: the capacity is the coarse level of the lines */
	if (psp == POWER_SUPPLY_PROP_CAPACITY && !ups->chan_voltage)
		return GPIO_UPS_FROM_STATE;
	/* on mains the store feeds nothing: no sample needed */
	if ((psp == POWER_SUPPLY_PROP_POWER_NOW ||
	     psp == POWER_SUPPLY_PROP_POWER_AVG) && gpio_ups_on_mains(ups))
		return GPIO_UPS_FROM_STATE;
	for (i = 0; i < ARRAY_SIZE(gpio_ups_prop_from_table); i++)
		if (gpio_ups_prop_from_table[i].psp == psp)
			return gpio_ups_prop_from_table[i].from;
	return GPIO_UPS_FROM_READINGS;
}

static int gpio_ups_get_state_prop(struct gpio_ups *ups,
				   enum power_supply_property psp,
				   union power_supply_propval *val)
{
	switch (psp) {
	case POWER_SUPPLY_PROP_STATUS:
		val->intval = gpio_ups_status(ups);
		return 0;
	case POWER_SUPPLY_PROP_PRESENT:
		val->intval = 1;
		return 0;
	case POWER_SUPPLY_PROP_CAPACITY_LEVEL:
		val->intval = gpio_ups_level(ups);
		return 0;
	case POWER_SUPPLY_PROP_CAPACITY:
		val->intval = gpio_ups_coarse_capacity(ups);
		return 0;
	case POWER_SUPPLY_PROP_POWER_NOW:
	case POWER_SUPPLY_PROP_POWER_AVG:
		val->intval = 0;
		return 0;
	case POWER_SUPPLY_PROP_SCOPE:
		val->intval = POWER_SUPPLY_SCOPE_SYSTEM;
		return 0;
	case POWER_SUPPLY_PROP_MODEL_NAME:
		val->strval = ups->model_name;
		return 0;
	case POWER_SUPPLY_PROP_MANUFACTURER:
		val->strval = ups->manufacturer;
		return 0;
	default:
		return -EINVAL;
	}
}

static int gpio_ups_get_store_prop(struct gpio_ups *ups,
				   enum power_supply_property psp,
				   union power_supply_propval *val)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);

	switch (psp) {
	case POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN:
		val->intval = ups->store.voltage_min_uv;
		return 0;
	case POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN:
		val->intval = ups->store.voltage_max_uv;
		return 0;
	case POWER_SUPPLY_PROP_ENERGY_FULL:
		/* the estimator's figure, else the design: never missing */
		val->intval = gpio_ups_uwh_prop(est && est->energy_full_uj ?
						est->energy_full_uj :
						gpio_ups_energy_full_uj(&ups->store));
		return 0;
	case POWER_SUPPLY_PROP_ENERGY_FULL_DESIGN:
		val->intval = gpio_ups_uwh_prop(gpio_ups_design_full_uj(ups));
		return 0;
	case POWER_SUPPLY_PROP_ENERGY_EMPTY:
		val->intval = 0;
		return 0;
	case POWER_SUPPLY_PROP_HEALTH:
		val->intval = ups->store_weak ? POWER_SUPPLY_HEALTH_DEAD :
						POWER_SUPPLY_HEALTH_GOOD;
		return 0;
	default:	/* state of health, internal resistance (6.18 on) */
		return gpio_ups_compat_health_prop(psp, gpio_ups_soh_pct(ups),
						   gpio_ups_esr_uohm(ups), val);
	}
}

/*
 * The readings: on backup with them lost or untrusted the dead reckoning,
 * else the estimate; -ENODATA until it is known.
 */
static int gpio_ups_get_read_prop(struct gpio_ups *ups,
				  enum power_supply_property psp,
				  union power_supply_propval *val)
{
	const struct gpio_ups_estimate *est = gpio_ups_estimate(ups);
	int ret = gpio_ups_get_reckoned(ups, est, psp, val);

	if (ret != -EAGAIN)
		return ret;
	if (!est || !est->energy_valid)
		return -ENODATA;

	switch (psp) {
	case POWER_SUPPLY_PROP_VOLTAGE_NOW:
		val->intval = est->voltage_uv;
		return 0;
	case POWER_SUPPLY_PROP_CAPACITY:
		val->intval = est->capacity_pct;
		return 0;
	case POWER_SUPPLY_PROP_ENERGY_NOW:
		val->intval = gpio_ups_uwh_prop(est->energy_uj);
		return 0;
	case POWER_SUPPLY_PROP_POWER_NOW:	/* on backup: see above */
		if (!est->power_valid)
			return -ENODATA;
		val->intval = est->power_uw;
		return 0;
	case POWER_SUPPLY_PROP_POWER_AVG:
		if (!est->power_valid)
			return -ENODATA;
		val->intval = est->power_avg_uw;
		return 0;
	default:
		return -EINVAL;
	}
}

static int gpio_ups_get_property(struct power_supply *psy,
				 enum power_supply_property psp,
				 union power_supply_propval *val)
{
	struct gpio_ups *ups = power_supply_get_drvdata(psy);
	int ret;

	mutex_lock(&ups->lock);
	switch (gpio_ups_prop_from(ups, psp)) {
	case GPIO_UPS_FROM_STATE:
		ret = gpio_ups_get_state_prop(ups, psp, val);
		break;
	case GPIO_UPS_FROM_STORE:
		ret = gpio_ups_get_store_prop(ups, psp, val);
		break;
	default:
		ret = gpio_ups_get_read_prop(ups, psp, val);
		break;
	}
	mutex_unlock(&ups->lock);
	return ret;
}

static int gpio_ups_mains_get_property(struct power_supply *psy,
				       enum power_supply_property psp,
				       union power_supply_propval *val)
{
	struct gpio_ups *ups = power_supply_get_drvdata(psy);

	switch (psp) {
	case POWER_SUPPLY_PROP_ONLINE:
		mutex_lock(&ups->lock);
		val->intval = gpio_ups_on_mains(ups);
		mutex_unlock(&ups->lock);
		return 0;
	case POWER_SUPPLY_PROP_SCOPE:
		val->intval = POWER_SUPPLY_SCOPE_SYSTEM;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Every listed property has a value in every state, so that readers that
 * give up on a failed read (node_exporter) see the supply; -ENODATA is left
 * for the moments with no reading at all (before the first ADC sample, the
 * first fit of an outage, an ADC that fails on mains).  Time to empty and
 * to full are not listed: they are energy_now / power_now (what UPower
 * computes itself), and neither is known on mains or on backup
 * respectively.  See Documentation/ABI/testing/sysfs-class-power-gpio-ups.
 */
static const enum power_supply_property gpio_ups_gpio_props[] = {
	POWER_SUPPLY_PROP_STATUS,
	POWER_SUPPLY_PROP_PRESENT,
	POWER_SUPPLY_PROP_CAPACITY_LEVEL,
	POWER_SUPPLY_PROP_CAPACITY,
	POWER_SUPPLY_PROP_SCOPE,
	POWER_SUPPLY_PROP_MODEL_NAME,
	POWER_SUPPLY_PROP_MANUFACTURER,
};

static const enum power_supply_property gpio_ups_adc_props[] = {
	POWER_SUPPLY_PROP_STATUS,
	POWER_SUPPLY_PROP_PRESENT,
	POWER_SUPPLY_PROP_CAPACITY_LEVEL,
	POWER_SUPPLY_PROP_SCOPE,
	POWER_SUPPLY_PROP_MODEL_NAME,
	POWER_SUPPLY_PROP_MANUFACTURER,
	POWER_SUPPLY_PROP_VOLTAGE_NOW,
	POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN,
	POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN,
	POWER_SUPPLY_PROP_CAPACITY,
	POWER_SUPPLY_PROP_ENERGY_NOW,
	POWER_SUPPLY_PROP_ENERGY_FULL,
	POWER_SUPPLY_PROP_ENERGY_FULL_DESIGN,
	POWER_SUPPLY_PROP_ENERGY_EMPTY,
	POWER_SUPPLY_PROP_POWER_NOW,
	POWER_SUPPLY_PROP_POWER_AVG,
	POWER_SUPPLY_PROP_HEALTH,
	/* last: not registered before 6.18 (gpio-ups-compat.h) */
	GPIO_UPS_PROP_STATE_OF_HEALTH,
	GPIO_UPS_PROP_INTERNAL_RESISTANCE,
};

static const enum power_supply_property gpio_ups_mains_props[] = {
	POWER_SUPPLY_PROP_ONLINE,
	POWER_SUPPLY_PROP_SCOPE,
};

/* Extra sysfs attributes on the ups supply: the shutdown policy. */

static struct gpio_ups *gpio_ups_from_attr_dev(struct device *dev)
{
	return power_supply_get_drvdata(dev_get_drvdata(dev));
}

enum gpio_ups_info {
	GPIO_UPS_INFO_POLICY_STATE,
	GPIO_UPS_INFO_SHUTDOWN_REASON,
	GPIO_UPS_INFO_ADC_ERRORS,
	GPIO_UPS_INFO_REJECTED,
	GPIO_UPS_INFO_ADC_STATUS,
	GPIO_UPS_INFO_CAPACITANCE,
	GPIO_UPS_INFO_ESR,
	GPIO_UPS_INFO_LEARN_STATUS,
	GPIO_UPS_INFO_TRANSFERS,
	GPIO_UPS_INFO_BACKUP_TOTAL,
	GPIO_UPS_INFO_BACKUP_LAST,
	GPIO_UPS_INFO_LAST_TRANSFER,
	GPIO_UPS_INFO_OUTAGE_ENERGY,
	GPIO_UPS_INFO_COMMIT_ENERGY,
};

/* What the ADC's readings are worth now (the adc_status attribute). */
static const char *gpio_ups_adc_status(struct gpio_ups *ups, u64 now_ms)
{
	if (!ups->chan_voltage)
		return "none";
	if (ups->policy.untrusted || gpio_ups_est_get(&ups->estimator)->out_of_range)
		return "implausible";
	if (ups->adc_errors >= GPIO_UPS_ADC_ERRORS_INVALID)
		return "failing";
	if (!gpio_ups_on_mains(ups) && now_ms > gpio_ups_stalled_at(ups))
		return "stalled";
	return "ok";
}

/* The learned store and the outage statistics (0 while unknown). */
static ssize_t gpio_ups_store_info_show(struct gpio_ups *ups,
					enum gpio_ups_info info, char *buf)
{
	const struct gpio_ups_stats *stats = &ups->stats;

	switch (info) {
	case GPIO_UPS_INFO_CAPACITANCE:
		return sysfs_emit(buf, "%u\n", gpio_ups_capacitance_uf(ups));
	case GPIO_UPS_INFO_ESR:
		return sysfs_emit(buf, "%u\n", gpio_ups_esr_uohm(ups));
	case GPIO_UPS_INFO_LEARN_STATUS:
		if (!ups->learn_on)
			return sysfs_emit(buf, "off\n");
		return sysfs_emit(buf, "%u %s %u %s\n", ups->learn.c_updates,
				  gpio_ups_learn_result_name(ups->learn.c_result),
				  ups->learn.esr_updates,
				  gpio_ups_learn_result_name(ups->learn.esr_result));
	case GPIO_UPS_INFO_TRANSFERS:
		return sysfs_emit(buf, "%u\n", stats->transfers);
	case GPIO_UPS_INFO_BACKUP_TOTAL:
		return sysfs_emit(buf, "%llu\n", stats->backup_total_ms);
	case GPIO_UPS_INFO_BACKUP_LAST:
		return sysfs_emit(buf, "%llu\n", stats->backup_last_ms);
	case GPIO_UPS_INFO_LAST_TRANSFER:
		return sysfs_emit(buf, "%s\n",
				  gpio_ups_xfer_reason_name(stats->last_reason));
	case GPIO_UPS_INFO_OUTAGE_ENERGY:
		return sysfs_emit(buf, "%llu\n", stats->drawn_valid ?
				  gpio_ups_uj_to_uwh(stats->drawn_uj) : 0);
	case GPIO_UPS_INFO_COMMIT_ENERGY:
		return sysfs_emit(buf, "%llu\n", stats->commit_valid ?
				  gpio_ups_uj_to_uwh(stats->commit_uj) : 0);
	default:
		return -EINVAL;
	}
}

/**
 * struct gpio_ups_info_attr - a read-only policy/diagnostic attribute
 * @attr: the attribute
 * @info: what it shows
 */
struct gpio_ups_info_attr {
	struct device_attribute attr;
	enum gpio_ups_info info;
};

static ssize_t gpio_ups_info_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct gpio_ups_info_attr *info_attr = container_of(attr, struct gpio_ups_info_attr, attr);
	struct gpio_ups *ups = gpio_ups_from_attr_dev(dev);
	const struct gpio_ups_policy *policy = &ups->policy;
	ssize_t len = -EINVAL;

	mutex_lock(&ups->lock);
	switch (info_attr->info) {
	case GPIO_UPS_INFO_POLICY_STATE:
		len = sysfs_emit(buf, "%s\n", gpio_ups_pstate_name(policy->state));
		break;
	case GPIO_UPS_INFO_SHUTDOWN_REASON:
		/* the commit's reason, or what would commit with auto_shutdown 0 */
		len = sysfs_emit(buf, "%s\n", gpio_ups_reason_name(policy->state ==
						GPIO_UPS_PSTATE_SHUTDOWN_PENDING ?
						policy->reason : policy->advice));
		break;
	case GPIO_UPS_INFO_ADC_ERRORS:
		len = sysfs_emit(buf, "%u\n", ups->adc_errors_total);
		break;
	case GPIO_UPS_INFO_REJECTED:
		len = sysfs_emit(buf, "%u\n", ups->estimator.rejected);
		break;
	case GPIO_UPS_INFO_ADC_STATUS:
		len = sysfs_emit(buf, "%s\n",
				 gpio_ups_adc_status(ups, gpio_ups_now_ms()));
		break;
	default:
		len = gpio_ups_store_info_show(ups, info_attr->info, buf);
		break;
	}
	mutex_unlock(&ups->lock);
	return len;
}

#define GPIO_UPS_INFO(_name, _info)					\
	static struct gpio_ups_info_attr gpio_ups_attr_##_name = {	\
		.attr = __ATTR(_name, 0444, gpio_ups_info_show, NULL),	\
		.info = _info,						\
	}

GPIO_UPS_INFO(policy_state, GPIO_UPS_INFO_POLICY_STATE);
GPIO_UPS_INFO(shutdown_reason, GPIO_UPS_INFO_SHUTDOWN_REASON);
GPIO_UPS_INFO(adc_errors, GPIO_UPS_INFO_ADC_ERRORS);
GPIO_UPS_INFO(rejected_samples, GPIO_UPS_INFO_REJECTED);
GPIO_UPS_INFO(adc_status, GPIO_UPS_INFO_ADC_STATUS);
GPIO_UPS_INFO(capacitance_uf, GPIO_UPS_INFO_CAPACITANCE);
GPIO_UPS_INFO(esr_uohm, GPIO_UPS_INFO_ESR);
GPIO_UPS_INFO(learn_status, GPIO_UPS_INFO_LEARN_STATUS);
GPIO_UPS_INFO(transfers, GPIO_UPS_INFO_TRANSFERS);
GPIO_UPS_INFO(backup_time_total_ms, GPIO_UPS_INFO_BACKUP_TOTAL);
GPIO_UPS_INFO(backup_time_last_ms, GPIO_UPS_INFO_BACKUP_LAST);
GPIO_UPS_INFO(last_transfer_reason, GPIO_UPS_INFO_LAST_TRANSFER);
GPIO_UPS_INFO(last_outage_energy_uwh, GPIO_UPS_INFO_OUTAGE_ENERGY);
GPIO_UPS_INFO(commit_energy_uwh, GPIO_UPS_INFO_COMMIT_ENERGY);

/**
 * struct gpio_ups_knob_attr - a policy knob as a sysfs attribute
 * @attr: the attribute
 * @knob: which knob
 */
struct gpio_ups_knob_attr {
	struct device_attribute attr;
	enum gpio_ups_knob knob;
};

static ssize_t gpio_ups_knob_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct gpio_ups_knob_attr *knob_attr = container_of(attr, struct gpio_ups_knob_attr, attr);
	struct gpio_ups *ups = gpio_ups_from_attr_dev(dev);
	u32 value;

	mutex_lock(&ups->lock);
	value = gpio_ups_policy_get(&ups->policy, knob_attr->knob);
	mutex_unlock(&ups->lock);
	return sysfs_emit(buf, "%u\n", value);
}

static ssize_t gpio_ups_knob_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct gpio_ups_knob_attr *knob_attr = container_of(attr, struct gpio_ups_knob_attr, attr);
	struct gpio_ups *ups = gpio_ups_from_attr_dev(dev);
	u32 value;
	int ret;

	ret = kstrtou32(buf, 0, &value);
	if (ret)
		return ret;

	mutex_lock(&ups->lock);
	ret = gpio_ups_policy_set(&ups->policy, knob_attr->knob, value);
	if (!ret)
		gpio_ups_evaluate_locked(ups, gpio_ups_now_ms());
	mutex_unlock(&ups->lock);
	return ret ? ret : count;
}

#define GPIO_UPS_KNOB(_name, _knob)					\
	static struct gpio_ups_knob_attr gpio_ups_attr_##_name = {	\
		.attr = __ATTR(_name, 0644, gpio_ups_knob_show,		\
			       gpio_ups_knob_store),			\
		.knob = _knob,						\
	}

GPIO_UPS_KNOB(auto_shutdown, GPIO_UPS_KNOB_AUTO_SHUTDOWN);
GPIO_UPS_KNOB(shutdown_duration_ms, GPIO_UPS_KNOB_SHUTDOWN_DURATION_MS);
GPIO_UPS_KNOB(shutdown_margin_percent, GPIO_UPS_KNOB_MARGIN_PCT);
GPIO_UPS_KNOB(shutdown_load_percent, GPIO_UPS_KNOB_SHUTDOWN_LOAD_PCT);
GPIO_UPS_KNOB(shutdown_capacity_percent, GPIO_UPS_KNOB_SHUTDOWN_CAPACITY_PCT);
GPIO_UPS_KNOB(shutdown_runtime_sec, GPIO_UPS_KNOB_SHUTDOWN_RUNTIME_S);
GPIO_UPS_KNOB(max_backup_time_ms, GPIO_UPS_KNOB_MAX_BACKUP_MS);
GPIO_UPS_KNOB(fallback_shutdown_ms, GPIO_UPS_KNOB_FALLBACK_MS);
GPIO_UPS_KNOB(min_load_microwatt, GPIO_UPS_KNOB_MIN_LOAD_UW);

static struct attribute *gpio_ups_attrs[] = {
	&gpio_ups_attr_policy_state.attr.attr,
	&gpio_ups_attr_shutdown_reason.attr.attr,
	&gpio_ups_attr_adc_errors.attr.attr,
	&gpio_ups_attr_rejected_samples.attr.attr,
	&gpio_ups_attr_adc_status.attr.attr,
	&gpio_ups_attr_capacitance_uf.attr.attr,
	&gpio_ups_attr_esr_uohm.attr.attr,
	&gpio_ups_attr_learn_status.attr.attr,
	&gpio_ups_attr_transfers.attr.attr,
	&gpio_ups_attr_backup_time_total_ms.attr.attr,
	&gpio_ups_attr_backup_time_last_ms.attr.attr,
	&gpio_ups_attr_last_transfer_reason.attr.attr,
	&gpio_ups_attr_last_outage_energy_uwh.attr.attr,
	&gpio_ups_attr_commit_energy_uwh.attr.attr,
	&gpio_ups_attr_auto_shutdown.attr.attr,
	&gpio_ups_attr_shutdown_duration_ms.attr.attr,
	&gpio_ups_attr_shutdown_margin_percent.attr.attr,
	&gpio_ups_attr_shutdown_load_percent.attr.attr,
	&gpio_ups_attr_shutdown_capacity_percent.attr.attr,
	&gpio_ups_attr_shutdown_runtime_sec.attr.attr,
	&gpio_ups_attr_max_backup_time_ms.attr.attr,
	&gpio_ups_attr_fallback_shutdown_ms.attr.attr,
	&gpio_ups_attr_min_load_microwatt.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(gpio_ups);

/* Probe helpers */

static int gpio_ups_read_u32(struct device *dev, const char *prop, u32 def,
			     u32 min, u32 max, u32 *val)
{
	int ret = device_property_read_u32(dev, prop, val);

	if (ret == -EINVAL) {	/* absent */
		*val = def;
		return 0;
	}
	if (ret)
		return dev_err_probe(dev, ret, "cannot read %s\n", prop);
	if (*val < min || *val > max)
		return dev_err_probe(dev, -EINVAL,
				     "%s = %u is out of range [%u, %u]\n",
				     prop, *val, min, max);
	return 0;
}

static int gpio_ups_init_line(struct gpio_ups *ups, struct gpio_ups_line *line,
			      const struct gpio_ups_line_desc *desc)
{
	struct device *dev = ups->dev;

	line->ups = ups;
	line->desc = desc;
	if (desc->optional)
		line->gpiod = devm_gpiod_get_optional(dev, desc->con_id, GPIOD_IN);
	else
		line->gpiod = devm_gpiod_get(dev, desc->con_id, GPIOD_IN);
	if (IS_ERR(line->gpiod))
		return dev_err_probe(dev, PTR_ERR(line->gpiod),
				     "cannot get %s: check the GPIO phandle and its controller\n",
				     desc->name);
	if (!line->gpiod)
		return 0;

	/*
	 * No hardware debounce (gpiod_set_debounce()): it would delay the
	 * return of mains too, which must be reported at once.
	 */
	line->irq = gpiod_to_irq(line->gpiod);
	if (line->irq < 0)
		return dev_err_probe(dev, line->irq,
				     "%s: the GPIO controller gives no interrupt for this line\n",
				     desc->name);

	return devm_delayed_work_autocancel(dev, &line->work, gpio_ups_line_work);
}

static int gpio_ups_request_irq(struct gpio_ups *ups, struct gpio_ups_line *line)
{
	int ret;

	if (!line->gpiod)
		return 0;
	ret = devm_request_threaded_irq(ups->dev, line->irq, NULL, gpio_ups_irq,
					IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING |
					IRQF_ONESHOT, line->desc->name, line);
	if (ret)
		return dev_err_probe(ups->dev, ret, "cannot request IRQ %d for %s\n",
				     line->irq, line->desc->name);
	return 0;
}

/* output-ohms/full-ohms on the gpio-ups node: a divider before the ADC. */
static int gpio_ups_get_divider(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	bool out = device_property_present(dev, "output-ohms");
	bool full = device_property_present(dev, "full-ohms");
	int ret;

	if (!out && !full)
		return 0;
	if (out != full)
		return dev_err_probe(dev, -EINVAL,
				     "a voltage divider needs both output-ohms and full-ohms\n");
	ret = gpio_ups_read_u32(dev, "output-ohms", 0, 1, U32_MAX,
				&ups->div_output_ohms);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "full-ohms", 0, ups->div_output_ohms,
					U32_MAX, &ups->div_full_ohms);
	if (ret) {
		ups->div_output_ohms = 0;
		return ret;
	}
	return 0;
}

/*
 * The "voltage" channel's provider is not there (yet). Say at warning level
 * when it can never come: a voltage-divider node on a kernel without the
 * IIO rescaler, or a provider that is disabled (its I2C bus off).
 */
static void gpio_ups_adc_deferred(struct gpio_ups *ups)
{
	struct fwnode_handle *fw = dev_fwnode(ups->dev);
	struct fwnode_reference_args args;
	struct fwnode_handle *parent;
	int idx;

	idx = fwnode_property_match_string(fw, "io-channel-names", "voltage");
	if (idx < 0 ||
	    fwnode_property_get_reference_args(fw, "io-channels",
					       "#io-channel-cells", 0, idx,
					       &args))
		return;
	if (!IS_ENABLED(CONFIG_IIO_RESCALE) &&
	    fwnode_property_match_string(args.fwnode, "compatible",
					 "voltage-divider") >= 0)
		dev_warn(ups->dev,
			 "the \"voltage\" channel is a voltage-divider node (%pfwf), and this kernel has no CONFIG_IIO_RESCALE: it never probes; put output-ohms/full-ohms on the gpio-ups node instead\n",
			 args.fwnode);
	parent = fwnode_get_parent(args.fwnode);
	if (!fwnode_device_is_available(args.fwnode) ||
	    (parent && !fwnode_device_is_available(parent)))
		dev_warn(ups->dev,
			 "the ADC (%pfwf) or its bus is disabled: enable it (on a Raspberry Pi: dtparam=i2c_arm=on, above the dtoverlay= line)\n",
			 args.fwnode);
	fwnode_handle_put(parent);
	fwnode_handle_put(args.fwnode);
}

static int gpio_ups_get_adc(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	int ret;

	ups->chan_voltage = devm_iio_channel_get(dev, "voltage");
	if (IS_ERR(ups->chan_voltage)) {
		ret = PTR_ERR(ups->chan_voltage);
		ups->chan_voltage = NULL;
		if (ret == -ENODEV)
			return 0;	/* no ADC: GPIO-only */
		if (ret == -EPROBE_DEFER)
			gpio_ups_adc_deferred(ups);
		return dev_err_probe(dev, ret,
				     "cannot get the \"voltage\" IIO channel: check io-channels/io-channel-names and that the ADC's driver (e.g. ti-ads1015) is loaded\n");
	}
	ret = gpio_ups_get_divider(ups);
	if (ret)
		return ret;

	ups->chan_current = devm_iio_channel_get(dev, "current");
	if (IS_ERR(ups->chan_current)) {
		int ret = PTR_ERR(ups->chan_current);

		ups->chan_current = NULL;
		if (ret != -ENODEV)
			return dev_err_probe(dev, ret,
					     "cannot get the \"current\" IIO channel\n");
	}
	return 0;
}

static int gpio_ups_parse_supercap(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	struct gpio_ups_store *store = &ups->store;
	int ret;

	store->type = GPIO_UPS_STORE_SUPERCAP;
	ret = gpio_ups_read_u32(dev, "capacitance-microfarads", 0, 1,
				GPIO_UPS_MAX_CAPACITANCE_UF, &store->capacitance_uf);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "voltage-max-design-microvolt", 0, 1,
					GPIO_UPS_MAX_VOLTAGE_UV, &store->voltage_max_uv);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "voltage-min-design-microvolt", 0, 0,
					GPIO_UPS_MAX_VOLTAGE_UV, &store->voltage_min_uv);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "efficiency-percent", 85, 1, 100,
					&store->efficiency_pct);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "esr-micro-ohms", 0, 0,
					GPIO_UPS_MAX_RESISTANCE_UOHM,
					&store->resistance_uohm);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "charge-current-microamp", 0, 0,
					GPIO_UPS_MAX_CHARGE_UA, &ups->charge_ua);
	if (ret)
		return ret;
	if (!store->voltage_max_uv)
		return dev_err_probe(dev, -EINVAL,
				     "capacitance-microfarads needs voltage-max-design-microvolt\n");
	return 0;
}

static int gpio_ups_parse_battery(struct gpio_ups *ups)
{
	struct gpio_ups_store *store = &ups->store;
	struct power_supply_battery_info *info;
	unsigned int i, n;
	int ret;

	ret = gpio_ups_get_battery_info(ups->psy, &info);
	if (ret)
		return dev_err_probe(ups->dev, ret,
				     "cannot read the monitored-battery node\n");

	store->type = GPIO_UPS_STORE_BATTERY;
	if (info->energy_full_design_uwh > 0)
		store->energy_full_design_uwh = info->energy_full_design_uwh;
	if (info->voltage_max_design_uv > 0)
		store->voltage_max_uv = info->voltage_max_design_uv;
	if (info->voltage_min_design_uv > 0)
		store->voltage_min_uv = info->voltage_min_design_uv;
	if (info->factory_internal_resistance_uohm > 0)
		store->resistance_uohm = info->factory_internal_resistance_uohm;
	/* energy-full-design is what the cells hold: 100 % unless told */
	ret = gpio_ups_read_u32(ups->dev, "efficiency-percent", 100, 1, 100,
				&store->efficiency_pct);
	if (ret) {
		power_supply_put_battery_info(ups->psy, info);
		return ret;
	}

	n = info->ocv_table_size[0] > 0 ? info->ocv_table_size[0] : 0;
	n = min_t(unsigned int, n, GPIO_UPS_OCV_MAX_POINTS);
	for (i = 0; i < n && info->ocv_table[0]; i++) {
		store->ocv[i].ocv_uv = max(info->ocv_table[0][i].ocv, 0);
		store->ocv[i].pct = clamp(info->ocv_table[0][i].capacity, 0, 100);
	}
	store->ocv_points = i;
	gpio_ups_put_battery_info(ups->psy, info);
	return 0;
}

/* Without a declared load: the highest one the fallback timer covers. */
static void gpio_ups_log_fallback_load(struct gpio_ups *ups)
{
	const struct gpio_ups_policy_cfg *cfg = &ups->policy.cfg;
	u32 load_uw = gpio_ups_policy_fallback_load_uw(cfg, &ups->store);

	if (load_uw >= GPIO_UPS_MAX_POWER_UW)
		return;
	if (load_uw < 1000)
		dev_warn(ups->dev,
			 "fallback-shutdown-ms %u leaves the declared store no clean shutdown at any load: lower it\n",
			 cfg->fallback_ms);
	else
		dev_info(ups->dev,
			 "fallback-shutdown-ms %u leaves the declared store a clean shutdown up to a load of %u mW; above that, declare nominal-load-microwatt or lower fallback-shutdown-ms\n",
			 cfg->fallback_ms, load_uw / 1000);
}

/* Check the store description; the fallback timer takes in its load. */
static int gpio_ups_init_store(struct gpio_ups *ups)
{
	struct gpio_ups_policy_cfg *cfg = &ups->policy.cfg;
	int ret = gpio_ups_store_validate(&ups->store);
	u32 fallback_ms;

	if (ret)
		return dev_err_probe(ups->dev, ret,
				     "the store description is inconsistent: check capacitance and design voltages (min < max)\n");
	gpio_ups_policy_cfg_nominal(cfg, &ups->store);
	if (ups->store.type != GPIO_UPS_STORE_NONE && !cfg->nominal_load_uw)
		gpio_ups_log_fallback_load(ups);
	/* a store too small for the load at all: the health check says so */
	fallback_ms = gpio_ups_policy_fallback_ms(cfg);
	if (fallback_ms && fallback_ms < cfg->fallback_ms)
		dev_info(ups->dev,
			 "fallback-shutdown-ms %u lowered to %u: the declared store, full, carries nominal-load-microwatt %u no longer before the shutdown reserve\n",
			 cfg->fallback_ms, fallback_ms, cfg->nominal_load_uw);
	return 0;
}

/* Check the store description and start the estimator on it. */
static int gpio_ups_init_estimator(struct gpio_ups *ups)
{
	int ret = gpio_ups_init_store(ups);

	if (ret)
		return ret;
	gpio_ups_est_init(&ups->estimator, &ups->store);
	gpio_ups_est_mains_changed(&ups->estimator, gpio_ups_on_mains(ups),
				   gpio_ups_now_ms());
	if (ups->store.type == GPIO_UPS_STORE_SUPERCAP && ups->charge_ua) {
		struct gpio_ups_learn_cfg learn_cfg = {
			.capacitance_uf = ups->store.capacitance_uf,
			.resistance_uohm = ups->store.resistance_uohm,
			.voltage_max_uv = ups->store.voltage_max_uv,
			.voltage_min_uv = ups->store.voltage_min_uv,
			.charge_current_ua = ups->charge_ua,
			.switch_lag_ms = ups->power_good.debounce_ms,
		};

		gpio_ups_learn_init(&ups->learn, &learn_cfg);
		ups->learn_on = true;
	}
	return 0;
}

/* The planned shutdown must fit in what the UPS holds after the commit. */
static void gpio_ups_check_hold(struct gpio_ups *ups)
{
	const struct gpio_ups_policy_cfg *cfg = &ups->policy.cfg;
	u32 budget_ms = gpio_ups_policy_budget_ms(cfg);

	if (!cfg->hold_ms || budget_ms <= cfg->hold_ms)
		return;
	dev_warn(ups->dev,
		 "shutdown budget %u ms (shutdown-duration-ms %u x shutdown-margin-percent %u%% + %u ms for the emergency power-off) exceeds the UPS's hold time after the commit, shutdown-hold-ms %u: the emergency power-off is planned %u ms after the commit; lower shutdown-duration-ms or shutdown-margin-percent\n",
		 budget_ms, cfg->shutdown_duration_ms, cfg->margin_pct,
		 GPIO_UPS_POLICY_EMERGENCY_LEAD_MS, cfg->hold_ms,
		 cfg->hold_ms > GPIO_UPS_POLICY_EMERGENCY_LEAD_MS ?
		 cfg->hold_ms - GPIO_UPS_POLICY_EMERGENCY_LEAD_MS : 0);
}

static int gpio_ups_parse_policy(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	struct gpio_ups_policy_cfg cfg;
	enum gpio_ups_knob knob;
	char prop[48];
	u32 val;
	int ret;

	gpio_ups_policy_cfg_defaults(&cfg);
	cfg.sample_interval_ms = ups->sample_ms;
	ret = gpio_ups_read_u32(dev, "shutdown-hold-ms", 0, 0,
				GPIO_UPS_MAX_HOLD_MS, &cfg.hold_ms);
	if (ret)
		return ret;
	gpio_ups_policy_init(&ups->policy, &cfg, gpio_ups_on_mains(ups),
			     gpio_ups_now_ms());

	/* Each knob's DT property is its sysfs name with dashes. */
	for (knob = 0; knob < GPIO_UPS_KNOB_COUNT; knob++) {
		if (knob == GPIO_UPS_KNOB_AUTO_SHUTDOWN)
			continue;
		strscpy(prop, gpio_ups_knob_name(knob), sizeof(prop));
		strreplace(prop, '_', '-');
		ret = device_property_read_u32(dev, prop, &val);
		if (ret == -EINVAL)
			continue;
		if (ret)
			return dev_err_probe(dev, ret, "cannot read %s\n", prop);
		if (gpio_ups_policy_set(&ups->policy, knob, val))
			return dev_err_probe(dev, -EINVAL,
					     "%s = %u is out of range (see the gpio-ups binding)\n",
					     prop, val);
	}
	gpio_ups_check_hold(ups);
	return 0;
}

/* devm action, registered last so it runs first on unbind. */
static void gpio_ups_stop(void *data)
{
	struct gpio_ups *ups = data;

	mutex_lock(&ups->lock);
	if (!gpio_ups_on_mains(ups) &&
	    ups->policy.state != GPIO_UPS_PSTATE_SHUTDOWN_PENDING)
		dev_warn(ups->dev,
			 "unbound while on backup power: no automatic shutdown\n");
	ups->stopped = true;
	ups->unbound = true;
	mutex_unlock(&ups->lock);
}

/* label, model-name, manufacturer: the names the supplies show. */
static void gpio_ups_parse_names(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;

	ups->label = "ups";
	device_property_read_string(dev, "label", &ups->label);
	device_property_read_string(dev, "model-name", &ups->model_name);
	device_property_read_string(dev, "manufacturer", &ups->manufacturer);
	if (!ups->model_name)
		ups->model_name = "gpio-ups";
	if (!ups->manufacturer)
		ups->manufacturer = "unknown";
}

/* The lines' debounce times and the ADC's sampling interval. */
static int gpio_ups_parse_timing(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	int ret;

	ret = gpio_ups_read_u32(dev, "power-fail-debounce-ms",
				GPIO_UPS_DEFAULT_DEBOUNCE_MS, 0,
				GPIO_UPS_MAX_DEBOUNCE_MS, &ups->power_good.debounce_ms);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "low-battery-debounce-ms",
					ups->power_good.debounce_ms, 0,
					GPIO_UPS_MAX_DEBOUNCE_MS,
					&ups->low_battery.debounce_ms);
	if (!ret)
		ret = gpio_ups_read_u32(dev, "sample-interval-ms",
					GPIO_UPS_DEF_SAMPLE_INTERVAL_MS,
					GPIO_UPS_MIN_SAMPLE_MS,
					GPIO_UPS_MAX_SAMPLE_MS, &ups->sample_ms);
	return ret;
}

/* The lines' debounce times are read by gpio_ups_parse_timing(). */
static int gpio_ups_init_lines(struct gpio_ups *ups)
{
	int ret = gpio_ups_init_line(ups, &ups->power_good, &gpio_ups_power_good_desc);

	return ret ? ret : gpio_ups_init_line(ups, &ups->low_battery,
					      &gpio_ups_low_battery_desc);
}

static int gpio_ups_init_shutdown_line(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;

	/* Deasserted until the system powers off. */
	ups->shutdown_gpiod = devm_gpiod_get_optional(dev, "shutdown",
						      GPIOD_OUT_LOW);
	if (IS_ERR(ups->shutdown_gpiod))
		return dev_err_probe(dev, PTR_ERR(ups->shutdown_gpiod),
				     "cannot get shutdown-gpios\n");
	ups->shutdown_at_commit = device_property_read_bool(dev, "shutdown-at-commit");
	if (ups->shutdown_at_commit && !ups->shutdown_gpiod)
		return dev_err_probe(dev, -EINVAL,
				     "shutdown-at-commit needs shutdown-gpios\n");
	return 0;
}

/*
 * The store behind the ADC: a supercap is read from the node now, a
 * monitored-battery once the supply that reads it is registered.  On a
 * board without ADC only a supercap's description is taken, for the
 * fallback timer.
 */
static int gpio_ups_parse_store(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	int ret;

	if (device_property_present(dev, "capacitance-microfarads")) {
		if (device_property_present(dev, "monitored-battery"))
			return dev_err_probe(dev, -EINVAL,
					     "describe either capacitance-microfarads or monitored-battery, not both\n");
		ret = gpio_ups_parse_supercap(ups);
		if (ret)
			return ret;
	} else if (ups->chan_voltage && !device_property_present(dev, "monitored-battery")) {
		return dev_err_probe(dev, -EINVAL,
				     "io-channels given but no store described: set capacitance-microfarads or monitored-battery\n");
	}
	return gpio_ups_read_u32(dev, "nominal-load-microwatt", 0, 0,
				 GPIO_UPS_MAX_POWER_UW, &ups->store.nominal_load_uw);
}

static int gpio_ups_read_line_state(struct gpio_ups_line *line)
{
	int value;

	if (!line->gpiod)	/* optional line not wired */
		return 0;
	value = gpio_ups_get_value(line->gpiod);
	if (value < 0)
		return dev_err_probe(line->ups->dev, value, "cannot read %s\n",
				     line->desc->name);
	line->stable = value;
	return 0;
}

/* Initial line states, before anything can report them. */
static int gpio_ups_init_line_states(struct gpio_ups *ups)
{
	int ret = gpio_ups_read_line_state(&ups->power_good);

	return ret ? ret : gpio_ups_read_line_state(&ups->low_battery);
}

static int gpio_ups_init_work(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	int ret;

	ret = devm_delayed_work_autocancel(dev, &ups->sample_work,
					   gpio_ups_sample_work);
	if (!ret)
		ret = devm_delayed_work_autocancel(dev, &ups->policy_work,
						   gpio_ups_policy_work);
	if (!ret)
		ret = devm_delayed_work_autocancel(dev, &ups->emergency_work,
						   gpio_ups_emergency_work);
	return ret;
}

/* The "ups" supply (a Battery): the ADC's properties, or the GPIO-only ones. */
static int gpio_ups_init_supply(struct gpio_ups *ups)
{
	struct power_supply_config psy_cfg = { };
	struct device *dev = ups->dev;

	ups->desc.name = ups->label;
	ups->desc.type = POWER_SUPPLY_TYPE_BATTERY;
	ups->desc.get_property = gpio_ups_get_property;
	if (ups->chan_voltage) {
		ups->desc.properties = gpio_ups_adc_props;
		ups->desc.num_properties = ARRAY_SIZE(gpio_ups_adc_props) -
					   GPIO_UPS_COMPAT_PROPS_ABSENT;
	} else {
		ups->desc.properties = gpio_ups_gpio_props;
		ups->desc.num_properties = ARRAY_SIZE(gpio_ups_gpio_props);
	}
	psy_cfg.fwnode = dev_fwnode(dev);
	psy_cfg.drv_data = ups;
	psy_cfg.attr_grp = gpio_ups_groups;

	ups->psy = gpio_ups_register_supply(dev, &ups->desc, &psy_cfg);
	if (IS_ERR(ups->psy))
		return dev_err_probe(dev, PTR_ERR(ups->psy),
				     "cannot register power supply \"%s\" (is the label unique?)\n",
				     ups->label);
	return 0;
}

/* the battery node is read through the supply: init under the lock */
static int gpio_ups_init_battery(struct gpio_ups *ups)
{
	int ret;

	mutex_lock(&ups->lock);
	ret = gpio_ups_parse_battery(ups);
	if (!ret)
		ret = gpio_ups_init_estimator(ups);
	mutex_unlock(&ups->lock);
	return ret;
}

/* "<label>-mains" (Mains): online while mains is good; supplies "<label>". */
static int gpio_ups_init_mains_supply(struct gpio_ups *ups)
{
	struct power_supply_config mains_cfg = { };
	struct device *dev = ups->dev;

	ups->mains_desc.name = devm_kasprintf(dev, GFP_KERNEL, "%s-mains",
					      ups->label);
	if (!ups->mains_desc.name)
		return -ENOMEM;
	ups->mains_desc.type = POWER_SUPPLY_TYPE_MAINS;
	ups->mains_desc.properties = gpio_ups_mains_props;
	ups->mains_desc.num_properties = ARRAY_SIZE(gpio_ups_mains_props);
	ups->mains_desc.get_property = gpio_ups_mains_get_property;
	ups->supplied_to[0] = (char *)ups->label;
	mains_cfg.drv_data = ups;
	mains_cfg.supplied_to = ups->supplied_to;
	mains_cfg.num_supplicants = ARRAY_SIZE(ups->supplied_to);
	ups->mains_psy = gpio_ups_register_supply(dev, &ups->mains_desc,
						  &mains_cfg);
	if (IS_ERR(ups->mains_psy))
		return dev_err_probe(dev, PTR_ERR(ups->mains_psy),
				     "cannot register power supply \"%s\"\n",
				     ups->mains_desc.name);
	return 0;
}

static int gpio_ups_init_irqs(struct gpio_ups *ups)
{
	int ret = gpio_ups_request_irq(ups, &ups->power_good);

	return ret ? ret : gpio_ups_request_irq(ups, &ups->low_battery);
}

/* shutdown-gpios is asserted on power-off and halt, never on restart. */
static int gpio_ups_init_power_off(struct gpio_ups *ups)
{
	struct device *dev = ups->dev;
	int ret;

	if (!ups->shutdown_gpiod)
		return 0;
	ups->reboot_nb.notifier_call = gpio_ups_reboot_notify;
	ret = devm_register_reboot_notifier(dev, &ups->reboot_nb);
	if (!ret)
		ret = gpio_ups_devm_register_power_off_prepare(dev, gpio_ups_sys_off,
							       ups);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot register the power-off handler\n");
	return 0;
}

/*
 * Catch edges between the first read and the IRQ request, take the
 * first sample and start the policy (e.g. booted on backup).
 */
static void gpio_ups_start(struct gpio_ups *ups)
{
	mutex_lock(&ups->lock);
	gpio_ups_schedule_sample_locked(ups, 0);
	gpio_ups_evaluate_locked(ups, gpio_ups_now_ms());
	mutex_unlock(&ups->lock);
	gpio_ups_line_edge(&ups->power_good);
	gpio_ups_line_edge(&ups->low_battery);
}

/*
 * The node: names, timing, lines, ADC and store; then the policy and the
 * estimator, which start from the lines' states, and the work items.
 */
static int gpio_ups_init_node(struct gpio_ups *ups)
{
	int ret;

	gpio_ups_parse_names(ups);
	ret = gpio_ups_parse_timing(ups);
	if (!ret)
		ret = gpio_ups_init_lines(ups);
	if (!ret)
		ret = gpio_ups_init_shutdown_line(ups);
	if (!ret)
		ret = gpio_ups_get_adc(ups);
	if (!ret)
		ret = gpio_ups_parse_store(ups);
	if (!ret)
		ret = gpio_ups_init_line_states(ups);
	if (!ret)
		ret = gpio_ups_parse_policy(ups);
	if (ret)
		return ret;
	/* a supercap's estimator is ready before the supplies can be read */
	if (ups->store.type == GPIO_UPS_STORE_SUPERCAP) {
		ret = ups->chan_voltage ? gpio_ups_init_estimator(ups) :
					  gpio_ups_init_store(ups);
		if (ret)
			return ret;
	}
	return gpio_ups_init_work(ups);
}

/**
 * gpio_ups_probe() - bind to a gpio-ups node
 * @pdev: platform device
 *
 * The order is deliberate: everything a reader of the supplies sees is
 * ready before they are registered, the stop action goes after them and
 * the IRQs after it (devm undoes in reverse), and nothing reports a state
 * before gpio_ups_start() has read the lines once more.
 *
 * Return: 0 or a negative error code; -EPROBE_DEFER when a GPIO or ADC
 * provider is not there yet.
 */
VISIBLE_IF_KUNIT int gpio_ups_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpio_ups *ups;
	int ret;

	ups = devm_kzalloc(dev, sizeof(*ups), GFP_KERNEL);
	if (!ups)
		return -ENOMEM;
	ups->dev = dev;
	mutex_init(&ups->lock);
	platform_set_drvdata(pdev, ups);

	ret = gpio_ups_init_node(ups);
	if (ret)
		return ret;

	ret = gpio_ups_init_supply(ups);
	if (ret)
		return ret;
	/* a monitored-battery is read through the supply: only now */
	if (ups->chan_voltage && ups->store.type != GPIO_UPS_STORE_SUPERCAP) {
		ret = gpio_ups_init_battery(ups);
		if (ret)
			return ret;
	}
	ret = gpio_ups_init_mains_supply(ups);
	if (ret)
		return ret;

	/*
	 * Registered after the supplies, so that on unbind or a later probe
	 * error it runs before they go: no work item touches them after it.
	 * The IRQs, requested last, are freed before it; nothing that can
	 * fail comes after them.
	 */
	ret = devm_add_action_or_reset(dev, gpio_ups_stop, ups);
	if (ret)
		return ret;
	ret = gpio_ups_init_power_off(ups);
	if (ret)
		return ret;
	ret = gpio_ups_init_irqs(ups);
	if (ret)
		return ret;

	gpio_ups_start(ups);
	dev_info(dev, "%s: %s, %s\n", ups->label,
		 gpio_ups_on_mains(ups) ? "on mains" : "on backup",
		 ups->chan_voltage ? "energy estimate from the ADC" :
				     "no ADC (GPIO only)");
	return 0;
}

static void gpio_ups_shutdown(struct platform_device *pdev)
{
	struct gpio_ups *ups = platform_get_drvdata(pdev);

	/*
	 * The system is going down: no more samples, evaluations or
	 * uevents.  Nothing here waits for a work item: an ADC read hung on
	 * I2C would stall device_shutdown() with it (a read in flight finds
	 * ups->stopped and drops its result).  The emergency power-off stays
	 * armed, in case the power-off stalls.  The reboot notifier has
	 * asserted shutdown-gpios (halt, power-off) or left it alone
	 * (restart).
	 */
	mutex_lock(&ups->lock);
	ups->stopped = true;
	mutex_unlock(&ups->lock);
	cancel_delayed_work(&ups->power_good.work);
	if (ups->low_battery.gpiod)
		cancel_delayed_work(&ups->low_battery.work);
	cancel_delayed_work(&ups->sample_work);
	cancel_delayed_work(&ups->policy_work);
}

static int gpio_ups_resume(struct device *dev)
{
	struct gpio_ups *ups = dev_get_drvdata(dev);

	/* Edges may have been missed while suspended: read the lines again. */
	gpio_ups_line_edge(&ups->power_good);
	gpio_ups_line_edge(&ups->low_battery);
	mutex_lock(&ups->lock);
	gpio_ups_schedule_sample_locked(ups, 0);
	mutex_unlock(&ups->lock);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(gpio_ups_pm_ops, NULL, gpio_ups_resume);

static const struct of_device_id gpio_ups_of_match[] = {
	{ .compatible = "gpio-ups" },
	{ }
};
MODULE_DEVICE_TABLE(of, gpio_ups_of_match);

static struct platform_driver gpio_ups_driver = {
	.probe = gpio_ups_probe,
	.shutdown = gpio_ups_shutdown,
	.driver = {
		.name = "gpio-ups",
		.of_match_table = gpio_ups_of_match,
		.pm = pm_sleep_ptr(&gpio_ups_pm_ops),
	},
};
module_platform_driver(gpio_ups_driver);

MODULE_DESCRIPTION("GPIO and ADC monitored UPS power supply driver");
MODULE_LICENSE("GPL");
