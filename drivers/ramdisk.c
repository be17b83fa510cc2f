/*
 * ramdisk.c - a disk in memory (see disk.h).  The disk image GRUB loaded
 * as a module is the disk itself; nothing is copied.  Its requests end
 * the moment they are submitted: a memcpy per piece.
 */
#include "drivers/disk.h"
#include "hv/include/layout.h"

#define RAM_SECTOR 512u

static bool ram_submit(struct disk *d, struct disk_io *io)
{
	uint8_t *p = (uint8_t *)d->priv + io->lba * RAM_SECTOR;

	for (unsigned i = 0; i < io->nsegs; i++) {
		void *mem = phys_to_virt(io->seg[i].addr);

		if (io->op == DISK_READ)
			hv_memcpy(mem, p, io->seg[i].len);
		else if (io->op == DISK_WRITE)
			hv_memcpy(p, mem, io->seg[i].len);
		p += io->seg[i].len;
	}
	io->status = DISK_DONE; /* memory is as durable as this disk gets */
	return true;
}

static void ram_poll(struct disk *d, struct disk_io *io)
{
	(void)d;
	(void)io; /* never busy */
}

static bool ram_dma_ok(const struct disk *d, const struct disk_io *io)
{
	(void)d;
	(void)io;
	return true; /* memcpy takes any piece */
}

static const struct disk_ops ram_ops = {
	.submit = ram_submit,
	.poll = ram_poll,
	.dma_ok = ram_dma_ok,
};

void ramdisk_init(struct disk *d, void *base, uint64_t size)
{
	hv_memset(d, 0, sizeof(*d));
	hv_strlcpy(d->name, "ram", sizeof(d->name));
	hv_strlcpy(d->model, "RAM disk module", sizeof(d->model));
	d->sectors = size / RAM_SECTOR;
	d->sector_size = RAM_SECTOR;
	/* A piece is one memcpy: 1 MiB at most, a bounded stretch of work. */
	d->max_sectors = (1u << 20) / RAM_SECTOR;
	d->cpu_copies = true;
	d->ops = &ram_ops;
	d->priv = base;
}
