/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdarg.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/lib.h>
#include <mica/panic.h>
#include <mica/power.h>
#include <mica/smp.h>

void show_backtrace(uint64_t rip, uint64_t rbp);

void __noreturn panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    cli();
    smp_crash_begin();      /* the other CPUs stop here and now */
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    console_force_unlock();
    console_force("****************************************\n");
    console_force("Panic on CPU %u: %s\n", smp_processor_id(), msg);
    console_force("****************************************\n");
    show_backtrace((uint64_t)panic, (uint64_t)read_rbp());
    machine_fail(EXIT_CODE_PANIC);
}
