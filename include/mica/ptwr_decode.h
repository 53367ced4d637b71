/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding and executing the memory-writing instructions that writable
 * page-table emulation (arch/x86/pv/ptwr.c) accepts. Pure logic: no guest
 * memory, no page tables, so the same source runs under Check on the host.
 *
 * Xen 4.17 runs its general emulator on such faults and lets through any
 * instruction that writes memory. Mica accepts the integer subset a kernel
 * uses on page-table entries (tests/unit/ptwr_decode.mk lists them all):
 *   MOV r/m,reg (88/89), MOV r/m,imm (C6/C7 /0), MOV moffs,AL/rAX (A2/A3),
 *   MOVNTI (0F C3), XCHG (86/87), CMPXCHG (0F B0/B1), CMPXCHG8B (0F C7 /1),
 *   XADD (0F C0/C1), ADD/OR/ADC/SBB/AND/SUB/XOR r/m,reg and r/m,imm
 *   (00-31, 80/81/83 /0-6), INC/DEC (FE/FF /0,/1), NOT/NEG (F6/F7 /2,/3),
 *   BTS/BTR/BTC (0F AB/B3/BB, 0F BA /5-/7),
 * with LOCK where the CPU allows it, 66/67/REX/segment/REP prefixes.
 * Xen emulates a few more writers (string stores, PUSH/CALL, shifts,
 * SETcc, x87/SIMD stores); for those Mica reflects the #PF to the guest,
 * which is what Xen does too for anything its emulator cannot finish.
 */
#ifndef MICA_PTWR_DECODE_H
#define MICA_PTWR_DECODE_H

#include <mica/types.h>

/* Architectural limit: longer instructions raise #GP on hardware. */
#define PTWR_MAX_INSN 15

enum ptwr_op {
    PTWR_MOV,           /* dst = src (written even when unchanged) */
    PTWR_XCHG,          /* dst <-> reg, implicitly locked */
    PTWR_CMPXCHG,       /* dst == rAX ? dst = reg, ZF=1 : rAX = dst, ZF=0 */
    PTWR_CMPXCHG8B,     /* dst == EDX:EAX ? dst = ECX:EBX : EDX:EAX = dst */
    PTWR_XADD,          /* tmp = dst + reg; reg = dst; dst = tmp */
    /* The ALU group, in ModRM /reg order (so 80-83 /n map to ADD + n). */
    PTWR_ADD, PTWR_OR, PTWR_ADC, PTWR_SBB, PTWR_AND, PTWR_SUB, PTWR_XOR,
    PTWR_INC, PTWR_DEC, PTWR_NOT, PTWR_NEG,
    PTWR_BTS, PTWR_BTR, PTWR_BTC,
};

#define PTWR_REG_NONE (-1)
#define PTWR_REG_RIP  (-2)

enum ptwr_src_kind { PTWR_SRC_NONE, PTWR_SRC_REG, PTWR_SRC_IMM };

struct ptwr_insn {
    uint8_t len;            /* bytes, prefixes included */
    uint8_t op;             /* enum ptwr_op */
    uint8_t size;           /* memory operand bytes: 1, 2, 4 or 8 */
    bool lock;              /* LOCK prefix */
    bool addr32;            /* 0x67: 32-bit effective address */
    /* Memory operand: base + index * scale + disp (moffs: disp only). */
    int8_t base;            /* GPR 0-15, PTWR_REG_NONE or PTWR_REG_RIP */
    int8_t index;           /* GPR 0-15 or PTWR_REG_NONE */
    uint8_t scale;          /* 1, 2, 4, 8 */
    int64_t disp;
    /* Source operand. */
    uint8_t src_kind;       /* enum ptwr_src_kind */
    uint8_t src_reg;        /* GPR 0-15 (for AH..BH: 0-3 with src_high8) */
    bool src_high8;         /* AH, CH, DH, BH (byte op without REX) */
    uint64_t imm;           /* sign-extended to 64 bits */
};

enum ptwr_decode_rc {
    PTWR_DEC_OK,
    PTWR_DEC_UNSUPPORTED,   /* not an accepted write form: the guest keeps its #PF */
    PTWR_DEC_TRUNCATED,     /* needs more than the 'avail' readable bytes */
};

/*
 * Decode the instruction at buf, of which the first 'avail' bytes could be
 * read from the guest. On PTWR_DEC_TRUNCATED, *need is the offset of the
 * first byte the decoder wanted but could not have.
 */
int ptwr_decode(const uint8_t *buf, size_t avail, struct ptwr_insn *insn, size_t *need);

/* GPR numbering is the encoding's: rax rcx rdx rbx rsp rbp rsi rdi r8-r15. */
struct ptwr_state {
    uint64_t gpr[16];
    uint64_t rflags;
};

/* Value of the source operand, truncated to the operand size. */
uint64_t ptwr_src_value(const struct ptwr_insn *insn, const struct ptwr_state *s);

/*
 * Linear address of the memory operand; rip_next is the address after the
 * instruction (RIP-relative base). BTS/BTR/BTC with a register bit offset
 * address a bit string: the operand moves by whole operand-size units, as
 * on hardware.
 */
uint64_t ptwr_effective_address(const struct ptwr_insn *insn, const struct ptwr_state *s,
                                uint64_t rip_next);

struct ptwr_result {
    uint64_t mem_new;       /* value to store (operand size) */
    bool write;             /* memory changes (false: nothing to store) */
    bool atomic;            /* store only if memory still equals mem_old */
};

/*
 * Execute the instruction against mem_old (the operand's current value):
 * updates registers and arithmetic flags in *s and says what to store.
 * The caller commits *s only once the store is done.
 */
void ptwr_execute(const struct ptwr_insn *insn, struct ptwr_state *s, uint64_t mem_old,
                  struct ptwr_result *res);

/* Arithmetic flags (CF PF AF ZF SF OF). */
#define PTWR_FLAGS_MASK 0x8d5ULL

#endif
