/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writable page-table emulation: the decoder and executor
 * (arch/x86/pv/ptwr_decode.c).
 *
 * The accepted encodings are produced by the host assembler (so the bytes
 * are what a compiler really emits), the rejections are hand-made byte
 * strings, and the arithmetic flags are compared with what the host CPU
 * computes for the same operation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mica/ptwr_decode.h>

/* An instruction assembled into .rodata between name_s and name_e. */
#define INSN(name, text)                                                    \
    __asm__(".pushsection .rodata\n" #name "_s:\n\t" text "\n" #name "_e:\n" \
            ".popsection\n");                                               \
    extern const uint8_t name##_s[], name##_e[]

INSN(mov_rax_rdi, "movq %rax, (%rdi)");
INSN(mov_r9_r12d, "movq %r9, 0x10(%r12)");
INSN(mov_esi_r13, "movl %esi, (%r13)");
INSN(mov_cx_sib, "movw %cx, 2(%rbx,%rcx,4)");
INSN(mov_ah, "movb %ah, (%rsi)");
INSN(mov_sil, "movb %sil, (%rsi)");
INSN(mov_riprel, "movq %rax, 0x1234(%rip)");
INSN(mov_imm_sib_r12, "movq $-2, (%rdi,%r12,8)");
INSN(mov_imm32_rsp, "movl $0x12345678, -8(%rsp)");
INSN(mov_imm8, "movb $0x7f, (%rdi)");
INSN(mov_imm16, "movw $0x1234, (%rdi)");
INSN(mov_moffs, "movabs %rax, 0x1122334455667788");
INSN(mov_moffs32, ".byte 0x67, 0x48, 0xa3, 0x44, 0x33, 0x22, 0x11");
INSN(movnti, "movnti %rax, (%rdi)");
INSN(xchg_rax, "xchgq %rax, (%rdi)");
INSN(xchg_bh, "xchgb %bh, (%rdi)");
INSN(lock_cmpxchg, "lock cmpxchgq %rcx, (%rdi)");
INSN(cmpxchg32, "cmpxchgl %ecx, (%rdi)");
INSN(cmpxchg8b, "lock cmpxchg8b (%rdi)");
INSN(lock_xadd, "lock xaddq %rdx, (%rdi)");
INSN(lock_andb, "lock andb $0xfd, (%rdi)");
INSN(lock_orq, "lock orq $2, (%rdi)");
INSN(lock_btr_imm, "lock btrq $5, (%rdi)");
INSN(lock_bts_reg, "lock btsq %rax, (%rdi)");
INSN(add_noblase, "addl %eax, 0x7fffffff(,%rax,2)");
INSN(incq, "incq (%rdi)");
INSN(negw, "negw (%rdi)");
INSN(mov_fs, "movq %rax, %fs:(%rdi)");
INSN(mov_addr32, "movq %rax, (%edi)");
INSN(lock_andq_r8, "lock andq $-3, (%r8)");
INSN(subq_imm32, "subq $0x80, (%rdi)");
INSN(mov_rbp0, "movq %rax, 0(%rbp)");
INSN(mov_r13_sib, "movq %rax, (%r13,%r12)");
INSN(mov_idx_r12, "movq %rax, (%rsp,%r12)");
INSN(mov_rsp_base, "movq %r15, (%rsp)");
INSN(xor_disp8, "xorq %r11, -0x80(%rbx)");
INSN(rep_mov, "rep; movq %rax, (%rdi)");
INSN(rex_then_66, ".byte 0x48, 0x66, 0x89, 0x07");   /* REX cancelled: movw */
INSN(btc_imm16, "btcw $3, (%rdi)");
INSN(notb, "notb (%rdi)");
INSN(decl, "decl (%rdi)");
INSN(adc_reg8, "adcb %dl, (%rdi)");
INSN(sbb_imm8, "sbbq $1, (%rdi)");
INSN(lock_xchg_explicit, "lock xchgq %rax, (%rdi)");

static struct ptwr_insn dec_ok(const uint8_t *s, const uint8_t *e)
{
    struct ptwr_insn in;
    size_t need = 99;
    uint8_t buf[PTWR_MAX_INSN];
    size_t n = (size_t)(e - s);
    memcpy(buf, s, n);
    ck_assert_int_eq(ptwr_decode(buf, n, &in, &need), PTWR_DEC_OK);
    ck_assert_uint_eq(in.len, n);
    /* With trailing bytes present, the decoder still stops at the end. */
    uint8_t big[PTWR_MAX_INSN + 8];
    memset(big, 0xcc, sizeof(big));
    memcpy(big, s, n);
    struct ptwr_insn in2;
    ck_assert_int_eq(ptwr_decode(big, PTWR_MAX_INSN, &in2, &need), PTWR_DEC_OK);
    ck_assert_uint_eq(in2.len, n);
    return in;
}
#define DEC(name) dec_ok(name##_s, name##_e)

