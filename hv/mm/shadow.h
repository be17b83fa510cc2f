/*
 * shadow.h - the page tables the CPU really walks while a guest runs.
 *
 * A guest never gets to load CR3 itself.  We build "shadow" page tables
 * that map its virtual addresses to machine frames inside its RAM block,
 * filled in on demand from page faults, with the Switcher mapped at the
 * top (ABI section 9).  Until its first NEW_PGTABLE a guest runs in
 * linear-pages mode: virtual == guest-physical (section 2.6).
 */
#ifndef HV_SHADOW_H
#define HV_SHADOW_H

#include "hv/lib/lib.h"

struct guest;

enum pf_result {
	PF_FIXED,   /* a shadow entry was built: just resume */
	PF_REFLECT, /* the guest's own tables say fault: deliver #PF */
	PF_MMIO,    /* an access to the device window: emulate it */
	PF_KILLED,  /* the guest's tables were malformed; it is dead */
};

bool shadow_init(struct guest *g);
void shadow_destroy(struct guest *g);
uint32_t shadow_cr3(const struct guest *g);
/* A hardware page fault at va with error code err, while g ran. */
enum pf_result shadow_page_fault(struct guest *g, uint32_t va, uint32_t err,
				 uint32_t *mmio_gpa);
/* Translate through the guest's tables as the CPU would; with write, the
 * mapping must allow writes.  Sets accessed/dirty like hardware. */
__must_check bool gva_to_gpa(struct guest *g, uint32_t gva, bool write,
			     uint32_t *gpa);
/* Just before entering g: flush what the shadow code dropped from the
 * directory that is loaded (exits=resident), or map this processor's
 * Switcher pages (exits=switch; see shadow.c). */
void shadow_sync_tlb(const struct guest *g);
/* At the end of a guest's slice: off its directory (shadow.c). */
void shadow_leave(void);
/* Forget every mapping (LGUEST_INIT, and flushes in linear mode). */
void shadow_discard_all(struct guest *g);
/* Make sure the pages of the ring-1 stack are mapped writable
 * (section 9.6); false if the guest's tables do not allow it. */
bool shadow_pin_stack(struct guest *g);

/* The page-table hypercalls (section 9.5). */
void shadow_new_pgtable(struct guest *g, uint32_t pgdir_gpa);
void shadow_flush_tlb(struct guest *g, bool all);
void shadow_set_pte(struct guest *g, uint32_t pgdir_gpa, uint32_t va,
		    uint32_t pte);
void shadow_set_pgd(struct guest *g, uint32_t pgdir_gpa, uint32_t idx);

/* Pages of shadow tables currently held by all guests (for tests). */
uint32_t shadow_pages_in_use(void);

#endif
