/*
 * vga.c - the VGA text screen: 80x25 cells of (character, attribute) at
 * physical 0xB8000, present on BIOS machines.  We learn that it exists, and
 * where, from the Multiboot2 framebuffer tag (type "EGA text"); UEFI
 * machines report a pixel framebuffer instead (drivers/fbscreen.c).
 */
#include "drivers/vga.h"
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "hv/lib/console.h"
#include "hv/lib/lib.h"

#define ATTR_LIGHT_GREY 0x07

static volatile uint16_t *screen;
static uint32_t cols, rows, col, row;
static char description[24];

static void vga_putc(char c);

void vga_init(uint32_t phys, uint32_t width, uint32_t height)
{
	if (!phys || width == 0 || height == 0 || width > 256 || height > 128)
		return;
	/* Below 1 MiB: the direct map's first 4 MiB show it. */
	screen = phys_to_virt(phys);
	cols = width;
	rows = height;
	for (uint32_t i = 0; i < cols * rows; i++)
		screen[i] = (ATTR_LIGHT_GREY << 8) | ' ';
	col = row = 0;
	console_register(CONSOLE_SCREEN, vga_putc);
	hv_snprintf(description, sizeof(description), "%ux%u VGA text", cols,
		    rows);
	console_describe(CONSOLE_SCREEN, description);
}

static void scroll(void)
{
	for (uint32_t i = 0; i < cols * (rows - 1); i++)
		screen[i] = screen[i + cols];
	for (uint32_t i = cols * (rows - 1); i < cols * rows; i++)
		screen[i] = (ATTR_LIGHT_GREY << 8) | ' ';
	row = rows - 1;
}

static void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\t') {
		col = (col + 8) & ~7u;
	} else if (c == '\b') {
		if (col)
			col--;
	} else {
		screen[row * cols + col] = (ATTR_LIGHT_GREY << 8) | (uint8_t)c;
		col++;
	}
	if (col >= cols) {
		col = 0;
		row++;
	}
	if (row >= rows)
		scroll();
}
