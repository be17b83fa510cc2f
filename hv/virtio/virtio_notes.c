/*
 * virtio_notes.c - [Devices 13] the notes device (ABI 11.14; ours, type
 * 63): a few small named notes the hypervisor keeps for a guest, which
 * outlive the guest's restarts.  A guest that crashes can leave a note
 * for its next life ("why I died", a boot counter), the way a PC keeps
 * a few bytes of NVRAM.  A guest gets one with notes=on.
 *
 * One queue.  A request is one chain: a struct notes_req the device
 * reads, then room for a struct notes_resp it writes (at least its
 * status and len, NOTES_RESP_HEAD bytes).  The device answers every
 * request it can: a bad one (unknown op, a value over 64 bytes) gets
 * NOTES_BAD_REQUEST; one too short to read or to answer comes back with
 * nothing written.  The chain is hostile input like any other (vq_pop()
 * checks it; vq_read() and vq_write() stay inside its segments).
 *
 * The notes live in the device's work page, which is the guest's for as
 * long as the hypervisor runs it: a device reset (a driver starting
 * over, a guest restarted) leaves them alone; power-off frees them.
 * Bounded work per exit: NOTES_BUDGET requests, the rest at the next.
 */
#include "hv/include/virtio_notes.h"
#include "hv/include/x86.h"
#include "hv/virtio/virtio.h"

#define REQUESTQ 0
#define NOTES_BUDGET 32 /* requests an exit: each copies under 200 bytes */

struct note {
	bool used;
	uint32_t len;
	uint8_t key[NOTES_KEY_LEN];
	uint8_t value[NOTES_VALUE_MAX];
};

struct notes_store {
	struct note note[NOTES_MAX];
};
_Static_assert(sizeof(struct notes_store) <= PAGE_SIZE,
	       "the notes must fit the device's work page");

/* LAB virtio-notes: BEGIN SOLUTION */
static struct note *find(struct notes_store *s, const uint8_t *key)
{
	for (unsigned i = 0; i < NOTES_MAX; i++)
		if (s->note[i].used &&
		    !hv_memcmp(s->note[i].key, key, NOTES_KEY_LEN))
			return &s->note[i];
	return NULL;
}

/* Pure but for the store: one request's answer. */
static void answer(struct notes_store *s, const struct notes_req *rq,
		   struct notes_resp *rs)
{
	struct note *n = find(s, rq->key);

	hv_memset(rs, 0, sizeof(*rs));
	if (rq->op == NOTES_OP_GET) {
		rs->status = n ? NOTES_OK : NOTES_NOT_FOUND;
		if (n) {
			rs->len = n->len;
			hv_memcpy(rs->value, n->value, n->len);
		}
		return;
	}
	if (rq->op != NOTES_OP_PUT || rq->len > NOTES_VALUE_MAX) {
		rs->status = NOTES_BAD_REQUEST;
		return;
	}
	if (!rq->len) { /* a delete: done whether or not it was there */
		if (n)
			n->used = false;
		return;
	}
	for (unsigned i = 0; !n && i < NOTES_MAX; i++)
		if (!s->note[i].used)
			n = &s->note[i];
	if (!n) {
		rs->status = NOTES_FULL;
		return;
	}
	n->used = true;
	hv_memcpy(n->key, rq->key, NOTES_KEY_LEN);
	n->len = rq->len;
	hv_memcpy(n->value, rq->value, rq->len);
}

/* Answer what the budget allows, returning each chain as it is done. */
static void serve(struct virtio_dev *d)
{
	struct vq_chain c;
	struct notes_req rq;
	struct notes_resp rs;
	bool any = false;

	d->busy = false;
	for (; d->budget; d->budget--) {
		uint32_t written = 0;

		if (!vq_pop(d, REQUESTQ, &c))
			goto out; /* empty (or broken: it said why) */
		if (vq_read(d, &c, 0, &rq, sizeof(rq)) == sizeof(rq) &&
		    c.writable >= NOTES_RESP_HEAD) {
			answer(d->work, &rq, &rs);
			written = vq_write(
				d, &c, 0, &rs,
				MIN(c.writable, NOTES_RESP_HEAD + rs.len));
		}
		vq_push(d, REQUESTQ, c.head, written);
		any = true;
	}
	d->busy = true; /* stopped at the budget: more may be waiting */
out:
	if (any)
		vq_interrupt(d, REQUESTQ);
}
/* LAB virtio-notes: HANDOUT
 * static void serve(struct virtio_dev *d)
 * {
 *	(void)d; // nothing answers the driver yet
 * }
 */
/* LAB virtio-notes: END */

static void notes_notify(struct virtio_dev *d, unsigned q)
{
	(void)q; /* the transport passes only queues that exist: 0 */
	serve(d);
}

static void notes_resume(struct virtio_dev *d)
{
	serve(d);
}

const struct virtio_ops virtio_notes_ops = {
	.name = "notes",
	.type = VIRTIO_ID_NOTES,
	.pci_class = 0xFF, /* no PCI class fits: "unassigned" */
	.pci_subclass = 0x00,
	.num_queues = 1, /* no feature bits, no device configuration */
	.notify = notes_notify,
	.budget = NOTES_BUDGET,
	.resume = notes_resume,
};
