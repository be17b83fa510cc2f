/*
 * test_e1000.c - drivers/e1000.c against fake e1000 cards: the probe
 * (which cards are taken, the registers it leaves set, the MAC from
 * RAL0/RAH0 or from the EEPROM in both EERD layouts, and the refusals: a
 * reset that never ends, a silent EEPROM, no valid address, a small BAR,
 * too many cards), sending (the descriptor's bits, the length limits, a
 * full ring and its reclaim), receiving (ring wrap, the budget, frames
 * with errors, lengths past the buffer or the frame limits, a frame that
 * spans descriptors) and the link state.  QEMU's models reach none of
 * the error paths: its cards always have an address, never fail a reset
 * and never report a bad frame.
 *
 * The fake card is a register model, as test_ahci.c's is: the driver's
 * register accesses come here (mmio_read32/mmio_write32 are renamed
 * around the #include of e1000.c), so a write has its effect at once -
 * CTRL.RST resets, EERD reads a word, TDT sends what the ring holds,
 * ICR clears on read.  Frames arrive when a case says so, through the
 * receive ring as a card would store them.  The driver's DMA memory comes
 * from below 4 GiB (MAP_32BIT), so the 32-bit ring addresses it programs
 * are real pointers here.
 *
 * UNIT_SOURCES: drivers/driver_env.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#define mmio_read32 unused_mmio_read32
#define mmio_write32 unused_mmio_write32
#include "drivers/driver_env.h"
#undef mmio_read32
#undef mmio_write32
static uint32_t fake_read(const volatile void *base, uint32_t off);
static void fake_write(volatile void *base, uint32_t off, uint32_t v);
#define mmio_read32 fake_read
#define mmio_write32 fake_write
#include "drivers/e1000.c"
#include "drivers/nic.c"

#define PAGE 4096u
#define BAR_SIZE 0x20000u
#define MAX_FAKES 6
#define MAX_SENT 256

/* ---- Memory below 4 GiB. */

static uint8_t *pool;
static size_t pool_used;
#define POOL_SIZE (16u << 20)

static void *low_pages(uint32_t count)
{
	void *p;

	if (pool_used + (size_t)count * PAGE > POOL_SIZE)
		return NULL;
	p = pool + pool_used;
	pool_used += (size_t)count * PAGE;
	memset(p, 0, (size_t)count * PAGE);
	return p;
}

/* ---- The console. */

static char log_buf[16384];
static size_t log_len;

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_len < sizeof(log_buf))
		log_len += (size_t)vsnprintf(
			log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	va_end(ap);
	if (log_len > sizeof(log_buf))
		log_len = sizeof(log_buf);
}

static void assert_logged(const char *text)
{
	if (!strstr(log_buf, text))
		fail_msg("missing from the log: \"%s\"\nlog:\n%s", text,
			 log_buf);
}

/* ---- The fake cards. */

struct sent {
	uint32_t len;
	uint8_t cmd;
	uint8_t data[ETH_FRAME_MAX];
};

struct fake {
	/* Set by a case before the probe. */
	struct pci_function fn;
	uint8_t mac[6];
	bool mac_in_ral;    /* the reset loads RAL0/RAH0 (AV set) */
	bool reset_stuck;   /* CTRL.RST never clears */
	bool eeprom_silent; /* EERD never says DONE */
	bool eerd_82574;    /* the card's EERD layout */
	uint64_t bar_size;
	/* The model's state. */
	uint8_t bar[4]; /* only its address matters: the map's handle */
	uint32_t regs[BAR_SIZE / 4];
	uint16_t pci_cmd;
	unsigned resets, eerd_reads;
	bool tx_stalled; /* the transmitter sends nothing (no link) */
	unsigned nsent;
	struct sent sent[MAX_SENT];
};

static struct fake fakes[MAX_FAKES];
static unsigned nfakes;
static uint64_t clock_ns;

static struct fake *fake_of(const volatile void *base)
{
	for (unsigned i = 0; i < nfakes; i++)
		if (base == fakes[i].bar)
			return &fakes[i];
	fail_msg("a register access outside every fake card");
	return NULL;
}

