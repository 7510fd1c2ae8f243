/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel header: offsetof(). */
#include <stddef.h>
