// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print kernel uevents as they arrive (like `udevadm monitor --kernel
 * --property`), one line each:
 *   <monotonic seconds> <ACTION>@<DEVPATH> KEY=VALUE ...
 * Usage: uevent-listen [SUBSYSTEM]   (default: power_supply; "" = all)
 * Runs inside the UML guest of the gpio-ups demo and system tests.
 */
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *subsys = argc > 1 ? argv[1] : "power_supply";
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[8192], want[128];
	int fd, rcv = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("uevent-listen: netlink");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	snprintf(want, sizeof(want), "SUBSYSTEM=%s", subsys);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		struct timespec ts;
		char *p;
		int match = !*subsys;

		if (n <= 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		buf[n] = 0;
		for (p = buf + strlen(buf) + 1; p < buf + n; p += strlen(p) + 1)
			if (!strcmp(p, want))
				match = 1;
		if (!match)
			continue;
		printf("%ld.%03ld %s", (long)ts.tv_sec, ts.tv_nsec / 1000000, buf);
		for (p = buf + strlen(buf) + 1; p < buf + n; p += strlen(p) + 1)
			if (strncmp(p, "ACTION=", 7) && strncmp(p, "DEVPATH=", 8) &&
			    strncmp(p, "SEQNUM=", 7))
				printf(" %s", p);
		putchar('\n');
	}
}
