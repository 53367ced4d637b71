/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 16550 UART console.
 *
 * Options, with Xen's names and meaning:
 *   console=com1[,vga]   where the console goes (com1 or com2; vga is
 *                        accepted and ignored: Mica has no VGA console)
 *   com1=<baud>[/<clock_hz>][,<data><parity><stop>[,<io-base>[,<irq>]]]
 *   com2=...             same for the second port
 * "auto" as the baud keeps whatever the firmware programmed.
 */
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/param.h>
#include <mica/serial.h>
#include <mica/string.h>

#define UART_THR 0  /* transmit holding */
#define UART_RBR 0  /* receive buffer */
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

struct uart {
    uint16_t io_base;
    uint32_t baud;        /* 0: keep the firmware's setting */
    uint32_t clock_hz;
    uint8_t lcr;          /* data bits / parity / stop bits */
    uint8_t irq;
};

static struct uart ports[2] = {
    { 0x3f8, 115200, 1843200, 0x03, 4 },
    { 0x2f8, 115200, 1843200, 0x03, 3 },
};
static struct uart *console_uart;

static char opt_console[64] = "com1";
string_param("console", opt_console);

/* "8n1" style: data bits 5-8, parity n/o/e/m/s, stop bits 1-2. */
static int parse_dps(const char *s, uint8_t *lcr)
{
    if (s[0] < '5' || s[0] > '8' || !s[1] || !s[2])
        return -1;
    uint8_t v = (uint8_t)(s[0] - '5');
    switch (s[1]) {
    case 'n': break;
    case 'o': v |= 0x08; break;
    case 'e': v |= 0x18; break;
    case 'm': v |= 0x28; break;
    case 's': v |= 0x38; break;
    default: return -1;
    }
    if (s[2] == '2')
        v |= 0x04;
    else if (s[2] != '1')
        return -1;
    *lcr = v;
    return 0;
}

static int parse_com(struct uart *u, const char *s)
{
    char *e;
    if (!strncmp(s, "auto", 4)) {
        u->baud = 0;
        e = (char *)s + 4;
    } else {
        u->baud = (uint32_t)strtoul(s, &e, 10);
        if (e == s || u->baud == 0)
            return -1;
    }
    if (*e == '/') {
        u->clock_hz = (uint32_t)strtoul(e + 1, &e, 0);
        if (!u->clock_hz)
            return -1;
    }
    if (*e != ',')
        return *e ? -1 : 0;
    s = e + 1;
    if (*s && *s != ',') {
        if (parse_dps(s, &u->lcr) < 0)
            return -1;
        s += 3;
    }
    if (*s != ',')
        return *s ? -1 : 0;
    s++;
    if (*s && *s != ',') {
        u->io_base = (uint16_t)strtoul(s, &e, 0);
        if (e == s)
            return -1;
        s = e;
    }
    if (*s == ',') {
        u->irq = (uint8_t)strtoul(s + 1, &e, 0);
        s = e;
    }
    return *s ? -1 : 0;
}

static int parse_com1(const char *s) { return parse_com(&ports[0], s); }
static int parse_com2(const char *s) { return parse_com(&ports[1], s); }
custom_param("com1", parse_com1);
custom_param("com2", parse_com2);

static void uart_init(struct uart *u)
{
    outb(u->io_base + UART_IER, 0);           /* polled: no interrupts */
    if (u->baud) {
        uint32_t div = u->clock_hz / (16 * u->baud);
        outb(u->io_base + UART_LCR, LCR_DLAB);
        outb(u->io_base + UART_DLL, (uint8_t)div);
        outb(u->io_base + UART_DLM, (uint8_t)(div >> 8));
    }
    outb(u->io_base + UART_LCR, u->lcr);
    outb(u->io_base + UART_FCR, 0x07);        /* enable and clear FIFOs */
    outb(u->io_base + UART_MCR, 0x03);        /* DTR, RTS */
}

static void uart_putc(struct uart *u, char c)
{
    /* Bounded wait: a missing UART must not hang the hypervisor. */
    for (unsigned spins = 0; spins < 100000; spins++)
        if (inb(u->io_base + UART_LSR) & LSR_THRE)
            break;
    outb(u->io_base + UART_THR, (uint8_t)c);
}

static void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc(console_uart, '\r');
        uart_putc(console_uart, s[i]);
    }
}

static const struct console_sink serial_sink = { serial_write };

bool serial_rx_ready(void)
{
    return console_uart && (inb(console_uart->io_base + UART_LSR) & LSR_DR);
}

int serial_getc(void)
{
    if (!console_uart || !(inb(console_uart->io_base + UART_LSR) & LSR_DR))
        return -1;
    return inb(console_uart->io_base + UART_RBR);
}

void serial_console_init(void)
{
    /* console= is a comma-separated list of sinks; we serve com1/com2. */
    const char *s = opt_console;
    while (*s) {
        if (!strncmp(s, "com1", 4))
            console_uart = &ports[0];
        else if (!strncmp(s, "com2", 4))
            console_uart = &ports[1];
        const char *comma = strchr(s, ',');
        if (!comma)
            break;
        s = comma + 1;
    }
    if (!console_uart)
        return;
    uart_init(console_uart);
    /* Firmware may have left the cursor mid-line: start ours on a fresh one. */
    serial_write("\n", 1);
    console_add_sink(&serial_sink);
}

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = list; s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
        if (!strncmp(s, word, n) && (s[n] == ',' || s[n] == '\0'))
            return true;
    return false;
}

void serial_console_describe(void)
{
    if (!console_uart) {
        pr_warn("console=%s: no serial console selected\n", opt_console);
        return;
    }
    if (has_word(opt_console, "vga"))
        pr_info("console: vga requested; Mica has no VGA console, using serial only\n");
    pr_info("console: 16550 at I/O 0x%x, %u baud%s\n", console_uart->io_base,
            console_uart->baud, console_uart->baud ? "" : " (firmware setting)");
}

unsigned int serial_console_io_base(void)
{
    return console_uart ? console_uart->io_base : 0;
}

unsigned int serial_console_irq(void)
{
    return console_uart ? console_uart->irq : 0;
}
