/*
 * virtio_blk.c - [Devices 7] the block device (ABI section 11.11), served
 * from a volume: a disk, a partition of one, or a RAM disk module
 * (hv/storage/volume.h).
 *
 * A request is a chain: a 16-byte header the device reads (type, ioprio,
 * sector), the data (read for writes, written for reads), and one status
 * byte the device writes last.  We treat the device-readable and
 * device-writable parts as two byte streams, so however the driver splits
 * its buffers the rules are the same.  Sectors outside the volume get
 * IOERR before anything reaches the disk, unknown request types UNSUPP; a
 * chain with no room for a status byte cannot be answered at all, and
 * breaks the device.
 *
 * Up to BLK_IN_FLIGHT requests are served at once, each in a page of the
 * device's work with its own piece in flight, so a disk has several
 * requests to work on as it does on bare metal, not one at a time.  A
 * flush waits until the requests before it have ended (the ones it must
 * make durable), and nothing after it starts until it is sent.
 *
 * The data moves in pieces (struct disk_io), one per request.  A
 * piece goes straight between the disk and the guest's RAM when the
 * device can reach the guest's buffers as they lie (the addresses come
 * from the chain, already checked against the guest's RAM); otherwise
 * through the volume's bounce buffer.  A real disk answers while the
 * guest runs: the request waits in the device's work page, marked busy,
 * and is looked at again after each exit (devices_poll()) until the
 * disk says it is done.  The RAM disk answers at once, but a chain may
 * add up to 4 GiB (its descriptors may name the same RAM again and
 * again), so a request moves at most BLK_BUDGET bytes an exit either way.
 * A flush is passed to the disk and answered only when the disk has
 * answered it: what the guest was told is flushed is on the medium.
 */
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/storage/volume.h"
#include "hv/virtio/virtio.h"

/* Feature bits, request types, status values, the request header and the
 * configuration layout all come from <linux/virtio_blk.h>. */
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#define VIRTIO_SECTOR 512u /* the unit of h.sector, whatever the disk's */
#define SEG_MAX 254	   /* queue size - 2, as the reference */

/*
 * Bytes of data one exit may move, each descriptor walked costing a
 * sector's worth: 1 MiB, the largest request Linux builds from seg_max
 * page-sized segments, is a millisecond or two of memcpy under QEMU and
 * a tenth of that natively; at most 2048 descriptors are walked.  A piece
 * a real disk moves by DMA costs us only its descriptors.
 */
#define BLK_BUDGET MiB(1)

#define BLK_IN_FLIGHT 4
/* A request's share of the volume's bounce buffer. */
#define BLK_BOUNCE_SHARE (VOLUME_BOUNCE_BYTES / BLK_IN_FLIGHT)

/* A request in hand, from one exit to the next: one page of the device's
 * work each (BLK_IN_FLIGHT of them, virtio_blk_ops.work_pages). */
struct blk_work {
	struct vq_chain req;
	bool active;   /* req is part way served */
	bool to_guest; /* a read: the data goes into the chain */
	uint8_t status;
	uint8_t type;	    /* VIRTIO_BLK_T_* */
	uint64_t lba;	    /* the disk's sector the data starts at */
	uint32_t skip;	    /* where the data starts in its byte stream */
	uint32_t len, done; /* data bytes to move, and moved so far */
	uint32_t written;   /* bytes written into the chain, but status */
	bool bounced;	    /* the piece in flight uses the bounce buffer */
	uint8_t *bounce;    /* this request's BLK_BOUNCE_SHARE of it */
	struct disk_io io;  /* the piece in flight (the disk owns it while
			       its status is DISK_BUSY) */
};
_Static_assert(sizeof(struct blk_work) <= PAGE_SIZE,
	       "each request in hand must fit its page");

static struct blk_work *work_slot(struct virtio_dev *d, unsigned i)
{
	return (struct blk_work *)((uint8_t *)d->work + i * PAGE_SIZE);
}

static struct volume *vol_of(struct virtio_dev *d)
{
	return d->backend;
}

