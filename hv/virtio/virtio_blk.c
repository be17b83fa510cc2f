/*
 * virtio_blk.c - [Devices 7] the block device (ABI section 11.11), served
 * from a struct blkdev (drivers/blkdev.h).
 *
 * A request is a chain: a 16-byte header the device reads (type, ioprio,
 * sector), the data (read for writes, written for reads), and one status
 * byte the device writes last.  We treat the device-readable and
 * device-writable parts as two byte streams, so however the driver splits
 * its buffers the rules are the same.  Out-of-range sectors get IOERR,
 * unknown request types UNSUPP; a chain with no room for a status byte
 * cannot be answered at all, and breaks the device.
 *
 * A RAM-disk request is a memcpy, but a chain may add up to 4 GiB (its
 * descriptors may name the same RAM again and again), so a request's
 * data moves at most BLK_BUDGET bytes an exit and goes on over the
 * guest's next exits; the request and how far it got wait in the
 * device's work page, and it is answered when its last byte has moved.
 */
#include "drivers/blkdev.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

/* Feature bits, request types, status values, the request header and the
 * configuration layout all come from <linux/virtio_blk.h>. */
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#define SECTOR 512u
#define SEG_MAX 254 /* queue size - 2, as the reference */

/*
 * Bytes of data one exit may move, each descriptor walked costing a
 * sector's worth: 1 MiB, the largest request Linux builds from seg_max
 * page-sized segments, is a millisecond or two of memcpy under QEMU and
 * a tenth of that natively; at most 2048 descriptors are walked.  A
 * real disk behind struct blkdev must charge its requests (a flush
 * above all) by what they cost it, under the same rule.
 */
#define BLK_BUDGET MiB(1)

/* The request in hand, from one exit to the next (the work page). */
struct blk_work {
	struct vq_chain req;
	bool active;   /* req is part way served */
	bool to_guest; /* a read: the data goes into the chain */
	uint8_t status;
	uint64_t pos;	    /* disk offset of the data */
	uint32_t skip;	    /* where the data starts in its byte stream */
	uint32_t len, done; /* data bytes to move, and moved so far */
	uint32_t written;   /* bytes written into the chain, but status */
};
_Static_assert(sizeof(struct blk_work) <= PAGE_SIZE,
	       "the block device's work must fit its page");

static struct blkdev *disk_of(struct virtio_dev *d)
{
	return d->backend;
}

static uint64_t blk_features(struct virtio_dev *d)
{
	uint64_t f = (1ull << VIRTIO_BLK_F_SEG_MAX) |
		     (1ull << VIRTIO_BLK_F_BLK_SIZE) |
		     (1ull << VIRTIO_BLK_F_FLUSH);

	if (disk_of(d)->readonly)
		f |= 1ull << VIRTIO_BLK_F_RO;
	return f;
}

/* The configuration up to and including num_queues: all the fields the
 * offered features make meaningful. */
#define BLK_CONFIG_LEN                                                         \
	(offsetof(struct virtio_blk_config, num_queues) +                      \
	 sizeof(((struct virtio_blk_config *)0)->num_queues))

static uint32_t blk_config(struct virtio_dev *d, uint8_t *buf)
{
	struct virtio_blk_config cfg = {
		.capacity = disk_of(d)->size / SECTOR,
		.seg_max = SEG_MAX,
		.blk_size = SECTOR,
		.num_queues = 1,
	};

	_Static_assert(BLK_CONFIG_LEN <= VIRTIO_DEVICE_CFG_MAX,
		       "the block configuration must fit BAR0");
	hv_memcpy(buf, &cfg, BLK_CONFIG_LEN);
	return BLK_CONFIG_LEN;
}

/* Move `len` bytes between the disk at `off` and the chain's data part,
 * a segment at a time, straight from or into guest memory. */
static bool transfer(struct virtio_dev *d, const struct vq_chain *c,
		     bool to_guest, uint64_t off, uint32_t skip, uint32_t len)
{
	struct blkdev *b = disk_of(d);

	for (unsigned i = 0; i < c->nsegs && len; i++) {
		const struct vq_seg *s = &c->seg[i];
		uint32_t n;
		void *p;

		if (s->device_writes != to_guest)
			continue;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		n = MIN(s->len - skip, len);
		p = guest_ptr(d->g, s->gpa + skip, n);
		if (!p)
			return false;
		if (!(to_guest ? b->read(b, off, p, n)
			       : b->write(b, off, p, n)))
			return false;
		off += n;
		len -= n;
		skip = 0;
	}
	return len == 0;
}

