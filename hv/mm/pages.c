/*
 * pages.c - [Boot 7] build the page allocator from the memory map, and
 * hand out zeroed pages.
 *
 * Usable memory is what the map says is usable, inside the direct map
 * (hv/include/layout.h: physical memory above DIRECT_MAP_SIZE has no
 * address of ours, and is left alone) and above the first MiB (BIOS data, the EBDA and the ISA hole: not worth the
 * risk).  Then we take out what is already in use: our own image, GRUB's
 * boot information and every module (guest kernels, initrds, disks).
 */
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/lib/spinlock.h"
#include "hv/mm/paging.h"
#include "hv/mm/pmem_hv.h"
#include "hv/setup/bootinfo.h"

struct pmem pmem;
uint32_t boot_info_addr, boot_info_size;

/*
 * The allocator's own lock, innermost but for the console's
 * (docs/smp.md): today every caller holds the hypervisor lock too, but
 * the bitmap is the one structure every room shares, and it stays right
 * if a caller ever does not.  Zeroing happens outside it.
 */
static struct spinlock pmem_lock = SPINLOCK_INIT;

extern char __image_start[], __image_end[];

void hv_pmem_init(const struct boot_info *bi, uint32_t mbi_addr)
{
	pmem_init(&pmem, DIRECT_MAP_SIZE);
	for (unsigned i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type == MEM_USABLE)
			pmem_add(&pmem, bi->mem[i].base, bi->mem[i].len);
	/* Maps may overlap; whatever any entry calls unusable, is. */
	for (unsigned i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type != MEM_USABLE)
			pmem_reserve(&pmem, bi->mem[i].base, bi->mem[i].len);
	pmem_reserve(&pmem, 0, MiB(1));
	pmem_reserve(&pmem, virt_to_phys(__image_start),
		     (uint32_t)(__image_end - __image_start));
	pmem_reserve(&pmem, mbi_addr, *(const uint32_t *)phys_to_virt(mbi_addr));
	for (unsigned i = 0; i < bi->nr_mods; i++)
		pmem_reserve(&pmem, bi->mods[i].start,
			     bi->mods[i].end - bi->mods[i].start);
	if (pmem.free_pages < 256)
		panic("only %u KiB of usable memory; need at least 1 MiB",
		      pmem.free_pages * 4);
}

void *page_alloc(void)
{
	uint32_t pfn;
	void *p;

	bool ok;

	spin_lock(&pmem_lock);
	ok = pmem_alloc(&pmem, &pfn);
	spin_unlock(&pmem_lock);
	if (!ok)
		return NULL;
	p = phys_to_virt(pfn << PAGE_SHIFT);
	hv_memset(p, 0, PAGE_SIZE);
	return p;
}

void page_free(void *page)
{
	pages_free(page, 1);
}

void *pages_alloc_contig(uint32_t count, uint32_t align)
{
	uint32_t pfn;
	void *p;

	bool ok;

	spin_lock(&pmem_lock);
	ok = pmem_alloc_contig(&pmem, count, align, &pfn);
	spin_unlock(&pmem_lock);
	if (!ok)
		return NULL;
	p = phys_to_virt(pfn << PAGE_SHIFT);
	hv_memset(p, 0, (size_t)count * PAGE_SIZE);
	return p;
}

void pages_free(void *first, uint32_t count)
{
	bool ok;

	spin_lock(&pmem_lock);
	ok = pmem_free(&pmem, virt_to_phys(first) >> PAGE_SHIFT, count);
	spin_unlock(&pmem_lock);
	if (!ok)
		panic("pages_free(%p, %u): not allocated", first, count);
}
