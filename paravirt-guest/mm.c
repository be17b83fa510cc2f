/*
 * mm.c - [Pvguest 8] the page allocator and the page-table hypercalls.
 *
 * The hypervisor never reads our page tables except when the CPU faults
 * on an address it has not shadowed yet, or when we ask it to (ABI 9).
 * So every change to an entry it may already have copied must be
 * reported, or it would go on using the old one:
 *
 *   SET_PTE(pgdir, va, pte)  a PTE changed.  For a kernel address the
 *                            hypervisor updates every cached shadow,
 *                            since the kernel half is shared; for a user
 *                            address only the one shadowing "pgdir";
 *   SET_PGD(pgdir, index)    a page-directory entry changed;
 *   FLUSH_TLB(0 or 1)        forget all user mappings of the current
 *                            directory, or everything everywhere;
 *   NEW_PGTABLE(pgdir)       switch to another directory (CR3).
 *
 * These are what Linux's lguest hooks send (set_pte_at, set_pmd,
 * flush_tlb_user/kernel, write_cr3), and we send them in the same
 * places.  Like Linux's "lazy MMU mode", a burst of them (fork's copy,
 * exit's teardown) goes through the async ring and is flushed at the end:
 * the hypervisor must have seen them all before we run user code again.
 */
#include "console.h"
#include "hcall.h"
#include "lguest.h"
#include "mm.h"

/*
 * Pages that were used and given back wait on free_list, each holding the
 * next one's address.  Pages never used yet are simply [fresh, fresh_end):
 * we do not touch them (and so make the hypervisor shadow them) until
 * someone needs one.
 */
static void *free_list;
static uint32_t nr_free;
static uint32_t fresh, fresh_end;
static int lazy_depth;

void *memset(void *dst, int c, uint32_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *dst, const void *src, uint32_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void page_free(void *page)
{
	*(void **)page = free_list;
	free_list = page;
	nr_free++;
}

void *page_alloc(void)
{
	void *page = free_list;

	if (page) {
		free_list = *(void **)page;
		nr_free--;
	} else if (fresh < fresh_end) {
		page = __va(fresh);
		fresh += PAGE_SIZE;
	} else {
		return NULL;
	}
	memset(page, 0, PAGE_SIZE);
	return page;
}

uint32_t pages_free(void)
{
	return nr_free + (fresh_end - fresh) / PAGE_SIZE;
}

/* A hypercall now, or queued if we are in a lazy section. */
void lazy_hcall(uint32_t call, uint32_t a1, uint32_t a2, uint32_t a3)
{
	if (lazy_depth)
		hcall_async(call, a1, a2, a3);
	else
		hcall(call, a1, a2, a3);
}

void lazy_begin(void)
{
	lazy_depth++;
}

/* Make sure the hypervisor has run everything we queued. */
void lazy_end(void)
{
	if (--lazy_depth == 0)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

void set_pte(uint32_t *pgdir, uint32_t va, uint32_t *ptep, uint32_t pte)
{
	*ptep = pte;
	lazy_hcall(LHCALL_SET_PTE, __pa(pgdir), va, pte);
}

/* Linux's set_pmd: the directory page, and which entry in it. */
void set_pde(uint32_t *pgdir, unsigned int idx, uint32_t pde)
{
	pgdir[idx] = pde;
	lazy_hcall(LHCALL_SET_PGD, __pa(pgdir), idx, 0);
}

void flush_tlb(bool kernel_too)
{
	lazy_hcall(LHCALL_FLUSH_TLB, kernel_too, 0, 0);
}

/* Our "mov to CR3". */
void load_pgdir(uint32_t *pgdir)
{
	lazy_hcall(LHCALL_NEW_PGTABLE, __pa(pgdir), 0, 0);
}

/*
 * A kernel mapping, as Linux's set_pte_at(&init_mm, ...) makes one: the
 * directory named is the kernel's own, but since the address is above
 * kernel_address the hypervisor applies it to every shadow it holds.
 */
void fixmap_set(unsigned int slot, uint32_t pte)
{
	uint32_t va = FIXMAP(slot);

	set_pte(swapper_pgdir, va, &boot_mm.fixmap_table[PTX(va)], pte);
}

/*
 * Now that we run at our link address, the identity half of the boot
 * page tables has done its job.  Dropping it frees the bottom of the
 * address space for user programs (and turns a null pointer into a
 * fault).  Then the allocator gets everything after the boot page tables.
 * The 4 MiB below our image (the zero page, the command line, and room we
 * do not need) we leave alone.
 */
void mm_init(void)
{
	lazy_begin();
	for (unsigned int i = 0; i < boot_mm.identity_pdes; i++)
		set_pde(swapper_pgdir, i, 0);
	flush_tlb(true);
	lazy_end();

	fresh = page_round_up(boot_mm.free_start);
	fresh_end = boot_mm.lowmem_bytes & PTE_FRAME;
}

/*
 * Map device registers, as Linux's ioremap does: an ordinary kernel PTE,
 * with caching disabled (PCD), accessed and dirty already set.  The
 * frame is in the hypervisor's device window above our RAM, which it
 * never backs with memory: every access faults, and it emulates the
 * instruction as a register read or write (ABI 11.6).  Mappings take
 * fixmap slots from the top down (the test guest uses the lowest), are never
 * undone, and a page asked for twice is mapped once: all our devices'
 * registers share one page.
 */
#define IOMAP_MAX 8

void *ioremap(uint32_t phys, uint32_t len)
{
	static uint32_t mapped[IOMAP_MAX];
	static unsigned int used;
	uint32_t page = phys & PTE_FRAME;
	unsigned int slot;

	if ((phys & ~PTE_FRAME) + len > PAGE_SIZE)
		return NULL; /* one page is all a virtio BAR0 here needs */
	for (slot = 0; slot < used; slot++)
		if (mapped[slot] == page)
			break;
	if (slot == used) {
		if (used == IOMAP_MAX)
			return NULL;
		mapped[used++] = page;
		fixmap_set(PTRS_PER_TABLE - 1 - slot,
			   page | PTE_PCD | PTE_KERNEL);
	}
	return (void *)(FIXMAP(PTRS_PER_TABLE - 1 - slot) +
			(phys & ~PTE_FRAME));
}
