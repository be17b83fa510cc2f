/*
 * virtqueue.c - [Pvguest 15] the driver's half of a split virtqueue.
 *
 * Three arrays in our memory, which the device reads and writes by
 * guest-physical address (virtio 1.0 2.4; ABI 11.9):
 *
 *   the descriptor table   num entries of {addr, len, flags, next}: each
 *                          a buffer, chained through "next";
 *   the available ring     ours to write: the heads of chains we offer,
 *                          and idx, how many we have offered in all;
 *   the used ring          the device's: {head, bytes written} of each
 *                          chain it has finished, and its own idx.
 *
 * Neither side ever waits for the other to agree on anything: we write a
 * chain, then the ring slot, then bump avail.idx; the device does the
 * same in the used ring.  The indices are free-running 16-bit counters;
 * the slot is the index modulo num.  Whose turn it is is always the
 * difference between two indices.
 *
 * Ordering: the device must never see the new avail.idx before the ring
 * slot and descriptors it covers.  x86 keeps stores in program order, and
 * the hypervisor reads our memory only while we are stopped in a trap,
 * so a compiler barrier is all the write barrier needed (Linux's
 * virt_wmb() is the same on x86).
 *
 * Free descriptors are kept chained through their own "next" fields, as
 * Linux does: taking n of them is walking n links.
 */
#include "irq.h"
#include "mm.h"
#include "virtio.h"
#include "virtqueue.h"
#include "x86.h"

/*
 * All three parts in one zeroed page (the same one again if vq was set up
 * before): the table at 0 (16-byte aligned),
 * the available ring after it (2-byte aligned), the used ring after that,
 * rounded up to 4 bytes.  128 entries take 2048 + 262 + 1030 bytes.
 */
bool vq_alloc(struct vq *vq, uint16_t num)
{
	uint8_t *page;
	uint32_t avail_bytes;

	if (!num || num > VQ_MAX_SIZE || (num & (num - 1)))
		return false;
	if (vq->desc) {
		/* Set up again after a device reset: reuse the page. */
		page = (uint8_t *)vq->desc;
		memset(page, 0, PAGE_SIZE);
	} else if (!(page = page_alloc())) {
		return false;
	}
	avail_bytes = 6 + 2 * num;
	vq->num = num;
	vq->desc = (struct vring_desc *)page;
	vq->avail = (struct vring_avail *)(page + 16 * num);
	vq->used = (struct vring_used *)(page +
					 ((16 * num + avail_bytes + 3) & ~3u));
	for (uint16_t i = 0; i < num; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = num;
	vq->last_used = 0;
	return true;
}

/*
 * Build a chain from n buffers, device-readable ones first (the device
 * requires that order); its head, or -1 if there are not n free
 * descriptors.  The chain is not offered yet: vq_publish() does that.
 */
int vq_add(struct vq *vq, const struct vq_buf *bufs, unsigned int n)
{
	uint16_t head = vq->free_head, i = head, last = head;

	if (n == 0 || n > vq->num_free)
		return -1;
	for (unsigned int k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];

		d->addr = __pa(bufs[k].addr);
		d->len = bufs[k].len;
		d->flags = bufs[k].device_writes ? VRING_DESC_F_WRITE : 0;
		if (k + 1 < n)
			d->flags |= VRING_DESC_F_NEXT;
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= n;
	return head;
}

/* Offer a chain: the ring slot first, then the index that covers it. */
void vq_publish(struct vq *vq, uint16_t head)
{
	uint16_t idx = vq->avail->idx;

	vq->avail->ring[idx % vq->num] = head;
	barrier();
	WRITE_ONCE(vq->avail->idx, (uint16_t)(idx + 1));
}

/* Give a finished chain's descriptors back to the free list. */
static void vq_free_chain(struct vq *vq, uint16_t head)
{
	uint16_t i = head;
	unsigned int n = 1;

	while ((vq->desc[i].flags & VRING_DESC_F_NEXT) && n < vq->num) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
}

/*
 * The next chain the device has finished: its head and the number of
 * bytes it wrote into it.  False if there is none yet.  The device's
 * entries are checked before we believe them: a head outside the table
 * would corrupt our free list.
 */
bool vq_pop_used(struct vq *vq, uint16_t *head, uint32_t *len)
{
	struct vring_used_elem e;

	if (READ_ONCE(vq->used->idx) == vq->last_used)
		return false;
	barrier(); /* read the entry only after the index that covers it */
	e = vq->used->ring[vq->last_used % vq->num];
	vq->last_used++;
	if (e.id >= vq->num)
		return false;
	vq_free_chain(vq, (uint16_t)e.id);
	*head = (uint16_t)e.id;
	*len = e.len;
	return true;
}

void vq_kick(struct vq *vq)
{
	virtio_notify(vq->dev, vq);
}

/*
 * Wait for a chain the device has been given.  reap() takes what is in
 * the used ring and says whether our chain has come back.  With sleep
 * (interrupts were on at the caller and the driver's handler is
 * registered) we HALT between looks: with interrupts off, so that the
 * completion cannot slip in between looking and sleeping (proc_idle()
 * explains), and the interrupt wakes us.  Otherwise we look again and
 * again, but not for ever: each look reads the status register, an exit
 * in which the hypervisor goes on with the work.  False if the device
 * asks to be reset, or never answers.
 */
bool vq_wait(struct vq *vq, bool (*reap)(void), bool sleep, unsigned int polls)
{
	for (unsigned int n = 0; !reap(); n++) {
		if (virtio_status(vq->dev) & VIRTIO_STATUS_NEEDS_RESET)
			return false;
		if (sleep) {
			hcall(LHCALL_HALT, 0, 0, 0);
			irq_disable();
		} else if (n == polls) {
			return false;
		}
	}
	return true;
}
