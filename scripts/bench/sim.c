// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plant simulator for the gpio-ups benchmarks: see sim.h.
 */
#include <math.h>
#include <string.h>

#include "sim.h"

#define SIM_MAX_DT_S 0.001

double sim_load_step_fn(double t_s, void *ctx)
{
	const struct sim_load_step *l = ctx;

	return t_s < l->t_step_s ? l->p0_w : l->p1_w;
}

static double sim_no_load(double t_s, void *ctx)
{
	(void)t_s;
	(void)ctx;
	return 0.0;
}

static void sim_update_terminal(struct sim_plant *p, double r)
{
	p->v_term = p->v_oc - p->i_a * r;
}

void sim_supercap_init(struct sim_plant *p, const struct sim_supercap_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	p->kind = SIM_SUPERCAP;
	p->cap = *cfg;
	p->load = sim_no_load;
	p->on_mains = true;
	p->v_oc = cfg->v0_v > 0 ? cfg->v0_v : cfg->vmax_v;
	p->v_term = p->v_oc;
	p->t_empty_s = -1;
}

double sim_battery_ocv(const struct sim_plant *p, double soc)
{
	const struct sim_ocv_point *o = p->ocv;
	int n = p->bat.ocv_points, i;

	if (n <= 0)
		return 0;
	if (soc >= o[0].soc)
		return o[0].ocv_v;
	for (i = 1; i < n; i++) {
		if (soc >= o[i].soc) {
			double f = (soc - o[i].soc) / (o[i - 1].soc - o[i].soc);

			return o[i].ocv_v + f * (o[i - 1].ocv_v - o[i].ocv_v);
		}
	}
	return o[n - 1].ocv_v;
}

void sim_battery_init(struct sim_plant *p, const struct sim_battery_cfg *cfg)
{
	int n = cfg->ocv_points;

	memset(p, 0, sizeof(*p));
	if (n > SIM_OCV_MAX_POINTS)
		n = SIM_OCV_MAX_POINTS;
	p->kind = SIM_BATTERY;
	p->bat = *cfg;
	p->bat.ocv_points = n;
	memcpy(p->ocv, cfg->ocv, n * sizeof(*p->ocv));
	p->bat.ocv = p->ocv;
	p->load = sim_no_load;
	p->on_mains = true;
	p->soc = cfg->soc0;
	p->v_oc = sim_battery_ocv(p, p->soc);
	p->v_term = p->v_oc;
	p->t_empty_s = -1;
}

void sim_plant_set_load(struct sim_plant *p, sim_load_fn fn, void *ctx)
{
	p->load = fn ? fn : sim_no_load;
	p->load_ctx = ctx;
}

void sim_plant_set_mains(struct sim_plant *p, bool on)
{
	p->on_mains = on;
	if (on) {
		p->empty = false;
		p->t_empty_s = -1;
	}
}

static double sim_r(const struct sim_plant *p)
{
	return p->kind == SIM_SUPERCAP ? p->cap.esr_ohm : p->bat.r_ohm;
}

static double sim_vmin(const struct sim_plant *p)
{
	return p->kind == SIM_SUPERCAP ? p->cap.vmin_v : p->bat.vmin_v;
}

static double sim_eta(const struct sim_plant *p)
{
	return p->kind == SIM_SUPERCAP ? p->cap.eta : p->bat.eta;
}

/* Current the store must deliver for the load now (0 when it cannot). */
static double sim_discharge_current(struct sim_plant *p)
{
	double pw = p->load(p->t_s, p->load_ctx) / sim_eta(p);
	double r = sim_r(p), v = p->v_oc, disc, i;

	if (pw <= 0)
		return 0;
	if (r <= 0)
		return v > 0 ? pw / v : INFINITY;
	disc = v * v - 4 * r * pw;
	if (disc < 0)
		return INFINITY;	/* the store cannot deliver that power */
	i = (v - sqrt(disc)) / (2 * r);
	return i;
}

