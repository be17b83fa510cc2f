/*
 * vm.c - [Pvguest 9] a process's address space: its page directory, and
 * what happens when it touches a page that is not there yet.
 *
 * Every directory starts as a copy of the kernel half of swapper_pgdir
 * (mmu.h), so the kernel is mapped in every process, but only with
 * supervisor pages: ring 3 cannot touch it.  The user half belongs to the
 * process.  Each change goes through set_pte()/set_pde() (mm.c), which
 * tell the hypervisor, and the long loops (fork's copy, exit's teardown)
 * batch their calls in the async ring.
 */
#include "console.h"
#include "hcall.h"
#include "lguest.h"
#include "mm.h"
#include "proc.h"
#include "x86.h"

/* A new page directory: no user mappings, the shared kernel half. */
uint32_t *vm_create(void)
{
	uint32_t *pgdir = page_alloc();

	if (!pgdir)
		return NULL;
	for (unsigned int i = PDX(PAGE_OFFSET); i < PTRS_PER_TABLE; i++)
		pgdir[i] = swapper_pgdir[i];
	return pgdir;
}

/* The PTE for user address va, making its page table if asked. */
static uint32_t *user_pte(uint32_t *pgdir, uint32_t va, bool create)
{
	uint32_t *table;

	if (!(pgdir[PDX(va)] & PTE_P)) {
		if (!create || !(table = page_alloc()))
			return NULL;
		set_pde(pgdir, PDX(va), __pa(table) | PDE_USER);
	}
	return (uint32_t *)__va(pgdir[PDX(va)] & PTE_FRAME) + PTX(va);
}

/* Map a fresh zeroed page at va; returns it (direct map) or NULL. */
void *vm_map_new(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = user_pte(pgdir, va, true);
	void *page;

	if (!pte || !(page = page_alloc()))
		return NULL;
	set_pte(pgdir, va & PTE_FRAME, pte, __pa(page) | PTE_USER);
	return page;
}

/*
 * Give back every user page and page table.  The hypervisor may have
 * shadowed any of them, so it hears of each: SET_PTE for the pages,
 * SET_PGD for the tables.  (It matters: this directory page may be
 * reused for another process while the hypervisor still caches a shadow
 * tagged with its address.)
 */
void vm_free_user(uint32_t *pgdir)
{
	lazy_begin();
	for (unsigned int i = 0; i < PDX(USER_TOP); i++) {
		uint32_t *table;

		if (!(pgdir[i] & PTE_P))
			continue;
		table = __va(pgdir[i] & PTE_FRAME);
		for (unsigned int j = 0; j < PTRS_PER_TABLE; j++) {
			if (!(table[j] & PTE_P))
				continue;
			page_free(__va(table[j] & PTE_FRAME));
			set_pte(pgdir, (i << PGDIR_SHIFT) | (j << PAGE_SHIFT),
				&table[j], 0);
		}
		set_pde(pgdir, i, 0);
		page_free(table);
	}
	lazy_end();
}

/*
 * fork's copy: every user page, eagerly.  (Copy-on-write would map the
 * parent's pages read-only in both and copy on the first write fault.)
 * The child's directory is not running, so the hypervisor has no shadow
 * of it and ignores these SET_PTEs; Linux sends them all the same, and
 * so do we: the hypervisor, not the guest, decides what it caches.
 */
bool vm_copy(uint32_t *dst, uint32_t *src)
{
	bool ok = true;

	lazy_begin();
	for (unsigned int i = 0; i < PDX(USER_TOP) && ok; i++) {
		uint32_t *from;

		if (!(src[i] & PTE_P))
			continue;
		from = __va(src[i] & PTE_FRAME);
		for (unsigned int j = 0; j < PTRS_PER_TABLE; j++) {
			uint32_t va = (i << PGDIR_SHIFT) | (j << PAGE_SHIFT);
			uint32_t *pte;
			void *page;

			if (!(from[j] & PTE_P))
				continue;
			pte = user_pte(dst, va, true);
			page = page_alloc();
			if (!pte || !page) {
				if (page)
					page_free(page);
				ok = false;
				break;
			}
			memcpy(page, __va(from[j] & PTE_FRAME), PAGE_SIZE);
			set_pte(dst, va, pte,
				__pa(page) | (from[j] & ~PTE_FRAME));
		}
	}
	lazy_end();
	return ok;
}

bool user_range_ok(uint32_t va, uint32_t len)
{
	return va < USER_TOP && len <= USER_TOP - va;
}

/* Is va in a part of the address space we fill on demand? */
static bool demand_zero(const struct proc *p, uint32_t va)
{
	if (va >= p->heap_start && va < p->brk)
		return true;
	return va >= USER_TOP - USER_STACK_MAX && va < USER_TOP;
}

/*
 * A page fault the hypervisor passed to us (ABI 8.8): it found our own
 * page tables saying no.  The address is in lguest_data.cr2; we cannot
 * read the real CR2.  Either it is a heap or stack page we have not made
 * yet (make it, map it, return: the instruction runs again), or the
 * process did something it may not and dies.  A fault in the kernel's own
 * code, on a kernel address, is a kernel bug.
 */
void page_fault(struct trapframe *tf)
{
	uint32_t va = READ_ONCE(lguest_data.cr2);
	bool user_addr = va < USER_TOP && current->pid != 0;

	if (user_addr && !(tf->error & PF_PRESENT) &&
	    demand_zero(current, va)) {
		if (!vm_map_new(current->pgdir, va))
			proc_kill("out of memory at %p", (void *)va);
		sched_stats.user_faults++;
		return;
	}
	if (from_user(tf) || user_addr)
		proc_kill("page fault at %p (eip %p)", (void *)va,
			  (void *)tf->eip);
	printf("guest: kernel page fault at %p (eip %p, error %x)\n",
	       (void *)va, (void *)tf->eip, tf->error);
	guest_poweroff("crash: kernel page fault");
}
