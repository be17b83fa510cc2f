/*
 * uplink.c - [Network 3] a network card of the machine's, as one more
 * port of a switch: frames the switch floods or forwards to it go out on
 * the wire, frames from the wire come in through it.
 *
 * The card is polled (like the disks, docs/storage.md): net_poll() runs
 * between guest entries and while the machine is idle, and takes at most
 * UPLINK_BUDGET frames a look, so a flood on the wire is bounded work
 * like any guest's.
 */
#include "drivers/e1000.h"
#include "drivers/vnet_host.h"
#include "drivers/nic.h"
#include "hv/lib/printk.h"
#include "hv/net/net.h"
#include "hv/setup/options.h"

#define UPLINK_BUDGET 32

static struct net_port uplink_port;
static struct nic *uplink;

static bool uplink_deliver(struct net_port *p, const uint8_t *frame,
			   uint32_t len)
{
	struct nic *n = p->owner;

	if (!n->ops->send(n, frame, len)) {
		n->stats.tx_dropped++;
		return false;
	}
	n->stats.tx_frames++;
	return true;
}

static void uplink_receive(struct nic *n, const uint8_t *frame, uint32_t len)
{
	n->stats.rx_frames++;
	switch_input(&uplink_port, frame, len);
}

/* Which card the options name: uplink=none, or the first of a kind. */
static struct nic *choose(const char *want)
{
	size_t len = hv_strlen(want);

	if (!hv_strcmp(want, "none"))
		return NULL;
	for (struct nic *n = nic_first(); n; n = n->next)
		if (!len || !hv_strncmp(n->name, want, len))
			return n;
	if (len) /* asked for by name: say it is not there */
		printk("hv: uplink=%s: no such network card; no uplink\n",
		       want);
	return NULL;
}

void net_init(void)
{
	struct net_switch *sw;

	e1000_probe();
	vnet_host_probe();
	for (struct nic *n = nic_first(); n; n = n->next)
		printk("hv: nic %s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
		       "link %s\n",
		       n->name, n->model, n->mac[0], n->mac[1], n->mac[2],
		       n->mac[3], n->mac[4], n->mac[5],
		       n->link_up ? "up" : "down");
	uplink = choose(hv_options.uplink);
	if (!uplink)
		return;
	sw = switch_get(hv_options.uplink_switch);
	hv_snprintf(uplink_port.name, sizeof(uplink_port.name), "uplink %s",
		    uplink->name);
	uplink_port.deliver = uplink_deliver;
	uplink_port.owner = uplink;
	hv_memcpy(uplink_port.mac, uplink->mac, ETH_ALEN);
	uplink_port.has_mac = true; /* no guest may take the card's address */
	if (!sw || !switch_attach(sw, &uplink_port)) {
		printk("hv: uplink %s: not connected\n", uplink->name);
		uplink = NULL;
		return;
	}
	uplink->receive = uplink_receive;
	printk("hv: uplink %s on switch %s\n", uplink->name,
	       hv_options.uplink_switch);
}

void net_poll(void)
{
	if (uplink)
		uplink->ops->poll(uplink, UPLINK_BUDGET);
}

bool net_has_uplink(void)
{
	return uplink != NULL;
}
