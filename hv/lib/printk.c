/*
 * printk.c - formatted console output.
 *
 * Messages are formatted into a line buffer on the stack and handed to the
 * console drivers in one piece, under the console's lock: processors
 * print their messages whole, one after the other.  The hypervisor never
 * takes an interrupt while it runs (it keeps IF clear except when idle),
 * but an NMI or a panic may come in the middle of a message: the lock is
 * reentrant for its holder (the line comes out inside the other), and a
 * holder that never lets go (stopped by a panic on another processor) is
 * waited for only so long, and then the lock is taken over.
 */
#include "hv/lib/printk.h"
#include "hv/lib/console.h"
#include "hv/lib/spinlock.h"

#define CONSOLE_WAIT_SPINS 50000000u /* seconds, at any plausible speed */

int hv_loglevel = LOG_INFO;
/* cpu_index() + 1 of the processor printing, 0 when none: a simple
 * exchange lock, not a ticket lock, so that a waiter that gives up
 * leaves nothing behind. */
static volatile uint32_t console_holder;

static void write_whole(const char *line, size_t n)
{
	uint32_t me = cpu_index() + 1, spins = 0, was;

	if (console_holder == me) {
		console_write(line, n); /* an NMI inside our own message */
		return;
	}
	for (;;) {
		was = 0;
		__asm__ volatile("lock cmpxchgl %2, %1"
				 : "+a"(was), "+m"(console_holder)
				 : "r"(me)
				 : "memory");
		if (was == 0)
			break;
		if (spins++ == CONSOLE_WAIT_SPINS) {
			/* The holder is stuck (stopped by a panic elsewhere):
			 * take the lock over, so the next line does not wait
			 * as long again. */
			console_holder = me;
			break;
		}
		cpu_relax();
	}
	console_write(line, n);
	__asm__ volatile("" ::: "memory");
	console_holder = 0;
}

void vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int n = hv_vsnprintf(line, sizeof(line), fmt, ap);

	if (n >= (int)sizeof(line)) { /* too long: say so, don't hide it */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
		line[n - 2] = line[n - 3] = line[n - 4] = '.';
	}
	write_whole(line, (size_t)n);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > hv_loglevel)
		return;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
