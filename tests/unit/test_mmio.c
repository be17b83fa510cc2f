/*
 * test_mmio.c - a fault in the device window becoming a register access
 * (hv/dev/mmio.c), with the instruction fetched at CS.base + EIP
 * (hv/mm/guestvirt.c), and the port instructions' fetch (hv/dev/emulate.c).
 *
 * The guest is tests/unit/fake_guest.h's, with a GDT of its own making and
 * a page table faked below: virtual pages below 1 MiB map RAM to itself,
 * and VWIN maps the BAR page while the page before it maps RAM, so an
 * access can straddle RAM and the window the way a guest's ioremap next to
 * a RAM mapping allows.  A fault is presented as the shadow walk presents
 * it: CR2 and the guest-physical address of CR2's page in the window.
 *
 * UNIT_SOURCES: hv/dev/mmio.c hv/dev/decode.c hv/dev/emulate.c hv/mm/guestvirt.c hv/guest/guestmem.c hv/virtio/virtio_pci.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/dev/ports.h"
#include "hv/mm/guestvirt.h"
#include "tests/unit/fake_guest.h"

#define BAR0 (FAKE_RAM + MiB(1)) /* fake_guest_new() puts device 0 here */
#define VWIN 0x00400000u	 /* virtual page of the BAR page */
#define VRAM (VWIN - PAGE_SIZE)	 /* the page before it: RAM... */
#define VRAM_GPA 0x80000u	 /* ...this RAM page */
#define CODE 0x1000u		 /* where the tests put instructions */
#define DEVCFG 60		 /* the device-specific configuration */

/* ---- Doubles ---- */

/* The guest's page table: RAM below 1 MiB to itself, VRAM and VWIN as
 * above.  The window page translates, as the shadow walk's frame does. */
static bool translate(uint32_t gva, uint32_t *gpa)
{
	uint32_t page = gva & PAGE_MASK, off = gva & ~PAGE_MASK;

	if (page < FAKE_RAM)
		*gpa = gva;
	else if (page == VRAM)
		*gpa = VRAM_GPA + off;
	else if (page == VWIN)
		*gpa = BAR0 + off;
	else
		return false;
	return true;
}

/* As shadow.c's: the window is never a readable page. */
bool gva_to_gpa(struct guest *g, uint32_t gva, bool write, uint32_t *gpa)
{
	return translate(gva, gpa) && *gpa < g->mem_size;
}

/* As devices.c's. */
struct virtio_dev *devices_find_bar(struct guest *g, uint32_t gpa)
{
	for (unsigned i = 0; i < g->dev->n; i++) {
		struct virtio_dev *d = &g->dev->virtio[i];
		if (gpa >= d->bar0 && gpa - d->bar0 < VIRTIO_BAR_SIZE)
			return d;
	}
	return NULL;
}

/* emulate.c's other half. */
static unsigned port_ins, port_outs;
static uint16_t last_port;

uint32_t guest_port_in(struct guest *g, uint16_t port, unsigned size)
{
	port_ins++;
	last_port = port;
	return 0x5a;
}

void guest_port_out(struct guest *g, uint16_t port, unsigned size, uint32_t val)
{
	port_outs++;
	last_port = port;
}

void guest_stop(struct guest *g, enum stop_reason why, const char *msg)
{
	g->state = GUEST_STOPPED;
}

/* A device with a 12-byte configuration 0xA0, 0xA1, ... and one queue. */
static uint64_t dev_features(struct virtio_dev *d)
{
	return 0;
}

static uint32_t dev_config(struct virtio_dev *d, uint8_t *buf)
{
	for (unsigned i = 0; i < 12; i++)
		buf[i] = (uint8_t)(0xA0 + i);
	return 12;
}

static const struct virtio_ops dev_ops = {
	.name = "fake",
	.type = 3,
	.num_queues = 1,
	.features = dev_features,
	.config = dev_config,
};

/* ---- The guest's segments ---- */

#define SEL(idx) ((uint32_t)(idx) << 3 | 1)
#define TYPE_CODE 0xB /* execute/read, accessed */
#define TYPE_DATA 0x3 /* read/write, accessed */

