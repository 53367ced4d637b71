// SPDX-License-Identifier: GPL-2.0-only
/* Permission lists: parsing, formatting and access checks. */
#include "xs_perms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int letter_to_perm(char c)
{
	switch (c) {
	case 'n': return XS_PERM_NONE;
	case 'r': return XS_PERM_READ;
	case 'w': return XS_PERM_WRITE;
	case 'b': return XS_PERM_BOTH;
	default: return -1;
	}
}

static char perm_to_letter(unsigned p)
{
	static const char l[] = "nrwb";

	return l[p & 3];
}

int xs_perms_parse(const char *strs, size_t len, struct xs_perms *out)
{
	unsigned n = 0;
	size_t i;
	const char *s;

	/* Every entry must be terminated inside the buffer. */
	if (len == 0 || strs[len - 1] != '\0')
		return EINVAL;
	for (i = 0; i < len; i++)
		if (strs[i] == '\0')
			n++;
	out->p = calloc(n, sizeof(*out->p));
	if (!out->p)
		return ENOMEM;
	out->num = n;
	s = strs;
	for (i = 0; i < n; i++) {
		int perm = letter_to_perm(s[0]);
		unsigned long d;
		char *end;

		/* A digit must follow directly: strtoul would skip blanks/signs. */
		if (perm < 0 || s[1] < '0' || s[1] > '9')
			goto bad;
		errno = 0;
		d = strtoul(s + 1, &end, 10);
		if (errno || *end != '\0' || d > XS_DOMID_MAX)
			goto bad;
		out->p[i].perm = (uint8_t)perm;
		out->p[i].domid = (uint32_t)d;
		s += strlen(s) + 1;
	}
	return 0;
bad:
	xs_perms_free(out);
	return EINVAL;
}

size_t xs_perms_format(const struct xs_perms *perms, char *buf, size_t sz)
{
	size_t used = 0;

	for (unsigned i = 0; i < perms->num; i++) {
		char tmp[16];
		int n = snprintf(tmp, sizeof(tmp), "%c%u",
		                 perm_to_letter(perms->p[i].perm), perms->p[i].domid);

		if (buf && used + (size_t)n + 1 <= sz)
			memcpy(buf + used, tmp, (size_t)n + 1);
		used += (size_t)n + 1;
	}
	return used;
}

unsigned xs_perms_mask(const struct xs_perms *perms, uint32_t domid)
{
	if (perms->num == 0)
		return XS_PERM_NONE;
	if (perms->p[0].domid == domid)
		return XS_PERM_BOTH;
	for (unsigned i = 1; i < perms->num; i++)
		if (perms->p[i].domid == domid)
			return perms->p[i].perm;
	return perms->p[0].perm;
}

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{
	dst->p = malloc(src->num * sizeof(*src->p));
	if (!dst->p)
		return ENOMEM;
	memcpy(dst->p, src->p, src->num * sizeof(*src->p));
	dst->num = src->num;
	return 0;
}

void xs_perms_free(struct xs_perms *perms)
{
	free(perms->p);
	perms->p = NULL;
	perms->num = 0;
}

bool xs_perms_equal(const struct xs_perms *a, const struct xs_perms *b)
{
	if (a->num != b->num)
		return false;
	for (unsigned i = 0; i < a->num; i++)
		if (a->p[i].domid != b->p[i].domid || a->p[i].perm != b->p[i].perm)
			return false;
	return true;
}
