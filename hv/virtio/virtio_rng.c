/*
 * virtio_rng.c - [Devices 12] the entropy device (virtio 1.0 section 5.4;
 * ABI section 11.12): device type 4, one queue ("requestq"), no feature
 * bits, no device configuration.
 *
 * The driver posts buffers the device writes; we fill each with random
 * bytes and return it with the number written, which is all of it (the
 * spec lets a device write less; a driver must read the used length).
 * The bytes come from hv/machine/entropy.c: RDSEED where the CPU has
 * it, else RDRAND, else a ChaCha20 generator seeded from the TSC, the
 * RTC and timing jitter at boot, stirred with the TSC at each request.
 * That last one is NOT cryptographic-quality entropy, only the best a
 * machine without those instructions offers; the hypervisor's boot line
 * "hv: entropy: ..." says which one this machine uses.
 *
 * What the driver gets wrong is answered, not punished: the spec forbids
 * device-readable buffers here (5.4.6), so we neither read nor write
 * them; a chain of only those, or of empty buffers, comes back with
 * length 0.  The device never touches guest memory outside the
 * device-writable buffers the chain names (vq_write() copies only into
 * them, checked by vq_pop()).
 *
 * Bounded work per exit (docs/architecture.md): RNG_BUDGET bytes an exit,
 * each descriptor walked costing DESC_COST.  A chain may name up to
 * 4 GiB (the same RAM again and again), so a longer one is kept in the
 * device's work page with how far it got, and filled over the next
 * exits; it is returned when its last byte is written.
 */
#include "hv/include/x86.h"
#include "hv/machine/entropy.h"
#include "hv/virtio/virtio.h"

#include <linux/virtio_ids.h>

#define REQUESTQ 0

/*
 * Bytes one exit may write: 4 KiB is 1024 RDRAND or RDSEED instructions
 * (a few hundred cycles each on current CPUs: a fraction of a
 * millisecond, a few if every word needed all its retries) or 64
 * ChaCha20 blocks; and it is far more than Linux's virtio-rng asks for
 * at once (a cache line, 64 bytes), so ordinary requests come back
 * inside their notify.  A descriptor costs DESC_COST, so a ring full of
 * empty chains cannot buy unbounded walking: 256 of them are one budget.
 */
#define RNG_BUDGET KiB(4)
#define DESC_COST 16u

/* What the queue carries from one exit to the next (the work page). */
struct rng_work {
	struct vq_chain req; /* the chain being filled */
	bool active;	     /* req is part way filled */
	uint32_t off;	     /* bytes of it written so far */
};
_Static_assert(sizeof(struct rng_work) <= PAGE_SIZE,
	       "the entropy device's work must fit its page");

/* Write what the budget allows into the chain in hand. */
static void fill_some(struct virtio_dev *d, struct rng_work *w)
{
	while (w->off < w->req.writable && d->budget) {
		uint8_t buf[128];
		uint32_t n = MIN(MIN((uint32_t)sizeof(buf), d->budget),
				 w->req.writable - w->off);

		entropy_fill(buf, n);
		n = vq_write(d, &w->req, w->off, buf, n);
		hv_memset(buf, 0, sizeof(buf)); /* no copy left behind */
		if (!n) { /* cannot happen: writable sums the segments */
			w->off = w->req.writable;
			break;
		}
		w->off += n;
		d->budget -= n;
	}
}

/* Serve requests within this exit's budget, returning each as it is
 * filled. */
static void serve(struct virtio_dev *d)
{
	struct rng_work *w = d->work;
	bool any = false;

	d->busy = false;
	while (d->budget) {
		if (!w->active) {
			if (!vq_pop(d, REQUESTQ, &w->req))
				goto out; /* empty (or broken: it said why) */
			w->active = true;
			w->off = 0;
			d->budget -= MIN(d->budget, DESC_COST * w->req.nsegs);
			entropy_stir();
		}
		fill_some(d, w);
		if (w->off < w->req.writable)
			break; /* the budget ran out inside the chain */
		vq_push(d, REQUESTQ, w->req.head, w->off);
		w->active = false;
		any = true;
	}
	d->busy = true; /* stopped at the budget: more may be waiting */
out:
	if (any)
		vq_interrupt(d, REQUESTQ);
}

static void rng_notify(struct virtio_dev *d, unsigned q)
{
	(void)q; /* the transport passes only queues that exist: 0 */
	serve(d);
}

static void rng_resume(struct virtio_dev *d)
{
	serve(d);
}

static void rng_reset(struct virtio_dev *d)
{
	struct rng_work *w = d->work;

	if (w) /* the chain in hand is no longer owed, nor written to */
		w->active = false;
}

const struct virtio_ops virtio_rng_ops = {
	.name = "entropy",
	.type = VIRTIO_ID_RNG,
	.pci_class = 0xFF, /* no PCI class fits: "unassigned", as QEMU's */
	.pci_subclass = 0x00,
	.num_queues = 1,
	/* No feature bits (none are defined, 5.4.3), no configuration. */
	.notify = rng_notify,
	.reset = rng_reset,
	.budget = RNG_BUDGET,
	.resume = rng_resume,
};
