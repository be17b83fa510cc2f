/*
 * test_multiboot.c - mb2_parse on Multiboot2 information blocks built
 * byte by byte, good ones and broken ones.
 *
 * Each block is copied into a heap buffer of exactly the size we claim is
 * readable, so AddressSanitizer catches any read past it: "the parser
 * never reads outside the block" is checked, not hoped for.
 *
 * UNIT_SOURCES: hv/setup/multiboot.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/include/multiboot2.h"
#include "hv/setup/bootinfo.h"

/* ---- A small builder for information blocks. ---- */

struct mb {
	uint8_t buf[64 * 1024];
	size_t len;
};

static void mb_begin(struct mb *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8; /* total_size, reserved */
}

/* Start a tag of `size` bytes (header included); returns its first byte.
 * Tags start on 8-byte boundaries; the padding stays zero. */
static uint8_t *mb_tag(struct mb *b, uint32_t type, uint32_t size)
{
	uint8_t *t;

	b->len = (b->len + 7) & ~(size_t)7;
	assert_true(b->len + size <= sizeof(b->buf));
	t = b->buf + b->len;
	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	b->len += size;
	return t;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void mb_string(struct mb *b, uint32_t type, const char *s)
{
	uint8_t *t = mb_tag(b, type, 8 + (uint32_t)strlen(s) + 1);

	memcpy(t + 8, s, strlen(s) + 1);
}

static void mb_module(struct mb *b, uint32_t start, uint32_t end, const char *s)
{
	uint8_t *t = mb_tag(b, MB2_TAG_MODULE, 16 + (uint32_t)strlen(s) + 1);

	put32(t + 8, start);
	put32(t + 12, end);
	memcpy(t + 16, s, strlen(s) + 1);
}

struct e820 {
	uint64_t addr, len;
	uint32_t type;
};

static void mb_mmap(struct mb *b, const struct e820 *e, unsigned n,
		    uint32_t entry_size)
{
	uint8_t *t = mb_tag(b, MB2_TAG_MMAP, 16 + n * entry_size);

	put32(t + 8, entry_size);
	put32(t + 12, 0);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = t + 16 + i * entry_size;
		put64(p, e[i].addr);
		put64(p + 8, e[i].len);
		put32(p + 16, e[i].type);
	}
}

struct efi {
	uint32_t type;
	uint64_t start, pages;
};

static void mb_efi_mmap(struct mb *b, const struct efi *d, unsigned n,
			uint32_t descr_size)
{
	uint8_t *t = mb_tag(b, MB2_TAG_EFI_MMAP, 16 + n * descr_size);

	put32(t + 8, descr_size);
	put32(t + 12, 1);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = t + 16 + i * descr_size;
		put32(p, d[i].type);
		put64(p + 8, d[i].start);
		put64(p + 16, d[i].start); /* virt_start: unused */
		put64(p + 24, d[i].pages);
	}
}

static void mb_meminfo(struct mb *b, uint32_t lower, uint32_t upper)
{
	uint8_t *t = mb_tag(b, MB2_TAG_BASIC_MEMINFO, 16);

	put32(t + 8, lower);
	put32(t + 12, upper);
}

/* A simple usable map so tests about other tags can pass. */
static void mb_simple_mmap(struct mb *b)
{
	static const struct e820 e[] = {
		{ 0, 0x9FC00, MB2_MEMORY_AVAILABLE },
		{ 0x100000, 0x7F00000, MB2_MEMORY_AVAILABLE },
	};

	mb_mmap(b, e, 2, 24);
}

/* Close the block: the end tag, then total_size. */
static void mb_finish(struct mb *b)
{
	mb_tag(b, MB2_TAG_END, 8);
	put32(b->buf, (uint32_t)b->len);
}

/* ---- Running the parser on an exact-size copy. ---- */

