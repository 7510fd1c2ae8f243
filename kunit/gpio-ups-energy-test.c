// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the gpio-ups energy model and runtime estimator.
 *
 * Pure functions, synthetic samples and time.  Expected values are worked
 * out here from the physics (E = 1/2 C (V^2 - Vmin^2) eta, P = -dE/dt,
 * time to empty = E / P), never read back from the code under test.  The
 * reference store is seed 003's board: C = 25 F, 4.6 V -> 2.5 V, eta 0.8,
 * 60 s at 0.5 A / 25 s at 1 A from a ~4.75 V output.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/math64.h>

#include "gpio-ups-energy.h"

#define T0_MS		5000000ULL	/* arbitrary start of time */
#define TICK_MS		100U		/* sample interval on backup */
#define ADC_FS_UV	5000000U	/* 12-bit ADC over 0..5 V */
#define ADC_BITS	12

/* seed 003: 25 F, 4.6 V charged, 2.5 V cut-off, eta 0.8, ESR unknown */
static const struct gpio_ups_store seed003 = {
	.type = GPIO_UPS_STORE_SUPERCAP,
	.capacitance_uf = 25000000,
	.voltage_max_uv = 4600000,
	.voltage_min_uv = 2500000,
	.efficiency_pct = 80,
};

/* the same with its ESR: two 50 F / 15 mOhm caps in series (seed 002) */
static const struct gpio_ups_store seed003_esr = {
	.type = GPIO_UPS_STORE_SUPERCAP,
	.capacitance_uf = 25000000,
	.voltage_max_uv = 4600000,
	.voltage_min_uv = 2500000,
	.efficiency_pct = 80,
	.resistance_uohm = 30000,
};

/* 0.5 A and 1 A at the ~4.75 V backup output of seed 003 */
#define P_HALF_A_UW	2375000U
#define P_ONE_A_UW	4750000U

/*
 * Synthetic plant: a supercapacitor drained at constant usable power,
 * read through an optional ideal 12-bit ADC with deterministic noise.
 */
struct plant {
	const struct gpio_ups_store *store;
	u64 e0_uj;		/* usable energy at t0 */
	u64 t0_ms;
	u64 used_uj;		/* drained before t0 (power changes) */
	u32 p_uw;		/* usable-side load power */
	bool quantise;
	u32 noise_lsb;		/* noise amplitude, sigma in LSB */
	u32 rng;
};

static u32 plant_rand(struct plant *pl)
{
	/* xorshift32: deterministic */
	pl->rng ^= pl->rng << 13;
	pl->rng ^= pl->rng >> 17;
	pl->rng ^= pl->rng << 5;
	return pl->rng;
}

/* usable energy left at t_ms */
static u64 plant_energy_uj(const struct plant *pl, u64 t_ms)
{
	u64 d = pl->used_uj + div_u64((u64)pl->p_uw * (t_ms - pl->t0_ms), 1000);

	return d >= pl->e0_uj ? 0 : pl->e0_uj - d;
}

/* open-circuit voltage holding e_uj: V^2 = Vmin^2 + 2 E / (C eta) */
static u32 plant_ocv_uv(const struct gpio_ups_store *store, u64 e_uj)
{
	u64 dv2 = mul_u64_u64_div_u64(e_uj, 200000000000000ULL,
				      (u64)store->capacitance_uf *
				      store->efficiency_pct);

	return (u32)int_sqrt64(dv2 + (u64)store->voltage_min_uv *
			       store->voltage_min_uv);
}

/* what a 12-bit ADC over 0..5 V reads at v_uv, with pl's noise */
static s32 adc_read_uv(struct plant *pl, s64 v)
{
	s64 code;
	int k;

	if (!pl->quantise)
		return (s32)v;
	/* code = v / LSB, LSB = 5 V / 4096, in 1/1024 LSB units */
	code = div_s64(v * (1 << ADC_BITS) * 1024, ADC_FS_UV);
	/* sum of three uniforms in [-1, 1): sigma 1, times noise_lsb */
	for (k = 0; k < 3 && pl->noise_lsb; k++)
		code += ((s64)(plant_rand(pl) & 2047) - 1024) * pl->noise_lsb;
	code = div_s64(code + 512, 1024);
	code = clamp_t(s64, code, 0, (1 << ADC_BITS) - 1);
	return (s32)div_s64(code * ADC_FS_UV, 1 << ADC_BITS);
}

static s32 plant_read_uv(struct plant *pl, u64 t_ms)
{
	return adc_read_uv(pl, plant_ocv_uv(pl->store, plant_energy_uj(pl, t_ms)));
}

/*
 * Physical plant with ESR, integrated in 1 ms steps: the converter draws
 * P_in = P / eta at the terminal voltage V_t = V_oc - I R, the capacitor
 * loses V_oc * I (I^2 R of it in the ESR).  Truths come from running a copy
 * until V_t falls below the cut-off.
 */
struct esr_plant {
	const struct gpio_ups_store *store;
	u64 ecap_uj;		/* 1/2 C V_oc^2 */
	u32 p_uw;		/* load side */
	u64 t_ms;
	bool empty;
};

static void esr_plant_init(struct esr_plant *pl,
			   const struct gpio_ups_store *store, u64 t_ms)
{
	u64 v = store->voltage_max_uv;

	pl->store = store;
	/* uJ = uF * uV^2 / 2e12 */
	pl->ecap_uj = mul_u64_u64_div_u64(store->capacitance_uf, v * v,
					  2000000000000ULL);
	pl->p_uw = 0;
	pl->t_ms = t_ms;
	pl->empty = false;
}

static u32 esr_plant_voc_uv(const struct esr_plant *pl)
{
	return (u32)int_sqrt64(mul_u64_u64_div_u64(pl->ecap_uj, 2000000000000ULL,
						   pl->store->capacitance_uf));
}

/* terminal voltage and current now; false when the store cannot deliver */
static bool esr_plant_vt(const struct esr_plant *pl, u32 *vt_uv, u64 *i_ua)
{
	u64 voc = esr_plant_voc_uv(pl);
	u64 pin = div_u64((u64)pl->p_uw * 100, pl->store->efficiency_pct);
	/* uohm * uW = uV^2 */
	u64 d = 4ULL * pl->store->resistance_uohm * pin;

	if (voc * voc < d)
		return false;
	*vt_uv = (u32)((voc + int_sqrt64(voc * voc - d)) / 2);
	*i_ua = *vt_uv ? div_u64(pin * 1000000, *vt_uv) : 0;
	return *vt_uv >= pl->store->voltage_min_uv || !pl->p_uw;
}

static void esr_plant_run(struct esr_plant *pl, u64 to_ms)
{
	u32 vt;
	u64 i, voc;

	for (; pl->t_ms < to_ms && !pl->empty; pl->t_ms++) {
		if (!esr_plant_vt(pl, &vt, &i)) {
			pl->empty = true;
			break;
		}
		voc = esr_plant_voc_uv(pl);
		/* uV * uA = 1e-12 W; over 1 ms: 1e-9 uJ */
		pl->ecap_uj -= min(pl->ecap_uj, div_u64(voc * i + 500000000,
							1000000000));
	}
}

