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

/* One request; returns the used length (bytes written into the chain). */
static uint32_t handle_request(struct virtio_dev *d, struct vq_chain *c)
{
	struct virtio_blk_outhdr h;
	struct blkdev *b = disk_of(d);
	uint32_t status_off = c->writable - 1, data = 0;
	uint8_t status = VIRTIO_BLK_S_IOERR;

	if (c->readable < sizeof(h) ||
	    vq_read(d, c, 0, &h, sizeof(h)) != sizeof(h)) {
		status = VIRTIO_BLK_S_IOERR; /* no header: cannot be served */
		goto done;
	}
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		data = c->writable - 1;
		if (in_range(d, h.sector, data) &&
		    transfer(d, c, true, h.sector * SECTOR, 0, data))
			status = VIRTIO_BLK_S_OK;
		else
			data = 0;
		break;
	case VIRTIO_BLK_T_OUT: {
		uint32_t len = c->readable - sizeof(h);

		if (!b->readonly && in_range(d, h.sector, len) &&
		    transfer(d, c, false, h.sector * SECTOR, sizeof(h), len))
			status = VIRTIO_BLK_S_OK;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		status = b->flush(b) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };

		hv_snprintf(id, sizeof(id), "hv-%s-%s", d->g->name, b->name);
		data = vq_write(
			d, c, 0, id,
			MIN((uint32_t)VIRTIO_BLK_ID_BYTES, c->writable - 1));
		status = VIRTIO_BLK_S_OK;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	IGNORE_RESULT(vq_write(d, c, status_off, &status, 1),
		      "blk_notify refused chains without a writable byte");
	return data + 1;
}

static void blk_notify(struct virtio_dev *d, unsigned q)
{
	static struct vq_chain chain; /* 3 KiB: not on the stack */
	bool any = false;

	while (vq_pop(d, q, &chain)) {
		if (chain.writable == 0) {
			virtio_broken(d, "request without a status byte");
			return;
		}
		vq_push(d, q, chain.head, handle_request(d, &chain));
		any = true;
	}
	if (any)
		vq_interrupt(d, q);
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
};
