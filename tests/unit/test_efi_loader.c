/*
 * test_efi_loader.c - the pure parts of hv.efi (boot/efi/): the
 * Multiboot2 block it builds, read back by the hypervisor's own
 * mb2_parse(), and its checks of hv.elf's program headers.
 *
 * The block is the contract between two programs that never meet in one
 * build, so the test is the meeting: what mbi_build() writes must come
 * out of mb2_parse() as the loader meant it (the memory map, modules,
 * framebuffer with its colour fields, ACPI RSDP, "booted via UEFI").
 *
 * And efimap_reclaimable(), which decides whether hv.elf may be copied
 * over memory the firmware holds until ExitBootServices().
 *
 * UNIT_SOURCES: boot/efi/mbi.c boot/efi/elfseg.c boot/efi/efimap.c hv/setup/multiboot.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <elf.h>

#include "boot/efi/efimap.h"
#include "boot/efi/elfseg.h"
#include "boot/efi/mbi.h"
#include "hv/include/multiboot2.h"
#include "hv/setup/bootinfo.h"

/* OVMF's descriptors are 48 bytes, 8 more than the structure: the
 * stride must come from the firmware, never from sizeof. */
#define DESC_SIZE 48

struct boot_info boot_info;
static struct boot_info bi;
static uint8_t map[4 * DESC_SIZE];
static uint8_t rsdp[36];
static struct mbi_module mods[2] = {
	{ 0x7000000, 0x7000000 + 281264, "kernel name=pv0 mem=32M -- shell" },
	{ 0x6c00000, 0x7000000, "disk" },
};

static void set_desc(int i, uint32_t type, uint64_t start, uint64_t pages)
{
	struct efi_memory_descriptor d = { .type = type,
					   .phys_start = start,
					   .num_pages = pages };

	memset(map + i * DESC_SIZE, 0xee, DESC_SIZE);
	memcpy(map + i * DESC_SIZE, &d, sizeof(d));
}

static struct mbi_input sample(void)
{
	struct mbi_input in = {
		.cmdline = "loglevel=info console=serial",
		.loader = "hv.efi",
		.mods = mods,
		.nr_mods = 2,
		.efi_map = map,
		.efi_map_size = sizeof(map),
		.efi_desc_size = DESC_SIZE,
		.efi_desc_version = 1,
		.has_fb = true,
		.fb = { .addr = 0x80000000,
			.pitch = 3200,
			.width = 800,
			.height = 600,
			.bpp = 32,
			.red_pos = 16,
			.red_size = 8,
			.green_pos = 8,
			.green_size = 8,
			.blue_pos = 0,
			.blue_size = 8 },
		.rsdp_new = rsdp,
		.rsdp_new_len = sizeof(rsdp),
		.efi_system_table = 0xfe00000,
	};

	set_desc(0, EFI_BOOT_SERVICES_CODE, 0, 160);		/* 0-640K */
	set_desc(1, 0 /* reserved */, 0xa0000, 96);		/* 640K-1M */
	set_desc(2, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x7f00); /* -128M */
	set_desc(3, 9 /* ACPI reclaim */, 0x8000000, 16);
	for (unsigned i = 0; i < sizeof(rsdp); i++)
		rsdp[i] = (uint8_t)(i * 7 + 1);
	memcpy(rsdp, "RSD PTR ", 8);
	return in;
}

static size_t build(const struct mbi_input *in, uint8_t **out)
{
	size_t cap = mbi_size_bound(in, in->efi_map_size);
	uint8_t *buf = aligned_alloc(8, (cap + 7) & ~(size_t)7);
	size_t n = mbi_build(buf, cap, in);

	*out = buf;
	return n;
}

static const uint8_t *find_tag(const uint8_t *buf, uint32_t type)
{
	uint32_t total, off = 8;

	memcpy(&total, buf, 4);
	while (off + 8 <= total) {
		uint32_t t, size;
		memcpy(&t, buf + off, 4);
		memcpy(&size, buf + off + 4, 4);
		if (t == type)
			return buf + off;
		if (t == MB2_TAG_END)
			break;
		off += (size + 7) & ~7u;
	}
	return NULL;
}