struct fixture {
	struct mb mb;
	struct boot_info bi;
	char err[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	mb_begin(&f->mb);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static bool parse_avail(struct fixture *f, size_t avail)
{
	uint8_t *copy = malloc(avail ? avail : 1);
	bool r;

	assert_non_null(copy);
	memcpy(copy, f->mb.buf, avail);
	memset(&f->bi, 0xA5, sizeof(f->bi)); /* the parser must clear it */
	strcpy(f->err, "untouched");
	r = mb2_parse(copy, avail, &f->bi, f->err, sizeof(f->err));
	free(copy);
	return r;
}

static bool parse(struct fixture *f)
{
	return parse_avail(f, f->mb.len);
}

static void assert_region(const struct boot_info *bi, unsigned i, uint64_t base,
			  uint64_t len, uint32_t type)
{
	assert_true(i < bi->nr_mem);
	assert_int_equal(bi->mem[i].base, base);
	assert_int_equal(bi->mem[i].len, len);
	assert_int_equal(bi->mem[i].type, type);
}

/* ---- Good blocks. ---- */

static void test_cmdline_and_loader(void **state)
{
	struct fixture *f = *state;

	mb_string(&f->mb, MB2_TAG_CMDLINE, "loglevel=debug exit=qemu");
	mb_string(&f->mb, MB2_TAG_BOOTLOADER, "GRUB 2.12");
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_string_equal(f->bi.cmdline, "loglevel=debug exit=qemu");
	assert_false(f->bi.cmdline_truncated);
	assert_string_equal(f->bi.loader, "GRUB 2.12");
	assert_false(f->bi.efi);
	assert_int_equal(f->bi.nr_mods, 0);
	assert_false(f->bi.has_fb);
	assert_int_equal(f->bi.rsdp_len, 0);
}

static void test_cmdline_truncated(void **state)
{
	struct fixture *f = *state;
	char *s = malloc(BOOT_CMDLINE_MAX + 10);

	memset(s, 'c', BOOT_CMDLINE_MAX + 9);
	s[BOOT_CMDLINE_MAX + 9] = 0;
	mb_string(&f->mb, MB2_TAG_CMDLINE, s);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(f->bi.cmdline_truncated);
	assert_int_equal(strlen(f->bi.cmdline), BOOT_CMDLINE_MAX - 1);
	free(s);
}

static void test_string_without_nul(void **state)
{
	struct fixture *f = *state;
	uint8_t *t;

	/* A command line whose tag ends without a NUL: the copy stops at
	 * the tag's end, and what follows is not read as part of it. */
	t = mb_tag(&f->mb, MB2_TAG_CMDLINE, 8 + 5);
	memcpy(t + 8, "abcde", 5);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_string_equal(f->bi.cmdline, "abcde");
}

static void test_modules(void **state)
{
	struct fixture *f = *state;

	mb_module(&f->mb, 0x200000, 0x280000, "kernel name=pv -- quiet");
	mb_module(&f->mb, 0x280000, 0x280000, "initrd"); /* empty is fine */
	mb_module(&f->mb, 0x300000, 0x301000, "");
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.nr_mods, 3);
	assert_false(f->bi.mods_truncated);
	assert_int_equal(f->bi.mods[0].start, 0x200000);
	assert_int_equal(f->bi.mods[0].end, 0x280000);
	assert_string_equal(f->bi.mods[0].string, "kernel name=pv -- quiet");
	assert_string_equal(f->bi.mods[1].string, "initrd");
	assert_int_equal(f->bi.mods[2].start, 0x300000);
	assert_string_equal(f->bi.mods[2].string, "");
}

static void test_too_many_modules(void **state)
{
	struct fixture *f = *state;
	char s[16];

	for (unsigned i = 0; i < BOOT_MAX_MODULES + 3; i++) {
		snprintf(s, sizeof(s), "m%u", i);
		mb_module(&f->mb, 0x1000 * i, 0x1000 * i + 0x10, s);
	}
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.nr_mods, BOOT_MAX_MODULES);
	assert_true(f->bi.mods_truncated);
	assert_string_equal(f->bi.mods[BOOT_MAX_MODULES - 1].string, "m15");
}

