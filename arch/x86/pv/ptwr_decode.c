/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoder and executor for writable page-table emulation (see
 * include/mica/ptwr_decode.h for what is accepted and why). The bytes come
 * from an untrusted guest: every read is bounded by 'avail' and by the
 * 15-byte architectural limit, and anything unexpected is "unsupported",
 * which leaves the guest with the page fault it took.
 *
 * Flags are computed in C, not with the host's own instructions, so the
 * result does not depend on the host's flag handling (the unit tests
 * compare it with the host CPU).
 */
#include <mica/ptwr_decode.h>

#define CF 0x001ULL
#define PF 0x004ULL
#define AF 0x010ULL
#define ZF 0x040ULL
#define SF 0x080ULL
#define OF 0x800ULL

struct cursor {
    const uint8_t *buf;
    size_t avail, pos;
    size_t need;        /* first missing byte, when truncated */
    bool truncated, too_long;
};

/* Take n more bytes; false (and why) when they are not there. */
static bool take(struct cursor *c, size_t n, uint64_t *val)
{
    if (c->pos + n > PTWR_MAX_INSN) {
        c->too_long = true;
        return false;
    }
    if (c->pos + n > c->avail) {
        c->truncated = true;
        c->need = c->avail > c->pos ? c->avail : c->pos;
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)c->buf[c->pos + i] << (8 * i);
    c->pos += n;
    *val = v;
    return true;
}

static int64_t sext(uint64_t v, unsigned bytes)
{
    unsigned shift = 64 - 8 * bytes;
    return (int64_t)(v << shift) >> shift;
}

/* The memory forms of ModRM (+ SIB + displacement); false for register forms. */
static bool decode_modrm_mem(struct cursor *c, unsigned modrm, unsigned rex, struct ptwr_insn *in)
{
    unsigned mod = modrm >> 6, rm = modrm & 7;
    uint64_t v;

    if (mod == 3)
        return false;       /* a register destination writes no memory */
    in->base = PTWR_REG_NONE;
    in->index = PTWR_REG_NONE;
    in->scale = 1;
    in->disp = 0;
    if (rm == 4) {
        if (!take(c, 1, &v))
            return false;
        unsigned sib = (unsigned)v;
        unsigned idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        unsigned base = sib & 7;
        in->scale = (uint8_t)(1u << (sib >> 6));
        if (idx != 4)           /* 4 means "no index"; with REX.X it is r12 */
            in->index = (int8_t)idx;
        if (base == 5 && mod == 0) {
            if (!take(c, 4, &v))
                return false;
            in->disp = sext(v, 4);
        } else {
            in->base = (int8_t)(base | ((rex & 1) << 3));
        }
    } else if (rm == 5 && mod == 0) {
        if (!take(c, 4, &v))
            return false;
        in->base = PTWR_REG_RIP;
        in->disp = sext(v, 4);
        return true;
    } else {
        in->base = (int8_t)(rm | ((rex & 1) << 3));
    }
    if (mod == 1) {
        if (!take(c, 1, &v))
            return false;
        in->disp = sext(v, 1);
    } else if (mod == 2) {
        if (!take(c, 4, &v))
            return false;
        in->disp = sext(v, 4);
    }
    return true;
}

static void set_reg_src(struct ptwr_insn *in, unsigned modrm, unsigned rex, bool have_rex)
{
    unsigned r = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    in->src_kind = PTWR_SRC_REG;
    /* Byte registers 4-7 without any REX prefix are AH, CH, DH, BH. */
    if (in->size == 1 && !have_rex && r >= 4 && r < 8) {
        in->src_reg = (uint8_t)(r - 4);
        in->src_high8 = true;
    } else {
        in->src_reg = (uint8_t)r;
    }
}

static bool take_imm(struct cursor *c, struct ptwr_insn *in, unsigned bytes)
{
    uint64_t v;
    if (!take(c, bytes, &v))
        return false;
    in->src_kind = PTWR_SRC_IMM;
    in->imm = (uint64_t)sext(v, bytes);
    return true;
}

