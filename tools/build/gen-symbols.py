#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn `nm -n` output into an assembly file holding Mica's symbol table.

The crash dump (common/symbols.c) looks addresses up in this table. Layout,
all in section .symbols:
    symbols_count:   .quad N
    symbols_addrs:   .quad addr[0..N)        ascending
    symbols_offsets: .long name offset[0..N) into symbols_names
    symbols_names:   NUL-terminated names
With --empty, produce the same labels with no entries (first link pass).
"""
import sys

def main():
    entries = []
    if "--empty" not in sys.argv:
        for line in sys.stdin:
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, kind, name = parts
            # Text and data symbols; skip the table's own labels and
            # linker-script markers so the table's size is stable.
            if kind not in "tTdDbBrR" or name.startswith("symbols_"):
                continue
            if name.startswith(".L") or name.startswith("__param_"):
                continue
            entries.append((int(addr, 16), name))
    out = ['\t.section .symbols, "a", @progbits', "\t.balign 8"]
    out += ["\t.globl symbols_count", "symbols_count:", f"\t.quad {len(entries)}"]
    out += ["\t.globl symbols_addrs", "symbols_addrs:"]
    out += [f"\t.quad {a:#x}" for a, _ in entries]
    out += ["\t.globl symbols_offsets", "symbols_offsets:"]
    off = 0
    for _, n in entries:
        out.append(f"\t.long {off}")
        off += len(n) + 1
    out += ["\t.globl symbols_names", "symbols_names:"]
    out += [f'\t.asciz "{n}"' for _, n in entries]
    out.append("\t.byte 0")
    print("\n".join(out))

main()
