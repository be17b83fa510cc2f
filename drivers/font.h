/*
 * font.h - a bitmap font for the framebuffer console.
 *
 * The font is not in the tree: iso/psf2c.py converts one of Debian's
 * console fonts (a PC Screen Font, Lat15-Terminus16 by default; the
 * Makefile's FONT_PSF) into build/gen/font.c at build time, which defines
 * hv_font.  The screen tests read the screen back with the same file.
 */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include <stdint.h>

struct font {
	const char *name;
	uint32_t width, height; /* pixels of one glyph (width at most 32) */
	uint32_t row_bytes;	/* bytes of one glyph row, leftmost pixel in
				   the top bit of the first byte */
	uint32_t nr_glyphs;
	const uint8_t *glyphs; /* nr_glyphs * height rows of row_bytes */
	uint16_t latin1[256];  /* the glyph of U+0000-U+00FF */
	uint16_t replacement;  /* the glyph of anything else (U+FFFD) */
};

/* The font the hypervisor was built with. */
extern const struct font hv_font;

/* The glyph that shows code point `cp`: its own, or the replacement. */
uint32_t font_glyph(const struct font *f, uint32_t cp);

#endif