static void check_mem(const struct ptwr_insn *in, int base, int index, unsigned scale, int64_t disp)
{
    ck_assert_int_eq(in->base, base);
    ck_assert_int_eq(in->index, index);
    if (index != PTWR_REG_NONE)
        ck_assert_uint_eq(in->scale, scale);
    ck_assert_int_eq(in->disp, disp);
}

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define NONE PTWR_REG_NONE

START_TEST(accepted_mov_forms)
{
    struct ptwr_insn in = DEC(mov_rax_rdi);
    ck_assert_int_eq(in.op, PTWR_MOV);
    ck_assert_uint_eq(in.size, 8);
    ck_assert(!in.lock);
    check_mem(&in, RDI, NONE, 1, 0);
    ck_assert_int_eq(in.src_kind, PTWR_SRC_REG);
    ck_assert_uint_eq(in.src_reg, RAX);

    in = DEC(mov_r9_r12d);
    check_mem(&in, R12, NONE, 1, 0x10);
    ck_assert_uint_eq(in.src_reg, R9);

    in = DEC(mov_esi_r13);
    ck_assert_uint_eq(in.size, 4);
    check_mem(&in, R13, NONE, 1, 0);
    ck_assert_uint_eq(in.src_reg, RSI);

    in = DEC(mov_cx_sib);
    ck_assert_uint_eq(in.size, 2);
    check_mem(&in, RBX, RCX, 4, 2);

    in = DEC(mov_ah);
    ck_assert_uint_eq(in.size, 1);
    ck_assert(in.src_high8);
    ck_assert_uint_eq(in.src_reg, RAX);

    in = DEC(mov_sil);          /* REX turns register 6 into SIL, not DH */
    ck_assert(!in.src_high8);
    ck_assert_uint_eq(in.src_reg, RSI);

    in = DEC(mov_riprel);
    ck_assert_int_eq(in.base, PTWR_REG_RIP);
    ck_assert_int_eq(in.disp, 0x1234);

    in = DEC(mov_imm_sib_r12);  /* REX.X: index 4 is r12, not "none" */
    check_mem(&in, RDI, R12, 8, 0);
    ck_assert_int_eq(in.src_kind, PTWR_SRC_IMM);
    ck_assert_uint_eq(in.imm, (uint64_t)-2);

    in = DEC(mov_imm32_rsp);
    ck_assert_uint_eq(in.size, 4);
    check_mem(&in, RSP, NONE, 1, -8);
    ck_assert_uint_eq(in.imm, 0x12345678);

    in = DEC(mov_imm8);
    ck_assert_uint_eq(in.size, 1);
    ck_assert_uint_eq(in.imm, 0x7f);

    in = DEC(mov_imm16);
    ck_assert_uint_eq(in.size, 2);
    ck_assert_uint_eq(in.imm, 0x1234);

    in = DEC(mov_moffs);
    check_mem(&in, NONE, NONE, 1, 0x1122334455667788LL);
    ck_assert_uint_eq(in.size, 8);
    ck_assert_uint_eq(in.src_reg, RAX);

    in = DEC(mov_moffs32);
    ck_assert(in.addr32);
    ck_assert_int_eq(in.disp, 0x11223344);

    in = DEC(movnti);
    ck_assert_int_eq(in.op, PTWR_MOV);
    ck_assert_uint_eq(in.size, 8);

    in = DEC(mov_fs);           /* the segment override is ignored */
    check_mem(&in, RDI, NONE, 1, 0);

    in = DEC(mov_addr32);
    ck_assert(in.addr32);

    in = DEC(mov_rbp0);         /* rbp/r13 as base need mod 1 with disp8 0 */
    check_mem(&in, RBP, NONE, 1, 0);
    in = DEC(mov_r13_sib);
    check_mem(&in, R13, R12, 1, 0);
    in = DEC(mov_idx_r12);
    check_mem(&in, RSP, R12, 1, 0);
    in = DEC(mov_rsp_base);
    check_mem(&in, RSP, NONE, 1, 0);
    ck_assert_uint_eq(in.src_reg, R15);

    in = DEC(rep_mov);
    ck_assert_int_eq(in.op, PTWR_MOV);
    in = DEC(rex_then_66);
    ck_assert_uint_eq(in.size, 2);
}
END_TEST

