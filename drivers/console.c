/*
 * console.c - sends the hypervisor's output to every enabled console.
 *
 * Serial is on from the first instruction of hv_main (it needs nothing but
 * port I/O), so even a panic during early boot is seen.  VGA joins once the
 * Multiboot2 framebuffer tag has told us a text screen exists; on UEFI
 * machines there is none and only serial is used.
 */
#include "console.h"

static uint32_t enabled = CONSOLE_SERIAL;

void console_enable(uint32_t which)
{
	enabled = which;
}

uint32_t console_enabled(void)
{
	return enabled;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (enabled & CONSOLE_SERIAL) {
			if (s[i] == '\n')
				uart_putc('\r'); /* terminals want CR LF */
			uart_putc(s[i]);
		}
		if ((enabled & CONSOLE_VGA) && vga_present())
			vga_putc(s[i]);
	}
}
