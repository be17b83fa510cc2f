/*
 * segments.c - [Segments 1] the guest's GDT entries (ABI section 7).
 *
 * A guest supplies descriptors with LOAD_GDT_ENTRY and LOAD_TLS; the CPU
 * uses them for real once they are copied into the GDT in the Switcher's
 * descriptor page.  So every entry is sanitised before we keep it:
 *
 *  - DPL 0 becomes DPL 1: the guest kernel runs in ring 1, and a ring-0
 *    segment in its hands could only be a way into ours;
 *  - the accessed bit is set, because the real GDT is read-only in the
 *    guest's address space and the CPU could not set it there;
 *  - any present system descriptor (call gate, task gate, TSS, LDT) is
 *    stored as zero.  Linux never needs one, and a call gate is exactly
 *    how a guest would try to jump into the hypervisor's ring-0 code
 *    segment.  (The lguest reference accepted them: our hardening.)
 *
 * Slots 10, 11, 16 and 31 are the hypervisor's.  Guest writes to them are
 * kept but never reach the real GDT.
 */
#include "hv/core/core.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "switcher/switcher.h"

static bool hypervisor_slot(uint32_t idx)
{
	return idx == GDT_HV_CS || idx == GDT_HV_DS || idx == GDT_HV_TSS ||
	       idx == GDT_HV_SPARE;
}

/* [Segments 2] Pure: what a guest descriptor becomes in the real GDT. */
static struct desc sanitize_gdt_entry(struct desc d)
{
	if (!(d.hi & DESC_HI_S)) {
		/* System descriptor (or an empty slot, which has S = 0 too). */
		/* LAB call-gate: BEGIN SOLUTION */
		if (d.hi & DESC_HI_P)
			d.lo = d.hi = 0;
		/* LAB call-gate: END */
		return d;
	}
	if ((d.hi & DESC_HI_DPL_MASK) == 0)
		d.hi |= 1u << DESC_HI_DPL_SHIFT;
	d.hi |= DESC_HI_ACCESSED;
	return d;
}

/* The real GDT holds the entries of the guest that last ran here. */
static const struct guest *gdt_owner;

void guest_gdt_init(struct guest *g)
{
	hv_memset(g->gdt, 0, sizeof(g->gdt));
	/* Flat 4 GiB ring-1 code and data, accessed (section 2.5). */
	g->gdt[GUEST_GDT_KERNEL_CS].lo = 0x0000FFFF;
	g->gdt[GUEST_GDT_KERNEL_CS].hi = 0x00CFBB00;
	g->gdt[GUEST_GDT_KERNEL_DS].lo = 0x0000FFFF;
	g->gdt[GUEST_GDT_KERNEL_DS].hi = 0x00CFB300;
	gdt_owner = NULL;
}

void guest_load_gdt_entry(struct guest *g, uint32_t idx, uint32_t lo,
			  uint32_t hi)
{
	struct desc d = { lo, hi };

	if (idx >= GDT_ENTRIES) {
		guest_kill(g, "LOAD_GDT_ENTRY index %u (the GDT has %u)", idx,
			   GDT_ENTRIES);
		return;
	}
	g->gdt[idx] = hypervisor_slot(idx) ? d : sanitize_gdt_entry(d);
	if (gdt_owner == g)
		gdt_owner = NULL; /* reload on the next entry */
}

void guest_load_tls(struct guest *g, uint32_t gpa)
{
	struct desc tls[GUEST_TLS_ENTRIES];

	if (!copy_from_guest(g, tls, gpa, sizeof(tls))) {
		guest_kill(g, "LOAD_TLS from %#x, outside its RAM", gpa);
		return;
	}
	for (unsigned i = 0; i < GUEST_TLS_ENTRIES; i++)
		g->gdt[GUEST_GDT_TLS_MIN + i] = sanitize_gdt_entry(tls[i]);
	if (gdt_owner == g)
		gdt_owner = NULL;
}

/* Before entering g: put its entries into the real GDT if they are not
 * there already.  Our own slots are left as they are. */
void guest_gdt_install(struct guest *g)
{
	if (gdt_owner == g)
		return;
	for (uint32_t i = 0; i < GDT_ENTRIES; i++)
		if (!hypervisor_slot(i))
			switcher_desc.gdt[i] = g->gdt[i];
	gdt_owner = g;
}