static bool in_range(struct virtio_dev *d, uint64_t sector, uint32_t len)
{
	uint64_t size = disk_of(d)->size;

	return sector <= size / SECTOR && len <= size - sector * SECTOR;
}

/* Read the request's header, once, and decide what it asks.  Requests
 * with no data to move are done here (len stays 0). */
static void begin(struct virtio_dev *d, struct blk_work *w)
{
	struct vq_chain *c = &w->req;
	struct virtio_blk_outhdr h;
	struct blkdev *b = disk_of(d);
	uint32_t len;

	w->status = VIRTIO_BLK_S_IOERR;
	w->len = w->done = w->written = 0;
	if (c->readable < sizeof(h) ||
	    vq_read(d, c, 0, &h, sizeof(h)) != sizeof(h))
		return; /* no header: cannot be served */
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		len = c->writable - 1;
		if (!in_range(d, h.sector, len))
			break;
		w->to_guest = true;
		w->skip = 0;
		goto data;
	case VIRTIO_BLK_T_OUT:
		len = c->readable - sizeof(h);
		if (b->readonly || !in_range(d, h.sector, len))
			break;
		w->to_guest = false;
		w->skip = sizeof(h);
		goto data;
	case VIRTIO_BLK_T_FLUSH:
		w->status = b->flush(b) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };

		hv_snprintf(id, sizeof(id), "hv-%s-%s", d->g->name, b->name);
		w->written = vq_write(
			d, c, 0, id,
			MIN((uint32_t)VIRTIO_BLK_ID_BYTES, c->writable - 1));
		w->status = VIRTIO_BLK_S_OK;
		break;
	}
	default:
		w->status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	return;
data:
	w->status = VIRTIO_BLK_S_OK;
	w->pos = h.sector * SECTOR;
	w->len = len;
}

/* Move what the budget allows of the data; true when the request is
 * done, all of it moved or failed. */
static bool advance(struct virtio_dev *d, struct blk_work *w)
{
	uint32_t n = MIN(w->len - w->done, d->budget);

	if (n && !transfer(d, &w->req, w->to_guest, w->pos + w->done,
			   w->skip + w->done, n)) {
		w->status = VIRTIO_BLK_S_IOERR;
		return true;
	}
	w->done += n;
	d->budget -= n;
	return w->done == w->len;
}

/* The status byte last, then the used ring: a read that failed part way
 * reports no data. */
static void finish(struct virtio_dev *d, unsigned q, struct blk_work *w)
{
	struct vq_chain *c = &w->req;

	if (w->to_guest && w->status == VIRTIO_BLK_S_OK)
		w->written = w->len;
	IGNORE_RESULT(vq_write(d, c, c->writable - 1, &w->status, 1),
		      "blk_notify refused chains without a writable byte");
	vq_push(d, q, c->head, w->written + 1);
	w->active = false;
}

/* Serve requests within this exit's budget, going on with the one in
 * hand first. */
static void blk_notify(struct virtio_dev *d, unsigned q)
{
	struct blk_work *w = d->work;
	bool any = false;

	d->busy = false;
	while (d->budget) {
		if (!w->active) {
			if (!vq_pop(d, q, &w->req))
				goto out; /* empty (or broken: it said why) */
			if (w->req.writable == 0) {
				virtio_broken(d, "request without a status "
						 "byte");
				goto out;
			}
			w->active = true;
			w->to_guest = false;
			d->budget -= MIN(d->budget, SECTOR * w->req.nsegs);
			begin(d, w);
		}
		if (!advance(d, w))
			break; /* the budget ran out inside the data */
		finish(d, q, w);
		any = true;
	}
	d->busy = true; /* stopped at the budget: more may be waiting */
out:
	if (any)
		vq_interrupt(d, q);
}

static void blk_resume(struct virtio_dev *d)
{
	blk_notify(d, 0);
}

static void blk_reset(struct virtio_dev *d)
{
	struct blk_work *w = d->work;

	if (w) /* the request in hand is no longer owed */
		w->active = false;
}

const struct virtio_ops virtio_blk_ops = {
	.name = "block",
	.type = VIRTIO_ID_BLOCK,
	.pci_class = 0x01,
	.pci_subclass = 0x80,
	.num_queues = 1,
	.features = blk_features,
	.config = blk_config,
	.notify = blk_notify,
	.reset = blk_reset,
	.budget = BLK_BUDGET,
	.resume = blk_resume,
};
