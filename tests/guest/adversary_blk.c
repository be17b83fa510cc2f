/*
 * adversary_blk.c - [Testguest 6] virtqueues the hypervisor must refuse.
 *
 * The rings are in our memory and the hypervisor reads them: everything
 * in them is input it must check (ABI 11.9).  Each test offers one
 * malformed request, built by hand in the descriptor table:
 *
 *   blk-outside      a data buffer far outside our RAM;
 *   blk-loop         a chain whose "next" leads back to its head;
 *   blk-avail-jump   avail.idx moved on by more than the queue holds;
 *   blk-write-order  a device-readable buffer after a device-writable one.
 *
 * The right answer is neither to follow it nor to die: the hypervisor
 * marks the device NEEDS_RESET, says why, and carries on.  We check the
 * status bit, reset the device, and read sector 0 again to show that a
 * reset really brings it back; then we power off cleanly.
 */
#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/pvfs_format.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/virtqueue.h"

#include "testguest.h"

#define FAR_OUTSIDE 0xf0000000u /* no guest has that much RAM */

struct blk_header {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct blk_header header = { 0, 0, 0 }; /* read sector 0 */
static uint8_t data[2 * SECTOR_SIZE] __attribute__((aligned(512)));
static uint8_t status_byte;

static void set_desc(struct vq *vq, uint16_t i, uint32_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	vq->desc[i].addr = addr;
	vq->desc[i].len = len;
	vq->desc[i].flags = flags;
	vq->desc[i].next = next;
}

/* Header (0) -> data (1) -> status (2): a good read, for the tests to spoil. */
static void good_chain(struct vq *vq)
{
	set_desc(vq, 0, __pa(&header), sizeof(header), VRING_DESC_F_NEXT, 1);
	set_desc(vq, 1, __pa(data), SECTOR_SIZE,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2);
	set_desc(vq, 2, __pa(&status_byte), 1, VRING_DESC_F_WRITE, 0);
}

static void outside(struct vq *vq)
{
	good_chain(vq);
	vq->desc[1].addr = FAR_OUTSIDE;
	vq_publish(vq, 0);
}

/*
 * Header -> data -> header -> ...  The data buffer is device-readable
 * here, or the hypervisor would stop at the first readable-after-
 * writable descriptor (the next test) before noticing the loop.
 */
static void loop(struct vq *vq)
{
	good_chain(vq);
	vq->desc[1].flags = VRING_DESC_F_NEXT;
	vq->desc[1].next = 0;
	vq_publish(vq, 0);
}

static void avail_jump(struct vq *vq)
{
	good_chain(vq);
	vq_publish(vq, 0);
	vq->avail->idx += vq->num; /* num + 1 new entries: impossible */
}

static void write_order(struct vq *vq)
{
	good_chain(vq);
	vq->desc[2].flags |= VRING_DESC_F_NEXT;
	vq->desc[2].next = 3;
	set_desc(vq, 3, __pa(data + SECTOR_SIZE), SECTOR_SIZE, 0, 0);
	vq_publish(vq, 0);
}

struct blk_adversary {
	const char *name;
	void (*spoil)(struct vq *vq);
};

static const struct blk_adversary tests[] = {
	{ "blk-outside", outside },
	{ "blk-loop", loop },
	{ "blk-avail-jump", avail_jump },
	{ "blk-write-order", write_order },
};

static void run(const struct blk_adversary *t)
{
	struct virtio_dev *dev = blk_device();
	struct vq *vq = blk_queue();
	uint32_t magic;
	uint8_t st;
	int s;

	guest_connect();
	if (!blk_present()) {
		printf("guest: test %s: FAIL: no block device\n", t->name);
		guest_poweroff("test failed");
	}
	printf("guest: test %s: offering the malformed request\n", t->name);
	t->spoil(vq);
	vq_kick(vq);
	st = virtio_status(dev);
	if (!(st & VIRTIO_STATUS_NEEDS_RESET)) {
		printf("guest: test %s: NOT refused (status 0x%x)\n", t->name,
		       st);
		guest_poweroff("test not refused");
	}
	printf("guest: test %s: device status 0x%x: needs reset\n", t->name,
	       st);

	if (!vblk_init()) {
		printf("guest: test %s: FAIL: the device did not come back\n",
		       t->name);
		guest_poweroff("test failed");
	}
	s = blk_read(0, data, SECTOR_SIZE);
	memcpy(&magic, data, sizeof(magic));
	printf("guest: test %s: after a reset, sector 0 reads %s, pvfs magic "
	       "%s\n",
	       t->name, blk_status_name(s),
	       magic == PVFS_MAGIC ? "ok" : "FAIL");
	guest_poweroff(s == BLK_S_OK && magic == PVFS_MAGIC ? "test passed"
							    : "test failed");
}

void adversary_blk_run(const char *name)
{
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (word_equals(name, tests[i].name))
			run(&tests[i]);
}
