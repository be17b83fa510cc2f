/*
 * blkdev.h - a block device as the hypervisor's virtio-blk backend sees
 * it: a size and three operations on byte ranges.  Today the only kind is
 * a RAM disk made from a Multiboot2 module (ramdisk.c); a real disk driver
 * implements the same four fields and plugs in without touching virtio.
 */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

struct blkdev {
	char name[16];
	uint64_t size; /* bytes; a multiple of 512 */
	bool readonly;
	/* True when done; false on an I/O error, which the driver has
	 * reported.  Ranges are already checked against size by the caller. */
	bool (*read)(struct blkdev *b, uint64_t off, void *buf, uint32_t len);
	bool (*write)(struct blkdev *b, uint64_t off, const void *buf,
		      uint32_t len);
	bool (*flush)(struct blkdev *b);
	void *priv;
};

/* A disk held in memory at base (identity-mapped), size bytes, rounded
 * down to whole sectors.  Writes change that memory: they last until the
 * machine powers off. */
void ramdisk_init(struct blkdev *b, const char *name, void *base, uint64_t size,
		  bool readonly);

#endif