/* true time to empty at the present load, ms */
static u64 esr_plant_tte_ms(const struct esr_plant *pl)
{
	struct esr_plant c = *pl;

	esr_plant_run(&c, c.t_ms + 3600000);
	return c.t_ms - pl->t_ms;
}

static s32 esr_plant_read_uv(const struct esr_plant *pl)
{
	u32 vt;
	u64 i;

	if (!esr_plant_vt(pl, &vt, &i))
		return 0;
	return (s32)vt;
}

static struct gpio_ups_estimator *est_new(struct kunit *test,
					  const struct gpio_ups_store *store)
{
	struct gpio_ups_estimator *e = kunit_kzalloc(test, sizeof(*e),
						     GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	gpio_ups_est_init(e, store);
	return e;
}

static int feed(struct gpio_ups_estimator *e, u64 t_ms, bool mains,
		s32 v_uv)
{
	struct gpio_ups_sample s = {
		.time_ms = t_ms,
		.on_mains = mains,
		.voltage_valid = true,
		.voltage_uv = v_uv,
	};

	return gpio_ups_est_update(e, &s);
}

/* start an outage at T0_MS, full: one sample on mains, then the switch */
static void start_outage(struct gpio_ups_estimator *e, struct plant *pl)
{
	pl->e0_uj = gpio_ups_energy_full_uj(pl->store);
	feed(e, T0_MS - 10000, true, plant_ocv_uv(pl->store, pl->e0_uj));
	gpio_ups_est_mains_changed(e, false, T0_MS);
	pl->t0_ms = T0_MS;
}

/* feed backup samples every TICK_MS in (from, to] */
static void run_backup(struct gpio_ups_estimator *e, struct plant *pl,
		       u64 from_ms, u64 to_ms)
{
	u64 t;

	for (t = from_ms; t <= to_ms; t += TICK_MS)
		feed(e, t, false, plant_read_uv(pl, t));
}

#define EXPECT_WITHIN_PCT(test, actual, expected, pct) do {		\
	s64 _a = (s64)(actual), _x = (s64)(expected);			\
	s64 _d = _a > _x ? _a - _x : _x - _a;				\
	s64 _p = (pct);							\
	s64 _lim = (_x < 0 ? -_x : _x) * _p;				\
	KUNIT_EXPECT_LE_MSG(test, _d * 100, _lim,			\
			    "%lld not within %lld %% of %lld", _a, _p, _x); \
} while (0)

/* ---- energy model ---- */

static void energy_supercap_known_voltages(struct kunit *test)
{
	const struct gpio_ups_store *store = &seed003;

	/* 1/2 * 25 * (4.6^2 - 2.5^2) * 0.8 = 149.1 J */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 4600000), 149100000ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_full_uj(store), 149100000ULL);
	/* 1/2 * 25 * (3.5^2 - 2.5^2) * 0.8 = 60 J */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 3500000), 60000000ULL);
	/* 1/2 * 25 * (2.6^2 - 2.5^2) * 0.8 = 5.1 J */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 2600000), 5100000ULL);
	/* at and below the cut-off nothing is usable */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 2500000), 0ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 1000000), 0ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(store, 0), 0ULL);
}

static void energy_seed003_backup_times(struct kunit *test)
{
	u64 full = gpio_ups_energy_full_uj(&seed003);

	/* seed 003: ~60 s at 0.5 A and ~25-30 s at 1 A (4.75 V output) */
	KUNIT_EXPECT_EQ(test, div_u64(full, P_HALF_A_UW), 62ULL);
	KUNIT_EXPECT_EQ(test, div_u64(full, P_ONE_A_UW), 31ULL);
}

static void energy_range_limits(struct kunit *test)
{
	struct gpio_ups_store big = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = GPIO_UPS_MAX_CAPACITANCE_UF,
		.voltage_max_uv = GPIO_UPS_MAX_VOLTAGE_UV,
		.voltage_min_uv = 0,
		.efficiency_pct = 100,
	};

	KUNIT_ASSERT_EQ(test, gpio_ups_store_validate(&big), 0);
	/* 1/2 * 3000 F * (30 V)^2 = 1.35 MJ, exactly */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_full_uj(&big), 1350000000000ULL);
	/* 1/2 * 3000 * 29.999999^2 = 1349999910000.0015 J/1e-6 */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&big, 29999999),
			1349999910000ULL);
	/* absurd readings saturate at 2 x 30 V instead of wrapping */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&big, U32_MAX),
			4ULL * 1350000000000ULL);
	/* one microvolt above the cut-off of a 3000 F store at 30 V */
	big.voltage_min_uv = GPIO_UPS_MAX_VOLTAGE_UV - 1;
	/* 1/2 * 3000 * (30^2 - 29.999999^2) = 0.089999... J */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_full_uj(&big), 89999ULL);
}

static void estimator_range_limits(struct kunit *test)
{
	static const struct gpio_ups_store big = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = GPIO_UPS_MAX_CAPACITANCE_UF,
		.voltage_max_uv = GPIO_UPS_MAX_VOLTAGE_UV,
		.voltage_min_uv = 10000000,
		.efficiency_pct = 100,
	};
	struct gpio_ups_estimator *e = est_new(test, &big);
	struct plant pl = { .store = &big, .p_uw = GPIO_UPS_MAX_POWER_UW };
	const struct gpio_ups_estimate *est;
	u64 left;

	start_outage(e, &pl);
	/* 1/2 * 3000 * (30^2 - 10^2) = 1.2 MJ */
	KUNIT_ASSERT_EQ(test, pl.e0_uj, 1200000000000ULL);
	run_backup(e, &pl, T0_MS, T0_MS + 3000);
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->power_measured);
	EXPECT_WITHIN_PCT(test, est->power_uw, GPIO_UPS_MAX_POWER_UW, 2);
	left = plant_energy_uj(&pl, T0_MS + 3000);
	EXPECT_WITHIN_PCT(test, est->energy_uj, left, 1);
	/* 1.2 MJ / 50 W = 24000 s, less 3 s */
	EXPECT_WITHIN_PCT(test, est->tte_s, 23997, 2);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
}

static const struct gpio_ups_store li_ion = {
	.type = GPIO_UPS_STORE_BATTERY,
	.voltage_max_uv = 4200000,
	.voltage_min_uv = 3000000,
	.efficiency_pct = 90,
	.energy_full_design_uwh = 10000000,	/* 10 Wh */
	.resistance_uohm = 100000,		/* 100 mOhm */
	.ocv_points = 5,
	.ocv = {
		{ 4200000, 100 }, { 3900000, 75 }, { 3700000, 40 },
		{ 3500000, 10 }, { 3000000, 0 },
	},
};

