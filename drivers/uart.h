/*
 * uart.h - the UART's receive ring.  The ring itself is plain logic (no
 * port I/O) so host unit tests can drive it.
 */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "hv/lib/lib.h"

#define UART_RX_RING 1024 /* a power of two */

/* The PC's first serial port, the console until "com1=" says otherwise. */
#define UART_COM1_PORT 0x3F8
/* The 16550's clock over 16: the fastest rate, which every other divides. */
#define UART_MAX_BAUD 115200
#define UART_DEFAULT_BAUD UART_MAX_BAUD

struct uart_rx_ring {
	uint8_t buf[UART_RX_RING];
	uint32_t head, tail; /* free-running; head - tail = bytes held */
	uint32_t dropped;    /* bytes that arrived while the ring was full */
};

static inline uint32_t uart_rx_available(const struct uart_rx_ring *r)
{
	return r->head - r->tail;
}

static inline void uart_rx_push(struct uart_rx_ring *r, uint8_t c)
{
	if (uart_rx_available(r) == UART_RX_RING) {
		r->dropped++;
		return;
	}
	r->buf[r->head++ % UART_RX_RING] = c;
}

/* Take the oldest byte into *c; false, *c untouched, if there is none. */
static inline bool __must_check uart_rx_pop(struct uart_rx_ring *r, uint8_t *c)
{
	if (r->head == r->tail)
		return false;
	*c = r->buf[r->tail++ % UART_RX_RING];
	return true;
}

/* uart.c: a 16550-compatible UART; uart_init also makes it the serial
 * console (hv/lib/console.h). */
void uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c); /* one raw byte */
/* The oldest received byte into *c; false when nothing is waiting. */
bool __must_check uart_getc(uint8_t *c);
void uart_enable_rx_irq(void);
uint16_t uart_port(void);
unsigned uart_irq(void);
void uart_handle_irq(void);
/* Called from the receive interrupt whenever bytes are waiting. */
void uart_set_input_hook(void (*fn)(void));
uint32_t uart_rx_dropped(void);
uint32_t uart_rx_count(void);

#endif
