/*
 * vga.h - the 80x25 colour text buffer at 0xB8000 (BIOS machines).
 */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#include <stdint.h>

/* Clear the screen and make it the VGA console (hv/lib/console.h); a
 * nonsensical size or address leaves the machine without one. */
void vga_init(uint32_t phys, uint32_t cols, uint32_t rows);

#endif