static void test_block_parses_back(void **state)
{
	struct mbi_input in = sample();
	char err[128] = "";
	uint8_t *buf;
	size_t n = build(&in, &buf);

	assert_true(n > 0);
	if (!mb2_parse(buf, n, &bi, err, sizeof(err)))
		fail_msg("mb2_parse: %s", err);
	assert_string_equal(bi.loader, "hv.efi");
	assert_string_equal(bi.cmdline, "loglevel=info console=serial");
	assert_true(bi.efi);
	assert_int_equal(bi.nr_mods, 2);
	assert_int_equal(bi.mods[0].start, 0x7000000);
	assert_int_equal(bi.mods[0].end, 0x7000000 + 281264);
	assert_string_equal(bi.mods[0].string,
			    "kernel name=pv0 mem=32M -- shell");
	assert_string_equal(bi.mods[1].string, "disk");
	/* Both maps: the E820-style one is used, the EFI one counted. */
	assert_int_equal(bi.mem_source, MEMMAP_BIOS);
	assert_int_equal(bi.nr_efi_descriptors, 4);
	assert_int_equal(bi.nr_mem, 4);
	assert_int_equal(bi.mem[0].type, MEM_USABLE); /* boot services code */
	assert_int_equal(bi.mem[0].len, 640 * 1024);
	assert_int_equal(bi.mem[1].type, MEM_RESERVED);
	assert_int_equal(bi.mem[2].base, 0x100000);
	assert_int_equal(bi.mem[2].len, 0x7f00ull << 12);
	assert_int_equal(bi.mem[3].type, MEM_ACPI);
	/* The framebuffer and the ACPI 2.0 RSDP, whole. */
	assert_true(bi.has_fb);
	assert_int_equal(bi.fb_addr, 0x80000000);
	assert_int_equal(bi.fb_pitch, 3200);
	assert_int_equal(bi.fb_width, 800);
	assert_int_equal(bi.fb_height, 600);
	assert_int_equal(bi.fb_bpp, 32);
	assert_int_equal(bi.fb_type, MB2_FB_TYPE_RGB);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, rsdp, 36);
	free(buf);
}

/* The colour fields follow the common part of the framebuffer tag, in
 * the order red, green, blue, position before size (Multiboot2 3.6.12). */
static void test_framebuffer_colour_fields(void **state)
{
	struct mbi_input in = sample();
	uint8_t *buf;
	const uint8_t *t;
	uint32_t size;
	const uint8_t want[6] = { 16, 8, 8, 8, 0, 8 };

	assert_true(build(&in, &buf) > 0);
	t = find_tag(buf, MB2_TAG_FRAMEBUFFER);
	assert_non_null(t);
	memcpy(&size, t + 4, 4);
	assert_int_equal(size, 32 + 6);
	assert_memory_equal(t + 32, want, 6);
	free(buf);
}

/* The old RSDP tag carries the first 20 bytes of the 2.0 RSDP when the
 * firmware has only that; the system table goes in the EFI64 tag; no
 * "boot services not terminated" tag, since hv.efi exits them. */
static void test_acpi_and_efi_tags(void **state)
{
	struct mbi_input in = sample();
	uint8_t *buf;
	const uint8_t *t;
	uint64_t st;
	uint32_t size;

	assert_true(build(&in, &buf) > 0);
	t = find_tag(buf, MB2_TAG_ACPI_OLD);
	assert_non_null(t);
	memcpy(&size, t + 4, 4);
	assert_int_equal(size, 8 + 20);
	assert_memory_equal(t + 8, rsdp, 20);
	t = find_tag(buf, MB2_TAG_EFI64);
	assert_non_null(t);
	memcpy(&st, t + 8, 8);
	assert_int_equal(st, 0xfe00000);
	assert_null(find_tag(buf, MB2_TAG_EFI_BS));
	t = find_tag(buf, MB2_TAG_EFI_MMAP);
	assert_non_null(t);
	memcpy(&size, t + 8, 4);
	assert_int_equal(size, DESC_SIZE);
	free(buf);
}