static void battery_ocv_lookup(struct kunit *test)
{
	/* on the points */
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 4200000), 1000000U);
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 3700000), 400000U);
	/* between: 40 % + 35 % * (3.8 - 3.7) / (3.9 - 3.7) = 57.5 % */
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 3800000), 575000U);
	/* 10 % * (3.25 - 3.0) / (3.5 - 3.0) = 5 % */
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 3250000), 50000U);
	/* outside the table: clamped */
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 4300000), 1000000U);
	KUNIT_EXPECT_EQ(test, gpio_ups_ocv2cap_ppm(&li_ion, 2900000), 0U);
	/*
	 * 10 Wh * 3600 * 0.9 = 32.4 kJ full, shared out by charge times the
	 * voltage it comes at: from 3.0 V up, 10 % at 3.25 V, 30 % at 3.6 V,
	 * 35 % at 3.8 V and 25 % at 4.05 V, 3.7475 in all (V * share).  Up to
	 * 3.8 V: 0.325 + 1.08 + 17.5 % at 3.75 V = 2.06125, so
	 * 32.4 kJ * 2.06125 / 3.7475 = 17821.081 J (57.5 % of the charge,
	 * 55.0 % of the energy).
	 */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_full_uj(&li_ion), 32400000000ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&li_ion, 3800000),
			17821080720ULL);
	/* the last 5 % of the charge, at 3.125 V: 32.4 kJ * 0.15625 / 3.7475 */
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&li_ion, 3250000),
			1350900600ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&li_ion, 4200000),
			32400000000ULL);
	KUNIT_EXPECT_EQ(test, gpio_ups_energy_uj(&li_ion, 3000000), 0ULL);
}

static void battery_ir_compensation(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &li_ion);
	struct gpio_ups_sample s = {
		.time_ms = T0_MS, .on_mains = false, .voltage_valid = true,
		/* 1 A through 100 mOhm: 3.7 V terminal is 3.8 V open-circuit */
		.voltage_uv = 3700000, .current_valid = true,
		.current_ua = 1000000,
	};
	const struct gpio_ups_estimate *est;

	KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->energy_valid);
	/*
	 * 17821.081 J at 3.8 V (battery_ocv_lookup); the converter stops at
	 * 3.0 V terminal, i.e. 3.1 V open-circuit: 2 % of the charge at
	 * 3.05 V, 32.4 kJ * 0.061 / 3.7475 = 527.392 J; of what the cell
	 * gives, 3.7 / 3.8 reaches the converter:
	 * (17821.081 - 527.392) * 3.7 / 3.8 = 16838.592 J
	 */
	KUNIT_EXPECT_EQ(test, est->energy_uj, 16838592043ULL);
	/* load: the converter gets 3.7 V * 1 A, passes on 90 % */
	KUNIT_ASSERT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_TRUE(test, est->power_measured);
	KUNIT_EXPECT_EQ(test, est->power_uw, 3330000U);
	/* 16838.592 J / 3.33 W */
	KUNIT_EXPECT_EQ(test, est->tte_s, 5056U);
	/* 16838.592 / 32400 */
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 52U);

	/* no current: the plain table, 17821.081 J at 3.8 V */
	e = est_new(test, &li_ion);
	s.voltage_uv = 3800000;
	s.current_valid = false;
	KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
	est = gpio_ups_est_get(e);
	KUNIT_EXPECT_EQ(test, est->energy_uj, 17821080720ULL);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 55U);
}

static void validate_rejects(struct kunit *test)
{
	struct gpio_ups_store store;

	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&seed003), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&li_ion), 0);
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(NULL), -EINVAL);

	store = seed003;
	store.voltage_min_uv = store.voltage_max_uv;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = seed003;
	store.voltage_min_uv = store.voltage_max_uv + 1;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = seed003;
	store.efficiency_pct = 0;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store.efficiency_pct = 101;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store.efficiency_pct = 100;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), 0);
	store = seed003;
	store.capacitance_uf = 0;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store.capacitance_uf = GPIO_UPS_MAX_CAPACITANCE_UF + 1;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = seed003;
	store.voltage_max_uv = GPIO_UPS_MAX_VOLTAGE_UV + 1;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = seed003;
	store.nominal_load_uw = GPIO_UPS_MAX_POWER_UW + 1;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);

	store = li_ion;
	store.energy_full_design_uwh = 0;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = li_ion;
	store.ocv_points = 1;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = li_ion;
	store.ocv[2].ocv_uv = 4000000;	/* voltage not falling */
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
	store = li_ion;
	store.ocv[0].pct = 101;
	KUNIT_EXPECT_EQ(test, gpio_ups_store_validate(&store), -EINVAL);
}

/* ---- estimator: constant-power discharges (seed 003) ---- */

static void runtime_constant_load(struct kunit *test, u32 p_uw, bool quantise,
				  u32 noise_lsb, u64 at_ms, u32 tol_pct)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	struct plant pl = { .store = &seed003, .p_uw = p_uw,
			    .quantise = quantise, .noise_lsb = noise_lsb,
			    .rng = 0x12345678 };
	const struct gpio_ups_estimate *est;
	u64 left;

	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, T0_MS + at_ms);
	est = gpio_ups_est_get(e);
	left = plant_energy_uj(&pl, T0_MS + at_ms);

	KUNIT_ASSERT_TRUE(test, est->energy_valid);
	KUNIT_ASSERT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_TRUE(test, est->power_measured);
	KUNIT_ASSERT_TRUE(test, est->tte_valid);
	EXPECT_WITHIN_PCT(test, est->power_uw, p_uw, tol_pct);
	EXPECT_WITHIN_PCT(test, est->energy_uj, left, 1);
	/* the truth in ms; the estimate in whole seconds */
	KUNIT_EXPECT_LE(test, abs((s64)est->tte_s * 1000 -
				  (s64)div_u64(left * 1000, p_uw)),
			(s64)div_u64(left * 10 * tol_pct, p_uw) + 1000);
	EXPECT_WITHIN_PCT(test, est->capacity_pct,
			  div64_u64(left * 100, pl.e0_uj), 2);
	if (!noise_lsb)
		KUNIT_EXPECT_EQ(test, e->rejected, 0U);
}

static void runtime_half_amp_exact(struct kunit *test)
{
	/* 149.1 J at 2.375 W: 62.8 s in all, 59.8 s left after 3 s */
	runtime_constant_load(test, P_HALF_A_UW, false, 0, 3000, 1);
}

static void runtime_one_amp_exact(struct kunit *test)
{
	runtime_constant_load(test, P_ONE_A_UW, false, 0, 3000, 1);
}

static void runtime_adc_quantised(struct kunit *test)
{
	/* 12 bit over 5 V: 1.22 mV steps, a few per 100 ms sample */
	runtime_constant_load(test, P_HALF_A_UW, true, 0, 3000, 3);
	runtime_constant_load(test, P_ONE_A_UW, true, 0, 3000, 3);
}

