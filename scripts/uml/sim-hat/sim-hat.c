// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated UPS HAT for the gpio-ups system tests and demo (test code only,
 * never part of gpio-ups.ko).
 *
 * Models a supercapacitor store behind a UPS board and wires it to the
 * gpio-ups node it names with the "ups" phandle (default: the node
 * compatible with "gpio-ups"):
 *  - the power-good and low-battery lines of that node (gpio-sim inputs) are
 *    driven through gpiod_set_config(PIN_CONFIG_BIAS_PULL_UP/DOWN), honouring
 *    the polarity flags of the node's GPIO specifiers;
 *  - an IIO ADC channel (#io-channel-cells = <1>, channel 0) reads the store
 *    voltage, including the I*ESR droop and the ADC quantisation;
 *  - the shutdown line is read back at power-off / restart and reported on
 *    the console together with the energy still in the store.
 *
 * Physics, integer only: the store holds E = C * V^2 / 2.  On mains it is
 * charged at a constant current up to its full voltage; without mains it
 * delivers the load power through a converter of the given efficiency until
 * the converter cut-off voltage, below which the load browns out.
 *
 * Controls (sysfs, on the platform device): mains, glitch_ms, load_uw,
 * adc_fail, noise_lsb, charge_ua, low_battery (auto / 0 / 1),
 * low_battery_uv (comparator threshold, 0 = never), voltage_uv; read-only: status
 * (one line of key=value), brownout, shutdown_asserted.
 *
 * Fault injection, besides glitch_ms and adc_fail:
 *  - flap_ms, flap_period_ms: while mains is off (written 0), power good
 *    comes back for flap_ms every flap_period_ms (a wall adapter that keeps
 *    restarting from a half-switched power strip, seed 003); the store is
 *    charged at charge_ua while it is back.  Both 0: off.
 *  - adc_freeze: 1 = from now on the ADC returns the code it reads now (plus
 *    noise_lsb of noise) while the store keeps draining; 0 = live again.
 *  - adc_fail_errno (default EIO), adc_fail_delay_ms: the error a failing
 *    read returns (e.g. 110, ETIMEDOUT) and how long it takes to fail (an
 *    I2C controller timing out).
 *  - adc_hang: 1 = every read from now on blocks until adc_hang is written
 *    0 or the device is unbound (the module removed).
 * The HAT also logs when the system starts to go down (reboot notifier,
 * before the drivers' .shutdown) and when the shutdown line is asserted.
 */
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/iio/iio.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define SIM_STEP_MS		20
#define SIM_PRIO_LAST		(SYS_OFF_PRIO_PLATFORM - 1)

enum sim_lowbat_mode { SIM_LOWBAT_AUTO = -1, SIM_LOWBAT_OFF, SIM_LOWBAT_ON };

struct sim_line {
	struct gpio_device *gdev;
	struct gpio_desc *desc;
	bool active_low;
	int level;			/* last physical level driven, -1 none */
};

struct sim_hat {
	struct device *dev;
	struct mutex lock;		/* model state below */
	struct mutex line_lock;		/* serialises line updates */
	struct delayed_work step_work;
	struct delayed_work glitch_work;
	struct delayed_work flap_work;
	struct notifier_block reboot_nb;
	wait_queue_head_t hang_wq;

	/* store */
	u64 cap_uf;
	u64 vmax_uv, vmin_uv, esr_uohm, ichg_ua;
	u32 eff_pct;
	u64 energy_uj, emax_uj, emin_uj;
	/* environment */
	bool mains;			/* power good now (flaps included) */
	bool mains_set;			/* as last written to "mains" */
	u32 flap_ms, flap_period_ms;
	u64 load_uw;
	bool adc_fail;
	bool adc_failing;		/* the last read failed */
	u32 adc_fail_errno, adc_fail_delay_ms;
	bool adc_frozen;
	u64 adc_frozen_code;
	bool adc_hang;
	bool stopping;
	int lowbat_mode;
	u64 lowbat_uv, lowbat_hyst_uv;
	bool lowbat;
	u32 adc_bits, noise_lsb;
	u64 adc_fs_uv;
	u64 div_out_ohms, div_full_ohms;	/* divider before the ADC (1/1: none) */
	/* bookkeeping */
	ktime_t last;
	ktime_t t0;
	bool brownout;
	bool shutdown_seen;
	bool going_down;
	u64 adc_reads, adc_errors, flaps;
	u32 adc_hung;			/* reads blocked by adc_hang now */

	struct sim_line pg, lb, sd;
};

/* E = C * V^2 / 2 in uJ: uF * uV^2 / 2e12 */
static u64 sim_energy_uj(u64 cap_uf, u64 v_uv)
{
	return mul_u64_u64_div_u64(cap_uf * v_uv, v_uv, 2000000000000ULL);
}

/* V = sqrt(2 E / C) in uV */
static u64 sim_voltage_uv(const struct sim_hat *s)
{
	return int_sqrt64(mul_u64_u64_div_u64(2 * s->energy_uj,
					       1000000000000ULL, s->cap_uf));
}

/* power drawn from the store for the load, uW */
static u64 sim_store_power_uw(const struct sim_hat *s)
{
	return div_u64(s->load_uw * 100, s->eff_pct);
}

/* advance the model to now; caller holds s->lock */
static void sim_advance(struct sim_hat *s)
{
	ktime_t now = ktime_get();
	u64 dt_us = ktime_to_us(ktime_sub(now, s->last));
	u64 v_uv, de_uj;

	s->last = now;
	if (!dt_us)
		return;
	v_uv = sim_voltage_uv(s);
	if (s->mains) {
		/* constant-current charge: dE = V * I * dt */
		de_uj = mul_u64_u64_div_u64(v_uv, s->ichg_ua * dt_us,
					    1000000000000ULL);
		s->energy_uj = min(s->energy_uj + de_uj, s->emax_uj);
	} else {
		de_uj = div_u64(sim_store_power_uw(s) * dt_us, 1000000);
		if (s->energy_uj > s->emin_uj + de_uj) {
			s->energy_uj -= de_uj;
		} else {
			s->energy_uj = min(s->energy_uj, s->emin_uj);
			if (s->load_uw && !s->brownout) {
				s->brownout = true;
				dev_err(s->dev, "BROWNOUT: store empty at %lld ms, the load lost power\n",
					ktime_ms_delta(now, s->t0));
			}
		}
	}
	v_uv = sim_voltage_uv(s);
	/* low-battery comparator with hysteresis */
	if (s->lowbat_mode == SIM_LOWBAT_AUTO) {
		if (s->lowbat_uv && v_uv <= s->lowbat_uv)
			s->lowbat = true;
		else if (v_uv >= s->lowbat_uv + s->lowbat_hyst_uv)
			s->lowbat = false;
	} else {
		s->lowbat = s->lowbat_mode == SIM_LOWBAT_ON;
	}
}

/* the store voltage as seen at the ADC input: droop/rise across the ESR */
static u64 sim_terminal_uv(const struct sim_hat *s)
{
	u64 v_uv = sim_voltage_uv(s);
	u64 d_uv;

	if (s->mains) {
		if (s->energy_uj >= s->emax_uj)
			return v_uv;
		return v_uv + div_u64(s->ichg_ua * s->esr_uohm, 1000000);
	}
	if (v_uv <= s->vmin_uv / 2)
		return v_uv;
	/* I = P / V; droop = I * ESR = P_uw * ESR_uohm / V_uv (uV) */
	d_uv = div64_u64(sim_store_power_uw(s) * s->esr_uohm, v_uv);
	return d_uv < v_uv ? v_uv - d_uv : 0;
}

static int sim_line_get(struct sim_line *l)
{
	int v;

	if (!l->desc)
		return -ENODEV;
	v = gpiod_get_raw_value_cansleep(l->desc);
	if (v < 0)
		return v;
	return v ^ l->active_low;
}

static void sim_line_set(struct sim_hat *s, struct sim_line *l, bool asserted)
{
	int level = asserted ^ l->active_low;
	unsigned long cfg;
	int ret;

	if (!l->desc || l->level == level)
		return;
	cfg = pinconf_to_config_packed(level ? PIN_CONFIG_BIAS_PULL_UP :
				       PIN_CONFIG_BIAS_PULL_DOWN, 0);
	ret = gpiod_set_config(l->desc, cfg);
	if (ret)
		dev_err(s->dev, "cannot drive line: %d\n", ret);
	else
		l->level = level;
}

/* drive power-good and low-battery from the model state */
static void sim_apply_lines(struct sim_hat *s)
{
	bool mains, lowbat;

	mutex_lock(&s->line_lock);
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		mains = s->mains;
		lowbat = s->lowbat;
	}
	sim_line_set(s, &s->pg, mains);
	sim_line_set(s, &s->lb, lowbat);
	mutex_unlock(&s->line_lock);
}

static void sim_step(struct work_struct *work)
{
	struct sim_hat *s = container_of(to_delayed_work(work), struct sim_hat,
					 step_work);
	int sd;

	sim_apply_lines(s);
	sd = sim_line_get(&s->sd);
	if (sd > 0 && !s->shutdown_seen) {
		u64 usable;
		bool down;

		s->shutdown_seen = true;
		scoped_guard(mutex, &s->lock) {
			usable = div_u64((s->energy_uj - min(s->energy_uj, s->emin_uj)) *
					 s->eff_pct, 100);
			down = s->going_down;
		}
		dev_info(s->dev, "shutdown line asserted %s (usable %llu mJ)\n",
			 down ? "while the system goes down" : "while running",
			 div_u64(usable, 1000));
	}
	schedule_delayed_work(&s->step_work, msecs_to_jiffies(SIM_STEP_MS));
}

static void sim_glitch_end(struct work_struct *work)
{
	struct sim_hat *s = container_of(to_delayed_work(work), struct sim_hat,
					 glitch_work);

	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		s->mains = true;
	}
	sim_apply_lines(s);
}

