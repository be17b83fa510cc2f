/*
 * console.h - where the hypervisor's text goes: the serial port and, when
 * the machine has one, the screen (VGA text on BIOS machines, a pixel
 * framebuffer where the loader set one up).  Which of them are used is
 * the "console=" option.
 *
 * The drivers register themselves as sinks (drivers/uart.c, drivers/vga.c,
 * drivers/fbscreen.c) so this multiplexer, and printk above it, know no
 * hardware.
 */
#ifndef HV_LIB_CONSOLE_H
#define HV_LIB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_SERIAL 1u
#define CONSOLE_SCREEN 2u
/* The screen's old name, from when VGA text was the only one. */
#define CONSOLE_VGA CONSOLE_SCREEN

void console_write(const char *s, size_t n);
/* The same, to the enabled consoles among `which` (CONSOLE_* bits) only. */
void console_write_to(uint32_t which, const char *s, size_t n);
void console_enable(uint32_t which); /* CONSOLE_* bits, replaces the set */
uint32_t console_enabled(void);
/* A driver offers itself as console `which` (one CONSOLE_* bit). */
void console_register(uint32_t which, void (*putc)(char c));
/* Whether a console of that kind has registered (a screen exists). */
bool console_present(uint32_t which);
/* What the console is, for the banner ("80x25 VGA text"); the driver's
 * string, kept; "" until it says. */
void console_describe(uint32_t which, const char *what);
const char *console_description(uint32_t which);

#endif
