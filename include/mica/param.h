/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor command-line options.
 *
 * Options are declared next to the code they configure and collected by the
 * linker into one table (section .data.param). The syntax is Xen's:
 *   name            boolean true
 *   no-name         boolean false
 *   name=value      value as the option's type; booleans accept
 *                   1/0, yes/no, on/off, true/false, enable/disable
 *   name="a b"      double quotes allow spaces in a value
 * Unknown options are logged and ignored, as Xen does.
 */
#ifndef MICA_PARAM_H
#define MICA_PARAM_H

#include <mica/types.h>

enum param_type {
    PARAM_BOOL,     /* bool */
    PARAM_UINT,     /* unsigned int / long: decimal, 0x hex, 0 octal */
    PARAM_SIZE,     /* uint64_t bytes: number with K/M/G/T suffix, default KiB (Xen's rule) */
    PARAM_STRING,   /* char[size] */
    PARAM_CUSTOM,   /* parse(value) returns 0 or a negative error */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t size;
    int (*parse)(const char *value);
};

#define __param_concat(a, b) a##b
#define __param_id(l) __param_concat(__param_, l)
#define __param_def(_name, _type, _var, _size, _fn)                             \
    static const struct param __param_id(__COUNTER__)                            \
        __attribute__((used, section(".data.param"), aligned(8))) =             \
        { _name, _type, _var, _size, _fn }

#define boolean_param(name, var) __param_def(name, PARAM_BOOL, &(var), sizeof(var), NULL)
#define integer_param(name, var) __param_def(name, PARAM_UINT, &(var), sizeof(var), NULL)
#define size_param(name, var)    __param_def(name, PARAM_SIZE, &(var), sizeof(var), NULL)
#define string_param(name, var)  __param_def(name, PARAM_STRING, (var), sizeof(var), NULL)
#define custom_param(name, fn)   __param_def(name, PARAM_CUSTOM, NULL, 0, (fn))

/* Called for each option no table entry claims, and for bad values. */
typedef void (*param_report_fn)(const char *what, const char *name, const char *value);

/*
 * Parse a command line against a table. Returns the number of options that
 * were unknown or had bad values (they are reported, never fatal).
 */
int cmdline_parse(const char *cmdline, const struct param *start,
                  const struct param *end, param_report_fn report);

/*
 * Loaders differ in whether the command line starts with the image's own
 * name: GRUB 2 leaves it out, QEMU and GRUB legacy put it in. As Xen does,
 * skip the first word unless the loader is GRUB 2. Returns a pointer into s.
 */
const char *cmdline_cook(const char *s, const char *loader);

/* Xen's parse_size_and_unit: "512M", "1G", "4096K", "64" (KiB by default). */
uint64_t parse_size_and_unit(const char *s, const char **end);
/* Xen's boolean words; returns 1, 0, or -1 when s is not one of them. */
int parse_bool(const char *s, const char *end);

#endif
