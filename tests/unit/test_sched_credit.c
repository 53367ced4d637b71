/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler's decisions (common/sched_credit.c): shares, bounds,
 * priorities, preemption, caps, steal choice; then a small simulation that
 * drives them the way common/schedule.c does (priority-sorted FIFO run
 * queues, 30 ms slices, the 1 ms rate limit, accounting every period from
 * the time that passed, cap deadlines, stealing) to check the outcomes:
 * weights give proportional shares, a cap holds, a woken vCPU gets the CPU
 * as soon as the running one has had 1 ms.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/sched_credit.h>

#define MS 1000000ULL
#define P  CREDIT_PERIOD_NS

/* ---- the pure functions ---------------------------------------------------- */

START_TEST(test_shares_by_weight)
{
	struct credit_share d[2] = { { .weight = 256, .nr_active = 1 }, { .weight = 512, .nr_active = 1 } };
	credit_shares(d, 2, P, P);
	ck_assert_uint_eq(d[0].share, 10 * MS);
	ck_assert_uint_eq(d[1].share, 20 * MS);
}
END_TEST

START_TEST(test_shares_inactive_get_nothing)
{
	struct credit_share d[3] = { { .weight = 256, .nr_active = 1 }, { .weight = 512, .nr_active = 0 },
				     { .weight = 256, .nr_active = 1 } };
	credit_shares(d, 3, P, P);
	ck_assert_uint_eq(d[0].share, 15 * MS);
	ck_assert_uint_eq(d[1].share, 0);
	ck_assert_uint_eq(d[2].share, 15 * MS);
	credit_shares(d, 0, P, P);      /* nothing to do, no crash */
}
END_TEST

START_TEST(test_shares_cap_redistributes)
{
	/* A is capped at 25% of a CPU: B gets the rest although the weights are equal. */
	struct credit_share d[2] = { { .weight = 256, .cap = 25, .nr_active = 1 }, { .weight = 256, .nr_active = 1 } };
	credit_shares(d, 2, P, P);
	ck_assert_uint_eq(d[0].share, P / 4);
	ck_assert_uint_eq(d[1].share, P - P / 4);
}
END_TEST

START_TEST(test_shares_peak_redistributes)
{
	/* Two CPUs; a heavy one-vCPU domain cannot use more than one CPU's period. */
	struct credit_share d[3] = { { .weight = 65535, .nr_active = 1 }, { .weight = 1, .nr_active = 2 },
				     { .weight = 1, .nr_active = 2 } };
	credit_shares(d, 3, 2 * P, P);
	ck_assert_uint_eq(d[0].share, P);
	ck_assert_uint_eq(d[1].share, P / 2);
	ck_assert_uint_eq(d[2].share, P / 2);
	/* Nobody can use it all: each takes what it can. */
	struct credit_share e[1] = { { .weight = 256, .nr_active = 1 } };
	credit_shares(e, 1, 4 * P, P);
	ck_assert_uint_eq(e[0].share, P);
	/* Largest inputs: 16 CPUs, 64 domains of 32 vCPUs at weight 65535, no overflow. */
	static struct credit_share big[64];
	for (int i = 0; i < 64; i++)
		big[i] = (struct credit_share){ .weight = 65535, .nr_active = 32 };
	credit_shares(big, 64, 16 * P, P);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(big[i].share, 16 * P / 64);
}
END_TEST

START_TEST(test_earn_bounds)
{
	ck_assert_int_eq(credit_earn(0, 10 * MS, P), 10 * MS);
	ck_assert_int_eq(credit_earn(25 * MS, 10 * MS, P), (int64_t)P);
	ck_assert_int_eq(credit_earn(-100 * (int64_t)MS, 10 * MS, P), -(int64_t)P);
	ck_assert_int_eq(credit_priority(0), CREDIT_PRI_UNDER);
	ck_assert_int_eq(credit_priority(-1), CREDIT_PRI_OVER);
	ck_assert(credit_wake_boosts(0));
	ck_assert(!credit_wake_boosts(-1));
}
END_TEST