START_TEST(accepted_rmw_forms)
{
    struct ptwr_insn in = DEC(xchg_rax);
    ck_assert_int_eq(in.op, PTWR_XCHG);
    ck_assert_uint_eq(in.size, 8);
    in = DEC(xchg_bh);
    ck_assert_uint_eq(in.size, 1);
    ck_assert(in.src_high8);
    ck_assert_uint_eq(in.src_reg, RBX);
    in = DEC(lock_xchg_explicit);
    ck_assert(in.lock);

    in = DEC(lock_cmpxchg);
    ck_assert_int_eq(in.op, PTWR_CMPXCHG);
    ck_assert(in.lock);
    ck_assert_uint_eq(in.src_reg, RCX);
    in = DEC(cmpxchg32);
    ck_assert(!in.lock);
    ck_assert_uint_eq(in.size, 4);
    in = DEC(cmpxchg8b);
    ck_assert_int_eq(in.op, PTWR_CMPXCHG8B);
    ck_assert_uint_eq(in.size, 8);

    in = DEC(lock_xadd);
    ck_assert_int_eq(in.op, PTWR_XADD);
    ck_assert_uint_eq(in.src_reg, RDX);

    in = DEC(lock_andb);
    ck_assert_int_eq(in.op, PTWR_AND);
    ck_assert_uint_eq(in.size, 1);
    ck_assert_uint_eq(in.imm & 0xff, 0xfd);
    in = DEC(lock_orq);
    ck_assert_int_eq(in.op, PTWR_OR);
    ck_assert_uint_eq(in.imm, 2);
    in = DEC(lock_andq_r8);
    check_mem(&in, R8, NONE, 1, 0);
    ck_assert_uint_eq(in.imm, (uint64_t)-3);
    in = DEC(subq_imm32);
    ck_assert_int_eq(in.op, PTWR_SUB);
    ck_assert_uint_eq(in.imm, 0x80);
    in = DEC(xor_disp8);
    ck_assert_int_eq(in.op, PTWR_XOR);
    check_mem(&in, RBX, NONE, 1, -0x80);
    ck_assert_uint_eq(in.src_reg, R11);
    in = DEC(adc_reg8);
    ck_assert_int_eq(in.op, PTWR_ADC);
    ck_assert_uint_eq(in.size, 1);
    ck_assert_uint_eq(in.src_reg, RDX);
    in = DEC(sbb_imm8);
    ck_assert_int_eq(in.op, PTWR_SBB);
    ck_assert_uint_eq(in.imm, 1);

    in = DEC(lock_btr_imm);
    ck_assert_int_eq(in.op, PTWR_BTR);
    ck_assert_uint_eq(in.imm, 5);
    in = DEC(lock_bts_reg);
    ck_assert_int_eq(in.op, PTWR_BTS);
    ck_assert_int_eq(in.src_kind, PTWR_SRC_REG);
    in = DEC(btc_imm16);
    ck_assert_int_eq(in.op, PTWR_BTC);
    ck_assert_uint_eq(in.size, 2);

    in = DEC(add_noblase);      /* SIB with no base: disp32 only */
    check_mem(&in, NONE, RAX, 2, 0x7fffffff);
    in = DEC(incq);
    ck_assert_int_eq(in.op, PTWR_INC);
    in = DEC(decl);
    ck_assert_int_eq(in.op, PTWR_DEC);
    ck_assert_uint_eq(in.size, 4);
    in = DEC(negw);
    ck_assert_int_eq(in.op, PTWR_NEG);
    ck_assert_uint_eq(in.size, 2);
    in = DEC(notb);
    ck_assert_int_eq(in.op, PTWR_NOT);
}
END_TEST

static int dec_bytes(const uint8_t *b, size_t n, size_t avail, size_t *need)
{
    struct ptwr_insn in;
    uint8_t buf[32];
    memset(buf, 0xcc, sizeof(buf));
    if (n)
        memcpy(buf, b, n);
    return ptwr_decode(buf, avail, &in, need);
}
#define REJECT(...) do {                                                        \
        static const uint8_t b_[] = { __VA_ARGS__ };                           \
        size_t need_;                                                          \
        ck_assert_msg(dec_bytes(b_, sizeof(b_), sizeof(b_), &need_) ==          \
                      PTWR_DEC_UNSUPPORTED, "accepted %s", #__VA_ARGS__);      \
    } while (0)