static void runtime_adc_noise(struct kunit *test)
{
	/* 1 LSB noise: within 5 % at 3 s; 4 LSB: within 5 % at 10 s */
	runtime_constant_load(test, P_HALF_A_UW, true, 1, 3000, 5);
	runtime_constant_load(test, P_ONE_A_UW, true, 1, 3000, 5);
	runtime_constant_load(test, P_ONE_A_UW, true, 4, 10000, 5);
}

static void nominal_load_until_measured(struct kunit *test)
{
	struct gpio_ups_store store = seed003;
	struct gpio_ups_estimator *e;
	struct plant pl = { .store = &store, .p_uw = P_ONE_A_UW };
	const struct gpio_ups_estimate *est;

	store.nominal_load_uw = 3000000;
	e = est_new(test, &store);
	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, T0_MS + 200);
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_FALSE(test, est->power_measured);
	KUNIT_EXPECT_EQ(test, est->power_uw, 3000000U);
	KUNIT_ASSERT_TRUE(test, est->tte_valid);
	KUNIT_EXPECT_EQ(test, est->tte_s,
			(u32)div_u64(est->energy_uj, 3000000));

	run_backup(e, &pl, T0_MS + 300, T0_MS + 2000);
	KUNIT_EXPECT_TRUE(test, est->power_measured);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_ONE_A_UW, 2);

	/* no nominal load and no measurement yet: no power, no runtime */
	e = est_new(test, &seed003);
	pl.store = &seed003;
	pl.used_uj = 0;
	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, T0_MS + 200);
	est = gpio_ups_est_get(e);
	KUNIT_EXPECT_TRUE(test, est->energy_valid);
	KUNIT_EXPECT_FALSE(test, est->power_valid);
	KUNIT_EXPECT_FALSE(test, est->tte_valid);
}

/* ---- ESR step and load steps ---- */

static void esr_step_is_not_energy(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003_esr);
	struct esr_plant pl;
	const struct gpio_ups_estimate *est;
	u64 t, truth_ms;
	s32 v;

	esr_plant_init(&pl, &seed003_esr, T0_MS);
	feed(e, T0_MS - 10000, true, seed003_esr.voltage_max_uv);
	gpio_ups_est_mains_changed(e, false, T0_MS);
	/*
	 * 1 A from the 4.75 V output: 1.3 A * 30 mOhm = 39 mV sag, worth
	 * 3.6 J or 0.75 s of the load.  The converter ramps up over 150 ms:
	 * the first readings fall far faster than the load drains.
	 */
	for (t = T0_MS; t <= T0_MS + 2000; t += TICK_MS) {
		pl.p_uw = t - T0_MS >= 150 ? P_ONE_A_UW :
			  P_ONE_A_UW / 150 * (u32)(t - T0_MS);
		esr_plant_run(&pl, t);
		v = esr_plant_read_uv(&pl);
		pl.p_uw = P_ONE_A_UW;
		feed(e, t, false, v);
	}
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->power_measured);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_ONE_A_UW, 2);
	truth_ms = esr_plant_tte_ms(&pl);
	EXPECT_WITHIN_PCT(test, div_u64(est->energy_uj * 1000, est->power_uw),
			  truth_ms, 2);
	KUNIT_EXPECT_EQ(test, e->rejected, 0U);
}

static void esr_losses_at_high_load(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003_esr);
	struct esr_plant pl;
	const struct gpio_ups_estimate *est;
	u64 t, truth_ms;

	/* 2.5 A from 4.75 V: 3.7 A to 6.2 A through 30 mOhm, 12 s in all */
	esr_plant_init(&pl, &seed003_esr, T0_MS);
	feed(e, T0_MS - 10000, true, seed003_esr.voltage_max_uv);
	gpio_ups_est_mains_changed(e, false, T0_MS);
	pl.p_uw = 5 * P_HALF_A_UW;
	for (t = T0_MS; t <= T0_MS + 8000; t += TICK_MS) {
		esr_plant_run(&pl, t);
		feed(e, t, false, esr_plant_read_uv(&pl));
	}
	KUNIT_ASSERT_FALSE(test, pl.empty);
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->power_measured);
	/* the deepening sag must not read as more load */
	EXPECT_WITHIN_PCT(test, est->power_uw, 5 * P_HALF_A_UW, 1);
	/* nor the energy the ESR will burn as usable */
	truth_ms = esr_plant_tte_ms(&pl);
	KUNIT_ASSERT_GT(test, truth_ms, 1000ULL);
	EXPECT_WITHIN_PCT(test, est->energy_uj,
			  div_u64(truth_ms * 5 * P_HALF_A_UW, 1000), 2);
	EXPECT_WITHIN_PCT(test, div_u64(est->energy_uj * 1000, est->power_uw),
			  truth_ms, 2);
}

static void load_step_recovers(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003_esr);
	struct esr_plant pl;
	struct plant noise = { .store = &seed003_esr, .quantise = true,
			       .noise_lsb = 1, .rng = 0xdeadbeef };
	const struct gpio_ups_estimate *est;
	u64 step = T0_MS + 5000, t, truth_ms;
	u32 p_before;

	esr_plant_init(&pl, &seed003_esr, T0_MS);
	feed(e, T0_MS - 10000, true, seed003_esr.voltage_max_uv);
	gpio_ups_est_mains_changed(e, false, T0_MS);
	pl.p_uw = P_HALF_A_UW;
	for (t = T0_MS; t < step; t += TICK_MS) {
		esr_plant_run(&pl, t);
		feed(e, t, false, adc_read_uv(&noise, esr_plant_read_uv(&pl)));
	}
	est = gpio_ups_est_get(e);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_HALF_A_UW, 5);
	p_before = est->power_uw;

	/* 0.5 A -> 2 A: the load and the ESR sag (1.5 A * 30 mOhm) jump */
	pl.p_uw = 4 * P_HALF_A_UW;
	for (t = step; t < step + 3000; t += TICK_MS) {
		esr_plant_run(&pl, t);
		feed(e, t, false, adc_read_uv(&noise, esr_plant_read_uv(&pl)));
	}
	KUNIT_ASSERT_FALSE(test, pl.empty);
	est = gpio_ups_est_get(e);
	KUNIT_ASSERT_TRUE(test, est->power_measured);
	KUNIT_ASSERT_GT(test, est->power_uw, 0U);
	EXPECT_WITHIN_PCT(test, est->power_uw, 4 * P_HALF_A_UW, 5);
	truth_ms = esr_plant_tte_ms(&pl);
	EXPECT_WITHIN_PCT(test, div_u64(est->energy_uj * 1000, est->power_uw),
			  truth_ms, 5);
	/* the average lags: between the old and the new load */
	KUNIT_EXPECT_GT(test, est->power_avg_uw, p_before + 100000);
	KUNIT_EXPECT_LT(test, est->power_avg_uw, est->power_uw - 100000);
	KUNIT_EXPECT_GT(test, est->tte_avg_s, est->tte_s);
}