START_TEST(test_preemption_rules)
{
	/* A woken (BOOST) vCPU preempts OVER and UNDER at once. */
	ck_assert(credit_preempts(CREDIT_PRI_OVER, CREDIT_PRI_BOOST, false, false));
	ck_assert(credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_BOOST, false, false));
	ck_assert(!credit_preempts(CREDIT_PRI_BOOST, CREDIT_PRI_BOOST, false, false));
	/* Equal priority: round robin at the end of the slice. */
	ck_assert(!credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_UNDER, false, false));
	ck_assert(credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_UNDER, true, false));
	/* Lower priority waits even when the slice is over... */
	ck_assert(!credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_OVER, true, false));
	/* ...unless the running one yields. */
	ck_assert(credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_OVER, false, true));
	ck_assert(!credit_preempts(CREDIT_PRI_UNDER, CREDIT_PRI_NONE, true, true));
	/* The rate limit holds a preemption back for a vCPU just switched in, not for a yielder. */
	ck_assert(credit_ratelimited(999999, 1000000, false));
	ck_assert(!credit_ratelimited(1000000, 1000000, false));
	ck_assert(!credit_ratelimited(0, 1000000, true));
	ck_assert(!credit_ratelimited(0, 0, false));
}
END_TEST

START_TEST(test_cap_refill)
{
	ck_assert_int_eq(credit_cap_refill(5 * MS, 25, P), (int64_t)(P / 4));        /* surplus is lost */
	ck_assert_int_eq(credit_cap_refill(-2 * (int64_t)MS, 25, P), (int64_t)(P / 4 - 2 * MS));
	ck_assert_int_eq(credit_cap_refill(-10 * (int64_t)P, 200, P), (int64_t)P);   /* debt bounded */
}
END_TEST

START_TEST(test_steal_pick)
{
	struct credit_peer p[4] = {
		{ CREDIT_PRI_NONE, 0 }, { CREDIT_PRI_OVER, 3 }, { CREDIT_PRI_UNDER, 1 }, { CREDIT_PRI_UNDER, 2 },
	};
	ck_assert_int_eq(credit_steal_pick(p, 4, CREDIT_PRI_NONE), 3);    /* best, then longest queue */
	ck_assert_int_eq(credit_steal_pick(p, 4, CREDIT_PRI_OVER), 3);
	ck_assert_int_eq(credit_steal_pick(p, 4, CREDIT_PRI_UNDER), -1);  /* has good work of its own */
	ck_assert_int_eq(credit_steal_pick(p, 2, CREDIT_PRI_NONE), 1);    /* an idle CPU takes even OVER */
	ck_assert_int_eq(credit_steal_pick(p, 2, CREDIT_PRI_OVER), -1);   /* not OVER for OVER */
	ck_assert_int_eq(credit_steal_pick(p, 1, CREDIT_PRI_NONE), -1);
}
END_TEST

/* ---- a simulation of schedule.c's use of them --------------------------------- */

#define MAXV 8
#define MAXC 4
#define STEP (100 * 1000ULL)    /* 0.1 ms */
#define SCHED_SLICE_TEST (30 * MS)  /* schedule.c's SCHED_SLICE_NS */
#define RATELIMIT_TEST (1 * MS)     /* schedule.c's default sched_ratelimit_us */

struct sdom {
	uint32_t weight, cap;
	int64_t budget;
	bool parked;
};

struct svcpu {
	int dom, cpu;
	int64_t credit;
	int pri;
	bool boosted, running, queued, ran, blocked, woken;
	uint64_t run_start, used;
	uint64_t woke_at, max_wait;     /* latency from a wake-up (from blocking) to running */
};

static struct sdom doms[MAXV];
static struct svcpu vs[MAXV];
static int nv, nd, ncpu;
static struct {
	int curr, q[MAXV], nq;
	uint64_t slice_end, cap_end, run_since, ratelimit_end;
	bool resched;
} cpus[MAXC];
static uint64_t now, last_acct;

static bool s_runnable(int i)
{
	return !vs[i].blocked && !doms[vs[i].dom].parked;
}

static void q_insert(int c, int i)
{
	int pos = cpus[c].nq;
	for (int k = 0; k < cpus[c].nq; k++)
		if (vs[cpus[c].q[k]].pri < vs[i].pri) {
			pos = k;
			break;
		}
	memmove(&cpus[c].q[pos + 1], &cpus[c].q[pos], (size_t)(cpus[c].nq - pos) * sizeof(int));
	cpus[c].q[pos] = i;
	cpus[c].nq++;
	vs[i].queued = true;
}

