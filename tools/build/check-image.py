#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the linked hypervisor image is loadable the way head.S promises.

- exactly one PT_LOAD segment whose file layout equals its memory layout
  (the multiboot address kludge / multiboot2 address tag load it flat);
- the multiboot header within the first 8 KiB and the multiboot2 header
  within the first 32 KiB of the file, both correctly aligned;
- no GOT/PLT or dynamic relocation sections (the image is not relocated).
"""
import struct, sys

def fail(msg):
    print(f"check-image: {msg}", file=sys.stderr)
    sys.exit(1)

data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF" or data[4] != 2:
    fail("not an ELF64 file")
e_phoff, e_shoff = struct.unpack_from("<QQ", data, 32)
e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHHHH", data, 54)
loads = []
for i in range(e_phnum):
    p_type, p_flags, p_off, p_vaddr, p_paddr, p_filesz, p_memsz = struct.unpack_from(
        "<IIQQQQQ", data, e_phoff + i * e_phentsize)
    if p_type == 1:
        loads.append((p_off, p_paddr, p_filesz, p_memsz))
if len(loads) != 1:
    fail(f"expected one PT_LOAD segment, found {len(loads)}")
off, paddr, filesz, memsz = loads[0]
if paddr != 0x200000:
    fail(f"image loads at {paddr:#x}, expected 0x200000")

def find(magic, limit, align):
    # Loaders search the start of the FILE, not of the segment.
    for o in range(0, min(limit, len(data)), align):
        if struct.unpack_from("<I", data, o)[0] == magic:
            return o
    return None

if find(0x1BADB002, 8192, 4) is None:
    fail("multiboot1 header not within the first 8 KiB")
if find(0xE85250D6, 32768, 8) is None:
    fail("multiboot2 header not within the first 32 KiB")

shstr_off = struct.unpack_from("<Q", data, e_shoff + e_shstrndx * e_shentsize + 24)[0]
for i in range(e_shnum):
    name_off = struct.unpack_from("<I", data, e_shoff + i * e_shentsize)[0]
    end = data.index(b"\0", shstr_off + name_off)
    name = data[shstr_off + name_off:end].decode()
    if name in (".got", ".got.plt", ".plt", ".rela.dyn", ".dynamic"):
        fail(f"unexpected section {name}: the image must not need relocation")
print(f"check-image: ok ({filesz} bytes loaded, {memsz} in memory)")
