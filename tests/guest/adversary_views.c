/*
 * adversary_views.c - [Testguest 24] reaching the hypervisor region
 * through segments (docs/segment-views.md).
 *
 * Ring 1 is supervisor to the paging unit, so only segment limits keep
 * the guest kernel out of [4 GiB - reserve_mem, 4 GiB).  These cases try
 * every kind of segment a guest can make, and the seams between the two
 * descriptor views:
 *
 *   test=hvscan       every page of the region, read and written from
 *                     ring 1 through every segment we can load: the
 *                     kernel's and user's code and data, a LOAD_TLS
 *                     entry of base 0 and 4 GiB, and LOAD_GDT_ENTRY ones
 *                     based in the region, expand-down, 16-bit, and
 *                     wrapping past 4 GiB.  Prints how many pages were
 *                     readable and writable (0 and 0, or it is broken).
 *   test=views-tls    user/tlsview.c: glibc-style TLS at a negative %gs
 *                     offset in ring 3, then "int $0x80" through a direct
 *                     trap gate (sysgate=trap) with the full view loaded;
 *                     here, in ring 1, the %gs it left must be the
 *                     truncated descriptor, and so must the same TLS
 *                     selector loaded afresh.
 *   test=views-gp     user/tlsview.c 2: a #GP(0) in ring 3 is retried
 *                     once with the full view, then reflected as usual.
 *   test=switcherscan what the page tables alone let ring 1 reach of the
 *                     Switcher's 4 MiB (the kernel's DS, limits not
 *                     consulted: only meaningful where the CPU does not
 *                     enforce them, as under TCG).  Prints how many pages
 *                     are mapped and writable; with exits=switch that is
 *                     the Switcher's code and the pages of the processor
 *                     we run on, the same with any number of processors
 *                     (tests/qemu/smp-switcher-pages.test).
 *
 * QEMU's TCG does not enforce segment limits: an access past a limit
 * simply happens.  So "readable" is decided as the CPU would on real
 * hardware: the access must pass the limit check of the descriptor the
 * CPU has for the selector (lsl, lar: what the GDT holds right now), and
 * then it is really made, for the page tables to answer; a write also
 * needs a writable segment (verw: TCG does not check that either).  hvscan also
 * says whether this CPU enforces limits at all.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/mmu.h"
#include "paravirt-guest/proc.h"
#include "paravirt-guest/trap.h"

#include "testguest.h"

#define SLOT_FIRST 20 /* PnP BIOS and APM slots: unused by our kernel */
#define SEL(slot, rpl) (((slot) << 3) | (rpl))
#define TLS_SEL SEL(GUEST_GDT_TLS_MIN, 3) /* 0x33 */
#define TLS_REQUEST_VECTOR 4		  /* "int $4" from user/tlsview.c */
#define VIEWS_MAGIC 0x56494557u		  /* "WEIV": tlsview's check, on 0x80 */
#define MAX_REGION_PAGES 131072u /* 512 MiB: exits=resident's reserve_mem */

#define AR_P (1u << 15)
#define AR_CODE (1u << 11)
#define AR_DOWN (1u << 10)
#define AR_B (1u << 22)

static uint32_t region_base(void)
{
	return 0u - lguest_data.reserve_mem;
}

/* The descriptor the CPU has for sel, as ring 1 may see it: false if it
 * is not one we could load (lar and lsl refuse it). */
static bool seg_info(uint16_t sel, uint32_t *rights, uint32_t *limit)
{
	uint8_t ok1, ok2;

	asm volatile("lar %2, %0; setz %1"
		     : "=r"(*rights), "=q"(ok1)
		     : "r"((uint32_t)sel));
	asm volatile("lsl %2, %0; setz %1"
		     : "=r"(*limit), "=q"(ok2)
		     : "r"((uint32_t)sel));
	return ok1 && ok2 && (*rights & AR_P);
}

/* Would the CPU's limit check let a 4-byte access at linear through sel
 * (of base base)?  SDM vol. 3, 5.3. */
