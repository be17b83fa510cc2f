/*
 * symbols.h - turning code addresses back into function names, for panic
 * backtraces.  The table is generated from the linked image by the build
 * (a second link adds it; see the Makefile) and sorted by address.
 */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <stdint.h>

/* The function containing addr and the offset into it, or NULL. */
const char *symbol_lookup(uint32_t addr, uint32_t *offset);

#endif