static uint32_t *reg(struct fake *f, uint32_t off)
{
	assert_true(off % 4 == 0 && off < BAR_SIZE);
	return &f->regs[off / 4];
}

static void *ring_at(struct fake *f, uint32_t lo, uint32_t hi)
{
	uint64_t a = *reg(f, lo) | (uint64_t)*reg(f, hi) << 32;

	assert_true(a % 16 == 0);
	return (void *)(uintptr_t)a;
}

/* CTRL.RST as QEMU's cards do it: the address reloaded from the EEPROM
 * (when the case says the card does that), everything else as it was -
 * so the driver must program every register it relies on. */
static void fake_reset(struct fake *f)
{
	uint32_t ral = 0, rah = 0;

	f->resets++;
	if (f->mac_in_ral) {
		memcpy(&ral, f->mac, 4);
		rah = f->mac[4] | f->mac[5] << 8 | E1000_RAH_AV;
	}
	*reg(f, E1000_RAL0) = ral;
	*reg(f, E1000_RAH0) = rah;
	if (f->reset_stuck)
		*reg(f, E1000_CTRL) |= E1000_CTRL_RST;
}

/* The EEPROM: words 0..2 the address, the rest a pattern. */
static uint16_t eeprom_word(const struct fake *f, unsigned word)
{
	if (word < 3)
		return (uint16_t)(f->mac[2 * word] | f->mac[2 * word + 1] << 8);
	return (uint16_t)(0xA500 + word);
}

static void fake_eerd(struct fake *f, uint32_t v)
{
	unsigned shift = f->eerd_82574 ? 2 : 8;
	uint32_t done = f->eerd_82574 ? 1u << 1 : 1u << 4;
	unsigned word = (v >> shift) & 0xFF;

	*reg(f, E1000_EERD) = v;
	if (!(v & E1000_EERD_START) || f->eeprom_silent)
		return;
	f->eerd_reads++;
	*reg(f, E1000_EERD) = (v & ~E1000_EERD_START) | done |
			      (uint32_t)eeprom_word(f, word) << 16;
}

/* Send every frame from TDH up to TDT, as the card does once TDT moves. */
static void fake_transmit(struct fake *f)
{
	struct e1000_tx_desc *ring = ring_at(f, E1000_TDBAL, E1000_TDBAH);
	uint32_t n = *reg(f, E1000_TDLEN) / 16;

	if (!(*reg(f, E1000_TCTL) & E1000_TCTL_EN) || f->tx_stalled)
		return;
	assert_true(n >= 8 && *reg(f, E1000_TDLEN) % 128 == 0);
	while (*reg(f, E1000_TDH) != *reg(f, E1000_TDT)) {
		struct e1000_tx_desc *d = &ring[*reg(f, E1000_TDH)];
		struct sent *s = &f->sent[f->nsent % MAX_SENT];

		assert_true(d->length <= ETH_FRAME_MAX);
		s->len = d->length;
		s->cmd = d->cmd;
		memcpy(s->data, (void *)(uintptr_t)d->addr, d->length);
		f->nsent++;
		d->status |= E1000_TXD_STAT_DD;
		*reg(f, E1000_TDH) = (*reg(f, E1000_TDH) + 1) % n;
	}
}

static uint32_t fake_read(const volatile void *base, uint32_t off)
{
	struct fake *f = fake_of(base);
	uint32_t v = *reg(f, off);

	if (off == E1000_ICR)
		*reg(f, off) = 0;
	return v;
}

static void fake_write(volatile void *base, uint32_t off, uint32_t v)
{
	struct fake *f = fake_of(base);

	switch (off) {
	case E1000_CTRL:
		if (v & E1000_CTRL_RST) {
			*reg(f, off) = v & ~E1000_CTRL_RST;
			fake_reset(f);
			return;
		}
		break;
	case E1000_EERD:
		fake_eerd(f, v);
		return;
	case E1000_TDT:
		*reg(f, off) = v;
		fake_transmit(f);
		return;
	}
	*reg(f, off) = v;
}