static void q_remove_at(int c, int k)
{
	vs[cpus[c].q[k]].queued = false;
	memmove(&cpus[c].q[k], &cpus[c].q[k + 1], (size_t)(cpus[c].nq - k - 1) * sizeof(int));
	cpus[c].nq--;
}

static int q_best(int c)
{
	return cpus[c].nq ? vs[cpus[c].q[0]].pri : CREDIT_PRI_NONE;
}

static void charge(int i)
{
	uint64_t ran = now - vs[i].run_start;
	vs[i].run_start = now;
	vs[i].used += ran;
	vs[i].ran = true;
	vs[i].credit -= (int64_t)ran;
	if (vs[i].credit < -(int64_t)P)
		vs[i].credit = -(int64_t)P;
	struct sdom *d = &doms[vs[i].dom];
	if (d->cap && (d->budget -= (int64_t)ran) <= 0 && !d->parked) {
		d->parked = true;
		for (int c = 0; c < ncpu; c++)
			if (cpus[c].curr >= 0 && vs[cpus[c].curr].dom == vs[i].dom)
				cpus[c].resched = true;
	}
}

static void wake(int i, bool boost)
{
	struct svcpu *v = &vs[i];
	v->blocked = false;
	if (!s_runnable(i) || v->running || v->queued)
		return;
	v->boosted = boost && credit_wake_boosts(v->credit);
	v->pri = v->boosted ? CREDIT_PRI_BOOST : credit_priority(v->credit);
	v->woke_at = now;
	v->woken = boost;
	q_insert(v->cpu, i);
	cpus[v->cpu].resched = true;
	/* It will wait behind the running one: an idle CPU comes to take it. */
	int curr = cpus[v->cpu].curr;
	if (curr >= 0 && vs[curr].pri >= v->pri)
		for (int c = 0; c < ncpu; c++)
			if (cpus[c].curr < 0)
				cpus[c].resched = true;
}

static void account(void)
{
	struct credit_share sh[MAXV];
	uint64_t elapsed = now - last_acct;
	last_acct = now;
	for (int d = 0; d < nd; d++)
		sh[d] = (struct credit_share){ .weight = doms[d].weight, .cap = doms[d].cap };
	bool active[MAXV];
	for (int i = 0; i < nv; i++) {
		if (vs[i].running)
			charge(i);
		active[i] = vs[i].ran || vs[i].queued || vs[i].running;
		vs[i].ran = vs[i].running;
		if (active[i])
			sh[vs[i].dom].nr_active++;
	}
	credit_shares(sh, (unsigned)nd, elapsed * (uint64_t)ncpu, elapsed);
	for (int d = 0; d < nd; d++) {
		if (doms[d].cap)
			doms[d].budget = credit_cap_refill(doms[d].budget, doms[d].cap, elapsed);
		if (doms[d].parked && doms[d].budget > 0)
			doms[d].parked = false;
	}
	for (int i = 0; i < nv; i++) {
		struct svcpu *v = &vs[i];
		if (active[i])
			v->credit = credit_earn(v->credit, sh[v->dom].share / sh[v->dom].nr_active, elapsed);
		if (!v->boosted)
			v->pri = credit_priority(v->credit);
		if (!v->queued && !v->running && !v->blocked)
			wake(i, false);
	}
	for (int c = 0; c < ncpu; c++) {
		int tmp[MAXV], n = cpus[c].nq;
		memcpy(tmp, cpus[c].q, sizeof(tmp));
		cpus[c].nq = 0;
		for (int k = 0; k < n; k++)
			q_insert(c, tmp[k]);
		if (cpus[c].curr >= 0 && q_best(c) > vs[cpus[c].curr].pri)
			cpus[c].resched = true;
	}
}

static void steal(int c, int local)
{
	struct credit_peer peers[MAXC];
	for (int o = 0; o < ncpu; o++) {
		peers[o] = (struct credit_peer){ CREDIT_PRI_NONE, 0 };
		if (o != c && cpus[o].nq && cpus[o].curr >= 0)      /* not from an idle CPU */
			peers[o] = (struct credit_peer){ (enum credit_pri)q_best(o), (unsigned)cpus[o].nq };
	}
	int pick = credit_steal_pick(peers, (unsigned)ncpu, (enum credit_pri)local);
	if (pick < 0)
		return;
	int i = cpus[pick].q[0];
	q_remove_at(pick, 0);
	vs[i].cpu = c;
	q_insert(c, i);
}

