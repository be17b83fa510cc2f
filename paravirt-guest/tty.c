/*
 * tty.c - [Pvguest 17] the terminal's line discipline: from keys to lines.
 *
 * The serial line brings us bare key codes, and nobody on the other end
 * shows what was typed: a terminal expects the computer to echo.  So, as
 * a Unix tty does in its "cooked" mode, we
 *
 *   echo each key as it arrives,
 *   let Backspace (or DEL) take back the last character of the line,
 *   turn Return (CR) into a newline, and
 *   hand a line to read() only once it is finished, newline included;
 *   Ctrl-D on its own is "end of input" (read returns 0).
 *
 * The interrupt handler (virtio_console.c) feeds tty_input(); a process
 * in read() waits until a whole line is there.  Finished lines wait in a
 * ring; a line too long for the editor just stops taking characters.
 */
#include <stdbool.h>

#include "console.h"
#include "irq.h"
#include "proc.h"
#include "tty.h"

#define LINE_MAX 128
#define RING_SIZE 512
#define CTRL_D 0x04
#define BACKSPACE 0x08
#define DELETE 0x7f

static char edit[LINE_MAX]; /* the line being typed */
static uint32_t edit_len;
static char ring[RING_SIZE];	      /* finished lines, CTRL_D for an EOF */
static uint32_t ring_head, ring_tail; /* free-running */
static uint32_t lines;		      /* finished lines (and EOFs) waiting */
static bool last_cr;

static void finish_line(char end)
{
	uint32_t need = edit_len + 1;

	if (RING_SIZE - (ring_head - ring_tail) < need) {
		edit_len = 0; /* the reader is far behind: drop it */
		return;
	}
	for (uint32_t i = 0; i < edit_len; i++)
		ring[ring_head++ % RING_SIZE] = edit[i];
	ring[ring_head++ % RING_SIZE] = end;
	edit_len = 0;
	lines++;
}

/* Keys from the console; called with interrupts off. */
void tty_input(const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char c = s[i];

		/* A terminal sends CR for Return; some send CR LF. */
		if (c == '\n' && last_cr) {
			last_cr = false;
			continue;
		}
		last_cr = c == '\r';
		if (c == '\r')
			c = '\n';
		if (c == '\n') {
			console_write("\n", 1);
			finish_line('\n');
		} else if (c == CTRL_D) {
			finish_line(CTRL_D);
		} else if (c == BACKSPACE || c == DELETE) {
			if (edit_len) {
				edit_len--;
				console_write("\b \b", 3);
			}
		} else if ((c >= ' ' || c == '\t') && edit_len < LINE_MAX - 1) {
			edit[edit_len++] = c;
			console_write(&c, 1);
		}
	}
	console_flush();
}

/*
 * Read one line (or as much of it as fits) into a kernel buffer; 0 at
 * end of input.  Whatever was printed without a newline (the prompt) is
 * sent first: it must be on the screen while we wait.
 */
int tty_read(char *buf, uint32_t len)
{
	uint32_t flags = irq_save(), n = 0;

	console_flush();
	for (;;) {
		irq_disable();
		if (lines)
			break;
		proc_idle();
	}
	while (n < len && ring_tail != ring_head) {
		char c = ring[ring_tail % RING_SIZE];

		ring_tail++;
		if (c == CTRL_D) {
			lines--;
			break;
		}
		buf[n++] = c;
		if (c == '\n') {
			lines--;
			break;
		}
	}
	irq_restore(flags);
	return (int)n;
}
