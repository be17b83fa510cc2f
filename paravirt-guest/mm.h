/*
 * mm.h - [Pvguest 8] physical pages, and telling the hypervisor about
 * every page-table change.
 */
#ifndef PVGUEST_MM_H
#define PVGUEST_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

void mm_init(void);

/* Physical pages, by their direct-map address; page_alloc() zeroes. */
void *page_alloc(void);
void page_free(void *page);
uint32_t pages_free(void);

/*
 * Page-table updates.  Each writes the entry and tells the hypervisor,
 * as Linux's lguest paravirt hooks do (ABI 9.5): SET_PTE for a PTE,
 * SET_PGD for a directory entry.  Between lazy_begin() and lazy_end()
 * the calls are queued in the async ring instead of made one by one.
 */
void set_pte(uint32_t *pgdir, uint32_t va, uint32_t *ptep, uint32_t pte);
void set_pde(uint32_t *pgdir, unsigned int idx, uint32_t pde);
void lazy_begin(void);
void lazy_hcall(uint32_t call, uint32_t a1, uint32_t a2, uint32_t a3);
void lazy_end(void);
void flush_tlb(bool kernel_too);
void load_pgdir(uint32_t *pgdir);

/* The fixmap: kernel pages we map after boot (slot n is at FIXMAP(n)). */
#define FIXMAP(n) (boot_mm.fixmap_va + (n)*PAGE_SIZE)
void fixmap_set(unsigned int slot, uint32_t pte);

/* Device registers: a kernel mapping of physical "phys" (mm.c). */
void *ioremap(uint32_t phys, uint32_t len);

/* Byte helpers the compiler may also call on its own. */
void *memset(void *dst, int c, uint32_t n);
void *memcpy(void *dst, const void *src, uint32_t n);

#endif /* PVGUEST_MM_H */
