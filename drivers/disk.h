/*
 * disk.h - [Storage 1] a disk as the hypervisor's drivers offer it: whole sectors,
 * requests that the device works on while guests run, a flush.
 *
 * One struct disk per piece of storage: a SATA port (ahci.c), an NVMe
 * namespace (nvme.c), or a RAM disk made from a Multiboot2 module
 * (ramdisk.c).  Who uses a disk, and which part of it, is the storage
 * room's business (hv/storage/); a guest's virtio-blk device is served
 * from there (hv/virtio/virtio_blk.c).  docs/storage.md has the picture.
 *
 * A request (struct disk_io) names sectors from the start of the disk and
 * the memory they move to or from, as bus addresses (virt_to_phys() of a
 * pointer, hv/include/layout.h).  submit() starts it;
 * poll() looks again; the device works meanwhile.  Every request ends,
 * DONE or FAILED, within the driver's timeout: a device that does not
 * answer in time has the request failed and is reset by its driver, which
 * says which device, which request and why.
 */
#ifndef DRIVERS_DISK_H
#define DRIVERS_DISK_H

#include "hv/lib/lib.h"

enum disk_op { DISK_READ, DISK_WRITE, DISK_FLUSH };

enum disk_status {
	DISK_IDLE,   /* not submitted */
	DISK_BUSY,   /* the device has it */
	DISK_DONE,   /* finished: the data moved (or the cache is flushed) */
	DISK_FAILED, /* an error or a timeout; the driver said which */
};

/* Most pieces one request may move: enough for 128 KiB of scattered
 * 4 KiB pages, what Linux's virtio-blk sends with our seg_max. */
#define DISK_IO_MAX_SEGS 32

struct disk_seg {
	uintptr_t addr; /* bus address (physical; drv_dma_addr()) */
	uint32_t len;	/* bytes */
};

struct disk_io {
	enum disk_op op;
	uint64_t lba;	  /* first sector, from the start of the disk */
	uint32_t sectors; /* how many (0 for a flush) */
	unsigned nsegs;
	struct disk_seg seg[DISK_IO_MAX_SEGS]; /* adding up to sectors */
	/* The driver's: where the request is, and its own bookkeeping. */
	volatile enum disk_status status;
	uint64_t deadline_ns;
	int slot;
};

struct disk;

struct disk_ops {
	/* Start io (status BUSY), or fail it at once (status FAILED, the
	 * reason printed).  False only when the device has no free slot
	 * right now: io is untouched; submit it again on a later poll. */
	bool (*submit)(struct disk *d, struct disk_io *io);
	/* Look at a BUSY io again: it becomes DONE or FAILED once the
	 * device answers, or once its time is up (the device reset). */
	void (*poll)(struct disk *d, struct disk_io *io);
	/* True if the device can move io->seg[] as they are: each driver
	 * has its own alignment rules for DMA (AHCI: even addresses and
	 * lengths; NVMe: whole pages but the ends).  When false, the caller
	 * moves the data through a bounce buffer of its own. */
	bool (*dma_ok)(const struct disk *d, const struct disk_io *io);
};

struct disk {
	char name[16];	 /* "sata0", "nvme0n1", "ram" */
	char model[41];	 /* from IDENTIFY, trailing spaces trimmed */
	char serial[21]; /* the device's serial number, or "" */
	uint64_t sectors;
	uint32_t sector_size; /* 512 or 4096 bytes */
	uint32_t max_sectors; /* the largest request the driver takes */
	/* The "device" is our own memcpy (the RAM disk): its bytes are the
	 * hypervisor's work, charged to the guest's budget per exit. */
	bool cpu_copies;
	const struct disk_ops *ops;
	void *priv;
	struct disk *next; /* the registry's list */
};

/* How long a device may take over one request before its driver fails
 * it and resets the device (hypervisor option disk_timeout=, seconds). */
#define DISK_TIMEOUT_DEFAULT_MS 10000u
extern uint32_t disk_timeout_ms;

/* The registry of the machine's disks, in the order drivers found them. */
void disk_register(struct disk *d);
struct disk *disk_find(const char *name, size_t len);
struct disk *disk_first(void);

/* One request from start to end, waiting for it (boot-time reads of the
 * partition tables, the self-tests): submit, and poll until it ends.
 * buf must be DMA-able (drv_alloc_pages()); NULL for a flush.  True when
 * done. */
bool __must_check disk_io_sync(struct disk *d, enum disk_op op, uint64_t lba,
			       uint32_t sectors, void *buf);

/* The RAM disk: a Multiboot2 module at base (in the direct map), size bytes
 * rounded down to whole 512-byte sectors.  Writes change that memory: they
 * last until the machine powers off.  Not in the registry: it belongs to
 * the guest whose module it is. */
void ramdisk_init(struct disk *d, void *base, uint64_t size);

#endif
