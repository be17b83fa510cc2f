/*
 * pmem_hv.h - the hypervisor's one page allocator instance, and page
 * helpers that need real memory (zeroing).  The bitmap logic is pmem.c.
 */
#ifndef HV_PMEM_HV_H
#define HV_PMEM_HV_H

#include "hv/mm/pmem.h"

struct boot_info;

extern struct pmem pmem;
extern uint32_t boot_info_addr, boot_info_size;

void hv_pmem_init(const struct boot_info *bi, uint32_t mbi_addr);
/* A zeroed page, as a pointer (direct map); NULL when out of memory. */
__must_check void *page_alloc(void);
void page_free(void *page);
/* `count` zeroed contiguous pages aligned to `align` pages, or NULL. */
__must_check void *pages_alloc_contig(uint32_t count, uint32_t align);
void pages_free(void *first, uint32_t count);

#endif