/* A frame off the wire, stored as a card stores it: into the buffer at
 * RDH (no more than a buffer holds), then the descriptor's length,
 * status and errors.  `len_says` is what the descriptor claims; false
 * when the card has no descriptor for it. */
static bool fake_rx(struct fake *f, const uint8_t *frame, uint32_t len,
		    uint32_t len_says, uint8_t status, uint8_t errors)
{
	struct e1000_rx_desc *ring = ring_at(f, E1000_RDBAL, E1000_RDBAH);
	uint32_t n = *reg(f, E1000_RDLEN) / 16;
	uint32_t head = *reg(f, E1000_RDH);
	struct e1000_rx_desc *d = &ring[head];

	if (!(*reg(f, E1000_RCTL) & E1000_RCTL_EN) ||
	    head == *reg(f, E1000_RDT))
		return false;
	assert_int_equal(d->status, 0); /* the driver cleared it */
	memcpy((void *)(uintptr_t)d->addr, frame, len < 2048 ? len : 2048);
	d->length = (uint16_t)len_says;
	d->errors = errors;
	d->status = status;
	*reg(f, E1000_RDH) = (head + 1) % n;
	return true;
}

static bool fake_rx_good(struct fake *f, const uint8_t *frame, uint32_t len)
{
	return fake_rx(f, frame, len, len,
		       E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
}

/* ---- The driver's services and the host PCI bus. */

static uint64_t fake_now_ns(void)
{
	clock_ns += 10000; /* 10 us a look */
	return clock_ns;
}

static void *fake_map_mmio(uint64_t phys, uint64_t len)
{
	for (unsigned i = 0; i < nfakes; i++)
		if (phys == (uintptr_t)fakes[i].bar)
			return fakes[i].bar;
	return NULL;
}

static const struct driver_env fake_env = {
	.now_ns = fake_now_ns,
	.alloc_pages = low_pages,
	.map_mmio = fake_map_mmio,
};

const struct pci_function *pci_host_find(uint8_t class, uint8_t subclass,
					 uint8_t progif, unsigned index)
{
	if (class != 0x02 || subclass != 0x00 || progif != 0x00 ||
	    index >= nfakes)
		return NULL;
	return &fakes[index].fn;
}

static struct fake *fake_of_fn(const struct pci_function *fn)
{
	for (unsigned i = 0; i < nfakes; i++)
		if (fn == &fakes[i].fn)
			return &fakes[i];
	fail_msg("an unknown PCI function");
	return NULL;
}

bool pci_host_mem_bar(const struct pci_function *fn, unsigned bar,
		      uint64_t *base, uint64_t *size)
{
	struct fake *f = fake_of_fn(fn);

	*base = (uintptr_t)f->bar;
	*size = f->bar_size;
	return bar == 0;
}

void pci_host_enable(const struct pci_function *fn)
{
	fake_of_fn(fn)->pci_cmd |=
		PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER | PCI_CMD_INTX_DISABLE;
}

uint16_t pci_host_read16(const struct pci_function *fn, unsigned off)
{
	return off == PCI_COMMAND ? fake_of_fn(fn)->pci_cmd : 0;
}

void pci_host_write16(const struct pci_function *fn, unsigned off, uint16_t v)
{
	if (off == PCI_COMMAND)
		fake_of_fn(fn)->pci_cmd = v;
}

void pci_host_name(const struct pci_function *fn, char buf[8])
{
	snprintf(buf, 8, "00:%02x.0", (unsigned)fn->dev);
}

/* ---- What the driver hands on. */

static unsigned nreceived;
static uint32_t received_len[512];
static uint8_t last_frame[2048];

static void on_receive(struct nic *n, const uint8_t *frame, uint32_t len)
{
	assert_true(len >= ETH_FRAME_MIN && len <= ETH_FRAME_MAX);
	if (nreceived < 512)
		received_len[nreceived] = len;
	nreceived++;
	memcpy(last_frame, frame, len);
}

/* ---- The cases' helpers. */

static struct fake *add_card(uint16_t vendor, uint16_t device)
{
	struct fake *f = &fakes[nfakes];

	f->fn.vendor = vendor;
	f->fn.device = device;
	f->fn.class = 0x02;
	f->fn.dev = (uint8_t)(3 + nfakes);
	f->bar_size = BAR_SIZE;
	f->mac_in_ral = true;
	f->eerd_82574 = device == 0x10D3;
	f->pci_cmd = PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER; /* firmware's */
	for (unsigned i = 0; i < 6; i++)
		f->mac[i] = (uint8_t)(0x52 + i * 0x11 + nfakes);
	f->mac[0] = 0x52; /* a unicast, locally administered address */
	/* What a firmware driver left behind: a running card. */
	for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
		*reg(f, E1000_MTA + 4 * i) = 0xDEADBEEF;
	*reg(f, E1000_RCTL) = E1000_RCTL_EN | E1000_RCTL_SBP | E1000_RCTL_LPE;
	*reg(f, E1000_TCTL) = E1000_TCTL_EN;
	*reg(f, E1000_RDH) = 5;
	*reg(f, E1000_RDT) = 9;
	*reg(f, E1000_TDH) = 7;
	*reg(f, E1000_TDT) = 7;
	*reg(f, E1000_RXCSUM) = 0x300;
	*reg(f, E1000_RDTR) = 100;
	*reg(f, E1000_STATUS) = E1000_STATUS_LU | E1000_STATUS_FD | 2u << 6;
	nfakes++;
	return f;
}

static int setup(void **state)
{
	memset(fakes, 0, sizeof(fakes));
	nfakes = 0;
	pool_used = 0;
	memset(cards, 0, sizeof(cards));
	ncards = 0;
	first = NULL;
	tail = &first;
	log_len = 0;
	log_buf[0] = 0;
	nreceived = 0;
	return 0;
}

static struct nic *nic_at(unsigned index)
{
	struct nic *n = nic_first();

	while (n && index--)
		n = n->next;
	assert_non_null(n);
	return n;
}

static void make_frame(uint8_t *f, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 3);
}

