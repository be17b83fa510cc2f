/*
 * paging.c - [Boot 6] turn on paging for the hypervisor.
 *
 * Two-level 32-bit paging with 4 MiB pages (PSE) for the identity map, and
 * one 4 KiB page table for the first 4 MiB so page 0 can stay unmapped.
 * The identity mappings are deliberately not global: a guest's shadow
 * tables map different things at those addresses, and a global TLB entry
 * would leak our mapping into its world.
 */
#include "hv/mm/paging.h"
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"

static uint32_t host_pgdir[1024] __attribute__((aligned(4096)));
static uint32_t low_pt[1024] __attribute__((aligned(4096)));

void paging_init(void)
{
	if (!cpu_has(CPU_PSE))
		panic("this CPU lacks 4 MiB pages (PSE); cannot continue");

	for (uint32_t i = 1; i < 1024; i++)
		low_pt[i] = (i << PAGE_SHIFT) | PTE_P | PTE_RW;
	low_pt[0] = 0; /* NULL dereferences fault */
	host_pgdir[0] = (uint32_t)(uintptr_t)low_pt | PTE_P | PTE_RW;
	for (uint32_t i = 1; i < SWITCHER_PDX; i++)
		host_pgdir[i] = (i << PGDIR_SHIFT) | PTE_P | PTE_RW | PTE_PS;

	write_cr4(read_cr4() | CR4_PSE | (cpu_has(CPU_PGE) ? CR4_PGE : 0));
	write_cr3((uint32_t)(uintptr_t)host_pgdir);
	/* WP: ring 0 (and ring 1) obey read-only pages, which the shadow
	 * paging's dirty tracking and the Switcher's protection rely on. */
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

void paging_map_switcher(uint32_t pt_phys)
{
	host_pgdir[SWITCHER_PDX] = pt_phys | PTE_P | PTE_RW;
	write_cr3(read_cr3()); /* not global yet: flush is enough */
}

uint32_t paging_host_cr3(void)
{
	return (uint32_t)(uintptr_t)host_pgdir;
}

bool paging_map_uncached(uint64_t phys, uint64_t len)
{
	uint32_t first, last;

	if (len == 0 || phys >= SWITCHER_BASE || len > SWITCHER_BASE - phys)
		return false; /* above the identity map, or into the Switcher */
	first = (uint32_t)(phys >> PGDIR_SHIFT);
	last = (uint32_t)((phys + len - 1) >> PGDIR_SHIFT);
	if (first == 0)
		return false; /* the first 4 MiB are RAM and our image */
	for (uint32_t i = first; i <= last; i++)
		host_pgdir[i] |= PTE_PCD | PTE_PWT;
	write_cr3(read_cr3());
	return true;
}
