/*
 * guestvirt.c - the guest-virtual doors into a guest's memory.
 *
 * A guest-virtual address is translated page by page through gva_to_gpa()
 * (shadow.c), as the CPU would, and each page is then copied through the
 * guest-physical doors of hv/guest/guestmem.c.  A buffer that crosses a
 * page boundary into an unmapped page fails instead of spilling over
 * into whatever follows physically.
 */
#include "hv/mm/guestvirt.h"
#include "hv/guest/guest.h"
#include "hv/mm/shadow.h"

bool copy_from_guest_virt(struct guest *g, void *dst, uint32_t gva,
			  uint32_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint32_t gpa, chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		if (!gva_to_gpa(g, gva, false, &gpa) ||
		    !copy_from_guest(g, d, gpa, chunk))
			return false;
		d += chunk;
		gva += chunk;
		len -= chunk;
	}
	return true;
}

bool copy_to_guest_virt(struct guest *g, uint32_t gva, const void *src,
			uint32_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint32_t gpa, chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		if (!gva_to_gpa(g, gva, true, &gpa) ||
		    !copy_to_guest(g, gpa, s, chunk))
			return false;
		s += chunk;
		gva += chunk;
		len -= chunk;
	}
	return true;
}

/*
 * [Paging 7] Segments come before paging: the CPU turns a segment and an
 * offset into a linear address (the segment's base plus the offset, the
 * offset checked against the limit), and only that goes through the page
 * tables.  Linux's own segments are flat, base 0, so a linear address is
 * the offset; but a guest may run with any base it loaded, and the bytes
 * at a plain EIP are then some other instruction.
 *
 * The descriptor behind a selector is the guest's own copy in g->gdt,
 * which is what the real GDT held when the guest last entered: every
 * change to it is a hypercall, and every entry reloads all segment
 * registers from the real GDT (segments.c), so it is also what the CPU
 * used for the instruction that just trapped.
 */
bool guest_segment(const struct guest *g, uint32_t sel, struct guest_seg *seg)
{
	uint32_t idx = SEL_INDEX(sel);
	struct desc d;

	if (idx == 0 || (sel & SEL_TI) || idx >= GDT_ENTRIES ||
	    idx == GDT_HV_CS || idx == GDT_HV_DS || idx == GDT_HV_TSS ||
	    idx == GDT_HV_SPARE)
		return false; /* null, the LDT, or never the guest's */
	d = g->gdt[idx];
	if (!(d.hi & DESC_HI_P) || !(d.hi & DESC_HI_S))
		return false; /* not present, or a system descriptor */
	seg->base = desc_base(d);
	seg->limit = desc_limit(d);
	seg->code = (DESC_TYPE(d.hi) & DESC_TYPE_CODE) != 0;
	seg->big = (d.hi & DESC_HI_DB) != 0;
	return true;
}

/* Fetch up to `max` instruction bytes at linear address gva: all of them if
 * the mapping allows, else those up to the end of the first page (an
 * instruction may end right before an unmapped page). */
static unsigned fetch_linear(struct guest *g, uint32_t gva, uint8_t *buf,
			     unsigned max)
{
	unsigned in_page = PAGE_SIZE - (gva & (PAGE_SIZE - 1));

	if (copy_from_guest_virt(g, buf, gva, max))
		return max;
	if (in_page < max && copy_from_guest_virt(g, buf, gva, in_page))
		return in_page;
	return 0;
}

bool fetch_insn_bytes(struct guest *g, uint8_t *buf, unsigned max,
		      unsigned *got, const char **why)
{
	const struct trapframe *r = g->regs;
	struct guest_seg cs;

	if (!guest_segment(g, r->cs, &cs) || !cs.code) {
		*why = "CS names no code segment of the guest's";
		return false;
	}
	if (!cs.big) {
		*why = "16-bit code segment";
		return false;
	}
	if (r->eip > cs.limit) {
		*why = "EIP beyond the code segment's limit";
		return false;
	}
	/* The CPU fetches nothing past the limit; nor do we. */
	if (max - 1 > cs.limit - r->eip)
		max = cs.limit - r->eip + 1;
	*got = fetch_linear(g, cs.base + r->eip, buf, max);
	if (*got == 0) {
		*why = "the instruction's page is not mapped";
		return false;
	}
	return true;
}
