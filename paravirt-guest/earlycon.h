/*
 * earlycon.h - [Pvguest 13] printing before the console driver is up.
 */
#ifndef PVGUEST_EARLYCON_H
#define PVGUEST_EARLYCON_H

#include <stdbool.h>
#include <stdint.h>

bool earlycon_init(void);
bool earlycon_ready(void);
void earlycon_write(const char *s, uint32_t len);

#endif /* PVGUEST_EARLYCON_H */
