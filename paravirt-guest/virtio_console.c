/*
 * virtio_console.c - [Pvguest 16] the virtio console: our terminal.
 *
 * One port, two queues (ABI 11.10): queue 0 brings typed input to us,
 * queue 1 takes our output away.
 *
 * Output: we copy the text into a buffer of ours, offer it on the
 * transmit queue and notify.  The hypervisor prints a budget of it (256
 * bytes, our whole buffer) while handling the notification itself, so by
 * the time the notifying write returns the buffer is usually already in
 * the used ring; a longer one would come back over the next exits, which
 * the status read in tx_done() makes.  Like Linux's hvc driver we just
 * look there (with interrupts off) instead of waiting for an interrupt;
 * we even tell the device not to send one (VRING_AVAIL_F_NO_INTERRUPT).
 * If the buffer does not come back, the device is broken (or wants a
 * reset), and we go back to the early console rather than go silent.
 *
 * Input: we keep a few buffers posted on the receive queue.  When a key
 * arrives on the serial port, the hypervisor copies what it has into the
 * next buffer, sets ISR bit 0 and raises our IRQ.  The interrupt handler
 * hands the bytes to the terminal (tty.c) and posts the buffer again.
 */
#include "console.h"
#include "earlycon.h"
#include "irq.h"
#include "mm.h"
#include "trap.h"
#include "tty.h"
#include "virtio.h"
#include "virtio_console.h"
#include "virtqueue.h"

#define RXQ 0
#define TXQ 1
#define QUEUE_SIZE 16
#define RX_BUFS 4
#define RX_BUF_SIZE 64
#define TX_BUF_SIZE 256
#define TX_POLLS 1000

static struct virtio_dev con;
static struct vq rxq, txq;
static bool up;
static char rx_bufs[RX_BUFS][RX_BUF_SIZE];
static uint8_t rx_buf_of[QUEUE_SIZE]; /* head descriptor -> rx_bufs[] */
static char tx_buf[TX_BUF_SIZE];

/* Offer receive buffer i to the device (not yet notified). */
static bool post_rx(unsigned int i)
{
	struct vq_buf b = { rx_bufs[i], RX_BUF_SIZE, true };
	int head = vq_add(&rxq, &b, 1);

	if (head < 0)
		return false;
	rx_buf_of[head] = (uint8_t)i;
	vq_publish(&rxq, (uint16_t)head);
	return true;
}

/*
 * The driver's start-up (ABI 11.8).  The console offers EMERG_WRITE as
 * well as VERSION_1; like Linux we accept only VERSION_1, since emerg_wr
 * works regardless (earlycon.c).
 */
bool vcon_init(void)
{
	unsigned int posted = 0;

	if (!virtio_find(&con, VIRTIO_ID_CONSOLE, "console"))
		return false;
	printf("guest: virtio: console %x:%x at 00:%02x.0, IRQ %u, "
	       "registers at %p\n",
	       con.pci.vendor, con.pci.device, con.pci.slot, con.pci.irq,
	       (void *)con.pci.bar0);
	if (!virtio_negotiate(&con, 0))
		goto fail;
	if (!virtio_setup_queue(&con, &rxq, RXQ, QUEUE_SIZE) ||
	    !virtio_setup_queue(&con, &txq, TXQ, QUEUE_SIZE))
		goto fail;
	virtio_enable_queue(&con, RXQ);
	virtio_enable_queue(&con, TXQ);
	txq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT; /* we poll instead */
	virtio_driver_ok(&con);

	for (unsigned int i = 0; i < RX_BUFS; i++)
		posted += post_rx(i);
	vq_kick(&rxq);
	up = true;
	printf("guest: virtio: console ready: features 0x%llx of 0x%llx, "
	       "queues of %u, %u input buffers posted; output now goes "
	       "through the transmit queue\n",
	       (unsigned long long)con.features,
	       (unsigned long long)con.offered, QUEUE_SIZE, posted);
	return true;
fail:
	virtio_fail(&con);
	printf("guest: virtio: console set-up failed (status 0x%x)\n",
	       virtio_status(&con));
	return false;
}

/* Did the device give our one transmit buffer back? */
static bool tx_done(void)
{
	uint16_t head;
	uint32_t len;

	for (int i = 0; i < TX_POLLS; i++) {
		if (vq_pop_used(&txq, &head, &len))
			return true;
		if (virtio_status(&con) & VIRTIO_STATUS_NEEDS_RESET)
			return false;
	}
	return false;
}

/*
 * Send len bytes; false if the driver is not up, so the caller uses the
 * early console.  One buffer at a time is enough when each comes back at
 * once.
 */
bool vcon_write(const char *s, uint32_t len)
{
	uint32_t flags;

	if (!up)
		return false;
	flags = irq_save();
	while (len && up) {
		uint32_t n = len < TX_BUF_SIZE ? len : TX_BUF_SIZE;
		struct vq_buf b = { tx_buf, n, false };
		int head;

		memcpy(tx_buf, s, n);
		head = vq_add(&txq, &b, 1);
		if (head < 0)
			break;
		vq_publish(&txq, (uint16_t)head);
		vq_kick(&txq);
		if (!tx_done())
			break;
		s += n;
		len -= n;
	}
	if (len) {
		/* Say so where it can still be seen, and carry on there. */
		static const char why[] = "guest: virtio: console transmit "
					  "queue stuck; back to the early "
					  "console\n";

		up = false;
		earlycon_write(why, sizeof(why) - 1);
		earlycon_write(s, len);
	}
	irq_restore(flags);
	return true;
}

/*
 * The console's IRQ.  Reading ISR clears it and says why we were called
 * (ABI 11.7): bit 0, a queue has used buffers; bit 1, the configuration
 * or status changed, which here only ever means "needs reset".
 */
static void vcon_interrupt(struct trapframe *tf)
{
	bool reposted = false;
	uint16_t head;
	uint32_t len;

	if (virtio_irq_needs_reset(&con))
		printf("guest: virtio: console needs reset\n");
	while (vq_pop_used(&rxq, &head, &len)) {
		unsigned int i = rx_buf_of[head];

		tty_input(rx_bufs[i], len < RX_BUF_SIZE ? len : RX_BUF_SIZE);
		reposted |= post_rx(i);
	}
	if (reposted)
		vq_kick(&rxq);
}

/* Input needs our IRQ: the handler first, then unmask it. */
void vcon_enable_irq(void)
{
	if (up)
		irq_set_handler(con.pci.irq, vcon_interrupt);
}
