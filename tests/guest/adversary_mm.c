/*
 * adversary_mm.c - [Testguest 5] page tables the hypervisor must not
 * believe.
 *
 * The hypervisor reads our tables only when it shadows an entry, on a
 * fault or a SET_PTE (ABI 9.4, 9.5), and each entry it reads must map our
 * own RAM and nothing else (9.1, 9.7).  Each test here writes one entry
 * that breaks a rule, and touches it.  The hypervisor must kill us with a
 * message, except for the global bit, which it must simply strip (9.2).
 * Like adversary.c, reaching the end of a test that should have been
 * refused prints "NOT refused".
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/mm.h"

#include "testguest.h"

#define STORM 100000
#define FAR_FRAME 0x40000000u /* 1 GiB: past RAM and any device window */
#define TOP_FRAME 0xfffff000u /* the last frame below 4 GiB */
#define HV_VA 0xffc00000u     /* the hypervisor region's usual base */
#define WILD_PDX 0x100	      /* 0x40000000: user half, unused here */

static const char *test_name;

static __attribute__((noreturn)) void not_refused(void)
{
	printf("guest: test %s: NOT refused, guest still running\n", test_name);
	guest_poweroff("test not refused");
}

static uint32_t touch(uint32_t va)
{
	return *(volatile uint32_t *)va;
}

/* A PTE for a frame far beyond our RAM, in the fixmap, then a read. */
static void pte_outside_ram(void)
{
	printf("guest: test: PTE for frame %p (RAM is %u MiB), then a read\n",
	       (void *)FAR_FRAME, boot_mm.ram_bytes >> 20);
	fixmap_set(1, FAR_FRAME | PTE_P | PTE_RW);
	touch(FIXMAP(1));
}

/* The same with the frame just below 4 GiB: the hypervisor's own. */
static void pte_hv_frame(void)
{
	printf("guest: test: PTE for frame %p, then a read\n",
	       (void *)TOP_FRAME);
	fixmap_set(3, TOP_FRAME | PTE_P | PTE_RW);
	touch(FIXMAP(3));
}

/* A 4 MiB page: no large pages in this ABI. */
static void pde_large(void)
{
	uint32_t va = WILD_PDX << PGDIR_SHIFT;

	printf("guest: test: PDE with the PS bit for %p, then a read\n",
	       (void *)va);
	set_pde(swapper_pgdir, WILD_PDX, PDE_KERNEL | PTE_PS);
	touch(va);
}

/*
 * The global bit is harmless in a guest entry: the hypervisor strips it
 * from the shadow (ABI 9.2).  The mapping must work like any other.
 */
static void pte_global(void)
{
	uint32_t *page = page_alloc();
	uint32_t seen;

	printf("guest: test: PTE with the global bit\n");
	if (!page)
		guest_poweroff("out of memory");
	fixmap_set(2, __pa(page) | PTE_KERNEL | PTE_G);
	*(volatile uint32_t *)FIXMAP(2) = 0x600dcafe;
	seen = page[0];
	if (seen != 0x600dcafe) {
		printf("guest: pte-global: FAIL: read 0x%x\n", seen);
		guest_poweroff("global mapping broken");
	}
	printf("guest: pte-global: wrote 0x%x through %p, read it back at "
	       "%p\n",
	       seen, (void *)FIXMAP(2), (void *)page);
	guest_poweroff("global bit stripped");
}

/* SET_PTE inside the hypervisor region: never ours to map. */
static void set_pte_hv(void)
{
	printf("guest: test: SET_PTE for %p\n", (void *)HV_VA);
	hcall(LHCALL_SET_PTE, __pa(swapper_pgdir), HV_VA,
	      __pa(swapper_pgdir) | PTE_KERNEL);
}

/* A page directory that is not in our memory, then anything at all. */
static void pgdir_outside(void)
{
	printf("guest: test: NEW_PGTABLE(%p), then a read\n",
	       (void *)FAR_FRAME);
	hcall(LHCALL_NEW_PGTABLE, FAR_FRAME, 0, 0);
	touch(FIXMAP(0));
}

/*
 * Many SET_PTEs through the ring: the fixmap slot swings between two
 * pages; every slot of the ring is used over and over.  Afterwards the
 * mapping must be the last one we asked for.
 */
static void set_pte_storm(void)
{
	uint32_t *a = page_alloc(), *b = page_alloc(), seen;

	if (!a || !b)
		guest_poweroff("out of memory");
	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	printf("guest: test: %d SET_PTEs through the async ring\n", STORM);
	lazy_begin();
	for (int i = 0; i < STORM; i++)
		fixmap_set(4, __pa(i & 1 ? b : a) | PTE_KERNEL);
	lazy_end();
	seen = touch(FIXMAP(4));
	if (seen != ((STORM - 1) & 1 ? 0xbbbb : 0xaaaa)) {
		printf("guest: set-pte-storm: FAIL: read 0x%x\n", seen);
		guest_poweroff("set-pte storm broke the mapping");
	}
	printf("guest: set-pte-storm: %d SET_PTEs, mapping correct (0x%x)\n",
	       STORM, seen);
	guest_poweroff("set-pte storm survived");
}

struct adversary_mm {
	const char *name;
	void (*run)(void);
};

static const struct adversary_mm tests[] = {
	{ "pte-outside-ram", pte_outside_ram },
	{ "pte-hv-frame", pte_hv_frame },
	{ "pde-large", pde_large },
	{ "pte-global", pte_global },
	{ "set-pte-hv", set_pte_hv },
	{ "pgdir-outside", pgdir_outside },
	{ "set-pte-storm", set_pte_storm },
};

void adversary_mm_run(const char *name)
{
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!word_equals(name, tests[i].name))
			continue;
		test_name = tests[i].name;
		guest_connect();
		idt_init();
		tests[i].run();
		not_refused();
	}
}