/* ---- rejected readings ---- */

static void rejects_impossible_readings(struct kunit *test)
{
	/* no load above 50 W; margin: 4.6 V / 32 = 144 mV of noise */
	static const struct gpio_ups_store store = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = 25000000,
		.voltage_max_uv = 4600000,
		.voltage_min_uv = 2500000,
		.efficiency_pct = 80,
	};
	struct gpio_ups_estimator *e = est_new(test, &store);
	struct plant pl = { .store = &store, .p_uw = P_ONE_A_UW };
	const struct gpio_ups_estimate *est;
	u64 t = T0_MS + 3000;
	u32 cap;
	u64 energy;

	KUNIT_ASSERT_EQ(test, gpio_ups_store_validate(&store), 0);
	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, t);
	est = gpio_ups_est_get(e);
	cap = est->capacity_pct;
	energy = est->energy_uj;
	KUNIT_ASSERT_EQ(test, e->rejected, 0U);

	/* negative */
	KUNIT_EXPECT_EQ(test, feed(e, t + 100, false, -5000), -ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 1U);
	/* far above voltage-max-design (4.6 V + 10 %) */
	KUNIT_EXPECT_EQ(test, feed(e, t + 200, false, 5100000), -ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 2U);
	/* 0.5 V drop in 100 ms: ~450 W from 25 F, far above 50 W */
	KUNIT_EXPECT_EQ(test, feed(e, t + 300, false,
				   plant_read_uv(&pl, t + 300) - 500000),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 3U);
	/* rising on backup by 0.45 V: more than noise and I * R explain */
	KUNIT_EXPECT_EQ(test, feed(e, t + 400, false,
				   plant_read_uv(&pl, t + 400) + 450000),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 4U);
	/* time going backwards */
	KUNIT_EXPECT_EQ(test, feed(e, t - 1000, false,
				   plant_read_uv(&pl, t)), -ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 5U);
	/* none of them moved the estimate */
	KUNIT_EXPECT_EQ(test, est->capacity_pct, cap);
	KUNIT_EXPECT_EQ(test, est->energy_uj, energy);
	/* no voltage at all is not a rejection */
	{
		struct gpio_ups_sample s = { .time_ms = t + 500 };

		KUNIT_EXPECT_EQ(test, gpio_ups_est_update(e, &s), -ENODATA);
		KUNIT_EXPECT_EQ(test, e->rejected, 5U);
	}
	/* the estimate goes on with good readings */
	run_backup(e, &pl, t + 600, t + 2000);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_ONE_A_UW, 2);
	EXPECT_WITHIN_PCT(test, est->energy_uj,
			  plant_energy_uj(&pl, t + 2000), 1);
}

static void rejects_out_of_range_first_reading(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);

	/* nothing to compare with yet: the absolute bounds alone */
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS, true, -1), -ERANGE);
	/* 4.6 V + 10 % = 5.06 V */
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 100, true, 5060001), -ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 2U);
	KUNIT_EXPECT_FALSE(test, est->energy_valid);
	/* 5.06 V itself is noise on a full store: capacity clamps at 100 */
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 200, true, 5060000), 0);
	KUNIT_EXPECT_TRUE(test, est->energy_valid);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
	KUNIT_EXPECT_EQ(test, est->energy_uj, 149100000ULL);
}

/* Three impossible readings in a row flag the ADC; a good one clears it. */
static void out_of_range_flags_adc(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	int i;

	KUNIT_ASSERT_EQ(test, feed(e, T0_MS, true, 4500000), 0);
	/* the 5.05 V rail on a 4.6 V store read without divider: 4.096 V */
	for (i = 1; i < GPIO_UPS_EST_RESYNC_RUN; i++) {
		KUNIT_EXPECT_EQ(test, feed(e, T0_MS + i * 100, true, 5200000),
				-ERANGE);
		KUNIT_EXPECT_FALSE(test, est->out_of_range);
	}
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + i * 100, true, 5200000), -ERANGE);
	KUNIT_EXPECT_TRUE(test, est->out_of_range);
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 1000, true, 4500000), 0);
	KUNIT_EXPECT_FALSE(test, est->out_of_range);
}

/*
 * A full battery read with its current, whose load drops to a quarter:
 * at the lower load the converter gets more of the charge (a lower cut-off
 * open-circuit voltage, less lost in R), so the reading's energy rises.
 * That is no recharge: the rise stays within the reading's tolerance.
 */
static void battery_load_drop_within_tolerance(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &li_ion);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	struct gpio_ups_sample s = {
		.on_mains = false, .voltage_valid = true, .current_valid = true,
	};
	u64 before;
	int i;

	/* 4.2 V open-circuit: 1 A through 100 mOhm, then 0.25 A */
	for (i = 0; i < 30; i++) {
		s.time_ms = T0_MS + i * TICK_MS;
		s.current_ua = i < 20 ? 1000000 : 250000;
		s.voltage_uv = 4200000 - s.current_ua / 10;
		KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
		if (i == 19)
			before = est->sample_energy_uj;
	}
	KUNIT_ASSERT_GT(test, est->sample_energy_uj, before);
	KUNIT_EXPECT_LE(test, est->sample_energy_uj - before, est->tol_uj);
	/*
	 * and no blanket (the noise of a window spanning the step included):
	 * under 10 % of the store
	 */
	KUNIT_EXPECT_LT(test, est->tol_uj, est->energy_full_uj / 10);
	kunit_info(test, "rise %llu uJ, tolerance %llu uJ\n",
		   est->sample_energy_uj - before, est->tol_uj);
}

static void rise_plausible_on_mains_only(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);

	/* on mains, 2.5 V -> 4.6 V in 60 s is a 1 A charger at work */
	KUNIT_ASSERT_EQ(test, feed(e, T0_MS, true, 2600000), 0);
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 60000, true, 4600000), 0);
	KUNIT_EXPECT_EQ(test, e->rejected, 0U);
	/* on backup the store cannot gain that */
	e = est_new(test, &seed003);
	KUNIT_ASSERT_EQ(test, feed(e, T0_MS, false, 2600000), 0);
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 60000, false, 4600000), -ERANGE);
	KUNIT_EXPECT_EQ(test, e->rejected, 1U);
}

