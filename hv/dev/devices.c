/*
 * devices.c - [Devices 10] which devices a guest gets, and where.
 *
 * Every guest has a console at PCI slot 1 (IRQ 1); a guest with a disk (a
 * "disk" module, or disk=DEV naming real storage: hv/storage/) also has
 * a block device at slot 2 (IRQ 2); then, for all, the entropy device,
 * in the next slot with the next IRQ.  Their registers sit
 * in the device window above RAM, from RAM + 1 MiB, 128 bytes each, as in
 * the reference (ABI section 11.4).  One guest at a time has the
 * console: what is typed on the serial port or the keyboard goes to it.
 */
#include "hv/dev/devices.h"
#include "hv/guest/guest.h"
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"
#include "hv/mm/pmem_hv.h"
#include "hv/setup/bootinfo.h"

#define DEVICE_WINDOW_GAP MiB(1)

static struct guest *input_owner;
static bool hook_set;

/* The one place the console changes hands, so has_console is true of
 * the owner alone. */
static void set_owner(struct guest *g)
{
	if (input_owner)
		input_owner->has_console = false;
	input_owner = g;
	if (g)
		g->has_console = true;
}

/* Typed input goes to the guest given the console (the first one, or
 * the one the console monitor moved it to: hv/core/monitor.c); when that
 * one stops, the first that is still running takes over the keyboard. */
static struct guest *current_owner(void)
{
	if (!input_owner || !guest_alive(input_owner)) {
		struct guest *next = guest_first_alive();

		if (!next)
			return NULL; /* nobody to read it: it waits */
		if (input_owner)
			printk("hv: console input now goes to guest %s\n",
			       next->name);
		set_owner(next);
	}
	return input_owner;
}

static void console_input_ready(void)
{
	struct guest *g = current_owner();

	if (g)
		virtio_console_input(&g->dev->virtio[0]);
}

struct guest *devices_console_owner(void)
{
	return current_owner();
}

void devices_give_console(struct guest *g)
{
	if (g && g->dev && g->dev->n)
		set_owner(g);
}

static unsigned work_pages(const struct virtio_ops *ops)
{
	return ops->work_pages ? ops->work_pages : 1;
}

static bool add_device(struct guest *g, const struct virtio_ops *ops,
		       void *backend)
{
	struct virtio_dev *d = &g->dev->virtio[g->dev->n];

	hv_memset(d, 0, sizeof(*d));
	d->g = g;
	d->ops = ops;
	d->backend = backend;
	d->work = pages_alloc_contig(work_pages(ops), 1); /* zeroed: no work */
	if (!d->work) {
		printk("hv: guest %s: refused: no memory for its %s device\n",
		       g->name, ops->name);
		return false;
	}
	d->slot = (uint8_t)(g->dev->n + 1);
	d->irq = (uint8_t)(g->dev->n + 1);
	d->bar0 = g->mem_size + DEVICE_WINDOW_GAP + g->dev->n * VIRTIO_BAR_SIZE;
	g->dev->pci.dev[d->slot] = d;
	g->dev->n++;
	virtio_reset(d);
	return true;
}

/* The "disk" module: a RAM disk, the module's memory itself. */
static bool open_ram_disk(struct guest *g, const struct guest_config *cfg)
{
	const struct boot_module *m = &boot_info.mods[cfg->disk_mod];
	struct disk *ram = &g->dev->ram;
	uint32_t len = m->end - m->start;

	ramdisk_init(ram, phys_to_virt(m->start), len);
	if (ram->sectors == 0) {
		printk("hv: guest %s: disk module is %u bytes, less than one "
		       "sector\n",
		       g->name, len);
		return false;
	}
	if (ram->sectors * 512 != len)
		printk("hv: guest %s: disk is %u bytes; the last %u (not a "
		       "whole sector) are ignored\n",
		       g->name, len, (unsigned)(len - ram->sectors * 512));
	return volume_open_ram(&g->dev->volume, ram, cfg->disk_readonly,
			       g->name);
}

