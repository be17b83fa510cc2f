/*
 * switch.c - [Network 2] a learning Ethernet switch (see switch.h).
 *
 * The table of learned addresses is small and fixed (SWITCH_MACS per
 * switch): an entry is the MAC, the port it was last seen on, and when.
 * When the table is full the entry not seen for longest gives way, so a
 * guest that sends from a thousand made-up addresses can only make the
 * switch flood more, never grow it or make it forget faster than it
 * learns.  Frames are never queued here: each is delivered by copy in the
 * exit that sent it, so the switch holds no memory per frame at all; the
 * bounds are the senders' budgets (virtio_net.c) and the receivers' room.
 */
#include "hv/net/switch.h"
#include "hv/lib/printk.h"

struct mac_entry {
	uint8_t mac[ETH_ALEN];
	struct net_port *port; /* NULL: a free entry */
	uint64_t seen;	       /* the switch's frame count when last seen */
};

struct net_switch {
	char name[SWITCH_NAME_MAX];
	struct net_port *port[SWITCH_PORTS];
	struct mac_entry macs[SWITCH_MACS];
	uint64_t frames; /* frames in, the clock of the table */
};

static struct net_switch switches[SWITCH_MAX];

struct net_switch *switch_get(const char *name)
{
	struct net_switch *free = NULL;

	for (int i = 0; i < SWITCH_MAX; i++) {
		if (!switches[i].name[0]) {
			if (!free)
				free = &switches[i];
			continue;
		}
		if (!hv_strcmp(switches[i].name, name))
			return &switches[i];
	}
	if (free)
		hv_strlcpy(free->name, name, sizeof(free->name));
	return free;
}

const char *switch_name(const struct net_switch *sw)
{
	return sw->name;
}

bool switch_attach(struct net_switch *sw, struct net_port *p)
{
	for (int i = 0; i < SWITCH_PORTS; i++)
		if (!sw->port[i]) {
			sw->port[i] = p;
			p->sw = sw;
			return true;
		}
	printk("hv: switch %s: all %d ports in use; %s not connected\n",
	       sw->name, SWITCH_PORTS, p->name);
	return false;
}

void switch_detach(struct net_port *p)
{
	struct net_switch *sw = p->sw;

	if (!sw)
		return;
	for (int i = 0; i < SWITCH_PORTS; i++)
		if (sw->port[i] == p)
			sw->port[i] = NULL;
	for (int i = 0; i < SWITCH_MACS; i++)
		if (sw->macs[i].port == p)
			sw->macs[i].port = NULL;
	p->sw = NULL;
}

static bool is_multicast(const uint8_t *mac)
{
	return mac[0] & 1; /* the group bit: broadcast is one of these */
}

/* Remember that `mac` lives behind port p. */
static void learn(struct net_switch *sw, struct net_port *p, const uint8_t *mac)
{
	struct mac_entry *slot = NULL;

	if (is_multicast(mac))
		return; /* never a sender's own address */
	for (int i = 0; i < SWITCH_MACS; i++) {
		struct mac_entry *e = &sw->macs[i];

		if (e->port && !hv_memcmp(e->mac, mac, ETH_ALEN)) {
			slot = e; /* known: it may have moved */
			break;
		}
		if (!slot || (slot->port && (!e->port || e->seen < slot->seen)))
			slot = e; /* a free entry, else the stalest */
	}
	hv_memcpy(slot->mac, mac, ETH_ALEN);
	slot->port = p;
	slot->seen = sw->frames;
}

static struct net_port *lookup(struct net_switch *sw, const uint8_t *mac)
{
	for (int i = 0; i < SWITCH_MACS; i++)
		if (sw->macs[i].port &&
		    !hv_memcmp(sw->macs[i].mac, mac, ETH_ALEN))
			return sw->macs[i].port;
	return NULL;
}

static void deliver(struct net_port *to, const uint8_t *frame, uint32_t len)
{
	if (!to->deliver(to, frame, len)) {
		to->stats.dropped_full++;
		return;
	}
	to->stats.out_frames++;
	to->stats.out_bytes += len;
}

void switch_input(struct net_port *from, const uint8_t *frame, uint32_t len)
{
	struct net_switch *sw = from->sw;
	struct net_port *to;

	if (!sw)
		return;
	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX) {
		from->stats.dropped_bad++;
		return;
	}
	from->stats.in_frames++;
	from->stats.in_bytes += len;
	sw->frames++;
	learn(sw, from, frame + ETH_ALEN);
	to = is_multicast(frame) ? NULL : lookup(sw, frame);
	if (to) {
		if (to != from) /* a frame for its own port goes nowhere */
			deliver(to, frame, len);
		return;
	}
	for (int i = 0; i < SWITCH_PORTS; i++)
		if (sw->port[i] && sw->port[i] != from)
			deliver(sw->port[i], frame, len);
}

const char *switch_mac_owner(const uint8_t mac[ETH_ALEN])
{
	for (int i = 0; i < SWITCH_MAX; i++)
		for (int k = 0; k < SWITCH_PORTS; k++) {
			const struct net_port *p = switches[i].port[k];

			if (p && p->has_mac &&
			    !hv_memcmp(p->mac, mac, ETH_ALEN))
				return p->name;
		}
	return NULL;
}