/*
 * Flapping mains: during an outage power good comes back for flap_ms every
 * flap_period_ms, until "mains" is written again.
 */
static bool sim_flap_on(const struct sim_hat *s)
{
	return !s->mains_set && s->flap_ms && s->flap_period_ms > s->flap_ms;
}

static void sim_flap_start(struct sim_hat *s)
{
	bool on;

	scoped_guard(mutex, &s->lock)
		on = sim_flap_on(s);
	if (on)
		mod_delayed_work(system_wq, &s->flap_work,
				 msecs_to_jiffies(s->flap_period_ms - s->flap_ms));
}

static void sim_flap(struct work_struct *work)
{
	struct sim_hat *s = container_of(to_delayed_work(work), struct sim_hat,
					 flap_work);
	u32 next_ms;
	u64 n = 0;

	mutex_lock(&s->lock);
	sim_advance(s);
	if (!sim_flap_on(s)) {
		mutex_unlock(&s->lock);
		return;
	}
	s->mains = !s->mains;
	if (s->mains)
		n = ++s->flaps;
	next_ms = s->mains ? s->flap_ms : s->flap_period_ms - s->flap_ms;
	mutex_unlock(&s->lock);
	sim_apply_lines(s);
	if (n)
		dev_info(s->dev, "flap %llu: mains back for %u ms\n", n, next_ms);
	schedule_delayed_work(&s->flap_work, msecs_to_jiffies(next_ms));
}

