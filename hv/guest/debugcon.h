/*
 * debugcon.h - a guest's line-buffered early console output.
 */
#ifndef HV_GUEST_DEBUGCON_H
#define HV_GUEST_DEBUGCON_H

struct guest;

/* One byte of the guest's early output (port 0xE9, the virtio console's
 * emerg_wr register); printed when its line is complete. */
void debug_console_put(struct guest *g, char c);
/* Print what is left of the guest's current line. */
void debug_console_flush(struct guest *g);

#endif
