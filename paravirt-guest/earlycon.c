/*
 * earlycon.c - [Pvguest 13] the early console: one register of the virtio
 * console, written through PCI configuration space (ABI 11.5).
 *
 * The virtio console has a device-configuration field, emerg_wr, whose
 * low byte the device prints at once, whatever state the device is in:
 * no reset, no features, no queues.  And it can be reached without
 * mapping the device's registers at all, through the
 * "PCI-configuration-access" capability (virtio 1.0 4.1.4.7): a small
 * window in configuration space, where we say "BAR 0, offset X, length
 * 4" once and then every dword written to its data field becomes a write
 * to that register.  So from the first instruction of guest_main, with
 * nothing but port I/O, we can print; Linux's hvc early console does the
 * same.  A guest that dies before its console driver is ready still says
 * why.
 *
 * Linux writes bar, length and offset again before every character.  The
 * hypervisor keeps them, and nothing else of ours touches the window, so
 * we set them once: each character then costs two trapped port writes
 * (the address latch and the data), not five.
 */
#include "earlycon.h"
#include "pci.h"

#define EARLYCON_SLOT 1		     /* the console is always 00:01.0 */
#define VIRTIO_CONSOLE_ID 0x10431af4 /* device 0x1043, vendor 0x1af4 */
#define CAP_DEVICE_CFG 4	     /* virtio 1.0 4.1.4: cfg_type values */
#define CAP_PCI_CFG 5
#define CAP_BAR 4 /* offsets in a virtio capability */
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_DATA 16	   /* only in the access capability */
#define EMERG_WR 8	   /* in the console's configuration */
#define CONSOLE_CFG_MIN 12 /* cols, rows, max_nr_ports, emerg_wr */

static unsigned int window; /* the access capability; 0: no early console */

bool earlycon_init(void)
{
	unsigned int dev_cfg, cap;

	if (pci_read32(EARLYCON_SLOT, 0) != VIRTIO_CONSOLE_ID)
		return false;
	dev_cfg = pci_vendor_cap(EARLYCON_SLOT, CAP_DEVICE_CFG);
	cap = pci_vendor_cap(EARLYCON_SLOT, CAP_PCI_CFG);
	if (!dev_cfg || !cap || pci_read8(EARLYCON_SLOT, dev_cfg + CAP_BAR) ||
	    pci_read32(EARLYCON_SLOT, dev_cfg + CAP_LENGTH) < CONSOLE_CFG_MIN)
		return false;
	pci_write8(EARLYCON_SLOT, cap + CAP_BAR, 0);
	pci_write32(EARLYCON_SLOT, cap + CAP_LENGTH, 4);
	pci_write32(EARLYCON_SLOT, cap + CAP_OFFSET,
		    pci_read32(EARLYCON_SLOT, dev_cfg + CAP_OFFSET) + EMERG_WR);
	window = cap;
	return true;
}

bool earlycon_ready(void)
{
	return window != 0;
}

void earlycon_write(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		pci_write32(EARLYCON_SLOT, window + CAP_DATA, (uint8_t)s[i]);
}
