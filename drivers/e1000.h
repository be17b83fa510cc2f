/*
 * e1000.h - Intel 8254x/8257x gigabit Ethernet (the e1000 family): QEMU's
 * default -device e1000 (82540EM), e1000e (82574L), and many real PCs.
 */
#ifndef DRIVERS_E1000_H
#define DRIVERS_E1000_H

/* Find every e1000-family card (pci_host_scan() first), reset it, set up
 * polled receive and transmit rings, and register it as a nic named
 * e1000-N.  Returns the number registered; what failed is said. */
unsigned e1000_probe(void);

#endif
