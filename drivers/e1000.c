/*
 * e1000.c - [Network 5] Intel's e1000 family of gigabit Ethernet cards as
 * nics (see nic.h and e1000.h; the registers and descriptors are in
 * e1000_regs.h, and the numbers in the comments are sections and tables
 * of the 8254x SDM named there).
 *
 * How an e1000 moves frames (SDM chapter 3):
 *
 *   - Two rings of 16-byte descriptors in memory, one to receive into
 *     and one to send from.  Each ring has a head register, which the
 *     card moves, and a tail register, which software moves; the card
 *     owns the descriptors from head up to, not including, tail.  Since
 *     head == tail means "nothing for the card", one descriptor always
 *     stays back, and a ring of N holds N-1 buffers at most.
 *   - Receiving: every descriptor points at a 2048-byte buffer of ours.
 *     The card stores a frame in the buffer at its head, writes the
 *     frame's length, status (DD: done, EOP: the frame's last piece) and
 *     errors back into the descriptor, and moves on.  We find finished
 *     descriptors by DD, never by reading RDH (13.4.28 says that is not
 *     reliable), hand the frame on, clear the status and give the
 *     descriptor back by moving the tail onto it.
 *   - Sending: we copy a frame into the buffer of the descriptor at the
 *     tail, set its length and EOP | IFCS (the card appends the FCS) |
 *     RS (report status), and move the tail past it.  The card sends the
 *     frame and sets DD, and the buffer is ours again.
 *
 * The hypervisor's policy for this card:
 *
 *   - Polled, no interrupts.  IMC masks every cause and pci_host_enable()
 *     turns INTx off: the hypervisor polls its devices after every guest
 *     exit and continuously while idle (hv/net/uplink.c calls poll()), so
 *     a frame waits at most one guest time slice.  Routing the card's
 *     interrupt through the I/O APIC is separate work; only who calls
 *     poll() would change.
 *   - Promiscuous (RCTL.UPE and MPE).  The card is one port of a switch
 *     (hv/net/switch.c): frames for every guest behind it carry the
 *     guests' MAC addresses, not the card's, and must come in as well;
 *     the switch, not the card's address filter, decides where each
 *     frame goes.  Broadcasts (BAM) too: ARP needs them.
 *   - Copies, both ways.  A frame is copied into our own transmit buffer
 *     and out of our own receive buffer by whoever n->receive is, so the
 *     card never reaches anyone else's memory.
 *   - One frame, one descriptor.  Buffers are 2048 bytes and frames at
 *     most ETH_FRAME_MAX (1514) bytes: long packets are off (RCTL.LPE)
 *     and the CRC is stripped (SECRC), so a frame never needs a second
 *     buffer.  A descriptor without EOP is dropped, and with it the rest
 *     of its frame up to the descriptor that has EOP.
 *   - The wire is hostile input.  A descriptor's length is read once,
 *     and a frame is handed on only if it is ETH_FRAME_MIN..ETH_FRAME_MAX
 *     bytes, which is inside its buffer whatever the card wrote, and has
 *     no frame error (CRC, symbol, sequence, carrier extension, RX data).
 *     Anything else counts in stats.rx_errors and is dropped.
 *   - Every wait is bounded: the reset RESET_MS, an EEPROM word EERD_MS.
 *
 * QEMU's models differ from the hardware in two ways that matter here:
 * CTRL.RST resets neither the receiver nor the transmitter (so we turn
 * both off and program every ring register ourselves, whatever a
 * firmware driver left behind), and its e1000 ignores the wire for a
 * second after each write of RCTL (frames wait in QEMU's queue and come
 * in afterwards).
 */
#include "drivers/e1000.h"
#include "drivers/driver_env.h"
#include "drivers/e1000_regs.h"
#include "drivers/nic.h"
#include "drivers/pci_host.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"

