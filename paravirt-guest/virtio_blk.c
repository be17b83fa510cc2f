/*
 * virtio_blk.c - [Pvguest 18] the virtio block driver: our disk, /dev/vda.
 *
 * One queue (ABI 11.11).  A request is a chain of descriptors:
 *
 *   a 16-byte header the device reads: type, priority, first sector;
 *   the data, in as many buffers as it takes: device-readable for a
 *   write, device-writable for a read;
 *   one status byte the device writes last: OK, IOERR or UNSUPP.
 *
 * Kernel memory is the direct map, so a kernel buffer is physically
 * contiguous and could go in one descriptor; we still cut data at page
 * boundaries, because a user page's neighbour in virtual memory is
 * anywhere in physical memory, and so that the device's segment limit
 * (seg_max) means something.
 *
 * We keep one request in flight.  The hypervisor finishes it while
 * handling our notification, but a driver must not count on that: we
 * wait for the used ring to return the chain, sleeping with HALT until
 * the device's interrupt when interrupts are on.  The interrupt handler
 * reads ISR (which clears it) and collects finished requests.
 */
#include "blk.h"
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "trap.h"
#include "virtio.h"
#include "virtqueue.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_FLUSH 9
#define CFG_CAPACITY 0 /* u64, in 512-byte sectors */
#define CFG_SEG_MAX 12 /* u32 */
#define QUEUE_SIZE 64
#define MAX_DATA_SEGS 32 /* 128 KiB of page-aligned data */
#define POLLS 100000

