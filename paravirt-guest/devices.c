/*
 * devices.c - [Pvguest 11] from "is anybody there?" to a console, a
 * disk and random bytes.
 *
 * The hypervisor gives every guest a PCI bus (ABI 11.1-11.2): a host
 * bridge, the virtio console at 00:01.0, when a disk was configured the
 * virtio block device at 00:02.0, then the entropy device, and when the
 * guest is on a switch (net= on its kernel line), a virtio network card.
 * We start them in the order Linux does, and for the same reason:
 *
 *   1. the early console (earlycon.c): output with no set-up at all, so
 *      that everything after it, failures included, can be seen;
 *   2. PCI: check that configuration mechanism #1 works (pci.c);
 *   3. the console driver (virtio_console.c): from here on our output
 *      goes through its transmit queue;
 *   4. the block driver (virtio_blk.c), and the file system on it
 *      (pvfs.c), from which exec then loads programs;
 *   5. the entropy driver (virtio_rng.c), for the shell's "random";
 *   6. the network driver (virtio_net.c), which posts its receive
 *      buffers at once; the stack above it (net.c) needs no start-up,
 *      only an address (setup.c's ip=);
 *   7. the notes driver (virtio_notes.c), when the hypervisor gave us
 *      the device (notes=on): it polls, so it has no interrupt.
 *
 * Their interrupts are turned on later, by devices_enable_irqs(), once
 * our IDT exists (proc_init): until then the hypervisor holds them for
 * us, and the drivers poll.  Some of the test guest's cases must
 * misbehave before any of that; they never call it.
 */
#include "blk.h"
#include "console.h"
#include "devices.h"
#include "earlycon.h"
#include "notes.h"
#include "pci.h"
#include "pvfs.h"
#include "rng.h"
#include "virtio_console.h"
#include "virtio_net.h"

void devices_init(bool early_console_only)
{
	if (earlycon_init())
		printf("guest: console: early output through emerg_wr of PCI "
		       "00:01.0, by its configuration access window\n");
	if (!pci_probe()) {
		printf("guest: pci: no configuration mechanism #1, so no "
		       "devices\n");
		return;
	}
	if (!early_console_only)
		vcon_init();
	if (vblk_init())
		pvfs_mount();
	vrng_init();
	vnet_init();
	vnotes_init();
}

void devices_enable_irqs(void)
{
	vcon_enable_irq();
	vblk_enable_irq();
	vrng_enable_irq();
	vnet_enable_irq();
}
