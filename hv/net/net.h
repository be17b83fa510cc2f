/*
 * net.h - [Network] the network side of the hypervisor: switches between
 * guests (switch.c), and a network card of the machine's as one more port
 * of a switch, its uplink (uplink.c).  docs/network.md has the picture.
 */
#ifndef HV_NET_NET_H
#define HV_NET_NET_H

#include "hv/net/switch.h"

/* Every network card driver (after pci_host_scan()); prints each card,
 * and attaches the uplink the hypervisor options choose. */
void net_init(void);
/* Frames the uplink received since the last look, into its switch: at
 * most a budget's worth (called between guest entries, and when idle). */
void net_poll(void);
/* Is a card attached?  Then an idle machine must still look at it. */
bool net_has_uplink(void);

#endif
