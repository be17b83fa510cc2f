/*
 * nic.h - a network card as the hypervisor's drivers offer it: frames out,
 * frames in, polled (see docs/network.md for who uses it: the switch's
 * uplink port, hv/net/uplink.c).
 *
 * A frame is a whole Ethernet frame, destination MAC first, without the
 * FCS (the card adds and strips it).  Drivers copy frames in and out of
 * their own DMA buffers, so the caller's memory is never the card's.
 */
#ifndef DRIVERS_NIC_H
#define DRIVERS_NIC_H

#include "hv/lib/lib.h"

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_FRAME_MIN 14   /* a header; the card pads short frames */
#define ETH_FRAME_MAX 1514 /* header + 1500, no VLAN tag, no FCS */

struct nic;

struct nic_ops {
	/* Queue one frame to send (copied).  False when the transmit ring
	 * is full or the frame is not 14..ETH_FRAME_MAX bytes: it is not
	 * sent, and the caller counts it dropped. */
	bool (*send)(struct nic *n, const void *frame, uint32_t len);
	/* Hand at most `budget` frames received since the last call to
	 * n->receive, one call each, and give their buffers back to the
	 * card; returns how many.  Also reclaims sent buffers. */
	unsigned (*poll)(struct nic *n, unsigned budget);
};

struct nic {
	char name[16];	       /* "e1000-0", "vnet0" */
	char model[32];	       /* "Intel 82540EM", for the boot line */
	uint8_t mac[ETH_ALEN]; /* the card's own address */
	bool link_up;
	const struct nic_ops *ops;
	/* Where received frames go (set by whoever attaches the card);
	 * the frame is the driver's until the call returns. */
	void (*receive)(struct nic *n, const uint8_t *frame, uint32_t len);
	void *receive_ctx;
	struct nic_stats {
		uint64_t rx_frames, tx_frames, rx_errors, tx_dropped;
	} stats;
	void *priv;
	struct nic *next; /* the registry's list */
};

/* The registry of the machine's network cards, in the order found. */
void nic_register(struct nic *n);
struct nic *nic_first(void);

#endif
