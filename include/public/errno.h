/* SPDX-License-Identifier: MIT */
/*
 * errno.h - error numbers returned by hypercalls.
 *
 * A failing hypercall returns the negated value, e.g. -XEN_EINVAL. The
 * numbers are the same as Linux's on x86, so a Linux guest can pass them
 * on unchanged; they are part of the ABI and never change.
 * Example: if (rc == -XEN_ENOSYS) fall back to the old interface;
 */
#ifndef MICA_PUBLIC_ERRNO_H
#define MICA_PUBLIC_ERRNO_H

#define XEN_EPERM            1  /* caller lacks the privilege for this */
#define XEN_ENOENT           2  /* no such object (entry, page, node) */
#define XEN_ESRCH            3  /* no such domain or vCPU */
#define XEN_EIO              5  /* I/O or internal failure */
#define XEN_ENXIO            6  /* no such device or address */
#define XEN_E2BIG            7  /* argument list or buffer too long */
#define XEN_ENOEXEC          8  /* bad executable format */
#define XEN_EBADF            9  /* bad handle or port */
#define XEN_ECHILD          10  /* no child (unused by hypercalls) */
#define XEN_EAGAIN          11  /* temporarily impossible; try again */
#define XEN_EWOULDBLOCK     11  /* same as XEN_EAGAIN */
#define XEN_ENOMEM          12  /* out of memory */
#define XEN_EACCES          13  /* access denied by policy */
#define XEN_EFAULT          14  /* guest address could not be read or written */
#define XEN_EBUSY           16  /* object is in use */
#define XEN_EEXIST          17  /* object already exists */
#define XEN_EXDEV           18  /* object belongs to another domain */
#define XEN_ENODEV          19  /* no such device */
#define XEN_ENOTDIR         20  /* not a directory */
#define XEN_EISDIR          21  /* is a directory */
#define XEN_EINVAL          22  /* invalid argument */
#define XEN_ENFILE          23  /* system-wide table full */
#define XEN_EMFILE          24  /* per-domain table full (e.g. no free port) */
#define XEN_ENOSPC          28  /* no space left */
#define XEN_EROFS           30  /* read-only object */
#define XEN_EMLINK          31  /* too many links */
#define XEN_EDOM            33  /* argument out of domain */
#define XEN_ERANGE          34  /* result out of range / buffer too small */
#define XEN_EDEADLK         35  /* would deadlock */
#define XEN_EDEADLOCK       35  /* same as XEN_EDEADLK */
#define XEN_ENAMETOOLONG    36  /* name too long */
#define XEN_ENOLCK          37  /* no locks available */
#define XEN_ENOSYS          38  /* hypercall or sub-op not implemented */
#define XEN_ENOTEMPTY       39  /* not empty */
#define XEN_ENODATA         61  /* no data available */
#define XEN_ETIME           62  /* timeout already in the past */
#define XEN_EBADMSG         74  /* malformed message */
#define XEN_EOVERFLOW       75  /* value too large for the field */
#define XEN_EILSEQ          84  /* illegal byte sequence */
#define XEN_ENOTSOCK        88  /* not a socket */
#define XEN_EMSGSIZE        90  /* message too large */
#define XEN_EOPNOTSUPP      95  /* operation not supported */
#define XEN_EADDRINUSE      98  /* address already in use */
#define XEN_EADDRNOTAVAIL   99  /* address not available */
#define XEN_ENOBUFS        105  /* no buffer space */
#define XEN_EISCONN        106  /* already connected */
#define XEN_ENOTCONN       107  /* not connected */
#define XEN_ETIMEDOUT      110  /* timed out */
#define XEN_ECONNREFUSED   111  /* connection refused */

#endif /* MICA_PUBLIC_ERRNO_H */
