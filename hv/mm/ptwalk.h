/*
 * ptwalk.h - pure rules for reading a guest's two-level page tables and
 * turning its entries into shadow entries (ABI sections 9.1, 9.2, 9.4).
 * No memory access happens here: callers fetch the entries, so the rules
 * can be unit-tested on crafted tables.
 */
#ifndef HV_PTWALK_H
#define HV_PTWALK_H

#include "hv/include/x86.h"
#include "hv/lib/lib.h"

/* The only flags a guest page-directory entry may carry (section 9.1). */
#define GUEST_PDE_ALLOWED (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
/* The guest flags a shadow PTE keeps; never G (section 9.2). */
#define SHADOW_PTE_KEEP                                                        \
	(PTE_P | PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_A | PTE_D)

enum pte_check {
	PTE_OK,
	PTE_IN_DEVICE_WINDOW, /* frame is MMIO: emulate, never map */
	PTE_BAD,	      /* would map outside the guest: kill */
};

/* Is this PDE acceptable?  (Present is checked by the caller.) */
bool guest_pde_ok(uint32_t pde, uint32_t ram_pages);
/* Classify a present PTE: RAM frame, device window, or invalid. */
enum pte_check guest_pte_check(uint32_t pte, uint32_t ram_pages,
			       uint32_t window_end_pages);
/* Would the guest's tables allow this access?  err is a #PF error code
 * (PF_WRITE, PF_USER); both levels apply, as on hardware. */
bool guest_access_ok(uint32_t pde, uint32_t pte, uint32_t err);
/* The shadow PTE for a validated guest PTE whose frame is at machine
 * address `machine`: writable only if the guest's entry is writable and
 * already dirty, so the first write to a clean page faults and we can set
 * its dirty bit. */
uint32_t shadow_pte_for(uint32_t pde, uint32_t pte, uint32_t machine);

#endif