int ptwr_decode(const uint8_t *buf, size_t avail, struct ptwr_insn *in, size_t *need)
{
    struct cursor c = { .buf = buf, .avail = avail };
    bool opsize16 = false, rep = false, have_rex = false, lockable = false;
    unsigned rex = 0;
    uint64_t v;

    *in = (struct ptwr_insn){ .base = PTWR_REG_NONE, .index = PTWR_REG_NONE, .scale = 1 };

    /* Prefixes. A REX only counts when it comes right before the opcode. */
    for (;;) {
        if (!take(&c, 1, &v))
            goto out;
        unsigned b = (unsigned)v;
        if (b == 0xf0) {
            in->lock = true;
        } else if (b == 0x66) {
            opsize16 = true;
        } else if (b == 0x67) {
            in->addr32 = true;
        } else if (b == 0xf2 || b == 0xf3) {
            rep = true;     /* no effect on the accepted instructions but MOVNTI */
        } else if (b == 0x26 || b == 0x2e || b == 0x36 ||
                   b == 0x3e || b == 0x64 || b == 0x65) {
            /*
             * Segment overrides are ignored as by Xen's page-table emulation: in 64-bit mode
             * only FS/GS have bases, and the write must still land in the
             * faulting page (checked by the caller).
             */
        } else if ((b & 0xf0) == 0x40) {
            rex = b & 0xf;
            have_rex = true;
            continue;
        } else {
            c.pos--;
            break;
        }
        rex = 0;            /* a legacy prefix after REX cancels it */
        have_rex = false;
    }

    if (!take(&c, 1, &v))
        goto out;
    unsigned op = (unsigned)v, modrm = 0;
    bool twobyte = false;
    if (op == 0x0f) {
        if (!take(&c, 1, &v))
            goto out;
        op = (unsigned)v;
        twobyte = true;
    }
    bool byteop = false;
    unsigned full = (rex & 8) ? 8 : opsize16 ? 2 : 4;

#define MODRM() do { if (!take(&c, 1, &v)) goto out; modrm = (unsigned)v; \
                     if (!decode_modrm_mem(&c, modrm, rex, in)) goto out; } while (0)
#define REG() ((modrm >> 3) & 7)

    if (!twobyte) {
        switch (op) {
        case 0x00: case 0x01: case 0x08: case 0x09: case 0x10: case 0x11:
        case 0x18: case 0x19: case 0x20: case 0x21: case 0x28: case 0x29:
        case 0x30: case 0x31:
            /* ALU r/m, reg: the opcode's bits 3-5 give the operation. */
            byteop = !(op & 1);
            in->size = byteop ? 1 : (uint8_t)full;
            in->op = (uint8_t)(PTWR_ADD + (op >> 3));
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            lockable = true;
            break;
        case 0x80: case 0x81: case 0x83:
            in->size = op == 0x80 ? 1 : (uint8_t)full;
            MODRM();
            if (REG() == 7)
                goto unsupported;   /* CMP writes nothing */
            in->op = (uint8_t)(PTWR_ADD + REG());
            if (!take_imm(&c, in, op == 0x81 ? (full == 2 ? 2 : 4) : 1))
                goto out;
            lockable = true;
            break;
        case 0x86: case 0x87:
            in->size = op == 0x86 ? 1 : (uint8_t)full;
            in->op = PTWR_XCHG;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            lockable = true;
            break;
        case 0x88: case 0x89:
            in->size = op == 0x88 ? 1 : (uint8_t)full;
            in->op = PTWR_MOV;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            break;
        case 0xa2: case 0xa3: {
            /* MOV moffs, AL/rAX: a plain 64-bit (67: 32-bit) address. */
            in->size = op == 0xa2 ? 1 : (uint8_t)full;
            in->op = PTWR_MOV;
            if (!take(&c, in->addr32 ? 4 : 8, &v))
                goto out;
            in->disp = (int64_t)v;
            in->src_kind = PTWR_SRC_REG;
            in->src_reg = 0;
            break;
        }
        case 0xc6: case 0xc7:
            in->size = op == 0xc6 ? 1 : (uint8_t)full;
            in->op = PTWR_MOV;
            MODRM();
            if (REG() != 0)
                goto unsupported;
            if (!take_imm(&c, in, in->size == 1 ? 1 : in->size == 2 ? 2 : 4))
                goto out;
            break;
        case 0xf6: case 0xf7:
            in->size = op == 0xf6 ? 1 : (uint8_t)full;
            MODRM();
            if (REG() == 2)
                in->op = PTWR_NOT;
            else if (REG() == 3)
                in->op = PTWR_NEG;
            else
                goto unsupported;   /* TEST, MUL, DIV: no memory write */
            lockable = true;
            break;
        case 0xfe: case 0xff:
            in->size = op == 0xfe ? 1 : (uint8_t)full;
            MODRM();
            if (REG() == 0)
                in->op = PTWR_INC;
            else if (REG() == 1)
                in->op = PTWR_DEC;
            else
                goto unsupported;   /* CALL, JMP, PUSH: not page-table writes */
            lockable = true;
            break;
        default:
            goto unsupported;
        }
    } else {
        switch (op) {
        case 0xb0: case 0xb1:
            in->size = op == 0xb0 ? 1 : (uint8_t)full;
            in->op = PTWR_CMPXCHG;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            lockable = true;
            break;
        case 0xc0: case 0xc1:
            in->size = op == 0xc0 ? 1 : (uint8_t)full;
            in->op = PTWR_XADD;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            lockable = true;
            break;
        case 0xab: case 0xb3: case 0xbb:
            in->size = (uint8_t)full;
            in->op = op == 0xab ? PTWR_BTS : op == 0xb3 ? PTWR_BTR : PTWR_BTC;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            lockable = true;
            break;
        case 0xba:
            in->size = (uint8_t)full;
            MODRM();
            if (REG() < 5)
                goto unsupported;   /* BT only reads */
            in->op = (uint8_t)(PTWR_BTS + (REG() - 5));
            if (!take_imm(&c, in, 1))
                goto out;
            lockable = true;
            break;
        case 0xc3:
            /* MOVNTI: 32 or 64 bits; other prefixes make it a different opcode. */
            if (opsize16 || rep)
                goto unsupported;
            in->size = (rex & 8) ? 8 : 4;
            in->op = PTWR_MOV;
            MODRM();
            set_reg_src(in, modrm, rex, have_rex);
            break;
        case 0xc7:
            MODRM();
            /* /1 without REX.W is CMPXCHG8B; CMPXCHG16B stores 16 bytes: no PTE write. */
            if (REG() != 1 || (rex & 8))
                goto unsupported;
            in->size = 8;
            in->op = PTWR_CMPXCHG8B;
            in->src_kind = PTWR_SRC_NONE;
            lockable = true;
            break;
        default:
            goto unsupported;
        }
    }