static void test_no_fb_no_acpi(void **state)
{
	struct mbi_input in = sample();
	char err[128] = "";
	uint8_t *buf;
	size_t n;

	in.has_fb = false;
	in.rsdp_new = NULL;
	in.rsdp_new_len = 0;
	n = build(&in, &buf);
	assert_true(n > 0);
	assert_true(mb2_parse(buf, n, &bi, err, sizeof(err)));
	assert_false(bi.has_fb);
	assert_int_equal(bi.rsdp_len, 0);
	free(buf);
}

/* The bound is enough, exactly; one byte less and the build says so
 * instead of writing past the buffer. */
static void test_bound_is_enough(void **state)
{
	struct mbi_input in = sample();
	size_t cap = mbi_size_bound(&in, in.efi_map_size);
	uint8_t *buf = malloc(cap);
	size_t n = mbi_build(buf, cap, &in);

	assert_true(n > 0 && n <= cap);
	free(buf);
	buf = malloc(n - 1);
	assert_int_equal(mbi_build(buf, n - 1, &in), 0);
	free(buf);
}

static void test_mask_fields(void **state)
{
	uint8_t pos, size;

	assert_true(mbi_mask_field(0x00ff0000, &pos, &size));
	assert_int_equal(pos, 16);
	assert_int_equal(size, 8);
	assert_true(mbi_mask_field(0xf800, &pos, &size)); /* RGB565 red */
	assert_int_equal(pos, 11);
	assert_int_equal(size, 5);
	assert_false(mbi_mask_field(0, &pos, &size));
	assert_false(mbi_mask_field(0x0f0f, &pos, &size));
}

/* ---- elfseg_read: an ELF image built here, then broken. ---- */

struct elf_file {
	Elf32_Ehdr h;
	Elf32_Phdr ph[3];
	uint8_t body[0x3000];
};

static struct elf_file elf;

static void make_elf(void)
{
	memset(&elf, 0, sizeof(elf));
	memcpy(elf.h.e_ident, ELFMAG, SELFMAG);
	elf.h.e_ident[EI_CLASS] = ELFCLASS32;
	elf.h.e_ident[EI_DATA] = ELFDATA2LSB;
	elf.h.e_type = ET_EXEC;
	elf.h.e_machine = EM_386;
	elf.h.e_entry = 0x100048;
	elf.h.e_phoff = offsetof(struct elf_file, ph);
	elf.h.e_phentsize = sizeof(Elf32_Phdr);
	elf.h.e_phnum = 3;
	/* Code at 1 MiB, then a Switcher-like segment linked high but
	 * stored after it, then a GNU_STACK header to skip. */
	elf.ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD,
				  .p_offset = 0x1000,
				  .p_vaddr = 0x100000,
				  .p_paddr = 0x100000,
				  .p_filesz = 0x1000,
				  .p_memsz = 0x5000 };
	elf.ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD,
				  .p_offset = 0x2000,
				  .p_vaddr = 0xffc00000,
				  .p_paddr = 0x105000,
				  .p_filesz = 0x1000,
				  .p_memsz = 0x1000 };
	elf.ph[2] = (Elf32_Phdr){ .p_type = PT_GNU_STACK };
}

static bool read_elf(size_t len, struct elfseg_image *img, const char **why)
{
	uint8_t *copy = malloc(len);
	bool ok;

	memcpy(copy, &elf, len);
	ok = elfseg_read(copy, len, img, why);
	free(copy);
	return ok;
}

static void elf_refused(size_t len, const char *what)
{
	struct elfseg_image img;
	const char *why = "";

	assert_false(read_elf(len, &img, &why));
	if (!strstr(why, what))
		fail_msg("refused with '%s', wanted '%s'", why, what);
}

static void test_elf_good(void **state)
{
	struct elfseg_image img;
	const char *why = "";

	make_elf();
	assert_true(read_elf(sizeof(elf), &img, &why));
	assert_int_equal(img.nr_seg, 2);
	assert_int_equal(img.entry, 0x100048);
	assert_int_equal(img.seg[0].paddr, 0x100000);
	assert_int_equal(img.seg[0].memsz, 0x5000);
	assert_int_equal(img.seg[1].paddr, 0x105000);
	assert_int_equal(img.seg[1].offset, 0x2000);
}