static bool seg_allows(uint16_t sel, uint32_t base, uint32_t linear)
{
	uint32_t rights, limit, off = linear - base;
	uint64_t last = (uint64_t)off + 3;

	if (!seg_info(sel, &rights, &limit))
		return false;
	if ((rights & AR_CODE) || !(rights & AR_DOWN))
		return last <= limit;
	return off > limit && last <= ((rights & AR_B) ? 0xFFFFFFFFu : 0xFFFFu);
}

/* May sel be written at all, at our CPL?  (verw: data, writable.) */
static bool seg_writable(uint16_t sel)
{
	uint8_t ok;

	asm volatile("verw %w1; setz %0" : "=q"(ok) : "r"((uint32_t)sel));
	return ok;
}

/* Reads and writes through %fs, each allowed to fault: true if it did
 * not.  The write adds 0 in one instruction, so nothing changes. */
static bool read_via_fs(uint32_t off, uint32_t *v)
{
	fixup_vector = -1;
	asm volatile("1: movl %%fs:(%1), %0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     : "=r"(*v)
		     : "r"(off)
		     : "memory");
	return fixup_vector < 0;
}

static bool write_via_fs(uint32_t off)
{
	fixup_vector = -1;
	asm volatile("1: addl $0, %%fs:(%0)\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     : "r"(off)
		     : "memory", "cc");
	return fixup_vector < 0;
}

static void load_fs(uint16_t sel)
{
	asm volatile("movw %w0, %%fs" : : "r"((uint32_t)sel) : "memory");
}

static void gdt_entry(unsigned slot, uint32_t base, uint32_t limit,
		      uint32_t flags)
{
	hcall(LHCALL_LOAD_GDT_ENTRY, slot, (base << 16) | (limit & 0xFFFF),
	      (base & 0xFF000000u) | ((base >> 16) & 0xFF) | (limit & 0xF0000) |
		      flags);
}

/* Descriptor high-word flags, as a guest writes them. */
#define F_DATA 0x00009200u  /* present, DPL 0, data, writable */
#define F_DOWN 0x00009600u  /* the same, expand-down */
#define F_DATA3 0x0000F200u /* DPL 3 data */
#define F_32 (1u << 22)
#define F_PAGES (1u << 23)

/* One page of a guest's own RAM, readable at its kernel address, to see
 * whether this CPU enforces limits at all. */
static uint32_t probe_page[1024] __attribute__((aligned(4096)));

static bool limits_enforced(void)
{
	uint32_t base = (uint32_t)probe_page, v;
	bool faulted;

	gdt_entry(SLOT_FIRST, base, 0xFF, F_DATA | F_32);
	load_fs(SEL(SLOT_FIRST, 1));
	faulted = !read_via_fs(0x800, &v);
	load_fs(0);
	return faulted;
}

struct scan_seg {
	const char *what;
	uint16_t sel;
	uint32_t base;
};

static uint8_t readable[MAX_REGION_PAGES / 8], writable[MAX_REGION_PAGES / 8];

static unsigned count_bits(const uint8_t *map, uint32_t pages)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < pages; i++)
		n += (map[i / 8] >> (i % 8)) & 1;
	return n;
}

/* One segment over every page of the region; its own counts printed. */
static void scan_one(const struct scan_seg *s, uint32_t r, uint32_t pages)
{
	unsigned rd = 0, wr = 0, denied = 0;
	uint32_t v;

	for (uint32_t i = 0; i < pages; i++) {
		uint32_t page = r + i * PAGE_SIZE;

		if (!seg_allows(s->sel, s->base, page)) {
			denied++;
			continue;
		}
		load_fs(s->sel);
		if (read_via_fs(page - s->base, &v)) {
			readable[i / 8] |= 1u << (i % 8);
			rd++;
			if (seg_writable(s->sel) &&
			    write_via_fs(page - s->base)) {
				writable[i / 8] |= 1u << (i % 8);
				wr++;
			}
		}
		load_fs(0);
	}
	printf("guest: hvscan: %s (selector 0x%x, base 0x%x): %u readable, "
	       "%u writable, %u out of its limits\n",
	       s->what, s->sel, s->base, rd, wr, denied);
}

