# XenStore daemon core: protocol, tree, permissions, transactions,
# watches, quotas, rings and a time-bounded wire fuzz test.
UNIT_SUITES += xenstored
xenstored_SRCS := tests/unit/xenstored_test.c tests/unit/xenstored_fuzz.c \
  tests/unit/xenstored_abi.c \
  $(addprefix tools/xenstored/,xs_path.c xs_perms.c xs_tree.c xs_conn.c \
  xs_core.c xs_ops.c xs_watch.c xs_txn.c xs_domain.c xs_ring.c)
xenstored_CFLAGS := -Itools/xenstored
