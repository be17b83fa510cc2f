/*
 * test_fbcon.c - the framebuffer console on a framebuffer in plain
 * memory: glyph lookup, the cells, the cursor, scrolling, UTF-8 and
 * escape sequences, and pixels of 16, 24 and 32 bits.
 *
 * The font is a tiny one made here (8x4 pixels, four glyphs), so every
 * pixel is known; the real font is checked by the screen tests, which
 * read QEMU's screen with it (tests/qemu/screen-uefi-fb.test).  The
 * screen is read back from its pixels, never from the shadow cells, so a
 * cell the shadow knows but the screen lacks is caught.
 *
 * UNIT_SOURCES: drivers/fbcon.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/fbcon.h"

/* Glyph 0 a space, 1 'A' (a bar on top), 2 the replacement (a full
 * block), 3 'B' (a bar on the left). */
static const uint8_t tiny_glyphs[] = {
	0x00, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00,
	0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x80, 0x80, 0x80,
};
static const char glyph_char[] = { ' ', 'A', '?', 'B' };

static struct font tiny = {
	.name = "tiny",
	.width = 8,
	.height = 4,
	.row_bytes = 1,
	.nr_glyphs = 4,
	.glyphs = tiny_glyphs,
	.replacement = 2,
};

#define COLS 10
#define ROWS 8
#define WIDTH (COLS * 8 + 3) /* a margin that holds no whole cell */
#define HEIGHT (ROWS * 4 + 2)
#define PITCH (WIDTH * 4 + 16) /* rows padded, as real ones can be */
#define FG32 0x00AAAAAAu
#define POISON 0x5A

static uint8_t *pixels;
static struct fbcon *con;

static struct fb_surface surface(uint32_t bpp, uint32_t pitch)
{
	struct fb_surface fb = {
		.base = pixels,
		.pitch = pitch,
		.width = WIDTH,
		.height = HEIGHT,
		.bpp = bpp,
		.rgb = { 16, 8, 8, 8, 0, 8 },
	};
	return fb;
}

static int setup(void **state)
{
	for (int i = 0; i < 256; i++)
		tiny.latin1[i] = 2;
	tiny.latin1[' '] = 0;
	tiny.latin1['A'] = 1;
	tiny.latin1['B'] = 3;
	tiny.latin1[0xE9] = 3; /* U+00E9, as if it looked like 'B' */
	pixels = malloc(PITCH * HEIGHT);
	con = malloc(sizeof(*con));
	memset(pixels, POISON, PITCH * HEIGHT);
	struct fb_surface fb = surface(32, PITCH);
	char err[80];
	assert_true(fbcon_setup(con, &fb, &tiny, err, sizeof(err)));
	return 0;
}

static int teardown(void **state)
{
	free(pixels);
	free(con);
	return 0;
}

static uint32_t pixel32(uint32_t x, uint32_t y)
{
	uint32_t v;

	memcpy(&v, pixels + y * PITCH + x * 4, 4);
	return v;
}

/* The glyph a cell shows, from its pixels: a character, the cursor (see
 * below), or '!' for pixels no glyph has. */
static char cell_at(uint32_t row, uint32_t col)
{
	uint8_t bits[4];

	for (uint32_t y = 0; y < 4; y++) {
		bits[y] = 0;
		for (uint32_t x = 0; x < 8; x++) {
			uint32_t v = pixel32(col * 8 + x, row * 4 + y);

			if (v != FG32 && v != 0)
				return '!';
			bits[y] = (uint8_t)(bits[y] << 1 | (v == FG32));
		}
	}
	for (uint32_t g = 0; g < 4; g++)
		if (!memcmp(bits, tiny_glyphs + g * 4, 4))
			return glyph_char[g];
	/* The cursor: the last two rows lit over a glyph's first two; '_'
	 * under a blank, the glyph in lower case otherwise. */
	if (bits[2] == 0xFF && bits[3] == 0xFF) {
		for (uint32_t g = 0; g < 4; g++)
			if (!memcmp(bits, tiny_glyphs + g * 4, 2))
				return g ? (char)(glyph_char[g] | 0x20) : '_';
	}
	return '!';
}

