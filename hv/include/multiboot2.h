/*
 * multiboot2.h - the Multiboot2 specification's numbers and tag layouts
 * (Multiboot2 spec, version 2.0, sections 3.1 and 3.6).  Usable from
 * assembly (numbers only) and C.
 */
#ifndef HV_MULTIBOOT2_H
#define HV_MULTIBOOT2_H

#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB2_ARCH_I386 0

/* Header tags (what we ask of GRUB). */
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_FRAMEBUFFER 5
#define MB2_HEADER_TAG_MODULE_ALIGN 6
#define MB2_HEADER_TAG_OPTIONAL 1

/* Information tags (what GRUB tells us). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOTLOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE 21

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mb2_info_header {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_tag_string { /* CMDLINE, BOOTLOADER */
	uint32_t type, size;
	char string[];
};

struct mb2_tag_module {
	uint32_t type, size;
	uint32_t mod_start, mod_end;
	char string[];
};

struct mb2_tag_basic_meminfo {
	uint32_t type, size;
	uint32_t mem_lower, mem_upper; /* KiB */
};

#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4
#define MB2_MEMORY_BADRAM 5

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

struct mb2_tag_mmap {
	uint32_t type, size;
	uint32_t entry_size, entry_version;
	/* entries follow, entry_size bytes apart */
};

#define MB2_FB_TYPE_INDEXED 0
#define MB2_FB_TYPE_RGB 1
#define MB2_FB_TYPE_EGA_TEXT 2

struct mb2_tag_framebuffer {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, fb_type;
	uint16_t reserved;
	/* colour info follows: for MB2_FB_TYPE_RGB, struct mb2_fb_rgb */
};

/* The colour info of an RGB framebuffer, at offset 32 of the tag: GRUB
 * (the reference loader) has a 16-bit reserved field before it, where
 * the spec's prose shows 8 bits; every loader and kernel follows GRUB. */
struct mb2_fb_rgb {
	uint8_t red_pos, red_bits;
	uint8_t green_pos, green_bits;
	uint8_t blue_pos, blue_bits;
};

struct mb2_tag_efi_mmap {
	uint32_t type, size;
	uint32_t descr_size, descr_vers;
	/* EFI_MEMORY_DESCRIPTORs follow, descr_size bytes apart */
};

/* UEFI spec 2.x, EFI_MEMORY_DESCRIPTOR. */
struct efi_memory_descriptor {
	uint32_t type, pad;
	uint64_t phys_start, virt_start, num_pages, attribute;
};
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_LOADER_CODE 1
#define EFI_LOADER_DATA 2
#define EFI_BOOT_SERVICES_CODE 3
#define EFI_BOOT_SERVICES_DATA 4

#endif /* !__ASSEMBLER__ */
#endif
