/*
 * devices.c - [Devices 7] which devices a guest gets, and where.
 *
 * Every guest has a console at PCI slot 1 (IRQ 1); a guest with a "disk"
 * module also has a block device at slot 2 (IRQ 2).  Their registers sit
 * in the device window above RAM, from RAM + 1 MiB, 128 bytes each, as in
 * the reference (ABI section 11.4).  The first guest with a console owns
 * the keyboard: input typed on the serial port goes to it.
 */
#include "guest.h"
#include "hv.h"
#include "printk.h"
#include "virtio.h"
#include "../drivers/blkdev.h"
#include "../drivers/uart.h"

extern const struct virtio_ops virtio_console_ops, virtio_blk_ops;
void virtio_console_input(struct virtio_dev *d);

#define DEVICE_WINDOW_GAP MiB(1)

static struct blkdev disks[MAX_GUESTS];
static struct guest *input_owner;
static bool hook_set;

/* Typed input goes to the first guest that is still running: when the
 * one that had it stops, the next one takes over the keyboard. */
static void console_input_ready(void)
{
	if (!input_owner || !guest_alive(input_owner)) {
		struct guest *next = guest_first_alive();

		if (!next)
			return; /* nobody to read it: it waits in the UART */
		if (input_owner)
			printk("hv: console input now goes to guest %s\n",
			       next->name);
		input_owner = next;
	}
	virtio_console_input(&input_owner->devs[0]);
}

static void add_device(struct guest *g, const struct virtio_ops *ops,
		       void *backend)
{
	struct virtio_dev *d = &g->devs[g->ndevs];

	hv_memset(d, 0, sizeof(*d));
	d->g = g;
	d->ops = ops;
	d->backend = backend;
	d->slot = (uint8_t)(g->ndevs + 1);
	d->irq = (uint8_t)(g->ndevs + 1);
	d->bar0 = g->mem_size + DEVICE_WINDOW_GAP + g->ndevs * VIRTIO_BAR_SIZE;
	g->pci.dev[d->slot] = d;
	g->ndevs++;
	virtio_reset(d);
}

bool devices_create(struct guest *g)
{
	const struct guest_config *cfg = g->cfg;

	hv_memset(&g->pci, 0, sizeof(g->pci));
	g->ndevs = 0;
	add_device(g, &virtio_console_ops, NULL);
	if (cfg->disk_mod >= 0) {
		const struct boot_module *m = &boot_info.mods[cfg->disk_mod];
		struct blkdev *b = &disks[g->id];
		uint32_t len = m->end - m->start;

		ramdisk_init(b, "vda", (void *)(uintptr_t)m->start, len,
			     cfg->disk_readonly);
		if (b->size == 0) {
			printk("hv: guest %s: disk module is %u bytes, less "
			       "than one sector\n",
			       g->name, len);
			return false;
		}
		if (b->size != len)
			printk("hv: guest %s: disk is %u bytes; the last %u "
			       "(not a whole sector) are ignored\n",
			       g->name, len, (unsigned)(len - b->size));
		add_device(g, &virtio_blk_ops, b);
		pr_info("hv: guest %s: disk %u MiB%s\n", g->name,
			(unsigned)(b->size >> 20),
			b->readonly ? ", read-only" : "");
	}
	g->mmio_end =
		PAGE_ROUND_UP(g->devs[g->ndevs - 1].bar0 + VIRTIO_BAR_SIZE);
	if (!input_owner)
		input_owner = g;
	if (!hook_set) {
		uart_set_input_hook(console_input_ready);
		hook_set = true;
	}
	return true;
}

void devices_destroy(struct guest *g)
{
	if (input_owner == g)
		input_owner = NULL;
	g->ndevs = 0;
	hv_memset(&g->pci, 0, sizeof(g->pci));
}

struct virtio_dev *devices_find_bar(struct guest *g, uint32_t gpa)
{
	for (unsigned i = 0; i < g->ndevs; i++) {
		struct virtio_dev *d = &g->devs[i];
		if (gpa >= d->bar0 && gpa - d->bar0 < VIRTIO_BAR_SIZE)
			return d;
	}
	return NULL;
}

void devices_console_input(struct guest *g)
{
	if (g->ndevs)
		virtio_console_input(&g->devs[0]);
}