/* A present DPL-1 descriptor; limit in bytes, or in pages with g. */
static struct desc make_desc(uint32_t base, uint32_t limit, unsigned type,
			     bool db, bool g)
{
	struct desc d;

	d.lo = (limit & 0xffff) | (base << 16);
	d.hi = ((base >> 16) & 0xff) | (type << 8) | DESC_HI_S |
	       (1u << DESC_HI_DPL_SHIFT) | DESC_HI_P | (limit & 0xf0000) |
	       (db ? DESC_HI_DB : 0) | (g ? DESC_HI_G : 0) |
	       (base & 0xff000000);
	return d;
}

/* Flat segments everywhere, as Linux has them. */
static int setup(void **state)
{
	fake_guest_new(&dev_ops, NULL);
	fg->gdt[12] = make_desc(0, 0xfffff, TYPE_CODE, true, true);
	fg->gdt[13] = make_desc(0, 0xfffff, TYPE_DATA, true, true);
	fg->regs->cs = SEL(12);
	fg->regs->ds = fg->regs->es = fg->regs->ss = SEL(13);
	fg->regs->fs = fg->regs->gs = SEL(13);
	fg->regs->eip = CODE;
	port_ins = port_outs = 0;
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

static void put_code(uint32_t gva, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gput8(gva + (uint32_t)i, bytes[i]);
}

#define CODE_AT(gva, ...)                                                      \
	put_code((gva), (const uint8_t[]){ __VA_ARGS__ },                      \
		 sizeof((uint8_t[]){ __VA_ARGS__ }))

/* The fault as the shadow walk hands it over: CR2 and its frame. */
static enum mmio_result fault(uint32_t cr2, bool write)
{
	uint32_t gpa;

	assert_true(translate(cr2, &gpa));
	assert_true(gpa >= fg->mem_size);
	return mmio_emulate(fg, cr2, gpa, write ? PF_WRITE : 0);
}

/* ---- Flat segments ---- */

static void test_flat_load(void **state)
{
	CODE_AT(CODE, 0x8b, 0x00); /* mov eax,[eax] */
	fg->regs->eax = VWIN + DEVCFG;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
	assert_int_equal(fg->regs->eip, CODE + 2);
	assert_int_equal(fake_kills, 0);
}

static void test_flat_store(void **state)
{
	CODE_AT(CODE, 0x89, 0x02); /* mov [edx],eax */
	fg->regs->edx = VWIN + 0;   /* device_feature_select */
	fg->regs->eax = 1;
	assert_int_equal(fault(VWIN, true), MMIO_DONE);
	assert_int_equal(fd->device_feature_select, 1);
	assert_int_equal(fg->regs->eip, CODE + 2);
}

/* ---- The code segment's base ---- */

/* The case: with CS based at 0x2000, the load at CS:EIP is what
 * faulted; plain EIP holds a store, which must not be what is emulated. */
static void test_cs_base(void **state)
{
	fg->gdt[14] = make_desc(0x2000, 0xfffff, TYPE_CODE, true, true);
	fg->regs->cs = SEL(14);
	fg->regs->eip = 0x100;
	CODE_AT(0x100, 0x89, 0x02);	   /* mov [edx],eax: not this */
	CODE_AT(0x2100, 0x66, 0x8b, 0x00); /* mov ax,[eax]: this */
	fg->regs->eax = VWIN + 18;	   /* num_queues */
	fg->regs->edx = VWIN + 0;
	assert_int_equal(fault(VWIN + 18, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, ((VWIN + 18) & 0xffff0000) | 1);
	assert_int_equal(fg->regs->eip, 0x103);
	assert_int_equal(fd->device_feature_select, 0);
}

/* A CS base that wraps past 4 GiB, as the CPU's adder does. */
static void test_cs_base_wraps(void **state)
{
	fg->gdt[14] = make_desc(0xfffff000, 0xfffff, TYPE_CODE, true, true);
	fg->regs->cs = SEL(14);
	fg->regs->eip = 0x1000 + CODE; /* linear CODE */
	CODE_AT(CODE, 0x8b, 0x00);
	fg->regs->eax = VWIN + DEVCFG;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
}

/* The limit: EIP beyond it is refused; bytes beyond it are not fetched,
 * so an instruction that would run past it is truncated. */
static void test_cs_limit(void **state)
{
	fg->gdt[14] = make_desc(0x2000, 0x101, TYPE_CODE, true, false);
	fg->regs->cs = SEL(14);
	CODE_AT(0x2100, 0x8b, 0x40, 0x3c); /* mov eax,[eax+0x3c] */
	fg->regs->eax = VWIN;
	fg->regs->eip = 0x100;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_REFLECT);
	assert_int_equal(fg->regs->eip, 0x100);
	fg->regs->eip = 0x102; /* the last byte of the segment */
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_REFLECT);
	fg->regs->eip = 0x103;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_REFLECT);
	/* Within the limit it is emulated. */
	fg->gdt[14] = make_desc(0x2000, 0x102, TYPE_CODE, true, false);
	fg->regs->eip = 0x100;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
	assert_int_equal(fake_kills, 0);
}

