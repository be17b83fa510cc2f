/*
 * debugcon.c - a guest's early console: the bytes it writes to port 0xE9
 * (hv/dev/ports.c) and to the virtio console's emerg_wr register.
 *
 * Each guest's output is kept a line at a time in its struct guest and
 * printed whole, so two guests printing at once interleave by lines, not
 * by characters.  All of a guest's console output, early or virtio,
 * leaves through guest_console_write(): the screen, which a person sits
 * at, shows only the guest that has the console.
 */
#include "hv/guest/debugcon.h"
#include "hv/guest/guest.h"
#include "hv/lib/console.h"

void guest_console_write(struct guest *g, const char *s, unsigned n)
{
	console_write_to(g->has_console ? CONSOLE_SERIAL | CONSOLE_SCREEN
					: CONSOLE_SERIAL,
			 s, n);
}

void debug_console_flush(struct guest *g)
{
	if (g->debug_line.len)
		guest_console_write(g, g->debug_line.buf, g->debug_line.len);
	g->debug_line.len = 0;
}

void debug_console_put(struct guest *g, char c)
{
	g->debug_line.buf[g->debug_line.len++] = c;
	if (c == '\n' || g->debug_line.len == DEBUG_LINE_MAX)
		debug_console_flush(g);
}
