// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decision quality of the gpio-ups shutdown policy against three baselines.
 *
 * Every case is one outage on a simulated store (sim.c; the four boards
 * of boards.c) starting full:
 * mains fails at t = 0, returns after the outage length (or never), the
 * load runs at P until a policy commits, then at P/2 for the shutdown
 * duration, then the host is off.  The driver's data path is reproduced:
 * power-fail debounce 100 ms, the store voltage (and, for the battery
 * board, the current) read every 100 ms on backup through a 12-bit ADC with
 * noise, every reading fed to the real estimator (gpio_ups_est_*), every
 * estimate to the real policy (gpio_ups_policy_step), and the policy's
 * timers honoured.
 *
 * Policies:
 *   gpio-ups     this driver, configured as the user guide says: the
 *                host's shutdown-duration-ms and shutdown-load-percent (50,
 *                the host's shutdown load), the binding's defaults for the
 *                rest (margin 150 %, fallback 3 s).
 *   gpio-ups/m100  the same with shutdown-margin-percent 100 (the lowest
 *                the binding allows), to show what the margin costs.
 *   gpio-ups/l100  the same with shutdown-load-percent left at its default
 *                (100: the running load for the whole shutdown), to show
 *                what not measuring the shutdown load costs.
 *   fixed-2s     commit 2 s after the power loss (the controller of seed
 *                003 signals the host 2 s after a power failure).
 *   apcupsd      ONBATTERYDELAY 6 s, then commit once the estimated runtime
 *                (the same estimator's time_to_empty) is below MINUTES 3 or
 *                the capacity at or below BATTERYLEVEL 5 (apcupsd.conf
 *                defaults), polled every 1 s.
 *   accumulator  the monitor of seed 002: samples PWRGOOD once per second;
 *                while power is bad a counter grows by
 *                1 + cpu_pc * (imax / idle - 1), i.e. by the load current
 *                in units of the idle current, and the host commits when
 *                it exceeds count_max.  The seed publishes the docstring
 *                and the first lines only, so count_max is reconstructed
 *                as its author sized it: the nominal store energy
 *                1/2 * C * (Vmax^2 - Vmin^2) with the seed's voltages
 *                (single cap 2.7 -> 2.3 V, 2-cap stack 4.5 -> 2.4 V; the
 *                battery: capacity * 3.7 V), times the converter
 *                efficiency, less the UPS's 20 s hold after SHUTDN at the
 *                shutdown load; the monitor's current model is taken as
 *                exact (counter rate = P / P_idle), in its favour.
 *
 * Outcomes (per case):
 *   undersized   committing at the very start of the outage still browns
 *                out (the store cannot carry the shutdown itself): no
 *                policy can be safe; these configurations are reported
 *                apart and counted against nobody.
 *   ridable      the store can carry the running load to the end of the
 *                outage and still hold a clean shutdown after it (ground
 *                truth from the plant, not from the estimator); "forever"
 *                outages are never ridable.
 *   brownout     the store ran empty while the host was up (before the
 *                shutdown finished, or with no commit at all).
 *   needless     a commit in a ridable outage (it ended with energy to
 *                spare).
 *   ride-through ridable outages ended with no commit / ridable outages.
 *   emergency    the policy's emergency power-off deadline came before the
 *                clean shutdown finished (not a brownout, not clean either).
 *   ceiling      printed under each table: the ride-through of a commit at
 *                the last moment from which the plant (ground truth) still
 *                carries the shutdown and GPIO_UPS_POLICY_EMERGENCY_LEAD_MS
 *                after it, i.e. the most a policy can ride through without
 *                browning out or cutting its own clean shutdown short.
 *
 * A second pass repeats the matrix (one noise seed) on stores holding 80 %
 * of the capacity the driver and the baselines are configured with
 * (supercapacitor tolerance and ageing, a worn battery).  A third one adds
 * ADC faults: failed reads (handled as the driver does: the estimate is
 * dropped at the third failure in a row) and absurd readings (0 V, full
 * scale); a fourth one also loses the ADC for good 20 s into the outage.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "gpio-ups-energy.h"
#include "gpio-ups-policy.h"
#include "boards.h"
#include "sim.h"

#define TICK_MS			10
#define DEBOUNCE_MS		100
#define SAMPLE_MS		100
#define SEEDS			2
#define FOREVER			-1.0
#define AGED			0.8	/* robustness pass: capacity factor */
#define FAULT_ERR		0.02	/* fault pass: share of failed reads */
#define FAULT_ABSURD		0.01	/* ... and of absurd readings */
#define ADC_LOST_MS		20000	/* ... ADC lost for good this late */

/* 0: clean ADC; 1: glitches; 2: glitches, then the ADC is lost */
static int fault_mode;

enum pol { POL_GPIO_UPS, POL_GPIO_UPS_M100, POL_GPIO_UPS_L100, POL_FIXED,
	   POL_APC, POL_ACCU, NPOL };
static const char *const pol_name[NPOL] = {
	"gpio-ups", "gpio-ups/m100", "gpio-ups/l100", "fixed-2s", "apcupsd",
	"accumulator",
};

static const double loads_w[] = { 0.6, 2.5, 4.0, 8.0 };
static const double outages_s[] = {
	0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600,
	FOREVER,
};
static const double durations_s[] = { 10, 25 };

static void plant_init(struct sim_plant *p, const struct bench_board *s)
{
	if (s->kind == SIM_SUPERCAP)
		sim_supercap_init(p, &s->cap);
	else
		sim_battery_init(p, &s->bat);
}

/* the host's load: P running, P/2 while shutting down, 0 when off */
struct host {
	double p_w;
	double t_commit_s;	/* < 0: not committed */
	double t_off_s;		/* < 0: not off */
	double dur_s;
};

static double host_load(double t_s, void *ctx)
{
	const struct host *h = ctx;

	if (h->t_off_s >= 0 && t_s >= h->t_off_s)
		return 0;
	if (h->t_commit_s >= 0 && t_s >= h->t_commit_s)
		return h->p_w * HOST_SHUTDOWN_LOAD_PCT / 100;
	return h->p_w;
}

/* ground truth: run P for run_s then P/2 for dur_s; true if it browns out */
static bool truth_browns_out(const struct bench_board *s, double p_w,
			     double run_s, double dur_s)
{
	struct host h = { .p_w = p_w, .t_commit_s = run_s,
			  .t_off_s = run_s + dur_s, .dur_s = dur_s };
	struct sim_plant pl;
	double t;

	plant_init(&pl, s);
	sim_plant_set_load(&pl, host_load, &h);
	sim_plant_set_mains(&pl, false);
	for (t = 0; t < run_s + dur_s && !sim_plant_empty(&pl); t += 0.1)
		sim_plant_step(&pl, 0.1);
	return sim_plant_empty(&pl);
}

/*
 * Ground truth: the latest commit time from which the plant still carries
 * the shutdown and then hold_s more at the shutdown load (10 ms
 * resolution), or limit_s if that is later; -1 if even a commit at 0 does
 * not.
 */
static double truth_last_commit_s(const struct bench_board *s, double p_w,
				  double dur_s, double hold_s, double limit_s)
{
	double lo = 0, hi = limit_s, mid;

	if (truth_browns_out(s, p_w, 0, dur_s + hold_s))
		return -1;
	if (!truth_browns_out(s, p_w, limit_s, dur_s + hold_s))
		return limit_s;
	while (hi - lo > 0.01) {
		mid = (lo + hi) / 2;
		if (truth_browns_out(s, p_w, mid, dur_s + hold_s))
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

struct outcome {
	bool commit;
	bool brownout;
	bool forced;		/* emergency power-off before the end */
	double t_commit_s;
};

static struct outcome run_case(const struct bench_board *s, double p_w,
			       double outage_s, double dur_s, enum pol pol,
			       u64 seed)
{
	struct gpio_ups_estimator est;
	struct gpio_ups_policy pol_state;
	struct gpio_ups_policy_cfg cfg;
	struct gpio_ups_decision d = { .next_eval_ms = GPIO_UPS_NEVER,
				       .emergency_ms = GPIO_UPS_NEVER };
	struct host h = { .p_w = p_w, .t_commit_s = -1, .t_off_s = -1,
			  .dur_s = dur_s };
	struct outcome o = { .t_commit_s = -1 };
	struct sim_plant pl;
	struct sim_adc adc;
	struct sim_rng irng, frng;
	unsigned int adc_errors = 0;
	const struct gpio_ups_estimate *e;
	long long end_ms = outage_s < 0 ? -1 : llround(outage_s * 1000);
	double budget = bench_accu_budget_j(s, p_w), accu = 0;
	u64 emergency = GPIO_UPS_NEVER, next_eval = GPIO_UPS_NEVER;
	long long t, t0 = 1000000;	/* driver clock at the power loss */
	bool committed = false;

	plant_init(&pl, s);
	sim_plant_set_load(&pl, host_load, &h);
	sim_adc_init(&adc, 12, s->adc_fs_v, s->adc_div, 1.0, seed);
	sim_rng_seed(&irng, seed ^ 0x5eed);
	sim_rng_seed(&frng, seed ^ 0xfa17);
	gpio_ups_est_init(&est, &s->st);
	gpio_ups_policy_cfg_defaults(&cfg);
	cfg.shutdown_duration_ms = (u32)(dur_s * 1000);
	if (pol != POL_GPIO_UPS_L100)
		cfg.shutdown_load_pct = HOST_SHUTDOWN_LOAD_PCT;
	if (pol == POL_GPIO_UPS_M100)
		cfg.margin_pct = 100;
	cfg.sample_interval_ms = SAMPLE_MS;
	gpio_ups_policy_init(&pol_state, &cfg, true, 0);

	/* on mains, charged: the driver's periodic samples (every 60 s) */
	for (t = t0 - 180000; t <= t0; t += 60000) {
		struct gpio_ups_sample smp = {
			.time_ms = t, .on_mains = true, .voltage_valid = true,
			.voltage_uv = sim_adc_read_uv(&adc, sim_plant_terminal_v(&pl)),
			.current_valid = s->has_current, .current_ua = 0,
		};

		gpio_ups_est_update(&est, &smp);
	}

	sim_plant_set_mains(&pl, false);
	for (t = 0;; t += TICK_MS) {
		u64 now = t0 + t;
		bool step = false, sample = false;

		if (end_ms >= 0 && t >= end_ms) {
			/* mains back: the host (if still shutting down) runs
			 * from mains; nothing can brown out any more
			 */
			break;
		}
		if (committed && t / 1000.0 >= h.t_off_s)
			break;		/* shutdown finished */
		if (sim_plant_empty(&pl)) {
			o.brownout = true;	/* the host is still up */
			break;
		}
		if (committed && now >= emergency) {
			o.forced = true;
			break;
		}

		if (t >= DEBOUNCE_MS) {
			sample = (t - DEBOUNCE_MS) % SAMPLE_MS == 0;
			step = t == DEBOUNCE_MS || sample ||
			       (!committed && now >= next_eval);
		}
		if (sample && pol != POL_FIXED && pol != POL_ACCU) {
			double i_a = sim_plant_current_a(&pl);
			struct gpio_ups_sample smp = {
				.time_ms = now, .on_mains = false,
				.voltage_valid = true,
				.voltage_uv = sim_adc_read_uv(&adc,
					sim_plant_terminal_v(&pl)),
				.current_valid = s->has_current,
				/* current sense: 0.1 mA steps, 2 mA noise */
				.current_ua = (s32)(lround((i_a * 1e3 +
					2.0 * sim_rng_gauss(&irng)) * 10) * 100),
			};

			bool failed = false;

			if (t == DEBOUNCE_MS)
				gpio_ups_est_mains_changed(&est, false, now);
			if (fault_mode) {
				double u = sim_rng_uniform(&frng);

				if (fault_mode == 2 && t >= ADC_LOST_MS)
					failed = true;
				else if (u < FAULT_ERR)
					failed = true;
				else if (u < FAULT_ERR + FAULT_ABSURD)
					/* a glitch: 0 V or a full-scale code */
					smp.voltage_uv = u < FAULT_ERR + FAULT_ABSURD / 2 ?
						0 : (s32)(s->adc_fs_v * s->adc_div * 1e6);
			}
			if (failed) {
				/* the driver: the estimate is dropped at the
				 * third failed read in a row
				 */
				if (++adc_errors == 3)
					gpio_ups_est_invalidate(&est);
			} else {
				adc_errors = 0;
				gpio_ups_est_update(&est, &smp);
			}
		}
		e = gpio_ups_est_get(&est);

		switch (pol) {
		case POL_GPIO_UPS:
		case POL_GPIO_UPS_M100:
		case POL_GPIO_UPS_L100:
			if (step) {
				struct gpio_ups_policy_input in = {
					.now_ms = now, .on_mains = false,
					.est = e,
				};

				gpio_ups_policy_step(&pol_state, &in, &d);
				next_eval = d.next_eval_ms;
				if (d.commit)
					committed = true;
				if (committed)
					emergency = d.emergency_ms;
			}
			break;
		case POL_FIXED:
			committed = t >= 2000;
			break;
		case POL_APC:
			if (t >= 6000 && t % 1000 == 0 && e->energy_valid &&
			    (e->capacity_pct <= 5 ||
			     (e->tte_valid && e->tte_s < 180)))
				committed = true;
			break;
		case POL_ACCU:
			if (t > 0 && t % 1000 == 0) {
				accu += p_w;	/* one second of load */
				committed = accu > budget;
			}
			break;
		default:
			break;
		}
		if (committed && h.t_commit_s < 0) {
			h.t_commit_s = t / 1000.0;
			h.t_off_s = h.t_commit_s + dur_s;
			o.commit = true;
			o.t_commit_s = h.t_commit_s;
		}
		sim_plant_step(&pl, TICK_MS / 1000.0);
	}
	return o;
}

struct tally {
	unsigned int cases, brownouts, needless, ridable, ridden, forced;
};

/* the plant of a store aged to `age` of its nominal (DT) capacity */
static struct bench_board store_aged(const struct bench_board *s, double age)
{
	struct bench_board a = *s;

	a.cap.c_f *= age;
	a.bat.capacity_ah *= age;
	return a;
}

static void print_table(const char *title, const struct tally *tot,
			const struct tally (*per)[NPOL], unsigned int ceiling)
{
	unsigned int k, si;

	printf("%s\n", title);
	printf("%-14s %9s %9s %9s %9s %12s %9s\n", "policy", "brownouts",
	       "needless", "ridable", "ridden", "ride-through", "emergency");
	for (k = 0; k < NPOL; k++)
		printf("%-14s %9u %9u %9u %9u %11.1f%% %9u\n", pol_name[k],
		       tot[k].brownouts, tot[k].needless, tot[k].ridable,
		       tot[k].ridden,
		       tot[k].ridable ? 100.0 * tot[k].ridden / tot[k].ridable : 0,
		       tot[k].forced);
	printf("ceiling: a commit at the last moment (from the plant's ground truth) that still\n"
	       "holds the shutdown and the %u ms emergency lead after it rides through %u of %u, %.1f%%\n",
	       GPIO_UPS_POLICY_EMERGENCY_LEAD_MS, ceiling, tot[0].ridable,
	       tot[0].ridable ? 100.0 * ceiling / tot[0].ridable : 0);
	printf("\nper store: brownouts / ride-through\n%-16s", "store");
	for (k = 0; k < NPOL; k++)
		printf(" %16s", pol_name[k]);
	printf("\n");
	for (si = 0; si < ARRAY_SIZE(bench_boards); si++) {
		printf("%-16s", bench_boards[si].name);
		for (k = 0; k < NPOL; k++) {
			const struct tally *a = &per[si][k];

			printf(" %5u / %6.1f%% ", a->brownouts,
			       a->ridable ? 100.0 * a->ridden / a->ridable : 0);
		}
		printf("\n");
	}
}

/* Run the whole matrix on stores aged to `age`; returns gpio-ups brownouts */
static unsigned int run_matrix(double age, unsigned int seeds)
{
	struct tally tot[NPOL], per[ARRAY_SIZE(bench_boards)][NPOL];
	unsigned int undersized_cfg = 0, undersized_cases = 0, cases = 0;
	unsigned int ceiling = 0;
	double t_last;
	unsigned int si, li, di, oi, k, seed;
	char title[400];

	memset(tot, 0, sizeof(tot));
	memset(per, 0, sizeof(per));
	for (si = 0; si < ARRAY_SIZE(bench_boards); si++) {
		const struct bench_board s = store_aged(&bench_boards[si], age);

		for (li = 0; li < ARRAY_SIZE(loads_w); li++) {
			for (di = 0; di < ARRAY_SIZE(durations_s); di++) {
				double p = loads_w[li], dur = durations_s[di];

				if (truth_browns_out(&s, p, 0, dur)) {
					undersized_cfg++;
					undersized_cases +=
						ARRAY_SIZE(outages_s) * seeds;
					printf("undersized: %-16s %4.1f W, shutdown %2.0f s\n",
					       s.name, p, dur);
					continue;
				}
				t_last = truth_last_commit_s(&s, p, dur,
					GPIO_UPS_POLICY_EMERGENCY_LEAD_MS / 1000.0,
					/* the longest finite outage */
					outages_s[ARRAY_SIZE(outages_s) - 2]);
				for (oi = 0; oi < ARRAY_SIZE(outages_s); oi++) {
					double L = outages_s[oi];
					bool ridable = L >= 0 &&
						!truth_browns_out(&s, p, L, dur);

					for (seed = 1; seed <= seeds; seed++) {
						cases++;
						ceiling += ridable && L <= t_last;
						for (k = 0; k < NPOL; k++) {
							struct outcome o =
								run_case(&s, p, L, dur, k,
									 seed * 7919 + oi);
							struct tally *a[2] = {
								&tot[k], &per[si][k] };
							int j;

							if (getenv("BENCH_DEBUG") &&
							    (o.brownout || o.forced))
								fprintf(stderr, "%s %s %.1fW dur %.0fs outage %.1fs seed %u: commit %.2fs%s%s\n",
									pol_name[k], s.name, p, dur, L, seed,
									o.t_commit_s, o.brownout ? " BROWNOUT" : "",
									o.forced ? " forced" : "");

							for (j = 0; j < 2; j++) {
								a[j]->cases++;
								a[j]->brownouts += o.brownout;
								a[j]->forced += o.forced;
								a[j]->ridable += ridable;
								a[j]->needless += ridable && o.commit;
								a[j]->ridden += ridable && !o.commit;
							}
						}
					}
				}
			}
		}
	}
	snprintf(title, sizeof(title),
		 "\nDecision quality%s%s: %u outages counted (%u stores x %u loads x %u shutdown durations x %u outage lengths x %u noise seeds, less undersized)\n"
		 "undersized (store cannot carry the shutdown itself, counted against nobody): %u configurations, %u outages\n",
		 age < 1 ? " on aged stores" : "",
		 fault_mode == 1 ? " with ADC faults" :
		 fault_mode == 2 ? " with ADC faults and loss" : "", cases,
		 (unsigned int)ARRAY_SIZE(bench_boards),
		 (unsigned int)ARRAY_SIZE(loads_w),
		 (unsigned int)ARRAY_SIZE(durations_s),
		 (unsigned int)ARRAY_SIZE(outages_s), seeds,
		 undersized_cfg, undersized_cases);
	print_table(title, tot, per, ceiling);
	return tot[POL_GPIO_UPS].brownouts + tot[POL_GPIO_UPS_M100].brownouts +
	       tot[POL_GPIO_UPS_L100].brownouts;
}

int main(void)
{
	unsigned int b;

	bench_boards_setup();

	printf("Shutdown decisions over the outage matrix (definitions in scripts/bench/bench-decision.c)\n");
	printf("gpio-ups: shutdown-duration-ms and shutdown-load-percent (%d) of the host, margin 150 %% (default); /m100: shutdown-margin-percent 100; /l100: shutdown-load-percent 100 (default)\n",
	       HOST_SHUTDOWN_LOAD_PCT);
	printf("apcupsd: ONBATTERYDELAY 6, MINUTES 3, BATTERYLEVEL 5\n");
	printf("emergency: gpio-ups emergency power-offs before the clean shutdown finished\n");
	b = run_matrix(1.0, SEEDS);
	printf("\nRobustness: stores at %.0f %% of the capacity the driver is told (supercapacitor -10/+30 %% tolerance and ageing, worn battery); baselines keep their nominal settings\n",
	       AGED * 100);
	b += run_matrix(AGED, 1);
	printf("\nRobustness: ADC faults: %.0f %% of the reads fail (-EIO; the driver drops the estimate at the third failure in a row), %.0f %% read 0 V or full scale\n",
	       FAULT_ERR * 100, FAULT_ABSURD * 100);
	fault_mode = 1;
	b += run_matrix(1.0, 1);
	printf("\nRobustness: the same, and the ADC is lost for good %d s into the outage\n",
	       ADC_LOST_MS / 1000);
	fault_mode = 2;
	b += run_matrix(1.0, 1);
	printf("\ngpio-ups brownouts: %u (target 0)\n", b);
	return 0;
}
