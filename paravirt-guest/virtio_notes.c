/*
 * virtio_notes.c - [Pvguest 28] the notes driver (ABI 11.14): a request
 * the device reads, an answer it writes, one at a time.
 *
 * The device is this hypervisor's own (notes=on on our kernel line), so
 * it is found like any other, by its PCI ID: 1AF4:107F, virtio type 63.
 * It answers inside the notify that sends a request, so we poll rather
 * than take its interrupt (vq_wait() without sleep).
 */
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "notes.h"
#include "virtio.h"
#include "virtqueue.h"

#define QUEUE_SIZE 4
#define POLLS 100000

static struct virtio_dev dev;
static struct vq vq;
static bool present, broken;
static struct notes_req req;
static struct notes_resp resp;
/* LAB virtio-notes: BEGIN SOLUTION */
static uint16_t used_head;
static uint32_t used_len;

/* The first chain the device has returned, if there is one. */
static bool reap(void)
{
	return vq_pop_used(&vq, &used_head, &used_len);
}
/* LAB virtio-notes: END */

bool notes_present(void)
{
	return present && !broken;
}

bool vnotes_init(void)
{
	if (!virtio_find(&dev, VIRTIO_ID_NOTES, "notes"))
		return false;
	present = true;
	printf("guest: virtio: notes %x:%x at 00:%02x.0\n", dev.pci.vendor,
	       dev.pci.device, dev.pci.slot);
	if (!virtio_negotiate(&dev, 0) ||
	    !virtio_setup_queue(&dev, &vq, 0, QUEUE_SIZE)) {
		virtio_fail(&dev);
		printf("guest: virtio: notes set-up failed\n");
		broken = true;
		return false;
	}
	virtio_enable_queue(&dev, 0);
	virtio_driver_ok(&dev);
	return true;
}

/* req out, resp back: the status, or NOTES_BROKEN. */
static int request(void)
{
	/* LAB virtio-notes: BEGIN SOLUTION */
	struct vq_buf b[2] = {
		{ &req, sizeof(req), false },
		{ &resp, sizeof(resp), true },
	};
	uint32_t flags = irq_save();
	bool answered;
	int h;

	h = vq_add(&vq, b, 2);
	if (h < 0) {
		irq_restore(flags);
		return NOTES_BROKEN;
	}
	vq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT; /* we poll */
	vq_publish(&vq, (uint16_t)h);
	vq_kick(&vq);
	answered = vq_wait(&vq, reap, false, POLLS);
	irq_restore(flags);
	/* One request at a time, so what comes back is ours; an answer
	 * shorter than status and len is no answer. */
	if (!answered || used_len < NOTES_RESP_HEAD || used_head != h) {
		broken = true;
		return NOTES_BROKEN;
	}
	if (resp.len > NOTES_VALUE_MAX)
		resp.len = NOTES_VALUE_MAX;
	return (int)resp.status;
	/* LAB virtio-notes: HANDOUT
	 * return NOTES_BROKEN; // nothing sends it yet
	 */
	/* LAB virtio-notes: END */
}

static bool set_key(const char *key)
{
	uint32_t n = 0;

	memset(&req, 0, sizeof(req));
	while (key[n] && n < NOTES_KEY_LEN)
		n++;
	if (n == NOTES_KEY_LEN)
		return false; /* no room left for the NUL padding */
	memcpy(req.key, key, n);
	return true;
}

int notes_put(const char *key, const void *value, uint32_t len)
{
	if (!notes_present() || len > NOTES_VALUE_MAX || !set_key(key))
		return NOTES_BROKEN;
	req.op = NOTES_OP_PUT;
	req.len = len;
	memcpy(req.value, value, len);
	return request();
}

int notes_get(const char *key, void *buf, uint32_t *len)
{
	int r;

	if (!notes_present() || !set_key(key))
		return NOTES_BROKEN;
	req.op = NOTES_OP_GET;
	r = request();
	*len = r == NOTES_OK ? resp.len : 0;
	if (r == NOTES_OK)
		memcpy(buf, resp.value, resp.len);
	return r;
}
