/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PIT channel 2 and port 0x61 for PV domains: see include/mica/vpit.h.
 *
 * The count is a function of the ticks the channel has counted since it
 * was loaded (or restarted by its gate), so nothing runs between accesses:
 * every read works the value out from the time.
 */
#include <mica/vpit.h>

#define NS_PER_S        1000000000ull
#define CTRL_CHANNEL(v) ((v) >> 6)
#define CTRL_RW(v)      (((v) >> 4) & 3)
#define CTRL_MODE(v)    (((v) >> 1) & 7)
#define READBACK_NO_COUNT   (1u << 5)
#define READBACK_NO_STATUS  (1u << 4)
#define READBACK_CH2        (1u << 3)
#define PORTB_GATE      (1u << 0)
#define PORTB_SPEAKER   (1u << 1)
#define PORTB_REFRESH   (1u << 4)
#define PORTB_OUT2      (1u << 5)
/* Port B's refresh bit toggles every ~15 us on a PC. */
#define REFRESH_NS      15085u

void vpit_reset(struct vpit *p)
{
    *p = (struct vpit){ .rw = 3 };
}

bool vpit_port(unsigned int port)
{
    return port == VPIT_PORT_CH2 || port == VPIT_PORT_CTRL || port == VPIT_PORT_B;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_S * VPIT_HZ + ns % NS_PER_S * VPIT_HZ / NS_PER_S;
}

static unsigned int modulus(const struct vpit *p)
{
    return p->bcd ? 10000 : 65536;
}

/* The initial count N, 1..65536 (a written 0 is the largest count). */
static unsigned int initial(const struct vpit *p)
{
    unsigned int r = p->reload;
    if (p->bcd)
        r = (r >> 12 & 0xf) * 1000 + (r >> 8 & 0xf) * 100 + (r >> 4 & 0xf) * 10 + (r & 0xf);
    return r ? r : modulus(p);
}

