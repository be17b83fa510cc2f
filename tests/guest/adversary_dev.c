/*
 * adversary_dev.c - [Testguest 14] the devices attacked register by
 * register and ring by ring (ABI 11.1-11.9).
 *
 * adversary_blk.c offers one malformed request each; these go through
 * the whole surface a driver can reach:
 *
 *   dev-pci-sweep          every config-space offset of every slot and
 *                          function at widths 1, 2 and 4 (misaligned
 *                          too) read, written back, written with all
 *                          ones and zeros; the latch with its odd bits.
 *                          Legal, so nothing may die: the config space
 *                          reads as before and the devices still work;
 *   dev-pci-window         the PCI-configuration-access window at legal
 *                          and bad bar, offset and length: bad windows
 *                          read all ones, their writes are dropped;
 *   dev-bar-sweep          every BAR0 offset at widths 1, 2 and 4 that
 *                          lies in one register: wrong widths read all
 *                          ones and writes are dropped, the registers
 *                          read as before, the devices still work;
 *   dev-bar-two-regs       a 4-byte load over num_queues and
 *                          device_status: killed with the reason;
 *   dev-bar-past-end       a 4-byte load 2 bytes before the end of the
 *                          last BAR: killed with the reason;
 *   dev-queue-edges        rings at the end of RAM (accepted), past it,
 *                          in the device window, wrapping 4 GiB,
 *                          misaligned, above 4 GiB (each: NEEDS_RESET),
 *                          bad queue sizes (dropped);
 *   dev-queue-after-enable queue_size, the ring addresses and
 *                          queue_enable written after enabling (dropped),
 *                          queue_select moved to queues that do not exist
 *                          and back;
 *   dev-chains             buffers in the device window and on the
 *                          block device's own status register, a head
 *                          and a next beyond the table (NEEDS_RESET); a
 *                          chain wrapping the table's end, one with a
 *                          zero-length buffer, one of exactly queue size
 *                          descriptors (served); one of every descriptor
 *                          looping back (NEEDS_RESET);
 *   dev-notify-storm       tens of thousands of notifies of empty queues
 *                          and of queues that do not exist, a notify
 *                          before DRIVER_OK (served at DRIVER_OK, not
 *                          before); a second guest must not notice;
 *   dev-used-games         the used ring scribbled on, avail.idx moved
 *                          back: the device keeps its own counts.
 *
 * Every case that must be refused with NEEDS_RESET is followed by a
 * reset and a read of sector 0, so each shows the device came back.
 */
#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/io.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/mmu.h"
#include "paravirt-guest/pci.h"
#include "paravirt-guest/pvfs_format.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/virtqueue.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define CFG_IMPLEMENTED 0x98 /* ABI 11.3 */
#define CFG_DATA 0x94	     /* the access capability's data word */
#define BAR_SIZE 128
#define DEV_CFG_OFF 60
#define C_DFSELECT 0
#define C_GFSELECT 8
#define C_NUMQ 18
#define C_STATUS 20
#define C_QSELECT 22
#define C_QSIZE 24
#define C_QENABLE 28
#define C_QDESC 32
#define C_QAVAIL 40
#define C_QUSED 48
#define C_NOTIFY 56
#define C_ISR 58

static const char *test_name;
static int failures;

