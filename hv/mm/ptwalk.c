/*
 * ptwalk.c - [Paging 3] the rules in ptwalk.h.
 */
#include "hv/mm/ptwalk.h"

bool guest_pde_ok(uint32_t pde, uint32_t ram_pages)
{
	if (pde & ~PTE_FRAME & ~GUEST_PDE_ALLOWED)
		return false; /* large pages, global, PWT/PCD, software bits */
	return (pde >> PAGE_SHIFT) < ram_pages;
}

enum pte_check guest_pte_check(uint32_t pte, uint32_t ram_pages,
			       uint32_t window_end_pages)
{
	uint32_t pfn = pte >> PAGE_SHIFT;

	if (pte & PTE_PS) /* bit 7: PAT on a PTE; no large pages either */
		return PTE_BAD;
	if (pfn < ram_pages)
		return PTE_OK;
	if (pfn < window_end_pages)
		return PTE_IN_DEVICE_WINDOW;
	return PTE_BAD;
}

bool guest_access_ok(uint32_t pde, uint32_t pte, uint32_t err)
{
	if (!(pde & PTE_P) || !(pte & PTE_P))
		return false;
	if ((err & PF_WRITE) && !((pde & PTE_RW) && (pte & PTE_RW)))
		return false;
	if ((err & PF_USER) && !((pde & PTE_US) && (pte & PTE_US)))
		return false;
	return true;
}

uint32_t shadow_pte_for(uint32_t pde, uint32_t pte, uint32_t machine)
{
	uint32_t flags = pte & SHADOW_PTE_KEEP;

	if (!(pde & PTE_RW) || !(pte & PTE_D))
		flags &= ~PTE_RW;
	if (!(pde & PTE_US))
		flags &= ~PTE_US;
	return (machine & PTE_FRAME) | flags;
}