static void schedule(int c)
{
	int prev = cpus[c].curr;
	cpus[c].resched = false;
	if (prev >= 0)
		charge(prev);
	for (int k = 0; k < cpus[c].nq;)
		if (!s_runnable(cpus[c].q[k]))
			q_remove_at(c, k);
		else
			k++;
	bool slice_over = now >= cpus[c].slice_end;
	bool keep = prev >= 0 && s_runnable(prev);
	if (keep && (!vs[prev].boosted || slice_over)) {
		vs[prev].boosted = false;
		vs[prev].pri = credit_priority(vs[prev].credit);
	}
	int local = q_best(c);
	if (keep && vs[prev].pri > local)
		local = vs[prev].pri;
	if (local <= CREDIT_PRI_OVER)
		steal(c, local);
	cpus[c].ratelimit_end = 0;
	if (keep && credit_preempts(vs[prev].pri, q_best(c), slice_over, false) &&
	    credit_ratelimited(now - cpus[c].run_since, RATELIMIT_TEST, false))
		cpus[c].ratelimit_end = cpus[c].run_since + RATELIMIT_TEST;
	else if (keep && credit_preempts(vs[prev].pri, q_best(c), slice_over, false)) {
		vs[prev].boosted = false;
		vs[prev].pri = credit_priority(vs[prev].credit);
		q_insert(c, prev);
		keep = false;
	}
	int next = keep ? prev : -1;
	if (!keep && cpus[c].nq) {
		next = cpus[c].q[0];
		q_remove_at(c, 0);
	}
	if (next == prev) {
		if (prev >= 0 && slice_over)
			cpus[c].slice_end = now + SCHED_SLICE_TEST;
	} else {
		if (prev >= 0) {
			vs[prev].running = false;
			vs[prev].boosted = false;
		}
		if (next >= 0) {
			vs[next].running = true;
			vs[next].run_start = now;
			vs[next].cpu = c;
			cpus[c].run_since = now;
			if (vs[next].woken && now - vs[next].woke_at > vs[next].max_wait) {
				vs[next].max_wait = now - vs[next].woke_at;
				if (getenv("SIM_DEBUG"))
					fprintf(stderr, "t=%lu v%d waited %lu credit %ld pri %d\n", (unsigned long)now, next,
						(unsigned long)vs[next].max_wait, (long)vs[next].credit, vs[next].pri);
			}
			vs[next].woken = false;
			cpus[c].slice_end = now + SCHED_SLICE_TEST;
		}
		cpus[c].curr = next;
		if (next >= 0 && cpus[c].nq)            /* a preempted one waits: an idle CPU may take it */
			for (int o = 0; o < ncpu; o++)
				if (cpus[o].curr < 0)
					cpus[o].resched = true;
	}
	cpus[c].cap_end = 0;
	if (cpus[c].curr >= 0 && doms[vs[cpus[c].curr].dom].cap) {
		int64_t left = doms[vs[cpus[c].curr].dom].budget;
		cpus[c].cap_end = now + (left > 0 ? (uint64_t)left : 1);
	}
}

static void sim_init(int cpus_n)
{
	memset(doms, 0, sizeof(doms));
	memset(vs, 0, sizeof(vs));
	memset(cpus, 0, sizeof(cpus));
	nv = nd = 0;
	ncpu = cpus_n;
	now = 0;
	last_acct = 0;
	for (int c = 0; c < ncpu; c++)
		cpus[c].curr = -1;
}

static int add_dom(uint32_t weight, uint32_t cap)
{
	doms[nd] = (struct sdom){ .weight = weight, .cap = cap, .budget = credit_cap_refill(0, cap, P) };
	return nd++;
}

static int add_vcpu(int dom, int cpu)
{
	vs[nv] = (struct svcpu){ .dom = dom, .cpu = cpu, .blocked = true };
	return nv++;
}