static void test_elf_bad(void **state)
{
	size_t body = offsetof(struct elf_file, body);

	make_elf();
	elf_refused(0x3000 - 1, "past the end of the file"); /* segment 1 */
	elf_refused(body - 1, "program headers past the end");
	elf_refused(10, "too small");
	make_elf();
	elf.h.e_ident[EI_CLASS] = ELFCLASS64;
	elf_refused(sizeof(elf), "not a 32-bit x86 ELF");
	make_elf();
	elf.h.e_ident[0] = 'x';
	elf_refused(sizeof(elf), "not an ELF file");
	make_elf();
	elf.ph[1].p_paddr = 0x104000; /* inside the first */
	elf_refused(sizeof(elf), "overlapping");
	make_elf();
	/* The first ends at 4 GiB exactly, so its end is 0 in 32 bits: the
	 * second, below it, is still out of order. */
	elf.ph[0].p_paddr = elf.ph[0].p_vaddr = 0xfffff000;
	elf.ph[0].p_memsz = 0x1000;
	elf_refused(sizeof(elf), "out of order");
	make_elf();
	elf.ph[0].p_filesz = 0x6000;
	elf_refused(sizeof(elf), "more file bytes than memory");
	make_elf();
	elf.ph[1].p_paddr = 0xfffff000;
	elf.ph[1].p_memsz = 0x2000;
	elf_refused(sizeof(elf), "past 4 GiB");
	make_elf();
	elf.h.e_entry = 0xffc00000; /* linked high: not where it runs */
	elf_refused(sizeof(elf), "entry point");
	make_elf();
	elf.h.e_phoff = 0xfffffff0;
	elf_refused(sizeof(elf), "program headers past the end");
	make_elf();
	elf.ph[0].p_offset = 0xfffff800; /* offset + filesz wraps */
	elf_refused(sizeof(elf), "past the end of the file");
}

/* ---- efimap_reclaimable over sample()'s map: 0-640K boot services
 * code, 640K-1M reserved, 1M-128M free, then 64K of ACPI tables. ---- */
static void test_reclaimable(void **state)
{
	sample();
	/* Inside one descriptor, free or boot-time: yes. */
	assert_true(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x1000,
				       0x9f000));
	assert_true(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x100000,
				       0x200000));
	/* Reserved, or ACPI, anywhere in the range: no. */
	assert_false(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x9f000,
					0xa1000));
	assert_false(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x7fff000,
					0x8001000));
	/* Across two reclaimable descriptors: yes; past the map's end: no
	 * (memory the map does not list is not RAM we may use). */
	set_desc(1, EFI_BOOT_SERVICES_DATA, 0xa0000, 96);
	assert_true(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x90000,
				       0x110000));
	assert_false(efimap_reclaimable(map, 3 * DESC_SIZE, DESC_SIZE,
					0x7ff0000, 0x8010000));
	/* Our own memory (the loader's) is not the firmware's to give. */
	set_desc(2, EFI_LOADER_DATA, 0x100000, 0x7f00);
	assert_false(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x100000,
					0x101000));
	/* A descriptor that wraps makes the map suspect: no, though the
	 * range itself is free.  An empty range, a short stride: no. */
	set_desc(2, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x7f00);
	assert_true(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x100000,
				       0x101000));
	set_desc(3, EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000ull, 2);
	assert_false(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x100000,
					0x101000));
	assert_false(efimap_reclaimable(map, sizeof(map), DESC_SIZE, 0x2000,
					0x2000));
	assert_false(efimap_reclaimable(map, sizeof(map), 8, 0x1000, 0x2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_parses_back),
		cmocka_unit_test(test_framebuffer_colour_fields),
		cmocka_unit_test(test_acpi_and_efi_tags),
		cmocka_unit_test(test_no_fb_no_acpi),
		cmocka_unit_test(test_bound_is_enough),
		cmocka_unit_test(test_mask_fields),
		cmocka_unit_test(test_elf_good),
		cmocka_unit_test(test_elf_bad),
		cmocka_unit_test(test_reclaimable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
