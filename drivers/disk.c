/*
 * disk.c - the registry of the machine's disks, and boot-time reads
 * (see disk.h).
 */
#include "drivers/disk.h"
#include "hv/include/layout.h"

uint32_t disk_timeout_ms = DISK_TIMEOUT_DEFAULT_MS;

static struct disk *first, **tail = &first;

void disk_register(struct disk *d)
{
	d->next = NULL;
	*tail = d;
	tail = &d->next;
}

struct disk *disk_find(const char *name, size_t len)
{
	for (struct disk *d = first; d; d = d->next)
		if (hv_strlen(d->name) == len &&
		    hv_strncmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

struct disk *disk_first(void)
{
	return first;
}

bool disk_io_sync(struct disk *d, enum disk_op op, uint64_t lba,
		  uint32_t sectors, void *buf)
{
	struct disk_io io = { .op = op, .lba = lba, .sectors = sectors };

	if (op != DISK_FLUSH) {
		if (sectors == 0 || sectors > d->max_sectors ||
		    lba + sectors > d->sectors)
			return false;
		io.nsegs = 1;
		io.seg[0].addr = virt_to_phys(buf);
		io.seg[0].len = sectors * d->sector_size;
	}
	/* The driver's timeout bounds both loops. */
	while (!d->ops->submit(d, &io))
		;
	while (io.status == DISK_BUSY)
		d->ops->poll(d, &io);
	return io.status == DISK_DONE;
}