#define E1000_MAX_CARDS 4
#define RX_DESCS 64
#define TX_DESCS 64
#define BUF_SIZE 2048 /* RCTL.BSIZE_2048; the transmit buffers match */
#define PAGE_SIZE 4096
#define RX_BUF_PAGES (RX_DESCS * BUF_SIZE / PAGE_SIZE)
#define TX_BUF_PAGES (TX_DESCS * BUF_SIZE / PAGE_SIZE)
/* Both rings share a page: receive at its start, transmit after it. */
#define RX_RING_BYTES (RX_DESCS * sizeof(struct e1000_rx_desc))
#define TX_RING_BYTES (TX_DESCS * sizeof(struct e1000_tx_desc))

/* How long each wait may last. */
#define RESET_SETTLE_US 1000 /* hands off the card while it resets */
#define RESET_MS 100	     /* CTRL.RST clears itself */
#define MAC_LOAD_MS 10	     /* the EEPROM's address reaches RAL0/RAH0 */
#define EERD_MS 10	     /* one EEPROM word */
#define LINK_CHECK_MS 100    /* how often poll() reads STATUS.LU */

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "SDM 3.2.3");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "SDM 3.3.3");
_Static_assert(RX_RING_BYTES % E1000_RING_ALIGN == 0, "RDLEN");
_Static_assert(TX_RING_BYTES % E1000_RING_ALIGN == 0, "TDLEN");
_Static_assert(RX_RING_BYTES + TX_RING_BYTES <= PAGE_SIZE, "one page");
_Static_assert(ETH_FRAME_MAX <= BUF_SIZE, "a frame fits one buffer");
_Static_assert(RX_DESCS % 8 == 0 && TX_DESCS % 8 == 0, "13.4.27");

/* The cards we know.  Others of the family most likely work as well;
 * each needs only its line here, once it has been seen to (the 82541
 * and 82547 have the 82574's EERD layout). */
struct e1000_model {
	uint16_t device;
	const char *name;
	bool eerd_82574; /* EERD with the 82574's layout */
};

static const struct e1000_model models[] = {
	{ 0x100E, "Intel 82540EM", false }, /* QEMU's -device e1000 */
	{ 0x1015, "Intel 82540EM", false }, /* on the motherboard */
	{ 0x1016, "Intel 82540EP", false }, /* on the motherboard */
	{ 0x1017, "Intel 82540EP", false },
	{ 0x101E, "Intel 82540EP", false }, /* low profile */
	{ 0x100F, "Intel 82545EM", false }, /* QEMU's e1000-82545em */
	{ 0x1026, "Intel 82545GM", false },
	{ 0x1010, "Intel 82546EB", false }, /* two ports: two functions */
	{ 0x1079, "Intel 82546GB", false },
	{ 0x10D3, "Intel 82574L", true }, /* QEMU's -device e1000e */
};

struct e1000 {
	struct nic nic; /* nic.priv points back here */
	const struct pci_function *pci;
	const struct e1000_model *model;
	char where[8]; /* "00:03.0" */
	volatile void *regs;
	volatile struct e1000_rx_desc *rx;
	volatile struct e1000_tx_desc *tx;
	uint8_t *rx_buf, *tx_buf; /* BUF_SIZE bytes per descriptor */
	unsigned rx_next;	  /* the next descriptor the card fills */
	bool rx_dropping;	  /* inside a frame that spans descriptors */
	unsigned tx_tail;	  /* the next descriptor we fill */
	unsigned tx_clean;	  /* the oldest one not yet known sent */
	uint64_t link_check_ns;	  /* when poll() next reads STATUS */
};

static struct e1000 cards[E1000_MAX_CARDS];
static unsigned ncards;

static const struct nic_ops e1000_ops;

/* ---- Registers and bounded waits. */

static uint32_t reg_rd(const struct e1000 *c, uint32_t off)
{
	return mmio_read32(c->regs, off);
}

static void reg_wr(struct e1000 *c, uint32_t off, uint32_t v)
{
	mmio_write32(c->regs, off, v);
}

/* Wait until (register & mask) == want, for at most ms milliseconds. */
static bool wait_reg(const struct e1000 *c, uint32_t off, uint32_t mask,
		     uint32_t want, uint32_t ms)
{
	uint64_t until = drv_now_ns() + (uint64_t)ms * 1000000u;

	for (;;) {
		bool now_ok = (reg_rd(c, off) & mask) == want;

		if (now_ok || drv_now_ns() >= until)
			return now_ok;
		__asm__ volatile("pause");
	}
}

