/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grace periods (common/rcu.c): when a callback queued by call_rcu may run.
 * First the state machine step by step, then a randomised model of the way
 * Mica uses it: CPUs look objects up, hold them until their next quiescent
 * state, and a destroyer unlinks objects and queues their freeing; no
 * object may be freed while a CPU still holds it, and every one must be
 * freed eventually.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/rcu.h>

/* Which heads (index into heads[]) ran, in order. */
static struct rcu_head heads[16];
static int ran[16], nran;

static void run_list(struct rcu_head *h)
{
	while (h) {
		struct rcu_head *n = h->next;
		ran[nran++] = (int)(h - heads);
		h = n;
	}
}

static void noop(struct rcu_head *h)
{
	(void)h;
}

START_TEST(test_period_needs_every_online_cpu)
{
	struct rcu_ctl c;
	bool start;

	rcu_ctl_init(&c);
	nran = 0;
	ck_assert(rcu_ctl_enqueue(&c, &heads[0], noop));       /* nothing in progress: start one */
	rcu_ctl_start(&c, 0x7);                                 /* CPUs 0, 1, 2 */
	ck_assert(c.in_progress);
	run_list(rcu_ctl_quiescent(&c, 0, &start));
	run_list(rcu_ctl_quiescent(&c, 0, &start));             /* twice from one CPU is not two CPUs */
	run_list(rcu_ctl_quiescent(&c, 5, &start));             /* not online at the start: ignored */
	run_list(rcu_ctl_quiescent(&c, 2, &start));
	ck_assert_int_eq(nran, 0);
	run_list(rcu_ctl_quiescent(&c, 1, &start));
	ck_assert_int_eq(nran, 1);
	ck_assert_int_eq(ran[0], 0);
	ck_assert(!start);
	ck_assert(!c.in_progress);
	ck_assert_uint_eq(c.completed, 1);
	ck_assert_ptr_eq(heads[0].func, noop);
}
END_TEST

START_TEST(test_queued_during_a_period_waits_for_the_next)
{
	struct rcu_ctl c;
	bool start;

	rcu_ctl_init(&c);
	nran = 0;
	ck_assert(rcu_ctl_enqueue(&c, &heads[0], noop));
	rcu_ctl_start(&c, 0x3);
	run_list(rcu_ctl_quiescent(&c, 0, &start));
	/* CPU 0 has passed; it may now hold what is queued next: that must wait. */
	ck_assert(!rcu_ctl_enqueue(&c, &heads[1], noop));
	ck_assert(!rcu_ctl_enqueue(&c, &heads[2], noop));
	run_list(rcu_ctl_quiescent(&c, 1, &start));
	ck_assert_int_eq(nran, 1);
	ck_assert_int_eq(ran[0], 0);
	ck_assert(start);                                       /* the next period must begin */
	rcu_ctl_start(&c, 0x3);
	run_list(rcu_ctl_quiescent(&c, 1, &start));
	ck_assert_int_eq(nran, 1);
	run_list(rcu_ctl_quiescent(&c, 0, &start));
	ck_assert_int_eq(nran, 3);
	ck_assert_int_eq(ran[1], 1);                            /* in the order queued */
	ck_assert_int_eq(ran[2], 2);
	ck_assert(!start);
	ck_assert_uint_eq(c.completed, 2);
}
END_TEST

START_TEST(test_idle_state_machine)
{
	struct rcu_ctl c;
	bool start;

	rcu_ctl_init(&c);
	ck_assert_ptr_null(rcu_ctl_quiescent(&c, 0, &start));   /* nothing queued: nothing to do */
	ck_assert(!start);
	rcu_ctl_start(&c, 0x1);                                 /* an empty period is none */
	ck_assert(!c.in_progress);
	/* One CPU: its own quiescent state ends the period. */
	ck_assert(rcu_ctl_enqueue(&c, &heads[3], noop));
	rcu_ctl_start(&c, 0x1);
	nran = 0;
	run_list(rcu_ctl_quiescent(&c, 0, &start));
	ck_assert_int_eq(nran, 1);
	ck_assert_int_eq(ran[0], 3);
}
END_TEST