static u64 sim_usable_uj(struct sim_hat *s)
{
	return div_u64((s->energy_uj - min(s->energy_uj, s->emin_uj)) *
		       s->eff_pct, 100);
}

static void sim_report(struct sim_hat *s, const char *what)
{
	int sd = sim_line_get(&s->sd);
	u64 usable, v_uv, load;
	bool brown;

	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		usable = sim_usable_uj(s);
		v_uv = sim_voltage_uv(s);
		load = s->load_uw;
		brown = s->brownout;
	}
	pr_emerg("sim-hat: %s: shutdown_line=%d store_uv=%llu usable_uj=%llu load_uw=%llu brownout=%d\n",
		 what, sd, v_uv, usable, load, brown);
}

/* The kernel starts to go down: before the drivers' .shutdown run. */
static int sim_reboot_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct sim_hat *s = container_of(nb, struct sim_hat, reboot_nb);

	scoped_guard(mutex, &s->lock)
		s->going_down = true;
	sim_report(s, action == SYS_POWER_OFF ? "going down (power-off)" :
		      action == SYS_RESTART ? "going down (restart)" :
					      "going down (halt)");
	return NOTIFY_DONE;
}

static int sim_poweroff_prepare(struct sys_off_data *data)
{
	sim_report(data->cb_data, "power-off");
	return NOTIFY_DONE;
}

