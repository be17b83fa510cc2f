/*
 * paging.c - [Boot 6] the hypervisor's own page directory.
 *
 * Two-level 32-bit paging with 4 MiB pages (PSE).  The direct map puts
 * physical memory 0..DIRECT_MAP_SIZE at HV_BASE: the first 4 MiB through a
 * table of 4 KiB pages, so that physical page 0 stays unmapped and the
 * VGA text buffer and BIOS areas can be made uncached page by page, the
 * rest with 4 MiB pages.  Above it the device windows, then the Switcher.
 * Nothing below HV_BASE: that is guest space.
 *
 * Global pages (PTE_G) only with exits=resident, where these mappings are
 * the same in every address space.  With exits=switch a guest's address
 * space has its own mappings at these addresses, and a global TLB entry
 * of ours would survive into it.
 */
#include "hv/mm/paging.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/setup/bootinfo.h"

/* A 4 MiB PDE's frame: physical address bits 22-31. */
#define PDE_4M_FRAME 0xFFC00000u
#define UNCACHED (PTE_PCD | PTE_PWT)

static uint32_t host_pgdir[1024] __attribute__((aligned(4096)));
static uint32_t first_pt[1024] __attribute__((aligned(4096)));

uint32_t hv_region_base = SWITCHER_BASE;
bool hv_resident;
static uint32_t global_bit;  /* PTE_G or 0 */
static bool region_copied;   /* a guest directory holds our PDEs */

extern char __hv_base[]; /* linker.ld's own idea of HV_BASE */

/* Drop every translation, global ones too. */
static void flush_all(void)
{
	uint32_t cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void paging_init(void)
{
	if (!cpu_has(CPU_PSE))
		panic("this CPU lacks 4 MiB pages (PSE); cannot continue");
	if ((uint32_t)(uintptr_t)__hv_base != HV_BASE)
		panic("linker.ld links the image at %#x, layout.h says %#x",
		      (unsigned)(uintptr_t)__hv_base, HV_BASE);

	for (uint32_t i = 1; i < 1024; i++)
		first_pt[i] = (i << PAGE_SHIFT) | PTE_P | PTE_RW;
	first_pt[0] = 0; /* phys_to_virt(0) faults */
	host_pgdir[HV_BASE_PDX] = virt_to_phys(first_pt) | PTE_P | PTE_RW;
	for (uint32_t pdx = 1; pdx < DIRECT_MAP_SIZE >> PGDIR_SHIFT; pdx++)
		host_pgdir[HV_BASE_PDX + pdx] =
			(pdx << PGDIR_SHIFT) | PTE_P | PTE_RW | PTE_PS;

	write_cr4(read_cr4() | CR4_PSE | (cpu_has(CPU_PGE) ? CR4_PGE : 0));
	write_cr3(virt_to_phys(host_pgdir));
	/* WP: ring 0 (and ring 1) obey read-only pages, which the shadow
	 * paging's dirty tracking and the Switcher's protection rely on. */
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
	flush_all(); /* the boot directory's global entries, if any */
}

void paging_set_resident(bool resident)
{
	hv_resident = resident;
	hv_region_base = resident ? HV_BASE : SWITCHER_BASE;
	if (!resident || !cpu_has(CPU_PGE))
		return;
	/* The same in every address space now: global, so a guest's
	 * process switches keep our TLB entries (device windows mapped
	 * later get the bit from window_pde()). */
	global_bit = PTE_G;
	for (uint32_t i = 1; i < 1024; i++)
		first_pt[i] |= PTE_G;
	for (uint32_t i = HV_BASE_PDX + 1; i < SWITCHER_PDX; i++)
		if (host_pgdir[i] & PTE_P)
			host_pgdir[i] |= PTE_G;
	flush_all();
}

void paging_map_switcher(uint32_t pt_phys)
{
	host_pgdir[SWITCHER_PDX] = pt_phys | PTE_P | PTE_RW;
	flush_all();
}

uint32_t paging_host_cr3(void)
{
	return virt_to_phys(host_pgdir);
}

void paging_copy_region(uint32_t *pgdir)
{
	for (uint32_t i = HV_BASE_PDX; i < 1024; i++)
		pgdir[i] = host_pgdir[i];
	region_copied = true;
}

/* Registers in the first 4 MiB (legacy VGA, BIOS areas): their own
 * 4 KiB pages of the direct map, made uncached. */
static void *map_first_4m(uint32_t phys, uint32_t len)
{
	for (uint32_t pfn = phys >> PAGE_SHIFT;
	     pfn <= (phys + len - 1) >> PAGE_SHIFT; pfn++)
		if (pfn)
			first_pt[pfn] |= UNCACHED;
	flush_all();
	return phys_to_virt(phys);
}

/*
 * Anywhere else: one or more 4 MiB pages in the device windows.  Above
 * 4 GiB a PDE carries physical address bits 32-39 in its bits 13-20
 * (PSE-36; SDM vol. 3, 4.3 and table 4-4).  A window is reused when
 * another device's registers share its 4 MiB.  Registers are at most a
 * few MiB; a range that crosses a 4 MiB boundary takes windows side by
 * side.
 */
static uint32_t window_pde(uint64_t p)
{
	return ((uint32_t)p & PDE_4M_FRAME) | ((uint32_t)(p >> 32) << 13) |
	       PTE_P | PTE_RW | PTE_PS | UNCACHED | global_bit;
}

static void *map_window(uint64_t phys, uint64_t len)
{
	uint64_t first = phys & ~(uint64_t)(LARGE_PAGE_SIZE - 1);
	uint64_t span = (phys + len - 1 - first) >> PGDIR_SHIFT;
	uint32_t pages = span >= DEVICE_WINDOWS ? DEVICE_WINDOWS + 1
						: (uint32_t)span + 1;
	uint32_t base_pdx = DEVICE_WINDOWS_BASE >> PGDIR_SHIFT;

	if (phys + len - 1 >= 1ull << 32 &&
	    (!cpu_has(CPU_PSE36) || phys + len - 1 >= 1ull << 40 ||
	     phys + len - 1 >= 1ull << boot_cpu.phys_bits)) {
		printk("hv: device registers at %#llx: beyond what this CPU's "
		       "4 MiB pages reach (PSE-36 %s, %u address bits)\n",
		       (unsigned long long)phys,
		       cpu_has(CPU_PSE36) ? "yes" : "no", boot_cpu.phys_bits);
		return NULL;
	}
	for (uint32_t w = 0; w + pages <= DEVICE_WINDOWS; w++) {
		bool fits = true, fresh = false;

		for (uint32_t k = 0; k < pages && fits; k++) {
			/* (The CPU sets accessed and dirty in a used one.) */
			uint32_t have = host_pgdir[base_pdx + w + k] &
					~(PTE_A | PTE_D);

			fits = have == 0 ||
			       have == window_pde(first + ((uint64_t)k << 22));
			fresh |= have == 0;
		}
		if (!fits)
			continue;
		if (fresh && region_copied) {
			/* Guest directories hold a copy of our PDEs taken
			 * when they were made; a new window would be
			 * missing from them. */
			printk("hv: device registers at %#llx: mapped after "
			       "the first guest started; refused\n",
			       (unsigned long long)phys);
			return NULL;
		}
		for (uint32_t k = 0; k < pages; k++)
			host_pgdir[base_pdx + w + k] =
				window_pde(first + ((uint64_t)k << 22));
		flush_all();
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
	if (phys < LARGE_PAGE_SIZE && len <= LARGE_PAGE_SIZE - phys)
		return map_first_4m((uint32_t)phys, (uint32_t)len);
	return map_window(phys, len);
}
