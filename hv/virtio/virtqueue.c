/*
 * virtqueue.c - [Devices 4] split virtqueues (virtio 1.0 section 2.4;
 * ABI section 11.9), read with suspicion.
 *
 * The driver owns the descriptor table and the available ring; we own the
 * used ring.  A chain is accepted only if every descriptor index is inside
 * the table, every buffer inside guest RAM, device-writable buffers come
 * after device-readable ones, no indirect descriptors appear (we never
 * offer them), and the walk ends within `size` steps (so a loop cannot
 * hold us).  Otherwise the device is marked as needing reset and stops:
 * the guest's mistake costs it that device, never the hypervisor.
 */
#include "hv/guest/guest.h"
#include "hv/virtio/virtio.h"

/* Where the rings' fields are, from the layouts in <linux/virtio_ring.h>;
 * every one is reached by a bounds-checked copy, never a pointer. */
#define AVAIL_FLAGS offsetof(struct vring_avail, flags)
#define AVAIL_IDX offsetof(struct vring_avail, idx)
#define AVAIL_RING(i) (offsetof(struct vring_avail, ring) + 2u * (i))
#define USED_IDX offsetof(struct vring_used, idx)
#define USED_RING(i)                                                           \
	(offsetof(struct vring_used, ring) +                                   \
	 sizeof(struct vring_used_elem) * (i))

static __must_check bool read16(struct guest *g, uint32_t gpa, uint16_t *v)
{
	return copy_from_guest(g, v, gpa, 2);
}

bool vq_pop(struct virtio_dev *d, unsigned q, struct vq_chain *c)
{
	struct virtqueue *vq = &d->vq[q];
	struct guest *g = d->g;
	uint16_t avail_idx, head, i;
	unsigned steps = 0;
	bool seen_writable = false;

	if (!vq->enabled || !virtio_ready(d))
		return false;
	if (!read16(g, vq->avail + AVAIL_IDX, &avail_idx))
		goto broken_ring;
	if (avail_idx == vq->last_avail)
		return false;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size) {
		virtio_broken(d,
			      "queue %u: available index jumped by %u "
			      "(queue size %u)",
			      q, (uint16_t)(avail_idx - vq->last_avail),
			      vq->size);
		return false;
	}
	if (!read16(g, vq->avail + AVAIL_RING(vq->last_avail % vq->size),
		    &head))
		goto broken_ring;
	if (head >= vq->size) {
		virtio_broken(d, "queue %u: chain head %u beyond the table", q,
			      head);
		return false;
	}
	c->head = head;
	c->nsegs = 0;
	c->readable = c->writable = 0;
	for (i = head;;) {
		struct vring_desc desc;

		/*
		 * [Devices 5] The walk is bounded by the queue size: a chain
		 * that loops costs the driver its device and a message, never
		 * an endless exit.
		 */
		if (++steps > vq->size) {
			virtio_broken(d,
				      "queue %u: descriptor chain from %u "
				      "loops",
				      q, head);
			return false;
		}
		if (!copy_from_guest(g, &desc, vq->desc + sizeof(desc) * i,
				     sizeof(desc)))
			goto broken_ring;
		if (desc.flags & VRING_DESC_F_INDIRECT) {
			virtio_broken(d,
				      "queue %u: indirect descriptor (not "
				      "offered)",
				      q);
			return false;
		}
		if ((desc.addr >> 32) ||
		    !guest_range_ok(g, (uint32_t)desc.addr, desc.len)) {
			virtio_broken(d,
				      "queue %u: buffer %#llx+%u outside "
				      "guest RAM",
				      q, (unsigned long long)desc.addr,
				      desc.len);
			return false;
		}
		/* Guest RAM is below 4 GiB, so a chain that adds up to more
		 * reuses memory; refusing it keeps the 32-bit totals true. */
		if (desc.len > UINT32_MAX - (c->readable + c->writable)) {
			virtio_broken(d, "queue %u: chain longer than 4 GiB",
				      q);
			return false;
		}
		if (desc.flags & VRING_DESC_F_WRITE) {
			seen_writable = true;
			c->writable += desc.len;
		} else if (seen_writable) {
			virtio_broken(d,
				      "queue %u: readable buffer after a "
				      "writable one",
				      q);
			return false;
		} else {
			c->readable += desc.len;
		}
		if (c->nsegs == VIRTIO_MAX_SEGS) {
			virtio_broken(d, "queue %u: chain longer than %u", q,
				      VIRTIO_MAX_SEGS);
			return false;
		}
		c->seg[c->nsegs].gpa = (uint32_t)desc.addr;
		c->seg[c->nsegs].len = desc.len;
		c->seg[c->nsegs].device_writes =
			(desc.flags & VRING_DESC_F_WRITE) != 0;
		c->nsegs++;
		if (!(desc.flags & VRING_DESC_F_NEXT))
			break;
		if (desc.next >= vq->size) {
			virtio_broken(d,
				      "queue %u: next index %u beyond the "
				      "table",
				      q, desc.next);
			return false;
		}
		i = desc.next;
	}
	vq->last_avail++;
	return true;