static int sim_restart_prepare(struct sys_off_data *data)
{
	sim_report(data->cb_data, "restart");
	return NOTIFY_DONE;
}

/* ---- IIO ---- */

static const struct iio_chan_spec sim_adc_channels[] = {
	{
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 0,
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |
				      BIT(IIO_CHAN_INFO_SCALE),
	},
};

/* ADC code of the terminal voltage now, without noise; caller holds s->lock */
static u64 sim_adc_code(const struct sim_hat *s)
{
	/* through the board's divider, if the UPS node declares one */
	u64 v_uv = div64_u64(sim_terminal_uv(s) * s->div_out_ohms,
			     s->div_full_ohms);

	return div64_u64(v_uv << s->adc_bits, s->adc_fs_uv);
}

/*
 * adc_hang: block the reader until adc_hang is cleared or the device goes
 * away.  Idle wait: a hung I2C transfer is no CPU load and no hung task.
 */
static int sim_adc_hang(struct sim_hat *s)
{
	ktime_t t = ktime_get();
	bool stopping;

	scoped_guard(mutex, &s->lock)
		s->adc_hung++;
	dev_warn(s->dev, "ADC read hangs (adc_hang): blocked until adc_hang is cleared or the device is unbound\n");
	wait_event_idle(s->hang_wq, !READ_ONCE(s->adc_hang) || READ_ONCE(s->stopping));
	scoped_guard(mutex, &s->lock) {
		s->adc_hung--;
		stopping = s->stopping;
	}
	dev_info(s->dev, "ADC read released after %lld ms\n", ktime_ms_delta(ktime_get(), t));
	return stopping ? -ENODEV : 0;
}

static int sim_adc_read(struct sim_hat *s, int *val)
{
	u32 delay_ms = 0;
	bool first_err = false;
	u64 code, full;
	int ret;

	if (READ_ONCE(s->adc_hang)) {
		ret = sim_adc_hang(s);
		if (ret)
			return ret;
	}
	scoped_guard(mutex, &s->lock) {
		s->adc_reads++;
		sim_advance(s);
		if (s->adc_fail) {
			s->adc_errors++;
			first_err = !s->adc_failing;
			s->adc_failing = true;
			ret = -(int)s->adc_fail_errno;
			delay_ms = s->adc_fail_delay_ms;
		} else {
			s->adc_failing = false;
			ret = IIO_VAL_INT;
			code = s->adc_frozen ? s->adc_frozen_code : sim_adc_code(s);
			full = (1ULL << s->adc_bits) - 1;
			if (s->noise_lsb) {
				int n = (int)get_random_u32_below(2 * s->noise_lsb + 1) -
					(int)s->noise_lsb;

				if (n < 0 && code < (u64)-n)
					code = 0;
				else
					code += n;
			}
			*val = min(code, full);
		}
	}
	if (first_err)
		dev_info(s->dev, "ADC read fails (adc_fail): %d after %u ms\n",
			 ret, delay_ms);
	/* a failing transfer may take the controller's timeout to fail */
	if (delay_ms)
		msleep(delay_ms);
	return ret;
}

static int sim_adc_read_raw(struct iio_dev *indio_dev,
			    struct iio_chan_spec const *chan, int *val,
			    int *val2, long mask)
{
	struct sim_hat *s = *(struct sim_hat **)iio_priv(indio_dev);

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		return sim_adc_read(s, val);
	case IIO_CHAN_INFO_SCALE:
		/* mV per LSB = full scale / 2^bits */
		*val = div_u64(s->adc_fs_uv, 1000);
		*val2 = s->adc_bits;
		return IIO_VAL_FRACTIONAL_LOG2;
	default:
		return -EINVAL;
	}
}

static const struct iio_info sim_adc_info = {
	.read_raw = sim_adc_read_raw,
};

/* ---- sysfs controls ---- */

