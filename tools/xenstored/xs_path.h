/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XenStore path rules: validation, relative-path resolution and the
 * ancestor relation used by watches.
 *
 * A canonical path starts with '/', has no empty component, no trailing
 * '/' (except the root itself) and only the characters [A-Za-z0-9-/_@].
 * Relative paths (no leading '/') are resolved against the connection's
 * home "/local/domain/<domid>". Special watch paths start with '@'.
 */
#ifndef MICA_XS_PATH_H
#define MICA_XS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest absolute path we ever build (XENSTORE_ABS_PATH_MAX + NUL). */
#define XS_PATH_BUF 3073

/*
 * Resolve @in for a connection belonging to @domid into @out (XS_PATH_BUF
 * bytes). @max_rel limits the length below "/local/domain/<n>/" (Xen's
 * quota_max_path_len). Returns 0, or EINVAL for an invalid path.
 * Special '@' paths are accepted only if @allow_special.
 */
int xs_path_canon(uint32_t domid, const char *in, unsigned max_rel,
                  bool allow_special, char *out);

/* True if @abs is a valid canonical (non-special) path. */
bool xs_path_valid(const char *abs, unsigned max_rel);

/* True if @path equals @anc or lies below it ("/" is everybody's ancestor). */
bool xs_path_is_below(const char *path, const char *anc);

/* "/local/domain/<domid>" into @out; returns its length. */
size_t xs_path_home(uint32_t domid, char *out, size_t sz);

/*
 * The form of @abs a connection of @domid should see: relative to its home
 * if the connection asked relatively and @abs lies strictly below home.
 */
const char *xs_path_for_client(uint32_t domid, const char *abs, bool relative);

/* Writes the parent of @abs ("/a/b" -> "/a", "/a" -> "/") into @out. */
void xs_path_parent(const char *abs, char *out);

/* Last component of @abs ("" for the root). */
const char *xs_path_basename(const char *abs);

#endif
