# Event-channel core: state machine, 2-level and FIFO delivery.
UNIT_SUITES += evtchn
evtchn_SRCS := tests/unit/evtchn_test.c tests/unit/evtchn_fifo_test.c tests/unit/evtchn_harness.c tests/unit/evtchn_xen.c event/evtchn.c event/evtchn_2l.c event/evtchn_fifo.c
evtchn_LIBS := -lpthread