static void lone_glitch_does_not_move_capacity(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	struct plant pl = { .store = &seed003, .p_uw = P_ONE_A_UW };
	const struct gpio_ups_estimate *est;
	u64 t = T0_MS + 3000;
	u64 before;

	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, t);
	est = gpio_ups_est_get(e);
	before = est->energy_uj;
	/* -100 mV: plausible as an ESR step, but alone it is a glitch */
	KUNIT_EXPECT_EQ(test, feed(e, t + 100, false,
				   plant_read_uv(&pl, t + 100) - 100000), 0);
	KUNIT_EXPECT_EQ(test, est->energy_uj, before);
	run_backup(e, &pl, t + 200, t + 1000);
	KUNIT_EXPECT_EQ(test, e->rejected, 1U);
	EXPECT_WITHIN_PCT(test, est->energy_uj,
			  plant_energy_uj(&pl, t + 1000), 1);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_ONE_A_UW, 2);
}

static void resync_on_a_lasting_jump(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	unsigned int i;

	/* on mains at 4.6 V, then the store reads 3.5 V for good */
	KUNIT_ASSERT_EQ(test, feed(e, T0_MS, true, 4600000), 0);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
	for (i = 1; i < GPIO_UPS_EST_RESYNC_RUN; i++) {
		KUNIT_EXPECT_EQ(test, feed(e, T0_MS + i * 100, true, 3500000),
				-ERANGE);
		KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
	}
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + i * 100, true, 3500000), 0);
	/* 60 J of 149.1 J */
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 40U);
	KUNIT_EXPECT_EQ(test, e->rejected, GPIO_UPS_EST_RESYNC_RUN - 1);
}

static void invalidate_forgets(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);

	KUNIT_ASSERT_EQ(test, feed(e, T0_MS, true, 3500000), 0);
	KUNIT_EXPECT_TRUE(test, est->energy_valid);
	gpio_ups_est_invalidate(e);
	KUNIT_EXPECT_FALSE(test, est->energy_valid);
	KUNIT_EXPECT_FALSE(test, est->power_valid);
	KUNIT_EXPECT_FALSE(test, est->tte_valid);
	/* a new level after the ADC came back is not a rate violation */
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 200, true, 4600000), 0);
	KUNIT_EXPECT_TRUE(test, est->energy_valid);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
	KUNIT_EXPECT_EQ(test, e->rejected, 0U);
}

/* ---- on mains: charging, time to full, full ---- */

static void mains_charging_then_full(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	/* 1 A into 25 F: 40 mV/s, 2.5 V -> 4.6 V in 52.5 s */
	u64 t, t_full = T0_MS + 52500;
	u32 v = 0;

	for (t = T0_MS; t <= T0_MS + 40000; t += 10000) {
		v = 2500000 + (u32)(t - T0_MS) * 40;
		KUNIT_ASSERT_EQ(test, feed(e, t, true, v), 0);
		KUNIT_EXPECT_TRUE(test, est->charging);
		KUNIT_EXPECT_FALSE(test, est->full);
		KUNIT_EXPECT_FALSE(test, est->tte_valid);
	}
	/* at 4.1 V: 12.5 s to go */
	KUNIT_ASSERT_TRUE(test, est->ttf_valid);
	KUNIT_EXPECT_EQ(test, est->ttf_s, (u32)div_u64(t_full - (t - 10000), 1000));
	KUNIT_EXPECT_EQ(test, est->voltage_uv, v);
	/* charged: held at 4.6 V, sampled every 60 s */
	for (t = T0_MS + 60000; t <= T0_MS + 300000; t += 60000)
		KUNIT_ASSERT_EQ(test, feed(e, t, true, 4600000), 0);
	KUNIT_EXPECT_TRUE(test, est->full);
	KUNIT_EXPECT_FALSE(test, est->charging);
	KUNIT_EXPECT_FALSE(test, est->ttf_valid);
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 100U);
}

static void mains_steady_below_full(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u64 t;

	/* the charger stops at 4.4 V: steady, 88 % is neither full ... */
	for (t = T0_MS; t <= T0_MS + 240000; t += 60000)
		KUNIT_ASSERT_EQ(test, feed(e, t, true, 4400000), 0);
	/* 1/2 * 25 * (4.4^2 - 2.5^2) * 0.8 = 131.1 J = 87.9 % */
	KUNIT_EXPECT_EQ(test, est->capacity_pct, 88U);
	KUNIT_EXPECT_FALSE(test, est->full);
	/* ... nor charging */
	KUNIT_EXPECT_FALSE(test, est->charging);
}

/* ---- freshness, flapping mains, large stores ---- */

/* Every reading advances seq, identical or not; a rejected one does not. */
static void seq_counts_steady_readings(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u32 seq;
	int i;

	gpio_ups_est_mains_changed(e, false, T0_MS);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, feed(e, T0_MS + i * TICK_MS, false,
					   4000000), 0);
	KUNIT_EXPECT_EQ(test, est->seq, 5U);
	seq = est->seq;
	/* far above the design maximum: rejected, no new reading */
	KUNIT_EXPECT_EQ(test, feed(e, T0_MS + 600, false, 29000000), -ERANGE);
	KUNIT_EXPECT_EQ(test, est->seq, seq);
	/* the count survives a lost ADC */
	gpio_ups_est_invalidate(e);
	KUNIT_EXPECT_EQ(test, est->seq, seq);
}

/*
 * Mains back for less than GPIO_UPS_MAINS_SETTLE_MS (a flapping adapter):
 * the outage goes on, and so does its measured load.  Back for longer: a
 * new outage measures afresh.
 */
static void short_return_keeps_load(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &seed003);
	struct plant pl = { .store = &seed003, .p_uw = P_ONE_A_UW };
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u64 t = T0_MS + 2000;

	start_outage(e, &pl);
	run_backup(e, &pl, T0_MS, t);
	KUNIT_ASSERT_TRUE(test, est->power_measured);

	gpio_ups_est_mains_changed(e, true, t + 50);
	KUNIT_EXPECT_FALSE(test, est->power_valid);
	gpio_ups_est_mains_changed(e, false, t + 350);
	feed(e, t + 360, false, plant_read_uv(&pl, t + 360));
	KUNIT_ASSERT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_TRUE(test, est->power_measured);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_ONE_A_UW, 2);
	KUNIT_EXPECT_TRUE(test, est->tte_valid);

	/* mains held for GPIO_UPS_MAINS_SETTLE_MS: a new outage */
	t += 1000;
	gpio_ups_est_mains_changed(e, true, t);
	gpio_ups_est_mains_changed(e, false, t + GPIO_UPS_MAINS_SETTLE_MS);
	feed(e, t + GPIO_UPS_MAINS_SETTLE_MS + 10, false,
	     plant_read_uv(&pl, t + GPIO_UPS_MAINS_SETTLE_MS + 10));
	KUNIT_EXPECT_FALSE(test, est->power_valid);
}

/*
 * A battery without a current channel runs on its nominal load: declared,
 * not provisional, so the policy does not wait for a measurement.
 */