static ssize_t status_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	int sd = sim_line_get(&s->sd);

	guard(mutex)(&s->lock);
	sim_advance(s);
	return sysfs_emit(buf,
			  "t_ms=%lld mains=%d store_uv=%llu adc_uv=%llu usable_uj=%llu load_uw=%llu lowbat=%d adc_fail=%d shutdown=%d brownout=%d adc_reads=%llu adc_errors=%llu flaps=%llu adc_frozen=%d adc_hung=%u\n",
			  ktime_ms_delta(s->last, s->t0), s->mains,
			  sim_voltage_uv(s), sim_terminal_uv(s),
			  sim_usable_uj(s), s->load_uw, s->lowbat,
			  s->adc_fail, sd, s->brownout, s->adc_reads,
			  s->adc_errors, s->flaps, s->adc_frozen, s->adc_hung);
}
static DEVICE_ATTR_RO(status);

static ssize_t mains_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", s->mains);
}

static ssize_t mains_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	scoped_guard(mutex, &s->lock)
		s->mains_set = on;
	cancel_delayed_work_sync(&s->glitch_work);
	cancel_delayed_work_sync(&s->flap_work);
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		s->mains = on;
	}
	sim_apply_lines(s);
	sim_flap_start(s);
	return len;
}
static DEVICE_ATTR_RW(mains);

static ssize_t glitch_ms_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	unsigned int ms;
	int ret = kstrtouint(buf, 0, &ms);

	if (ret)
		return ret;
	cancel_delayed_work_sync(&s->glitch_work);
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		s->mains = false;
	}
	sim_apply_lines(s);
	schedule_delayed_work(&s->glitch_work, msecs_to_jiffies(ms));
	return len;
}
static DEVICE_ATTR_WO(glitch_ms);

#define SIM_U64_ATTR(name, field, minv, maxv)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct sim_hat *s = dev_get_drvdata(dev);			\
	guard(mutex)(&s->lock);						\
	return sysfs_emit(buf, "%llu\n", (u64)s->field);		\
}									\
static ssize_t name##_store(struct device *dev,				\
			    struct device_attribute *attr,		\
			    const char *buf, size_t len)		\
{									\
	struct sim_hat *s = dev_get_drvdata(dev);			\
	u64 v;								\
	int ret = kstrtou64(buf, 0, &v);				\
	if (ret)							\
		return ret;						\
	if (v < (minv) || v > (maxv))					\
		return -ERANGE;						\
	scoped_guard(mutex, &s->lock) {					\
		sim_advance(s);						\
		s->field = v;						\
	}								\
	sim_apply_lines(s);						\
	return len;							\
}									\
static DEVICE_ATTR_RW(name)

SIM_U64_ATTR(load_uw, load_uw, 0, 100000000);
SIM_U64_ATTR(adc_fail, adc_fail, 0, 1);
SIM_U64_ATTR(noise_lsb, noise_lsb, 0, 64);
SIM_U64_ATTR(charge_ua, ichg_ua, 0, 100000000);
SIM_U64_ATTR(low_battery_uv, lowbat_uv, 0, 30000000);
SIM_U64_ATTR(adc_fail_errno, adc_fail_errno, 1, 4095);
SIM_U64_ATTR(adc_fail_delay_ms, adc_fail_delay_ms, 0, 600000);

/* flap_ms, flap_period_ms: (re)start the flapping if mains is off */
#define SIM_FLAP_ATTR(name)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct sim_hat *s = dev_get_drvdata(dev);			\
	return sysfs_emit(buf, "%u\n", s->name);			\
}									\
static ssize_t name##_store(struct device *dev,				\
			    struct device_attribute *attr,		\
			    const char *buf, size_t len)		\
{									\
	struct sim_hat *s = dev_get_drvdata(dev);			\
	u32 v;								\
	int ret = kstrtou32(buf, 0, &v);				\
	if (ret)							\
		return ret;						\
	if (v > 600000)							\
		return -ERANGE;						\
	scoped_guard(mutex, &s->lock)					\
		s->name = v;						\
	sim_flap_start(s);						\
	return len;							\
}									\
static DEVICE_ATTR_RW(name)

