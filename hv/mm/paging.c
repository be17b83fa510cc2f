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
#include "hv/setup/bootinfo.h"

/* A 4 MiB PDE's frame: physical address bits 22-31. */
#define PDE_4M_FRAME 0xFFC00000u

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
	for (uint32_t i = 1; i < IDENTITY_MAP_END >> PGDIR_SHIFT; i++)
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

/* The identity map's own pages, made uncached. */
static void *map_low(uint64_t phys, uint64_t len)
{
	uint32_t first = (uint32_t)(phys >> PGDIR_SHIFT);
	uint32_t last = (uint32_t)((phys + len - 1) >> PGDIR_SHIFT);

	if (first == 0)
		return NULL; /* the first 4 MiB are RAM and our image */
	for (uint32_t i = first; i <= last; i++)
		host_pgdir[i] |= PTE_PCD | PTE_PWT;
	write_cr3(read_cr3());
	return (void *)(uintptr_t)phys;
}

/*
 * Registers above 4 GiB: a 4 MiB page whose PDE carries physical address
 * bits 32-39 in its bits 13-20 (PSE-36; SDM vol. 3, 4.3 and table 4-4),
 * in one of the device windows, reused when another BAR shares its 4 MiB.
 * A BAR is at most a few MiB; one that crosses a 4 MiB boundary takes
 * two windows side by side.
 */
static void *map_high(uint64_t phys, uint64_t len)
{
	uint64_t first = phys & ~(uint64_t)(LARGE_PAGE_SIZE - 1);
	uint32_t pages = (uint32_t)((phys + len - 1 - first) >> PGDIR_SHIFT) + 1;
	uint32_t base_pdx = DEVICE_WINDOWS_BASE >> PGDIR_SHIFT;

	if (len > DEVICE_WINDOWS * LARGE_PAGE_SIZE)
		pages = DEVICE_WINDOWS + 1; /* cannot fit: said below */
	if (!cpu_has(CPU_PSE36) || phys + len - 1 >= 1ull << 40 ||
	    phys + len - 1 >= 1ull << boot_cpu.phys_bits) {
		printk("hv: device registers at %#llx: beyond what this CPU's "
		       "4 MiB pages reach (PSE-36 %s, %u address bits)\n",
		       (unsigned long long)phys,
		       cpu_has(CPU_PSE36) ? "yes" : "no", boot_cpu.phys_bits);
		return NULL;
	}
	for (uint32_t w = 0; w + pages <= DEVICE_WINDOWS; w++) {
		bool fits = true;

		for (uint32_t k = 0; k < pages && fits; k++) {
			uint64_t p = first + ((uint64_t)k << PGDIR_SHIFT);
			uint32_t want = ((uint32_t)p & PDE_4M_FRAME) |
					((uint32_t)(p >> 32) << 13) | PTE_P |
					PTE_RW | PTE_PS | PTE_PCD | PTE_PWT;
			uint32_t have = host_pgdir[base_pdx + w + k];

			fits = have == 0 || have == want;
		}
		if (!fits)
			continue;
		for (uint32_t k = 0; k < pages; k++) {
			uint64_t p = first + ((uint64_t)k << PGDIR_SHIFT);

			host_pgdir[base_pdx + w + k] =
				((uint32_t)p & PDE_4M_FRAME) |
				((uint32_t)(p >> 32) << 13) | PTE_P | PTE_RW |
				PTE_PS | PTE_PCD | PTE_PWT;
		}
		write_cr3(read_cr3());
		return (void *)(uintptr_t)(DEVICE_WINDOWS_BASE +
					   (w << PGDIR_SHIFT) +
					   (uint32_t)(phys - first));
	}
	printk("hv: device registers at %#llx: all %u device windows are in "
	       "use\n",
	       (unsigned long long)phys, DEVICE_WINDOWS);
	return NULL;
}

/*
 * Device registers, as firmware tables, PCI BARs or the boot loader
 * place them.  None of those is trusted to be right: registers said to
 * lie in usable RAM are refused, since those pages are the allocator's
 * and may be a guest's, and writing "registers" there would corrupt
 * whoever has them (and a framebuffer there would show them).
 */
void *paging_map_device(uint64_t phys, uint64_t len)
{
	if (len == 0)
		return NULL;
	if (boot_info_usable_overlap(&boot_info, phys, len)) {
		printk("hv: device registers at %#llx (%llu bytes) lie in "
		       "usable RAM; refused\n",
		       (unsigned long long)phys, (unsigned long long)len);
		return NULL;
	}
	if (phys < IDENTITY_MAP_END && len <= IDENTITY_MAP_END - phys)
		return map_low(phys, len);
	if (phys >= 1ull << 32)
		return map_high(phys, len);
	printk("hv: device registers at %#llx: in the top 16 MiB below "
	       "4 GiB, which the hypervisor keeps for itself\n",
	       (unsigned long long)phys);
	return NULL;
}
