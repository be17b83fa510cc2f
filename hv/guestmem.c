/*
 * guestmem.c - [Guest 2] the only doors into a guest's memory.
 *
 * A guest-physical address is an offset into the guest's RAM block; every
 * access is bounds-checked here, once, including the overflow of gpa+len.
 * Nothing else in the hypervisor turns a guest-supplied number into a
 * pointer.  Guest-virtual accesses translate page by page through
 * gva_to_gpa() (shadow.c), so a buffer that crosses a page boundary into
 * an unmapped page fails instead of spilling over physically.
 */
#include "guest.h"
#include "shadow.h"

bool guest_range_ok(const struct guest *g, uint32_t gpa, uint32_t len)
{
	return gpa <= g->mem_size && len <= g->mem_size - gpa;
}

bool copy_from_guest(const struct guest *g, void *dst, uint32_t gpa,
		     uint32_t len)
{
	if (!guest_range_ok(g, gpa, len))
		return false;
	hv_memcpy(dst, g->mem + gpa, len);
	return true;
}

bool copy_to_guest(struct guest *g, uint32_t gpa, const void *src, uint32_t len)
{
	if (!guest_range_ok(g, gpa, len))
		return false;
	hv_memcpy(g->mem + gpa, src, len);
	return true;
}

void *guest_ptr(struct guest *g, uint32_t gpa, uint32_t len)
{
	return guest_range_ok(g, gpa, len) ? g->mem + gpa : NULL;
}

bool guest_read32(const struct guest *g, uint32_t gpa, uint32_t *v)
{
	return copy_from_guest(g, v, gpa, 4);
}

bool guest_write32(struct guest *g, uint32_t gpa, uint32_t v)
{
	return copy_to_guest(g, gpa, &v, 4);
}

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

/* Fetch up to `max` instruction bytes at gva: all of them if the mapping
 * allows, else those up to the end of the first page (an instruction may
 * end right before an unmapped page).  Returns how many were fetched. */
unsigned fetch_insn_bytes(struct guest *g, uint32_t gva, uint8_t *buf,
			  unsigned max)
{
	unsigned in_page = PAGE_SIZE - (gva & (PAGE_SIZE - 1));

	if (copy_from_guest_virt(g, buf, gva, max))
		return max;
	if (in_page < max && copy_from_guest_virt(g, buf, gva, in_page))
		return in_page;
	return 0;
}
