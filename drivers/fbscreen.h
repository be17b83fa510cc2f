/*
 * fbscreen.h - the machine's pixel framebuffer as the screen console.
 */
#ifndef DRIVERS_FBSCREEN_H
#define DRIVERS_FBSCREEN_H

#include "drivers/fbcon.h"

/*
 * Draw the hypervisor's console on the framebuffer `layout` describes,
 * whose pixels (at physical address `phys`, for the log) the caller has
 * mapped uncached at layout->base, and register it as the screen
 * (CONSOLE_SCREEN).  A framebuffer that cannot
 * be drawn on is reported, and the machine goes on without a screen.
 */
void fbscreen_init(const struct fb_surface *layout, uint64_t phys);

#endif