broken_ring:
	virtio_broken(d, "queue %u: ring outside guest RAM", q);
	return false;
}

void vq_push(struct virtio_dev *d, unsigned q, uint16_t head, uint32_t written)
{
	struct virtqueue *vq = &d->vq[q];
	struct vring_used_elem elem = { .id = head, .len = written };

	/* The element first, then the index that publishes it.  The guest
	 * may be running on another processor meanwhile (a frame from the
	 * switch, typed input), but x86 keeps stores in program order, so
	 * it sees the element before the index; the barrier keeps the
	 * compiler from reordering them.  (vq_pop() reads each descriptor
	 * once, into our memory, for the same reason: a guest on another
	 * processor may rewrite it between two reads.)
	 * Neither copy can fail: the used ring was checked to lie inside
	 * guest RAM when the driver enabled the queue (virtio_pci.c), and
	 * neither RAM nor an enabled queue's addresses ever change. */
	IGNORE_RESULT(
		copy_to_guest(d->g,
			      vq->used + USED_RING(vq->used_idx % vq->size),
			      &elem, sizeof(elem)),
		"the used ring was checked at queue enable");
	__asm__ volatile("" ::: "memory");
	vq->used_idx++;
	IGNORE_RESULT(
		copy_to_guest(d->g, vq->used + USED_IDX, &vq->used_idx, 2),
		"the used ring was checked at queue enable");
}

void vq_interrupt(struct virtio_dev *d, unsigned q)
{
	uint16_t flags = 0;

	IGNORE_RESULT(read16(d->g, d->vq[q].avail + AVAIL_FLAGS, &flags),
		      "the available ring was checked at queue enable");
	if (flags & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	d->isr |=
		VIRTIO_ISR_QUEUE; /* before the interrupt: the handler reads it */
	guest_raise_irq(d->g, d->irq);
}

/* Walk the segments of one kind as a byte stream, copying `len` bytes at
 * `off` to or from buf. */
static uint32_t vq_copy(struct virtio_dev *d, const struct vq_chain *c,
			bool writable, uint32_t off, void *buf, uint32_t len,
			bool to_guest)
{
	uint8_t *b = buf;
	uint32_t done = 0;

	for (unsigned i = 0; i < c->nsegs && done < len; i++) {
		const struct vq_seg *s = &c->seg[i];
		uint32_t n;

		if (s->device_writes != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = MIN(s->len - off, len - done);
		if (to_guest)
			IGNORE_RESULT(
				copy_to_guest(d->g, s->gpa + off, b + done, n),
				"vq_pop checked every segment");
		else
			IGNORE_RESULT(copy_from_guest(d->g, b + done,
						      s->gpa + off, n),
				      "vq_pop checked every segment");
		done += n;
		off = 0;
	}
	return done;
}

uint32_t vq_read(struct virtio_dev *d, const struct vq_chain *c, uint32_t off,
		 void *buf, uint32_t len)
{
	return vq_copy(d, c, false, off, buf, len, false);
}

uint32_t vq_write(struct virtio_dev *d, const struct vq_chain *c, uint32_t off,
		  const void *buf, uint32_t len)
{
	return vq_copy(d, c, true, off, (void *)buf, len, true);
}
