/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define DIV_ROUND_CLOSEST(x, d) (((x) + ((d) / 2)) / (d))
#define abs(x) ((x) < 0 ? -(x) : (x))

/* floor(sqrt(x)), bit by bit as lib/math/int_sqrt.c */
static inline u32 int_sqrt64(u64 x)
{
	u64 b, m, y = 0;

	if (x <= 1)
		return (u32)x;
	m = 1ULL << ((63 - __builtin_clzll(x)) & ~1ULL);
	while (m) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return (u32)y;
}
#endif
