# xl.cfg parser of xl-lite: good and bad files, each error asserted.
UNIT_SUITES += xlcfg
xlcfg_SRCS := tests/unit/xlcfg_test.c tools/xl-lite/xlcfg.c tools/xl-lite/xlcfg_dev.c
xlcfg_CFLAGS := -Itools/xl-lite
