/*
 * shadow.c - [Paging 1] shadow page tables (see shadow.h).
 *
 * This file currently implements linear-pages mode (ABI section 2.6),
 * which is all a guest needs until its first NEW_PGTABLE: every guest
 * virtual address below its RAM size maps to the same guest-physical
 * address.  Shadow entries are built on the first fault at each page.
 *
 * The guest's own page tables (NEW_PGTABLE, SET_PTE, SET_PGD, FLUSH_TLB)
 * arrive with the shadow-paging work; until then those hypercalls are
 * accepted and, as the ABI allows for a guest still in linear mode,
 * change nothing but are logged once at debug level.
 */
#include "shadow.h"
#include "guest.h"
#include "layout.h"
#include "pmem_hv.h"
#include "printk.h"
#include "../switcher/switcher.h"

struct shadow {
	uint32_t *pgdir; /* the directory CR3 points at while g runs */
	bool linear;
	bool warned_pgtable;
};

static struct shadow shadows[MAX_GUESTS];
static uint32_t pages_in_use;

uint32_t shadow_pages_in_use(void)
{
	return pages_in_use;
}

static uint32_t machine_addr(const struct guest *g, uint32_t gpa)
{
	return (uint32_t)(uintptr_t)g->mem + gpa;
}

static void free_tables(struct shadow *s)
{
	for (unsigned i = 0; i < SWITCHER_PDX; i++) {
		if (s->pgdir[i] & PTE_P) {
			page_free((void *)(uintptr_t)(s->pgdir[i] & PTE_FRAME));
			pages_in_use--;
		}
		s->pgdir[i] = 0;
	}
}

bool shadow_init(struct guest *g)
{
	struct shadow *s = &shadows[g->id];

	s->pgdir = page_alloc();
	if (!s->pgdir)
		return false;
	pages_in_use++;
	s->linear = true;
	s->warned_pgtable = false;
	/* The Switcher, at the same address as in our own address space. */
	s->pgdir[SWITCHER_PDX] = switcher_guest_pde();
	g->shadow = s;
	return true;
}

void shadow_destroy(struct guest *g)
{
	struct shadow *s = g->shadow;

	if (!s)
		return;
	free_tables(s);
	page_free(s->pgdir);
	pages_in_use--;
	s->pgdir = NULL;
	g->shadow = NULL;
}

uint32_t shadow_cr3(const struct guest *g)
{
	return (uint32_t)(uintptr_t)g->shadow->pgdir;
}

void shadow_discard_all(struct guest *g)
{
	free_tables(g->shadow);
	/* Our own CR3 is loaded while we run, so no TLB entry of the guest's
	 * survives: the next guest entry reloads CR3 and flushes them. */
}

/* The shadow PTE slot for va, allocating its page table if need be. */
static uint32_t *shadow_pte(struct guest *g, uint32_t va)
{
	struct shadow *s = g->shadow;
	uint32_t *pde = &s->pgdir[PDX(va)];
	uint32_t *pt;

	if (!(*pde & PTE_P)) {
		pt = page_alloc();
		if (!pt)
			return NULL;
		pages_in_use++;
		/* Permissions are decided per page, in the PTEs. */
		*pde = (uint32_t)(uintptr_t)pt | PTE_P | PTE_RW | PTE_US;
	}
	pt = (uint32_t *)(uintptr_t)(*pde & PTE_FRAME);
	return &pt[PTX(va)];
}

bool gva_to_gpa(struct guest *g, uint32_t gva, bool write, uint32_t *gpa)
{
	(void)write; /* linear mode: the fabricated PTEs are all writable */
	if (gva >= GUEST_H || gva >= g->mem_size)
		return false;
	*gpa = gva;
	return true;
}

enum pf_result shadow_page_fault(struct guest *g, uint32_t va, uint32_t err,
				 uint32_t *mmio_gpa)
{
	uint32_t *pte;

	(void)mmio_gpa;
	g->stats.page_faults++;
	if (va >= GUEST_H)
		return PF_REFLECT; /* never ours to map (section 9.7) */
	/* The fabricated PTE has no user bit: ring 3 may not use it. */
	if (err & PF_USER)
		return PF_REFLECT;
	if (va >= g->mem_size) {
		guest_kill(g, "linear-mode access to %#x, beyond its %u MiB "
			      "of RAM",
			   va, g->mem_size >> 20);
		return PF_KILLED;
	}
	pte = shadow_pte(g, va);
	if (!pte) {
		guest_kill(g, "out of memory for shadow page tables");
		return PF_KILLED;
	}
	/* Nothing is written back in linear mode, so there is no dirty bit
	 * to track: map writable at once and save the second fault. */
	*pte = machine_addr(g, va & PAGE_MASK) | PTE_P | PTE_RW;
	return PF_FIXED;
}

bool shadow_pin_stack(struct guest *g)
{
	for (uint32_t i = 1; i <= g->stack_pages; i++) {
		uint32_t gpa;
		if (!gva_to_gpa(g, g->esp1 - i * PAGE_SIZE + PAGE_SIZE - 1,
				true, &gpa))
			return false;
	}
	return true;
}

static void linear_only(struct guest *g, const char *what)
{
	struct shadow *s = g->shadow;

	if (!s->warned_pgtable)
		pr_debug("hv: guest %s: %s ignored: shadow paging of guest "
			 "page tables is not implemented yet\n",
			 g->name, what);
	s->warned_pgtable = true;
}

void shadow_new_pgtable(struct guest *g, uint32_t pgdir_gpa)
{
	(void)pgdir_gpa;
	linear_only(g, "NEW_PGTABLE");
}

void shadow_flush_tlb(struct guest *g, bool all)
{
	(void)all;
	linear_only(g, "FLUSH_TLB");
}

void shadow_set_pte(struct guest *g, uint32_t pgdir_gpa, uint32_t va,
		    uint32_t pte)
{
	(void)pgdir_gpa;
	(void)pte;
	if (va >= GUEST_H) {
		guest_kill(g, "SET_PTE for %#x, inside the hypervisor region",
			   va);
		return;
	}
	linear_only(g, "SET_PTE");
}

void shadow_set_pgd(struct guest *g, uint32_t pgdir_gpa, uint32_t idx)
{
	(void)pgdir_gpa;
	if (idx >= 1024) {
		guest_kill(g, "SET_PGD index %u out of range", idx);
		return;
	}
	linear_only(g, "SET_PGD");
}