/* Run until `until`; `tick` (if set) is called every step to block/wake vCPUs. */
static void sim_run(uint64_t until, void (*tick)(void))
{
	uint64_t next_acct = now + P;
	while (now < until) {
		if (tick)
			tick();
		if (now >= next_acct) {
			account();
			next_acct = now + P;
		}
		bool waiting = false;
		for (int c = 0; c < ncpu; c++)
			waiting |= cpus[c].nq > 0;
		for (int c = 0; c < ncpu; c++) {
			/* Slices end while any CPU has vCPUs waiting (so a CPU running OVER can steal). */
			bool due = cpus[c].resched || (waiting && now >= cpus[c].slice_end) ||
				   (cpus[c].cap_end && now >= cpus[c].cap_end) ||
				   (cpus[c].ratelimit_end && now >= cpus[c].ratelimit_end) || cpus[c].curr < 0;
			if (due)
				schedule(c);
		}
		now += STEP;
	}
	for (int c = 0; c < ncpu; c++)
		if (cpus[c].curr >= 0)
			charge(cpus[c].curr);
}

START_TEST(test_sim_weights_share_one_cpu)
{
	sim_init(1);
	int a = add_vcpu(add_dom(256, 0), 0), b = add_vcpu(add_dom(512, 0), 0);
	wake(a, false);
	wake(b, false);
	sim_run(20ULL * 1000 * MS, NULL);
	double ratio = (double)vs[b].used / (double)vs[a].used;
	ck_assert_msg(ratio > 2.0 * 0.95 && ratio < 2.0 * 1.05, "B/A = %.3f, want 2 +-5%%", ratio);
	ck_assert_uint_ge(vs[a].used + vs[b].used, 20ULL * 1000 * MS - STEP);      /* the CPU never idled */
}
END_TEST

START_TEST(test_sim_weights_three_domains)
{
	sim_init(1);
	int a = add_vcpu(add_dom(100, 0), 0), b = add_vcpu(add_dom(200, 0), 0), c = add_vcpu(add_dom(300, 0), 0);
	wake(a, false);
	wake(b, false);
	wake(c, false);
	sim_run(30ULL * 1000 * MS, NULL);
	double total = (double)(vs[a].used + vs[b].used + vs[c].used);
	double fa = vs[a].used / total, fb = vs[b].used / total, fc = vs[c].used / total;
	ck_assert_msg(fa > 1 / 6.0 * 0.95 && fa < 1 / 6.0 * 1.05, "A %.3f", fa);
	ck_assert_msg(fb > 2 / 6.0 * 0.95 && fb < 2 / 6.0 * 1.05, "B %.3f", fb);
	ck_assert_msg(fc > 3 / 6.0 * 0.95 && fc < 3 / 6.0 * 1.05, "C %.3f", fc);
}
END_TEST

START_TEST(test_sim_cap_alone)
{
	sim_init(1);
	int a = add_vcpu(add_dom(256, 25), 0);
	wake(a, false);
	sim_run(10ULL * 1000 * MS, NULL);
	double frac = (double)vs[a].used / (double)now;
	ck_assert_msg(frac > 0.25 * 0.95 && frac < 0.25 * 1.05, "capped at 25%% ran %.3f", frac);
}
END_TEST

START_TEST(test_sim_cap_with_competitor)
{
	/* Capped domain has the bigger weight; the cap still wins, B takes the rest. */
	sim_init(1);
	int a = add_vcpu(add_dom(1024, 25), 0), b = add_vcpu(add_dom(256, 0), 0);
	wake(a, false);
	wake(b, false);
	sim_run(10ULL * 1000 * MS, NULL);
	double fa = (double)vs[a].used / (double)now, fb = (double)vs[b].used / (double)now;
	ck_assert_msg(fa > 0.25 * 0.95 && fa < 0.25 * 1.05, "capped A ran %.3f", fa);
	ck_assert_msg(fb > 0.70, "B ran %.3f", fb);
}
END_TEST

START_TEST(test_sim_cap_two_cpus)
{
	/* cap 50 = half of one CPU for a domain with two busy vCPUs on two CPUs. */
	sim_init(2);
	int d = add_dom(256, 50);
	int a = add_vcpu(d, 0), b = add_vcpu(d, 1);
	wake(a, false);
	wake(b, false);
	sim_run(10ULL * 1000 * MS, NULL);
	double frac = (double)(vs[a].used + vs[b].used) / (double)now;
	ck_assert_msg(frac > 0.5 * 0.95 && frac < 0.5 * 1.05, "cap 50 on 2 vCPUs ran %.3f CPUs", frac);
}
END_TEST

/* An interactive vCPU: runs ~1 ms, blocks for ~9 ms, again and again. */
static int inter;
static uint64_t inter_next_wake, inter_run_until;
static unsigned inter_wakes;