/* The rings are ordinary write-back RAM the card snoops, the registers
 * uncached; x86 keeps stores in order and loads in order, so it is
 * enough that the compiler does not move a descriptor's accesses past
 * the tail write or before the look at DD. */
static void compiler_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* ---- Bringing a card up. */

static const struct e1000_model *model_of(const struct pci_function *f)
{
	if (f->vendor != E1000_PCI_VENDOR)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++)
		if (models[i].device == f->device)
			return &models[i];
	return NULL;
}

/* BAR0 mapped, memory decoding on; bus mastering stays off until the
 * reset, so a card some firmware driver left running cannot write into
 * memory that is the hypervisor's now.  Returns why not, or NULL. */
static const char *card_map(struct e1000 *c)
{
	uint64_t base, size;
	uint16_t cmd;

	if (!pci_host_mem_bar(c->pci, 0, &base, &size))
		return "BAR0 is not a memory BAR";
	if (size < E1000_REGS_SPAN)
		return "BAR0 is too small for the registers";
	c->regs = drv_map_mmio(base, size);
	if (!c->regs)
		return "BAR0 cannot be mapped (said above)";
	pr_debug("hv: e1000 (%s): BAR0 at %#llx, %llu KiB, registers at %p\n",
		 c->where, (unsigned long long)base,
		 (unsigned long long)(size >> 10), (void *)c->regs);
	cmd = pci_host_read16(c->pci, PCI_COMMAND);
	cmd = (uint16_t)((cmd | PCI_CMD_MEMORY | PCI_CMD_INTX_DISABLE) &
			 ~PCI_CMD_BUS_MASTER);
	pci_host_write16(c->pci, PCI_COMMAND, cmd);
	return NULL;
}

/* A global reset (CTRL.RST).  Interrupts are masked before it, so none
 * is raised while it runs, and again after it, since QEMU's reset keeps
 * whatever mask a firmware driver set; reading ICR clears the causes
 * left pending. */
static const char *card_reset(struct e1000 *c)
{
	if (reg_rd(c, E1000_STATUS) == 0xFFFFFFFFu)
		return "registers read all ones";
	reg_wr(c, E1000_IMC, 0xFFFFFFFFu);
	reg_wr(c, E1000_CTRL, reg_rd(c, E1000_CTRL) | E1000_CTRL_RST);
	drv_delay_us(RESET_SETTLE_US);
	if (!wait_reg(c, E1000_CTRL, E1000_CTRL_RST, 0, RESET_MS))
		return "the reset did not finish (CTRL.RST stayed set)";
	reg_wr(c, E1000_IMC, 0xFFFFFFFFu);
	(void)reg_rd(c, E1000_ICR);
	/* QEMU's reset leaves these as they were; a real one clears them. */
	reg_wr(c, E1000_RCTL, 0);
	reg_wr(c, E1000_TCTL, 0);
	return NULL;
}

/* One 16-bit word of the EEPROM through EERD. */
static bool eeprom_read(struct e1000 *c, unsigned word, uint16_t *out)
{
	bool new_layout = c->model->eerd_82574;
	uint32_t done = new_layout ? E1000_EERD_82574_DONE : E1000_EERD_DONE;
	unsigned shift = new_layout ? E1000_EERD_82574_ADDR_SHIFT
				    : E1000_EERD_ADDR_SHIFT;

	reg_wr(c, E1000_EERD, E1000_EERD_START | (uint32_t)word << shift);
	if (!wait_reg(c, E1000_EERD, done, done, EERD_MS))
		return false;
	*out = E1000_EERD_DATA(reg_rd(c, E1000_EERD));
	return true;
}

static bool mac_valid(const uint8_t mac[ETH_ALEN])
{
	uint8_t all = 0;

	for (unsigned i = 0; i < ETH_ALEN; i++)
		all |= mac[i];
	/* Not 00:00:00:00:00:00, and not a group address (which covers
	 * ff:ff:ff:ff:ff:ff). */
	return all != 0 && !(mac[0] & 1);
}

