// SPDX-License-Identifier: GPL-2.0-only
/*
 * reboot(2) for the UML guest: `sys-reboot restart` or `sys-reboot poweroff`,
 * the system calls `reboot -f` / `poweroff -f` end in, without systemctl
 * (which needs a writable /run and takes seconds to start in the guest).
 */
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int cmd;

	if (argc == 2 && !strcmp(argv[1], "restart"))
		cmd = RB_AUTOBOOT;
	else if (argc == 2 && !strcmp(argv[1], "poweroff"))
		cmd = RB_POWER_OFF;
	else {
		fprintf(stderr, "usage: %s restart|poweroff\n", argv[0]);
		return 2;
	}
	sync();
	reboot(cmd);
	perror("reboot");
	return 1;
}