/* ---- Probing. */

static void test_probe_sets_up_card(void **state)
{
	struct fake *f = add_card(0x8086, 0x100E);
	struct nic *n;
	uint32_t rctl, tctl, ctrl;

	*reg(f, E1000_CTRL) = E1000_CTRL_LRST | E1000_CTRL_ILOS |
			      E1000_CTRL_FRCSPD | E1000_CTRL_VME;
	assert_int_equal(e1000_probe(), 1);
	n = nic_first();
	assert_non_null(n);
	assert_null(n->next);
	assert_string_equal(n->name, "e1000-0");
	assert_string_equal(n->model, "Intel 82540EM");
	assert_memory_equal(n->mac, f->mac, 6);
	assert_true(n->link_up);
	assert_int_equal(f->resets, 1);
	assert_int_equal(f->eerd_reads, 0);
	/* Polled: every interrupt masked, INTx off, DMA on. */
	assert_int_equal(*reg(f, E1000_IMC), 0xFFFFFFFFu);
	assert_int_equal(f->pci_cmd & (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER |
				       PCI_CMD_INTX_DISABLE),
			 PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER |
				 PCI_CMD_INTX_DISABLE);
	ctrl = *reg(f, E1000_CTRL);
	assert_true(ctrl & E1000_CTRL_SLU);
	assert_true(ctrl & E1000_CTRL_ASDE);
	assert_false(ctrl &
		     (E1000_CTRL_LRST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		      E1000_CTRL_VME | E1000_CTRL_RST));
	for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
		assert_int_equal(*reg(f, E1000_MTA + 4 * i), 0);
	/* Receive: promiscuous, broadcasts, CRC stripped, 2048-byte
	 * buffers, no long packets; all but one descriptor the card's. */
	rctl = *reg(f, E1000_RCTL);
	assert_int_equal(rctl, E1000_RCTL_EN | E1000_RCTL_UPE | E1000_RCTL_MPE |
				       E1000_RCTL_BAM | E1000_RCTL_SECRC);
	assert_int_equal(*reg(f, E1000_RDLEN), RX_DESCS * 16);
	assert_int_equal(*reg(f, E1000_RDH), 0);
	assert_int_equal(*reg(f, E1000_RDT), RX_DESCS - 1);
	assert_int_equal(*reg(f, E1000_RDBAH), 0);
	assert_int_equal(*reg(f, E1000_RXCSUM), 0);
	assert_int_equal(*reg(f, E1000_RDTR), 0);
	/* Transmit: on, padding, CT 0Fh, COLD 40h; an empty ring. */
	tctl = *reg(f, E1000_TCTL);
	assert_int_equal(tctl, E1000_TCTL_EN | E1000_TCTL_PSP | 0x0Fu << 4 |
				       0x40u << 12);
	assert_int_equal(*reg(f, E1000_TIPG), 10u | 8u << 10 | 6u << 20);
	assert_int_equal(*reg(f, E1000_TDLEN), TX_DESCS * 16);
	assert_int_equal(*reg(f, E1000_TDH), 0);
	assert_int_equal(*reg(f, E1000_TDT), 0);
	/* The rings' buffers are the driver's, one per descriptor. */
	struct e1000_rx_desc *rx = ring_at(f, E1000_RDBAL, E1000_RDBAH);
	for (unsigned i = 1; i < RX_DESCS; i++)
		assert_int_equal(rx[i].addr - rx[i - 1].addr, 2048);
}