static void battery_nominal_load_declared(struct kunit *test)
{
	struct gpio_ups_store store = li_ion;
	struct gpio_ups_estimator *e;
	const struct gpio_ups_estimate *est;
	int i;

	store.nominal_load_uw = 3000000;
	e = est_new(test, &store);
	est = gpio_ups_est_get(e);
	gpio_ups_est_mains_changed(e, false, T0_MS);
	/* the flat part of the curve: the same reading again and again */
	for (i = 0; i < 50; i++)
		feed(e, T0_MS + i * TICK_MS, false, 3800000);
	KUNIT_ASSERT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_FALSE(test, est->power_measured);
	KUNIT_EXPECT_TRUE(test, est->power_declared);
	KUNIT_EXPECT_EQ(test, est->power_uw, 3000000U);
	KUNIT_EXPECT_EQ(test, est->seq, 50U);
	/* a supercapacitor's nominal load is provisional */
	store = seed003;
	store.nominal_load_uw = 3000000;
	e = est_new(test, &store);
	est = gpio_ups_est_get(e);
	gpio_ups_est_mains_changed(e, false, T0_MS);
	feed(e, T0_MS + 300, false, 4000000);
	KUNIT_EXPECT_TRUE(test, est->power_valid);
	KUNIT_EXPECT_FALSE(test, est->power_declared);
}

/*
 * The line fit of the largest window: 64 readings over the 120 s a window
 * spans on mains, on a store whose energy needs no scaling (100 F at 26 V,
 * just below 2^35 uJ), charging at 40 W.  Sxe * dt reaches 2^67 there: a
 * 64-bit product wraps and the fit's residuals, hence the reading noise
 * and the tolerance, turn to garbage.  The ramp is straight in voltage, so
 * the residuals are its slight curvature in energy (about 17 J).
 */
static void fit_large_window_no_overflow(struct kunit *test)
{
	static const struct gpio_ups_store big = {
		.type = GPIO_UPS_STORE_SUPERCAP,
		.capacitance_uf = 100000000,
		.voltage_max_uv = 26000000,
		.voltage_min_uv = 10000000,
		.efficiency_pct = 100,
	};
	struct gpio_ups_estimator *e = est_new(test, &big);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u64 full = gpio_ups_energy_uj(&big, big.voltage_max_uv);
	unsigned int i;

	/* 24 V to 26 V: 40 to 43 W, below GPIO_UPS_MAX_POWER_UW */
	for (i = 0; i < GPIO_UPS_EST_WINDOW; i++)
		KUNIT_ASSERT_EQ(test, feed(e, T0_MS + i * 1900ULL, true,
					   24000000 + i * 2000000 / 63), 0);
	KUNIT_EXPECT_EQ(test, e->rejected, 0);
	KUNIT_EXPECT_TRUE(test, est->charging);
	/* noise: 4 mV at 26 V is 10 J, plus 4 sigma of the curvature */
	KUNIT_EXPECT_GT(test, est->tol_uj, 10000000ULL);
	KUNIT_EXPECT_LT(test, est->tol_uj, 150000000ULL);
	KUNIT_EXPECT_LT(test, est->tol_uj, div_u64(full, 100));
}

/*
 * Three minutes on mains, a reading a second from the full store (its
 * noise measured there), then mains fails at T0_MS.
 */
static void settle_then_fail(struct gpio_ups_estimator *e, struct plant *pl)
{
	u64 t;

	pl->e0_uj = gpio_ups_energy_full_uj(pl->store);
	pl->t0_ms = T0_MS;
	for (t = T0_MS - 180000; t < T0_MS; t += 1000)
		feed(e, t, true, plant_read_uv(pl, T0_MS));
	gpio_ups_est_mains_changed(e, false, T0_MS);
}

/* Readings every TICK_MS from T0_MS until the load is proven; time taken. */
static u64 run_until_proven(struct gpio_ups_estimator *e, struct plant *pl)
{
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u64 t;

	for (t = T0_MS + TICK_MS; t <= T0_MS + 5000; t += TICK_MS) {
		feed(e, t, false, plant_read_uv(pl, t));
		if (est->power_proven)
			break;
	}
	return t - T0_MS;
}

/*
 * A reading that does not follow the store (the regulated rail through a
 * divider): flat, 2 LSB of noise.  On backup its window shows slopes of a
 * few hundred milliwatts: published as measured, never proven.  The noise
 * the mains window measured is in the tolerance from the first reading on
 * backup, before a new window is ready.
 */
static void noise_slope_not_proven(struct kunit *test)
{
	struct plant pl = { .store = &seed003_esr, .quantise = true,
			    .noise_lsb = 2, .rng = 0x1234567 };
	struct gpio_ups_estimator *e = est_new(test, pl.store);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u32 vmax = pl.store->voltage_max_uv;
	u64 mv4_uj = gpio_ups_energy_uj(pl.store, vmax) -
		     gpio_ups_energy_uj(pl.store, vmax - 4000);
	unsigned int measured = 0, proven = 0;
	u64 t;

	settle_then_fail(e, &pl);
	feed(e, T0_MS + TICK_MS, false, plant_read_uv(&pl, T0_MS));
	KUNIT_EXPECT_GT(test, est->tol_uj, mv4_uj + mv4_uj / 2);
	for (t = T0_MS + 2 * TICK_MS; t <= T0_MS + 10000; t += TICK_MS) {
		feed(e, t, false, plant_read_uv(&pl, T0_MS));
		measured += est->power_measured;
		proven += est->power_proven;
	}
	KUNIT_EXPECT_GT(test, measured, 0U);
	KUNIT_EXPECT_EQ(test, proven, 0U);
}

/* A real load through the same noise is proven within a second. */
static void drain_proven_quickly(struct kunit *test)
{
	struct plant pl = { .store = &seed003_esr, .p_uw = P_HALF_A_UW,
			    .quantise = true, .noise_lsb = 2,
			    .rng = 0x1234567 };
	struct gpio_ups_estimator *e = est_new(test, pl.store);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	u64 ms;

	start_outage(e, &pl);
	ms = run_until_proven(e, &pl);
	KUNIT_EXPECT_TRUE(test, est->power_proven);
	KUNIT_EXPECT_LE(test, ms, 1000ULL);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_HALF_A_UW, 25);
}

/*
 * A reading that does not follow the store (a divider on the regulated
 * rail: flat, 2 LSB of noise) with a declared load: the noise slopes are
 * published as measurements, but none is proven, so none may lower the
 * declared load.  Else the 8 W host of a 25 F store shows a few hundred
 * milliwatts and the reserve rule never sees the load that empties it.
 */