static void test_bios_mmap(void **state)
{
	static const struct e820 e[] = {
		{ 0, 0x9FC00, MB2_MEMORY_AVAILABLE },
		{ 0x9FC00, 0x400, MB2_MEMORY_RESERVED },
		{ 0xF0000, 0x10000, 99 }, /* unknown types are reserved */
		{ 0x100000, 0x1000000, MB2_MEMORY_AVAILABLE },
		/* Contiguous and alike: merged with the one before. */
		{ 0x1100000, 0x1000000, MB2_MEMORY_AVAILABLE },
		{ 0x2100000, 0, MB2_MEMORY_AVAILABLE }, /* empty: dropped */
		{ 0x3000000, 0x10000, MB2_MEMORY_ACPI_RECLAIMABLE },
		{ 0x3010000, 0x10000, MB2_MEMORY_NVS },
		{ 0x3020000, 0x10000, MB2_MEMORY_BADRAM },
		{ 0x100000000ull, 0x40000000ull, MB2_MEMORY_AVAILABLE },
	};
	struct fixture *f = *state;
	struct boot_info *bi = &f->bi;

	mb_mmap(&f->mb, e, ARRAY_SIZE(e), 24);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(bi->mem_source, MEMMAP_BIOS);
	assert_int_equal(bi->nr_mem, 8);
	assert_region(bi, 0, 0, 0x9FC00, MEM_USABLE);
	assert_region(bi, 1, 0x9FC00, 0x400, MEM_RESERVED);
	assert_region(bi, 2, 0xF0000, 0x10000, MEM_RESERVED);
	assert_region(bi, 3, 0x100000, 0x2000000, MEM_USABLE);
	assert_region(bi, 4, 0x3000000, 0x10000, MEM_ACPI);
	assert_region(bi, 5, 0x3010000, 0x10000, MEM_NVS);
	assert_region(bi, 6, 0x3020000, 0x10000, MEM_BAD);
	assert_region(bi, 7, 0x100000000ull, 0x40000000ull, MEM_USABLE);
	assert_false(bi->mem_truncated);
	assert_int_equal(bi->nr_efi_descriptors, 0);
}

/* Device registers said to lie in usable RAM are refused by paging:
 * the overlap test it asks, at every edge of a region. */
static void test_usable_overlap(void **state)
{
	static const struct e820 e[] = {
		{ 0, 0x9FC00, MB2_MEMORY_AVAILABLE },
		{ 0x100000, 0x1000000, MB2_MEMORY_AVAILABLE },
		{ 0xFEC00000, 0x1000, MB2_MEMORY_RESERVED },
		{ 0x100000000ull, 0x40000000ull, MB2_MEMORY_AVAILABLE },
	};
	struct fixture *f = *state;
	struct boot_info *bi = &f->bi;

	mb_mmap(&f->mb, e, ARRAY_SIZE(e), 24);
	mb_finish(&f->mb);
	assert_true(parse(f));
	/* Just outside, on either side of usable regions. */
	assert_false(boot_info_usable_overlap(bi, 0x9FC00, 0x400));
	assert_false(boot_info_usable_overlap(bi, 0xFFF00, 0x100));
	assert_false(boot_info_usable_overlap(bi, 0x1100000, 0x1000));
	assert_false(boot_info_usable_overlap(bi, 0xFEC00000, 0x1000));
	assert_false(boot_info_usable_overlap(bi, 0xE000000000ull, 0x4000));
	/* A byte in, at either end. */
	assert_true(boot_info_usable_overlap(bi, 0xFFF00, 0x101));
	assert_true(boot_info_usable_overlap(bi, 0x10FFFFF, 0x1000));
	assert_true(boot_info_usable_overlap(bi, 0x13FFFFFFFull, 1));
	/* Around a region; lengths that wrap past 2^64 reach the top. */
	assert_true(boot_info_usable_overlap(bi, 0xF0000, 0x2000000));
	assert_true(boot_info_usable_overlap(bi, 0x80000000ull, ~0ull));
	assert_false(boot_info_usable_overlap(bi, 0x140000000ull, ~0ull));
	/* Nothing at all is nowhere. */
	assert_false(boot_info_usable_overlap(bi, 0x200000, 0));
}

static void test_bios_mmap_larger_entries(void **state)
{
	static const struct e820 e[] = {
		{ 0, 0x80000, MB2_MEMORY_AVAILABLE },
		{ 0x100000, 0x100000, MB2_MEMORY_AVAILABLE },
	};
	struct fixture *f = *state;

	/* A future loader may use bigger entries; we must step by
	 * entry_size, not by our structure's size. */
	mb_mmap(&f->mb, e, 2, 40);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.nr_mem, 2);
	assert_region(&f->bi, 1, 0x100000, 0x100000, MEM_USABLE);
}