static void interactive_tick(void)
{
	struct svcpu *v = &vs[inter];
	if (v->running && now >= inter_run_until) {
		/* It blocks: what schedule.c does for SCHEDOP_block. */
		v->blocked = true;
		cpus[v->cpu].resched = true;
		inter_next_wake = now + 9 * MS;
	}
	if (v->blocked && now >= inter_next_wake && !v->running) {
		wake(inter, true);
		inter_wakes++;
		inter_run_until = now + 1 * MS;
	}
	if (v->running && inter_run_until < v->run_start)
		inter_run_until = v->run_start + 1 * MS;
	if (getenv("SIM_DEBUG") && v->running && v->run_start == now && now - v->woke_at > STEP)
		fprintf(stderr, "t=%lu woke %lu credit %ld hog credit %ld pri %d\n", (unsigned long)now,
			(unsigned long)v->woke_at, (long)v->credit, (long)vs[0].credit, v->pri);
}

START_TEST(test_sim_woken_preempts_over)
{
	sim_init(1);
	int hog = add_vcpu(add_dom(256, 0), 0);
	inter = add_vcpu(add_dom(256, 0), 0);
	wake(hog, false);
	inter_next_wake = 5 * MS;
	inter_run_until = 0;
	inter_wakes = 0;
	/* Until the first accounting nobody has credit: the first wake-ups are not boosted. */
	sim_run(2 * P, interactive_tick);
	vs[inter].max_wait = 0;
	sim_run(5ULL * 1000 * MS, interactive_tick);
	/*
	 * The hog is OVER most of the time, the interactive one UNDER: BOOST on
	 * each wake, served once the hog has had the rate limit's 1 ms.
	 */
	ck_assert_uint_gt(inter_wakes, 400);
	ck_assert_msg(vs[inter].max_wait <= RATELIMIT_TEST + STEP, "woken vCPU waited %lu ns",
		      (unsigned long)vs[inter].max_wait);
	double fi = (double)vs[inter].used / (double)now;
	ck_assert_msg(fi > 0.08 && fi < 0.12, "interactive ran %.3f", fi);
}
END_TEST

/*
 * Runs 0.1 ms, blocks, wakes 0.3 ms later: just after the hog got the CPU
 * back. Counts the wake-ups and those that waited for the rest of the
 * hog's 1 ms.
 */
static uint64_t quick_wake_at;
static unsigned quick_wakes, quick_held;

static void quick_tick(void)
{
	struct svcpu *v = &vs[inter];
	if (v->running && v->run_start + STEP == now) {        /* started in the last step */
		uint64_t waited = v->run_start - v->woke_at;
		quick_wakes++;
		quick_held += waited >= RATELIMIT_TEST - 4 * STEP && waited <= RATELIMIT_TEST - 2 * STEP;
	}
	if (v->running && now >= v->run_start + STEP) {
		v->blocked = true;
		cpus[v->cpu].resched = true;
		quick_wake_at = now + 3 * STEP;
	}
	if (v->blocked && !v->running && now >= quick_wake_at)
		wake(inter, true);
}

START_TEST(test_sim_ratelimit_holds_preemption)
{
	/* The hog, switched in 0.3 ms before each BOOSTed wake-up, keeps the CPU for its 1 ms. */
	sim_init(1);
	int hog = add_vcpu(add_dom(256, 0), 0);
	inter = add_vcpu(add_dom(256, 0), 0);
	wake(hog, false);
	quick_wake_at = 5 * MS;
	sim_run(2 * P, quick_tick);
	quick_wakes = quick_held = 0;
	sim_run(1000 * MS, quick_tick);
	ck_assert_uint_gt(quick_wakes, 500);
	ck_assert_msg(quick_held >= quick_wakes * 9 / 10, "%u of %u wake-ups waited ~0.7 ms",
		      quick_held, quick_wakes);
}
END_TEST

START_TEST(test_sim_steal_balances)
{
	/* Three busy equal vCPUs all placed on CPU 0 of two: stealing spreads them, 2/3 CPU each. */
	sim_init(2);
	int v[3];
	for (int i = 0; i < 3; i++) {
		v[i] = add_vcpu(add_dom(256, 0), 0);
		wake(v[i], false);
	}
	sim_run(30ULL * 1000 * MS, NULL);
	for (int i = 0; i < 3; i++) {
		double f = (double)vs[v[i]].used / (double)now;
		ck_assert_msg(f > 2 / 3.0 * 0.95 && f < 2 / 3.0 * 1.05, "vCPU %d ran %.3f CPUs", i, f);
	}
	/* Only one CPU's worth can be lost to a vCPU running on two CPUs at once: never. */
	ck_assert_uint_le(vs[v[0]].used + vs[v[1]].used + vs[v[2]].used, 2 * now);
}
END_TEST

