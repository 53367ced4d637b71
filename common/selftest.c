/* SPDX-License-Identifier: GPL-2.0-only */
#include <mica/console.h>
#include <mica/selftest.h>

extern const struct selftest __selftest_start[], __selftest_end[];

unsigned run_selftests(void)
{
    unsigned failed = 0, total = 0;
    for (const struct selftest *t = __selftest_start; t < __selftest_end; t++, total++) {
        const char *why = t->run();
        if (why) {
            pr_err("self-test %s: FAILED: %s\n", t->name, why);
            failed++;
        } else {
            pr_debug("self-test %s: ok\n", t->name);
        }
    }
    if (failed)
        pr_err("self-test: FAIL (%u of %u failed)\n", failed, total);
    else
        printk("self-test: PASS (%u checks)\n", total);
    return failed;
}