static void test_mmap_region_overflow(void **state)
{
	static struct e820 e[BOOT_MAX_MEM_REGIONS + 5];
	struct fixture *f = *state;

	/* Alternate types so nothing merges. */
	for (unsigned i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].addr = 0x1000ull * i;
		e[i].len = 0x1000;
		e[i].type = i % 2 ? MB2_MEMORY_RESERVED : MB2_MEMORY_AVAILABLE;
	}
	mb_mmap(&f->mb, e, ARRAY_SIZE(e), 24);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.nr_mem, BOOT_MAX_MEM_REGIONS);
	assert_true(f->bi.mem_truncated);
}

static void test_efi_mmap_only(void **state)
{
	static const struct efi d[] = {
		{ EFI_BOOT_SERVICES_CODE, 0, 1 },
		{ EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9E },
		{ 0 /* reserved */, 0xA0000, 0x60 },
		{ EFI_LOADER_CODE, 0x100000, 0x100 },
		{ EFI_LOADER_DATA, 0x200000, 0x100 },
		{ EFI_BOOT_SERVICES_DATA, 0x300000, 0x100 },
		{ 9 /* ACPI reclaim */, 0x400000, 0x10 },
		{ 10 /* ACPI NVS */, 0x410000, 0x10 },
		{ 8 /* unusable */, 0x420000, 0x10 },
		{ 11 /* MMIO */, 0xFEC00000, 1 },
		{ EFI_CONVENTIONAL_MEMORY, 0x500000, 0 }, /* empty: dropped */
	};
	struct fixture *f = *state;
	struct boot_info *bi = &f->bi;

	mb_efi_mmap(&f->mb, d, ARRAY_SIZE(d), 48); /* UEFI's usual stride */
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(bi->efi);
	assert_int_equal(bi->mem_source, MEMMAP_EFI);
	assert_int_equal(bi->nr_efi_descriptors, ARRAY_SIZE(d));
	assert_int_equal(bi->nr_mem, 7);
	assert_region(bi, 0, 0, 0x9F000, MEM_USABLE); /* two merged */
	assert_region(bi, 1, 0xA0000, 0x60000, MEM_RESERVED);
	assert_region(bi, 2, 0x100000, 0x300000, MEM_USABLE); /* three */
	assert_region(bi, 3, 0x400000, 0x10000, MEM_ACPI);
	assert_region(bi, 4, 0x410000, 0x10000, MEM_NVS);
	assert_region(bi, 5, 0x420000, 0x10000, MEM_BAD);
	assert_region(bi, 6, 0xFEC00000, 0x1000, MEM_RESERVED);
}

static void test_efi_absurd_page_count(void **state)
{
	static const struct efi d[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x100000,
		  1ull << 60 }, /* overflows */
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100 },
	};
	struct fixture *f = *state;

	mb_efi_mmap(&f->mb, d, 2, 40);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.nr_mem, 1);
	assert_region(&f->bi, 0, 0x100000, 0x100000, MEM_USABLE);
}

static void test_bios_preferred_over_efi(void **state)
{
	static const struct efi d[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0, 0x10 },
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x10 },
	};
	struct fixture *f = *state;

	/* EFI map first in the block: the choice must not depend on it. */
	mb_efi_mmap(&f->mb, d, 2, 48);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(f->bi.efi);
	assert_int_equal(f->bi.mem_source, MEMMAP_BIOS);
	assert_int_equal(f->bi.nr_efi_descriptors, 2);
	assert_int_equal(f->bi.nr_mem, 2);
	assert_region(&f->bi, 1, 0x100000, 0x7F00000, MEM_USABLE);

	/* And the other order. */
	mb_begin(&f->mb);
	mb_simple_mmap(&f->mb);
	mb_efi_mmap(&f->mb, d, 2, 48);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.mem_source, MEMMAP_BIOS);
	assert_region(&f->bi, 1, 0x100000, 0x7F00000, MEM_USABLE);
}