#undef MODRM
#undef REG

    /* LOCK on anything but a read-modify-write is #UD on hardware. */
    if (in->lock && !lockable)
        goto unsupported;
    in->len = (uint8_t)c.pos;
    return PTWR_DEC_OK;

out:
    if (c.truncated && !c.too_long) {
        *need = c.need;
        return PTWR_DEC_TRUNCATED;
    }
unsupported:
    return PTWR_DEC_UNSUPPORTED;
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t read_reg(const struct ptwr_state *s, unsigned reg, bool high8)
{
    return high8 ? (s->gpr[reg] >> 8) & 0xff : s->gpr[reg];
}

/* Register write with x86's width rules: 32-bit writes zero-extend, 8/16 merge. */
static void write_reg(struct ptwr_state *s, unsigned reg, bool high8, unsigned size, uint64_t val)
{
    uint64_t *r = &s->gpr[reg];
    if (high8)
        *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
    else if (size == 4)
        *r = (uint32_t)val;
    else if (size == 8)
        *r = val;
    else
        *r = (*r & ~size_mask(size)) | (val & size_mask(size));
}

uint64_t ptwr_src_value(const struct ptwr_insn *in, const struct ptwr_state *s)
{
    uint64_t v = in->src_kind == PTWR_SRC_REG ? read_reg(s, in->src_reg, in->src_high8)
               : in->src_kind == PTWR_SRC_IMM ? in->imm : 0;
    return v & size_mask(in->size);
}

uint64_t ptwr_effective_address(const struct ptwr_insn *in, const struct ptwr_state *s,
                                uint64_t rip_next)
{
    uint64_t ea = (uint64_t)in->disp;
    if (in->base == PTWR_REG_RIP)
        ea += rip_next;
    else if (in->base >= 0)
        ea += s->gpr[in->base];
    if (in->index >= 0)
        ea += s->gpr[in->index] * in->scale;
    if ((in->op == PTWR_BTS || in->op == PTWR_BTR || in->op == PTWR_BTC) &&
        in->src_kind == PTWR_SRC_REG) {
        /* The register is a signed bit offset into a bit string at ea. */
        int64_t bit = sext(s->gpr[in->src_reg], in->size);
        int64_t bits = 8 * in->size;
        /* Rounded towards minus infinity; -(bit + 1) cannot overflow. */
        int64_t units = bit >= 0 ? bit / bits : -(-(bit + 1) / bits) - 1;
        ea += (uint64_t)(units * in->size);
    }
    return in->addr32 ? (uint32_t)ea : ea;
}

static uint64_t msb(uint64_t v, unsigned size)
{
    return (v >> (8 * size - 1)) & 1;
}

/* PF, ZF and SF of a result. */
static uint64_t result_flags(uint64_t r, unsigned size)
{
    uint64_t f = 0;
    if (!(__builtin_popcount((unsigned)(r & 0xff)) & 1))
        f |= PF;
    if (!(r & size_mask(size)))
        f |= ZF;
    if (msb(r, size))
        f |= SF;
    return f;
}

/* a + b + carry in, with CF/OF/AF as the adder produces them. */
static uint64_t add_flags(uint64_t a, uint64_t b, uint64_t cin, unsigned size, uint64_t *f)
{
    uint64_t r = (a + b + cin) & size_mask(size);
    *f = result_flags(r, size);
    if (msb((a & b) | ((a | b) & ~r), size))
        *f |= CF;
    if (msb((a ^ r) & (b ^ r), size))
        *f |= OF;
    if ((a ^ b ^ r) & 0x10)
        *f |= AF;
    return r;
}

