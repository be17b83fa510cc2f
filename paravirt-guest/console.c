/*
 * console.c - [Pvguest 3] a byte-at-a-time console on port 0xE9, and printf.
 *
 * There is no device yet, so we use the oldest debugging trick there is:
 * write each byte to I/O port 0xE9 (Bochs and QEMU call it the "debug
 * console").  We are in ring 1 with IOPL 0, so every "outb" raises #GP;
 * the hypervisor decodes the instruction, sees port 0xE9 and copies the
 * byte to its own console (ABI 8.10).  One trap per character is slow, but
 * it needs nothing from us but the instruction.
 *
 * printf knows %c %s %d %u %x and %p, the 'l' and "ll" sizes, and a
 * zero-padded width, which is all our messages need.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "x86.h"

#define DEBUG_CONSOLE_PORT 0xe9

void console_putc(char c)
{
	outb(DEBUG_CONSOLE_PORT, (uint8_t)c);
}

static void print_string(const char *s, int width)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len])
		len++;
	for (; width > len; width--)
		console_putc(' ');
	while (*s)
		console_putc(*s++);
}

/* Print n in the given base, padded on the left to width with pad. */
static void print_number(uint64_t n, unsigned int base, int width, char pad)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	int i = 0;

	do {
		buf[i++] = digits[n % base];
		n /= base;
	} while (n);
	for (; width > i; width--)
		console_putc(pad);
	while (i)
		console_putc(buf[--i]);
}

void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			console_putc(*fmt);
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
			console_putc((char)va_arg(ap, int));
			break;
		case 's':
			print_string(va_arg(ap, const char *), width);
			break;
		case 'd':
			s = longs == 2 ? va_arg(ap, long long)
				       : (longs ? va_arg(ap, long)
						: va_arg(ap, int));
			if (s < 0) {
				console_putc('-');
				u = -(uint64_t)s;
				width--;
			} else {
				u = (uint64_t)s;
			}
			print_number(u, 10, width, pad);
			break;
		case 'u':
		case 'x':
			u = longs == 2 ? va_arg(ap, unsigned long long)
				       : (longs ? va_arg(ap, unsigned long)
						: va_arg(ap, unsigned int));
			print_number(u, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case 'p':
			console_putc('0');
			console_putc('x');
			print_number((uintptr_t)va_arg(ap, void *), 16, 8, '0');
			break;
		case '%':
			console_putc('%');
			break;
		case '\0':
			return;
		default:
			/* Show what we did not understand; do not hide it. */
			console_putc('%');
			console_putc(*fmt);
			break;
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
