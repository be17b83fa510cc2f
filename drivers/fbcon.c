/*
 * fbcon.c - [Screen 2] text on a pixel framebuffer.
 *
 * The screen is a grid of cells the font's size, from the top left
 * corner; each cell shows one glyph.  `cell[][]` remembers which, so the
 * screen can be redrawn without reading video memory, which is slow on
 * real hardware (uncached, across a bus) and is not needed here: drawing
 * is all writes.
 *
 * Scrolling is the costly part.  Moving the pixels up one line would
 * read and write the whole framebuffer (3 MiB at 1024x768x32) for every
 * line printed at the bottom.  Instead the shadow cells move, and only
 * the cells whose glyph changed are drawn again: the blanks to the right
 * of short lines cost nothing.  And the text moves up `jump` lines at
 * once (a quarter of the screen), so a full redraw is paid once every few
 * lines, not on every newline.  docs/screen.md has the measurements.
 */
#include "drivers/fbcon.h"
#include "hv/lib/lib.h"

#define ESC_NONE 0
#define ESC_SEEN 1 /* after ESC */
#define ESC_CSI 2  /* after ESC [ */

#define CURSOR_LINES 2 /* the cursor: an underline this many pixels tall */

uint32_t font_glyph(const struct font *f, uint32_t cp)
{
	uint32_t g = cp < 256 ? f->latin1[cp] : f->replacement;

	return g < f->nr_glyphs ? g : 0;
}

/* 8 bits of one colour scaled to its field's width, put in place. */
static uint32_t colour_bits(uint8_t v, uint8_t pos, uint8_t bits)
{
	uint32_t x = bits >= 8 ? (uint32_t)v << (bits - 8)
			       : (uint32_t)v >> (8 - bits);

	return x << pos;
}

static uint32_t pixel_of(const struct fb_surface *fb, uint8_t r, uint8_t g,
			 uint8_t b)
{
	return colour_bits(r, fb->rgb.red_pos, fb->rgb.red_bits) |
	       colour_bits(g, fb->rgb.green_pos, fb->rgb.green_bits) |
	       colour_bits(b, fb->rgb.blue_pos, fb->rgb.blue_bits);
}

static bool field_ok(uint8_t pos, uint8_t bits, uint32_t bpp)
{
	return bits >= 1 && bits <= 16 && pos + bits <= bpp;
}

/* `w` pixels (at most 32) of one row: bit 31 of `bits` is the leftmost,
 * a 1 is the text's colour and a 0 the background's. */
static void put_row(const struct fbcon *c, uint8_t *p, uint32_t bits,
		    uint32_t w)
{
	switch (c->fb.bpp) {
	case 32:
		for (uint32_t x = 0; x < w; x++, bits <<= 1)
			((uint32_t *)p)[x] = bits & 0x80000000u ? c->fg : c->bg;
		break;
	case 24:
		for (uint32_t x = 0; x < w; x++, bits <<= 1, p += 3) {
			uint32_t v = bits & 0x80000000u ? c->fg : c->bg;

			p[0] = (uint8_t)v;
			p[1] = (uint8_t)(v >> 8);
			p[2] = (uint8_t)(v >> 16);
		}
		break;
	default: /* 16 */
		for (uint32_t x = 0; x < w; x++, bits <<= 1)
			((uint16_t *)p)[x] =
				(uint16_t)(bits & 0x80000000u ? c->fg : c->bg);
		break;
	}
}

/* Draw pixel rows [from, to) of the cell at (row, col) as glyph g, with
 * the cursor or without. */
static void draw_rows(const struct fbcon *c, uint32_t row, uint32_t col,
		      uint32_t g, uint32_t from, uint32_t to, bool cursor)
{
	const struct font *f = c->font;
	const uint8_t *src = f->glyphs + (g * f->height + from) * f->row_bytes;
	uint8_t *p = c->fb.base + (row * f->height + from) * c->fb.pitch +
		     col * f->width * (c->fb.bpp / 8);

	for (uint32_t y = from; y < to; y++, p += c->fb.pitch) {
		uint32_t bits = 0;

		for (uint32_t i = 0; i < f->row_bytes; i++)
			bits |= (uint32_t)*src++ << (24 - 8 * i);
		if (cursor && y >= f->height - CURSOR_LINES)
			bits = 0xFFFFFFFFu;
		put_row(c, p, bits, f->width);
	}
}

static void draw_cell(const struct fbcon *c, uint32_t row, uint32_t col,
		      uint32_t g)
{
	draw_rows(c, row, col, g, 0, c->font->height, false);
}

