/*
 * console.c - [Pvguest 3] where our output goes, and printf.
 *
 * Three ways out, best first:
 *
 *   the virtio console's transmit queue (virtio_console.c), once its
 *   driver is up: one buffer, one notification, per line;
 *
 *   before that, the early console (earlycon.c): the console's emerg_wr
 *   register, reached through PCI configuration space a byte at a time.
 *   It needs no set-up, so it works from the first line of guest_main,
 *   and it is where we fall back if the driver ever breaks;
 *
 *   and if there is no virtio console at all, the oldest trick there is:
 *   each byte to I/O port 0xE9 (the Bochs/QEMU "debug console"), which
 *   the hypervisor emulates (ABI 8.10).
 *
 * Output is collected a line at a time and sent whole, so that lines from
 * two guests (or from an interrupt handler and a process) do not mix in
 * the middle.  Whoever is about to wait or stop sends a partial line with
 * console_flush(): a prompt must show before we wait for the answer.
 *
 * printf knows %c %s %d %u %x and %p, the 'l' and "ll" sizes, and a
 * zero-padded width, which is all our messages need.  It formats into a
 * buffer of its own first and hands over the text (a line is one piece)
 * with interrupts off, so an interrupt handler's output (the echo of a
 * typed key) cannot land in the middle of a line.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "earlycon.h"
#include "irq.h"
#include "virtio_console.h"
#include "x86.h"

#define DEBUG_CONSOLE_PORT 0xe9
#define LINE_MAX 160 /* what the hypervisor's own line buffer holds */
#define FORMAT_CHUNK 128

static char line[LINE_MAX];
static uint32_t line_len;

static void console_emit(const char *s, uint32_t n)
{
	if (vcon_write(s, n))
		return;
	if (earlycon_ready()) {
		earlycon_write(s, n);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		outb(DEBUG_CONSOLE_PORT, (uint8_t)s[i]);
}

/* Called with interrupts off. */
static void flush_line(void)
{
	if (line_len)
		console_emit(line, line_len);
	line_len = 0;
}

void console_flush(void)
{
	uint32_t flags = irq_save();

	flush_line();
	irq_restore(flags);
}

void console_write(const char *s, uint32_t n)
{
	uint32_t flags = irq_save();

	for (uint32_t i = 0; i < n; i++) {
		line[line_len++] = s[i];
		if (s[i] == '\n' || line_len == LINE_MAX)
			flush_line();
	}
	irq_restore(flags);
}

/* printf's own buffer: handed to console_write when full and at the end. */
struct fmtbuf {
	char text[FORMAT_CHUNK];
	uint32_t len;
};

static void put(struct fmtbuf *b, char c)
{
	if (b->len == sizeof(b->text)) {
		console_write(b->text, b->len);
		b->len = 0;
	}
	b->text[b->len++] = c;
}

static void print_string(struct fmtbuf *b, const char *s, int width)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len])
		len++;
	for (; width > len; width--)
		put(b, ' ');
	while (*s)
		put(b, *s++);
}

/* Print n in the given base, padded on the left to width with pad. */
static void print_number(struct fmtbuf *b, uint64_t n, unsigned int base,
			 int width, char pad)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	int i = 0;

	do {
		buf[i++] = digits[n % base];
		n /= base;
	} while (n);
	for (; width > i; width--)
		put(b, pad);
	while (i)
		put(b, buf[--i]);
}

static void format(struct fmtbuf *b, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			put(b, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			put(b, (char)va_arg(ap, int));
			break;
		case 's':
			print_string(b, va_arg(ap, const char *), width);
			break;
		case 'd':
			s = longs == 2 ? va_arg(ap, long long)
				       : (longs ? va_arg(ap, long)
						: va_arg(ap, int));
			if (s < 0) {
				put(b, '-');
				u = -(uint64_t)s;
				width--;
			} else {
				u = (uint64_t)s;
			}
			print_number(b, u, 10, width, pad);
			break;
		case 'u':
		case 'x':
			u = longs == 2 ? va_arg(ap, unsigned long long)
				       : (longs ? va_arg(ap, unsigned long)
						: va_arg(ap, unsigned int));
			print_number(b, u, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case 'p':
			put(b, '0');
			put(b, 'x');
			print_number(b, (uintptr_t)va_arg(ap, void *), 16, 8,
				     '0');
			break;
		case '%':
			put(b, '%');
			break;
		case '\0':
			return;
		default:
			/* Show what we did not understand; do not hide it. */
			put(b, '%');
			put(b, *fmt);
			break;
		}
	}
}

void vprintf(const char *fmt, va_list ap)
{
	struct fmtbuf b = { .len = 0 };

	format(&b, fmt, ap);
	console_write(b.text, b.len);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
