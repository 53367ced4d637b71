# Mica's vsnprintf/snprintf (common/lib/vsnprintf.c) against the C library's.
# The file defines vsnprintf and snprintf, which would clash with libc's (and
# be called by libc and Check themselves), so they are renamed for the test.
# The rename also applies to the test file, which #undefs it to reach libc.
UNIT_SUITES += vsnprintf
vsnprintf_SRCS := tests/unit/test_vsnprintf.c common/lib/vsnprintf.c
vsnprintf_CFLAGS := -Dvsnprintf=mica_vsnprintf -Dsnprintf=mica_snprintf