static void test_probe_picks_family_and_names(void **state)
{
	add_card(0x1AF4, 0x1000); /* virtio-net: not ours */
	struct fake *a = add_card(0x8086, 0x100F);
	add_card(0x8086, 0x1533); /* an I210: not in the table */
	struct fake *b = add_card(0x8086, 0x10D3);

	assert_int_equal(e1000_probe(), 2);
	assert_string_equal(nic_at(0)->name, "e1000-0");
	assert_string_equal(nic_at(0)->model, "Intel 82545EM");
	assert_memory_equal(nic_at(0)->mac, a->mac, 6);
	assert_string_equal(nic_at(1)->name, "e1000-1");
	assert_string_equal(nic_at(1)->model, "Intel 82574L");
	assert_memory_equal(nic_at(1)->mac, b->mac, 6);
	assert_null(nic_at(1)->next);
	assert_logged("Intel Ethernet device 1533 at 00:05.0 is not one we "
		      "know; not used");
	assert_int_equal(fakes[0].resets, 0);
	assert_int_equal(fakes[2].resets, 0);
}

static void test_mac_from_eeprom_both_layouts(void **state)
{
	struct fake *a = add_card(0x8086, 0x100E);
	struct fake *b = add_card(0x8086, 0x10D3);

	a->mac_in_ral = b->mac_in_ral = false;
	assert_int_equal(e1000_probe(), 2);
	assert_memory_equal(nic_at(0)->mac, a->mac, 6);
	assert_memory_equal(nic_at(1)->mac, b->mac, 6);
	assert_int_equal(a->eerd_reads, 3);
	assert_int_equal(b->eerd_reads, 3);
	/* ... and written into entry 0, low word first, AV set. */
	for (unsigned i = 0; i < 2; i++) {
		struct fake *f = &fakes[i];
		uint32_t ral, rah = f->mac[4] | f->mac[5] << 8 | E1000_RAH_AV;

		memcpy(&ral, f->mac, 4);
		assert_int_equal(*reg(f, E1000_RAL0), ral);
		assert_int_equal(*reg(f, E1000_RAH0), rah);
	}
}

