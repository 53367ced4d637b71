/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tiny runtime of Mica's PV test guests: hypercalls, console output,
 * exception handling, page-table helpers and the verdict. Each test defines
 * test_main(); the verdict line has the same form as Xen's XTF tests
 * ("Test result: SUCCESS"), so the harness can judge Mica and real Xen
 * alike. See tests/guests/README.md.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include <public/xen.h>
#include <public/errno.h>

extern char hypercall_page[4096];
extern void *guest_start_info;
#define SI ((start_info_t *)guest_start_info)

/* ---- hypercalls (x86_64 PV ABI: rdi, rsi, rdx, r10, r8; result in rax) ---- */
long hypercall5(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                unsigned long a4, unsigned long a5);
long hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3);
long hypercall2(unsigned nr, unsigned long a1, unsigned long a2);
#define hypercall1(nr, a1) hypercall3(nr, (unsigned long)(a1), 0, 0)
#define hypercall4(nr, a1, a2, a3, a4) hypercall5(nr, a1, a2, a3, a4, 0)
/* Cast-free helper: HC(nr, args...) with up to five arguments. */
#define HC_ARG(x) ((unsigned long)(x))
#define HC0(nr) hypercall5(nr, 0, 0, 0, 0, 0)
#define HC1(nr, a) hypercall5(nr, HC_ARG(a), 0, 0, 0, 0)
#define HC2(nr, a, b) hypercall5(nr, HC_ARG(a), HC_ARG(b), 0, 0, 0)
#define HC3(nr, a, b, c) hypercall5(nr, HC_ARG(a), HC_ARG(b), HC_ARG(c), 0, 0)
#define HC4(nr, a, b, c, d) hypercall5(nr, HC_ARG(a), HC_ARG(b), HC_ARG(c), HC_ARG(d), 0)
#define HC5(nr, a, b, c, d, e) hypercall5(nr, HC_ARG(a), HC_ARG(b), HC_ARG(c), HC_ARG(d), HC_ARG(e))

/* ---- output and verdict ---- */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record a failure (the test goes on; the verdict becomes FAILURE). */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)
/* Assert a hypercall's exact return value. */
#define CHECK_RC(expr, want) do {                                            \
        long rc_ = (long)(expr), want_ = (long)(want);                       \
        if (rc_ != want_)                                                    \
            fail("%s:%d: %s returned %ld, expected %ld", __FILE__, __LINE__, \
                 #expr, rc_, want_);                                         \
    } while (0)

/* Provided by each test. */
void test_main(void);
extern const char test_title[];

/* Print the verdict and shut the domain down (poweroff). */
void __attribute__((noreturn)) finish(void);
/* Number of failures so far. */
unsigned failure_count(void);
/*
 * Running on Mica rather than Xen (XENVER_extraversion ".0-mica"): for the
 * few checks where Mica deliberately differs; each says why.
 */
bool on_mica(void);

/* ---- small libc bits (common/lib/string.c + here) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr(const char *hay, const char *needle);

/* ---- exceptions ----
 * trap_init() installs a virtual IDT (set_trap_table) whose handlers look
 * the faulting %rip up in an exception table. A listed instruction resumes
 * at its fixup address with %rax = exinfo (vector, error code); anything
 * else is an unexpected exception and ends the test with FAILURE.
 */
#define EXINFO_VALID (1UL << 8)
#define EXINFO(vec, ec) (EXINFO_VALID | (unsigned long)(vec) | ((unsigned long)(ec) << 32))
#define EXINFO_VEC(x) ((unsigned)((x) & 0xff))
#define EXINFO_EC(x) ((unsigned)((x) >> 32))
#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_BP 3
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_GP 13
#define X86_EXC_PF 14

#define _ASM_EXTABLE(fault, fixup)                      \
    "\n\t.pushsection .ex_table, \"a\"\n\t.balign 8\n\t"  \
    ".quad " #fault ", " #fixup "\n\t.popsection\n\t"

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;      /* the Xen bounce frame */
};

