/*
 * ps2kbd.h - the machine's own PS/2 keyboard, behind the i8042 controller:
 * what is typed on it goes into the console's input ring, as if typed on
 * the serial line (hv/lib/console_input.h).
 *
 *   ps2kbd.c         the controller: set-up, the IRQ 1 handler
 *   ps2kbd_keymap.c  scancodes (set 1) to bytes: pure, unit-tested
 */
#ifndef DRIVERS_PS2KBD_H
#define DRIVERS_PS2KBD_H

#include "hv/lib/lib.h"

/* ps2kbd.c: find and set up the controller, and take IRQ 1.  False (and
 * a line saying why) when there is no controller or it does not answer;
 * the machine goes on without a keyboard. */
bool ps2kbd_init(void);
#define PS2KBD_IRQ 1
/* The IRQ 1 handler (registered by hv/main.c, which owns the lines). */
void ps2kbd_handle_irq(void);
/* Ask the controller to pulse the CPU's reset line, the PC/AT's way to
 * reboot (hv/machine/power.c); needs no ps2kbd_init(), and returns if the
 * machine did not reset. */
void ps2kbd_pulse_reset(void);

/* ps2kbd_keymap.c: set 1 scancodes, one byte at a time, to the bytes a
 * terminal would send for the same keys (US layout). */
#define KEYMAP_OUT_MAX 4 /* the longest: ESC [ 3 ~ for Delete */

struct keymap_state {
	bool e0;	     /* the previous byte was the 0xE0 prefix */
	uint8_t e1_left;     /* bytes of a Pause sequence still to skip */
	bool lshift, rshift; /* held */
	bool lctrl, rctrl;   /* held */
	bool caps;	     /* Caps Lock is on */
	bool caps_held;	     /* its key is down (a repeat does not toggle) */
};

/* One scancode byte in; the bytes it produces into out (at most
 * KEYMAP_OUT_MAX), returning how many: 0 for a release, a modifier, a
 * prefix, or a key that means nothing on a terminal. */
unsigned keymap_feed(struct keymap_state *s, uint8_t code,
		     uint8_t out[KEYMAP_OUT_MAX]);

#endif
