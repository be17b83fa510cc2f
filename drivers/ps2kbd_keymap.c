/*
 * ps2kbd_keymap.c - [Keyboard 2] scancodes to the bytes of a terminal.
 *
 * The controller translates the keyboard's codes to scancode set 1 (the
 * IBM PC/XT's): one byte per key press, the same byte with bit 7 set for
 * its release, and 0xE0 before the keys the PC/AT added (the right-hand
 * Ctrl and Alt, the arrows and the block above them, keypad Enter and
 * '/').  Pause alone sends six bytes, E1 1D 45 E1 9D C5, and no release.
 *
 * What comes out is what a terminal on the serial line sends for the same
 * key, so a guest cannot tell the keyboards apart: Enter is CR, Backspace
 * is DEL (0x7F), Ctrl with a letter is its control code (Ctrl-A is 0x01,
 * which the console monitor's hotkey is made of), the arrows and the
 * editing keys are ANSI escape sequences.  The layout is US; the keypad
 * always types its digits (NumLock is not tracked), and the keyboard's
 * LEDs are left alone.  Pure logic: tests/unit/test_ps2kbd_keymap.c.
 */
#include "drivers/ps2kbd.h"

#define SC_RELEASE 0x80
#define SC_E0 0xE0
#define SC_E1 0xE1
#define SC_LCTRL 0x1D /* 0xE0 0x1D: the right one */
#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CAPS 0x3A
#define ESC 0x1B
#define DEL 0x7F

/* Set 1 make codes 0x01-0x53: the byte a key types without and with
 * Shift; the keys left out (the modifiers, F1-F12, the locks) type
 * nothing.  Esc, Backspace, Tab and Enter are bytes like the rest. */
static const char keymap[0x54][2] = {
	[0x01] = { ESC, ESC },	 [0x02] = { '1', '!' },
	[0x03] = { '2', '@' },	 [0x04] = { '3', '#' },
	[0x05] = { '4', '$' },	 [0x06] = { '5', '%' },
	[0x07] = { '6', '^' },	 [0x08] = { '7', '&' },
	[0x09] = { '8', '*' },	 [0x0A] = { '9', '(' },
	[0x0B] = { '0', ')' },	 [0x0C] = { '-', '_' },
	[0x0D] = { '=', '+' },	 [0x0E] = { DEL, DEL },
	[0x0F] = { '\t', '\t' }, [0x10] = { 'q', 'Q' },
	[0x11] = { 'w', 'W' },	 [0x12] = { 'e', 'E' },
	[0x13] = { 'r', 'R' },	 [0x14] = { 't', 'T' },
	[0x15] = { 'y', 'Y' },	 [0x16] = { 'u', 'U' },
	[0x17] = { 'i', 'I' },	 [0x18] = { 'o', 'O' },
	[0x19] = { 'p', 'P' },	 [0x1A] = { '[', '{' },
	[0x1B] = { ']', '}' },	 [0x1C] = { '\r', '\r' },
	[0x1E] = { 'a', 'A' },	 [0x1F] = { 's', 'S' },
	[0x20] = { 'd', 'D' },	 [0x21] = { 'f', 'F' },
	[0x22] = { 'g', 'G' },	 [0x23] = { 'h', 'H' },
	[0x24] = { 'j', 'J' },	 [0x25] = { 'k', 'K' },
	[0x26] = { 'l', 'L' },	 [0x27] = { ';', ':' },
	[0x28] = { '\'', '"' },	 [0x29] = { '`', '~' },
	[0x2B] = { '\\', '|' },	 [0x2C] = { 'z', 'Z' },
	[0x2D] = { 'x', 'X' },	 [0x2E] = { 'c', 'C' },
	[0x2F] = { 'v', 'V' },	 [0x30] = { 'b', 'B' },
	[0x31] = { 'n', 'N' },	 [0x32] = { 'm', 'M' },
	[0x33] = { ',', '<' },	 [0x34] = { '.', '>' },
	[0x35] = { '/', '?' },	 [0x37] = { '*', '*' },
	[0x39] = { ' ', ' ' },	 [0x47] = { '7', '7' },
	[0x48] = { '8', '8' },	 [0x49] = { '9', '9' },
	[0x4A] = { '-', '-' },	 [0x4B] = { '4', '4' },
	[0x4C] = { '5', '5' },	 [0x4D] = { '6', '6' },
	[0x4E] = { '+', '+' },	 [0x4F] = { '1', '1' },
	[0x50] = { '2', '2' },	 [0x51] = { '3', '3' },
	[0x52] = { '0', '0' },	 [0x53] = { '.', '.' },
};

