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
