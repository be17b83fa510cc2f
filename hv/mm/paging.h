/*
 * paging.h - the hypervisor's own address space (the picture is in
 * hv/include/layout.h).
 *
 * The hypervisor lives in the top 512 MiB of the address space: its image
 * and, at HV_BASE, every physical page below DIRECT_MAP_SIZE (the "direct
 * map"), so it reaches any page it manages, including every guest's RAM,
 * as phys_to_virt(address).  Physical page 0 is left unmapped there to
 * catch a physical NULL.  Below HV_BASE nothing is mapped at all.  Above
 * the direct map, device windows and the Switcher.
 *
 * With exits=resident the same top 512 MiB is copied into every guest's
 * shadow directory (paging_copy_region()), at the same addresses, so the
 * hypervisor keeps running when the guest's CR3 is loaded.
 */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/include/layout.h"

/* Where the guest-visible hypervisor region starts ("H" in the ABI doc,
 * LGUEST_INIT's reserve_mem = 4 GiB - H): the Switcher alone with
 * exits=switch, HV_BASE with exits=resident.  Set once, at boot, by
 * paging_set_resident(). */
extern uint32_t hv_region_base;
extern bool hv_resident;
#define GUEST_H hv_region_base

/* Build and load the hypervisor's page directory (boot/multiboot2.S ran
 * on a temporary one). */
void paging_init(void);
/* Once the exit design is chosen (hv/main.c): with `resident` our
 * mappings become global and the guest-visible region all of the top
 * 512 MiB. */
void paging_set_resident(bool resident);
void paging_map_switcher(uint32_t pt_phys);
uint32_t paging_host_cr3(void);
/* exits=resident: copy the hypervisor's PDEs, HV_BASE to 4 GiB, into a
 * guest's shadow directory. */
void paging_copy_region(uint32_t *pgdir);
/* Device registers (a PCI BAR, the ECAM window, the APICs), uncached so
 * that every access reaches the device: in the first 4 MiB through the
 * direct map's own page table, elsewhere through a device window.
 * Returns where the registers are, or NULL (said why) when they cannot
 * be reached. */
void *paging_map_device(uint64_t phys, uint64_t len);

#endif
