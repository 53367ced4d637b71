/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlocks: fair between CPUs, and interrupt-safe variants. */
#ifndef MICA_SPINLOCK_H
#define MICA_SPINLOCK_H

#include <mica/types.h>

typedef struct {
    uint16_t next;
    uint16_t owner;
} __attribute__((aligned(4))) spinlock_t;   /* one word, for spin_trylock's compare-exchange */

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        __builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

/*
 * Take the lock only if it is free right now; never waits. For interrupt
 * handlers that must not wait for a lock the interrupted code may hold.
 */
static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t *word = (uint32_t *)(void *)l;
    uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
    spinlock_t cur;
    __builtin_memcpy(&cur, &old, sizeof(cur));
    if (cur.next != cur.owner)
        return false;
    cur.next++;
    uint32_t want;
    __builtin_memcpy(&want, &cur, sizeof(want));
    return __atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) != __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

#ifndef MICA_HOST
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    if (flags & (1UL << 9))
        __asm__ volatile("sti" ::: "memory");
}
#endif

#endif
