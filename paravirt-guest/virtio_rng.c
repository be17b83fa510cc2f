/*
 * virtio_rng.c - [Pvguest 21] the virtio entropy driver: random bytes
 * from the hypervisor (ABI 11.12).
 *
 * The simplest virtio device there is: no features, no configuration,
 * one queue.  A request is one buffer the device writes; it comes back
 * with the number of bytes written, which we must believe only up to
 * the buffer's length.  The hypervisor says at boot where its bytes come
 * from (the CPU's RDSEED or RDRAND, or a generator that is not of
 * cryptographic quality): this driver cannot tell, and passes them on.
 *
 * As the block driver does, we keep one request in flight and wait for
 * the used ring to return it, sleeping with HALT until the interrupt
 * when interrupts are on.  A big request is filled a budget at a time
 * over several of our exits; every poll of the status register is one,
 * so waiting makes progress even with interrupts off.  Until our
 * handler is registered we ask for no interrupt: nobody would take it.
 */
#include "console.h"
#include "irq.h"
#include "rng.h"
#include "trap.h"
#include "virtio.h"
#include "virtqueue.h"

#define QUEUE_SIZE 16
#define POLLS 100000

static struct virtio_dev dev;
static struct vq vq;
static bool present, broken, irq_on;
static volatile bool done;
static volatile uint32_t done_len;
static int in_flight = -1; /* its head descriptor */

bool rng_present(void)
{
	return present && !broken;
}

struct virtio_dev *rng_device(void)
{
	return &dev;
}

struct vq *rng_queue(void)
{
	return &vq;
}

/* Start (or, after a reset, restart) the device; false if there is none. */
bool vrng_init(void)
{
	bool again = present;

	if (!again && !virtio_find(&dev, VIRTIO_ID_RNG, "entropy"))
		return false;
	present = true;
	broken = false;
	in_flight = -1;
	if (!again)
		printf("guest: virtio: entropy %x:%x at 00:%02x.0, IRQ %u, "
		       "registers at %p\n",
		       dev.pci.vendor, dev.pci.device, dev.pci.slot,
		       dev.pci.irq, (void *)dev.pci.bar0);
	if (!virtio_negotiate(&dev, 0) ||
	    !virtio_setup_queue(&dev, &vq, 0, QUEUE_SIZE)) {
		virtio_fail(&dev);
		printf("guest: virtio: entropy set-up failed\n");
		broken = true;
		return false;
	}
	virtio_enable_queue(&dev, 0);
	virtio_driver_ok(&dev);
	if (!again)
		printf("guest: virtio: entropy ready: features 0x%llx of "
		       "0x%llx\n",
		       (unsigned long long)dev.features,
		       (unsigned long long)dev.offered);
	return true;
}

/* Collect finished requests; interrupts are off.  Is ours done? */
static bool reap(void)
{
	uint16_t head;
	uint32_t len;

	while (vq_pop_used(&vq, &head, &len))
		if (head == in_flight) {
			done_len = len;
			done = true;
		}
	return done;
}

static void vrng_interrupt(struct trapframe *tf)
{
	if (virtio_irq_needs_reset(&dev))
		broken = true;
	reap();
}

void vrng_enable_irq(void)
{
	if (present) {
		irq_set_handler(dev.pci.irq, vrng_interrupt);
		irq_on = true;
	}
}

/* Wait for the request in flight, as the block driver does. */
static int wait_done(uint32_t flags)
{
	if (!vq_wait(&vq, reap, irq_on && (flags & EFLAGS_IF), POLLS)) {
		broken = true;
		return RNG_BROKEN;
	}
	return 0;
}

int rng_read(void *buf, uint32_t len)
{
	struct vq_buf b = { buf, len, true };
	uint32_t flags;
	int head, ret;

	if (!present || broken)
		return RNG_BROKEN;
	flags = irq_save();
	head = vq_add(&vq, &b, 1);
	if (head < 0) {
		irq_restore(flags);
		return RNG_BROKEN;
	}
	vq.avail->flags = irq_on ? 0 : VRING_AVAIL_F_NO_INTERRUPT;
	done = false;
	in_flight = head;
	vq_publish(&vq, (uint16_t)head);
	vq_kick(&vq);
	ret = wait_done(flags);
	in_flight = -1;
	irq_restore(flags);
	if (ret < 0)
		return ret;
	/* The device's word for it, but never more than the buffer. */
	return (int)(done_len < len ? done_len : len);
}