/* The card's address: where the card loaded it from the EEPROM after
 * the reset (RAL0/RAH0 with AV set: QEMU and most cards), or else from
 * the EEPROM's first three words, which then go into RAL0/RAH0 (13.5.2:
 * entry 0 should always hold the card's own address). */
static const char *read_mac(struct e1000 *c)
{
	uint8_t *mac = c->nic.mac;
	uint32_t ral, rah;

	if (wait_reg(c, E1000_RAH0, E1000_RAH_AV, E1000_RAH_AV, MAC_LOAD_MS)) {
		ral = reg_rd(c, E1000_RAL0);
		rah = reg_rd(c, E1000_RAH0);
	} else {
		uint16_t w[3];

		for (unsigned i = 0; i < 3; i++)
			if (!eeprom_read(c, E1000_EEPROM_MAC_WORD + i, &w[i]))
				return "no address in RAL0/RAH0, and the "
				       "EEPROM did not answer";
		ral = w[0] | (uint32_t)w[1] << 16;
		rah = w[2];
		pr_debug("hv: e1000 (%s): address read from the EEPROM\n",
			 c->where);
	}
	for (unsigned i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	if (!mac_valid(mac))
		return "no valid MAC address (zero or a group address)";
	/* Low first, then high with AV (13.5.3). */
	reg_wr(c, E1000_RAL0, ral);
	reg_wr(c, E1000_RAH0, (rah & 0xFFFFu) | E1000_RAH_AV);
	return NULL;
}

/* Link up as the PHY negotiates it: SLU, and ASDE so the MAC takes the
 * speed the PHY found; nothing forced, no link reset, no VLAN mode. */
static void link_setup(struct e1000 *c)
{
	uint32_t ctrl = reg_rd(c, E1000_CTRL);

	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		  E1000_CTRL_FRCDPLX | E1000_CTRL_PHY_RST | E1000_CTRL_VME);
	reg_wr(c, E1000_CTRL, ctrl | E1000_CTRL_SLU | E1000_CTRL_ASDE);
}

/* The receive side (SDM 14.4): every descriptor given a buffer, all but
 * one handed to the card, no multicast filter (MPE lets every group
 * address in anyway), no checksum offload. */
static void rx_setup(struct e1000 *c)
{
	for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
		reg_wr(c, E1000_MTA + 4 * i, 0);
	reg_wr(c, E1000_RXCSUM, 0);
	for (unsigned i = 0; i < RX_DESCS; i++) {
		c->rx[i].addr = virt_to_phys(c->rx_buf + i * BUF_SIZE);
		c->rx[i].status = 0;
	}
	compiler_barrier();
	reg_wr(c, E1000_RDBAL, (uint32_t)virt_to_phys(c->rx));
	reg_wr(c, E1000_RDBAH, 0);
	reg_wr(c, E1000_RDLEN, RX_RING_BYTES);
	reg_wr(c, E1000_RDH, 0);
	reg_wr(c, E1000_RDT, RX_DESCS - 1);
	reg_wr(c, E1000_RDTR, 0); /* write descriptors back at once */
	c->rx_next = 0;
	c->rx_dropping = false;
	reg_wr(c, E1000_RCTL,
	       E1000_RCTL_EN | E1000_RCTL_UPE | E1000_RCTL_MPE |
		       E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 |
		       E1000_RCTL_SECRC);
}

/* The transmit side (SDM 14.5): an empty ring, each descriptor with its
 * own buffer; short frames padded (PSP); the collision distance for full
 * duplex until the link says otherwise (link_check()). */
static void tx_setup(struct e1000 *c)
{
	for (unsigned i = 0; i < TX_DESCS; i++) {
		c->tx[i].addr = virt_to_phys(c->tx_buf + i * BUF_SIZE);
		c->tx[i].cmd = 0;
		c->tx[i].status = 0;
	}
	compiler_barrier();
	reg_wr(c, E1000_TDBAL, (uint32_t)virt_to_phys(c->tx));
	reg_wr(c, E1000_TDBAH, 0);
	reg_wr(c, E1000_TDLEN, TX_RING_BYTES);
	reg_wr(c, E1000_TDH, 0);
	reg_wr(c, E1000_TDT, 0);
	c->tx_tail = 0;
	c->tx_clean = 0;
	reg_wr(c, E1000_TIPG, E1000_TIPG_COPPER);
	reg_wr(c, E1000_TCTL,
	       E1000_TCTL_EN | E1000_TCTL_PSP |
		       E1000_TCTL_CT(E1000_TCTL_CT_DEFAULT) |
		       E1000_TCTL_COLD(E1000_TCTL_COLD_FD));
}