/*
 * The model: NCPU CPUs, NOBJ objects in a table. Each step one CPU either
 * looks an object up (if it is in the table, the CPU holds it), or passes
 * a quiescent state (drops everything it holds; the glue's rcu_quiescent),
 * or the destroyer (running on that CPU, inside its own "hypercall")
 * unlinks a random object and queues its freeing. Freed objects are
 * recreated later under the same slot, as domain ids are reused.
 */
#define NCPU 4
#define NOBJ 8

struct obj {
	struct rcu_head rcu;
	bool linked, freed, queued;
	int generation;
};

static struct obj objs[NOBJ];
static bool held[NCPU][NOBJ];

static void free_obj(struct rcu_head *h)
{
	struct obj *o = (struct obj *)h;
	for (int cpu = 0; cpu < NCPU; cpu++)
		ck_assert_msg(!held[cpu][o - objs], "object %ld freed while CPU %d holds it",
			      (long)(o - objs), cpu);
	o->freed = true;
	o->queued = false;
}

static void run_callbacks(struct rcu_head *h)
{
	while (h) {
		struct rcu_head *n = h->next;
		h->func(h);
		h = n;
	}
}

START_TEST(test_model_never_frees_what_is_held)
{
	struct rcu_ctl c;
	unsigned seed = 12345u + (unsigned)_i;
	uint64_t online = (1u << NCPU) - 1;
	int freed = 0, queued = 0;

	rcu_ctl_init(&c);
	memset(objs, 0, sizeof(objs));
	memset(held, 0, sizeof(held));
	for (int i = 0; i < NOBJ; i++)
		objs[i].linked = true;
	for (int step = 0; step < 200000; step++) {
		int cpu = rand_r(&seed) % NCPU, what = rand_r(&seed) % 10, i = rand_r(&seed) % NOBJ;
		struct obj *o = &objs[i];
		if (what < 5) {                         /* lookup */
			if (o->linked)
				held[cpu][i] = true;
		} else if (what < 9) {                  /* quiescent state */
			bool start;
			memset(held[cpu], 0, sizeof(held[cpu]));
			struct rcu_head *done = rcu_ctl_quiescent(&c, (unsigned)cpu, &start);
			if (start)
				rcu_ctl_start(&c, online);
			for (struct rcu_head *h = done; h; h = h->next)
				freed++;
			run_callbacks(done);
		} else if (o->linked) {                 /* destroy: unlink, then queue the free */
			o->linked = false;
			o->queued = true;
			queued++;
			if (rcu_ctl_enqueue(&c, &o->rcu, free_obj))
				rcu_ctl_start(&c, online);
		} else if (o->freed) {                  /* the slot is reused */
			o->freed = false;
			o->linked = true;
			o->generation++;
		}
	}
	/* Every CPU passes quiescent states until nothing is left queued. */
	for (int round = 0; round < 4 && queued != freed; round++)
		for (int cpu = 0; cpu < NCPU; cpu++) {
			bool start;
			memset(held[cpu], 0, sizeof(held[cpu]));
			struct rcu_head *done = rcu_ctl_quiescent(&c, (unsigned)cpu, &start);
			if (start)
				rcu_ctl_start(&c, online);
			for (struct rcu_head *h = done; h; h = h->next)
				freed++;
			run_callbacks(done);
		}
	ck_assert_int_gt(queued, 1000);
	ck_assert_int_eq(freed, queued);
	for (int i = 0; i < NOBJ; i++)
		ck_assert(!objs[i].queued);
}
END_TEST

static Suite *rcu_suite(void)
{
	Suite *s = suite_create("rcu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_period_needs_every_online_cpu);
	tcase_add_test(tc, test_queued_during_a_period_waits_for_the_next);
	tcase_add_test(tc, test_idle_state_machine);
	tcase_add_loop_test(tc, test_model_never_frees_what_is_held, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rcu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