SIM_FLAP_ATTR(flap_ms);
SIM_FLAP_ATTR(flap_period_ms);

static ssize_t adc_freeze_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", s->adc_frozen);
}

static ssize_t adc_freeze_store(struct device *dev,
				struct device_attribute *attr, const char *buf,
				size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	u64 code, uv, frozen;
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		code = sim_adc_code(s);
		uv = sim_terminal_uv(s);
		if (on && !s->adc_frozen)
			s->adc_frozen_code = code;
		s->adc_frozen = on;
		frozen = s->adc_frozen_code;
	}
	if (on)
		dev_info(s->dev, "ADC frozen at code %llu (%llu uV at its input): the store keeps draining\n",
			 frozen, uv);
	else
		dev_info(s->dev, "ADC live again at code %llu\n", code);
	return len;
}
static DEVICE_ATTR_RW(adc_freeze);

static ssize_t adc_hang_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(s->adc_hang));
}

static ssize_t adc_hang_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	WRITE_ONCE(s->adc_hang, on);
	if (!on)
		wake_up_all(&s->hang_wq);
	dev_info(s->dev, "ADC reads %s\n", on ? "hang from now on (adc_hang)" : "no longer hang");
	return len;
}
static DEVICE_ATTR_RW(adc_hang);

static ssize_t voltage_uv_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	guard(mutex)(&s->lock);
	sim_advance(s);
	return sysfs_emit(buf, "%llu\n", sim_voltage_uv(s));
}

static ssize_t voltage_uv_store(struct device *dev,
				struct device_attribute *attr, const char *buf,
				size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	u64 v;
	int ret = kstrtou64(buf, 0, &v);

	if (ret)
		return ret;
	if (v > s->vmax_uv)
		return -ERANGE;
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		s->energy_uj = sim_energy_uj(s->cap_uf, v);
	}
	sim_apply_lines(s);
	return len;
}
static DEVICE_ATTR_RW(voltage_uv);

static ssize_t low_battery_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	if (s->lowbat_mode == SIM_LOWBAT_AUTO)
		return sysfs_emit(buf, "auto (%d)\n", s->lowbat);
	return sysfs_emit(buf, "%d\n", s->lowbat_mode);
}

static ssize_t low_battery_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	struct sim_hat *s = dev_get_drvdata(dev);
	int mode;

	if (sysfs_streq(buf, "auto")) {
		mode = SIM_LOWBAT_AUTO;
	} else {
		bool on;
		int ret = kstrtobool(buf, &on);

		if (ret)
			return ret;
		mode = on ? SIM_LOWBAT_ON : SIM_LOWBAT_OFF;
	}
	scoped_guard(mutex, &s->lock) {
		sim_advance(s);
		s->lowbat_mode = mode;
	}
	sim_apply_lines(s);
	return len;
}
static DEVICE_ATTR_RW(low_battery);

static ssize_t brownout_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", s->brownout);
}
static DEVICE_ATTR_RO(brownout);

static ssize_t shutdown_asserted_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct sim_hat *s = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", sim_line_get(&s->sd));
}
static DEVICE_ATTR_RO(shutdown_asserted);

static struct attribute *sim_attrs[] = {
	&dev_attr_status.attr,
	&dev_attr_mains.attr,
	&dev_attr_glitch_ms.attr,
	&dev_attr_load_uw.attr,
	&dev_attr_adc_fail.attr,
	&dev_attr_adc_fail_errno.attr,
	&dev_attr_adc_fail_delay_ms.attr,
	&dev_attr_adc_freeze.attr,
	&dev_attr_adc_hang.attr,
	&dev_attr_flap_ms.attr,
	&dev_attr_flap_period_ms.attr,
	&dev_attr_noise_lsb.attr,
	&dev_attr_charge_ua.attr,
	&dev_attr_voltage_uv.attr,
	&dev_attr_low_battery.attr,
	&dev_attr_low_battery_uv.attr,
	&dev_attr_brownout.attr,
	&dev_attr_shutdown_asserted.attr,
	NULL
};
ATTRIBUTE_GROUPS(sim);

/* ---- probe ---- */

static void sim_put_gdev(void *data)
{
	gpio_device_put(data);
}

