/*
 * virtio_console.c - [Devices 6] the console device (ABI section 11.10):
 * one port, no control queues.  Queue 0 carries input to the guest, queue
 * 1 its output.
 *
 * Output is completed at once, inside the notify that announced it: the
 * Linux driver spins with interrupts off until its buffer comes back.
 * Input comes from the UART's receive ring, and only as fast as the guest
 * posts buffers; bytes wait in the ring meanwhile (uart.c counts any it
 * ever has to drop).  Before the driver exists the guest prints through
 * emerg_wr, a register in the device configuration.
 */
#include "drivers/uart.h"
#include "hv/guest/debugcon.h"
#include "hv/guest/guest.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#define RXQ 0 /* port 0's receive queue: input to the guest */
#define TXQ 1 /* port 0's transmit queue: the guest's output */
#define CFG_EMERG_WR offsetof(struct virtio_console_config, emerg_wr)

static uint64_t console_features(struct virtio_dev *d)
{
	(void)d;
	return 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE;
}

static uint32_t console_config(struct virtio_dev *d, uint8_t *buf)
{
	/* The size is unknown (0 by 0); one port; emerg_wr reads as 0. */
	struct virtio_console_config cfg = { .max_nr_ports = 1 };

	(void)d;
	_Static_assert(sizeof(cfg) <= VIRTIO_DEVICE_CFG_MAX,
		       "the console configuration must fit BAR0");
	hv_memcpy(buf, &cfg, sizeof(cfg));
	return sizeof(cfg);
}

static bool console_config_write(struct virtio_dev *d, uint32_t off,
				 unsigned size, uint32_t val)
{
	if (off != CFG_EMERG_WR || size != 4)
		return false;
	/* The low byte, whatever the rest holds; a line at a time, so early
	 * messages of two guests do not interleave by characters. */
	debug_console_put(d->g, (char)val);
	return true;
}

static void transmit(struct virtio_dev *d)
{
	static struct vq_chain chain; /* 3 KiB: not on the stack */
	struct vq_chain *c = &chain;
	bool any = false;

	debug_console_flush(d->g); /* early output first, in order */
	while (vq_pop(d, TXQ, c)) {
		char buf[128];

		for (uint32_t off = 0; off < c->readable;) {
			uint32_t n = vq_read(d, c, off, buf, sizeof(buf));
			if (!n)
				break;
			console_write(buf, n);
			off += n;
		}
		vq_push(d, TXQ, c->head, 0);
		any = true;
	}
	if (any)
		vq_interrupt(d, TXQ);
}

/* Move waiting UART bytes into the guest's posted input buffers. */
static void receive(struct virtio_dev *d)
{
	static struct vq_chain chain; /* 3 KiB: not on the stack */
	struct vq_chain *c = &chain;
	bool any = false;

	while (uart_rx_count() && vq_pop(d, RXQ, c)) {
		uint8_t buf[64];
		uint32_t n = 0, cap = MIN(c->writable, (uint32_t)sizeof(buf));

		while (n < cap && uart_getc(&buf[n]))
			n++;
		/* n is at most the chain's writable bytes: all are written. */
		vq_push(d, RXQ, c->head, vq_write(d, c, 0, buf, n));
		any = true;
	}
	if (any)
		vq_interrupt(d, RXQ);
}

static void console_notify(struct virtio_dev *d, unsigned q)
{
	if (q == TXQ)
		transmit(d);
	else
		receive(d);
}

void virtio_console_input(struct virtio_dev *d)
{
	if (virtio_ready(d))
		receive(d);
}

const struct virtio_ops virtio_console_ops = {
	.name = "console",
	.type = VIRTIO_ID_CONSOLE,
	.pci_class = 0x07,
	.pci_subclass = 0x00,
	.num_queues = 2,
	.features = console_features,
	.config = console_config,
	.config_write = console_config_write,
	.notify = console_notify,
};
