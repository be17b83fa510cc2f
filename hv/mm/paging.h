/*
 * paging.h - the hypervisor's own address space.
 *
 * Everything below IDENTITY_MAP_END is identity-mapped (virtual ==
 * physical) with 4 MiB pages, so the hypervisor reaches any machine
 * address, including every guest's RAM, by using it as a pointer.  Page 0
 * is left unmapped to catch NULL pointers.  The top 4 MiB holds the
 * Switcher, and the 12 MiB below it are windows onto device registers
 * above 4 GiB (layout.h).
 */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <stdbool.h>
#include <stdint.h>

void paging_init(void);
void paging_map_switcher(uint32_t pt_phys);
uint32_t paging_host_cr3(void);
/* Device registers (a PCI BAR, the ECAM window), uncached so that every
 * access reaches the device: below 4 GiB the identity map's 4 MiB pages
 * holding [phys, phys+len), above it a device window.  Returns where the
 * registers are, or NULL (said why) when they cannot be reached. */
void *paging_map_device(uint64_t phys, uint64_t len);

#endif
