/*
 * test_ps2kbd_keymap.c - scancode set 1 to terminal bytes
 * (drivers/ps2kbd_keymap.c): letters, Shift and Caps Lock (and the two
 * together), Ctrl-letter control codes (Ctrl-A is the monitor's hotkey
 * byte), Enter as CR and Backspace as DEL like a serial terminal, the
 * arrows and editing keys as escape sequences after 0xE0, releases that
 * type nothing, the right-hand modifiers, Pause's six bytes swallowed,
 * and every byte sequence handled without typing more than it may.
 *
 * UNIT_SOURCES: drivers/ps2kbd_keymap.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/ps2kbd.h"

static struct keymap_state st;

static int reset(void **state)
{
	memset(&st, 0, sizeof(st));
	return 0;
}

/* Feed codes; what came out, NUL-terminated. */
static const char *feed(const uint8_t *codes, size_t n)
{
	static char out[256];
	unsigned len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b[KEYMAP_OUT_MAX];
		unsigned k = keymap_feed(&st, codes[i], b);

		assert_true(k <= KEYMAP_OUT_MAX);
		memcpy(out + len, b, k);
		len += k;
	}
	out[len] = 0;
	return out;
}
#define FEED(...)                                                          \
	feed((const uint8_t[]){ __VA_ARGS__ },                             \
	     sizeof((const uint8_t[]){ __VA_ARGS__ }))

enum { A = 0x1E, S = 0x1F, H = 0x23, ONE = 0x02, LSHIFT = 0x2A,
       RSHIFT = 0x36, CTRL = 0x1D, CAPS = 0x3A, REL = 0x80 };

static void test_letters_and_releases(void **state)
{
	/* "ash": press and release each; releases type nothing. */
	assert_string_equal(FEED(A, A | REL, S, S | REL, H, H | REL), "ash");
	/* Typematic repeat: the make code again, a letter each time. */
	assert_string_equal(FEED(A, A, A, A | REL), "aaa");
	assert_string_equal(FEED(0x39, 0x0C, 0x0D, 0x2B, 0x29), " -=\\`");
}

static void test_shift(void **state)
{
	assert_string_equal(FEED(LSHIFT, A, ONE, LSHIFT | REL, A), "A!a");
	assert_string_equal(FEED(RSHIFT, 0x28, 0x33, RSHIFT | REL, 0x28),
			    "\"<'");
	/* Both held, one let go: still shifted. */
	assert_string_equal(FEED(LSHIFT, RSHIFT, LSHIFT | REL, S,
				 RSHIFT | REL, S),
			    "Ss");
}

static void test_caps_lock(void **state)
{
	/* Caps Lock toggles on its press, once however long it is held,
	 * and shifts letters only; Shift then gives lower case. */
	assert_string_equal(FEED(CAPS, CAPS, CAPS, CAPS | REL, A, ONE), "A1");
	assert_string_equal(FEED(LSHIFT, A, ONE, LSHIFT | REL), "a!");
	assert_string_equal(FEED(CAPS, CAPS | REL, A), "a");
}

static void test_ctrl(void **state)
{
	assert_string_equal(FEED(CTRL, A, A, A, CTRL | REL), "\1\1\1");
	/* The right Ctrl (0xE0 0x1D) too; and with Shift still a control
	 * code. */
	assert_string_equal(FEED(0xE0, CTRL, 0x2E, LSHIFT, 0x2E, 0xE0,
				 CTRL | REL, LSHIFT | REL, 0x2E),
			    "\3\3c");
	/* Ctrl-[ is ESC; Ctrl-1 types a plain 1. */
	assert_string_equal(FEED(CTRL, 0x1A, ONE, CTRL | REL), "\x1b" "1");
	/* Releasing the right Ctrl does not let go of the left. */
	assert_string_equal(FEED(CTRL, 0xE0, CTRL, 0xE0, CTRL | REL, A,
				 CTRL | REL),
			    "\1");
}

static void test_terminal_keys(void **state)
{
	/* Enter and keypad Enter are CR, Backspace DEL, Tab and Esc. */
	assert_string_equal(FEED(0x1C, 0xE0, 0x1C, 0x0E, 0x0F, 0x01),
			    "\r\r\x7f\t\x1b");
	assert_string_equal(FEED(0xE0, 0x48, 0xE0, 0xC8), "\x1b[A");
	assert_string_equal(FEED(0xE0, 0x50, 0xE0, 0x4D, 0xE0, 0x4B),
			    "\x1b[B\x1b[C\x1b[D");
	assert_string_equal(FEED(0xE0, 0x53), "\x1b[3~");
	assert_string_equal(FEED(0xE0, 0x47, 0xE0, 0x4F), "\x1b[H\x1b[F");
	/* Without 0xE0, 0x48 is keypad 8; 0xE0 0x35 is keypad '/'. */
	assert_string_equal(FEED(0x48, 0xE0, 0x35, 0x37), "8/*");
}

static void test_keys_that_type_nothing(void **state)
{
	/* F1, F12, the right Alt, the left Alt, Num Lock, an unknown code,
	 * Print Screen (E0 2A E0 37) and its release. */
	assert_string_equal(FEED(0x3B, 0x58, 0xE0, 0x38, 0x38, 0x45, 0x7F,
				 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0,
				 0xAA),
			    "");
	/* The fake shifts of Print Screen did not stick. */
	assert_string_equal(FEED(A), "a");
	/* Pause: six bytes, nothing typed, and nothing left in the state:
	 * its 0x1D is not a Ctrl press. */
	assert_string_equal(FEED(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, A), "a");
	/* A prefix applies to the next byte only. */
	assert_string_equal(FEED(0xE0, 0xE0, 0x48, 0x48), "\x1b[A" "8");
}

/* Every pair of bytes after every state: no more than the maximum, and
 * the modifiers come back up when their keys are released. */
static void test_every_pair(void **state)
{
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			uint8_t out[KEYMAP_OUT_MAX];

			reset(NULL);
			(void)keymap_feed(&st, (uint8_t)a, out);
			assert_true(keymap_feed(&st, (uint8_t)b, out) <=
				    KEYMAP_OUT_MAX);
		}
	reset(NULL);
	assert_string_equal(FEED(LSHIFT, RSHIFT, CTRL, 0xE0, CTRL,
				 LSHIFT | REL, RSHIFT | REL, CTRL | REL,
				 0xE0, CTRL | REL, A),
			    "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_letters_and_releases, reset),
		cmocka_unit_test_setup(test_shift, reset),
		cmocka_unit_test_setup(test_caps_lock, reset),
		cmocka_unit_test_setup(test_ctrl, reset),
		cmocka_unit_test_setup(test_terminal_keys, reset),
		cmocka_unit_test_setup(test_keys_that_type_nothing, reset),
		cmocka_unit_test_setup(test_every_pair, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
