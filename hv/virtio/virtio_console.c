/*
 * virtio_console.c - [Devices 6] the console device (ABI section 11.10):
 * one port, no control queues.  Queue 0 carries input to the guest, queue
 * 1 its output.
 *
 * Output goes to the hypervisor's console (the polled UART, and VGA) at
 * most TX_BUDGET bytes an exit.  A chain that is longer is finished on
 * the guest's next exits, and is returned to the used ring when its last
 * byte is out; the chain and how far we got are kept in the device's
 * work page, so one guest's megabyte of output never holds the machine.
 * The Linux driver spins with interrupts off until its buffer comes
 * back, making no exits of its own: the scheduler's kick timer makes
 * them while our work is pending (hv/core/sched.c).
 *
 * Input comes from the console's input ring (hv/lib/console_input.c: the
 * serial port and the keyboard both feed it), and only as fast as the
 * guest posts buffers; bytes wait in the ring meanwhile (it counts any it
 * ever has to drop).  Before the driver exists the guest prints
 * through emerg_wr, a register in the device configuration.
 */
#include "hv/guest/debugcon.h"
#include "hv/guest/guest.h"
#include "hv/lib/console_input.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#define RXQ 0 /* port 0's receive queue: input to the guest */
#define TXQ 1 /* port 0's transmit queue: the guest's output */
#define CFG_EMERG_WR offsetof(struct virtio_console_config, emerg_wr)

/*
 * Bytes of output one exit may write.  Under QEMU a byte costs about
 * 2.4 us (a megabyte took 2.5 s), so 256 bytes are about 0.6 ms, a
 * sixteenth of a time slice; and it is what our guest's transmit buffer
 * holds and more than a console line of Linux's, so ordinary output
 * still comes back inside its notify.  A real 16550 at 115200 baud drains
 * a byte in 87 us and uart_putc() waits for each, so there the same
 * budget is 22 ms: bounded, but a slice's worth (docs/architecture.md,
 * "Bounded work per exit").  A descriptor costs at least a byte, so a
 * ring full of empty chains cannot buy unbounded walking either.
 */
#define TX_BUDGET 256u

/* What the transmit queue carries from one exit to the next (the
 * device's work page). */
struct console_work {
	struct vq_chain tx; /* the chain being written */
	bool active;	    /* tx is part way out */
	uint32_t off;	    /* bytes of it written so far */
};
_Static_assert(sizeof(struct console_work) <= PAGE_SIZE,
	       "the console's work must fit its page");

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

/* Write what the budget allows of the chain in hand. */
static void write_some(struct virtio_dev *d, struct console_work *w)
{
	while (w->off < w->tx.readable && d->budget) {
		char buf[128];
		uint32_t n = vq_read(d, &w->tx, w->off, buf,
				     MIN((uint32_t)sizeof(buf), d->budget));

		if (!n) { /* cannot happen: readable sums the segments */
			w->off = w->tx.readable;
			break;
		}
		guest_console_write(d->g, buf, n);
		w->off += n;
		d->budget -= n;
	}
}

/* Go on with the guest's output, within this exit's budget; chains are
 * returned as each is fully written. */
static void transmit(struct virtio_dev *d)
{
	struct console_work *w = d->work;
	bool any = false;

	debug_console_flush(d->g); /* early output first, in order */
	d->busy = false;
	while (d->budget) {
		if (!w->active) {
			if (!vq_pop(d, TXQ, &w->tx))
				goto out; /* empty (or broken: it said why) */
			w->active = true;
			w->off = 0;
		}
		write_some(d, w);
		if (w->off < w->tx.readable)
			break; /* the budget ran out inside the chain */
		if (w->tx.nsegs > w->tx.readable)
			d->budget -=
				MIN(d->budget, w->tx.nsegs - w->tx.readable);
		vq_push(d, TXQ, w->tx.head, 0);
		w->active = false;
		any = true;
	}
	d->busy = true; /* stopped at the budget: more may be waiting */
out:
	if (any)
		vq_interrupt(d, TXQ);
}

static void console_resume(struct virtio_dev *d)
{
	transmit(d);
}

static void console_reset(struct virtio_dev *d)
{
	struct console_work *w = d->work;

	if (w) /* the chain in hand is no longer owed */
		w->active = false;
}

/* Move waiting UART bytes into the guest's posted input buffers. */
static void receive(struct virtio_dev *d)
{
	static struct vq_chain chain; /* 3 KiB: not on the stack */
	struct vq_chain *c = &chain;
	bool any = false;

	while (console_input_count() && vq_pop(d, RXQ, c)) {
		uint8_t buf[64];
		uint32_t n = 0, cap = MIN(c->writable, (uint32_t)sizeof(buf));

		while (n < cap && console_input_get(&buf[n]))
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
	.reset = console_reset,
	.budget = TX_BUDGET,
	.resume = console_resume,
};