/*
 * Find line @prop of the gpio-ups node @ups (a gpio-sim bank line) without
 * requesting it: gpio-ups owns it, the HAT only drives or reads its level.
 */
static int sim_get_line(struct sim_hat *s, struct device_node *ups,
			const char *prop, struct sim_line *l, bool required)
{
	struct of_phandle_args args;
	int ret;

	l->level = -1;
	ret = of_parse_phandle_with_args(ups, prop, "#gpio-cells", 0, &args);
	if (ret)
		return required ? dev_err_probe(s->dev, ret, "ups node has no %s\n", prop) : 0;
	l->gdev = gpio_device_find_by_fwnode(of_fwnode_handle(args.np));
	of_node_put(args.np);
	if (!l->gdev)
		return -EPROBE_DEFER;
	ret = devm_add_action_or_reset(s->dev, sim_put_gdev, l->gdev);
	if (ret)
		return ret;
	l->desc = gpio_device_get_desc(l->gdev, args.args[0]);
	if (IS_ERR(l->desc))
		return dev_err_probe(s->dev, PTR_ERR(l->desc), "%s: bad line\n", prop);
	l->active_low = args.args_count > 1 && (args.args[1] & 1);
	return 0;
}

static u64 sim_prop(struct device *dev, struct device_node *ups,
		    const char *name, const char *ups_name, u64 def)
{
	u32 v;

	if (!device_property_read_u32(dev, name, &v))
		return v;
	if (ups_name && !of_property_read_u32(ups, ups_name, &v))
		return v;
	return def;
}

static void sim_stop(void *data)
{
	struct sim_hat *s = data;

	WRITE_ONCE(s->stopping, true);
	wake_up_all(&s->hang_wq);
	cancel_delayed_work_sync(&s->step_work);
	cancel_delayed_work_sync(&s->glitch_work);
	scoped_guard(mutex, &s->lock)
		s->mains_set = true;	/* no new flap */
	cancel_delayed_work_sync(&s->flap_work);
}

