/* SPDX-License-Identifier: MIT */
/*
 * leakcheck.h - fail the test that leaked, not the process exit after it.
 *
 * LeakSanitizer reports at exit, after Criterion has already counted the
 * test as passed. A teardown that calls leak_check() (after freeing the
 * machine) runs LeakSanitizer's check at once and fails the test when
 * anything unreachable is left. Without the sanitizer it does nothing.
 */
#ifndef TESTS_LEAKCHECK_H
#define TESTS_LEAKCHECK_H

#include <criterion/criterion.h>

int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static inline void leak_check(void)
{
	if (__lsan_do_recoverable_leak_check)
		cr_assert_eq(__lsan_do_recoverable_leak_check(), 0,
			     "LeakSanitizer: memory leaked (report above)");
}

#endif
