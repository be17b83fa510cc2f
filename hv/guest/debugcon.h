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
/* Any of the guest's console output, early or virtio: the serial line
 * shows every guest's, the screen only that of the guest that has the
 * console (the keyboard), as on a PC's own screen. */
void guest_console_write(struct guest *g, const char *s, unsigned n);

#endif
