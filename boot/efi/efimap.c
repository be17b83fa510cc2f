/*
 * efimap.c - which memory becomes ours when boot services end.
 *
 * hv.elf must sit at the physical addresses it was linked for.  On some
 * machines the firmware keeps boot-time data there (its page tables, its
 * pools); AllocatePages() then refuses those pages, but the memory is
 * free the moment ExitBootServices() returns, and handoff.S copies the
 * hypervisor in only after that, with paging off.  This check decides
 * whether waiting for that moment is safe.
 */
#include "boot/efi/efimap.h"
#include "hv/include/multiboot2.h"

static bool reclaimable_type(uint32_t type)
{
	return type == EFI_CONVENTIONAL_MEMORY ||
	       type == EFI_BOOT_SERVICES_CODE || type == EFI_BOOT_SERVICES_DATA;
}

bool efimap_reclaimable(const void *map, size_t map_size, size_t desc_size,
			uint64_t lo, uint64_t hi)
{
	const uint8_t *bytes = map;
	uint64_t covered = 0;

	if (desc_size < sizeof(struct efi_memory_descriptor) || hi <= lo)
		return false;
	for (size_t off = 0; map_size - off >= desc_size; off += desc_size) {
		struct efi_memory_descriptor d;
		uint64_t start, end;

		for (size_t i = 0; i < sizeof(d); i++)
			((uint8_t *)&d)[i] = bytes[off + i];
		if (d.num_pages > (UINT64_MAX - d.phys_start) >> 12)
			return false; /* a descriptor that wraps: a broken map */
		start = d.phys_start > lo ? d.phys_start : lo;
		end = d.phys_start + (d.num_pages << 12);
		end = end < hi ? end : hi;
		if (start >= end)
			continue;
		if (!reclaimable_type(d.type))
			return false;
		covered += end - start;
	}
	/* Descriptors do not overlap, so the covered bytes add up to the
	 * range exactly when none of it is missing from the map. */
	return covered == hi - lo;
}