/* One text row as seen on the screen, trailing blanks cut. */
static const char *line(uint32_t row)
{
	static char text[COLS + 1];
	int n = 0;

	for (uint32_t col = 0; col < COLS; col++)
		text[col] = cell_at(row, col);
	for (n = COLS; n > 0 && text[n - 1] == ' '; n--)
		;
	text[n] = 0;
	return text;
}

static void put(const char *s)
{
	while (*s)
		fbcon_putc(con, *s++);
}

static void test_glyph_lookup(void **state)
{
	assert_int_equal(font_glyph(&tiny, 'A'), 1);
	assert_int_equal(font_glyph(&tiny, ' '), 0);
	assert_int_equal(font_glyph(&tiny, 0xE9), 3);
	assert_int_equal(font_glyph(&tiny, 'z'), 2);
	assert_int_equal(font_glyph(&tiny, 0x263A), 2); /* past Latin-1 */
	assert_int_equal(font_glyph(&tiny, 0xFFFFFFFFu), 2);
	tiny.latin1['z'] = 99; /* a table naming a glyph the font lacks */
	assert_int_equal(font_glyph(&tiny, 'z'), 0);
	tiny.latin1['z'] = 2;
}

static void test_setup_clears_everything(void **state)
{
	assert_int_equal(con->cols, COLS);
	assert_int_equal(con->rows, ROWS);
	/* The margins too, but not the padding past the width. */
	assert_int_equal(pixel32(WIDTH - 1, HEIGHT - 1), 0);
	assert_int_equal(pixels[WIDTH * 4], POISON);
	assert_string_equal(line(0), "_");
	assert_string_equal(line(1), "");
}

static void test_setup_refuses(void **state)
{
	static const struct {
		uint32_t bpp, pitch;
		struct mb2_fb_rgb rgb;
		const char *why;
	} bad[] = {
		{ 8, PITCH, { 16, 8, 8, 8, 0, 8 }, "8 bits per pixel" },
		{ 32, WIDTH * 4 - 1, { 16, 8, 8, 8, 0, 8 }, "pitch" },
		{ 32, PITCH, { 0 }, "colour layout" },
		{ 16, PITCH, { 16, 8, 8, 8, 0, 8 }, "colour layout" },
		{ 32, PITCH, { 28, 8, 8, 8, 0, 8 }, "colour layout" },
	};
	struct fbcon *c = malloc(sizeof(*c));
	char err[80];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fb_surface fb = surface(bad[i].bpp, bad[i].pitch);

		fb.rgb = bad[i].rgb;
		err[0] = 0;
		assert_false(fbcon_setup(c, &fb, &tiny, err, sizeof(err)));
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
				 bad[i].why);
	}
	struct fb_surface fb = surface(32, PITCH);
	fb.height = 3; /* less than one glyph */
	assert_false(fbcon_setup(c, &fb, &tiny, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot hold"));
	fb = surface(32, PITCH);
	fb.base = NULL;
	assert_false(fbcon_setup(c, &fb, &tiny, err, sizeof(err)));
	assert_non_null(strstr(err, "mapped"));
	free(c);
}

static void test_text_and_cursor(void **state)
{
	put("AB\nBA");
	assert_string_equal(line(0), "AB"); /* the old cursor is gone */
	assert_string_equal(line(1), "BA_");
	put("\rB");
	assert_string_equal(line(1), "Ba"); /* the cursor under the 'A' */
	put("\b\bA");
	assert_string_equal(line(1), "Aa");
	put("\tB");
	assert_string_equal(line(1), "AA      B_");
	/* A control character that means nothing here changes nothing. */
	put("\x07\x7f");
	assert_string_equal(line(1), "AA      B_");
}

static void test_line_wraps(void **state)
{
	put("AAAAABBBBBA");
	assert_string_equal(line(0), "AAAAABBBBB");
	assert_string_equal(line(1), "A_");
}

/* Line i written in binary, A for 0 and B for 1, four digits. */
static const char *label(unsigned i)
{
	static char s[5];

	for (int b = 0; b < 4; b++)
		s[b] = (i >> (3 - b)) & 1 ? 'B' : 'A';
	s[4] = 0;
	return s;
}

static void test_scroll_keeps_the_last_lines_in_order(void **state)
{
	for (unsigned i = 0; i < 13; i++) {
		put(label(i));
		put("\n");
	}
	/* Eight rows, moving up two lines at a time (after lines 7, 9 and
	 * 11): lines 6-12 are on the screen, then the cursor. */
	assert_int_equal(con->jump, 2);
	assert_int_equal(con->scrolls, 3);
	for (unsigned r = 0; r < 7; r++)
		assert_string_equal(line(r), label(6 + r));
	assert_string_equal(line(7), "_");
	/* The shadow agrees with the pixels. */
	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned x = 0; x < COLS; x++) {
			char on_screen = cell_at(r, x);

			if (on_screen != '_')
				assert_int_equal(glyph_char[con->cell[r][x]],
						 on_screen);
		}
}