#define say(fmt, ...) printf("guest: %s: " fmt "\n", test_name, ##__VA_ARGS__)
#define fail(fmt, ...)                                                         \
	do {                                                                   \
		failures++;                                                    \
		say("FAIL: " fmt, ##__VA_ARGS__);                              \
	} while (0)

static uint32_t ones(unsigned int w)
{
	return w == 4 ? 0xffffffffu : (1u << (w * 8)) - 1;
}

static __attribute__((noreturn)) void finish(void)
{
	if (failures) {
		say("%d checks failed", failures);
		guest_poweroff("test failed");
	}
	say("all checks passed");
	guest_poweroff("test passed");
}

/* Sector 0 through the kernel's driver, after a reset if asked. */
static void check_disk(const char *when, bool reset)
{
	static uint8_t buf[SECTOR_SIZE];
	uint32_t magic;
	int s;

	if (reset && !vblk_init()) {
		fail("%s: the device did not come back", when);
		return;
	}
	s = blk_read(0, buf, SECTOR_SIZE);
	memcpy(&magic, buf, sizeof(magic));
	if (s != BLK_S_OK || magic != PVFS_MAGIC)
		fail("%s: sector 0 reads %s, magic 0x%x", when,
		     blk_status_name(s), magic);
	else
		say("%s: sector 0 reads OK, pvfs magic ok", when);
}

/* ---- PCI configuration space ---------------------------------------- */

static uint32_t cfg_in(unsigned int port, unsigned int w)
{
	return w == 1 ? inb(port) : w == 2 ? inw(port) : inl(port);
}

static void cfg_out(unsigned int port, unsigned int w, uint32_t v)
{
	if (w == 1)
		outb(port, v);
	else if (w == 2)
		outw(port, v);
	else
		outl(port, v);
}

static uint32_t latch(unsigned int slot, unsigned int fn, unsigned int reg)
{
	return 0x80000000u | slot << 11 | fn << 8 | reg;
}

static uint8_t image[PCI_SLOTS][256];

static void snapshot(uint8_t (*to)[256])
{
	for (unsigned int s = 0; s < PCI_SLOTS; s++)
		for (unsigned int r = 0; r < 256; r += 4) {
			outl(0xcf8, latch(s, 0, r));
			for (unsigned int k = 0; k < 4; k++)
				to[s][r + k] = inb(0xcfc + k);
		}
}

/* What a read of w bytes at byte k of dword reg must give, when the
 * access stays inside the dword (ABI 11.1: bytes k... of the dword). */
static uint32_t expected(unsigned int s, unsigned int fn, unsigned int reg,
			 unsigned int k, unsigned int w)
{
	uint32_t v = 0;

	if (fn)
		return ones(w);
	for (unsigned int i = 0; i < w; i++)
		v |= (uint32_t)image[s][reg + k + i] << (i * 8);
	return v;
}

/* One pass: read each (slot, function, dword, byte, width), check it
 * where the value is defined, then write the value read (how == 0, every
 * function), all ones (1) or zero (2) (function 0: the others have
 * nothing to write to, and the exits cost seconds under TCG). */
static void sweep_dword(unsigned int s, unsigned int fn, unsigned int reg,
			int how, unsigned int *checked)
{
	outl(0xcf8, latch(s, fn, reg));
	for (unsigned int w = 1; w <= 4; w *= 2)
		for (unsigned int k = 0; k < 4; k++) {
			uint32_t v = cfg_in(0xcfc + k, w), e;

			/* Wider than what is left of the dword: the bytes
			 * beyond are not defined by the ABI; read, unchecked. */
			if (k + w <= 4 && how == 0) {
				e = expected(s, fn, reg, k, w);
				(*checked)++;
				if (v != e && failures < 8)
					fail("%02x.%u +0x%x w%u: 0x%x, not "
					     "0x%x",
					     s, fn, reg + k, w, v, e);
			}
			cfg_out(0xcfc + k, w,
				how == 0   ? v
				: how == 1 ? 0xffffffffu
					   : 0);
		}
}

static unsigned int sweep(int how, unsigned int *checked)
{
	unsigned int n = 0;

	for (unsigned int s = 0; s < PCI_SLOTS; s++)
		for (unsigned int fn = 0; fn < (how ? 1u : 8u); fn++)
			for (unsigned int reg = 0; reg < 256; reg += 4) {
				sweep_dword(s, fn, reg, how, checked);
				n += 12;
			}
	return n;
}

/* Put back what the all-ones and zero passes changed on purpose: BAR0
 * (a sizing probe) and the access window's bar, offset and length. */
static void restore(void)
{
	for (unsigned int s = 1; s < PCI_SLOTS; s++) {
		uint32_t bar0, off, len;

		memcpy(&bar0, &image[s][PCI_BAR0], 4);
		memcpy(&off, &image[s][0x8c], 4);
		memcpy(&len, &image[s][0x90], 4);
		outl(0xcf8, latch(s, 0, PCI_BAR0));
		outl(0xcfc, bar0);
		outl(0xcf8, latch(s, 0, 0x88));
		outb(0xcfc, image[s][0x88]);
		outl(0xcf8, latch(s, 0, 0x8c));
		outl(0xcfc, off);
		outl(0xcf8, latch(s, 0, 0x90));
		outl(0xcfc, len);
	}
}

static void latch_bits(void)
{
	static const struct {
		uint32_t latch;
		uint32_t id;
		const char *what;
	} cases[] = {
		{ 0x80000800u | 3, 0x10431af4, "bits 1:0 set" },
		{ 0xff000800u, 0x10431af4, "bits 30:24 set" },
		{ 0x00000800u, 0xffffffff, "enable clear" },
		{ 0x80010800u, 0xffffffff, "bus 1" },
		{ 0x80000900u, 0xffffffff, "function 1" },
		{ 0x8000f800u, 0xffffffff, "slot 31, empty" },
	};
	uint32_t back;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v;

		outl(0xcf8, cases[i].latch);
		back = inl(0xcf8);
		v = inl(0xcfc);
		if (v != cases[i].id || back != cases[i].latch)
			fail("latch 0x%x (%s): reads back 0x%x, dword 0 0x%x",
			     cases[i].latch, cases[i].what, back, v);
		else
			say("latch 0x%x (%s): dword 0 reads 0x%x", back,
			    cases[i].what, v);
	}
	/* The latch built a byte and a word at a time. */
	outl(0xcf8, 0);
	outb(0xcfb, 0x80);
	outb(0xcf9, 0x08);
	outw(0xcfa, 0x8000);
	back = inl(0xcf8);
	if (back != 0x80000800u || inl(0xcfc) != 0x10431af4 ||
	    inb(0xcf9) != 0x08 || inw(0xcfa) != 0x8000)
		fail("latch built from bytes reads 0x%x", back);
	else
		say("latch built a byte and a word at a time: 0x%x", back);
}

