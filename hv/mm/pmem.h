/*
 * pmem.h - the physical page allocator.
 *
 * One bit per 4 KiB page of the 32-bit physical address space (128 KiB of
 * bitmap for 4 GiB): set = free.  Built from the boot memory map minus
 * everything already in use (the hypervisor image, the boot information,
 * the modules).  Single pages serve page tables; contiguous runs serve
 * guest RAM, which the design keeps in one block per guest so that
 * guest-physical to machine is an offset and a bounds check.
 *
 * The bitmap logic is pure and unit-tested on the host; pmem_zalloc()
 * and friends in pages.c add the zeroing that needs real memory.
 */
#ifndef HV_PMEM_H
#define HV_PMEM_H

#include "hv/lib/lib.h"

#define PMEM_MAX_PAGES (1u << 20) /* 4 GiB / 4 KiB */

struct pmem {
	uint32_t bitmap[PMEM_MAX_PAGES / 32];
	uint32_t limit_pfn;   /* pages at or above this are never managed */
	uint32_t total_pages; /* pages ever added as usable */
	uint32_t free_pages;
	uint32_t next_hint; /* where the single-page search resumes */
};

/* Start empty; manage only pages below limit_addr (exclusive). */
void pmem_init(struct pmem *pm, uint64_t limit_addr);
/* Mark [base, base+len) usable; partial pages at the edges are dropped. */
void pmem_add(struct pmem *pm, uint64_t base, uint64_t len);
/* Mark [base, base+len) in use; partial pages at the edges are included.
 * Returns the number of free pages that became reserved. */
uint32_t pmem_reserve(struct pmem *pm, uint64_t base, uint64_t len);
/* One free page; false when memory is exhausted. */
__must_check bool pmem_alloc(struct pmem *pm, uint32_t *pfn);
/* `count` contiguous free pages whose first pfn is a multiple of
 * `align` pages (a power of two, or 0/1 for none). */
__must_check bool pmem_alloc_contig(struct pmem *pm, uint32_t count,
				    uint32_t align, uint32_t *pfn);
/* Give pages back.  Freeing a page that is already free is a bug in the
 * caller; it returns false and changes nothing. */
bool pmem_free(struct pmem *pm, uint32_t pfn, uint32_t count);
bool pmem_is_free(const struct pmem *pm, uint32_t pfn);
/* The largest run of free pages (for the boot banner and error messages). */
uint32_t pmem_largest_run(const struct pmem *pm);

#endif