/* Selectors the guest never loaded, or could not have: refused (the
 * guest's own #PF), not emulated at a guessed address. */
static void test_cs_unusable(void **state)
{
	static const uint32_t sels[] = {
		0x0001,	     /* null */
		SEL(20),     /* never loaded: all zero */
		SEL(12) | 4, /* the LDT */
		SEL(40),     /* past the GDT */
		SEL(10),     /* the hypervisor's code segment */
		SEL(13),     /* a data segment */
		SEL(21),     /* a 16-bit code segment */
		SEL(22),     /* not present */
	};

	fg->gdt[21] = make_desc(0, 0xffff, TYPE_CODE, false, false);
	fg->gdt[22] = make_desc(0, 0xfffff, TYPE_CODE, true, true);
	fg->gdt[22].hi &= ~DESC_HI_P;
	fg->gdt[10] = make_desc(0, 0xfffff, TYPE_CODE, true, true);
	CODE_AT(CODE, 0x8b, 0x00);
	fg->regs->eax = VWIN + DEVCFG;
	for (size_t i = 0; i < ARRAY_SIZE(sels); i++) {
		fg->regs->cs = sels[i];
		if (fault(VWIN + DEVCFG, false) != MMIO_REFLECT)
			fail_msg("CS %#x: emulated", sels[i]);
		assert_int_equal(fg->regs->eax, VWIN + DEVCFG);
	}
	assert_int_equal(fake_kills, 0);
}

/* ---- Data segments: the access's start is base + effective address ---- */

/* Each segment register holds a selector with its own base; each override
 * prefix (and the SS default of [ebp]) must pick the right one.  With any
 * other base the instruction would not be accessing CR2. */