static void test_refusals(void **state)
{
	struct fake *stuck = add_card(0x8086, 0x100E);
	struct fake *silent = add_card(0x8086, 0x100E);
	struct fake *zero = add_card(0x8086, 0x100E);
	struct fake *group = add_card(0x8086, 0x100E);
	struct fake *small = add_card(0x8086, 0x100E);
	struct fake *good = add_card(0x8086, 0x100E);

	stuck->reset_stuck = true;
	silent->mac_in_ral = false;
	silent->eeprom_silent = true;
	memset(zero->mac, 0, 6);
	group->mac[0] = 0x01;
	small->bar_size = 0x4000;
	assert_int_equal(e1000_probe(), 1);
	assert_logged("hv: e1000 (00:03.0): Intel 82540EM: not used: the "
		      "reset did not finish (CTRL.RST stayed set)\n");
	assert_logged("hv: e1000 (00:04.0): Intel 82540EM: not used: no "
		      "address in RAL0/RAH0, and the EEPROM did not answer\n");
	assert_logged("hv: e1000 (00:05.0): Intel 82540EM: not used: no "
		      "valid MAC address (zero or a group address)\n");
	assert_logged("hv: e1000 (00:06.0): Intel 82540EM: not used: no "
		      "valid MAC address");
	assert_logged("hv: e1000 (00:07.0): Intel 82540EM: not used: BAR0 "
		      "is too small for the registers\n");
	/* A refused card may not reach memory; the good one is e1000-0. */
	for (unsigned i = 0; i < 4; i++)
		assert_false(fakes[i].pci_cmd & PCI_CMD_BUS_MASTER);
	assert_string_equal(nic_first()->name, "e1000-0");
	assert_memory_equal(nic_first()->mac, good->mac, 6);
}

static void test_too_many_cards(void **state)
{
	for (unsigned i = 0; i < E1000_MAX_CARDS + 1; i++)
		add_card(0x8086, 0x100E);
	assert_int_equal(e1000_probe(), E1000_MAX_CARDS);
	assert_logged("more than 4 cards; the rest are not used");
	assert_string_equal(nic_at(3)->name, "e1000-3");
	assert_int_equal(fakes[E1000_MAX_CARDS].resets, 0);
}

/* ---- Sending. */

static void test_send_frames(void **state)
{
	struct fake *f = add_card(0x8086, 0x100E);
	uint8_t frame[ETH_FRAME_MAX + 1];
	struct nic *n;

	assert_int_equal(e1000_probe(), 1);
	n = nic_first();
	make_frame(frame, sizeof(frame), 7);
	assert_false(n->ops->send(n, frame, ETH_FRAME_MIN - 1));
	assert_false(n->ops->send(n, frame, ETH_FRAME_MAX + 1));
	assert_false(n->ops->send(n, frame, 0));
	assert_int_equal(f->nsent, 0);
	assert_true(n->ops->send(n, frame, ETH_FRAME_MIN));
	assert_true(n->ops->send(n, frame, ETH_FRAME_MAX));
	assert_int_equal(f->nsent, 2);
	assert_int_equal(f->sent[0].len, ETH_FRAME_MIN);
	assert_int_equal(f->sent[1].len, ETH_FRAME_MAX);
	assert_memory_equal(f->sent[1].data, frame, ETH_FRAME_MAX);
	assert_int_equal(f->sent[0].cmd, E1000_TXD_CMD_EOP |
						 E1000_TXD_CMD_IFCS |
						 E1000_TXD_CMD_RS);
	/* Around the ring a few times: every frame as it was given. */
	for (unsigned i = 0; i < 3 * TX_DESCS; i++) {
		uint32_t len = 60 + i * 7;

		make_frame(frame, len, (uint8_t)i);
		assert_true(n->ops->send(n, frame, len));
		assert_int_equal(f->sent[(f->nsent - 1) % MAX_SENT].len, len);
		assert_memory_equal(f->sent[(f->nsent - 1) % MAX_SENT].data,
				    frame, len);
	}
	assert_int_equal(f->nsent, 2 + 3 * TX_DESCS);
}

