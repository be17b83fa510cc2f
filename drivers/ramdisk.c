/*
 * ramdisk.c - a block device in memory (see blkdev.h).  The disk image
 * GRUB loaded as a module is the disk itself; nothing is copied.
 */
#include "drivers/blkdev.h"
#include "hv/lib/lib.h"

static bool ram_read(struct blkdev *b, uint64_t off, void *buf, uint32_t len)
{
	hv_memcpy(buf, (uint8_t *)b->priv + off, len);
	return true;
}

static bool ram_write(struct blkdev *b, uint64_t off, const void *buf,
		      uint32_t len)
{
	hv_memcpy((uint8_t *)b->priv + off, buf, len);
	return true;
}

static bool ram_flush(struct blkdev *b)
{
	(void)b;
	return true; /* memory is as durable as this disk gets */
}

void ramdisk_init(struct blkdev *b, const char *name, void *base, uint64_t size,
		  bool readonly)
{
	hv_strlcpy(b->name, name, sizeof(b->name));
	b->size = size & ~511ull;
	b->readonly = readonly;
	b->read = ram_read;
	b->write = ram_write;
	b->flush = ram_flush;
	b->priv = base;
}