START_TEST(rejected_forms)
{
    REJECT(0x39, 0x07);                 /* cmp: reads only */
    REJECT(0x48, 0x8b, 0x07);           /* mov load */
    REJECT(0x48, 0x89, 0xc7);           /* mov register to register */
    REJECT(0xf0, 0x48, 0x89, 0x07);     /* lock mov: #UD on hardware */
    REJECT(0xf0, 0x0f, 0xc3, 0x07);     /* lock movnti */
    REJECT(0xf0, 0xc7, 0x07, 1, 0, 0, 0);
    REJECT(0x0f, 0xba, 0x27, 0x05);     /* bt imm: reads only */
    REJECT(0x0f, 0xa3, 0x07);           /* bt reg */
    REJECT(0x48, 0x0f, 0xc7, 0x0f);     /* cmpxchg16b: a 16-byte store */
    REJECT(0x0f, 0xc7, 0x17);           /* 0f c7 /2 */
    REJECT(0x66, 0x0f, 0xc3, 0x07);     /* movnti has no 16-bit form */
    REJECT(0xf3, 0x0f, 0xc3, 0x07);
    REJECT(0xff, 0x17);                 /* call indirect */
    REJECT(0xff, 0x37);                 /* push m64 */
    REJECT(0xf6, 0x07, 0x00);           /* test */
    REJECT(0xf7, 0x27);                 /* mul */
    REJECT(0x80, 0x3f, 0x01);           /* cmp imm */
    REJECT(0xc6, 0x0f, 0x01);           /* c6 /1 */
    REJECT(0xc6, 0xf8, 0x01);           /* xabort */
    REJECT(0xaa);                       /* stos */
    REJECT(0x48, 0xab);
    REJECT(0xf3, 0x48, 0xab);
    REJECT(0x48, 0xa5);                 /* movs */
    REJECT(0x0f, 0x11, 0x07);           /* movups: SIMD stores are not taken */
    REJECT(0x66, 0x0f, 0xd6, 0x07);     /* movq xmm */
    REJECT(0xd1, 0x27);                 /* shl */
    REJECT(0x0f, 0x94, 0x07);           /* sete */
    REJECT(0x8f, 0x07);                 /* pop m64 */
    REJECT(0x82, 0x07, 0x01);           /* invalid in 64-bit mode */
    REJECT(0x0f, 0x0b);                 /* ud2 */
    REJECT(0xc4, 0xe1, 0xf9, 0xd6, 0x07); /* VEX */
    REJECT(0x62);                       /* EVEX */
    /* Fourteen prefixes and a two-byte mov: 16 bytes, over the limit. */
    REJECT(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
           0x66, 0x66, 0x89, 0x07);
    REJECT(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
           0x66, 0x66, 0x66, 0x66, 0x66);
}
END_TEST

START_TEST(fifteen_bytes_is_fine)
{
    /* 11 prefixes + 4-byte mov with SIB and disp8 = 15. */
    static const uint8_t b[] = { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
                                 0x48, 0x89, 0x44, 0x24, 0x08 };
    struct ptwr_insn in;
    size_t need;
    ck_assert_int_eq(ptwr_decode(b, sizeof(b), &in, &need), PTWR_DEC_OK);
    ck_assert_uint_eq(in.len, 15);
    check_mem(&in, RSP, NONE, 1, 8);
}
END_TEST

/* Bytes are read in order, so the first missing byte is always the end of what was readable. */
#define TRUNC(...) do {                                              \
        static const uint8_t b_[] = { __VA_ARGS__ };                           \
        size_t need_ = 1234;                                                   \
        ck_assert_int_eq(dec_bytes(b_, sizeof(b_), sizeof(b_), &need_),        \
                         PTWR_DEC_TRUNCATED);                                  \
        ck_assert_uint_eq(need_, sizeof(b_));                                   \
    } while (0)

START_TEST(truncated_reads)
{
    size_t need = 99;
    ck_assert_int_eq(dec_bytes(NULL, 0, 0, &need), PTWR_DEC_TRUNCATED);
    ck_assert_uint_eq(need, 0);
    TRUNC(0x48);                     /* only a prefix */
    TRUNC(0x48, 0x89);               /* no ModRM */
    TRUNC(0x89, 0x04);               /* no SIB */
    TRUNC(0x89, 0x05, 0x00, 0x00);   /* RIP-relative disp32 cut short */
    TRUNC(0x89, 0x47);               /* no disp8 */
    TRUNC(0x48, 0xc7, 0x07, 0x01, 0x00);
    TRUNC(0x0f, 0xb1);
    TRUNC(0x48, 0xa3, 0x11, 0x22, 0x33);
    TRUNC(0x0f, 0xba, 0x37);         /* bts without its imm8 */
    /* The same bytes are fine once fully readable. */
    static const uint8_t ok[] = { 0x48, 0xc7, 0x07, 0x01, 0x00, 0x00, 0x00 };
    ck_assert_int_eq(dec_bytes(ok, sizeof(ok), sizeof(ok), &need), PTWR_DEC_OK);
    /* An opcode we refuse is refused before its missing operand bytes matter. */
    size_t n2;
    static const uint8_t cmp[] = { 0x39 };
    ck_assert_int_eq(dec_bytes(cmp, 1, 1, &n2), PTWR_DEC_UNSUPPORTED);
}
END_TEST

