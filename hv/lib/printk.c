/*
 * printk.c - formatted console output.
 *
 * Messages are formatted into a line buffer on the stack and handed to the
 * console drivers in one piece.  The hypervisor never takes an interrupt
 * while it runs (it keeps IF clear except when idle), so no locking is
 * needed: one message is always printed whole.
 */
#include "hv/lib/printk.h"
#include "hv/lib/console.h"

int hv_loglevel = LOG_INFO;

void vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int n = hv_vsnprintf(line, sizeof(line), fmt, ap);

	if (n >= (int)sizeof(line)) { /* too long: say so, don't hide it */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
		line[n - 2] = line[n - 3] = line[n - 4] = '.';
	}
	console_write(line, (size_t)n);
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
