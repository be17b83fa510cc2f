/*
 * devices.h - a guest's devices and how it reaches them: its PCI bus
 * (configuration space through ports 0xCF8/0xCFC), the device window of
 * BARs above its RAM, the one legacy timer channel Linux reads, and a
 * read-only CMOS clock.
 *
 *   devices.c   which devices a guest gets, and where
 *   pci.c       configuration space images
 *   mmio.c      a fault in the device window becomes a register access
 *               (with decode.c)
 *   ports.c     what in and out reach; pit_emul.c, the 8254's channel 2;
 *               cmos_emul.c, the clock at 0x70/0x71
 *
 * The devices themselves are virtio devices (hv/virtio/).
 */
#ifndef HV_DEV_DEVICES_H
#define HV_DEV_DEVICES_H

#include "drivers/disk.h"
#include "hv/dev/cmos_emul.h"
#include "hv/dev/pit_emul.h"
#include "hv/lib/lib.h"
#include "hv/storage/volume.h"
#include "hv/virtio/virtio.h"
#include "hv/virtio/virtio_net.h"

struct guest;

/* pci.c: a guest's PCI bus. */
#define PCI_MAX_DEVICES 8
struct pci_bus {
	uint32_t latch; /* the 0xCF8 configuration address */
	struct virtio_dev *dev[PCI_MAX_DEVICES]; /* by slot; 0 = bridge */
};
uint32_t pci_config_read(struct pci_bus *bus, unsigned port, unsigned size);
void pci_config_write(struct pci_bus *bus, unsigned port, unsigned size,
		      uint32_t val);
/* pure: the configuration space image of a device (256 bytes) */
void pci_config_image(const struct virtio_dev *d, uint8_t cs[256]);

/* Everything device-side a guest has, reached from struct guest's `dev`
 * (one page, allocated with the guest's devices and freed with them). */
#define GUEST_MAX_DEVICES 5 /* console, disk, network, entropy, notes */
struct guest_devices {
	struct pci_bus pci;
	struct virtio_dev virtio[GUEST_MAX_DEVICES];
	unsigned n;		  /* how many of virtio[] exist */
	struct volume volume;	  /* the block device's backend, if any */
	struct disk ram;	  /* the RAM disk module, if that is it */
	struct guest_nic nic;	  /* the network card's port, if any */
	struct pit_channel2 pit2; /* the timer channel Linux measures with */
	struct cmos_rtc cmos;	  /* the clock's index register */
};

/* devices.c: a guest's devices. */
bool devices_create(struct guest *g);
void devices_destroy(struct guest *g);
/* Back to power-on state (a guest restart; RAM is reloaded separately). */
void devices_reset(struct guest *g);
struct virtio_dev *devices_find_bar(struct guest *g, uint32_t gpa);
void devices_console_input(struct guest *g); /* new bytes at the UART */
/* The guest typed input goes to (NULL: none is running), and giving it
 * to another (a running guest; the console monitor does). */
struct guest *devices_console_owner(void);
void devices_give_console(struct guest *g);
/* Bounded work per exit: go on with what the devices' budgets left (after
 * each exit, or for a guest that sleeps); true while some is still left. */
bool devices_poll(struct guest *g);
bool devices_busy(const struct guest *g);
/* Busy, but only waiting for real hardware (a disk) to answer. */
bool devices_only_waiting(const struct guest *g);

/* mmio.c: a page fault at linear address cr2 (error code err) that the
 * shadow walk found at gpa in the device window. */
enum mmio_result {
	MMIO_DONE,    /* emulated: EIP is past the instruction */
	MMIO_REFLECT, /* no register there, or not an instruction we
			 emulate: the guest's own #PF (section 11.6) */
	MMIO_KILLED,  /* an access straddling registers or pages: the
			 guest was killed with the reason */
};
enum mmio_result mmio_emulate(struct guest *g, uint32_t cr2, uint32_t gpa,
			      uint32_t err);

#endif