START_TEST(test_sim_weights_on_two_cpus)
{
	/* Two CPUs: dom A (weight 512, 2 vCPUs) and dom B (weight 256, 2 vCPUs): A gets 2/3 of the machine. */
	sim_init(2);
	int a = add_dom(512, 0), b = add_dom(256, 0);
	int va[2] = { add_vcpu(a, 0), add_vcpu(a, 1) }, vb[2] = { add_vcpu(b, 0), add_vcpu(b, 1) };
	for (int i = 0; i < 2; i++) {
		wake(va[i], false);
		wake(vb[i], false);
	}
	sim_run(30ULL * 1000 * MS, NULL);
	double fa = (double)(vs[va[0]].used + vs[va[1]].used) / (2.0 * (double)now);
	ck_assert_msg(fa > 2 / 3.0 * 0.95 && fa < 2 / 3.0 * 1.05, "A's share %.3f", fa);
}
END_TEST

/* Two vCPUs that block and wake at the same moments (a Linux domain's IPIs). */
static uint64_t pair_next[2], pair_until[2];

static void pair_tick(void)
{
	for (int i = 0; i < 2; i++) {
		struct svcpu *v = &vs[i];
		if (v->running && now >= pair_until[i]) {
			v->blocked = true;
			cpus[v->cpu].resched = true;
			pair_next[i] = now + 1 * MS;
		}
		if (v->blocked && !v->running && now >= pair_next[i]) {
			wake(i, true);
			pair_until[i] = now + 2 * MS;
		}
	}
}

START_TEST(test_sim_no_pileup)
{
	/*
	 * One vCPU per CPU never ends up sharing a CPU with the other while a
	 * CPU idles: an idle CPU does not take a vCPU its own idle CPU was just
	 * woken for, and a preempted vCPU calls an idle CPU over.
	 */
	sim_init(2);
	int d = add_dom(256, 0);
	add_vcpu(d, 0);
	add_vcpu(d, 1);
	pair_next[0] = 0;
	pair_next[1] = 2 * MS;     /* wakes just as the other blocks */
	pair_until[0] = pair_until[1] = 0;
	sim_run(3ULL * 1000 * MS, pair_tick);
	for (int i = 0; i < 2; i++) {
		double f = (double)vs[i].used / (double)now;
		ck_assert_msg(f > 0.6, "vCPU %d ran %.3f of the time (want 2/3)", i, f);
		ck_assert_msg(vs[i].max_wait <= STEP, "vCPU %d waited %lu ns", i, (unsigned long)vs[i].max_wait);
	}
}
END_TEST

static Suite *sched_credit_suite(void)
{
	Suite *s = suite_create("sched_credit");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_shares_by_weight);
	tcase_add_test(tc, test_shares_inactive_get_nothing);
	tcase_add_test(tc, test_shares_cap_redistributes);
	tcase_add_test(tc, test_shares_peak_redistributes);
	tcase_add_test(tc, test_earn_bounds);
	tcase_add_test(tc, test_preemption_rules);
	tcase_add_test(tc, test_cap_refill);
	tcase_add_test(tc, test_steal_pick);
	suite_add_tcase(s, tc);
	TCase *sim = tcase_create("simulation");
	tcase_set_timeout(sim, 60);
	tcase_add_test(sim, test_sim_weights_share_one_cpu);
	tcase_add_test(sim, test_sim_weights_three_domains);
	tcase_add_test(sim, test_sim_cap_alone);
	tcase_add_test(sim, test_sim_cap_with_competitor);
	tcase_add_test(sim, test_sim_cap_two_cpus);
	tcase_add_test(sim, test_sim_woken_preempts_over);
	tcase_add_test(sim, test_sim_ratelimit_holds_preemption);
	tcase_add_test(sim, test_sim_steal_balances);
	tcase_add_test(sim, test_sim_weights_on_two_cpus);
	tcase_add_test(sim, test_sim_no_pileup);
	suite_add_tcase(s, sim);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sched_credit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
