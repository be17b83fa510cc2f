/*
 * console.h - [Pvguest 3] printing, until we have a virtio console.
 */
#ifndef PVGUEST_CONSOLE_H
#define PVGUEST_CONSOLE_H

#include <stdarg.h>

void console_putc(char c);
void vprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);

#endif /* PVGUEST_CONSOLE_H */
