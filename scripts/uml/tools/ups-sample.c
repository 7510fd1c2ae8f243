// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sample the gpio-ups supplies and the simulated HAT once a second (one
 * process: forking per sample is slow in the UML guest) for `make demo`.
 * Appends a CSV row per sample to CSV_FILE; while TICKER_FILE exists, also
 * prints the row readably on stdout.
 *
 * Usage: ups-sample CSV_FILE TICKER_FILE SIM_STATUS_FILE
 * Times are CLOCK_MONOTONIC seconds (those of uevent-listen).
 * CSV columns: t_s,mains,store_v,voltage_v,capacity_pct,power_w,
 *              time_to_empty_s,energy_wh,policy_state
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PS "/sys/class/power_supply/"

static int readstr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	buf[0] = 0;
	if (!f)
		return 0;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok && buf[0];
}

/* value scaled by 1/div with dec decimals, or "" if unreadable */
static void scaled(const char *path, double div, int dec, char *out, size_t len)
{
	char b[64];

	if (readstr(path, b, sizeof(b)))
		snprintf(out, len, "%.*f", dec, atof(b) / div);
	else
		out[0] = 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double next = now();
	FILE *csv;

	if (argc < 4) {
		fprintf(stderr, "usage: %s CSV_FILE TICKER_FILE SIM_STATUS_FILE\n", argv[0]);
		return 2;
	}
	csv = fopen(argv[1], "w");
	if (!csv) {
		perror(argv[1]);
		return 1;
	}
	fprintf(csv, "t_s,mains,store_v,voltage_v,capacity_pct,power_w,time_to_empty_s,energy_wh,policy_state\n");
	fflush(csv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		char m[16], sv[32] = "", v[32], c[16], p[32], tte[32], e[32], st[64], sim[512];
		char *s;
		double t = now();

		readstr(PS "ups-mains/online", m, sizeof(m));
		scaled(PS "ups/voltage_now", 1e6, 3, v, sizeof(v));
		readstr(PS "ups/capacity", c, sizeof(c));
		scaled(PS "ups/power_now", 1e6, 2, p, sizeof(p));
		/* time to empty as UPower computes it: energy_now / power_now */
		tte[0] = 0;
		if (readstr(PS "ups/energy_now", tte, sizeof(tte)) && *p && atof(p) > 0 &&
		    !strcmp(m, "0"))
			snprintf(tte, sizeof(tte), "%.0f", atof(tte) * 3600 / 1e6 / atof(p));
		else
			tte[0] = 0;
		scaled(PS "ups/energy_now", 1e6, 4, e, sizeof(e));
		if (!readstr(PS "ups/policy_state", st, sizeof(st)))
			strcpy(st, "-");
		if (readstr(argv[3], sim, sizeof(sim)) && (s = strstr(sim, "store_uv=")))
			snprintf(sv, sizeof(sv), "%.3f", atof(s + 9) / 1e6);
		fprintf(csv, "%.1f,%s,%s,%s,%s,%s,%s,%s,%s\n", t, m, sv, v, c, p, tte, e, st);
		fflush(csv);
		if (!access(argv[2], F_OK))
			printf("  %7.2fs  sample  mains=%s  V=%-6s capacity=%3s%%  power_now=%5sW  time_to_empty=%3ss  %s\n",
			       t, m, *v ? v : "-", *c ? c : "-", *p ? p : "-", *tte ? tte : "-", st);
		next += 1.0;
		t = next - now();
		if (t > 0)
			usleep((useconds_t)(t * 1e6));
		else
			next = now();
	}
}