static struct ptwr_state st0(void)
{
    struct ptwr_state s;
    for (unsigned i = 0; i < 16; i++)
        s.gpr[i] = 0x1000ULL * (i + 1);
    s.rflags = 0x202;
    return s;
}

START_TEST(effective_addresses)
{
    struct ptwr_state s = st0();
    struct ptwr_insn in = DEC(mov_riprel);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0xffffffff80001000ULL),
                      0xffffffff80001000ULL + 0x1234);
    in = DEC(mov_cx_sib);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), s.gpr[RBX] + s.gpr[RCX] * 4 + 2);
    in = DEC(mov_imm32_rsp);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), s.gpr[RSP] - 8);
    in = DEC(add_noblase);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), s.gpr[RAX] * 2 + 0x7fffffff);
    in = DEC(mov_moffs);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x1122334455667788ULL);
    in = DEC(mov_addr32);
    s.gpr[RDI] = 0xffffffff80000008ULL;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x80000008ULL);
    /* Wrap-around is modular, as on hardware. */
    in = DEC(xor_disp8);
    s.gpr[RBX] = 0x10;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), (uint64_t)-0x70);

    /* BTS with a register: a signed bit offset into a bit string. */
    in = DEC(lock_bts_reg);
    s.gpr[RDI] = 0x10000;
    s.gpr[RAX] = 5;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000);
    s.gpr[RAX] = 64;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10008);
    s.gpr[RAX] = 200;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10018);
    s.gpr[RAX] = (uint64_t)-1;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000 - 8);
    s.gpr[RAX] = (uint64_t)-64;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000 - 8);
    s.gpr[RAX] = (uint64_t)-65;
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000 - 16);
    s.gpr[RAX] = 0x8000000000000000ULL;     /* no overflow at the extreme */
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000 - 0x1000000000000000ULL);
    /* The immediate form never moves the operand. */
    in = DEC(lock_btr_imm);
    ck_assert_uint_eq(ptwr_effective_address(&in, &s, 0), 0x10000);
}
END_TEST

#define ZF 0x40ULL
#define CF 0x01ULL

START_TEST(exec_mov_xchg)
{
    struct ptwr_state s = st0();
    struct ptwr_result r;
    struct ptwr_insn in = DEC(mov_rax_rdi);
    s.gpr[RAX] = 0x8000000012345067ULL;
    ptwr_execute(&in, &s, 0x8000000012345067ULL, &r);
    ck_assert(r.write);         /* MOV stores even an unchanged value */
    ck_assert(!r.atomic);
    ck_assert_uint_eq(r.mem_new, 0x8000000012345067ULL);

    in = DEC(mov_ah);
    s.gpr[RAX] = 0xabcd;
    ptwr_execute(&in, &s, 0, &r);
    ck_assert_uint_eq(r.mem_new, 0xab);

    in = DEC(mov_imm_sib_r12);
    ptwr_execute(&in, &s, 0, &r);
    ck_assert_uint_eq(r.mem_new, (uint64_t)-2);
    in = DEC(mov_imm32_rsp);
    ptwr_execute(&in, &s, 0, &r);
    ck_assert_uint_eq(r.mem_new, 0x12345678);

    in = DEC(xchg_rax);
    s = st0();
    s.gpr[RAX] = 0x1067;
    ptwr_execute(&in, &s, 0x2067, &r);
    ck_assert(r.write && r.atomic);
    ck_assert_uint_eq(r.mem_new, 0x1067);
    ck_assert_uint_eq(s.gpr[RAX], 0x2067);
    /* Exchanging equal values stores nothing but still completes. */
    ptwr_execute(&in, &s, 0x2067, &r);
    ck_assert(!r.write);

    in = DEC(xchg_bh);
    s.gpr[RBX] = 0xffffffffffff12ffULL;
    ptwr_execute(&in, &s, 0x34, &r);
    ck_assert_uint_eq(r.mem_new, 0x12);
    ck_assert_uint_eq(s.gpr[RBX], 0xffffffffffff34ffULL);
}
END_TEST

