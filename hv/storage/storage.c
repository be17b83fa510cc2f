/*
 * storage.c - [Storage 5] find the machine's disks (see storage.h).
 *
 * Once at boot, before any guest starts: list the PCI functions, let each
 * disk driver claim its controllers, and say what each disk is.  A guest's
 * module line then names one of them (volume.c).
 */
#include "hv/storage/storage.h"
#include "drivers/ahci.h"
#include "drivers/nvme.h"
#include "hv/lib/printk.h"

void storage_init(void)
{
	ahci_probe();
	nvme_probe();
	for (struct disk *d = disk_first(); d; d = d->next)
		printk("hv: disk %s: %s, %llu MiB, %u-byte sectors%s%s\n",
		       d->name, d->model,
		       (unsigned long long)(d->sectors * d->sector_size >> 20),
		       d->sector_size, d->serial[0] ? ", serial " : "",
		       d->serial);
}