static void set_cell(struct fbcon *c, uint32_t row, uint32_t col, uint16_t g)
{
	if (c->cell[row][col] == g)
		return;
	c->cell[row][col] = g;
	draw_cell(c, row, col, g);
}

/* The cursor is an underline: only the cell's bottom rows change. */
static void show_cursor(const struct fbcon *c, bool on)
{
	uint32_t h = c->font->height;
	uint32_t from = h > CURSOR_LINES ? h - CURSOR_LINES : 0;

	draw_rows(c, c->row, c->col, c->cell[c->row][c->col], from, h, on);
}

/* [Screen 3] Move the text up `jump` lines: the shadow first, then only
 * the cells whose glyph changed (a quarter of the screen at once, so the
 * cost of a redraw is shared by that many lines).  Top to bottom, each
 * row takes its glyphs from a row below it, not yet changed. */
static void scroll(struct fbcon *c)
{
	for (uint32_t r = 0; r < c->rows; r++) {
		for (uint32_t x = 0; x < c->cols; x++) {
			uint16_t g = r + c->jump < c->rows
					     ? c->cell[r + c->jump][x]
					     : c->blank;
			set_cell(c, r, x, g);
		}
	}
	c->row = c->rows - c->jump;
	c->scrolls++;
}

static void erase(struct fbcon *c, uint32_t row, uint32_t from, uint32_t to)
{
	for (uint32_t x = from; x < to; x++)
		set_cell(c, row, x, c->blank);
}

bool fbcon_setup(struct fbcon *c, const struct fb_surface *fb,
		 const struct font *font, char *err, size_t errlen)
{
	uint32_t bytes = fb->bpp / 8;

	if (!fb->base) {
		hv_snprintf(err, errlen, "its memory could not be mapped");
		return false;
	}
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) {
		hv_snprintf(err, errlen, "%u bits per pixel, not 16, 24 or 32",
			    fb->bpp);
		return false;
	}
	if (fb->width > fb->pitch / bytes) {
		hv_snprintf(err, errlen, "pitch %u too short for %u pixels",
			    fb->pitch, fb->width);
		return false;
	}
	if (!field_ok(fb->rgb.red_pos, fb->rgb.red_bits, fb->bpp) ||
	    !field_ok(fb->rgb.green_pos, fb->rgb.green_bits, fb->bpp) ||
	    !field_ok(fb->rgb.blue_pos, fb->rgb.blue_bits, fb->bpp)) {
		hv_snprintf(err, errlen, "no usable colour layout");
		return false;
	}
	if (font->width == 0 || font->width > 32 || font->height == 0 ||
	    font->row_bytes != (font->width + 7) / 8 || !font->nr_glyphs ||
	    fb->width < font->width || fb->height < font->height) {
		hv_snprintf(err, errlen,
			    "%ux%u pixels cannot hold a %ux%u "
			    "glyph",
			    fb->width, fb->height, font->width, font->height);
		return false;
	}
	hv_memset(c, 0, sizeof(*c));
	c->fb = *fb;
	c->font = font;
	c->cols = fb->width / font->width;
	c->rows = fb->height / font->height;
	if (c->cols > FBCON_MAX_COLS)
		c->cols = FBCON_MAX_COLS;
	if (c->rows > FBCON_MAX_ROWS)
		c->rows = FBCON_MAX_ROWS;
	c->jump = c->rows >= 8 ? c->rows / 4 : 1;
	c->fg = pixel_of(fb, 0xAA, 0xAA, 0xAA); /* VGA's light grey */
	c->bg = pixel_of(fb, 0, 0, 0);
	c->blank = (uint16_t)font_glyph(font, ' ');

	/* The whole framebuffer, margins too: the loader's text is gone. */
	for (uint32_t y = 0; y < fb->height; y++)
		for (uint32_t x = 0; x < fb->width; x += 32)
			put_row(c, fb->base + y * fb->pitch + x * bytes, 0,
				fb->width - x < 32 ? fb->width - x : 32);
	for (uint32_t r = 0; r < c->rows; r++)
		for (uint32_t x = 0; x < c->cols; x++)
			c->cell[r][x] = c->blank;
	show_cursor(c, true);
	return true;
}