static uint16_t to_bcd(unsigned int v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static uint64_t elapsed(const struct vpit *p, uint64_t now)
{
    return p->base_ticks + (p->counting && now > p->since_ns ? ns_to_ticks(now - p->since_ns) : 0);
}

static void start(struct vpit *p, uint64_t now)
{
    p->base_ticks = 0;
    p->since_ns = now;
    p->counting = true;
}

static void hold(struct vpit *p, uint64_t now)
{
    p->base_ticks = elapsed(p, now);
    p->counting = false;
}

/* Modes 6 and 7 are aliases of 2 and 3. */
static unsigned int mode(const struct vpit *p)
{
    return p->mode > 5 ? p->mode - 4 : p->mode;
}

/* Modes 1 and 5 count only once a gate edge triggered them. */
static bool waiting_for_trigger(const struct vpit *p)
{
    return (mode(p) == 1 || mode(p) == 5) && !p->triggered;
}

static unsigned int current_count(const struct vpit *p, uint64_t now)
{
    unsigned int n = initial(p), m = modulus(p), c;
    uint64_t t = elapsed(p, now);

    if (!p->loaded || waiting_for_trigger(p))
        c = n % m;
    else if (mode(p) == 2)
        c = n - (unsigned int)(t % n);
    else if (mode(p) == 3)
        c = n - (unsigned int)((2 * t) % n);
    else    /* 0, 1, 4, 5: down to 0, then on through the whole range */
        c = (unsigned int)((n + m - t % m) % m);
    return p->bcd ? to_bcd(c) : c;
}

static bool out(const struct vpit *p, uint64_t now)
{
    unsigned int n = initial(p);
    uint64_t t = elapsed(p, now);

    switch (mode(p)) {
    case 0: return p->loaded && t >= n;         /* low from the control word to terminal count */
    case 1: return !p->triggered || t >= n;     /* low from the trigger to terminal count */
    case 2: return !p->loaded || !p->gate || t % n != n - 1;    /* low for the tick at count 1 */
    case 3: return !p->loaded || !p->gate || t % n < (n + 1) / 2;
    default: return !p->loaded || waiting_for_trigger(p) || t != n;  /* 4, 5: one low tick */
    }
}

static void load(struct vpit *p, uint16_t count, uint64_t now)
{
    p->reload = count;
    p->loaded = true;
    p->triggered = false;
    if (mode(p) == 1 || mode(p) == 5)
        p->counting = false;     /* until the gate's next rising edge */
    else if (p->gate)
        start(p, now);
    else
        p->base_ticks = 0, p->counting = false;
}

static void write_control(struct vpit *p, uint8_t v, uint64_t now)
{
    if (CTRL_CHANNEL(v) == 3) {          /* read-back */
        if (!(v & READBACK_CH2))
            return;
        if (!(v & READBACK_NO_STATUS) && !p->status_latched) {
            p->latched_status = (uint8_t)((out(p, now) ? 0x80 : 0) | (p->loaded ? 0 : 0x40) |
                                          p->rw << 4 | p->mode << 1 | p->bcd);
            p->status_latched = true;
        }
        v = (v & READBACK_NO_COUNT) ? 0xff : 0x80;   /* a count latch, or nothing */
        if (v == 0xff)
            return;
    }
    if (CTRL_CHANNEL(v) != 2)
        return;                          /* channels 0 and 1 are not emulated */
    if (CTRL_RW(v) == 0) {               /* counter latch */
        if (!p->count_latched) {
            p->latched_count = (uint16_t)current_count(p, now);
            p->count_latched = true;
            p->latch_msb_next = false;
        }
        return;
    }
    p->rw = CTRL_RW(v);
    p->mode = CTRL_MODE(v);
    p->bcd = v & 1;
    p->loaded = false;
    p->counting = false;
    p->base_ticks = 0;
    p->triggered = false;
    p->write_msb_next = p->read_msb_next = false;
    p->count_latched = p->status_latched = false;
}

static void write_count(struct vpit *p, uint8_t v, uint64_t now)
{
    switch (p->rw) {
    case 1:
        load(p, v, now);
        break;
    case 2:
        load(p, (uint16_t)(v << 8), now);
        break;
    default:
        if (!p->write_msb_next) {
            p->pending_lsb = v;
            p->write_msb_next = true;
        } else {
            p->write_msb_next = false;
            load(p, (uint16_t)(v << 8 | p->pending_lsb), now);
        }
    }
}

/* Bytes of a 16-bit value in the order the access mode gives them. */
static uint8_t next_byte(unsigned int rw, uint16_t value, bool *msb_next, bool *done)
{
    bool msb = rw == 2 || (rw == 3 && *msb_next);

    *done = rw != 3 || *msb_next;
    if (rw == 3)
        *msb_next = !*msb_next;
    return (uint8_t)(msb ? value >> 8 : value);
}

static uint8_t read_count(struct vpit *p, uint64_t now)
{
    bool done;

    if (p->status_latched) {
        p->status_latched = false;
        return p->latched_status;
    }
    if (p->count_latched) {
        uint8_t b = next_byte(p->rw, p->latched_count, &p->latch_msb_next, &done);
        if (done)
            p->count_latched = false;
        return b;
    }
    return next_byte(p->rw, (uint16_t)current_count(p, now), &p->read_msb_next, &done);
}

static void write_port_b(struct vpit *p, uint8_t v, uint64_t now)
{
    bool gate = v & PORTB_GATE;

    p->speaker = v & PORTB_SPEAKER;
    if (gate == p->gate)
        return;
    p->gate = gate;
    if (!p->loaded)
        return;
    switch (mode(p)) {
    case 0: case 4:                      /* gate low pauses, high resumes */
        if (gate) {
            p->since_ns = now;
            p->counting = true;
        } else {
            hold(p, now);
        }
        break;
    case 2: case 3:                      /* low stops, rising edge reloads */
        if (gate)
            start(p, now);
        else
            hold(p, now);
        break;
    default:                             /* 1, 5: rising edge (re)triggers */
        if (gate) {
            p->triggered = true;
            start(p, now);
        }
    }
}

uint8_t vpit_read(struct vpit *p, unsigned int port, uint64_t now_ns)
{
    switch (port) {
    case VPIT_PORT_CH2:
        return read_count(p, now_ns);
    case VPIT_PORT_B:
        return (uint8_t)((p->gate ? PORTB_GATE : 0) | (p->speaker ? PORTB_SPEAKER : 0) |
                         ((now_ns / REFRESH_NS) & 1 ? PORTB_REFRESH : 0) |
                         (out(p, now_ns) ? PORTB_OUT2 : 0));
    default:
        return 0xff;                     /* the control port is write-only */
    }
}

void vpit_write(struct vpit *p, unsigned int port, uint8_t val, uint64_t now_ns)
{
    switch (port) {
    case VPIT_PORT_CH2:
        write_count(p, val, now_ns);
        break;
    case VPIT_PORT_CTRL:
        write_control(p, val, now_ns);
        break;
    case VPIT_PORT_B:
        write_port_b(p, val, now_ns);
        break;
    }
}