static void test_basic_meminfo_fallback(void **state)
{
	struct fixture *f = *state;

	mb_meminfo(&f->mb, 639, 130048);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.mem_source, MEMMAP_BASIC);
	assert_int_equal(f->bi.mem_lower_kib, 639);
	assert_int_equal(f->bi.mem_upper_kib, 130048);
	assert_int_equal(f->bi.nr_mem, 2);
	assert_region(&f->bi, 0, 0, 639 * 1024, MEM_USABLE);
	assert_region(&f->bi, 1, 0x100000, 130048ull * 1024, MEM_USABLE);
}

static void test_basic_meminfo_ignored_with_mmap(void **state)
{
	struct fixture *f = *state;

	mb_meminfo(&f->mb, 639, 1);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.mem_source, MEMMAP_BIOS);
	assert_region(&f->bi, 1, 0x100000, 0x7F00000, MEM_USABLE);
}

static void test_framebuffer(void **state)
{
	struct fixture *f = *state;
	uint8_t *t;

	t = mb_tag(&f->mb, MB2_TAG_FRAMEBUFFER, 32 + 6); /* + colour info */
	put64(t + 8, 0xFD000000ull);
	put32(t + 16, 4096);
	put32(t + 20, 1024);
	put32(t + 24, 768);
	t[28] = 32;
	t[29] = MB2_FB_TYPE_RGB;
	t[32] = 16, t[33] = 8; /* red: bits 16-23 (GOP's BGRX) */
	t[34] = 8, t[35] = 8;
	t[36] = 0, t[37] = 8;
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(f->bi.has_fb);
	assert_int_equal(f->bi.fb_rgb.red_pos, 16);
	assert_int_equal(f->bi.fb_rgb.red_bits, 8);
	assert_int_equal(f->bi.fb_rgb.green_pos, 8);
	assert_int_equal(f->bi.fb_rgb.green_bits, 8);
	assert_int_equal(f->bi.fb_rgb.blue_pos, 0);
	assert_int_equal(f->bi.fb_rgb.blue_bits, 8);
	assert_int_equal(f->bi.fb_addr, 0xFD000000ull);
	assert_int_equal(f->bi.fb_pitch, 4096);
	assert_int_equal(f->bi.fb_width, 1024);
	assert_int_equal(f->bi.fb_height, 768);
	assert_int_equal(f->bi.fb_bpp, 32);
	assert_int_equal(f->bi.fb_type, MB2_FB_TYPE_RGB);
}

/* An RGB tag cut off before its colour layout: the framebuffer is known,
 * its colours are not (all zero, which the screen driver refuses). */
static void test_framebuffer_no_colour_info(void **state)
{
	struct fixture *f = *state;
	uint8_t *t;

	t = mb_tag(&f->mb, MB2_TAG_FRAMEBUFFER, 32 + 2);
	put64(t + 8, 0x80000000ull);
	t[28] = 32;
	t[29] = MB2_FB_TYPE_RGB;
	t[32] = 16, t[33] = 8;
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(f->bi.has_fb);
	assert_int_equal(f->bi.fb_rgb.red_bits, 0);
	assert_int_equal(f->bi.fb_rgb.red_pos, 0);
	assert_int_equal(f->bi.fb_rgb.blue_bits, 0);
}

static void test_framebuffer_too_small_ignored(void **state)
{
	struct fixture *f = *state;

	mb_tag(&f->mb, MB2_TAG_FRAMEBUFFER, 20);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_false(f->bi.has_fb);
}

static void mb_rsdp(struct mb *b, uint32_t type, unsigned len, uint8_t fill)
{
	uint8_t *t = mb_tag(b, type, 8 + len);

	memset(t + 8, fill, len);
	memcpy(t + 8, "RSD PTR ", 8);
}

static void test_acpi_old(void **state)
{
	struct fixture *f = *state;

	mb_rsdp(&f->mb, MB2_TAG_ACPI_OLD, 20, 0x11);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.rsdp_len, 20);
	assert_memory_equal(f->bi.rsdp, "RSD PTR ", 8);
	assert_int_equal(f->bi.rsdp[19], 0x11);
}

