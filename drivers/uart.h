/*
 * uart.h - the serial port: the first console, for output and for typed
 * input (which goes into hv/lib/console_input.h's ring).
 */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "hv/lib/lib.h"


/* The PC's first serial port, the console until "com1=" says otherwise. */
#define UART_COM1_PORT 0x3F8
/* The 16550's clock over 16: the fastest rate, which every other divides. */
#define UART_MAX_BAUD 115200
#define UART_DEFAULT_BAUD UART_MAX_BAUD

/* uart.c: a 16550-compatible UART; uart_init also makes it the serial
 * console (hv/lib/console.h). */
void uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c); /* one raw byte */
void uart_enable_rx_irq(void);
uint16_t uart_port(void);
unsigned uart_irq(void);
void uart_handle_irq(void);

#endif
