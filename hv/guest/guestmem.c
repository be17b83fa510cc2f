/*
 * guestmem.c - [Guest 4] the only doors into a guest's memory.
 *
 * A guest-physical address is an offset into the guest's RAM block; every
 * access is bounds-checked here, once, including the overflow of gpa+len.
 * Nothing else in the hypervisor turns a guest-supplied number into a
 * pointer.  The guest-virtual doors, which translate through the guest's
 * page tables first, are hv/mm/guestvirt.c.
 */
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"

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

/* One word: the page-table walks' and lguest_data's size, so a plain load
 * or store (x86 allows any alignment) rather than a copy. */
bool guest_read32(const struct guest *g, uint32_t gpa, uint32_t *v)
{
	if (!guest_range_ok(g, gpa, 4))
		return false;
	*v = *(const volatile uint32_t *)(g->mem + gpa);
	return true;
}

bool guest_write32(struct guest *g, uint32_t gpa, uint32_t v)
{
	if (!guest_range_ok(g, gpa, 4))
		return false;
	*(volatile uint32_t *)(g->mem + gpa) = v;
	return true;
}

void lgd_read(const struct guest *g, uint32_t off, void *dst, uint32_t len)
{
	if (!g->lguest_data) {
		hv_memset(dst, 0, len);
		return;
	}
	BUG_ON(!copy_from_guest(g, dst, g->lguest_data + off, len));
}

void lgd_write(struct guest *g, uint32_t off, const void *src, uint32_t len)
{
	if (g->lguest_data)
		BUG_ON(!copy_to_guest(g, g->lguest_data + off, src, len));
}

uint32_t lgd_read32(const struct guest *g, uint32_t off)
{
	uint32_t v = 0;

	if (g->lguest_data)
		BUG_ON(!guest_read32(g, g->lguest_data + off, &v));
	return v;
}

void lgd_write32(struct guest *g, uint32_t off, uint32_t v)
{
	if (g->lguest_data)
		BUG_ON(!guest_write32(g, g->lguest_data + off, v));
}
