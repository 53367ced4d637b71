/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot self-tests: small checks of the running hypervisor (heap, frame
 * references, timer interrupts, exception fixups...) that unit tests on the
 * host cannot make. Each returns 0 or a short failure reason; the verdict
 * line is what the integration tests look for.
 */
#ifndef MICA_SELFTEST_H
#define MICA_SELFTEST_H

struct selftest {
    const char *name;
    const char *(*run)(void);
};

#define SELFTEST(fn)                                                     \
    static const struct selftest __selftest_##fn                         \
        __attribute__((used, section(".data.selftest"), aligned(8))) =  \
        { #fn, fn }

/* Runs all; returns the number that failed. */
unsigned run_selftests(void);

#endif
