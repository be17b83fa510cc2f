/*
 * uart.c - the 16550 serial port: the hypervisor's main console.
 *
 * Output is polled: wait for the transmit holding register to empty, then
 * write the byte.  Input is interrupt-driven: the receive interrupt drains
 * the UART's FIFO into a ring buffer here, and consumers (the hypervisor's
 * console input, later the guest's virtio console) take bytes from it.  If
 * the ring ever fills, further bytes are counted as dropped rather than
 * silently lost.
 */
#include "drivers/uart.h"
#include "hv/include/x86.h"
#include "hv/lib/console.h"
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
static struct uart_rx_ring rx;
static void (*input_hook)(void);

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

/* Say so when typed input had to be thrown away (the ring was full: no
 * guest was reading), each time the count has doubled, so a flood of input
 * is not a flood of messages too. */
static void report_drops(void)
{
	static uint32_t reported;

	if (rx.dropped > reported && rx.dropped >= 2 * reported) {
		pr_warn("hv: console: input buffer full, %u typed bytes "
			"dropped so far\n",
			rx.dropped);
		reported = rx.dropped;
	}
}

/* Called from the IRQ handler: move every waiting byte into the ring. */
void uart_handle_irq(void)
{
	for (int i = 0; i < 256 && (inb(base + UART_LSR) & LSR_DATA_READY); i++)
		uart_rx_push(&rx, inb(base + UART_DATA));
	if (input_hook && uart_rx_available(&rx))
		input_hook();
	report_drops();
}

void uart_set_input_hook(void (*fn)(void))
{
	input_hook = fn;
}

bool uart_getc(uint8_t *c)
{
	return uart_rx_pop(&rx, c);
}

uint32_t uart_rx_dropped(void)
{
	return rx.dropped;
}

uint32_t uart_rx_count(void)
{
	return uart_rx_available(&rx);
}
