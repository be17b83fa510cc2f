/*
 * console.c - sends the hypervisor's output to every enabled console.
 *
 * Serial is on from the first instruction of hv_main (it needs nothing but
 * port I/O), so even a panic during early boot is seen.  The screen joins
 * once the Multiboot2 framebuffer tag has told us there is one: VGA text
 * (drivers/vga.c) or pixels (drivers/fbscreen.c).
 */
#include "hv/lib/console.h"

#define CONSOLE_KINDS 2 /* CONSOLE_SERIAL, CONSOLE_SCREEN */

static uint32_t enabled = CONSOLE_SERIAL;
static void (*sink[CONSOLE_KINDS])(char c);
static const char *description[CONSOLE_KINDS];

static unsigned kind_index(uint32_t which)
{
	return which == CONSOLE_SCREEN ? 1 : 0;
}

void console_register(uint32_t which, void (*putc)(char c))
{
	sink[kind_index(which)] = putc;
}

bool console_present(uint32_t which)
{
	return sink[kind_index(which)] != NULL;
}

void console_describe(uint32_t which, const char *what)
{
	description[kind_index(which)] = what;
}

const char *console_description(uint32_t which)
{
	const char *what = description[kind_index(which)];

	return what ? what : "";
}

void console_enable(uint32_t which)
{
	enabled = which;
}

uint32_t console_enabled(void)
{
	return enabled;
}

void console_write_to(uint32_t which, const char *s, size_t n)
{
	uint32_t use = enabled & which;

	for (size_t i = 0; i < n; i++) {
		for (unsigned k = 0; k < CONSOLE_KINDS; k++)
			if ((use & (1u << k)) && sink[k])
				sink[k](s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	console_write_to(CONSOLE_SERIAL | CONSOLE_SCREEN, s, n);
}