static bool card_memory(struct e1000 *c)
{
	uint8_t *rings = drv_alloc_pages(1);

	c->rx_buf = drv_alloc_pages(RX_BUF_PAGES);
	c->tx_buf = drv_alloc_pages(TX_BUF_PAGES);
	if (!rings || !c->rx_buf || !c->tx_buf)
		return false;
	c->rx = (volatile struct e1000_rx_desc *)rings;
	c->tx = (volatile struct e1000_tx_desc *)(rings + RX_RING_BYTES);
	return true;
}

/* ---- Link state. */

static unsigned link_mbps(uint32_t status)
{
	switch (E1000_STATUS_SPEED(status)) {
	case 0:
		return 10;
	case 1:
		return 100;
	default:
		return 1000;
	}
}

/* Read STATUS.LU into nic.link_up, saying so when it changes (unless
 * quiet: the boot line says it first).  A link that comes up in half
 * duplex needs the longer collision distance. */
static void link_check(struct e1000 *c, bool quiet)
{
	uint32_t status = reg_rd(c, E1000_STATUS);
	bool up = status & E1000_STATUS_LU;
	bool fd = status & E1000_STATUS_FD;

	if (up && !c->nic.link_up) {
		uint32_t tctl = reg_rd(c, E1000_TCTL);
		uint32_t want = (tctl & ~E1000_TCTL_COLD_MASK) |
				E1000_TCTL_COLD(fd ? E1000_TCTL_COLD_FD
						   : E1000_TCTL_COLD_HD);

		if (want != tctl)
			reg_wr(c, E1000_TCTL, want);
	}
	if (!quiet && up != c->nic.link_up) {
		if (up)
			pr_info("hv: %s: link up, %u Mb/s, %s duplex\n",
				c->nic.name, link_mbps(status),
				fd ? "full" : "half");
		else
			pr_info("hv: %s: link down\n", c->nic.name);
	}
	c->nic.link_up = up;
	c->link_check_ns = drv_now_ns() + (uint64_t)LINK_CHECK_MS * 1000000u;
}

/* ---- Sending and receiving. */

/* Take back every descriptor the card has finished sending. */
static void tx_reclaim(struct e1000 *c)
{
	while (c->tx_clean != c->tx_tail &&
	       (c->tx[c->tx_clean].status & E1000_TXD_STAT_DD)) {
		c->tx[c->tx_clean].status = 0;
		c->tx_clean = (c->tx_clean + 1) % TX_DESCS;
	}
}

static bool e1000_send(struct nic *n, const void *frame, uint32_t len)
{
	struct e1000 *c = n->priv;
	unsigned next = (c->tx_tail + 1) % TX_DESCS;
	volatile struct e1000_tx_desc *d = &c->tx[c->tx_tail];

	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
		return false;
	tx_reclaim(c);
	if (next == c->tx_clean)
		return false; /* full: every buffer but one is queued */
	hv_memcpy(c->tx_buf + c->tx_tail * BUF_SIZE, frame, len);
	d->length = (uint16_t)len;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->status = 0;
	compiler_barrier();
	c->tx_tail = next;
	reg_wr(c, E1000_TDT, next);
	return true;
}

/* Whether a finished receive descriptor holds a whole good frame; its
 * length (read once, here) in *len.  Counts what it drops. */
static bool rx_frame_ok(struct e1000 *c, volatile struct e1000_rx_desc *d,
			uint8_t status, uint32_t *len)
{
	uint8_t errors = d->errors;

	*len = d->length;
	if (c->rx_dropping) {
		/* The rest of a frame already counted. */
		c->rx_dropping = !(status & E1000_RXD_STAT_EOP);
		return false;
	}
	if (!(status & E1000_RXD_STAT_EOP)) {
		c->rx_dropping = true;
		c->nic.stats.rx_errors++;
		return false;
	}
	if ((errors & E1000_RXD_ERR_FRAME) || *len < ETH_FRAME_MIN ||
	    *len > ETH_FRAME_MAX) {
		c->nic.stats.rx_errors++;
		return false;
	}
	return true;
}

