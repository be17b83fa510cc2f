/*
 * fbcon.h - text on a pixel framebuffer: cells of the font's size, a
 * cursor, scrolling.  Pure: it draws into whatever memory it is given,
 * so the unit tests run it on a plain buffer; drivers/fbscreen.c gives it
 * the machine's screen.
 */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include "drivers/font.h"
#include "hv/include/multiboot2.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most text cells used; a bigger screen shows its top left part. */
#define FBCON_MAX_COLS 256
#define FBCON_MAX_ROWS 128

/* A linear RGB framebuffer, as the boot loader describes it. */
struct fb_surface {
	uint8_t *base;		/* the first pixel, mapped */
	uint32_t pitch;		/* bytes from one pixel row to the next */
	uint32_t width, height; /* in pixels */
	uint32_t bpp;		/* 16, 24 or 32 */
	/* Each colour's lowest bit in a pixel, and its number of bits. */
	struct mb2_fb_rgb rgb;
};

struct fbcon {
	struct fb_surface fb;
	const struct font *font;
	uint32_t cols, rows; /* text cells on the screen */
	uint32_t col, row;   /* the cursor: where the next glyph goes */
	uint32_t jump;	     /* lines one scroll moves the text up by */
	uint32_t fg, bg;     /* pixel values of the text and background */
	uint16_t blank;	     /* the glyph of a space */

	/* Input decoding: UTF-8 and the escape sequences we skip. */
	uint8_t utf8_left; /* continuation bytes still expected */
	uint8_t utf8_len;  /* of the sequence: 1-3 continuation bytes */
	uint32_t utf8_cp;  /* the code point so far */
	uint8_t esc;	   /* ESC_NONE, ESC_SEEN or ESC_CSI (fbcon.c) */
	uint32_t csi_arg[2];
	uint8_t csi_args;

	uint32_t scrolls; /* how many times the text has moved up */

	/* What each cell shows: the shadow of the screen.  Scrolling moves
	 * this, then draws only the cells whose glyph changed; nothing is
	 * ever read back from video memory. */
	uint16_t cell[FBCON_MAX_ROWS][FBCON_MAX_COLS];
};

/*
 * Take a framebuffer and a font, and clear the screen.  false, with the
 * reason in err, when the framebuffer cannot be drawn on (a depth other
 * than 16, 24 or 32 bits, a pitch too short for its width, colour fields
 * outside the pixel, a screen smaller than one glyph).
 */
bool fbcon_setup(struct fbcon *c, const struct fb_surface *fb,
		 const struct font *font, char *err, size_t errlen);

/* One byte of text (UTF-8; \n, \r, \t, \b; ANSI escapes are skipped, but
 * for erasing with ESC [ K and ESC [ 2 J and homing with ESC [ H). */
void fbcon_putc(struct fbcon *c, char ch);

#endif