static void test_acpi_new_preferred(void **state)
{
	struct fixture *f = *state;

	/* New then old: the old one must not replace it. */
	mb_rsdp(&f->mb, MB2_TAG_ACPI_NEW, 36, 0x22);
	mb_rsdp(&f->mb, MB2_TAG_ACPI_OLD, 20, 0x11);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.rsdp_len, 36);
	assert_int_equal(f->bi.rsdp[35], 0x22);

	/* Old then new. */
	mb_begin(&f->mb);
	mb_rsdp(&f->mb, MB2_TAG_ACPI_OLD, 20, 0x11);
	mb_rsdp(&f->mb, MB2_TAG_ACPI_NEW, 36, 0x22);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.rsdp_len, 36);
	assert_int_equal(f->bi.rsdp[19], 0x22);
}

static void test_acpi_oversized_rsdp_clamped(void **state)
{
	struct fixture *f = *state;

	mb_rsdp(&f->mb, MB2_TAG_ACPI_NEW, 100, 0x33);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.rsdp_len, sizeof(f->bi.rsdp));
}

static void test_efi_tags_set_efi(void **state)
{
	struct fixture *f = *state;

	mb_tag(&f->mb, MB2_TAG_EFI64, 16);
	mb_tag(&f->mb, 0x7777, 13); /* unknown, odd size: skipped, padded */
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_true(f->bi.efi);
	assert_int_equal(f->bi.nr_mem, 2);
}

/* ---- Broken blocks: each must fail with a reason, never crash. ---- */

static void assert_fails(struct fixture *f, size_t avail, const char *why)
{
	assert_false(parse_avail(f, avail));
	if (!strstr(f->err, why))
		fail_msg("error \"%s\" does not mention \"%s\"", f->err, why);
}

static void test_too_small(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, 0, "too small");
	assert_fails(f, 7, "too small");
	put32(f->mb.buf, 8); /* a header and no room for an end tag */
	assert_fails(f, 8, "size 8 invalid");
}

static void test_total_size_beyond_avail(void **state)
{
	struct fixture *f = *state;

	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len - 1, "invalid");
	put32(f->mb.buf, 0xFFFFFFF0u);
	assert_fails(f, f->mb.len, "size 4294967280 invalid");
}

static void test_tag_size_below_8(void **state)
{
	struct fixture *f = *state;

	mb_simple_mmap(&f->mb);
	mb_tag(&f->mb, MB2_TAG_CMDLINE, 8);
	put32(f->mb.buf + f->mb.len - 4, 4); /* shrink it after the fact */
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "bad size 4");

	/* Size 0 would loop forever if it were accepted. */
	put32(f->mb.buf + f->mb.len - 8 - 4, 0);
	assert_fails(f, f->mb.len, "bad size 0");
}

static void test_tag_past_total_size(void **state)
{
	struct fixture *f = *state;
	uint8_t *t;

	mb_simple_mmap(&f->mb);
	t = mb_tag(&f->mb, MB2_TAG_CMDLINE, 16);
	mb_finish(&f->mb);
	put32(t + 4, 1000);
	assert_fails(f, f->mb.len, "bad size 1000");
	put32(t + 4, 0xFFFFFFFFu);
	assert_fails(f, f->mb.len, "bad size");
}

static void test_missing_end_tag(void **state)
{
	struct fixture *f = *state;

	mb_simple_mmap(&f->mb);
	put32(f->mb.buf, (uint32_t)f->mb.len);
	assert_fails(f, f->mb.len, "no end tag");

	/* total_size ending in the middle of where an end tag would be. */
	mb_finish(&f->mb);
	put32(f->mb.buf, (uint32_t)f->mb.len - 4);
	assert_fails(f, f->mb.len - 4, "no end tag");
}

static void test_tags_after_end_ignored(void **state)
{
	struct fixture *f = *state;

	mb_simple_mmap(&f->mb);
	mb_tag(&f->mb, MB2_TAG_END, 8);
	mb_string(&f->mb, MB2_TAG_CMDLINE, "after the end");
	put32(f->mb.buf, (uint32_t)f->mb.len);
	assert_true(parse(f));
	assert_string_equal(f->bi.cmdline, "");
}

static void test_module_end_before_start(void **state)
{
	struct fixture *f = *state;

	mb_module(&f->mb, 0x200000, 0x1FFFFF, "kernel");
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "module 0 ends before it starts");
}

static void test_module_tag_too_small(void **state)
{
	struct fixture *f = *state;

	mb_tag(&f->mb, MB2_TAG_MODULE, 12);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "module tag too small");
}