/* Hand on what the card has received: at most `budget` descriptors are
 * looked at, so at most that many frames.  Descriptors go back to the
 * card with one tail write at the end. */
static unsigned e1000_poll(struct nic *n, unsigned budget)
{
	struct e1000 *c = n->priv;
	unsigned handed = 0, looked = 0, last = 0;

	while (looked < budget) {
		volatile struct e1000_rx_desc *d = &c->rx[c->rx_next];
		uint8_t status = d->status;
		uint32_t len;

		if (!(status & E1000_RXD_STAT_DD))
			break;
		compiler_barrier(); /* the length and data after DD */
		if (rx_frame_ok(c, d, status, &len) && n->receive) {
			n->receive(n, c->rx_buf + c->rx_next * BUF_SIZE, len);
			handed++;
		}
		d->status = 0;
		last = c->rx_next;
		c->rx_next = (c->rx_next + 1) % RX_DESCS;
		looked++;
	}
	if (looked) {
		compiler_barrier();
		reg_wr(c, E1000_RDT, last);
	}
	tx_reclaim(c);
	if (drv_now_ns() >= c->link_check_ns)
		link_check(c, false);
	return handed;
}

static const struct nic_ops e1000_ops = {
	.send = e1000_send,
	.poll = e1000_poll,
};

/* One PCI function, from reset to a registered nic; false (and the
 * reason said) when it is not used. */
static bool card_probe(struct e1000 *c)
{
	const char *problem;

	pci_host_name(c->pci, c->where);
	problem = card_map(c);
	if (!problem)
		problem = card_reset(c);
	if (!problem) {
		pci_host_enable(c->pci);
		problem = read_mac(c);
	}
	if (!problem && !card_memory(c))
		problem = "out of memory";
	if (problem) {
		pr_err("hv: e1000 (%s): %s: not used: %s\n", c->where,
		       c->model->name, problem);
		if (c->regs) /* no DMA from a card we do not drive */
			pci_host_write16(c->pci, PCI_COMMAND,
					 pci_host_read16(c->pci, PCI_COMMAND) &
						 ~PCI_CMD_BUS_MASTER);
		return false;
	}
	hv_snprintf(c->nic.name, sizeof(c->nic.name), "e1000-%u", ncards);
	hv_strlcpy(c->nic.model, c->model->name, sizeof(c->nic.model));
	c->nic.ops = &e1000_ops;
	c->nic.priv = c;
	link_setup(c);
	rx_setup(c);
	tx_setup(c);
	link_check(c, true);
	pr_debug("hv: %s: %s, %u receive and %u transmit descriptors\n",
		 c->nic.name, c->where, RX_DESCS, TX_DESCS);
	nic_register(&c->nic);
	return true;
}

unsigned e1000_probe(void)
{
	const struct pci_function *f;

	for (unsigned i = 0;
	     (f = pci_host_find(E1000_PCI_CLASS, E1000_PCI_SUBCLASS,
				E1000_PCI_PROGIF, i));
	     i++) {
		const struct e1000_model *m = model_of(f);
		struct e1000 *c;

		if (!m) {
			if (f->vendor == E1000_PCI_VENDOR)
				pr_info("hv: e1000: Intel Ethernet device "
					"%04x at %02x:%02x.%u is not one we "
					"know; not used\n",
					f->device, f->bus, f->dev, f->fn);
			continue;
		}
		if (ncards == E1000_MAX_CARDS) {
			pr_warn("hv: e1000: more than %u cards; the rest are "
				"not used\n",
				E1000_MAX_CARDS);
			break;
		}
		c = &cards[ncards];
		c->pci = f;
		c->model = m;
		if (card_probe(c))
			ncards++;
		else
			hv_memset(c, 0, sizeof(*c)); /* the slot is reused */
	}
	return ncards;
}