static uint64_t blk_features(struct virtio_dev *d)
{
	uint64_t f = (1ull << VIRTIO_BLK_F_SEG_MAX) |
		     (1ull << VIRTIO_BLK_F_BLK_SIZE) |
		     (1ull << VIRTIO_BLK_F_FLUSH);

	if (vol_of(d)->readonly)
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
	struct volume *v = vol_of(d);
	struct virtio_blk_config cfg = {
		.capacity = v->sectors * (v->disk->sector_size / VIRTIO_SECTOR),
		.seg_max = SEG_MAX,
		/* The disk's own sector: Linux then sends only requests of
		 * whole sectors of it, which is all a 4 KiB disk can take. */
		.blk_size = v->disk->sector_size,
		.num_queues = 1,
	};

	_Static_assert(BLK_CONFIG_LEN <= VIRTIO_DEVICE_CFG_MAX,
		       "the block configuration must fit BAR0");
	hv_memcpy(buf, &cfg, BLK_CONFIG_LEN);
	return BLK_CONFIG_LEN;
}

/* Whole sectors of the disk, all inside the volume; *lba is where on
 * the disk they start. */
static bool in_volume(struct virtio_dev *d, uint64_t sector, uint32_t len,
		      uint64_t *lba)
{
	struct volume *v = vol_of(d);
	uint32_t ss = v->disk->sector_size, per = ss / VIRTIO_SECTOR;
	uint64_t first;

	if (len % ss || sector % per)
		return false;
	first = sector / per;
	if (first > v->sectors || len / ss > v->sectors - first)
		return false;
	*lba = v->first + first;
	return true;
}

/* Read the request's header, once, and decide what it asks.  Requests
 * with no data to move (and refused ones) leave len at 0. */
static void begin(struct virtio_dev *d, struct blk_work *w)
{
	struct vq_chain *c = &w->req;
	struct virtio_blk_outhdr h;
	struct volume *v = vol_of(d);
	uint32_t len;

	w->status = VIRTIO_BLK_S_IOERR;
	w->len = w->done = w->written = 0;
	w->io.status = DISK_IDLE;
	if (c->readable < sizeof(h) ||
	    vq_read(d, c, 0, &h, sizeof(h)) != sizeof(h))
		return; /* no header: cannot be served */
	w->type = (uint8_t)h.type;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		len = c->writable - 1;
		if (!in_volume(d, h.sector, len, &w->lba))
			break;
		w->to_guest = true;
		w->skip = 0;
		goto data;
	case VIRTIO_BLK_T_OUT:
		len = c->readable - sizeof(h);
		if (v->readonly || !in_volume(d, h.sector, len, &w->lba))
			break;
		w->to_guest = false;
		w->skip = sizeof(h);
		goto data;
	case VIRTIO_BLK_T_FLUSH:
		w->status = VIRTIO_BLK_S_OK;
		w->io.op = DISK_FLUSH;
		w->io.lba = 0;
		w->io.sectors = 0;
		w->io.nsegs = 0;
		w->bounced = false;
		break; /* advance() submits it */
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES + 1] = { 0 };

		/* The device's serial number, as the guest's udev would
		 * see on bare metal; a RAM disk has none of its own. */
		if (v->disk->serial[0])
			hv_strlcpy(id, v->disk->serial, sizeof(id));
		else
			hv_snprintf(id, sizeof(id), "hv-%s-%s", d->g->name,
				    v->name);
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
	w->len = len;
}

/*
 * The next piece of the data, as the guest's buffers lie: from byte
 * `skip` of the stream, at most `max` bytes in at most DISK_IO_MAX_SEGS
 * pieces, cut back to whole sectors.  Returns the bytes gathered; 0 when
 * the buffers cannot be used as they are (too scattered for one sector,
 * or not in the guest's RAM, which the bounce path then reports).
 */
static uint32_t gather(struct virtio_dev *d, const struct vq_chain *c,
		       bool to_guest, uint32_t skip, uint32_t max,
		       uint32_t sector, struct disk_io *io)
{
	uint32_t total = 0, cut;

	io->nsegs = 0;
	for (unsigned i = 0; i < c->nsegs && total < max; i++) {
		const struct vq_seg *s = &c->seg[i];
		uint32_t n;
		void *p;

		if (s->device_writes != to_guest)
			continue;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		if (io->nsegs == DISK_IO_MAX_SEGS)
			break;
		n = MIN(s->len - skip, max - total);
		p = guest_ptr(d->g, s->gpa + skip, n);
		if (!p)
			return 0;
		io->seg[io->nsegs].addr = virt_to_phys(p);
		io->seg[io->nsegs].len = n;
		io->nsegs++;
		total += n;
		skip = 0;
	}
	/* Whole sectors: trim the tail, dropping pieces it empties. */
	cut = total % sector;
	total -= cut;
	while (cut) {
		struct disk_seg *last = &io->seg[io->nsegs - 1];
		uint32_t n = MIN(cut, last->len);

		last->len -= n;
		cut -= n;
		if (!last->len)
			io->nsegs--;
	}
	return total;
}