static void unproven_slope_keeps_nominal(struct kunit *test)
{
	struct gpio_ups_store store = seed003_esr;
	struct plant pl = { .store = &store, .quantise = true,
			    .noise_lsb = 2, .rng = 0x1234567 };
	struct gpio_ups_estimator *e;
	const struct gpio_ups_estimate *est;
	unsigned int measured = 0, below = 0;
	u32 least_uw = U32_MAX;
	u64 t;

	store.nominal_load_uw = 8000000;
	e = est_new(test, &store);
	est = gpio_ups_est_get(e);
	settle_then_fail(e, &pl);
	for (t = T0_MS + TICK_MS; t <= T0_MS + 10000; t += TICK_MS) {
		feed(e, t, false, plant_read_uv(&pl, T0_MS));
		KUNIT_ASSERT_TRUE(test, est->power_valid);
		KUNIT_ASSERT_FALSE(test, est->power_proven);
		below += est->power_uw < store.nominal_load_uw;
		least_uw = min(least_uw, est->power_uw);
		measured += est->power_measured;
	}
	KUNIT_EXPECT_GT(test, measured, 0U);
	KUNIT_EXPECT_EQ(test, below, 0U);
	KUNIT_EXPECT_GE(test, least_uw, store.nominal_load_uw);

	/* a real load through the same noise is proven and replaces it */
	e = est_new(test, &store);
	est = gpio_ups_est_get(e);
	pl.p_uw = P_HALF_A_UW;
	start_outage(e, &pl);
	run_until_proven(e, &pl);
	KUNIT_ASSERT_TRUE(test, est->power_proven);
	EXPECT_WITHIN_PCT(test, est->power_uw, P_HALF_A_UW, 25);
}

/*
 * A battery read with its current, through a noisy ADC (+-8 mV on the
 * steady store on mains): right after the switch the window is empty, and
 * a reading 20 mV above an outlier 12 mV low is noise, not a recharge.
 * Its tolerance must hold the noise measured on mains, as it does for a
 * reading without current: with GPIO_UPS_EST_TOL_NOISE_UV alone (4 mV)
 * three such readings in a row had the policy distrust a sound ADC.
 */
static void current_reading_noise_after_switch(struct kunit *test)
{
	static const s32 noise_uv[] = { -12000, 8000, 8000, 8000 };
	struct gpio_ups_estimator *e = est_new(test, &li_ion);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	struct gpio_ups_sample s = {
		.voltage_valid = true, .current_valid = true,
	};
	u64 t, first_uj = 0;
	unsigned int i;

	s.on_mains = true;
	for (t = T0_MS - 180000, i = 0; t < T0_MS; t += 1000, i++) {
		s.time_ms = t;
		s.voltage_uv = 4150000 + (i & 1 ? 8000 : -8000);
		KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
	}
	gpio_ups_est_mains_changed(e, false, T0_MS);
	s.on_mains = false;
	s.current_ua = 1000000;
	for (i = 0; i < ARRAY_SIZE(noise_uv); i++) {
		s.time_ms = T0_MS + (i + 1) * TICK_MS;
		/* 3.6 W: 100 mV across 100 mOhm, 1 mV a second of drain */
		s.voltage_uv = 4050000 + noise_uv[i];
		KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
		if (!i) {
			first_uj = est->sample_energy_uj;
			continue;
		}
		KUNIT_EXPECT_LE(test, est->sample_energy_uj,
				first_uj + est->tol_uj);
	}
}

/*
 * Two 0 V glitches in a row near the end of a battery read with its
 * current: both readings are looked up at V + I * R, so no load step can
 * explain a fall of 3.3 V.  Taken, they had the policy anchor the energy
 * at 0, distrust the sound readings that followed and force the emergency
 * power-off at once.
 */
static void battery_zero_glitch_rejected(struct kunit *test)
{
	struct gpio_ups_estimator *e = est_new(test, &li_ion);
	const struct gpio_ups_estimate *est = gpio_ups_est_get(e);
	struct gpio_ups_sample s = {
		.voltage_valid = true, .current_valid = true,
		.current_ua = 200000, .voltage_uv = 3300000,
	};
	u64 before;
	int i;

	gpio_ups_est_mains_changed(e, false, T0_MS);
	for (i = 1; i <= 20; i++) {
		s.time_ms = T0_MS + i * TICK_MS;
		KUNIT_ASSERT_EQ(test, gpio_ups_est_update(e, &s), 0);
	}
	before = est->sample_energy_uj;
	KUNIT_ASSERT_GT(test, before, 0ULL);
	s.voltage_uv = 0;
	for (i = 21; i <= 22; i++) {
		s.time_ms = T0_MS + i * TICK_MS;
		KUNIT_EXPECT_EQ(test, gpio_ups_est_update(e, &s), -ERANGE);
		KUNIT_EXPECT_EQ(test, est->sample_energy_uj, before);
	}
	s.voltage_uv = 3300000;
	s.time_ms = T0_MS + 23 * TICK_MS;
	KUNIT_EXPECT_EQ(test, gpio_ups_est_update(e, &s), 0);
	KUNIT_EXPECT_EQ(test, e->rejected, 2U);
}

static struct kunit_case gpio_ups_energy_cases[] = {
	KUNIT_CASE(energy_supercap_known_voltages),
	KUNIT_CASE(energy_seed003_backup_times),
	KUNIT_CASE(energy_range_limits),
	KUNIT_CASE(estimator_range_limits),
	KUNIT_CASE(battery_ocv_lookup),
	KUNIT_CASE(battery_ir_compensation),
	KUNIT_CASE(validate_rejects),
	KUNIT_CASE(runtime_half_amp_exact),
	KUNIT_CASE(runtime_one_amp_exact),
	KUNIT_CASE(runtime_adc_quantised),
	KUNIT_CASE(runtime_adc_noise),
	KUNIT_CASE(nominal_load_until_measured),
	KUNIT_CASE(esr_step_is_not_energy),
	KUNIT_CASE(esr_losses_at_high_load),
	KUNIT_CASE(load_step_recovers),
	KUNIT_CASE(rejects_impossible_readings),
	KUNIT_CASE(rejects_out_of_range_first_reading),
	KUNIT_CASE(out_of_range_flags_adc),
	KUNIT_CASE(battery_load_drop_within_tolerance),
	KUNIT_CASE(rise_plausible_on_mains_only),
	KUNIT_CASE(lone_glitch_does_not_move_capacity),
	KUNIT_CASE(resync_on_a_lasting_jump),
	KUNIT_CASE(invalidate_forgets),
	KUNIT_CASE(mains_charging_then_full),
	KUNIT_CASE(mains_steady_below_full),
	KUNIT_CASE(seq_counts_steady_readings),
	KUNIT_CASE(short_return_keeps_load),
	KUNIT_CASE(battery_nominal_load_declared),
	KUNIT_CASE(fit_large_window_no_overflow),
	KUNIT_CASE(noise_slope_not_proven),
	KUNIT_CASE(drain_proven_quickly),
	KUNIT_CASE(unproven_slope_keeps_nominal),
	KUNIT_CASE(current_reading_noise_after_switch),
	KUNIT_CASE(battery_zero_glitch_rejected),
	{}
};

static struct kunit_suite gpio_ups_energy_suite = {
	.name = "gpio-ups-energy",
	.test_cases = gpio_ups_energy_cases,
};

kunit_test_suite(gpio_ups_energy_suite);
