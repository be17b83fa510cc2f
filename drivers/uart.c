/*
 * uart.c - the 16550 serial port: the hypervisor's main console.
 *
 * Output is polled: wait for the transmit holding register to empty, then
 * write the byte.  Input is interrupt-driven: the receive interrupt drains
 * the UART's FIFO into the console's input ring (hv/lib/console_input.c),
 * which every input device shares and the guest with the console reads.
 */
#include "drivers/uart.h"
#include "hv/include/x86.h"
#include "hv/lib/console.h"
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"

/* 16550 register offsets from the base port. */
#define UART_DATA 0 /* RBR on read, THR on write; DLL when DLAB=1 */
#define UART_IER 1  /* interrupt enable; DLM when DLAB=1 */
#define UART_FCR 2  /* FIFO control (write) */
#define UART_LCR 3  /* line control */
#define UART_MCR 4  /* modem control */
#define UART_LSR 5  /* line status */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_AVAILABLE 0x01
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the IRQ line on PCs */
#define FCR_ENABLE_CLEAR 0x07

static uint16_t base = UART_COM1_PORT;
static bool present;

static void uart_console_putc(char c);

void uart_init(uint16_t port, uint32_t baud)
{
	uint32_t divisor = baud ? UART_MAX_BAUD / baud : 1;

	if (divisor == 0)
		divisor = 1;
	base = port;
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DATA, divisor & 0xFF);
	outb(base + UART_IER, (divisor >> 8) & 0xFF);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	/* A port that reads back all ones has nothing behind it. */
	present = inb(base + UART_LSR) != 0xFF;
	console_register(CONSOLE_SERIAL, uart_console_putc);
}

void uart_putc(char c)
{
	/* Bounded wait: a missing or wedged UART must not hang the machine. */
	for (int i = 0; present && i < 100000; i++) {
		if (inb(base + UART_LSR) & LSR_THR_EMPTY)
			break;
		pause();
	}
	if (present)
		outb(base + UART_DATA, (uint8_t)c);
}

/* As a console: terminals want CR LF at the end of a line. */
static void uart_console_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

uint16_t uart_port(void)
{
	return base;
}

/* COM1 and COM3 use IRQ 4, COM2 and COM4 IRQ 3: the PC convention. */
unsigned uart_irq(void)
{
	return (base == 0x2F8 || base == 0x2E8) ? 3 : 4;
}

void uart_enable_rx_irq(void)
{
	if (present)
		outb(base + UART_IER, IER_RX_AVAILABLE);
}

/* Called from the IRQ handler: hand every waiting byte to the console's
 * input ring, in batches, so its reader is woken once per batch. */
void uart_handle_irq(void)
{
	uint8_t buf[64];
	uint32_t n = 0;

	for (int i = 0; i < 256 && (inb(base + UART_LSR) & LSR_DATA_READY);
	     i++) {
		buf[n++] = inb(base + UART_DATA);
		if (n == sizeof(buf)) {
			console_input_put(buf, n);
			n = 0;
		}
	}
	if (n)
		console_input_put(buf, n);
}