/* A locally administered address (52:54:00, as QEMU's) from the guest's
 * name, so the same configuration gives the same MAC every boot. */
static void mac_from_name(const char *name, uint8_t mac[ETH_ALEN])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

/* net=SWITCH: a network card on that switch, with a MAC nobody else has. */
static bool add_network(struct guest *g, const struct guest_config *cfg)
{
	struct guest_nic *n = &g->dev->nic;
	struct net_switch *sw = switch_get(cfg->net_switch);
	uint8_t mac[ETH_ALEN];
	const char *owner;

	if (cfg->net_mac_given)
		hv_memcpy(mac, cfg->net_mac, ETH_ALEN);
	else
		mac_from_name(g->name, mac);
	owner = switch_mac_owner(mac);
	if (owner) {
		printk("hv: guest %s: refused: MAC "
		       "%02x:%02x:%02x:%02x:%02x:%02x is %s's already\n",
		       g->name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		       owner);
		return false;
	}
	if (!sw) {
		printk("hv: guest %s: refused: switch %s would be one more "
		       "than the %d there can be\n",
		       g->name, cfg->net_switch, SWITCH_MAX);
		return false;
	}
	if (!add_device(g, &virtio_net_ops, n))
		return false;
	guest_nic_init(n, &g->dev->virtio[g->dev->n - 1], mac, g->name);
	if (!switch_attach(sw, &n->port))
		return false;
	pr_info("hv: guest %s: network on switch %s, MAC "
		"%02x:%02x:%02x:%02x:%02x:%02x\n",
		g->name, cfg->net_switch, mac[0], mac[1], mac[2], mac[3],
		mac[4], mac[5]);
	return true;
}

/* What the guest's network card did, once, as it stops for good. */
static void print_net_stats(const struct guest *g)
{
	const struct guest_nic *n = &g->dev->nic;
	const struct port_stats *s = &n->port.stats;

	printk("hv: guest %s: network: sent %llu frames (%llu bytes), "
	       "received %llu (%llu bytes); dropped: %llu with no receive "
	       "buffer, %llu bad (%llu wrong length, %llu not its MAC), %llu "
	       "buffers too small\n",
	       g->name, (unsigned long long)s->in_frames,
	       (unsigned long long)s->in_bytes,
	       (unsigned long long)s->out_frames,
	       (unsigned long long)s->out_bytes,
	       (unsigned long long)s->dropped_full,
	       (unsigned long long)s->dropped_bad,
	       (unsigned long long)n->bad_length,
	       (unsigned long long)n->bad_source,
	       (unsigned long long)n->small_buffers);
}

bool devices_create(struct guest *g)
{
	const struct guest_config *cfg = g->cfg;

	_Static_assert(sizeof(struct guest_devices) <= PAGE_SIZE,
		       "a guest's device state must fit its one page");
	g->dev = page_alloc(); /* zeroed: no devices, an idle PCI latch */
	if (!g->dev) {
		printk("hv: guest %s: refused: no memory for its devices\n",
		       g->name);
		return false;
	}
	if (!add_device(g, &virtio_console_ops, NULL))
		return false;
	if (cfg->disk_mod >= 0 || cfg->disk_spec[0]) {
		struct volume *v = &g->dev->volume;

		if (!(cfg->disk_mod >= 0
			      ? open_ram_disk(g, cfg)
			      : volume_open(v, cfg->disk_spec,
					    cfg->disk_readonly, g->name)))
			return false;
		if (!add_device(g, &virtio_blk_ops, v))
			return false;
		pr_info("hv: guest %s: disk %s, %llu MiB%s\n", g->name, v->name,
			(unsigned long long)(v->sectors *
						     v->disk->sector_size >>
					     20),
			v->readonly ? ", read-only" : "");
	}
	if (!add_device(g, &virtio_rng_ops, NULL))
		return false;
	if (cfg->net_switch[0] && !add_network(g, cfg))
		return false;
	/* LAB virtio-notes: BEGIN SOLUTION */
	if (cfg->notes && !add_device(g, &virtio_notes_ops, NULL))
		return false;
	/* LAB virtio-notes: END */
	g->mmio_end = PAGE_ROUND_UP(g->dev->virtio[g->dev->n - 1].bar0 +
				    VIRTIO_BAR_SIZE);
	if (!input_owner)
		set_owner(g);
	if (!hook_set) {
		console_set_input_hook(console_input_ready);
		hook_set = true;
	}
	return true;
}

