/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_LIMITS_H
#define _SHIM_LINUX_LIMITS_H
#include <stdint.h>
#define U8_MAX	UINT8_MAX
#define U16_MAX	UINT16_MAX
#define U32_MAX	UINT32_MAX
#define U64_MAX	UINT64_MAX
#define S32_MAX	INT32_MAX
#define S32_MIN	INT32_MIN
#define S64_MAX	INT64_MAX
#define S64_MIN	INT64_MIN
#endif