/* The end of an escape sequence ESC [ args final: the few we act on. */
static void csi_final(struct fbcon *c, char final)
{
	uint32_t a0 = c->csi_args ? c->csi_arg[0] : 0;

	if (final == 'K') { /* erase to the end of the line */
		erase(c, c->row, c->col, c->cols);
	} else if (final == 'J' && a0 == 2) { /* erase the screen */
		for (uint32_t r = 0; r < c->rows; r++)
			erase(c, r, 0, c->cols);
	} else if (final == 'H') { /* cursor to row;col, from 1 */
		uint32_t r = a0 ? a0 - 1 : 0;
		uint32_t x = c->csi_args > 1 && c->csi_arg[1]
				     ? c->csi_arg[1] - 1
				     : 0;
		c->row = r < c->rows ? r : c->rows - 1;
		c->col = x < c->cols ? x : c->cols - 1;
	}
}

/* Escape sequences (ESC [ ... final) are taken whole and mostly dropped,
 * so a guest's colours or line editing do not fill the screen with
 * debris.  false if the byte is not part of one after all (a control
 * character inside a sequence ends it and is itself obeyed, as on a
 * terminal). */
static bool escape_step(struct fbcon *c, uint8_t b)
{
	if (c->esc == ESC_SEEN) {
		c->esc = b == '[' ? ESC_CSI : ESC_NONE;
		c->csi_args = 0;
		c->csi_arg[0] = c->csi_arg[1] = 0;
		return true;
	}
	if (c->esc == ESC_NONE) {
		c->esc = ESC_SEEN; /* b is ESC */
		return true;
	}
	if (b >= '0' && b <= '9') {
		uint32_t *arg;

		if (!c->csi_args)
			c->csi_args = 1;
		arg = &c->csi_arg[c->csi_args - 1];
		if (*arg < 10000)
			*arg = *arg * 10 + (b - '0');
	} else if (b == ';') {
		if (!c->csi_args)
			c->csi_args = 1;
		if (c->csi_args < 2)
			c->csi_args++;
	} else if (b >= 0x40 && b <= 0x7E) {
		c->esc = ESC_NONE;
		csi_final(c, (char)b);
	} else if (b < 0x20 || b > 0x7E) {
		c->esc = ESC_NONE; /* not a sequence after all */
		return b >= 0x20;
	}
	return true;
}

/* UTF-8 into code points: true with *cp once a character is complete.
 * A byte that cannot start or continue one, and an overlong form, show
 * as the replacement glyph. */
static bool utf8_step(struct fbcon *c, uint8_t b, uint32_t *cp)
{
	static const uint32_t least[4] = { 0, 0x80, 0x800, 0x10000 };

	if (b >= 0x80 && b < 0xC0 && c->utf8_left) {
		c->utf8_cp = c->utf8_cp << 6 | (b & 0x3F);
		if (--c->utf8_left)
			return false;
		*cp = c->utf8_cp >= least[c->utf8_len] ? c->utf8_cp : 0xFFFD;
		return true;
	}
	if (b < 0x80) {
		*cp = b;
	} else if (b >= 0xC2 && b < 0xF5) {
		c->utf8_len = c->utf8_left = b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
		c->utf8_cp = b & (0x3F >> c->utf8_left);
		return false;
	} else {
		*cp = 0xFFFD;
	}
	return true;
}

/* One character: a glyph into the cell under the cursor, or a control. */
static void put_char(struct fbcon *c, uint32_t cp)
{
	if (cp >= 0x20 && cp != 0x7F) {
		c->cell[c->row][c->col] = (uint16_t)font_glyph(c->font, cp);
		draw_cell(c, c->row, c->col, c->cell[c->row][c->col]);
		c->col++;
	} else {
		show_cursor(c, false);
		if (cp == '\n') {
			c->col = 0;
			c->row++;
		} else if (cp == '\r') {
			c->col = 0;
		} else if (cp == '\t') {
			c->col = (c->col + 8) & ~7u;
		} else if (cp == '\b' && c->col) {
			c->col--;
		}
	}
	if (c->col >= c->cols) {
		c->col = 0;
		c->row++;
	}
	if (c->row >= c->rows)
		scroll(c);
	show_cursor(c, true);
}

void fbcon_putc(struct fbcon *c, char ch)
{
	uint8_t b = (uint8_t)ch;
	uint32_t cp;

	/* A UTF-8 sequence cut short shows as one replacement glyph. */
	if (c->utf8_left && (b < 0x80 || b >= 0xC0)) {
		c->utf8_left = 0;
		put_char(c, 0xFFFD);
	}
	if (c->esc != ESC_NONE || b == 0x1B) {
		bool taken;

		show_cursor(c, false); /* ESC [ H and ESC [ J move it */
		taken = escape_step(c, b);
		show_cursor(c, true);
		if (taken)
			return;
	}
	if (utf8_step(c, b, &cp))
		put_char(c, cp);
}
