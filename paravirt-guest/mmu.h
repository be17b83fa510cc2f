/*
 * mmu.h - [Pvguest 8] the address space: where things live, and the
 * bits of a two-level x86 page table (Intel SDM Vol 3, 4.3), named as
 * there.
 *
 * Like Linux with its 3G/1G split, we put the kernel at the top of every
 * address space and user programs at the bottom:
 *
 *   0xFFC00000 +----------------+  H: the hypervisor's (4G - reserve_mem)
 *              | fixmap: 1 table|  kernel pages we map and unmap at will
 *   FIXMAP_VA  +----------------+
 *              |     (unused)   |
 *              +----------------+  PAGE_OFFSET + RAM size
 *              | all guest RAM  |  the "direct map": virtual = physical
 *              | (kernel image  |  + PAGE_OFFSET, so the kernel can reach
 *              |  at +4 MiB)    |  every frame it owns
 *   0xC0000000 +----------------+  PAGE_OFFSET = lguest_data.kernel_address
 *              | user stack     |  demand-zero, grows down
 *              |      ...       |
 *              | heap (sbrk)    |  demand-zero
 *              | program image  |
 *   0x08048000 +----------------+  USER_BASE, as on Linux
 *              | (never mapped) |  null pointers fault
 *   0x00000000 +----------------+
 *
 * The kernel half is the same in every page directory: every process
 * directory copies its page-directory entries from swapper_pgdir, and all
 * of them point at the same page tables.  So a change to a kernel PTE is
 * made once and seen everywhere, which is exactly what the hypervisor
 * assumes for addresses above kernel_address (ABI 9.5).
 */
#ifndef PVGUEST_MMU_H
#define PVGUEST_MMU_H

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u
#define PGDIR_SHIFT 22 /* one PDE covers 4 MiB */
#define PGDIR_SIZE (1u << PGDIR_SHIFT)
#define PTRS_PER_TABLE 1024

#define PAGE_OFFSET 0xC0000000u /* where physical 0 appears */
#define KERNEL_PHYS 0x00400000u /* where the hypervisor loads us */
#define USER_BASE 0x08048000u	/* where user programs are linked */
#define USER_TOP PAGE_OFFSET	/* the first address that is not theirs */
#define USER_STACK_MAX (64u * 1024)

/* Page-table entry bits (both levels). */
#define PTE_P 0x001   /* present */
#define PTE_RW 0x002  /* writable */
#define PTE_US 0x004  /* user may access */
#define PTE_PCD 0x010 /* cache disabled: device registers */
#define PTE_A 0x020   /* accessed: set by the CPU, here the hypervisor */
#define PTE_D 0x040   /* dirty */
#define PTE_PS 0x080  /* in a PDE: a 4 MiB page (not allowed here) */
#define PTE_G 0x100   /* global (the hypervisor ignores it) */
#define PTE_FRAME 0xFFFFF000u

/*
 * What Linux puts in its entries (ABI 9.1), and so do we.  Accessed and
 * dirty are set from the start: the hypervisor installs such an entry as
 * soon as we tell it (ABI 9.5) and makes it writable on the first fault
 * instead of on the second.
 */
#define PDE_KERNEL (PTE_P | PTE_RW | PTE_A | PTE_D)	   /* 0x63 */
#define PDE_USER (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D) /* 0x67 */
#define PTE_KERNEL PDE_KERNEL
#define PTE_USER PDE_USER

/* Page-fault error code bits (SDM Vol 3, 4.7). */
#define PF_PRESENT 0x1 /* 0: the page was not present */
#define PF_WRITE 0x2
#define PF_USER 0x4

#define PDX(va) ((uint32_t)(va) >> PGDIR_SHIFT)
#define PTX(va) (((uint32_t)(va) >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1))

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Converting between the direct map and physical addresses. */
#define __pa(va) ((uint32_t)(va)-PAGE_OFFSET)
#define __va(pa) ((void *)((uint32_t)(pa) + PAGE_OFFSET))

static inline uint32_t page_round_up(uint32_t a)
{
	return (a + PAGE_SIZE - 1) & PTE_FRAME;
}

/*
 * What early.c found and built before we ran at our link address; the
 * rest of the kernel reads it to know how much memory there is.
 */
struct boot_mm {
	uint32_t ram_bytes;	/* RAM size from the e820 map */
	uint32_t lowmem_bytes;	/* how much of it the direct map covers */
	uint32_t identity_pdes; /* low PDEs that mirror the direct map */
	uint32_t free_start;	/* first physical byte nobody uses yet */
	uint32_t fixmap_va;	/* the one kernel table mapped on demand */
	uint32_t *fixmap_table; /* ... and that table (virtual address) */
};

extern struct boot_mm boot_mm;
extern uint32_t swapper_pgdir[PTRS_PER_TABLE];
#endif

#endif /* PVGUEST_MMU_H */