static void test_segment_overrides(void **state)
{
	static const struct {
		uint8_t prefix;
		uint32_t base;
	} seg[] = {
		{ 0x26, 0x1000 },     /* ES */
		{ 0x2e, 0x2000 },     /* CS */
		{ 0x36, 0x3000 },     /* SS */
		{ 0x3e, 0x4000 },     /* DS */
		{ 0x64, 0x5000 },     /* FS */
		{ 0x65, 0xfffff000 }, /* GS: wraps */
	};

	fg->gdt[14] = make_desc(seg[1].base, 0xfffff, TYPE_CODE, true, true);
	fg->regs->cs = SEL(14);
	fg->regs->eip = CODE - seg[1].base; /* linear CODE */
	for (unsigned i = 0; i < 6; i++)
		if (i != 1)
			fg->gdt[20 + i] = make_desc(seg[i].base, 0xfffff,
						    TYPE_DATA, true, true);
	fg->regs->es = SEL(20);
	fg->regs->ss = SEL(22);
	fg->regs->ds = SEL(23);
	fg->regs->fs = SEL(24);
	fg->regs->gs = SEL(25);

	for (unsigned i = 0; i < 6; i++) {
		/* prefix mov eax,[ebx] */
		CODE_AT(CODE, seg[i].prefix, 0x8b, 0x03);
		fg->regs->eip = CODE - seg[1].base;
		fg->regs->eax = 0;
		fg->regs->ebx = VWIN + DEVCFG - seg[i].base;
		if (fault(VWIN + DEVCFG, false) != MMIO_DONE)
			fail_msg("prefix %#x: not emulated", seg[i].prefix);
		assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
		assert_int_equal(fg->regs->eip, CODE - seg[1].base + 3);
		/* The same offset in another segment is another address:
		 * not the access that faulted, so the guest's own #PF. */
		fg->regs->eip = CODE - seg[1].base;
		fg->regs->ebx = VWIN + DEVCFG - seg[(i + 1) % 6].base;
		if (fault(VWIN + DEVCFG, false) != MMIO_REFLECT)
			fail_msg("prefix %#x: the wrong base accepted",
				 seg[i].prefix);
	}

	/* No prefix: DS, and SS for an EBP base. */
	CODE_AT(CODE, 0x8b, 0x03); /* mov eax,[ebx] */
	fg->regs->eip = CODE - seg[1].base;
	fg->regs->ebx = VWIN + DEVCFG - seg[3].base;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	CODE_AT(CODE, 0x8b, 0x45, 0x04); /* mov eax,[ebp+4] */
	fg->regs->eip = CODE - seg[1].base;
	fg->regs->ebp = VWIN + DEVCFG - 4 - seg[2].base;
	fg->regs->eax = 0;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
	assert_int_equal(fake_kills, 0);
}

/* An override naming a segment register that holds nothing usable. */
static void test_segment_unusable(void **state)
{
	CODE_AT(CODE, 0x64, 0x8b, 0x03); /* mov eax,fs:[ebx] */
	fg->regs->fs = 0;
	fg->regs->ebx = VWIN + DEVCFG;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_REFLECT);
	/* The upper half of a pushed selector is not part of it. */
	fg->regs->fs = 0xdead0000u | SEL(13);
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
}

/* The address-size prefix: a 16-bit offset in a based segment. */
static void test_addr16(void **state)
{
	fg->gdt[20] = make_desc(VWIN, 0xffff, TYPE_DATA, true, false);
	fg->regs->ds = SEL(20);
	CODE_AT(CODE, 0x67, 0x8b, 0x07); /* mov eax,[bx] */
	fg->regs->ebx = 0xdead0000u | DEVCFG;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA3A2A1A0);
	assert_int_equal(fg->regs->eip, CODE + 3);
	/* [bp+si+0x10] defaults to SS */
	fg->regs->ss = SEL(20);
	fg->regs->ds = SEL(13);
	CODE_AT(CODE, 0x67, 0x8a, 0x42, 0x10); /* mov al,[bp+si+0x10] */
	fg->regs->eip = CODE;
	fg->regs->ebp = 0x11110000u | 20;
	fg->regs->esi = 0x22220000u | (DEVCFG + 1 - 20 - 0x10);
	assert_int_equal(fault(VWIN + DEVCFG + 1, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax & 0xff, 0xA1);
}

/* ---- Straddling accesses: refused, the guest killed with a reason ---- */

static void assert_killed(const char *what)
{
	assert_int_equal(fake_kills, 1);
	if (!strstr(fake_kill_reason, what))
		fail_msg("kill reason \"%s\" lacks \"%s\"", fake_kill_reason,
			 what);
	assert_int_equal(fg->regs->eip, CODE);
}

/* A 4-byte load 2 bytes below the BAR, whose page follows a RAM page.  The
 * fault comes on the window page, with CR2 at its start (QEMU's report) or
 * at the access's first byte there: either way the load is not a
 * register access at the BAR's start. */