static void test_scroll_draws_only_what_changed(void **state)
{
	uint8_t *far_right = pixels + 2 * 4 * PITCH + 9 * 8 * 4;

	put("A\nA\nA\nA\nA\nA\nA");
	/* A blank cell that stays blank: its pixels are not touched. */
	memset(far_right, POISON, 8 * 4);
	put("\nA\nA");
	assert_int_equal(con->scrolls, 1);
	assert_int_equal(far_right[0], POISON);
	assert_string_equal(line(0), "A");
	assert_string_equal(line(5), "A");
	assert_string_equal(line(6), "A_");
	assert_string_equal(line(7), "");
}

static void test_utf8(void **state)
{
	put("\xc3\xa9" /* U+00E9 */ "A"
	    "\xe2\x98\xba" /* U+263A */ "A");
	assert_string_equal(line(0), "BA?A_");
	/* Bytes that are no UTF-8: one replacement each, no swallowing. */
	put("\n\xff"
	    "A"
	    "\xc3"
	    "A"
	    "\x80");
	assert_string_equal(line(1), "?A?A?_");
}

static void test_escapes(void **state)
{
	put("A\x1b[1;31mB\x1b[0m");
	assert_string_equal(line(0), "AB_");
	put("AAAA\r\x1b[K");
	assert_string_equal(line(0), "_");
	put("B\nB\nB\x1b[2;3HA");
	assert_string_equal(line(1), "B A_");
	put("\x1b[2J\x1b[H");
	assert_string_equal(line(0), "_");
	assert_string_equal(line(1), "");
	assert_string_equal(line(2), "");
	/* A sequence cut short by a control byte ends there. */
	put("\x1b[3\nA");
	assert_string_equal(line(1), "A_");
}

/* 16 bits, 5-6-5 (VBE modes), and 24 bits, packed: the text's pixels. */
static void test_other_depths(void **state)
{
	struct fb_surface fb = surface(16, PITCH);
	char err[80];
	uint16_t v16;

	fb.rgb = (struct mb2_fb_rgb){ 11, 5, 5, 6, 0, 5 };
	assert_true(fbcon_setup(con, &fb, &tiny, err, sizeof(err)));
	put("A");
	memcpy(&v16, pixels, 2);
	assert_int_equal(v16, (0xAA >> 3) << 11 | (0xAA >> 2) << 5 | 0xAA >> 3);
	memcpy(&v16, pixels + PITCH, 2); /* the glyph's second row: dark */
	assert_int_equal(v16, 0);

	fb = surface(24, PITCH);
	fb.rgb = (struct mb2_fb_rgb){ 0, 8, 8, 8, 16, 8 };
	assert_true(fbcon_setup(con, &fb, &tiny, err, sizeof(err)));
	put("B");
	assert_int_equal(pixels[0], 0xAA); /* B's left bar */
	assert_int_equal(pixels[1], 0xAA);
	assert_int_equal(pixels[2], 0xAA);
	assert_int_equal(pixels[3], 0); /* the next pixel is dark */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_glyph_lookup),
		T(test_setup_clears_everything),
		T(test_setup_refuses),
		T(test_text_and_cursor),
		T(test_line_wraps),
		T(test_scroll_keeps_the_last_lines_in_order),
		T(test_scroll_draws_only_what_changed),
		T(test_utf8),
		T(test_escapes),
		T(test_other_depths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