static void test_send_ring_full_then_reclaimed(void **state)
{
	struct fake *f = add_card(0x8086, 0x100E);
	uint8_t frame[100];
	struct nic *n;
	unsigned queued = 0;

	assert_int_equal(e1000_probe(), 1);
	n = nic_first();
	make_frame(frame, sizeof(frame), 1);
	f->tx_stalled = true; /* no link: nothing leaves */
	while (queued < 2 * TX_DESCS && n->ops->send(n, frame, sizeof(frame)))
		queued++;
	/* One descriptor stays back: TDT == TDH would say "empty". */
	assert_int_equal(queued, TX_DESCS - 1);
	assert_int_not_equal(*reg(f, E1000_TDT), *reg(f, E1000_TDH));
	assert_false(n->ops->send(n, frame, sizeof(frame)));
	/* The link comes; the card sends the lot; poll takes them back. */
	f->tx_stalled = false;
	fake_transmit(f);
	assert_int_equal(f->nsent, TX_DESCS - 1);
	n->ops->poll(n, 8);
	for (unsigned i = 0; i < TX_DESCS - 1; i++)
		assert_true(n->ops->send(n, frame, sizeof(frame)));
	assert_int_equal(f->nsent, 2 * (TX_DESCS - 1));
}

/* ---- Receiving. */

static struct nic *probe_one(struct fake **out)
{
	struct fake *f = add_card(0x8086, 0x100E);
	struct nic *n;

	assert_int_equal(e1000_probe(), 1);
	n = nic_first();
	n->receive = on_receive;
	*out = f;
	return n;
}

static void test_receive_wraps_ring(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);
	uint8_t frame[ETH_FRAME_MAX];
	unsigned total = 0;

	/* Five rounds of a full ring: 63 frames each (one descriptor is
	 * always held back), all handed on, in order, intact. */
	for (unsigned round = 0; round < 5; round++) {
		unsigned in = 0;

		for (;;) {
			uint32_t len = 60 + (total + in) % 1455;

			make_frame(frame, len, (uint8_t)(total + in));
			if (!fake_rx_good(f, frame, len))
				break;
			in++;
		}
		assert_int_equal(in, RX_DESCS - 1);
		for (unsigned got = 0; got < in;) {
			unsigned k = n->ops->poll(n, 32);

			assert_true(k > 0 && k <= 32);
			got += k;
		}
		assert_int_equal(n->ops->poll(n, 32), 0);
		make_frame(frame, 60 + (total + in - 1) % 1455,
			   (uint8_t)(total + in - 1));
		assert_memory_equal(last_frame, frame,
				    60 + (total + in - 1) % 1455);
		total += in;
		assert_int_equal(nreceived, total);
	}
	for (unsigned i = 0; i < total && i < 512; i++)
		assert_int_equal(received_len[i], 60 + i % 1455);
	assert_int_equal(n->stats.rx_errors, 0);
}

static void test_receive_budget(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);
	uint8_t frame[64];

	make_frame(frame, sizeof(frame), 3);
	for (unsigned i = 0; i < 10; i++)
		assert_true(fake_rx_good(f, frame, sizeof(frame)));
	assert_int_equal(n->ops->poll(n, 3), 3);
	assert_int_equal(n->ops->poll(n, 3), 3);
	assert_int_equal(n->ops->poll(n, 0), 0);
	assert_int_equal(n->ops->poll(n, 100), 4);
	assert_int_equal(nreceived, 10);
	/* Each poll gave its descriptors back: the tail follows. */
	assert_int_equal(*reg(f, E1000_RDT), 9);
}

/* The wire is hostile: lengths the card should never report, frames
 * with errors, frames too long or too short for nic.h. */
static void test_receive_drops_bad_frames(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);
	uint8_t frame[2048];
	const uint8_t dd_eop = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;

	make_frame(frame, sizeof(frame), 9);
	assert_true(fake_rx(f, frame, 2048, 4000, dd_eop, 0));	/* > buffer */
	assert_true(fake_rx(f, frame, 2048, 65535, dd_eop, 0)); /* > buffer */
	assert_true(fake_rx(f, frame, 1515, 1515, dd_eop, 0));	/* VLAN? */
	assert_true(fake_rx(f, frame, 13, 13, dd_eop, 0));	/* runt */
	assert_true(fake_rx(f, frame, 0, 0, dd_eop, 0));
	assert_true(fake_rx(f, frame, 100, 100, dd_eop, 0x01)); /* CRC */
	assert_true(fake_rx(f, frame, 100, 100, dd_eop, 0x02)); /* symbol */
	assert_true(fake_rx(f, frame, 100, 100, dd_eop, 0x80)); /* RX data */
	/* Checksum offload's bits (IPE, TCPE) are not ours to judge. */
	assert_true(fake_rx(f, frame, 100, 100, dd_eop, 0x60));
	assert_true(fake_rx_good(f, frame, 1514));
	assert_int_equal(n->ops->poll(n, 64), 2);
	assert_int_equal(nreceived, 2);
	assert_int_equal(received_len[0], 100);
	assert_int_equal(received_len[1], 1514);
	assert_int_equal(n->stats.rx_errors, 8);
	/* Every descriptor went back, good or bad. */
	assert_int_equal(*reg(f, E1000_RDT), 9);
}

