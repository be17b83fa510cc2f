/*
 * virtqueue.h - [Pvguest 15] split virtqueues: the rings a virtio driver
 * shares with its device (virtio 1.0 2.4; ABI 11.9).
 */
#ifndef PVGUEST_VIRTQUEUE_H
#define PVGUEST_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct virtio_dev;

#define VRING_DESC_F_NEXT 1  /* the chain goes on at "next" */
#define VRING_DESC_F_WRITE 2 /* the device writes this buffer */
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1 /* the device: "no need to notify me" */

/* The three parts, laid out exactly as the device reads them. */
struct vring_desc {
	uint64_t addr; /* guest-physical */
	uint32_t len;
	uint16_t flags, next;
};

struct vring_avail {
	uint16_t flags, idx;
	uint16_t ring[]; /* then used_event, which we do not use */
};

struct vring_used_elem {
	uint32_t id, len; /* the chain's head; bytes the device wrote */
};

struct vring_used {
	uint16_t flags, idx;
	struct vring_used_elem ring[];
};

_Static_assert(sizeof(struct vring_desc) == 16, "virtio 1.0 2.4.5");
_Static_assert(sizeof(struct vring_used_elem) == 8, "virtio 1.0 2.4.8");

struct vq {
	struct virtio_dev *dev;
	uint16_t index;	     /* which queue of the device */
	uint16_t num;	     /* entries: a power of two */
	uint16_t notify_off; /* from queue_notify_off */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t free_head; /* free descriptors, chained through next */
	uint16_t num_free;
	uint16_t last_used; /* the next used.ring entry to look at */
};

/* One buffer of a chain: a kernel (direct-map) address. */
struct vq_buf {
	const void *addr;
	uint32_t len;
	bool device_writes;
};

/* Largest queue whose three parts fit in one page. */
#define VQ_MAX_SIZE 128

bool vq_alloc(struct vq *vq, uint16_t num);
int vq_add(struct vq *vq, const struct vq_buf *bufs, unsigned int n);
void vq_publish(struct vq *vq, uint16_t head);
bool vq_pop_used(struct vq *vq, uint16_t *head, uint32_t *len);
void vq_kick(struct vq *vq);
/* Until reap() says our chain is back: false if the device broke. */
bool vq_wait(struct vq *vq, bool (*reap)(void), bool sleep, unsigned int polls);

#endif /* PVGUEST_VIRTQUEUE_H */
