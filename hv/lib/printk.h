/*
 * printk.h - the hypervisor's console messages, with log levels.
 *
 * Every message goes to every enabled console (see hv/lib/console.c).
 * Levels follow syslog's numbers; "loglevel=" on the command line sets the
 * most verbose level shown (default: info).
 */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include "hv/lib/lib.h"

enum log_level {
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

extern int hv_loglevel;

void printk(const char *fmt, ...) __printf(1, 2); /* always printed */
void vprintk(const char *fmt, va_list ap);
void log_msg(int level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* panic.c */
struct trapframe;
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
void panic_trap(const struct trapframe *tf) __noreturn;

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (cond)                                                      \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__,          \
			      __LINE__);                                       \
	} while (0)

#endif
