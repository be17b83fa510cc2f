/*
 * mbi.h - the Multiboot2 information block hv.efi hands the hypervisor,
 * built from what the firmware told us (hv/include/multiboot2.h has the
 * layouts; hv/setup/multiboot.c is the reader at the other end).
 *
 * Pure C on a buffer, like hvcfg.c: the unit test builds a block and
 * parses it back with the hypervisor's own mb2_parse().
 */
#ifndef HV_BOOT_EFI_MBI_H
#define HV_BOOT_EFI_MBI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mbi_module {
	uint32_t start, end; /* physical, [start, end) */
	const char *string;
};

/* A GOP mode as Multiboot2 describes an RGB framebuffer. */
struct mbi_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height; /* pitch in bytes */
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mbi_input {
	const char *cmdline; /* the hypervisor's options */
	const char *loader;  /* our name: "hv.efi" */
	const struct mbi_module *mods;
	unsigned nr_mods;
	/* The final EFI memory map, as GetMemoryMap() returned it. */
	const void *efi_map;
	size_t efi_map_size, efi_desc_size;
	uint32_t efi_desc_version;
	bool has_fb;
	struct mbi_framebuffer fb;
	const void *rsdp_old; /* 20 bytes, or NULL */
	const void *rsdp_new; /* rsdp_new_len bytes, or NULL */
	size_t rsdp_new_len;
	uint64_t efi_system_table;
};

/* How many bytes mbi_build() may need for `in` if the memory map grows
 * to at most max_map_size bytes by the time it is built. */
size_t mbi_size_bound(const struct mbi_input *in, size_t max_map_size);

/* Write the block into buf (8-byte aligned, cap bytes).  Returns its
 * total size, or 0 if it does not fit. */
size_t mbi_build(void *buf, size_t cap, const struct mbi_input *in);

/* A GOP pixel bit mask as a Multiboot2 field: its lowest set bit and
 * how many bits are set from there.  False for an empty or split mask. */
bool mbi_mask_field(uint32_t mask, uint8_t *pos, uint8_t *size);

#endif