/* Submit the next piece of the data (or the flush). */
static bool submit_next(struct virtio_dev *d, struct blk_work *w)
{
	struct volume *v = vol_of(d);
	struct disk *disk = v->disk;
	struct disk_io *io = &w->io;
	uint32_t ss = disk->sector_size;
	uint32_t max = MIN(w->len - w->done, disk->max_sectors * ss);
	uint32_t n = 0;

	if (io->op == DISK_FLUSH)
		goto submit;
	io->op = w->to_guest ? DISK_READ : DISK_WRITE;
	if (disk->cpu_copies)
		max = MIN(max, d->budget); /* memcpy: the budget's bytes */
	max = MAX(max - max % ss, ss);
	n = gather(d, &w->req, w->to_guest, w->skip + w->done, max, ss, io);
	w->bounced = false;
	io->lba = w->lba + w->done / ss; /* dma_ok() looks at all of io */
	io->sectors = n / ss;
	if (!n || !disk->ops->dma_ok(disk, io)) {
		n = MIN(max, BLK_BOUNCE_SHARE);
		n -= n % ss;
		if (!w->to_guest &&
		    vq_read(d, &w->req, w->skip + w->done, w->bounce, n) != n)
			return false;
		io->nsegs = 1;
		io->seg[0].addr = virt_to_phys(w->bounce);
		io->seg[0].len = n;
		w->bounced = true;
	}
	if (disk->cpu_copies || w->bounced)
		d->budget -= MIN(d->budget, n); /* bytes we copy ourselves */
	io->sectors = n / ss; /* n is less if it was bounced */
	v->stats.pieces++;
	v->stats.bounced += w->bounced;
submit:
	io->status = DISK_IDLE;
	if (!disk->ops->submit(disk, io))
		io->status = DISK_IDLE; /* no free slot: again next time */
	return true;
}

/* What a finished piece leaves to do: copy a bounced read out, count it. */
static bool piece_done(struct virtio_dev *d, struct blk_work *w)
{
	struct disk_io *io = &w->io;
	uint32_t n = io->sectors * vol_of(d)->disk->sector_size;

	if (io->op == DISK_FLUSH)
		return true;
	if (w->bounced && w->to_guest &&
	    vq_write(d, &w->req, w->done, w->bounce, n) != n)
		return false;
	w->done += n;
	return true;
}

static void report_failure(struct virtio_dev *d, struct blk_work *w)
{
	static const char *const what[] = { "read", "write", "flush" };

	printk("hv: guest %s: disk %s: %s at sector %llu failed; the guest "
	       "gets IOERR\n",
	       d->g->name, vol_of(d)->name, what[w->io.op],
	       (unsigned long long)(w->io.lba - vol_of(d)->first));
}

/* Move what the budget and the disk allow; true when the request is done
 * (all of it moved, or failed), false while it waits. */
static bool advance(struct virtio_dev *d, struct blk_work *w)
{
	struct disk *disk = vol_of(d)->disk;
	struct disk_io *io = &w->io;

	for (;;) {
		if (io->status == DISK_BUSY)
			disk->ops->poll(disk, io);
		switch (io->status) {
		case DISK_BUSY:
			return false; /* the disk is working on it */
		case DISK_FAILED:
			report_failure(d, w);
			w->status = VIRTIO_BLK_S_IOERR;
			io->status = DISK_IDLE;
			return true;
		case DISK_DONE:
			io->status = DISK_IDLE;
			if (!piece_done(d, w)) {
				w->status = VIRTIO_BLK_S_IOERR;
				return true;
			}
			if (io->op == DISK_FLUSH || w->done == w->len)
				return true;
			break;
		case DISK_IDLE:
			if (w->status != VIRTIO_BLK_S_OK ||
			    (io->op != DISK_FLUSH && w->done == w->len))
				return true; /* refused, or nothing to move */
			if (!d->budget)
				return false;
			if (!submit_next(d, w)) {
				w->status = VIRTIO_BLK_S_IOERR;
				return true;
			}
			if (io->status == DISK_IDLE)
				return false; /* the disk had no free slot */
			break;
		}
	}
}

/* The status byte last, then the used ring: a read that failed part way
 * reports no data. */
