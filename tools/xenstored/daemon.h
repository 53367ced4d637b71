/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What both dom0 daemons (mica-xenstored, mica-xenconsoled) do to run in
 * the background: detach from the caller once ready to serve, and leave a
 * pid file for whoever stops them.
 */
#ifndef MICA_TOOLS_DAEMON_H
#define MICA_TOOLS_DAEMON_H

/*
 * Fork; the parent exits (so the caller's "start" returns only once the
 * daemon is ready), the child starts a session with stdin and stdout on
 * /dev/null. stderr stays: verbose logs and errors go where the caller
 * said. -1 if the fork failed.
 */
int daemonize(void);
/* Write the process id to path; a failure is reported on stderr under prog. */
void write_pidfile(const char *prog, const char *path);

#endif