static void test_straddle_ram_window_load(void **state)
{
	static const uint32_t cr2s[] = { VWIN, VWIN + 1 };

	for (size_t i = 0; i < ARRAY_SIZE(cr2s); i++) {
		if (i > 0) {
			teardown(state);
			setup(state);
		}
		CODE_AT(CODE, 0x8b, 0x00); /* mov eax,[eax] */
		fg->regs->eax = VWIN - 2;
		assert_int_equal(fault(cr2s[i], false), MMIO_KILLED);
		assert_killed("crosses a page boundary");
		assert_int_equal(fg->regs->eax, VWIN - 2);
	}
}

/* The same for a store: neither half is written. */
static void test_straddle_ram_window_store(void **state)
{
	CODE_AT(CODE, 0x89, 0x02); /* mov [edx],eax */
	fg->regs->edx = VWIN - 2;
	fg->regs->eax = 0x00010203;
	gput32(VRAM_GPA + PAGE_SIZE - 4, 0x11223344);
	assert_int_equal(fault(VWIN, true), MMIO_KILLED);
	assert_killed("crosses a page boundary");
	assert_int_equal(fd->device_feature_select, 0);
	assert_int_equal(gget32(VRAM_GPA + PAGE_SIZE - 4), 0x11223344);
}

/* A BAR at the end of its page: an access from it into the next page. */
static void test_straddle_window_page(void **state)
{
	fd->bar0 = BAR0 + PAGE_SIZE - VIRTIO_BAR_SIZE;
	CODE_AT(CODE, 0x8b, 0x00);
	fg->regs->eax = VWIN + PAGE_SIZE - 2;
	assert_int_equal(fault(VWIN + PAGE_SIZE - 2, false), MMIO_KILLED);
	assert_killed("crosses a page boundary");
}

/* Two devices side by side: an access across from one BAR to the next. */
static void test_straddle_two_bars(void **state)
{
	struct virtio_dev *d2 = &fg->dev->virtio[1];

	*d2 = *fd;
	d2->bar0 = BAR0 + VIRTIO_BAR_SIZE;
	d2->slot = 2;
	fg->dev->n = 2;
	CODE_AT(CODE, 0x89, 0x02); /* mov [edx],eax */
	fg->regs->edx = VWIN + VIRTIO_BAR_SIZE - 2;
	assert_int_equal(fault(VWIN + VIRTIO_BAR_SIZE - 2, true), MMIO_KILLED);
	assert_killed("straddles");
	assert_int_equal(d2->device_feature_select, 0);
}

/* The end of a BAR, into the window's padding. */
static void test_straddle_bar_end(void **state)
{
	CODE_AT(CODE, 0x8b, 0x00);
	fg->regs->eax = VWIN + VIRTIO_BAR_SIZE - 1;
	assert_int_equal(fault(VWIN + VIRTIO_BAR_SIZE - 1, false), MMIO_KILLED);
	assert_killed("straddles");
}

/* Two registers of one BAR. */
static void test_straddle_two_registers(void **state)
{
	static const struct {
		uint8_t code[3];
		uint8_t len;
		uint32_t off;
	} cases[] = {
		{ { 0x8b, 0x00 }, 2, 18 },	 /* num_queues, status */
		{ { 0x8b, 0x00 }, 2, 2 },	 /* two feature registers */
		{ { 0x66, 0x8b, 0x00 }, 3, 21 }, /* generation, select */
		{ { 0x66, 0x8b, 0x00 }, 3, 59 }, /* padding, config */
		{ { 0x8b, 0x00 }, 2, 54 },	 /* used_hi, notify */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (i > 0) {
			teardown(state);
			setup(state);
		}
		put_code(CODE, cases[i].code, cases[i].len);
		fg->regs->eax = VWIN + cases[i].off;
		if (fault(VWIN + cases[i].off, false) != MMIO_KILLED)
			fail_msg("offset %u: not refused", cases[i].off);
		assert_killed("straddles two device registers");
	}
}

/* Not straddles: one register at a narrow width (the register layer reads
 * all ones), and any span of the device-specific configuration. */