static int sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *ups;
	struct iio_dev *indio_dev;
	struct sim_hat *s;
	u64 v0;
	int ret;

	s = devm_kzalloc(dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	ret = devm_mutex_init(dev, &s->lock);
	if (ret)
		return ret;
	ret = devm_mutex_init(dev, &s->line_lock);
	if (ret)
		return ret;
	INIT_DELAYED_WORK(&s->step_work, sim_step);
	INIT_DELAYED_WORK(&s->glitch_work, sim_glitch_end);
	INIT_DELAYED_WORK(&s->flap_work, sim_flap);
	init_waitqueue_head(&s->hang_wq);

	/* the UPS this HAT powers: "ups" phandle, else the gpio-ups node */
	ups = of_parse_phandle(dev->of_node, "ups", 0);
	if (!ups)
		ups = of_find_compatible_node(NULL, NULL, "gpio-ups");
	if (!ups)
		return dev_err_probe(dev, -ENODEV, "no gpio-ups node in the device tree\n");

	s->cap_uf = sim_prop(dev, ups, "capacitance-microfarads",
			     "capacitance-microfarads", 25000000);
	s->vmax_uv = sim_prop(dev, ups, "voltage-max-microvolt",
			      "voltage-max-design-microvolt", 4600000);
	s->vmin_uv = sim_prop(dev, ups, "voltage-min-microvolt",
			      "voltage-min-design-microvolt", 2500000);
	s->eff_pct = sim_prop(dev, ups, "efficiency-percent", "efficiency-percent", 85);
	s->esr_uohm = sim_prop(dev, ups, "esr-micro-ohms", NULL, 20000);
	s->ichg_ua = sim_prop(dev, ups, "charge-current-microamp", NULL, 1000000);
	s->load_uw = sim_prop(dev, ups, "load-microwatt", NULL, 2500000);
	s->lowbat_uv = sim_prop(dev, ups, "low-battery-microvolt", NULL, 0);
	s->lowbat_hyst_uv = sim_prop(dev, ups, "low-battery-hysteresis-microvolt", NULL, 100000);
	s->adc_fs_uv = sim_prop(dev, ups, "adc-full-scale-microvolt", NULL, 5000000);
	s->adc_bits = sim_prop(dev, ups, "adc-bits", NULL, 12);
	s->noise_lsb = sim_prop(dev, ups, "adc-noise-lsb", NULL, 0);
	s->div_out_ohms = sim_prop(dev, ups, "output-ohms", "output-ohms", 1);
	s->div_full_ohms = sim_prop(dev, ups, "full-ohms", "full-ohms", 1);
	v0 = sim_prop(dev, ups, "initial-microvolt", NULL, s->vmax_uv);
	if (!s->cap_uf || !s->eff_pct || s->eff_pct > 100 || s->vmin_uv >= s->vmax_uv ||
	    !s->div_out_ohms || s->div_out_ohms > s->div_full_ohms ||
	    !s->adc_fs_uv || s->adc_bits < 4 || s->adc_bits > 24 || v0 > s->vmax_uv) {
		of_node_put(ups);
		return dev_err_probe(dev, -EINVAL, "inconsistent store parameters\n");
	}
	s->emax_uj = sim_energy_uj(s->cap_uf, s->vmax_uv);
	s->emin_uj = sim_energy_uj(s->cap_uf, s->vmin_uv);
	s->energy_uj = sim_energy_uj(s->cap_uf, v0);
	s->mains = true;
	s->mains_set = true;
	s->adc_fail_errno = EIO;
	s->lowbat_mode = SIM_LOWBAT_AUTO;
	s->t0 = ktime_get();
	s->last = s->t0;

	ret = sim_get_line(s, ups, "power-good-gpios", &s->pg, true);
	if (!ret)
		ret = sim_get_line(s, ups, "low-battery-gpios", &s->lb, false);
	if (!ret)
		ret = sim_get_line(s, ups, "shutdown-gpios", &s->sd, false);
	of_node_put(ups);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, s);

	indio_dev = devm_iio_device_alloc(dev, sizeof(s));
	if (!indio_dev)
		return -ENOMEM;
	*(struct sim_hat **)iio_priv(indio_dev) = s;
	indio_dev->name = "sim-hat-adc";
	indio_dev->info = &sim_adc_info;
	indio_dev->channels = sim_adc_channels;
	indio_dev->num_channels = ARRAY_SIZE(sim_adc_channels);
	indio_dev->modes = INDIO_DIRECT_MODE;
	ret = devm_iio_device_register(dev, indio_dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register ADC\n");

	ret = devm_add_action_or_reset(dev, sim_stop, s);
	if (ret)
		return ret;
	sim_apply_lines(s);
	schedule_delayed_work(&s->step_work, msecs_to_jiffies(SIM_STEP_MS));

	ret = devm_register_sys_off_handler(dev, SYS_OFF_MODE_POWER_OFF_PREPARE,
					    SIM_PRIO_LAST, sim_poweroff_prepare, s);
	if (!ret)
		ret = devm_register_sys_off_handler(dev, SYS_OFF_MODE_RESTART_PREPARE,
						    SIM_PRIO_LAST, sim_restart_prepare, s);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register sys-off handlers\n");
	s->reboot_nb.notifier_call = sim_reboot_notify;
	ret = devm_register_reboot_notifier(dev, &s->reboot_nb);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the reboot notifier\n");

	dev_info(dev, "store %llu uF, %llu..%llu uV, eff %u%%, ESR %llu uohm, load %llu uW, charge %llu uA; usable %llu mJ\n",
		 s->cap_uf, s->vmin_uv, s->vmax_uv, s->eff_pct, s->esr_uohm,
		 s->load_uw, s->ichg_ua, div_u64(sim_usable_uj(s), 1000));
	return 0;
}

static const struct of_device_id sim_of_match[] = {
	{ .compatible = "gpio-ups-test,sim-hat" },
	{ }
};
MODULE_DEVICE_TABLE(of, sim_of_match);

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.driver = {
		.name = "gpio-ups-sim-hat",
		.of_match_table = sim_of_match,
		.dev_groups = sim_groups,
	},
};
module_platform_driver(sim_driver);

MODULE_DESCRIPTION("Simulated supercapacitor UPS HAT for gpio-ups tests");
MODULE_LICENSE("GPL");