/* After 0xE0: the keys that send escape sequences, as what follows
 * "ESC [" (the VT220's, which xterm and Linux's console send too). */
static const struct {
	uint8_t code;
	const char *seq;
} extended[] = {
	{ 0x48, "A" },	/* Up */
	{ 0x50, "B" },	/* Down */
	{ 0x4D, "C" },	/* Right */
	{ 0x4B, "D" },	/* Left */
	{ 0x47, "H" },	/* Home */
	{ 0x4F, "F" },	/* End */
	{ 0x52, "2~" }, /* Insert */
	{ 0x53, "3~" }, /* Delete */
	{ 0x49, "5~" }, /* Page Up */
	{ 0x51, "6~" }, /* Page Down */
};

static unsigned put_escape(const char *seq, uint8_t out[KEYMAP_OUT_MAX])
{
	unsigned n = 0;

	out[n++] = ESC;
	out[n++] = '[';
	while (*seq && n < KEYMAP_OUT_MAX)
		out[n++] = (uint8_t)*seq++;
	return n;
}

/* Modifiers change the state and type nothing; true if code was one. */
static bool modifier(struct keymap_state *s, uint8_t key, bool e0, bool down)
{
	if (key == SC_LCTRL) {
		*(e0 ? &s->rctrl : &s->lctrl) = down;
		return true;
	}
	if (e0)
		return false;
	if (key == SC_LSHIFT || key == SC_RSHIFT) {
		*(key == SC_LSHIFT ? &s->lshift : &s->rshift) = down;
		return true;
	}
	if (key == SC_CAPS) {
		/* Held down, the key repeats its make code: toggle once. */
		if (down && !s->caps_held)
			s->caps = !s->caps;
		s->caps_held = down;
		return true;
	}
	return false;
}

/* A key of the original 83 pressed: its byte, if any. */
static unsigned plain_key(const struct keymap_state *s, uint8_t key,
			  uint8_t out[KEYMAP_OUT_MAX])
{
	bool shift = s->lshift || s->rshift;
	char c;

	if (key >= ARRAY_SIZE(keymap))
		return 0;
	c = keymap[key][0];
	if (c >= 'a' && c <= 'z' && s->caps)
		shift = !shift; /* Caps Lock is Shift for letters only */
	if (shift)
		c = keymap[key][1];
	if (!c)
		return 0;
	if (s->lctrl || s->rctrl) {
		/* Control codes are the letters and [ \ ] with bits 5 and
		 * 6 cleared; Ctrl with anything else types it plainly. */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '[' || c == '\\' || c == ']')
			c = (char)(c & 0x1F);
	}
	out[0] = (uint8_t)c;
	return 1;
}

unsigned keymap_feed(struct keymap_state *s, uint8_t code,
		     uint8_t out[KEYMAP_OUT_MAX])
{
	bool e0 = s->e0, down = !(code & SC_RELEASE);
	uint8_t key = code & (uint8_t)~SC_RELEASE;

	s->e0 = false;
	if (s->e1_left) { /* the rest of Pause: it means nothing here */
		s->e1_left--;
		return 0;
	}
	if (code == SC_E0) {
		s->e0 = true;
		return 0;
	}
	if (code == SC_E1) {
		s->e1_left = 2; /* E1 1D 45, then E1 9D C5 */
		return 0;
	}
	if (modifier(s, key, e0, down) || !down)
		return 0;
	if (!e0)
		return plain_key(s, key, out);
	if (key == 0x1C) { /* keypad Enter */
		out[0] = '\r';
		return 1;
	}
	if (key == 0x35) { /* keypad '/' */
		out[0] = '/';
		return 1;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(extended); i++)
		if (extended[i].code == key)
			return put_escape(extended[i].seq, out);
	return 0; /* the right Alt, the Windows keys, Print Screen's fakes */
}