static void pci_sweep(void)
{
	static uint8_t after[PCI_SLOTS][256];
	unsigned int n = 0, checked = 0, diff = 0;
	uint32_t flags = irq_save();

	snapshot(image);
	latch_bits();
	n += sweep(0, &checked);
	n += sweep(1, &checked);
	n += sweep(2, &checked);
	restore();
	snapshot(after);
	irq_restore(flags);
	for (unsigned int s = 0; s < PCI_SLOTS; s++)
		for (unsigned int r = 0; r < 256; r++)
			if (image[s][r] != after[s][r] && diff++ < 4)
				fail("slot %u +0x%x was 0x%x, now 0x%x", s, r,
				     image[s][r], after[s][r]);
	say("%u config accesses read and written (%u values checked), "
	    "config space %s",
	    n, checked, diff ? "CHANGED" : "unchanged");
	check_disk("after the sweep", false);
	finish();
}

/* The PCI-configuration-access capability (ABI 11.3): a BAR0 access
 * through config space.  Legal windows reach the registers at the
 * window's width; every other window reads all ones and drops writes. */
static void window_set(unsigned int slot, uint8_t bar, uint32_t off,
		       uint32_t len)
{
	outl(0xcf8, latch(slot, 0, 0x88));
	outb(0xcfc, bar);
	outl(0xcf8, latch(slot, 0, 0x8c));
	outl(0xcfc, off);
	outl(0xcf8, latch(slot, 0, 0x90));
	outl(0xcfc, len);
	outl(0xcf8, latch(slot, 0, CFG_DATA));
}

static void pci_window(void)
{
	static const struct {
		uint8_t bar;
		uint32_t off, len;
		const char *what;
	} bad[] = {
		{ 1, 18, 2, "bar 1" },
		{ 0, 18, 3, "length 3" },
		{ 0, 18, 0, "length 0" },
		{ 0, 19, 2, "offset misaligned" },
		{ 0, 16, 4, "two registers (msix_config, num_queues)" },
		{ 0, 56, 4, "notify and ISR" },
		{ 0, 58, 2, "ISR and padding" },
		{ 0, 128, 4, "offset at the BAR's end" },
		{ 0, 0xfffffffc, 4, "offset 2^32 - 4" },
		{ 0, 124, 8, "length 8" },
	};
	struct virtio_dev *dev = blk_device();
	unsigned int slot = dev->pci.slot;
	uint8_t st = virtio_status(dev);
	uint32_t v;

	/* Legal: num_queues (2 bytes), status (1), queue_desc (4). */
	window_set(slot, 0, 18, 2);
	v = inl(0xcfc);
	window_set(slot, 0, C_STATUS, 1);
	v |= inb(0xcfc) << 16;
	if (v != (1u | (uint32_t)st << 16))
		fail("window: num_queues and status read 0x%x", v);
	window_set(slot, 0, C_QDESC, 4);
	if (inl(0xcfc) != ioread32(dev->common + C_QDESC))
		fail("window: queue_desc differs");
	say("window: num_queues 1, status 0x%x and queue_desc read through "
	    "config space",
	    st);
	/* A notify through the window: the queue is empty, nothing breaks. */
	window_set(slot, 0, C_NOTIFY, 2);
	outl(0xcfc, 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		window_set(slot, bad[i].bar, bad[i].off, bad[i].len);
		v = inl(0xcfc);
		outl(0xcfc, 0); /* dropped: would reset at offset 20 */
		if (v != 0xffffffffu)
			fail("window %s: read 0x%x", bad[i].what, v);
	}
	/* A refused write: a window on device_status, but of 4 bytes. */
	window_set(slot, 0, C_STATUS, 4);
	outl(0xcfc, 0);
	if (virtio_status(dev) != st)
		fail("a refused window write changed the status to 0x%x",
		     virtio_status(dev));
	say("%u bad windows read all ones, their writes dropped, status 0x%x",
	    (unsigned int)(sizeof(bad) / sizeof(bad[0])), virtio_status(dev));
	window_set(slot, 0, 0, 0);
	check_disk("after the windows", false);
	finish();
}

