// SPDX-License-Identifier: GPL-2.0-only
/*
 * init of the KUnit guest under QEMU (kunit/run.sh, KUNIT_ARCH=x86_64).
 *
 * The kernel runs its built-in KUnit suites before it starts init, so by
 * now every suite has run. Ask kmemleak for what they left unreferenced,
 * print its report on the console (scripts/checks/11-kunit-qemu.sh fails on
 * any "unreferenced object"), whether lockdep is still on (a report or an
 * internal limit turns it off) and reboot: QEMU runs with -no-reboot and
 * exits. Built static by run.sh and passed to QEMU as the initrd's /init.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

/* Every line the checks look for starts with this. */
#define TAG "gpio-ups-init: "

static int kmemleak_cmd(const char *cmd)
{
	FILE *f = fopen(KMEMLEAK, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(cmd, f) < 0;
	if (fclose(f))
		ret = 1;
	return ret ? -1 : 0;
}

static int kmemleak_report(void)
{
	char line[512];
	int leaks = 0;
	FILE *f;

	/*
	 * kmemleak reports an object only once it is 5 s old and unchanged
	 * since the previous scan: wait, then scan twice. A scan runs
	 * synchronously within the write.
	 */
	sleep(6);
	if (kmemleak_cmd("scan") || kmemleak_cmd("scan")) {
		printf(TAG "kmemleak: scan failed\n");
		return -1;
	}
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		printf(TAG "kmemleak: cannot read the report\n");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "unreferenced object", 19))
			leaks++;
		fputs(line, stdout);
	}
	fclose(f);
	return leaks;
}

/* Print lockdep's "debug_locks: N" (1: still checking). */
static void lockdep_state(void)
{
	char line[128];
	FILE *f;

	if (mount("proc", "/proc", "proc", 0, NULL)) {
		printf(TAG "cannot mount proc\n");
		return;
	}
	f = fopen("/proc/lockdep_stats", "r");
	if (!f) {
		printf(TAG "lockdep: not in this kernel\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "debug_locks:");

		if (p)
			printf(TAG "lockdep: %s", p);
	}
	fclose(f);
}

int main(void)
{
	int leaks;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0755);
	lockdep_state();
	mkdir("/sys", 0755);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL)) {
		printf(TAG "cannot mount sysfs and debugfs\n");
	} else if (access(KMEMLEAK, F_OK)) {
		printf(TAG "kmemleak: not in this kernel\n");
	} else {
		leaks = kmemleak_report();
		if (leaks >= 0)
			printf(TAG "kmemleak: scan done, %d unreferenced objects\n",
			       leaks);
	}
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
