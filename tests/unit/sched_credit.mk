# Credit scheduler decisions (common/sched_credit.c) and a simulation of their use.
UNIT_SUITES += sched_credit
sched_credit_SRCS := tests/unit/test_sched_credit.c common/sched_credit.c
