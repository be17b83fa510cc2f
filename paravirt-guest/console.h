/*
 * console.h - [Pvguest 3] printing, whichever console is up.
 */
#ifndef PVGUEST_CONSOLE_H
#define PVGUEST_CONSOLE_H

#include <stdarg.h>
#include <stdint.h>

void console_write(const char *s, uint32_t n);
void console_flush(void);
void vprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);

#endif /* PVGUEST_CONSOLE_H */
