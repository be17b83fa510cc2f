/*
 * console.h - where the hypervisor's text goes: the serial port and, when
 * the machine has one, the VGA text screen.  Which of them are used is the
 * "console=" option.
 */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_SERIAL 1u
#define CONSOLE_VGA 2u

void console_write(const char *s, size_t n);
void console_enable(uint32_t which); /* CONSOLE_* bits, replaces the set */
uint32_t console_enabled(void);

/* uart.c: a 16550-compatible UART. */
void uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c);
int uart_getc(void); /* -1 when nothing is waiting */
void uart_enable_rx_irq(void);
uint16_t uart_port(void);
int uart_irq(void);

/* vga.c: the 80x25 colour text buffer at 0xB8000. */
void vga_init(uint32_t phys, uint32_t cols, uint32_t rows);
void vga_putc(char c);
int vga_present(void);

#endif