START_TEST(exec_cmpxchg)
{
    struct ptwr_state s = st0();
    struct ptwr_result r;
    struct ptwr_insn in = DEC(lock_cmpxchg);
    s.gpr[RAX] = 0x5067;
    s.gpr[RCX] = 0x6067;
    s.rflags = 0x202 | 0x8d5;
    ptwr_execute(&in, &s, 0x5067, &r);
    ck_assert(r.write && r.atomic);
    ck_assert_uint_eq(r.mem_new, 0x6067);
    ck_assert_uint_eq(s.gpr[RAX], 0x5067);
    ck_assert_uint_eq(s.rflags & 0x8d5, ZF | 0x04);    /* ZF and PF only */

    s.rflags = 0x202;
    ptwr_execute(&in, &s, 0x7067, &r);
    ck_assert(!r.write);
    ck_assert_uint_eq(s.gpr[RAX], 0x7067);
    ck_assert(!(s.rflags & ZF));
    ck_assert(s.rflags & CF);   /* 0x5067 - 0x7067 borrows */

    /* 32-bit: the compare uses EAX, a failure zero-extends into RAX. */
    in = DEC(cmpxchg32);
    s.gpr[RAX] = 0xdead000000005067ULL;
    s.gpr[RCX] = 0xffffffff00006067ULL;
    ptwr_execute(&in, &s, 0x5067, &r);
    ck_assert(r.write);
    ck_assert_uint_eq(r.mem_new, 0x6067);
    ck_assert_uint_eq(s.gpr[RAX], 0xdead000000005067ULL);     /* success: untouched */
    ptwr_execute(&in, &s, 0x9067, &r);
    ck_assert(!r.write);
    ck_assert_uint_eq(s.gpr[RAX], 0x9067);

    in = DEC(cmpxchg8b);
    s = st0();
    s.gpr[RAX] = 0xffffffff00005067ULL;
    s.gpr[RDX] = 0x80000000;
    s.gpr[RBX] = 0x6067;
    s.gpr[RCX] = 0x1;
    ptwr_execute(&in, &s, 0x8000000000005067ULL, &r);
    ck_assert(r.write && r.atomic);
    ck_assert_uint_eq(r.mem_new, 0x0000000100006067ULL);
    ck_assert(s.rflags & ZF);
    ptwr_execute(&in, &s, 0x0000000200007067ULL, &r);
    ck_assert(!r.write);
    ck_assert(!(s.rflags & ZF));
    ck_assert_uint_eq(s.gpr[RAX], 0x7067);
    ck_assert_uint_eq(s.gpr[RDX], 2);
}
END_TEST

START_TEST(exec_bits_and_unchanged)
{
    struct ptwr_state s = st0();
    struct ptwr_result r;
    struct ptwr_insn in = DEC(lock_andb);
    ptwr_execute(&in, &s, 0x67, &r);
    ck_assert(r.write && r.atomic);
    ck_assert_uint_eq(r.mem_new, 0x65);
    ptwr_execute(&in, &s, 0x65, &r);
    ck_assert(!r.write);        /* already clear: nothing to store */

    in = DEC(lock_btr_imm);
    s.rflags = 0x202;
    ptwr_execute(&in, &s, 0x8000000000000067ULL, &r);
    ck_assert(r.write);
    ck_assert_uint_eq(r.mem_new, 0x8000000000000047ULL);
    ck_assert(s.rflags & CF);
    ptwr_execute(&in, &s, 0x47, &r);
    ck_assert(!r.write);
    ck_assert(!(s.rflags & CF));

    in = DEC(lock_bts_reg);
    s.gpr[RAX] = 64 + 1;        /* bit 1 of the next quadword */
    ptwr_execute(&in, &s, 0x65, &r);
    ck_assert_uint_eq(r.mem_new, 0x67);
    s.gpr[RAX] = (uint64_t)-63;  /* bit 1 of the previous one */
    ptwr_execute(&in, &s, 0x65, &r);
    ck_assert_uint_eq(r.mem_new, 0x67);

    in = DEC(btc_imm16);
    ptwr_execute(&in, &s, 0x1, &r);
    ck_assert_uint_eq(r.mem_new, 0x9);

    in = DEC(lock_xadd);
    s.gpr[RDX] = 0x1000;
    ptwr_execute(&in, &s, 0x5067, &r);
    ck_assert_uint_eq(r.mem_new, 0x6067);
    ck_assert_uint_eq(s.gpr[RDX], 0x5067);

    in = DEC(notb);
    ptwr_execute(&in, &s, 0x0f, &r);
    ck_assert_uint_eq(r.mem_new, 0xf0);

    in = DEC(incq);
    s.rflags = 0x203;           /* CF set: INC keeps it */
    ptwr_execute(&in, &s, (uint64_t)-1, &r);
    ck_assert_uint_eq(r.mem_new, 0);
    ck_assert_uint_eq(s.rflags & (CF | ZF), CF | ZF);
    s.rflags = 0x202;
    in = DEC(decl);
    ptwr_execute(&in, &s, 0, &r);
    ck_assert_uint_eq(r.mem_new, 0xffffffff);
    ck_assert(!(s.rflags & CF));
}
END_TEST

