// SPDX-License-Identifier: GPL-2.0-only
/* XenStore path validation and resolution; see xs_path.h. */
#include "xs_path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "xs_proto.h"

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

/*
 * Xen measures the length limit from after "/local/domain/<n>/" so every
 * domain gets the same budget whatever its domid's width.
 */
static size_t home_prefix_len(const char *abs)
{
	static const char pre[] = "/local/domain/";
	const char *p;

	if (strncmp(abs, pre, sizeof(pre) - 1) != 0)
		return 0;
	p = abs + sizeof(pre) - 1;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '/')
		return 0;
	return (size_t)(p + 1 - abs);
}

bool xs_path_valid(const char *abs, unsigned max_rel)
{
	size_t len = strlen(abs);

	if (abs[0] != '/')
		return false;
	if (len > XS_ABS_PATH_MAX)
		return false;
	if (len > home_prefix_len(abs) + max_rel)
		return false;
	if (len > 1 && abs[len - 1] == '/')
		return false;
	if (strstr(abs, "//"))
		return false;
	for (const char *p = abs; *p; p++)
		if (!valid_char(*p))
			return false;
	return true;
}

size_t xs_path_home(uint32_t domid, char *out, size_t sz)
{
	int n = snprintf(out, sz, "/local/domain/%u", domid);

	return n < 0 ? 0 : (size_t)n;
}

int xs_path_canon(uint32_t domid, const char *in, unsigned max_rel,
                  bool allow_special, char *out)
{
	size_t len = strlen(in);

	if (len == 0 || len >= XS_PATH_BUF)
		return EINVAL;
	if (in[0] == '@') {
		if (!allow_special || len > XS_REL_PATH_MAX)
			return EINVAL;
		for (const char *p = in + 1; *p; p++)
			if (!valid_char(*p) || *p == '/')
				return EINVAL;
		memcpy(out, in, len + 1);
		return 0;
	}
	if (in[0] == '/') {
		memcpy(out, in, len + 1);
	} else {
		size_t h = xs_path_home(domid, out, XS_PATH_BUF);

		if (h + 1 + len >= XS_PATH_BUF)
			return EINVAL;
		out[h] = '/';
		memcpy(out + h + 1, in, len + 1);
	}
	return xs_path_valid(out, max_rel) ? 0 : EINVAL;
}

bool xs_path_is_below(const char *path, const char *anc)
{
	size_t n = strlen(anc);

	if (strcmp(anc, "/") == 0)
		return path[0] == '/';
	if (strncmp(path, anc, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/';
}

const char *xs_path_for_client(uint32_t domid, const char *abs, bool relative)
{
	char home[32];
	size_t h;

	if (!relative)
		return abs;
	h = xs_path_home(domid, home, sizeof(home));
	if (strncmp(abs, home, h) == 0 && abs[h] == '/')
		return abs + h + 1;
	return abs;
}

void xs_path_parent(const char *abs, char *out)
{
	const char *slash = strrchr(abs, '/');
	size_t n = slash ? (size_t)(slash - abs) : 0;

	if (n == 0) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, abs, n);
	out[n] = '\0';
}

const char *xs_path_basename(const char *abs)
{
	const char *slash = strrchr(abs, '/');

	return slash ? slash + 1 : abs;
}
