/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H
/*
 * Not <errno.h>: glibc's errno.h includes <linux/errno.h>, which resolves to
 * this very file and would leave the E* constants undefined.
 */
#include <asm-generic/errno.h>
#endif