/* The host CPU's flags for "op src, dst" at a given width, starting from 'in'. */
#define HOST_OP(insn, type, reg_c)                                              \
    static uint64_t host_##insn##_##type(uint64_t a, uint64_t b, uint64_t in, uint64_t *out) \
    {                                                                           \
        type d = (type)a, sv = (type)b;                                         \
        uint64_t f;                                                             \
        __asm__ volatile("pushq %[in]; popfq; " #insn " %[s], %[d]; pushfq; popq %[f]" \
                         : [d] "+m"(d), [f] "=&r"(f), [s] "+" reg_c(sv)         \
                         : [in] "r"(in) : "cc");                                \
        *out = (uint64_t)d;                                                     \
        return f;                                                               \
    }
#define HOST_OPS(insn)                      \
    HOST_OP(insn##b, uint8_t, "q")          \
    HOST_OP(insn##w, uint16_t, "r")         \
    HOST_OP(insn##l, uint32_t, "r")         \
    HOST_OP(insn##q, uint64_t, "r")
HOST_OPS(add)
HOST_OPS(adc)
HOST_OPS(sub)
HOST_OPS(sbb)
HOST_OPS(and)
HOST_OPS(or)
HOST_OPS(xor)
HOST_OPS(xadd)

typedef uint64_t (*host_fn)(uint64_t, uint64_t, uint64_t, uint64_t *);

static uint64_t rnd(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ULL;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    /* Mix in edge values often: they are where flags go wrong. */
    switch (x & 7) {
    case 0: return 0;
    case 1: return ~0ULL;
    case 2: return 0x8000000000000000ULL >> ((x >> 8) & 63);
    case 3: return (0x8000000000000000ULL >> ((x >> 8) & 63)) - 1;
    default: return x;
    }
}

START_TEST(alu_flags_match_host)
{
    static const struct { uint8_t op; host_fn fn[4]; } ops[] = {
        { PTWR_ADD, { host_addb_uint8_t, host_addw_uint16_t, host_addl_uint32_t, host_addq_uint64_t } },
        { PTWR_ADC, { host_adcb_uint8_t, host_adcw_uint16_t, host_adcl_uint32_t, host_adcq_uint64_t } },
        { PTWR_SUB, { host_subb_uint8_t, host_subw_uint16_t, host_subl_uint32_t, host_subq_uint64_t } },
        { PTWR_SBB, { host_sbbb_uint8_t, host_sbbw_uint16_t, host_sbbl_uint32_t, host_sbbq_uint64_t } },
        { PTWR_AND, { host_andb_uint8_t, host_andw_uint16_t, host_andl_uint32_t, host_andq_uint64_t } },
        { PTWR_OR,  { host_orb_uint8_t, host_orw_uint16_t, host_orl_uint32_t, host_orq_uint64_t } },
        { PTWR_XOR, { host_xorb_uint8_t, host_xorw_uint16_t, host_xorl_uint32_t, host_xorq_uint64_t } },
        { PTWR_XADD, { host_xaddb_uint8_t, host_xaddw_uint16_t, host_xaddl_uint32_t, host_xaddq_uint64_t } },
    };
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        for (unsigned sz = 0; sz < 4; sz++) {
            for (unsigned iter = 0; iter < 3000; iter++) {
                uint64_t a = rnd(), b = rnd(), fin = 0x202 | (rnd() & 0x8d5);
                struct ptwr_insn in = { .op = ops[o].op, .size = (uint8_t)(1u << sz),
                                        .src_kind = PTWR_SRC_REG, .src_reg = RCX,
                                        .base = PTWR_REG_NONE, .index = PTWR_REG_NONE };
                struct ptwr_state s = st0();
                struct ptwr_result r;
                s.gpr[RCX] = b;
                s.rflags = fin;
                ptwr_execute(&in, &s, a, &r);
                uint64_t hres, hf = ops[o].fn[sz](a, b, fin, &hres);
                /* AF after logic ops is undefined: compare it only for arithmetic. */
                uint64_t mask = 0x8d5;
                if (ops[o].op == PTWR_AND || ops[o].op == PTWR_OR || ops[o].op == PTWR_XOR)
                    mask &= ~0x10ULL;
                ck_assert_msg((s.rflags & mask) == (hf & mask),
                              "op %u size %u a %#lx b %#lx in %#lx: flags %#lx host %#lx",
                              ops[o].op, 1u << sz, (unsigned long)a, (unsigned long)b,
                              (unsigned long)fin, (unsigned long)s.rflags, (unsigned long)hf);
                ck_assert_uint_eq(r.mem_new, hres);
            }
        }
    }
}
END_TEST

/* INC, DEC, NEG and the CMPXCHG compare against the host too. */
START_TEST(unary_flags_match_host)
{
    for (unsigned iter = 0; iter < 20000; iter++) {
        uint64_t a = rnd(), fin = 0x202 | (rnd() & 0x8d5), f, v;
        struct ptwr_insn in = { .size = 8, .base = PTWR_REG_NONE, .index = PTWR_REG_NONE };
        struct ptwr_state s;
        struct ptwr_result r;

        in.op = PTWR_INC; s = st0(); s.rflags = fin; v = a;
        ptwr_execute(&in, &s, a, &r);
        __asm__ volatile("pushq %[in]; popfq; incq %[d]; pushfq; popq %[f]"
                         : [d] "+m"(v), [f] "=&r"(f) : [in] "r"(fin) : "cc");
        ck_assert_uint_eq(s.rflags & 0x8d5, f & 0x8d5);
        ck_assert_uint_eq(r.mem_new, v);

        in.op = PTWR_DEC; s = st0(); s.rflags = fin; v = a;
        ptwr_execute(&in, &s, a, &r);
        __asm__ volatile("pushq %[in]; popfq; decq %[d]; pushfq; popq %[f]"
                         : [d] "+m"(v), [f] "=&r"(f) : [in] "r"(fin) : "cc");
        ck_assert_uint_eq(s.rflags & 0x8d5, f & 0x8d5);

        in.op = PTWR_NEG; s = st0(); s.rflags = fin; v = a;
        ptwr_execute(&in, &s, a, &r);
        __asm__ volatile("pushq %[in]; popfq; negq %[d]; pushfq; popq %[f]"
                         : [d] "+m"(v), [f] "=&r"(f) : [in] "r"(fin) : "cc");
        ck_assert_uint_eq(s.rflags & 0x8d5, f & 0x8d5);
        ck_assert_uint_eq(r.mem_new, v);

        /* CMPXCHG with a mismatch: flags of CMP rAX, mem. */
        uint64_t acc = rnd();
        in.op = PTWR_CMPXCHG; in.src_kind = PTWR_SRC_REG; in.src_reg = RCX;
        s = st0(); s.rflags = fin; s.gpr[RAX] = acc; v = a;
        ptwr_execute(&in, &s, a, &r);
        uint64_t hacc = acc, src = s.gpr[RCX];
        __asm__ volatile("pushq %[in]; popfq; cmpxchgq %[s], %[d]; pushfq; popq %[f]"
                         : [d] "+m"(v), [f] "=&r"(f), "+a"(hacc) : [in] "r"(fin), [s] "r"(src) : "cc");
        ck_assert_uint_eq(s.rflags & 0x8d5, f & 0x8d5);
        ck_assert_uint_eq(s.gpr[RAX], hacc);
        ck_assert_uint_eq(r.write ? r.mem_new : a, v);
    }
}
END_TEST

static Suite *ptwr_suite(void)
{
    Suite *s = suite_create("ptwr_decode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, accepted_mov_forms);
    tcase_add_test(tc, accepted_rmw_forms);
    tcase_add_test(tc, rejected_forms);
    tcase_add_test(tc, fifteen_bytes_is_fine);
    tcase_add_test(tc, truncated_reads);
    tcase_add_test(tc, effective_addresses);
    tcase_add_test(tc, exec_mov_xchg);
    tcase_add_test(tc, exec_cmpxchg);
    tcase_add_test(tc, exec_bits_and_unchanged);
    tcase_add_test(tc, alu_flags_match_host);
    tcase_add_test(tc, unary_flags_match_host);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ptwr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
