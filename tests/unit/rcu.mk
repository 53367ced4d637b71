# Grace periods for deferred freeing (common/rcu.c): the state machine and
# a randomised model of CPUs holding what they looked up.
UNIT_SUITES += rcu
rcu_SRCS := tests/unit/test_rcu.c common/rcu.c