/* What the guest's disk did, once, as it stops for good. */
static void print_disk_stats(const struct guest *g)
{
	const struct volume *v = &g->dev->volume;
	const struct volume_stats *s = &v->stats;

	if (!v->disk)
		return;
	printk("hv: guest %s: disk %s: %llu reads (%llu KiB), %llu writes "
	       "(%llu KiB), %llu flushes, %llu failed; %llu disk requests, "
	       "%llu through the bounce buffer\n",
	       g->name, v->name, (unsigned long long)s->reads,
	       (unsigned long long)(s->bytes_read >> 10),
	       (unsigned long long)s->writes,
	       (unsigned long long)(s->bytes_written >> 10),
	       (unsigned long long)s->flushes, (unsigned long long)s->failed,
	       (unsigned long long)s->pieces, (unsigned long long)s->bounced);
}

void devices_destroy(struct guest *g)
{
	if (input_owner == g)
		set_owner(NULL);
	if (!g->dev)
		return;
	if (g->dev->nic.port.sw) {
		print_net_stats(g);
		switch_detach(&g->dev->nic.port);
	}
	/* A reset first: a disk request in flight ends before the memory
	 * it moves into is freed (virtio_blk.c). */
	for (unsigned i = 0; i < g->dev->n; i++) {
		virtio_reset(&g->dev->virtio[i]);
		pages_free(g->dev->virtio[i].work,
			   work_pages(g->dev->virtio[i].ops));
	}
	if (g->dev->volume.disk) {
		print_disk_stats(g);
		volume_close(&g->dev->volume);
	}
	page_free(g->dev);
	g->dev = NULL;
}

void devices_reset(struct guest *g)
{
	pit2_reset(&g->dev->pit2);
	cmos_reset(&g->dev->cmos);
	for (unsigned i = 0; i < g->dev->n; i++)
		virtio_reset(&g->dev->virtio[i]);
}

struct virtio_dev *devices_find_bar(struct guest *g, uint32_t gpa)
{
	for (unsigned i = 0; i < g->dev->n; i++) {
		struct virtio_dev *d = &g->dev->virtio[i];
		if (gpa >= d->bar0 && gpa - d->bar0 < VIRTIO_BAR_SIZE)
			return d;
	}
	return NULL;
}

void devices_console_input(struct guest *g)
{
	if (g->dev->n)
		virtio_console_input(&g->dev->virtio[0]);
}

/*
 * [Devices 11] Bounded work per exit.  No device does more for a guest in
 * one exit than its budget allows (the console writes 256 bytes, the disk
 * moves 1 MiB); what is left waits in the device's work page and goes on
 * here, after each of the guest's exits, and between slices for a guest
 * that sleeps while its device works (hv/core/sched.c).  So one exit
 * takes at most a budget of each device's time, whatever the guest asked,
 * and the other guests and the hypervisor keep their turns.  True while
 * work is still left.
 */
bool devices_poll(struct guest *g)
{
	bool busy = false;

	for (unsigned i = 0; i < g->dev->n; i++) {
		virtio_poll(&g->dev->virtio[i]);
		busy |= g->dev->virtio[i].busy;
	}
	return busy;
}

bool devices_busy(const struct guest *g)
{
	for (unsigned i = 0; i < g->dev->n; i++)
		if (g->dev->virtio[i].busy)
			return true;
	return false;
}

bool devices_only_waiting(const struct guest *g)
{
	for (unsigned i = 0; i < g->dev->n; i++)
		if (g->dev->virtio[i].busy && !g->dev->virtio[i].waiting)
			return false;
	return true;
}
