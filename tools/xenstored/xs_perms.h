/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XenStore node permissions. A node carries a list of (letter, domid)
 * entries: the first names the owner, and its letter is the access every
 * domain not listed gets. Letters: 'n' none, 'r' read, 'w' write, 'b' both.
 * The owner always has full access; privileged connections bypass checks.
 */
#ifndef MICA_XS_PERMS_H
#define MICA_XS_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH 3u

/* Domids above this are reserved by Xen (DOMID_FIRST_RESERVED - 1). */
#define XS_DOMID_MAX 0x7fefu

struct xs_perm {
	uint32_t domid;
	uint8_t perm;
};

struct xs_perms {
	unsigned num;
	struct xs_perm *p; /* heap; num >= 1 for a node */
};

/*
 * Parse @n NUL-terminated entries from @strs (consecutive strings, each
 * like "r5"). Returns 0 or EINVAL; on success @out owns a new array.
 */
int xs_perms_parse(const char *strs, size_t len, struct xs_perms *out);

/* Wire form: each entry as "<letter><domid>\0". Returns bytes needed. */
size_t xs_perms_format(const struct xs_perms *perms, char *buf, size_t sz);

/* Access mask (XS_PERM_*) @domid gets on a node with @perms. */
unsigned xs_perms_mask(const struct xs_perms *perms, uint32_t domid);

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src);
void xs_perms_free(struct xs_perms *perms);
bool xs_perms_equal(const struct xs_perms *a, const struct xs_perms *b);

static inline uint32_t xs_perms_owner(const struct xs_perms *perms)
{
	return perms->p[0].domid;
}

#endif