static void hvscan(void)
{
	uint32_t r, pages;
	bool enforced;

	guest_connect();
	idt_init();
	proc_init(); /* the user segments, as a kernel with processes has */
	/* Our faults in the region go to the fixups, not to the kernel's
	 * page-fault handler, which would take them for a kernel bug. */
	trap_set_handler(VECTOR_PF, NULL);
	r = region_base();
	pages = lguest_data.reserve_mem / PAGE_SIZE;
	if (pages > MAX_REGION_PAGES) {
		printf("guest: hvscan: FAIL: reserve_mem 0x%x is more than "
		       "the scan can hold\n",
		       lguest_data.reserve_mem);
		guest_poweroff("hvscan failed");
	}
	enforced = limits_enforced();
	printf("guest: hvscan: this CPU %s segment limits%s\n",
	       enforced ? "enforces" : "does not enforce",
	       enforced ? ""
			: " (an emulator's choice): the scan checks "
			  "them as lsl and lar report them");
	{
		static uint32_t tls[6] = { 0x0000FFFF, 0x00CFF200 };
		const struct scan_seg segs[] = {
			{ "kernel DS", GUEST_KERNEL_DS, 0 },
			{ "kernel CS", GUEST_KERNEL_CS, 0 },
			{ "user DS", 0x7B, 0 },
			{ "user CS", 0x73, 0 },
			{ "TLS base 0, 4 GiB", TLS_SEL, 0 },
			{ "base in the region", SEL(SLOT_FIRST, 1), r },
			{ "expand-down from 0", SEL(SLOT_FIRST + 1, 1), 0 },
			{ "16-bit below the region", SEL(SLOT_FIRST + 2, 1),
			  r - 0x8000 },
			{ "16-bit expand-down", SEL(SLOT_FIRST + 3, 1),
			  r - 0x8000 },
			{ "1 MiB + 4 GiB, wrapping", SEL(SLOT_FIRST + 4, 1),
			  0x00100000 },
			{ "bytes past 4 GiB", SEL(SLOT_FIRST + 5, 1),
			  0xFFFFF000u },
		};

		hcall(LHCALL_LOAD_TLS, __pa(tls), 0, 0);
		gdt_entry(SLOT_FIRST, r, 0xFFFFF, F_DATA | F_32 | F_PAGES);
		gdt_entry(SLOT_FIRST + 1, 0, 0, F_DOWN | F_32);
		gdt_entry(SLOT_FIRST + 2, r - 0x8000, 0xFFFF, F_DATA);
		gdt_entry(SLOT_FIRST + 3, r - 0x8000, 0, F_DOWN);
		gdt_entry(SLOT_FIRST + 4, 0x00100000, 0xFFFFF,
			  F_DATA | F_32 | F_PAGES);
		gdt_entry(SLOT_FIRST + 5, 0xFFFFF000u, 0xFFFFF, F_DATA | F_32);
		for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
			scan_one(&segs[i], r, pages);
		printf("guest: hvscan: %u readable, %u writable (of %u pages "
		       "at 0x%x, %u segments)\n",
		       count_bits(readable, pages), count_bits(writable, pages),
		       pages, r, (unsigned)(sizeof(segs) / sizeof(segs[0])));
	}
	guest_poweroff("hvscan done");
}

/* ---- The views as a process sees them: user/tlsview.c ---- */

static uint32_t tls_desc[6] __attribute__((aligned(8)));

/* "int $4", EAX = a TLS base: slot 6 becomes a 4 GiB DPL-3 data segment
 * at that base (what glibc's set_thread_area asks Linux for). */
static void tls_request(struct trapframe *tf)
{
	uint32_t base = tf->eax;

	if (!from_user(tf))
		return;
	tls_desc[0] = (base << 16) | 0xFFFF;
	tls_desc[1] =
		(base & 0xFF000000u) | ((base >> 16) & 0xFF) | 0x00CFF200u;
	hcall(LHCALL_LOAD_TLS, __pa(tls_desc), 0, 0);
	tf->eax = TLS_SEL;
}

