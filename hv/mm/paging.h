/*
 * paging.h - the hypervisor's own address space.
 *
 * Everything below SWITCHER_BASE is identity-mapped (virtual == physical)
 * with 4 MiB pages, so the hypervisor reaches any machine address,
 * including every guest's RAM, by using it as a pointer.  Page 0 is left
 * unmapped to catch NULL pointers.  The top 4 MiB holds the Switcher.
 */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <stdbool.h>
#include <stdint.h>

void paging_init(void);
void paging_map_switcher(uint32_t pt_phys);
uint32_t paging_host_cr3(void);
/* Device registers (a PCI BAR, the ECAM window): the 4 MiB pages holding
 * [phys, phys+len) become uncached, so every access reaches the device.
 * False when the range is not in the identity map. */
bool paging_map_uncached(uint64_t phys, uint64_t len);

#endif