struct blk_header {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct virtio_dev dev;
static struct vq vq;
static bool present, broken, irq_on;
static uint64_t capacity;
static uint32_t max_data_segs;

/* The one request in flight: header and status must stay put until done. */
static struct blk_header header;
static volatile uint8_t status;
static volatile bool done;
static int in_flight = -1; /* its head descriptor */

bool blk_present(void)
{
	return present && !broken;
}

uint64_t blk_capacity(void)
{
	return capacity;
}

struct virtio_dev *blk_device(void)
{
	return &dev;
}

struct vq *blk_queue(void)
{
	return &vq;
}

const char *blk_status_name(int s)
{
	switch (s) {
	case BLK_S_OK:
		return "OK";
	case BLK_S_IOERR:
		return "IOERR";
	case BLK_S_UNSUPP:
		return "UNSUPP";
	case BLK_BROKEN:
		return "no answer, device needs reset";
	}
	return "unknown";
}

/*
 * The capacity is a u64 read as two halves: if the device changed it
 * between them, config_generation changes too, and we read again
 * (virtio 1.0 4.1.3.1).
 */
static uint64_t read_capacity(void)
{
	uint8_t gen;
	uint64_t cap;

	do {
		gen = virtio_config_generation(&dev);
		cap = virtio_cfg32(&dev, CFG_CAPACITY) |
		      (uint64_t)virtio_cfg32(&dev, CFG_CAPACITY + 4) << 32;
	} while (gen != virtio_config_generation(&dev));
	return cap;
}

/* Start (or, after a reset, restart) the device; false if there is none. */
bool vblk_init(void)
{
	uint64_t wanted = 1ull << VIRTIO_BLK_F_SEG_MAX |
			  1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH;
	bool again = present;

	if (!again && !virtio_find(&dev, VIRTIO_ID_BLOCK, "block"))
		return false;
	present = true;
	broken = false;
	in_flight = -1;
	if (!again)
		printf("guest: virtio: block %x:%x at 00:%02x.0, IRQ %u, "
		       "registers at %p\n",
		       dev.pci.vendor, dev.pci.device, dev.pci.slot,
		       dev.pci.irq, (void *)dev.pci.bar0);
	if (!virtio_negotiate(&dev, wanted) ||
	    !virtio_setup_queue(&dev, &vq, 0, QUEUE_SIZE)) {
		virtio_fail(&dev);
		printf("guest: virtio: block set-up failed\n");
		broken = true;
		return false;
	}
	max_data_segs = MAX_DATA_SEGS;
	if (dev.features & 1ull << VIRTIO_BLK_F_SEG_MAX) {
		uint32_t seg_max = virtio_cfg32(&dev, CFG_SEG_MAX);

		/* blk_rw() needs two to cut at page boundaries. */
		if (seg_max >= 2 && seg_max < max_data_segs)
			max_data_segs = seg_max;
	}
	capacity = read_capacity();
	virtio_enable_queue(&dev, 0);
	virtio_driver_ok(&dev);
	if (!again)
		printf("guest: virtio: block ready: features 0x%llx of 0x%llx, "
		       "%llu sectors (%llu MiB), %u segments a request%s\n",
		       (unsigned long long)dev.features,
		       (unsigned long long)dev.offered,
		       (unsigned long long)capacity,
		       (unsigned long long)(capacity >> 11), max_data_segs,
		       dev.features & 1ull << VIRTIO_BLK_F_RO ? ", read-only"
							      : "");
	return true;
}

/* Collect finished requests; interrupts are off.  Is ours done? */
static bool reap(void)
{
	uint16_t head;
	uint32_t len;

	while (vq_pop_used(&vq, &head, &len))
		if (head == in_flight)
			done = true;
	return done;
}

static void vblk_interrupt(struct trapframe *tf)
{
	if (virtio_irq_needs_reset(&dev))
		broken = true;
	reap();
}

void vblk_enable_irq(void)
{
	if (present) {
		irq_set_handler(dev.pci.irq, vblk_interrupt);
		irq_on = true;
	}
}

/*
 * Wait for the request in flight (vq_wait()): with interrupts on and our
 * IRQ unmasked we can sleep until it is done.
 */
static int wait_done(uint32_t flags)
{
	if (!vq_wait(&vq, reap, irq_on && (flags & EFLAGS_IF), POLLS)) {
		broken = true;
		return BLK_BROKEN;
	}
	return status;
}

/*
 * One request: header, data cut at page boundaries, status.  buf is a
 * kernel address; the device reads it (device_writes false) or writes it.
 * Returns the status byte, or BLK_BROKEN.
 */
int blk_request(uint32_t type, uint64_t sector, void *buf, uint32_t len,
		bool device_writes)
{
	struct vq_buf bufs[MAX_DATA_SEGS + 2];
	unsigned int n = 0;
	uint8_t *p = buf;
	uint32_t flags;
	int head, ret;

	if (!present || broken)
		return BLK_BROKEN;
	header.type = type;
	header.ioprio = 0;
	header.sector = sector;
	bufs[n++] = (struct vq_buf){ &header, sizeof(header), false };
	while (len) {
		uint32_t room = PAGE_SIZE - ((uint32_t)p & (PAGE_SIZE - 1));
		uint32_t chunk = len < room ? len : room;

		if (n == max_data_segs + 1)
			return BLK_S_IOERR; /* too big for one request */
		bufs[n++] = (struct vq_buf){ p, chunk, device_writes };
		p += chunk;
		len -= chunk;
	}
	bufs[n++] = (struct vq_buf){ (const void *)&status, 1, true };

	flags = irq_save();
	head = vq_add(&vq, bufs, n);
	if (head < 0) {
		irq_restore(flags);
		return BLK_BROKEN;
	}
	status = 0xff; /* no device writes this */
	done = false;
	in_flight = head;
	vq_publish(&vq, (uint16_t)head);
	vq_kick(&vq);
	ret = wait_done(flags);
	in_flight = -1;
	irq_restore(flags);
	return ret;
}

/*
 * Reads and writes of any length, in pieces that fit one request whether
 * the buffer is page-aligned or not: max_data_segs - 1 pages.
 */
static int blk_rw(uint32_t type, uint64_t sector, uint8_t *buf, uint32_t len)
{
	uint32_t chunk = (max_data_segs - 1) * PAGE_SIZE;

	while (len) {
		uint32_t n = len < chunk ? len : chunk;
		int s = blk_request(type, sector, buf, n, type == BLK_T_IN);

		if (s != BLK_S_OK)
			return s;
		sector += n / SECTOR_SIZE;
		buf += n;
		len -= n;
	}
	return BLK_S_OK;
}

/* len is a whole number of sectors. */
int blk_read(uint64_t sector, void *buf, uint32_t len)
{
	return blk_rw(BLK_T_IN, sector, buf, len);
}

int blk_write(uint64_t sector, const void *buf, uint32_t len)
{
	return blk_rw(BLK_T_OUT, sector, (uint8_t *)buf, len);
}

/* Without the FLUSH feature the device writes through: nothing to do. */
int blk_flush(void)
{
	if (!(dev.features & 1ull << VIRTIO_BLK_F_FLUSH))
		return BLK_S_OK;
	return blk_request(BLK_T_FLUSH, 0, NULL, 0, false);
}

/* The device's serial number: up to 20 bytes, NUL-padded if shorter. */
int blk_get_id(char id[BLK_ID_BYTES + 1])
{
	int s;

	memset(id, 0, BLK_ID_BYTES + 1);
	s = blk_request(BLK_T_GET_ID, 0, id, BLK_ID_BYTES, true);
	id[BLK_ID_BYTES] = '\0';
	return s;
}