void trap_init(void);
/* Optional hooks: return true if the exception was handled. */
extern bool (*trap_hook)(struct trap_frame *f);
/* Event upcall hook (set_callbacks event callback); runs with events masked. */
extern void (*event_hook)(struct trap_frame *f);
/* Syscall from guest user mode (callback); see user_run(). */
extern void (*syscall_hook)(struct trap_frame *f);
/* The last trap frame seen by the handler (copy). */
extern struct trap_frame last_trap;
extern unsigned long trap_count;

/* Assembly entry points in traps.S. */
extern char entry_event[], entry_failsafe[], entry_syscall[];
/* Entry stub for vectors 0-20 and 128-131. */
void *trap_entry(unsigned vector);

/*
 * Run fn in guest user mode on user_stack (needs NEW_USER_BASEPTR and
 * stack_switch done, see user_mode_init()). Returns when a syscall hook calls
 * user_return(value), giving value.
 */
unsigned long user_run(void (*fn)(void), void *user_stack_top);
void __attribute__((noreturn)) user_return(unsigned long value);
void user_mode_init(void);

/* ---- memory ---- */
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PTE_MFN(pte)   (((pte) & 0x000ffffffffff000UL) >> PAGE_SHIFT)

#define M2P ((unsigned long *)MACH2PHYS_VIRT_START)
static inline unsigned long *p2m(void) { return (unsigned long *)SI->mfn_list; }
/* Only for addresses inside the initial mapping (VA == pfn << 12, VIRT_BASE 0). */
static inline unsigned long virt_to_mfn(const void *va) { return p2m()[(unsigned long)va >> PAGE_SHIFT]; }
static inline void *mfn_to_virt(unsigned long mfn) { return (void *)(M2P[mfn] << PAGE_SHIFT); }
static inline unsigned long virt_to_maddr(const void *va)
{
    return (virt_to_mfn(va) << PAGE_SHIFT) | ((unsigned long)va & (PAGE_SIZE - 1));
}

/* Machine address of the level-`level` entry mapping va (1 = L1); 0 if absent. */
unsigned long pte_maddr(unsigned long va, int level);
/* Current value of that entry (0 if absent). */
unsigned long pte_read(unsigned long va, int level);
/* A fresh pfn that nothing maps yet (beyond the initial mapping). */
unsigned long alloc_pfn(void);
/* The shared_info page, mapped on first use. */
shared_info_t *shared_info(void);
/*
 * A spare page-table (L1) covering 2 MiB of free VA just after the initial
 * mapping; scratch_va(i) is its i-th page (0..510), initially unmapped.
 */
void scratch_init(void);
unsigned long scratch_va(unsigned i);
/* The scratch L1, mapped read-only at scratch_va(511) (slot 511 is taken). */
const uint64_t *scratch_l1(void);
extern unsigned long scratch_l1_mfn;

static inline long update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    return HC3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}
static inline long mmu_update(mmu_update_t *req, unsigned count, unsigned *done, domid_t dom)
{
    return HC4(__HYPERVISOR_mmu_update, req, count, done, dom);
}
static inline long mmuext_op(mmuext_op_t *op, unsigned count, unsigned *done, domid_t dom)
{
    return HC4(__HYPERVISOR_mmuext_op, op, count, done, dom);
}
long mmuext1(unsigned cmd, unsigned long arg1, unsigned long arg2);

/* A guest virtual address that is never mapped (for -EFAULT tests). */
#define BAD_VA ((void *)0x00007ffffff00000UL)
/* A non-canonical address. */
#define NONCANON_VA ((void *)0x8000000000000000UL)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* ---- events (events.c) ---- */
void events_init(void);         /* register the event callback (records ports) */
void events_unmask(void);
void events_mask(void);
long evtchn_op(int cmd, void *arg);
extern volatile unsigned long event_upcalls;
extern volatile unsigned long port_hits[64];
/* Current Xen system time (ns since boot) from vcpu 0's pvclock. */
uint64_t system_time_ns(void);

#define barrier() __asm__ volatile("" ::: "memory")
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

#endif
