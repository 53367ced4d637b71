# Grant-table core (grant/): entry state machine, flag protocol, limits.
UNIT_SUITES += grant
grant_SRCS := tests/unit/test_grant.c tests/unit/grant_fake.c \
  tests/unit/grant_abi.c \
  grant/grant_table.c grant/grant_map.c grant/grant_copy.c
