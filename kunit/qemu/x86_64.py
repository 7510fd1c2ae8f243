# SPDX-License-Identifier: GPL-2.0-only
# kunit.py --qemu_config for the gpio-ups suites on x86_64 (kunit/run.sh,
# KUNIT_ARCH=x86_64). Like kunit.py's own x86_64 config, except that the
# kernel does not reboot once the suites have run: it starts the init of
# the initrd that run.sh passes (kunit/qemu/init.c: a kmemleak scan, then
# reboot). kunit.py appends "kunit_shutdown=reboot" to the command line;
# after "--" it is only an argument to init. panic=-1: a panic ends the
# run at once instead of at kunit.py's timeout. QEMU starts vmlinux at its
# PVH entry (CONFIG_PVH): no decompression, 7 s less per run when the CPU
# is emulated; KVM_GUEST (and with it PARAVIRT) stays off, so that these
# symbols change little of the build.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_HYPERVISOR_GUEST=y
CONFIG_PVH=y
# CONFIG_KVM_GUEST is not set''',
			   qemu_arch='x86_64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0 panic=-1 kunit_shutdown=none --',
			   extra_qemu_params=['-bios', 'qboot.rom'])