static void sim_substep(struct sim_plant *p, double h)
{
	double r = sim_r(p), i;

	if (p->on_mains) {
		double full = p->kind == SIM_SUPERCAP ? p->cap.vmax_v : 1.0;
		double lvl = p->kind == SIM_SUPERCAP ? p->v_oc : p->soc;
		double ichg = p->kind == SIM_SUPERCAP ? p->cap.charge_a :
						       p->bat.charge_a;

		i = lvl < full ? -ichg : 0;
	} else if (p->empty) {
		i = 0;
	} else {
		i = sim_discharge_current(p);
		if (!isfinite(i) || p->v_oc - i * r < sim_vmin(p)) {
			p->empty = true;
			p->t_empty_s = p->t_s;
			i = 0;
		}
	}
	p->i_a = i;
	if (p->kind == SIM_SUPERCAP) {
		p->v_oc -= i * h / p->cap.c_f;
		if (p->on_mains && p->v_oc > p->cap.vmax_v)
			p->v_oc = p->cap.vmax_v;
		if (p->v_oc < 0)
			p->v_oc = 0;
	} else {
		p->soc -= i * h / (3600.0 * p->bat.capacity_ah);
		if (p->soc > 1)
			p->soc = 1;
		if (p->soc < 0)
			p->soc = 0;
		p->v_oc = sim_battery_ocv(p, p->soc);
	}
	p->t_s += h;
	sim_update_terminal(p, r);
}

void sim_plant_set_max_dt(struct sim_plant *p, double max_dt_s)
{
	p->max_dt_s = max_dt_s;
}

void sim_plant_step(struct sim_plant *p, double dt_s)
{
	double max_h = p->max_dt_s > 0 ? p->max_dt_s : SIM_MAX_DT_S;

	while (dt_s > 1e-12) {
		double h = dt_s < max_h ? dt_s : max_h;

		sim_substep(p, h);
		dt_s -= h;
	}
	/* terminal voltage as it is now, under the present load */
	if (!p->on_mains && !p->empty) {
		double i = sim_discharge_current(p);

		if (isfinite(i))
			p->i_a = i;
		sim_update_terminal(p, sim_r(p));
	}
}

double sim_plant_time(const struct sim_plant *p)
{
	return p->t_s;
}

double sim_plant_terminal_v(const struct sim_plant *p)
{
	return p->v_term;
}

double sim_plant_ocv(const struct sim_plant *p)
{
	return p->v_oc;
}

double sim_plant_current_a(const struct sim_plant *p)
{
	return p->i_a;
}

double sim_plant_load_w(const struct sim_plant *p)
{
	return p->load(p->t_s, p->load_ctx);
}

bool sim_plant_empty(const struct sim_plant *p)
{
	return p->empty;
}

double sim_plant_time_to_empty(const struct sim_plant *p, double max_s,
			       double dt_s)
{
	struct sim_plant c = *p;
	double t0 = p->t_s;

	if (c.kind == SIM_BATTERY)
		c.bat.ocv = c.ocv;
	c.on_mains = false;
	if (c.empty)
		return 0;
	while (!c.empty && c.t_s - t0 < max_s)
		sim_substep(&c, dt_s < SIM_MAX_DT_S ? dt_s : SIM_MAX_DT_S);
	return c.empty ? c.t_empty_s - t0 : max_s;
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double sim_rng_uniform(struct sim_rng *r)
{
	return (sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double sim_rng_gauss(struct sim_rng *r)
{
	double u1 = sim_rng_uniform(r), u2 = sim_rng_uniform(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

void sim_adc_init(struct sim_adc *a, int bits, double full_scale_v,
		  double divider, double noise_lsb, uint64_t seed)
{
	a->bits = bits;
	a->full_scale_v = full_scale_v;
	a->divider = divider >= 1 ? divider : 1;
	a->noise_lsb = noise_lsb;
	sim_rng_seed(&a->rng, seed);
}

double sim_adc_lsb_v(const struct sim_adc *a)
{
	return a->full_scale_v / (double)(1L << a->bits) * a->divider;
}

int32_t sim_adc_read_code(struct sim_adc *a, double v_store)
{
	double lsb = a->full_scale_v / (double)(1L << a->bits);
	double x = v_store / a->divider / lsb;
	long max = (1L << a->bits) - 1;
	long code;

	if (a->noise_lsb > 0)
		x += a->noise_lsb * sim_rng_gauss(&a->rng);
	code = lround(floor(x + 0.5));
	if (code < 0)
		code = 0;
	if (code > max)
		code = max;
	return (int32_t)code;
}

int32_t sim_adc_read_uv(struct sim_adc *a, double v_store)
{
	int32_t code = sim_adc_read_code(a, v_store);

	return (int32_t)lround(code * sim_adc_lsb_v(a) * 1e6);
}
