/*
 * virtio_blk.c - [Devices 5] the block device (ABI section 11.11), served
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

#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define SECTOR 512u
#define SEG_MAX 254 /* queue size - 2, as the reference */
#define ID_BYTES 20

struct blk_req_header {
	uint32_t type, ioprio;
	uint64_t sector;
} __packed;

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

static void put32(uint8_t *b, uint32_t v)
{
	hv_memcpy(b, &v, 4);
}

static uint32_t blk_config(struct virtio_dev *d, uint8_t *buf)
{
	uint64_t sectors = disk_of(d)->size / SECTOR;

	hv_memset(buf, 0, 36);
	hv_memcpy(buf + 0, &sectors, 8); /* capacity */
	put32(buf + 12, SEG_MAX);	 /* seg_max */
	put32(buf + 20, SECTOR);	 /* blk_size */
	buf[34] = 1;			 /* num_queues */
	return 36;
}

/* Move `len` bytes between the disk at `off` and the chain's data part,
 * a segment at a time, straight from or into guest memory. */
static int transfer(struct virtio_dev *d, const struct vq_chain *c,
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
			return -1;
		if ((to_guest ? b->read(b, off, p, n)
			      : b->write(b, off, p, n)) < 0)
			return -1;
		off += n;
		len -= n;
		skip = 0;
	}
	return len ? -1 : 0;
}

static bool in_range(struct virtio_dev *d, uint64_t sector, uint32_t len)
{
	uint64_t size = disk_of(d)->size;

	return sector <= size / SECTOR && len <= size - sector * SECTOR;
}

/* One request; returns the used length (bytes written into the chain). */
static uint32_t handle_request(struct virtio_dev *d, struct vq_chain *c)
{
	struct blk_req_header h;
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
		    transfer(d, c, true, h.sector * SECTOR, 0, data) == 0)
			status = VIRTIO_BLK_S_OK;
		else
			data = 0;
		break;
	case VIRTIO_BLK_T_OUT: {
		uint32_t len = c->readable - sizeof(h);

		if (!b->readonly && in_range(d, h.sector, len) &&
		    transfer(d, c, false, h.sector * SECTOR, sizeof(h), len) ==
			    0)
			status = VIRTIO_BLK_S_OK;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		status =
			b->flush(b) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[ID_BYTES] = { 0 };

		hv_snprintf(id, sizeof(id), "hv-%s-%s", d->g->name, b->name);
		data = MIN((uint32_t)ID_BYTES, c->writable - 1);
		vq_write(d, c, 0, id, data);
		status = VIRTIO_BLK_S_OK;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	vq_write(d, c, status_off, &status, 1);
	return data + 1;
}

static void blk_notify(struct virtio_dev *d, unsigned q)
{
	static struct vq_chain chain; /* 3 KiB: not on the stack */
	bool any = false;
	int r;

	while ((r = vq_pop(d, q, &chain)) > 0) {
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
	.type = 2,
	.pci_class = 0x01,
	.pci_subclass = 0x80,
	.num_queues = 1,
	.features = blk_features,
	.config = blk_config,
	.notify = blk_notify,
};