static uint32_t tls_base(void)
{
	return (tls_desc[0] >> 16) | ((tls_desc[1] & 0xFF) << 16) |
	       (tls_desc[1] & 0xFF000000u);
}

static unsigned views_failures;

/* What ring 1 found in a segment register: measured before anything
 * that could exit to the hypervisor (printf does), since the next entry
 * into ring 1 would load the truncated view whatever we came in with. */
struct ring1_seen {
	uint16_t sel;
	uint32_t limit;
	bool reach; /* its descriptor lets an access into the region */
	bool read;  /* and the CPU made one */
};

static void measure(struct ring1_seen *m, uint16_t sel)
{
	uint32_t r = region_base(), rights, v;

	m->sel = sel;
	m->limit = 0;
	seg_info(sel, &rights, &m->limit);
	m->reach = seg_allows(sel, tls_base(), r);
	load_fs(sel);
	m->read = read_via_fs(r - tls_base(), &v);
	load_fs(0);
}

static void report(const char *what, const struct ring1_seen *m)
{
	printf("guest: views: ring 1, %s 0x%x: limit 0x%x, the region %s by "
	       "its descriptor%s\n",
	       what, m->sel, m->limit, m->reach ? "REACHABLE" : "out of reach",
	       m->reach	 ? ""
	       : m->read ? " (the CPU did not enforce it)"
			 : ", and the read faulted");
	views_failures += m->reach;
}

static void views_syscall(struct trapframe *tf)
{
	struct ring1_seen left, fresh;
	uint32_t gs;

	if (tf->eax != VIEWS_MAGIC) {
		syscall_handler(tf);
		return;
	}
	asm volatile("movl %%gs, %0" : "=r"(gs));
	measure(&left, (uint16_t)gs);
	measure(&fresh, TLS_SEL);
	printf("guest: views: int $0x80 reached ring 1 with %%gs 0x%x\n",
	       gs & 0xFFFF);
	report("the %gs ring 3 left", &left);
	report("TLS loaded afresh", &fresh);
	tf->eax = views_failures;
}

static void views_process(int arg, const char *done)
{
	int status = 0;

	guest_connect();
	idt_init();
	proc_init();
	trap_set_handler(TLS_REQUEST_VECTOR, tls_request);
	trap_set_handler(SYSCALL_VECTOR, views_syscall);
	if (!proc_spawn("tlsview", arg)) {
		printf("guest: views: FAIL: cannot start tlsview\n");
		guest_poweroff("views failed");
	}
	proc_wait(&status);
	printf("guest: views: tlsview %d ended with status %d, %u ring-1 "
	       "failures\n",
	       arg, status, views_failures);
	guest_poweroff(views_failures ? "views failed" : done);
}

static void views_tls(void)
{
	views_process(1, "views checked");
}

static void views_gp(void)
{
	views_process(2, "views retried");
}

static void switcherscan(void)
{
	uint32_t mapped = 0, wr = 0, v;

	guest_connect();
	idt_init();
	trap_set_handler(VECTOR_PF, NULL); /* faults go to the fixups */
	load_fs(GUEST_KERNEL_DS);
	for (uint32_t va = 0xFFC00000u; va != 0; va += PAGE_SIZE) {
		if (!read_via_fs(va, &v))
			continue;
		mapped++;
		wr += write_via_fs(va);
	}
	load_fs(0);
	printf("guest: switcherscan: this CPU %s segment limits; %u pages "
	       "of the Switcher's 4 MiB mapped, %u writable\n",
	       limits_enforced() ? "enforces" : "does not enforce", mapped,
	       wr);
	guest_poweroff("switcherscan done");
}

void adversary_views_run(const char *name)
{
	if (word_equals(name, "switcherscan"))
		switcherscan();
	if (word_equals(name, "hvscan"))
		hvscan();
	if (word_equals(name, "views-tls"))
		views_tls();
	if (word_equals(name, "views-gp"))
		views_gp();
}
