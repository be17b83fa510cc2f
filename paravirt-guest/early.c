/*
 * early.c - [Pvguest 0] from linear mode to our own page tables.
 *
 * This is the only C that runs at physical addresses (head.S explains
 * why).  The compiler does not know that: it uses the link-time address,
 * 3 GiB too high, for every global variable and string.  So each one is
 * reached through PHYS(), and nothing here may call code outside this
 * file or use a switch statement (its jump table holds link addresses).
 *
 * What Linux's lguest_entry does, we do, in the same order (ABI 3):
 *
 *   1. LHCALL_LGUEST_INIT with the physical address of lguest_data;
 *   2. build a page directory that maps all RAM twice: at 0 (identity,
 *      so this code keeps running) and at PAGE_OFFSET (the direct map);
 *   3. LHCALL_NEW_PGTABLE with its physical address, which ends linear
 *      mode.
 *
 * Building the tables after LGUEST_INIT lets us respect reserve_mem, the
 * hypervisor's hole at the top of memory, which INIT tells us: no mapping
 * of ours may reach into it.
 */
#include <asm/bootparam.h>
#include <stdint.h>

#include "guest.h"
#include "hcall.h"
#include "lguest.h"
#include "mmu.h"

/* Pointers and arrays alike: &p[0] has the element pointer type. */
#define PHYS(p) ((__typeof__(&(p)[0]))((uint32_t)(p)-PAGE_OFFSET))

char boot_cmdline[CMDLINE_MAX];
struct boot_mm boot_mm;
uint32_t swapper_pgdir[PTRS_PER_TABLE] __attribute__((aligned(4096)));

/* The end of our image, from guest.ld (a link, so virtual, address). */
extern char __kernel_end[];

void early_boot(const struct boot_params *bp);

/* Take a copy of the command line the hypervisor left us (ABI 2.4). */
static void early_copy_cmdline(const struct boot_params *bp)
{
	const char *src = (const char *)bp->hdr.cmd_line_ptr;
	char *dst = PHYS(boot_cmdline);
	int i = 0;

	if (src)
		for (; i < CMDLINE_MAX - 1 && src[i]; i++)
			dst[i] = src[i];
	dst[i] = '\0';
}

/* One page table mapping 4 MiB of physical memory from "phys" on. */
static void early_fill_table(uint32_t *table, uint32_t phys, uint32_t limit)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++, phys += PAGE_SIZE)
		table[i] = phys < limit ? phys | PTE_KERNEL : 0;
}

void early_boot(const struct boot_params *bp)
{
	struct lguest_data *ld = PHYS(&lguest_data);
	struct boot_mm *mm = PHYS(&boot_mm);
	uint32_t *pgdir = PHYS(swapper_pgdir);
	uint32_t hole, ram, lowmem, tables, i;
	uint32_t *table;

	early_copy_cmdline(bp);

	hcall(LHCALL_LGUEST_INIT, (uint32_t)ld, 0, 0);

	/*
	 * How much to map.  The e820 map has one entry, all of RAM
	 * (ABI 2.1).  The direct map must stop below the fixmap table,
	 * which sits just under the hypervisor's hole, rounded down to a
	 * whole page table as Linux does (ABI 3, reserve_top_address).
	 */
	ram = bp->e820_table[0].size > 0xFFFFF000u
		      ? 0xFFFFF000u
		      : (uint32_t)bp->e820_table[0].size & PTE_FRAME;
	hole = (0u - ld->reserve_mem) & ~(PGDIR_SIZE - 1);
	mm->fixmap_va = hole - PGDIR_SIZE;
	lowmem = ram;
	if (lowmem > mm->fixmap_va - PAGE_OFFSET)
		lowmem = mm->fixmap_va - PAGE_OFFSET;
	mm->ram_bytes = ram;
	mm->lowmem_bytes = lowmem;
	mm->identity_pdes = (lowmem + PGDIR_SIZE - 1) >> PGDIR_SHIFT;

	/* The page tables go in the pages just after our image. */
	tables = (uint32_t)PHYS(__kernel_end);
	for (i = 0; i < PTRS_PER_TABLE; i++)
		pgdir[i] = 0;
	for (i = 0; i < mm->identity_pdes; i++) {
		table = (uint32_t *)(tables + i * PAGE_SIZE);
		early_fill_table(table, i << PGDIR_SHIFT, lowmem);
		pgdir[i] = (uint32_t)table | PDE_KERNEL;
		pgdir[PDX(PAGE_OFFSET) + i] = (uint32_t)table | PDE_KERNEL;
	}
	/* The fixmap table starts empty: mm.c fills it when asked. */
	table = (uint32_t *)(tables + i * PAGE_SIZE);
	early_fill_table(table, 0, 0);
	pgdir[PDX(mm->fixmap_va)] = (uint32_t)table | PDE_KERNEL;
	mm->fixmap_table = (uint32_t *)((uint32_t)table + PAGE_OFFSET);
	mm->free_start = (uint32_t)table + PAGE_SIZE;

	/* Out of linear mode: from now on our tables are the truth. */
	hcall(LHCALL_NEW_PGTABLE, (uint32_t)pgdir, 0, 0);
}