/* A frame in pieces (no EOP until its last) cannot come with 2048-byte
 * buffers and long packets off; if it does, it is dropped whole, once. */
static void test_receive_drops_spanning_frame(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);
	uint8_t frame[2048];

	make_frame(frame, sizeof(frame), 5);
	assert_true(fake_rx(f, frame, 2048, 2048, E1000_RXD_STAT_DD, 0));
	assert_true(fake_rx(f, frame, 2048, 2048, E1000_RXD_STAT_DD, 0));
	assert_true(fake_rx(f, frame, 200, 200,
			    E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0));
	assert_true(fake_rx_good(f, frame, 300));
	/* Split over two polls, to keep the state across them. */
	assert_int_equal(n->ops->poll(n, 2), 0);
	assert_int_equal(n->ops->poll(n, 8), 1);
	assert_int_equal(nreceived, 1);
	assert_int_equal(received_len[0], 300);
	assert_int_equal(n->stats.rx_errors, 1);
}

static void test_receive_without_listener(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);
	uint8_t frame[64];

	n->receive = NULL; /* nobody attached the card */
	make_frame(frame, sizeof(frame), 2);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < RX_DESCS - 1; i++)
			assert_true(fake_rx_good(f, frame, sizeof(frame)));
		assert_false(fake_rx_good(f, frame, sizeof(frame)));
		assert_int_equal(n->ops->poll(n, 64), 0);
	}
	assert_int_equal(n->stats.rx_errors, 0);
}

/* ---- The link. */

static void test_link_changes(void **state)
{
	struct fake *f;
	struct nic *n = probe_one(&f);

	assert_true(n->link_up);
	*reg(f, E1000_STATUS) = 0;
	clock_ns += 200000000ull; /* past LINK_CHECK_MS */
	n->ops->poll(n, 8);
	assert_false(n->link_up);
	assert_logged("hv: e1000-0: link down\n");
	/* Back at 100 Mb/s, half duplex: the longer collision distance. */
	*reg(f, E1000_STATUS) = E1000_STATUS_LU | 1u << 6;
	n->ops->poll(n, 8); /* too soon: not read yet */
	assert_false(n->link_up);
	clock_ns += 200000000ull;
	n->ops->poll(n, 8);
	assert_true(n->link_up);
	assert_logged("hv: e1000-0: link up, 100 Mb/s, half duplex\n");
	assert_int_equal((*reg(f, E1000_TCTL) >> 12) & 0x3FF, 0x200);
	assert_true(*reg(f, E1000_TCTL) & E1000_TCTL_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_sets_up_card, setup),
		cmocka_unit_test_setup(test_probe_picks_family_and_names,
				       setup),
		cmocka_unit_test_setup(test_mac_from_eeprom_both_layouts,
				       setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_too_many_cards, setup),
		cmocka_unit_test_setup(test_send_frames, setup),
		cmocka_unit_test_setup(test_send_ring_full_then_reclaimed,
				       setup),
		cmocka_unit_test_setup(test_receive_wraps_ring, setup),
		cmocka_unit_test_setup(test_receive_budget, setup),
		cmocka_unit_test_setup(test_receive_drops_bad_frames, setup),
		cmocka_unit_test_setup(test_receive_drops_spanning_frame,
				       setup),
		cmocka_unit_test_setup(test_receive_without_listener, setup),
		cmocka_unit_test_setup(test_link_changes, setup),
	};

	pool = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (pool == MAP_FAILED)
		return 1;
	driver_env_set(&fake_env);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