static void finish(struct virtio_dev *d, unsigned q, struct blk_work *w)
{
	struct vq_chain *c = &w->req;

	struct volume_stats *st = &vol_of(d)->stats;

	if (w->to_guest && w->status == VIRTIO_BLK_S_OK)
		w->written = w->len;
	if (w->type == VIRTIO_BLK_T_IN)
		st->reads++, st->bytes_read += w->done;
	else if (w->type == VIRTIO_BLK_T_OUT)
		st->writes++, st->bytes_written += w->done;
	else if (w->type == VIRTIO_BLK_T_FLUSH)
		st->flushes++;
	st->failed += w->status == VIRTIO_BLK_S_IOERR;
	IGNORE_RESULT(vq_write(d, c, c->writable - 1, &w->status, 1),
		      "blk_notify refused chains without a writable byte");
	vq_push(d, q, c->head, w->written + 1);
	w->active = false;
}

/* Is a flush waiting for the requests before it? Then nothing new
 * starts until it is sent. */
static bool flush_waiting(struct virtio_dev *d)
{
	for (unsigned i = 0; i < BLK_IN_FLIGHT; i++) {
		struct blk_work *w = work_slot(d, i);

		if (w->active && w->io.op == DISK_FLUSH &&
		    w->io.status == DISK_IDLE && w->status == VIRTIO_BLK_S_OK)
			return true;
	}
	return false;
}

/* A flush is sent only once it is the one request left in hand: the
 * writes it must make durable have all ended. */
static bool flush_may_start(struct virtio_dev *d, struct blk_work *w)
{
	for (unsigned i = 0; i < BLK_IN_FLIGHT; i++) {
		struct blk_work *o = work_slot(d, i);

		if (o != w && o->active)
			return false;
	}
	return true;
}

/* Go on with request w; true if it is done (and answered). */
static bool serve(struct virtio_dev *d, unsigned q, struct blk_work *w)
{
	if (w->io.op == DISK_FLUSH && w->io.status == DISK_IDLE &&
	    w->status == VIRTIO_BLK_S_OK && !flush_may_start(d, w))
		return false;
	if (!advance(d, w))
		return false;
	finish(d, q, w);
	return true;
}

/* Serve requests within this exit's budget: the ones in hand first, then
 * new ones while a page of work is free. */
static void blk_notify(struct virtio_dev *d, unsigned q)
{
	bool any = false, waiting = false;
	unsigned i;

	d->busy = d->waiting = false;
	for (i = 0; i < BLK_IN_FLIGHT; i++) {
		struct blk_work *w = work_slot(d, i);

		if (w->active && d->budget && serve(d, q, w))
			any = true;
		waiting |= w->active;
	}
	while (d->budget) {
		struct blk_work *w = NULL;

		for (i = 0; i < BLK_IN_FLIGHT && !w; i++)
			if (!work_slot(d, i)->active)
				w = work_slot(d, i);
		if (!w || flush_waiting(d))
			goto out; /* the rest waits in the ring for the disk */
		if (!vq_pop(d, q, &w->req))
			goto out; /* empty (or broken: it said why) */
		if (w->req.writable == 0) {
			virtio_broken(d, "request without a status byte");
			goto out;
		}
		w->active = true;
		w->to_guest = false;
		w->io.op = DISK_READ;
		w->bounce = vol_of(d)->bounce +
			    (unsigned)(w - work_slot(d, 0)) * BLK_BOUNCE_SHARE;
		d->budget -= MIN(d->budget, VIRTIO_SECTOR * w->req.nsegs);
		begin(d, w);
		if (serve(d, q, w))
			any = true;
		else
			waiting = true;
	}
	/* Stopped at the budget: more may be waiting, and it is ours to do. */
	d->busy = true;
	if (any)
		vq_interrupt(d, q);
	return;
out:
	if (waiting) /* the disk still works on some: nothing to do till then */
		d->busy = d->waiting = true;
	if (any)
		vq_interrupt(d, q);
}

static void blk_resume(struct virtio_dev *d)
{
	blk_notify(d, 0);
}

/*
 * The requests in hand are no longer owed, but a piece the disk still
 * holds may yet be DMA'd into the guest's RAM: wait for the disk to end
 * each (its driver's timeout bounds the wait) before the RAM can be
 * reused or freed.
 */
static void blk_reset(struct virtio_dev *d)
{
	struct volume *v = vol_of(d);

	if (!d->work)
		return;
	for (unsigned i = 0; i < BLK_IN_FLIGHT; i++) {
		struct blk_work *w = work_slot(d, i);

		while (w->io.status == DISK_BUSY)
			v->disk->ops->poll(v->disk, &w->io);
		w->io.status = DISK_IDLE;
		w->active = false;
	}
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
	.work_pages = BLK_IN_FLIGHT,
};