/* ---- BAR0 ----------------------------------------------------------- */

/* The hypervisor's register map (virtio_pci.c, ABI 11.4). */
static unsigned int natural(unsigned int off)
{
	if (off < 16)
		return 4;
	if (off < 20)
		return 2;
	if (off < 22)
		return 1;
	if (off < 32)
		return 2;
	if (off < 56)
		return 4;
	if (off == 56)
		return 2;
	if (off == 58)
		return 1;
	return 0;
}

static unsigned int reg_start(unsigned int off)
{
	if (off >= DEV_CFG_OFF)
		return DEV_CFG_OFF;
	if (off >= C_ISR)
		return off;
	if (off >= C_NOTIFY)
		return C_NOTIFY;
	return off & ~(natural(off) - 1);
}

static bool one_register(unsigned int off, unsigned int w)
{
	return off + w <= BAR_SIZE && reg_start(off) == reg_start(off + w - 1);
}

static uint32_t bar_in(volatile uint8_t *p, unsigned int w)
{
	return w == 1 ? ioread8(p) : w == 2 ? ioread16(p) : ioread32(p);
}

static void bar_out(volatile uint8_t *p, unsigned int w, uint32_t v)
{
	if (w == 1)
		iowrite8(v, p);
	else if (w == 2)
		iowrite16(v, p);
	else
		iowrite32(v, p);
}

static volatile uint8_t *find_bar(unsigned int type, uint32_t *cfg_len)
{
	struct pci_dev pd;

	if (!pci_find(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(type), &pd))
		guest_poweroff("device missing");
	if (cfg_len)
		*cfg_len = pci_read32(pd.slot, 0x74 + 12);
	return ioremap(pd.bar0, BAR_SIZE);
}

/* Every common register at its width (the ISR, read-to-clear, apart). */
static void bar_regs(volatile uint8_t *bar, uint32_t v[DEV_CFG_OFF])
{
	for (unsigned int off = 0; off < C_NOTIFY; off += natural(off))
		v[off] = bar_in(bar + off, natural(off));
}

static void bar_sweep_one(const char *name, volatile uint8_t *bar,
			  uint32_t cfg_len, bool console)
{
	uint32_t before[DEV_CFG_OFF] = { 0 }, after[DEV_CFG_OFF] = { 0 };
	unsigned int reads = 0, refused = 0;

	bar_regs(bar, before);
	for (unsigned int off = 0; off < BAR_SIZE; off++)
		for (unsigned int w = 1; w <= 4; w *= 2) {
			bool ok, rw;
			uint32_t v, put;

			if (!one_register(off, w))
				continue;
			if (off >= DEV_CFG_OFF)
				ok = off - DEV_CFG_OFF + w <= cfg_len;
			else
				ok = off % w == 0 && natural(off) == w;
			v = bar_in(bar + off, w);
			reads++;
			if (!ok) {
				refused++;
				if (v != ones(w))
					fail("%s +%u w%u read 0x%x, not all "
					     "ones",
					     name, off, w, v);
			}
			/* What we write: garbage where the write must be
			 * dropped, the value read where it would take. */
			rw = ok && off < DEV_CFG_OFF &&
			     (off == C_DFSELECT || off == C_GFSELECT ||
			      off == C_STATUS || off == C_QSELECT);
			put = rw ? v : 0xa5a5a5a5u;
			if (ok && (off == C_QDESC + 4 || off == C_QAVAIL + 4 ||
				   off == C_QUSED + 4))
				put = 0; /* nonzero breaks the device */
			if (console && off >= DEV_CFG_OFF + 8 &&
			    off < DEV_CFG_OFF + 12)
				continue; /* emerg_wr prints */
			bar_out(bar + off, w, put);
		}
	bar_regs(bar, after);
	for (unsigned int off = 0; off < C_NOTIFY; off += natural(off))
		if (before[off] != after[off])
			fail("%s +%u was 0x%x, now 0x%x", name, off,
			     before[off], after[off]);
	say("%s: %u reads in single registers, %u refused with all ones, "
	    "registers as before",
	    name, reads, refused);
}

static void bar_sweep(void)
{
	uint32_t con_len, blk_len, flags;
	volatile uint8_t *con = find_bar(VIRTIO_ID_CONSOLE, &con_len),
			 *blk = find_bar(VIRTIO_ID_BLOCK, &blk_len);

	flags = irq_save();
	bar_sweep_one("console", con, con_len, true);
	bar_sweep_one("block", blk, blk_len, false);
	irq_restore(flags);
	if (virtio_status(blk_device()) & VIRTIO_STATUS_NEEDS_RESET)
		fail("block device needs reset");
	check_disk("after the sweep", false);
	finish();
}

