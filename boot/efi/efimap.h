/*
 * efimap.h - questions about the firmware's memory map that hv.efi asks
 * before it exits boot services.  Pure C over the map's bytes, as
 * GetMemoryMap() returns them (descriptors desc_size bytes apart), so the
 * unit tests feed it maps of their own.
 */
#ifndef HV_BOOT_EFI_EFIMAP_H
#define HV_BOOT_EFI_EFIMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is every byte of [lo, hi) free RAM or the firmware's boot-time memory
 * (boot services code and data), so that it is ours to overwrite once
 * ExitBootServices() has returned?  False if any of it is another type
 * (runtime services, ACPI, the loader's own, reserved) or not in the
 * map at all. */
bool efimap_reclaimable(const void *map, size_t map_size, size_t desc_size,
			uint64_t lo, uint64_t hi);

#endif