/* a - b - borrow in. */
static uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t bin, unsigned size, uint64_t *f)
{
    uint64_t r = (a - b - bin) & size_mask(size);
    *f = result_flags(r, size);
    if (msb((~a & b) | ((~a | b) & r), size))
        *f |= CF;
    if (msb((a ^ b) & (a ^ r), size))
        *f |= OF;
    if ((a ^ b ^ r) & 0x10)
        *f |= AF;
    return r;
}

static void set_flags(struct ptwr_state *s, uint64_t f, uint64_t which)
{
    s->rflags = (s->rflags & ~which) | (f & which);
}

void ptwr_execute(const struct ptwr_insn *in, struct ptwr_state *s, uint64_t mem_old,
                  struct ptwr_result *res)
{
    unsigned size = in->size;
    uint64_t m = size_mask(size);
    uint64_t a = mem_old & m, src = ptwr_src_value(in, s), r = a, f = 0;
    uint64_t cf = s->rflags & CF;

    res->atomic = in->lock;
    switch (in->op) {
    case PTWR_MOV:
        res->mem_new = src;
        res->write = true;      /* a store happens even if the value is the same */
        res->atomic = false;
        return;
    case PTWR_XCHG:
        r = src;
        write_reg(s, in->src_reg, in->src_high8, size, a);
        res->atomic = true;
        break;
    case PTWR_CMPXCHG: {
        uint64_t acc = s->gpr[0] & m;
        res->atomic = true;
        sub_flags(acc, a, 0, size, &f);
        set_flags(s, f, PTWR_FLAGS_MASK);
        if (acc == a) {
            res->mem_new = src;
            res->write = true;  /* compared equal: stored even when unchanged */
        } else {
            write_reg(s, 0, false, size, a);
            res->write = false;
        }
        return;
    }
    case PTWR_CMPXCHG8B: {
        uint64_t expect = (uint32_t)s->gpr[0] | (s->gpr[2] << 32);
        res->atomic = true;
        if (expect == a) {
            res->mem_new = (uint32_t)s->gpr[3] | (s->gpr[1] << 32);
            res->write = true;
            s->rflags |= ZF;
        } else {
            s->gpr[0] = (uint32_t)a;
            s->gpr[2] = a >> 32;
            s->rflags &= ~ZF;
            res->write = false;
        }
        return;
    }
    case PTWR_XADD:
        r = add_flags(a, src, 0, size, &f);
        set_flags(s, f, PTWR_FLAGS_MASK);
        write_reg(s, in->src_reg, in->src_high8, size, a);
        break;
    case PTWR_ADD: r = add_flags(a, src, 0, size, &f); set_flags(s, f, PTWR_FLAGS_MASK); break;
    case PTWR_ADC: r = add_flags(a, src, cf, size, &f); set_flags(s, f, PTWR_FLAGS_MASK); break;
    case PTWR_SUB: r = sub_flags(a, src, 0, size, &f); set_flags(s, f, PTWR_FLAGS_MASK); break;
    case PTWR_SBB: r = sub_flags(a, src, cf, size, &f); set_flags(s, f, PTWR_FLAGS_MASK); break;
    case PTWR_OR:
    case PTWR_AND:
    case PTWR_XOR:
        r = in->op == PTWR_OR ? a | src : in->op == PTWR_AND ? a & src : a ^ src;
        /* CF and OF clear; AF is undefined and left clear. */
        set_flags(s, result_flags(r, size), PTWR_FLAGS_MASK);
        break;
    case PTWR_INC:
        r = add_flags(a, 1, 0, size, &f);
        set_flags(s, f, PTWR_FLAGS_MASK & ~CF);     /* INC/DEC keep CF */
        break;
    case PTWR_DEC:
        r = sub_flags(a, 1, 0, size, &f);
        set_flags(s, f, PTWR_FLAGS_MASK & ~CF);
        break;
    case PTWR_NOT:
        r = ~a & m;             /* no flags */
        break;
    case PTWR_NEG:
        r = sub_flags(0, a, 0, size, &f);
        set_flags(s, f, PTWR_FLAGS_MASK);
        break;
    case PTWR_BTS:
    case PTWR_BTR:
    case PTWR_BTC: {
        uint64_t bit = 1ULL << (src & (8 * size - 1));
        set_flags(s, (a & bit) ? CF : 0, CF);       /* other flags: left as they were */
        r = in->op == PTWR_BTS ? a | bit : in->op == PTWR_BTR ? a & ~bit : a ^ bit;
        break;
    }
    default:
        res->write = false;
        return;
    }
    res->mem_new = r & m;
    /* Like Xen's emulator: a read-modify-write that changes nothing stores nothing. */
    res->write = res->mem_new != a;
}
