// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mains-edge to userspace latency of gpio-ups, measured in the UML guest.
 *
 * Flips the simulated HAT's mains (writes its "mains" control) N times with
 * a random hold time, and measures for every flip:
 *  - uevent: time from the write to the first power_supply uevent that
 *    reports the new state (ups-mains ONLINE=x, or ups STATUS Discharging /
 *    not Discharging);
 *  - polling: a thread that reads /sys/class/power_supply/<mains>/online
 *    once a second (what today's UPS scripts do); time from the write to
 *    the first poll that sees the new state.
 * Prints both distributions (p50, p90, p99, max) in milliseconds.
 *
 * Usage: uevent-latency MAINS_CONTROL ONLINE_ATTR [FLIPS]
 */
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *online_path;
static volatile int want_state = 1;
static volatile double edge_t;
static volatile double poll_seen_t;	/* 0 until the poller saw want_state */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *poller(void *arg)
{
	(void)arg;
	for (;;) {
		char c = 0;
		FILE *f = fopen(online_path, "r");

		if (f) {
			if (fread(&c, 1, 1, f) != 1)
				c = 0;
			fclose(f);
		}
		if (c == '0' + want_state && !poll_seen_t && edge_t)
			poll_seen_t = now();
		sleep(1);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	printf("%-28s n=%d  p50=%8.1f ms  p90=%8.1f ms  p99=%8.1f ms  max=%8.1f ms\n",
	       name, n, v[n / 2] * 1e3, v[(n * 90) / 100] * 1e3,
	       v[(n * 99 + 99) / 100 - 1] * 1e3, v[n - 1] * 1e3);
}

/* does this uevent report mains state @on? */
static int reports(const char *buf, ssize_t n, int on)
{
	const char *p;
	int ps = 0, name_mains = 0, name_ups = 0, online = -1, dis = -1;

	for (p = buf; p < buf + n; p += strlen(p) + 1) {
		if (!strcmp(p, "SUBSYSTEM=power_supply"))
			ps = 1;
		else if (!strncmp(p, "POWER_SUPPLY_TYPE=Mains", 23))
			name_mains = 1;
		else if (!strncmp(p, "POWER_SUPPLY_TYPE=Battery", 25))
			name_ups = 1;
		else if (!strncmp(p, "POWER_SUPPLY_ONLINE=", 20))
			online = atoi(p + 20);
		else if (!strncmp(p, "POWER_SUPPLY_STATUS=", 20))
			dis = !strcmp(p + 20, "Discharging");
	}
	if (!ps)
		return 0;
	if (name_mains && online >= 0)
		return online == on;
	if (name_ups && dis >= 0)
		return dis == !on;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int flips = argc > 3 ? atoi(argv[3]) : 100, fd, i, rcv = 1 << 20;
	double *ue, *pl;
	pthread_t th;
	FILE *ctl;
	int missed = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MAINS_CONTROL ONLINE_ATTR [FLIPS]\n", argv[0]);
		return 2;
	}
	online_path = argv[2];
	ue = calloc(flips, sizeof(*ue));
	pl = calloc(flips, sizeof(*pl));
	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netlink");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	srand(12345);
	pthread_create(&th, NULL, poller, NULL);
	sleep(1);
	for (i = 0; i < flips; i++) {
		int on = i % 2;	/* first flip cuts mains */
		double hold = 1.1 + (rand() % 500) / 1000.0, t_end;
		char buf[8192];

		ctl = fopen(argv[1], "w");
		if (!ctl) {
			perror(argv[1]);
			return 1;
		}
		want_state = on;
		poll_seen_t = 0;
		edge_t = now();
		fprintf(ctl, "%d\n", on);
		fclose(ctl);
		ue[i] = -1;
		t_end = edge_t + hold;
		while (now() < t_end) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int ms = (int)((t_end - now()) * 1e3) + 1;
			ssize_t n;

			if (poll(&pfd, 1, ms) <= 0)
				continue;
			n = recv(fd, buf, sizeof(buf), 0);
			if (n > 0 && ue[i] < 0 && reports(buf, n, on))
				ue[i] = now() - edge_t;
		}
		/* let the poller see the state before the next flip */
		while (!poll_seen_t && now() < edge_t + 3)
			usleep(10000);
		pl[i] = poll_seen_t ? poll_seen_t - edge_t : -1;
		if (ue[i] < 0 || pl[i] < 0)
			missed++;
		printf("flip %3d mains=%d uevent=%.1f ms poll=%.1f ms\n", i, on,
		       ue[i] * 1e3, pl[i] * 1e3);
		fflush(stdout);
	}
	if (missed) {
		printf("RESULT: %d flips without a matching uevent or poll\n", missed);
		return 1;
	}
	printf("RESULT: %d mains flips, power-fail debounce 0\n", flips);
	stats("edge -> uevent (netlink)", ue, flips);
	stats("edge -> 1 s sysfs poll", pl, flips);
	return 0;
}
