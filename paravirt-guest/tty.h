/*
 * tty.h - [Pvguest 17] the terminal: typed lines for read().
 */
#ifndef PVGUEST_TTY_H
#define PVGUEST_TTY_H

#include <stdint.h>

void tty_input(const char *s, uint32_t n);
int tty_read(char *buf, uint32_t len);

#endif /* PVGUEST_TTY_H */
