# SPDX-License-Identifier: GPL-2.0-only
"""PV test guests (tests/guests/<name>/ -> build/guests/<name>.elf), each run
as dom0 on real Xen 4.17 (the oracle) and on Mica. `case` and `Skip` come
from run.py.

Every guest prints "Test result: SUCCESS|FAILURE". Real Xen halts instead of
powering off, so Xen runs stop on the verdict (or on Xen's dom0-crash
message); Mica powers off, so QEMU must exit 0.

A file tests/guests/<name>/EXPECT may record a deliberate difference, or a
guest Mica cannot run yet ("mica: SKIP <why>": reported as skipped, never
as passed), see tests/guests/README.md.
"""
import glob, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "guests")
XEN_STOP = r"^Test result: |Domain 0 crashed|Dom0 crashed|Panic on CPU"
VERDICT = r"^Test result: (SUCCESS|FAILURE)$"
# A guest that wants serial input prints "mica-input: WORD": the runner types
# WORD and Enter (the unprivileged guest's console ring input test).
INPUT = [(r"^mica-input: (\S+)$", "\\1\r")]


def guest_names():
    names = set()
    for d in glob.glob(os.path.join(SRC, "*")):
        if os.path.basename(d) != "lib" and glob.glob(os.path.join(d, "*.c")):
            names.add(os.path.basename(d))
    return sorted(names)


def read_expect(name):
    """EXPECT: 'key: value' lines; keys xen, mica (SUCCESS, FAILURE or SKIP,
    then an explanation), cpu-xen (QEMU -cpu for the Xen run), dom0_mem (the
    dom0_mem= option of both hypervisors, default 64M), smp (CPUs for both
    runs; dom0 gets one vCPU per CPU on Xen and on Mica)."""
    exp = {"xen": "SUCCESS", "mica": "SUCCESS", "cpu-xen": "max,-smap", "dom0_mem": "64M", "smp": "1"}
    path = os.path.join(SRC, name, "EXPECT")
    if os.path.exists(path):
        for line in open(path):
            line = line.split("#", 1)[0].strip()
            if ":" in line:
                k, v = line.split(":", 1)
                k, v = k.strip(), v.strip()
                exp[k] = v.split()[0] if k in ("xen", "mica", "smp") else v
                exp[k + "-why"] = v
    return exp


def module_arg(elf, name):
    # The module string is "<file> <dom0 command line>": both Xen and Mica drop
    # the first word. The start_info test checks this exact command line.
    return f"{elf} mica_guest_test={name} answer=42"


def check_verdict(ctx, r, want):
    m = re.search(VERDICT, r.text, re.M)
    got = m.group(1) if m else None
    ctx.check(got == want, f"verdict {got}, expected {want} (log: {r.log})")
    fails = [t for _, t in r.lines if t.startswith("FAIL")]
    for f in fails[:5]:
        ctx.note(f)


for _name in guest_names():
    def make(name=_name):
        @case(f"guest/xen/{name}", timeout=90)
        def _(ctx):
            exp = read_expect(name)
            if exp["xen"] == "SKIP":
                raise Skip("EXPECT says skip on Xen")
            xen = ctx.need(ctx.path("xen-ref", "xen"), "reference Xen not fetched (make xen-ref)")
            elf = ctx.need(ctx.path("guests", f"{name}.elf"), "guest not built (make guests)")
            r = ctx.qemu(["-kernel", xen, "-append", f"console=com1 dom0_mem={exp['dom0_mem']} noreboot",
                          "-initrd", module_arg(elf, name)],
                         cpu=exp["cpu-xen"], stop=XEN_STOP, timeout=90, extra=["-smp", exp["smp"]])
            check_verdict(ctx, r, exp["xen"])

        @case(f"guest/mica/{name}", timeout=60)
        def _(ctx):
            exp = read_expect(name)
            if exp["mica"] == "SKIP":
                raise Skip("EXPECT: " + exp.get("mica-why", "skip on Mica"))
            mica = ctx.need(ctx.path("mica"), "hypervisor not built")
            elf = ctx.need(ctx.path("guests", f"{name}.elf"), "guest not built (make guests)")
            # EXPECT's mica-args: more Mica options (the unprivileged guest: dom0_unprivileged).
            args = f"console=com1 dom0_mem={exp['dom0_mem']} {exp.get('mica-args', '')}".strip()
            r = ctx.qemu(["-kernel", mica, "-append", args,
                          "-initrd", module_arg(elf, name)], cpu="max,-smap",
                         extra=["-smp", exp["smp"]], answers=INPUT)
            check_verdict(ctx, r, exp["mica"])
            ctx.expect_rc(r, 0)
    make()