static void test_one_register(void **state)
{
	CODE_AT(CODE, 0x8a, 0x00); /* mov al,[eax] */
	fg->regs->eax = VWIN + 1;
	assert_int_equal(fault(VWIN + 1, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax & 0xff, 0xff);
	CODE_AT(CODE, 0x8b, 0x00); /* mov eax,[eax] */
	fg->regs->eip = CODE;
	fg->regs->eax = VWIN + DEVCFG + 2;
	assert_int_equal(fault(VWIN + DEVCFG + 2, false), MMIO_DONE);
	assert_int_equal(fg->regs->eax, 0xA5A4A3A2);
	assert_int_equal(fake_kills, 0);
}

/* The pure rule itself, at the edges of the layout. */
static void test_one_register_rule(void **state)
{
	assert_true(virtio_bar_one_register(0, 4));
	assert_true(virtio_bar_one_register(1, 2)); /* narrow, inside */
	assert_false(virtio_bar_one_register(2, 4));
	assert_true(virtio_bar_one_register(16, 2));
	assert_false(virtio_bar_one_register(16, 4));
	assert_true(virtio_bar_one_register(20, 1));
	assert_false(virtio_bar_one_register(20, 2));
	assert_true(virtio_bar_one_register(52, 4));
	assert_false(virtio_bar_one_register(54, 4));
	assert_true(virtio_bar_one_register(56, 2));
	assert_false(virtio_bar_one_register(57, 2));
	assert_true(virtio_bar_one_register(58, 1));
	assert_false(virtio_bar_one_register(58, 2));
	assert_true(virtio_bar_one_register(60, 4));
	assert_true(virtio_bar_one_register(124, 4));
	assert_false(virtio_bar_one_register(125, 4));
	assert_false(virtio_bar_one_register(128, 1));
	assert_false(virtio_bar_one_register(0xfffffffe, 4));
	assert_false(virtio_bar_one_register(0, 0));
}

/* ---- Faults this instruction did not cause ---- */

static void test_not_this_access(void **state)
{
	/* The operand is elsewhere (an instruction fetch faulted, say). */
	CODE_AT(CODE, 0x8b, 0x00);
	fg->regs->eax = VWIN + 8;
	assert_int_equal(fault(VWIN + DEVCFG, false), MMIO_REFLECT);
	/* A load presented as a write fault. */
	fg->regs->eax = VWIN + DEVCFG;
	assert_int_equal(fault(VWIN + DEVCFG, true), MMIO_REFLECT);
	assert_int_equal(fg->regs->eip, CODE);
	assert_int_equal(fake_kills, 0);
}

/* ---- Port instructions are fetched at CS:EIP too ---- */

static void test_port_cs_base(void **state)
{
	fg->gdt[14] = make_desc(0x2000, 0xfffff, TYPE_CODE, true, true);
	fg->regs->cs = SEL(14);
	fg->regs->eip = 0x100;
	CODE_AT(0x100, 0xee);  /* out dx,al: not this */
	CODE_AT(0x2100, 0xec); /* in al,dx: this */
	fg->regs->edx = 0x1234;
	fg->regs->eax = 0xffffffff;
	assert_true(emulate_insn(fg));
	assert_int_equal(port_ins, 1);
	assert_int_equal(port_outs, 0);
	assert_int_equal(last_port, 0x1234);
	assert_int_equal(fg->regs->eax, 0xffffff5a);
	assert_int_equal(fg->regs->eip, 0x101);
	/* Beyond the limit: the guest's #GP. */
	fg->gdt[14] = make_desc(0x2000, 0x100, TYPE_CODE, true, false);
	fg->regs->eip = 0x101;
	assert_false(emulate_insn(fg));
	assert_int_equal(port_ins, 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flat_load),
		T(test_flat_store),
		T(test_cs_base),
		T(test_cs_base_wraps),
		T(test_cs_limit),
		T(test_cs_unusable),
		T(test_segment_overrides),
		T(test_segment_unusable),
		T(test_addr16),
		T(test_straddle_ram_window_load),
		T(test_straddle_ram_window_store),
		T(test_straddle_window_page),
		T(test_straddle_two_bars),
		T(test_straddle_bar_end),
		T(test_straddle_two_registers),
		T(test_one_register),
		T(test_one_register_rule),
		T(test_not_this_access),
		T(test_port_cs_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
