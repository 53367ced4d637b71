// SPDX-License-Identifier: GPL-2.0-only
/*
 * xlref-clock: the stopwatch of the xl reference scripts (tests/xlref/).
 *
 *   xlref-clock now
 *       prints CLOCK_MONOTONIC in milliseconds.
 *   xlref-clock [-o OUT] [-w FILE -s STRING] [-t TIMEOUT_MS] -- CMD [ARG...]
 *       runs CMD (stdout and stderr to OUT, default /dev/null) and prints
 *       "ms=<CMD's wall time> rc=<its exit status>"; with -w it then waits
 *       until FILE contains STRING and adds "ready_ms=<time from starting
 *       CMD to seeing STRING>" (-1 on timeout).
 *
 * It exists because busybox's date has no sub-second format and a shell
 * loop polling a log with grep forks twice per turn: on a one-CPU TCG
 * machine that steals the very CPU the booting guest needs. Here the wait
 * is a read of the file every 5 ms and nothing else.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Whether FILE holds STRING: the console log only grows, so only the new
 * bytes (plus an overlap of the string's length) are searched each turn. */
static int file_has(const char *file, const char *string, off_t *seen)
{
	static char buf[65536 + 256];
	size_t slen = strlen(string);
	int fd = open(file, O_RDONLY);
	int found = 0;

	if (fd < 0)
		return 0;
	off_t from = *seen > (off_t)slen ? *seen - (off_t)slen : 0;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (memmem(buf, (size_t)n, string, slen)) {
			found = 1;
			break;
		}
		*seen = from + n;
		if ((size_t)n < sizeof(buf) - 1)
			break;	/* end of file */
		from += n - (ssize_t)slen;
	}
	close(fd);
	return found;
}

static int usage(void)
{
	fprintf(stderr, "usage: xlref-clock now\n"
			"       xlref-clock [-o OUT] [-w FILE -s STRING] [-t TIMEOUT_MS] -- CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *wfile = NULL, *wstring = NULL;
	long timeout = 120000;
	int opt;

	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", now_ms());
		return 0;
	}
	while ((opt = getopt(argc, argv, "+o:w:s:t:")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'w': wfile = optarg; break;
		case 's': wstring = optarg; break;
		case 't': timeout = atol(optarg); break;
		default: return usage();
		}
	}
	if (optind >= argc || (!wfile != !wstring))
		return usage();

	off_t seen = 0;
	long long t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		perror("xlref-clock: fork");
		return 1;
	}
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[optind], argv + optind);
		perror("xlref-clock: exec");
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	long long t1 = now_ms();
	int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("ms=%lld rc=%d", t1 - t0, rc);
	if (wfile) {
		long long ready = -1;
		while (now_ms() - t0 < timeout) {
			if (file_has(wfile, wstring, &seen)) {
				ready = now_ms() - t0;
				break;
			}
			nap_ms(5);
		}
		printf(" ready_ms=%lld", ready);
	}
	printf("\n");
	return 0;
}