static void test_module_string_too_long(void **state)
{
	struct fixture *f = *state;
	char *s = malloc(BOOT_MODULE_STRING_MAX + 1);

	memset(s, 'k', BOOT_MODULE_STRING_MAX);
	s[BOOT_MODULE_STRING_MAX] = 0;
	mb_module(&f->mb, 0, 0x1000, s);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "module 0 string too long");

	/* One shorter fits exactly. */
	s[BOOT_MODULE_STRING_MAX - 1] = 0;
	mb_begin(&f->mb);
	mb_module(&f->mb, 0, 0x1000, s);
	mb_simple_mmap(&f->mb);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(strlen(f->bi.mods[0].string),
			 BOOT_MODULE_STRING_MAX - 1);
	free(s);
}

static void test_no_memory_map(void **state)
{
	struct fixture *f = *state;

	mb_string(&f->mb, MB2_TAG_CMDLINE, "x");
	mb_meminfo(&f->mb, 639, 0); /* no upper memory: not a map either */
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "no memory map");
}

static void test_mmap_malformed(void **state)
{
	static const struct e820 e[] = { { 0, 0x100000, 1 } };
	struct fixture *f = *state;

	mb_mmap(&f->mb, e, 1, 16); /* entries smaller than the format */
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "memory map tag malformed");

	mb_begin(&f->mb);
	mb_tag(&f->mb, MB2_TAG_MMAP, 12); /* no room for entry_size */
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "memory map tag malformed");
}

static void test_mmap_huge_entry_size(void **state)
{
	static const struct e820 e[] = { { 0, 0x100000, 1 } };
	struct fixture *f = *state;
	uint8_t *t;

	/* An entry_size so large that "offset + entry_size" wraps around
	 * 32 bits must not make the parser walk outside the tag. */
	t = f->mb.buf + 8;
	mb_mmap(&f->mb, e, 1, 24);
	put32(t + 8, 0xFFFFFFF8u);
	mb_finish(&f->mb);
	assert_true(parse(f));
	assert_int_equal(f->bi.mem_source, MEMMAP_BIOS);
	assert_int_equal(f->bi.nr_mem, 0);
}

static void test_efi_mmap_malformed(void **state)
{
	static const struct efi d[] = { { EFI_CONVENTIONAL_MEMORY, 0, 16 } };
	struct fixture *f = *state;
	uint8_t *t;

	mb_efi_mmap(&f->mb, d, 1, 32); /* smaller than a descriptor */
	mb_finish(&f->mb);
	assert_fails(f, f->mb.len, "EFI memory map tag malformed");

	mb_begin(&f->mb);
	t = f->mb.buf + 8;
	mb_efi_mmap(&f->mb, d, 1, 40);
	put32(t + 8, 0xFFFFFFF0u); /* wraps "offset + size" */
	mb_finish(&f->mb);
	parse(f);
	assert_int_equal(f->bi.nr_efi_descriptors, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cmdline_and_loader),
		T(test_cmdline_truncated),
		T(test_string_without_nul),
		T(test_modules),
		T(test_too_many_modules),
		T(test_bios_mmap),
		T(test_usable_overlap),
		T(test_bios_mmap_larger_entries),
		T(test_mmap_region_overflow),
		T(test_efi_mmap_only),
		T(test_efi_absurd_page_count),
		T(test_bios_preferred_over_efi),
		T(test_basic_meminfo_fallback),
		T(test_basic_meminfo_ignored_with_mmap),
		T(test_framebuffer),
		T(test_framebuffer_no_colour_info),
		T(test_framebuffer_too_small_ignored),
		T(test_acpi_old),
		T(test_acpi_new_preferred),
		T(test_acpi_oversized_rsdp_clamped),
		T(test_efi_tags_set_efi),
		T(test_too_small),
		T(test_total_size_beyond_avail),
		T(test_tag_size_below_8),
		T(test_tag_past_total_size),
		T(test_missing_end_tag),
		T(test_tags_after_end_ignored),
		T(test_module_end_before_start),
		T(test_module_tag_too_small),
		T(test_module_string_too_long),
		T(test_no_memory_map),
		T(test_mmap_malformed),
		T(test_mmap_huge_entry_size),
		T(test_efi_mmap_malformed),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