static void bar_two_regs(void)
{
	volatile uint8_t *blk = find_bar(VIRTIO_ID_BLOCK, NULL);

	say("4-byte load at offset %u: num_queues and device_status", C_NUMQ);
	say("read 0x%x", ioread32(blk + C_NUMQ));
}

/* The BAR0 highest in the device window: nothing follows it. */
static volatile uint8_t *last_bar(void)
{
	uint32_t last = 0;

	for (unsigned int s = 1; s < PCI_SLOTS; s++)
		if (pci_read16(s, PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR) {
			uint32_t bar0 = pci_read32(s, PCI_BAR0) & ~0xfu;

			if (bar0 > last)
				last = bar0;
		}
	if (!last)
		guest_poweroff("no device");
	return ioremap(last, BAR_SIZE);
}

static void bar_past_end(void)
{
	volatile uint8_t *bar = last_bar();

	say("4-byte load at offset %u of the last BAR", BAR_SIZE - 2);
	say("read 0x%x", ioread32(bar + BAR_SIZE - 2));
}

/* ---- queue set-up --------------------------------------------------- */

static volatile uint8_t *common(void)
{
	return blk_device()->common;
}

/* Reset, negotiate, set queue 0 up at these addresses and enable it;
 * true if the device took it. */
static bool try_queue(uint16_t size, uint32_t desc, uint32_t avail,
		      uint32_t used, uint32_t desc_hi)
{
	volatile uint8_t *c = common();
	uint8_t st;

	if (!virtio_negotiate(blk_device(), 0)) {
		fail("negotiation failed");
		return false;
	}
	iowrite16(0, c + C_QSELECT);
	iowrite16(size, c + C_QSIZE);
	iowrite32(desc, c + C_QDESC);
	iowrite32(desc_hi, c + C_QDESC + 4);
	iowrite32(avail, c + C_QAVAIL);
	iowrite32(0, c + C_QAVAIL + 4);
	iowrite32(used, c + C_QUSED);
	iowrite32(0, c + C_QUSED + 4);
	iowrite16(1, c + C_QENABLE);
	st = virtio_status(blk_device());
	return ioread16(c + C_QENABLE) == 1 &&
	       !(st & VIRTIO_STATUS_NEEDS_RESET);
}

static void edge(const char *what, bool accept, uint16_t size, uint32_t desc,
		 uint32_t avail, uint32_t used, uint32_t desc_hi)
{
	bool took = try_queue(size, desc, avail, used, desc_hi);
	uint8_t st = virtio_status(blk_device());

	if (took != accept)
		fail("%s: %s (status 0x%x)", what,
		     took ? "NOT refused" : "refused", st);
	else
		say("%s: %s, status 0x%x", what, took ? "accepted" : "refused",
		    st);
}

static void queue_edges(void)
{
	uint32_t m = boot_mm.ram_bytes, n = 64, mid = m / 2;
	uint32_t dsz = 16 * n, asz = 2 * n + 6, usz = 8 * n + 6;
	uint32_t bar0 = blk_device()->pci.bar0;
	volatile uint8_t *c = common();

	say("RAM ends at 0x%x, block registers at 0x%x", m, bar0);
	edge("avail ending exactly at the end of RAM", true, n, mid, m - asz,
	     mid + 4096, 0);
	edge("desc ending exactly at the end of RAM", true, n, m - dsz,
	     mid + 4096, mid + 8192, 0);
	edge("used ending 2 bytes before the end of RAM", true, n, mid,
	     mid + 4096, m - usz - 2, 0);
	edge("desc one entry past the end of RAM", false, n, m - dsz + 16,
	     mid + 4096, mid + 8192, 0);
	edge("avail 2 bytes past the end of RAM", false, n, mid, m - asz + 2,
	     mid + 4096, 0);
	edge("used 2 bytes past the end of RAM", false, n, mid, mid + 4096,
	     m - usz + 2, 0);
	edge("desc in the device window", false, n, bar0 & ~15u, mid + 4096,
	     mid + 8192, 0);
	edge("used on the block registers", false, n, mid, mid + 4096, bar0, 0);
	edge("desc wrapping 4 GiB", false, n, 0xfffffc00u, mid + 4096,
	     mid + 8192, 0);
	edge("desc misaligned by 8", false, n, mid + 8, mid + 4096, mid + 8192,
	     0);
	edge("avail odd", false, n, mid, mid + 4097, mid + 8192, 0);
	edge("used misaligned by 2", false, n, mid, mid + 4096, mid + 8194, 0);
	edge("desc above 4 GiB", false, n, mid, mid + 4096, mid + 8192, 1);
	/* Bad sizes are dropped: queue_size keeps what it had. */
	virtio_negotiate(blk_device(), 0);
	iowrite16(0, c + C_QSELECT);
	iowrite16(64, c + C_QSIZE);
	iowrite16(0, c + C_QSIZE);
	iowrite16(3, c + C_QSIZE);
	iowrite16(512, c + C_QSIZE);
	iowrite16(0xffff, c + C_QSIZE);
	if (ioread16(c + C_QSIZE) != 64)
		fail("queue sizes 0, 3, 512, 0xffff: queue_size reads %u",
		     ioread16(c + C_QSIZE));
	else
		say("queue sizes 0, 3, 512, 0xffff dropped: queue_size "
		    "reads 64");
	check_disk("after the edges", true);
	finish();
}

struct qregs {
	uint16_t size, enable;
	uint32_t desc, avail, used;
};

static struct qregs qregs(void)
{
	volatile uint8_t *c = common();

	return (struct qregs){ ioread16(c + C_QSIZE), ioread16(c + C_QENABLE),
			       ioread32(c + C_QDESC), ioread32(c + C_QAVAIL),
			       ioread32(c + C_QUSED) };
}

static bool same(struct qregs a, struct qregs b)
{
	return a.size == b.size && a.enable == b.enable && a.desc == b.desc &&
	       a.avail == b.avail && a.used == b.used;
}

static void scribble(void)
{
	volatile uint8_t *c = common();

	iowrite16(16, c + C_QSIZE);
	iowrite32(0x1000, c + C_QDESC);
	iowrite32(0x2000, c + C_QAVAIL);
	iowrite32(0x3000, c + C_QUSED);
	iowrite16(0, c + C_QENABLE);
	iowrite16(1, c + C_QENABLE);
}

static void queue_after_enable(void)
{
	volatile uint8_t *c = common();
	struct qregs q0 = qregs(), q;
	static const uint16_t others[] = { 1, 2, 0xffff };

	say("queue 0: size %u enable %u desc 0x%x avail 0x%x used 0x%x",
	    q0.size, q0.enable, q0.desc, q0.avail, q0.used);
	scribble();
	q = qregs();
	if (!same(q, q0))
		fail("queue 0 changed after enable: size %u enable %u desc "
		     "0x%x",
		     q.size, q.enable, q.desc);
	else
		say("size, desc, avail, used, enable 0 and 1 written after "
		    "enable: all dropped");
	check_disk("after the writes", false);
	for (unsigned int i = 0; i < 3; i++) {
		iowrite16(others[i], c + C_QSELECT);
		scribble();
		q = qregs();
		if (ioread16(c + C_QSELECT) != others[i] || q.size ||
		    q.enable || q.desc || q.avail || q.used)
			fail("queue %u (absent): size %u enable %u desc 0x%x",
			     others[i], q.size, q.enable, q.desc);
		else
			say("queue_select %u (absent): reads 0, writes dropped",
			    others[i]);
	}
	iowrite16(0, c + C_QSELECT);
	if (!same(qregs(), q0))
		fail("queue 0 changed by writes to absent queues");
	else
		say("queue_select back to 0: queue 0 as before");
	check_disk("after the absent queues", false);
	/* A nonzero high half, even of an enabled queue: the device breaks. */
	iowrite32(1, c + C_QUSED + 4);
	if (!(virtio_status(blk_device()) & VIRTIO_STATUS_NEEDS_RESET))
		fail("used_hi 1: NOT refused");
	else
		say("used_hi 1 after enable: status 0x%x: needs reset",
		    virtio_status(blk_device()));
	check_disk("after a reset", true);
	finish();
}

/* ---- chains ------------------------------------------------------- */

struct blk_header {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct blk_header header; /* read sector 0 */
static uint8_t data[SECTOR_SIZE] __attribute__((aligned(512)));
static uint8_t status_byte;

static void set_desc(struct vq *vq, uint16_t i, uint32_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	vq->desc[i].addr = addr;
	vq->desc[i].len = len;
	vq->desc[i].flags = flags;
	vq->desc[i].next = next;
}

static void good_chain(struct vq *vq, uint16_t h, uint16_t d, uint16_t s)
{
	set_desc(vq, h, __pa(&header), sizeof(header), VRING_DESC_F_NEXT, d);
	set_desc(vq, d, __pa(data), SECTOR_SIZE,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, s);
	set_desc(vq, s, __pa(&status_byte), 1, VRING_DESC_F_WRITE, 0);
}

/* Kick and wait (through exits) for the used index to move. */
static bool served(struct vq *vq, uint16_t old)
{
	vq_kick(vq);
	for (int i = 0; i < 1000; i++) {
		if (READ_ONCE(vq->used->idx) != old)
			return true;
		if (virtio_status(vq->dev) & VIRTIO_STATUS_NEEDS_RESET)
			return false;
	}
	return false;
}

static void chain_result(const char *what, struct vq *vq, bool legal)
{
	uint16_t old = vq->used->idx;
	bool ok = served(vq, old);
	uint8_t st = virtio_status(vq->dev);
	uint32_t magic;

	memcpy(&magic, data, sizeof(magic));
	if (legal) {
		if (!ok || status_byte != BLK_S_OK || magic != PVFS_MAGIC)
			fail("%s: not served (device status 0x%x, request "
			     "status %u, magic 0x%x)",
			     what, st, status_byte, magic);
		else
			say("%s: served, status OK, pvfs magic ok", what);
	} else {
		if (ok || !(st & VIRTIO_STATUS_NEEDS_RESET))
			fail("%s: NOT refused (status 0x%x)", what, st);
		else
			say("%s: device status 0x%x: needs reset", what, st);
	}
	/* Whatever happened, the driver's view of the ring is ours now:
	 * start it afresh (the reset also drops the interrupt owed). */
	check_disk(what, true);
}

static void prepare(void)
{
	memset(data, 0, sizeof(data));
	status_byte = 0xff;
	header = (struct blk_header){ BLK_T_IN, 0, 0 };
}

static void chains(void)
{
	struct vq *vq = blk_queue();
	uint32_t bar0 = blk_device()->pci.bar0;
	uint16_t n, i;

	irq_disable();
	n = vq->num;
	say("queue size %u, block registers at 0x%x", n, bar0);

	prepare();
	good_chain(vq, 0, 1, 2);
	vq->desc[1].addr = bar0;
	vq_publish(vq, 0);
	chain_result("data buffer in the device window", vq, false);

	prepare();
	good_chain(vq, 0, 1, 2);
	vq->desc[2].addr = bar0 + C_STATUS;
	vq_publish(vq, 0);
	chain_result("status byte on the device_status register", vq, false);

	prepare();
	good_chain(vq, 0, 1, 2);
	vq_publish(vq, n);
	chain_result("chain head beyond the table", vq, false);

	prepare();
	good_chain(vq, 0, 1, 2);
	vq->desc[1].next = n;
	vq_publish(vq, 0);
	chain_result("next index beyond the table", vq, false);

	prepare();
	good_chain(vq, n - 1, 0, 1);
	vq_publish(vq, n - 1);
	chain_result("chain wrapping the table: last, 0, 1", vq, true);

	prepare();
	good_chain(vq, 0, 2, 3);
	set_desc(vq, 0, __pa(&header), sizeof(header), VRING_DESC_F_NEXT, 1);
	set_desc(vq, 1, __pa(data), 0, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		 2);
	vq_publish(vq, 0);
	chain_result("a zero-length buffer in the chain", vq, true);

	/* Header, n - 2 data buffers (n - 3 of 1 byte, then the rest),
	 * status: exactly n descriptors. */
	prepare();
	set_desc(vq, 0, __pa(&header), sizeof(header), VRING_DESC_F_NEXT, 1);
	for (i = 1; i < n - 1; i++)
		set_desc(vq, i, __pa(data) + i - 1,
			 i < n - 2 ? 1 : SECTOR_SIZE - (n - 3),
			 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, i + 1);
	set_desc(vq, n - 1, __pa(&status_byte), 1, VRING_DESC_F_WRITE, 0);
	vq_publish(vq, 0);
	chain_result("a chain of exactly queue-size descriptors", vq, true);

	/* Every descriptor, the last leading back to the first: the walk
	 * would take n + 1 steps. */
	prepare();
	for (i = 0; i < n; i++)
		set_desc(vq, i, __pa(data), 16, VRING_DESC_F_NEXT, (i + 1) % n);
	vq_publish(vq, 0);
	chain_result("a chain through every descriptor, then back", vq, false);
	irq_enable();
	finish();
}

/* ---- notifies ------------------------------------------------------- */

#define STORM 20000

static void notify_storm(void)
{
	struct virtio_dev *dev = blk_device();
	struct vq *vq = blk_queue();
	volatile uint8_t *con = find_bar(VIRTIO_ID_CONSOLE, NULL);
	static const uint16_t wild[] = { 1, 2, 0x7fff, 0xffff };
	uint16_t old;

	for (int i = 0; i < STORM; i++)
		iowrite16(0, dev->notify);
	for (int i = 0; i < STORM / 4; i++)
		for (unsigned int k = 0; k < 4; k++)
			iowrite16(wild[k], dev->notify);
	for (int i = 0; i < STORM / 4; i++) {
		iowrite16(i & 1, con + C_NOTIFY);
		iowrite16(wild[i & 3] + 1, con + C_NOTIFY);
	}
	say("%u notifies of the empty queue, %u of absent queues, %u to "
	    "the console",
	    STORM, STORM, STORM / 2);
	if (virtio_status(dev) & VIRTIO_STATUS_NEEDS_RESET)
		fail("the storm broke the block device");
	check_disk("after the storm", false);

	/* A request offered and notified before DRIVER_OK. */
	irq_disable();
	if (!virtio_negotiate(dev, 0) || !virtio_setup_queue(dev, vq, 0, 64)) {
		fail("set-up failed");
		finish();
	}
	virtio_enable_queue(dev, 0);
	prepare();
	good_chain(vq, 0, 1, 2);
	vq_publish(vq, 0);
	old = vq->used->idx;
	for (int i = 0; i < 100; i++)
		vq_kick(vq);
	if (READ_ONCE(vq->used->idx) != old)
		fail("a request served before DRIVER_OK");
	else
		say("100 notifies before DRIVER_OK: nothing served");
	virtio_driver_ok(dev);
	for (int i = 0; i < 100 && READ_ONCE(vq->used->idx) == old; i++)
		virtio_status(dev);
	if (READ_ONCE(vq->used->idx) == old || status_byte != BLK_S_OK)
		fail("DRIVER_OK did not serve the waiting request");
	else
		say("DRIVER_OK served the request waiting: status OK");
	check_disk("after a reset", true);
	irq_enable();
	finish();
}

/* ---- the used ring and avail.idx ---------------------------------- */

static void used_games(void)
{
	struct vq *vq = blk_queue();
	uint16_t k, u;
	struct vring_used_elem e;

	irq_disable();
	/* One good request by hand, to know where the device is. */
	prepare();
	good_chain(vq, 0, 1, 2);
	vq_publish(vq, 0);
	k = vq->used->idx;
	if (!served(vq, k))
		fail("the first request not served");
	/* The used ring is the device's: scribble on it. */
	vq->used->idx = 0x8000;
	vq->used->ring[(uint16_t)(k + 1) % vq->num].id = 0xffff;
	vq->used->ring[(uint16_t)(k + 1) % vq->num].len = 0xffffffffu;
	prepare();
	vq_publish(vq, 0);
	vq_kick(vq);
	u = vq->used->idx;
	e = vq->used->ring[(uint16_t)(k + 1) % vq->num];
	if (u != (uint16_t)(k + 2) || e.id != 0 || e.len != SECTOR_SIZE + 1 ||
	    status_byte)
		fail("after the used ring was scribbled on: used.idx %u, "
		     "entry %u+%u",
		     u, e.id, e.len);
	else
		say("used.idx written 0x8000 by us: the device wrote %u, its "
		    "own count, entry 0+%u",
		    u, e.len);
	/* avail.idx moved back by one: 65535 "new" entries. */
	vq->avail->idx -= 1;
	vq_kick(vq);
	if (vq->used->idx != u ||
	    !(virtio_status(vq->dev) & VIRTIO_STATUS_NEEDS_RESET))
		fail("avail.idx back by 1: used.idx %u, status 0x%x",
		     vq->used->idx, virtio_status(vq->dev));
	else
		say("avail.idx moved back: nothing served, status 0x%x: "
		    "needs reset",
		    virtio_status(vq->dev));
	check_disk("after a reset", true);
	irq_enable();
	finish();
}

struct dev_adversary {
	const char *name;
	void (*run)(void);
};

static const struct dev_adversary tests[] = {
	{ "dev-pci-sweep", pci_sweep },
	{ "dev-pci-window", pci_window },
	{ "dev-bar-sweep", bar_sweep },
	{ "dev-bar-two-regs", bar_two_regs },
	{ "dev-bar-past-end", bar_past_end },
	{ "dev-queue-edges", queue_edges },
	{ "dev-queue-after-enable", queue_after_enable },
	{ "dev-chains", chains },
	{ "dev-notify-storm", notify_storm },
	{ "dev-used-games", used_games },
};

void adversary_dev_run(const char *name)
{
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!word_equals(name, tests[i].name))
			continue;
		test_name = tests[i].name;
		guest_connect();
		if (!blk_present())
			guest_poweroff("no block device");
		say("start");
		tests[i].run();
		say("NOT refused, guest still running");
		guest_poweroff("test not refused");
	}
}
