/*
 * switch.h - [Network] the Ethernet switches inside the hypervisor.
 *
 * A switch has ports: a guest's virtio-net device (hv/virtio/virtio_net.c)
 * or a real network card (hv/net/uplink.c).  It learns which source MAC
 * lives behind which port, forwards a unicast frame to the one port that
 * has its destination, and floods broadcast, multicast and unknown
 * destinations to every other port.  A frame is delivered at once, by
 * copy, into whatever the receiving port offers (a guest's posted buffers,
 * a card's transmit ring); a port with no room loses the frame and counts
 * it, so a guest that never drains its receive queue loses only its own
 * traffic and never holds the switch or anyone else.  docs/network.md
 * has the picture.
 */
#ifndef HV_NET_SWITCH_H
#define HV_NET_SWITCH_H

#include "drivers/nic.h"

#define SWITCH_MAX 4 /* switches in all */
#define SWITCH_NAME_MAX 16
#define SWITCH_PORTS 8 /* ports on one switch */
#define SWITCH_MACS 64 /* learned addresses kept per switch */

struct net_switch;

struct port_stats {
	uint64_t in_frames, in_bytes;	/* from this port into the switch */
	uint64_t out_frames, out_bytes; /* delivered to this port */
	uint64_t dropped_full;		/* no room at this port: lost */
	uint64_t dropped_bad;		/* refused from it: runt, too long */
};

struct net_port {
	char name[24];	       /* "guest pv0", "uplink e1000-0" */
	struct net_switch *sw; /* NULL while detached */
	/* Take a frame (copy it); false when there is no room: dropped. */
	bool (*deliver)(struct net_port *p, const uint8_t *frame, uint32_t len);
	void *owner;
	uint8_t mac[ETH_ALEN]; /* the address its owner was given, if any */
	bool has_mac;
	struct port_stats stats;
};

/* Is mac given to a port already (any switch)?  Its name, or NULL. */
const char *switch_mac_owner(const uint8_t mac[ETH_ALEN]);

/* The switch named name (letters, digits, '-', '_'), made on first use;
 * NULL when SWITCH_MAX exist already. */
struct net_switch *switch_get(const char *name);
const char *switch_name(const struct net_switch *sw);
/* Plug p in; false (said why) when the switch has no free port. */
bool __must_check switch_attach(struct net_switch *sw, struct net_port *p);
/* Unplug p: what was learned behind it is forgotten. */
void switch_detach(struct net_port *p);
/* A frame that came in on port `from`: checked (14..ETH_FRAME_MAX bytes,
 * else counted as dropped_bad), its source learned, and forwarded. */
void switch_input(struct net_port *from, const uint8_t *frame, uint32_t len);

#endif
