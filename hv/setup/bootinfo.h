/*
 * bootinfo.h - what the boot loader told us, parsed once into plain C.
 *
 * mb2_parse() reads GRUB's Multiboot2 information (hv/include/multiboot2.h) and
 * copies out everything the hypervisor needs, so nothing later points into
 * the loader's memory: the command lines, the memory map (from the BIOS
 * E820-style tag, or else the UEFI map), the modules, the framebuffer and
 * the ACPI RSDP.  It is pure logic over a byte buffer, which is how the
 * unit tests feed it crafted and malformed inputs.
 */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include "hv/include/multiboot2.h"
#include "hv/lib/lib.h"

#define BOOT_MAX_MEM_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_STRING_MAX 2304 /* a 2047-byte guest cmdline + options */

enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,
	MEM_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base, len;
	uint32_t type; /* enum mem_type */
};

struct boot_module {
	uint32_t start, end; /* physical, [start, end) */
	char string[BOOT_MODULE_STRING_MAX];
};

enum mem_source {
	MEMMAP_NONE,
	MEMMAP_BIOS,  /* Multiboot2 memory-map tag (E820 style) */
	MEMMAP_EFI,   /* Multiboot2 EFI memory-map tag */
	MEMMAP_BASIC, /* only mem_lower/mem_upper */
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	bool cmdline_truncated;

	struct mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned nr_mem;
	enum mem_source mem_source;
	unsigned nr_efi_descriptors; /* 0 unless an EFI map was given */
	bool mem_truncated;

	struct boot_module mods[BOOT_MAX_MODULES];
	unsigned nr_mods;
	bool mods_truncated; /* more modules than BOOT_MAX_MODULES */

	bool has_fb;
	uint64_t fb_addr;
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;
	/* RGB framebuffers only: where each colour's bits are in a pixel;
	 * all zero when the tag did not say. */
	struct mb2_fb_rgb fb_rgb;

	uint8_t rsdp[36]; /* a copy: ACPI 1.0 is 20 bytes, 2.0+ is 36 */
	unsigned rsdp_len;

	bool efi; /* booted through UEFI firmware */
	uint32_t mem_lower_kib, mem_upper_kib;
};

/* The machine's boot information, filled once by hv_main (hv/main.c). */
extern struct boot_info boot_info;

/* Whether [base, base+len) overlaps RAM the memory map calls usable:
 * the page allocator's, so never a device's registers.  A range that
 * wraps past 2^64 overlaps everything above base. */
bool boot_info_usable_overlap(const struct boot_info *bi, uint64_t base,
			      uint64_t len);

/* Parse the information block at `mbi` (its physical address is irrelevant
 * to parsing) into *bi.  `avail` is how many bytes may be read at all.
 * Returns true, or false with a one-line reason in err (truncated to
 * errlen) when the block is unusable. */
bool __must_check mb2_parse(const void *mbi, size_t avail, struct boot_info *bi,
			    char *err, size_t errlen);

#endif
