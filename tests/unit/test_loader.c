/*
 * test_loader.c - the guest kernel/initrd/zero-page loader, against
 * images crafted here: a minimal bzImage and ELF, and broken variants of
 * each for every refusal.  Image buffers are allocated at exactly their
 * length so AddressSanitizer catches any read past the end.  Zero-page
 * fields are read back by the offsets in ABI 2.4, not through the struct,
 * so a layout mistake cannot hide behind the same header on both sides.
 */
/*
 * The runner takes the rest of the next line as the sources to link, so
 * it must not end with the comment's closing mark.
 * UNIT_SOURCES: hv/setup/loader.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>

#include "hv/setup/loader.h"

#define RAM_BZ MiB(32)
#define RAM_ELF MiB(4)
#define STALE 0xAA /* what "old" RAM holds before a load */

static char err[256];

/* ---- Little-endian field access, as the guest sees memory. ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t *new_ram(uint32_t size)
{
	uint8_t *ram = malloc(size);

	assert_non_null(ram);
	memset(ram, STALE, size);
	return ram;
}

/* An exact-size copy, so ASan sees the true end of a hostile image. */
static uint8_t *exact(const uint8_t *buf, uint32_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, buf, len);
	return p;
}

static void check_refused(bool ok, const char *phrase)
{
	if (ok)
		fail_msg("accepted; expected a refusal mentioning \"%s\"",
			 phrase);
	if (!strstr(err, phrase))
		fail_msg("message \"%s\" lacks \"%s\"", err, phrase);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

/* ---- A minimal bzImage: boot sector, setup sectors, payload. ---- */

struct bz_spec {
	uint8_t setup_sects; /* as stored; 0 means 4 */
	uint32_t payload;    /* bytes after the setup part */
	uint16_t version;
	uint8_t hdr_len; /* byte at 0x201: header end is 0x202 + this */
	uint32_t init_size;
	uint64_t pref;
	uint32_t code32;
};

static const struct bz_spec bz_default = {
	.setup_sects = 2,
	.payload = 0x3000,
	.version = 0x020d,
	.hdr_len = 0x66, /* ends at 0x268, as in Linux 4.9 */
	.init_size = 0x400000,
	.pref = 0x1000000,
	.code32 = 0x100000,
};

static uint32_t bz_setup_len(const struct bz_spec *s)
{
	return ((s->setup_sects ? s->setup_sects : 4) + 1u) * 512;
}

static uint8_t bz_payload_byte(uint32_t i)
{
	return (uint8_t)(i * 13 + 5);
}

static uint8_t *make_bz(const struct bz_spec *s, uint32_t *len)
{
	uint32_t setup = bz_setup_len(s), i;
	uint8_t *b;

	*len = setup + s->payload;
	b = calloc(1, *len);
	assert_non_null(b);
	b[0x1F1] = s->setup_sects;
	put16(b + 0x1FE, 0xAA55);
	b[0x200] = 0xEB;
	b[0x201] = s->hdr_len;
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, s->version);
	b[0x211] = 0x81; /* LOADED_HIGH | CAN_USE_HEAP */
	put32(b + 0x214, s->code32);
	put16(b + 0x224, 0x1234);     /* heap_end_ptr: loader-owned */
	put32(b + 0x230, 0x200000);   /* kernel_alignment */
	put64(b + 0x250, 0xdeadbeef); /* setup_data: loader-owned */
	put64(b + 0x258, s->pref);
	put32(b + 0x260, s->init_size);
	for (i = 0; i < s->payload; i++)
		b[setup + i] = bz_payload_byte(i);
	return b;
}

static bool load_bz(const struct bz_spec *s, uint8_t *ram, uint32_t ram_size,
		    struct guest_image_info *info)
{
	uint32_t len;
	uint8_t *img = make_bz(s, &len);
	bool ok = loader_load_kernel(ram, ram_size, img, len, info, err,
				     sizeof(err));

	free(img);
	return ok;
}

static void bz_valid(void **state)
{
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;
	uint32_t i;

	assert_true(load_bz(&bz_default, ram, RAM_BZ, &info));
	assert_int_equal(info.kind, LOADER_BZIMAGE);
	assert_int_equal(info.entry, 0x100000);
	assert_int_equal(info.load_start, 0x100000);
	assert_int_equal(info.load_end, 0x103000);
	assert_int_equal(info.kernel_end, 0x1400000);
	for (i = 0; i < bz_default.payload; i++)
		assert_int_equal(ram[0x100000 + i], bz_payload_byte(i));
	/* Nothing outside the payload was written. */
	assert_int_equal(ram[0xFFFFF], STALE);
	assert_int_equal(ram[0x103000], STALE);
	assert_int_equal(ram[0], STALE);
	free(ram);
}

static void bz_setup_sects_zero_means_four(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	s.setup_sects = 0;
	assert_true(load_bz(&s, ram, RAM_BZ, &info));
	/* Payload taken from 5 * 512, not from 1 * 512. */
	assert_int_equal(ram[0x100000], bz_payload_byte(0));
	assert_int_equal(ram[0x100001], bz_payload_byte(1));
	assert_int_equal(info.load_end, 0x103000);
	free(ram);
}

static void bz_old_header_without_init_size(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	/* Protocol 2.07: init_size and pref_address do not exist yet, so
	 * the values left in those bytes must be ignored. */
	s.version = 0x0207;
	s.hdr_len = 0x30;
	s.init_size = 0x7fffffff;
	assert_true(load_bz(&s, ram, RAM_BZ, &info));
	assert_int_equal(info.kernel_end, 0x1000000);
	free(ram);
}

static void bz_too_short(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	s.payload = 0;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "too short");
	/* setup_sects = 255 claims 128 KiB of setup in a small file. */
	s = bz_default;
	s.setup_sects = 255;
	s.payload = 0;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "too short");
	assert_int_equal(info.entry, 0);
	assert_int_equal(info.kind, 0);
	free(ram);
}

static void bz_truncated_header(void **state)
{
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;
	uint32_t len;
	uint8_t *img = make_bz(&bz_default, &len);
	uint8_t *cut = exact(img, 0x206);

	/* The magic is there but the version is cut off: not a kernel. */
	check_refused(loader_load_kernel(ram, RAM_BZ, cut, 0x206, &info, err,
					 sizeof(err)),
		      "not a bzImage or ELF kernel");
	free(cut);
	cut = exact(img, 0x300);
	check_refused(loader_load_kernel(ram, RAM_BZ, cut, 0x300, &info, err,
					 sizeof(err)),
		      "too short");
	free(cut);
	free(img);
	free(ram);
}

static void bz_old_protocol(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	s.version = 0x0206;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "2.06");
	assert_true(all_bytes(ram + 0x100000, 0x3000, STALE));
	free(ram);
}

static void bz_payload_too_big(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(MiB(2));
	struct guest_image_info info;

	s.payload = MiB(1) + 1;
	check_refused(load_bz(&s, ram, MiB(2), &info),
		      "needs 3 MiB of guest RAM");
	free(ram);
}

static void bz_init_size_too_big(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(MiB(16));
	struct guest_image_info info;

	/* 0x1000000 + 0x352000 = 19.3 MiB, rounded up to 20. */
	s.init_size = 0x352000;
	check_refused(load_bz(&s, ram, MiB(16), &info),
		      "needs 20 MiB of guest RAM");
	assert_non_null(strstr(err, "has 16 MiB"));
	/* Exactly enough is enough. */
	s.init_size = 0x100000;
	free(ram);
	ram = new_ram(MiB(17));
	assert_true(load_bz(&s, ram, MiB(17), &info));
	assert_int_equal(info.kernel_end, MiB(17));
	free(ram);
}

static void bz_hostile_sizes(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	/* pref_address + init_size would wrap in 64 or 32 bits. */
	s.pref = 0xfffffffffffff000ull;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "needs");
	s.pref = 0xfffff000;
	s.init_size = 0x2000;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "needs");
	s = bz_default;
	s.init_size = 0xffffffff;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "needs");
	free(ram);
}

static void bz_entry_outside_payload(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;

	s.code32 = 0x103000;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "entry point");
	s.code32 = 0xFFFFF;
	check_refused(load_bz(&s, ram, RAM_BZ, &info), "entry point");
	s.code32 = 0x102FFF;
	assert_true(load_bz(&s, ram, RAM_BZ, &info));
	assert_int_equal(info.entry, 0x102FFF);
	free(ram);
}

/* ---- A minimal ELF: header, program headers, file data. ---- */

#define ELF_LEN 0x3000u

static uint8_t elf_byte(uint32_t off)
{
	return (uint8_t)(off * 7 + 1);
}

static void elf_default(Elf32_Ehdr *eh, Elf32_Phdr ph[3])
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x100010;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 3;

	memset(ph, 0, 3 * sizeof(*ph));
	/* Text: a page of file data. */
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = 0x1000;
	ph[0].p_filesz = 0x1000;
	ph[0].p_paddr = 0x100000;
	ph[0].p_vaddr = 0xC0100000;
	ph[0].p_memsz = 0x1000;
	/* Not loaded: must be ignored even though it points nowhere. */
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = 0xfffffff0;
	ph[1].p_filesz = 0x100;
	/* Data and BSS. */
	ph[2].p_type = PT_LOAD;
	ph[2].p_offset = 0x2000;
	ph[2].p_filesz = 0x800;
	ph[2].p_paddr = 0x200000;
	ph[2].p_vaddr = 0xC0200000;
	ph[2].p_memsz = 0x3000;
}

/* The image bytes: a pattern, the header, and the program headers where
 * e_phoff says (if they fit in len). */
static uint8_t *make_elf(const Elf32_Ehdr *eh, const Elf32_Phdr *ph,
			 uint32_t nph, uint32_t len)
{
	uint8_t *b = malloc(len);
	uint32_t i;

	assert_non_null(b);
	for (i = 0; i < len; i++)
		b[i] = elf_byte(i);
	memcpy(b, eh, MIN(len, (uint32_t)sizeof(*eh)));
	if ((uint64_t)eh->e_phoff + nph * sizeof(*ph) <= len)
		memcpy(b + eh->e_phoff, ph, nph * sizeof(*ph));
	return b;
}

static bool load_elf_img(const Elf32_Ehdr *eh, const Elf32_Phdr *ph,
			 uint32_t len, uint8_t *ram, uint32_t ram_size,
			 struct guest_image_info *info)
{
	uint8_t *img = make_elf(eh, ph, 3, len);
	bool ok = loader_load_kernel(ram, ram_size, img, len, info, err,
				     sizeof(err));

	free(img);
	return ok;
}

static void elf_valid(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];
	uint32_t i;

	elf_default(&eh, ph);
	assert_true(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info));
	assert_int_equal(info.kind, LOADER_ELF);
	assert_int_equal(info.entry, 0x100010);
	assert_int_equal(info.load_start, 0x100000);
	assert_int_equal(info.load_end, 0x203000);
	assert_int_equal(info.kernel_end, 0x203000);
	for (i = 0; i < 0x1000; i++)
		assert_int_equal(ram[0x100000 + i], elf_byte(0x1000 + i));
	for (i = 0; i < 0x800; i++)
		assert_int_equal(ram[0x200000 + i], elf_byte(0x2000 + i));
	/* BSS cleared even though RAM held old data. */
	assert_true(all_bytes(ram + 0x200800, 0x2800, 0));
	/* Only the segments were written. */
	assert_int_equal(ram[0xFFFFF], STALE);
	assert_int_equal(ram[0x101000], STALE);
	assert_int_equal(ram[0x203000], STALE);
	assert_true(all_bytes(ram, 0x2000, STALE));
	free(ram);
}

static void elf_bad_ident(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "64-bit");
	eh.e_ident[EI_CLASS] = ELFCLASSNONE;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "class");
	elf_default(&eh, ph);
	eh.e_ident[EI_DATA] = ELFDATA2MSB;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "little-endian");
	elf_default(&eh, ph);
	eh.e_type = ET_DYN;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "ET_EXEC");
	elf_default(&eh, ph);
	eh.e_machine = EM_X86_64;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "not i386");
	elf_default(&eh, ph);
	eh.e_phentsize = 40;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "program header size");
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	free(ram);
}

static void elf_too_short(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];
	uint8_t *img, *cut;

	elf_default(&eh, ph);
	img = make_elf(&eh, ph, 3, ELF_LEN);
	cut = exact(img, 4);
	check_refused(loader_load_kernel(ram, RAM_ELF, cut, 4, &info, err,
					 sizeof(err)),
		      "too short");
	free(cut);
	cut = exact(img, sizeof(eh) - 1);
	check_refused(loader_load_kernel(ram, RAM_ELF, cut, sizeof(eh) - 1,
					 &info, err, sizeof(err)),
		      "too short");
	free(cut);
	free(img);
	free(ram);
}

static void elf_phdrs_outside_file(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	eh.e_phoff = ELF_LEN - 2 * sizeof(Elf32_Phdr);
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "program headers");
	/* e_phoff + size wraps in 32 bits. */
	eh.e_phoff = 0xFFFFFFF0;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "program headers");
	elf_default(&eh, ph);
	eh.e_phnum = 0xFFFF;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "program headers");
	free(ram);
}

static void elf_segment_outside_file(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	ph[2].p_filesz = 0x1001;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "outside the 12288-byte file");
	elf_default(&eh, ph);
	ph[2].p_offset = 0xFFFFFFFF; /* + filesz wraps in 32 bits */
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "outside the");
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	free(ram);
}

static void elf_filesz_over_memsz(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	ph[2].p_memsz = 0x7FF;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "exceeds memory size");
	ph[2].p_memsz = 0;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "exceeds memory size");
	free(ram);
}

static void elf_segment_outside_ram(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	ph[2].p_paddr = RAM_ELF - 0x2FFF;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "outside the 4 MiB of guest RAM");
	/* p_paddr + p_memsz wraps to a small number in 32 bits. */
	ph[2].p_paddr = 0xFFFFF000;
	ph[2].p_memsz = 0x2000;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "outside the 4 MiB of guest RAM");
	/* A segment ending exactly at the top of RAM is fine. */
	ph[2].p_paddr = RAM_ELF - 0x3000;
	ph[2].p_memsz = 0x3000;
	assert_true(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info));
	assert_int_equal(info.load_end, RAM_ELF);
	free(ram);
}

static void elf_segment_over_zero_page(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	ph[2].p_paddr = 0x1FFF;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "zero page");
	ph[2].p_paddr = 0;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "zero page");
	ph[2].p_paddr = 0x2000;
	assert_true(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info));
	assert_int_equal(info.load_start, 0x2000);
	free(ram);
}

static void elf_entry_outside(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	eh.e_entry = 0xC0100000; /* virtual, not physical */
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "entry point 0xc0100000");
	eh.e_entry = 0x200800; /* in the BSS: zeroes, not code */
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "entry point");
	eh.e_entry = 0x101000;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "entry point");
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	eh.e_entry = 0x2007FF;
	assert_true(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info));
	free(ram);
}

static void elf_no_load_segments(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	elf_default(&eh, ph);
	eh.e_phnum = 0;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "no PT_LOAD");
	elf_default(&eh, ph);
	ph[0].p_type = PT_NOTE;
	ph[2].p_type = PT_GNU_STACK;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "no PT_LOAD");
	/* Empty PT_LOADs load nothing, so they do not count. */
	elf_default(&eh, ph);
	memset(&ph[0], 0, sizeof(ph[0]));
	memset(&ph[2], 0, sizeof(ph[2]));
	ph[0].p_type = PT_LOAD;
	ph[2].p_type = PT_LOAD;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "no PT_LOAD");
	free(ram);
}

static void elf_refused_leaves_ram_alone(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	Elf32_Ehdr eh;
	Elf32_Phdr ph[3];

	/* The first segment is good; the last is not.  Nothing at all may
	 * be written. */
	elf_default(&eh, ph);
	ph[2].p_paddr = RAM_ELF;
	check_refused(load_elf_img(&eh, ph, ELF_LEN, ram, RAM_ELF, &info),
		      "outside");
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	assert_int_equal(info.kind, 0);
	free(ram);
}

static void neither_format(void **state)
{
	static const uint8_t junk[0x400] = { 'M', 'Z' };
	uint8_t *ram = new_ram(RAM_ELF);
	struct guest_image_info info;
	uint8_t *img = exact(junk, sizeof(junk));

	check_refused(loader_load_kernel(ram, RAM_ELF, img, sizeof(junk), &info,
					 err, sizeof(err)),
		      "not a bzImage or ELF kernel");
	check_refused(loader_load_kernel(ram, RAM_ELF, img, 0, &info, err,
					 sizeof(err)),
		      "not a bzImage or ELF kernel");
	check_refused(loader_load_kernel(ram, RAM_ELF, NULL, 0, &info, err,
					 sizeof(err)),
		      "not a bzImage or ELF kernel");
	/* No message buffer at all is allowed too. */
	assert_false(loader_load_kernel(ram, RAM_ELF, img, sizeof(junk), &info,
					NULL, 0));
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	free(img);
	free(ram);
}

/* ---- initrd ---- */

static void initrd_valid(void **state)
{
	uint8_t *ram = new_ram(MiB(8));
	uint8_t data[5000];
	uint8_t *img;
	uint32_t gpa = 1, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	img = exact(data, sizeof(data));
	assert_true(loader_load_initrd(ram, MiB(8), 0x203000, img, sizeof(data),
				       &gpa, err, sizeof(err)));
	/* M - align4K(5000) = M - 8192. */
	assert_int_equal(gpa, MiB(8) - 0x2000);
	assert_memory_equal(ram + gpa, data, sizeof(data));
	assert_true(
		all_bytes(ram + gpa + sizeof(data), 0x2000 - sizeof(data), 0));
	assert_int_equal(ram[gpa - 1], STALE);
	free(img);

	/* A page-multiple length sits flush with the top. */
	img = exact(data, 4096);
	assert_true(loader_load_initrd(ram, MiB(8), 0x203000, img, 4096, &gpa,
				       err, sizeof(err)));
	assert_int_equal(gpa, MiB(8) - 0x1000);
	free(img);
	free(ram);
}

static void initrd_empty(void **state)
{
	uint8_t *ram = new_ram(MiB(8));
	uint8_t byte = 1;
	uint32_t gpa = 1;

	check_refused(loader_load_initrd(ram, MiB(8), 0x203000, &byte, 0, &gpa,
					 err, sizeof(err)),
		      "empty");
	assert_int_equal(gpa, 0);
	free(ram);
}

static void initrd_too_large(void **state)
{
	uint8_t *ram = new_ram(MiB(8));
	uint8_t *big = calloc(1, MiB(4));
	uint32_t gpa;

	assert_non_null(big);
	check_refused(loader_load_initrd(ram, MiB(8), 0x203000, big, MiB(4),
					 &gpa, err, sizeof(err)),
		      "initrd too large to handle");
	assert_non_null(strstr(err, "half"));
	/* Clearly under half is fine. */
	assert_true(loader_load_initrd(ram, MiB(8), 0x203000, big, MiB(3), &gpa,
				       err, sizeof(err)));
	assert_int_equal(gpa, MiB(5));
	free(big);
	free(ram);
}

static void initrd_overlaps_kernel(void **state)
{
	uint8_t *ram = new_ram(MiB(8));
	uint8_t *data = calloc(1, MiB(3));
	uint32_t gpa;

	assert_non_null(data);
	/* Lands at 5 MiB; a kernel ending one byte later collides. */
	check_refused(loader_load_initrd(ram, MiB(8), MiB(5) + 1, data, MiB(3),
					 &gpa, err, sizeof(err)),
		      "overlap the kernel");
	assert_true(all_bytes(ram + MiB(5), MiB(3), STALE));
	assert_true(loader_load_initrd(ram, MiB(8), MiB(5), data, MiB(3), &gpa,
				       err, sizeof(err)));
	/* A kernel_end beyond RAM (a caller bug) is refused, not wrapped. */
	check_refused(loader_load_initrd(ram, MiB(8), 0xFFFFFFFF, data, 10,
					 &gpa, err, sizeof(err)),
		      "overlap the kernel");
	free(data);
	free(ram);
}

/* ---- boot_params ---- */

#define ZP 4096

/* Clears the fields the loader is expected to set, so whatever is left
 * must be all zero. */
static void clear_field(uint8_t *zp, uint32_t off, uint32_t size)
{
	memset(zp + off, 0, size);
}

static void check_common_fields(const uint8_t *ram, uint32_t ram_size)
{
	assert_int_equal(ram[0x1E8], 1);
	assert_int_equal(get64(ram + 0x2D0), 0);
	assert_int_equal(get64(ram + 0x2D8), ram_size);
	assert_int_equal(get32(ram + 0x2E0), 1);
	assert_int_equal(ram[0x211] & 0x40, 0x40);
	assert_int_equal(get32(ram + 0x23C), 1);
	assert_int_equal(get32(ram + 0x228), 0x1000);
	assert_int_equal(get32(ram + 0x230), 0x1000000);
	assert_int_equal(get64(ram + 0x058), 0);
	assert_int_equal(get16(ram + 0x040), 0);
	assert_int_equal(ram[0x1EF], 0); /* sentinel: we copied cleanly */
	assert_true(get16(ram + 0x206) >= 0x0207);
}

static void bp_elf_no_initrd(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	uint8_t zp[ZP];

	assert_true(loader_build_boot_params(ram, RAM_ELF, NULL, 0,
					     "console=hvc0 quiet", 0, 0, err,
					     sizeof(err)));
	check_common_fields(ram, RAM_ELF);
	assert_int_equal(get16(ram + 0x206), 0x0207);
	assert_int_equal(ram[0x211], 0x40);
	assert_int_equal(ram[0x210], 0);
	assert_int_equal(get32(ram + 0x218), 0);
	assert_int_equal(get32(ram + 0x21C), 0);
	assert_int_equal(get32(ram + 0x260), 0);
	assert_string_equal((char *)ram + 0x1000, "console=hvc0 quiet");
	assert_true(all_bytes(ram + 0x1000 + 18, 2048 - 18, 0));
	assert_int_equal(ram[0x1800], STALE);

	/* Everything not listed in ABI 2.4 is zero, despite stale RAM. */
	memcpy(zp, ram, ZP);
	clear_field(zp, 0x1E8, 1);
	clear_field(zp, 0x2D0, 20);
	clear_field(zp, 0x206, 2);
	clear_field(zp, 0x211, 1);
	clear_field(zp, 0x23C, 4);
	clear_field(zp, 0x228, 4);
	clear_field(zp, 0x230, 4);
	assert_true(all_bytes(zp, ZP, 0));
	free(ram);
}

static void bp_bzimage_with_initrd(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	uint32_t len;
	uint8_t *img = make_bz(&s, &len);
	uint8_t zp[ZP];

	assert_true(loader_build_boot_params(ram, RAM_BZ, img, len, "",
					     RAM_BZ - 0x3000, 0x2345, err,
					     sizeof(err)));
	check_common_fields(ram, RAM_BZ);
	/* Copied from the image. */
	assert_int_equal(ram[0x1F1], 2);
	assert_int_equal(get16(ram + 0x1FE), 0xAA55);
	assert_memory_equal(ram + 0x202, "HdrS", 4);
	assert_int_equal(get16(ram + 0x206), 0x020d);
	assert_int_equal(get32(ram + 0x214), 0x100000);
	assert_int_equal(get64(ram + 0x258), 0x1000000);
	assert_int_equal(get32(ram + 0x260), 0x400000);
	/* LOADED_HIGH kept, CAN_USE_HEAP dropped with heap_end_ptr. */
	assert_int_equal(ram[0x211], 0x41);
	assert_int_equal(get16(ram + 0x224), 0);
	assert_int_equal(get64(ram + 0x250), 0); /* setup_data */
	/* Ours. */
	assert_int_equal(ram[0x210], 0xFF);
	assert_int_equal(get32(ram + 0x218), RAM_BZ - 0x3000);
	assert_int_equal(get32(ram + 0x21C), 0x2345);
	assert_int_equal(ram[0x1000], 0);

	/* Outside the header, only the listed fields are set. */
	memcpy(zp, ram, ZP);
	clear_field(zp, 0x1F1, 0x268 - 0x1F1);
	clear_field(zp, 0x1E8, 1);
	clear_field(zp, 0x2D0, 20);
	assert_true(all_bytes(zp, ZP, 0));
	free(img);
	free(ram);
}

static void bp_header_length_bounded(void **state)
{
	struct bz_spec s = bz_default;
	uint8_t *ram = new_ram(RAM_BZ);
	uint32_t len;
	uint8_t *img, *cut;

	/* A header claiming to run to 0x301 must not spill past struct
	 * setup_header into the rest of the zero page. */
	s.hdr_len = 0xFF;
	img = make_bz(&s, &len);
	memset(img + 0x26C, 0xEE, 0x301 - 0x26C);
	assert_true(loader_build_boot_params(ram, RAM_BZ, img, len, NULL, 0, 0,
					     err, sizeof(err)));
	assert_true(all_bytes(ram + 0x26C, 0x2D0 - 0x26C, 0));
	assert_int_equal(get32(ram + 0x260), 0x400000);

	/* A file that ends inside its header: copy only what exists. */
	cut = exact(img, 0x220);
	assert_true(loader_build_boot_params(ram, RAM_BZ, cut, 0x220, NULL, 0,
					     0, err, sizeof(err)));
	assert_int_equal(get32(ram + 0x214), 0x100000);
	assert_int_equal(get32(ram + 0x260), 0);
	assert_int_equal(ram[0x211], 0x41);
	free(cut);
	free(img);
	free(ram);
}

static void bp_cmdline_limits(void **state)
{
	uint8_t *ram = new_ram(RAM_ELF);
	char line[2049];

	memset(line, 'x', sizeof(line));
	line[2047] = '\0';
	assert_true(loader_build_boot_params(ram, RAM_ELF, NULL, 0, line, 0, 0,
					     err, sizeof(err)));
	assert_int_equal(hv_strnlen((char *)ram + 0x1000, 2048), 2047);
	assert_int_equal(ram[0x1000 + 2047], 0);

	line[2047] = 'x';
	line[2048] = '\0';
	memset(ram, STALE, 0x2000);
	check_refused(loader_build_boot_params(ram, RAM_ELF, NULL, 0, line, 0,
					       0, err, sizeof(err)),
		      "longer than 2047");
	assert_true(all_bytes(ram, 0x2000, STALE));

	/* No command line: still a valid, empty one at 0x1000. */
	assert_true(loader_build_boot_params(ram, RAM_ELF, NULL, 0, NULL, 0, 0,
					     err, sizeof(err)));
	assert_int_equal(get32(ram + 0x228), 0x1000);
	assert_true(all_bytes(ram + 0x1000, 2048, 0));
	free(ram);
}

static void bp_small_ram(void **state)
{
	uint8_t *ram = new_ram(0x1800);

	check_refused(loader_build_boot_params(ram, 0x17FF, NULL, 0, "a", 0, 0,
					       err, sizeof(err)),
		      "zero page and command line");
	assert_true(loader_build_boot_params(ram, 0x1800, NULL, 0, "a", 0, 0,
					     err, sizeof(err)));
	assert_int_equal(get64(ram + 0x2D8), 0x1800);
	free(ram);
}

static void bp_bad_inputs(void **state)
{
	static const uint8_t junk[0x400] = { 1 };
	uint8_t *ram = new_ram(RAM_ELF);
	uint8_t *img = exact(junk, sizeof(junk));

	check_refused(loader_build_boot_params(ram, RAM_ELF, NULL, 0, "",
					       RAM_ELF - 0x1000, 0x1001, err,
					       sizeof(err)),
		      "initrd");
	check_refused(loader_build_boot_params(ram, RAM_ELF, NULL, 0, "",
					       0xFFFFF000, 0x2000, err,
					       sizeof(err)),
		      "initrd");
	check_refused(loader_build_boot_params(ram, RAM_ELF, NULL, 0, "",
					       0x1000, 0x10, err, sizeof(err)),
		      "initrd");
	check_refused(loader_build_boot_params(ram, RAM_ELF, img, sizeof(junk),
					       "", 0, 0, err, sizeof(err)),
		      "not a bzImage");
	assert_true(all_bytes(ram, RAM_ELF, STALE));
	free(img);
	free(ram);
}

/* Whole sequence as the hypervisor will run it. */
static void full_bzimage_boot(void **state)
{
	uint8_t *ram = new_ram(RAM_BZ);
	struct guest_image_info info;
	uint8_t rd[100] = { 7 };
	uint32_t len, gpa;
	uint8_t *img = make_bz(&bz_default, &len);

	assert_true(loader_load_kernel(ram, RAM_BZ, img, len, &info, err,
				       sizeof(err)));
	assert_true(loader_load_initrd(ram, RAM_BZ, info.kernel_end, rd,
				       sizeof(rd), &gpa, err, sizeof(err)));
	assert_true(loader_build_boot_params(ram, RAM_BZ, img, len,
					     "root=/dev/vda", gpa, sizeof(rd),
					     err, sizeof(err)));
	assert_int_equal(gpa, RAM_BZ - 0x1000);
	assert_int_equal(get32(ram + 0x218), gpa);
	assert_int_equal(ram[gpa], 7);
	assert_int_equal(ram[0x100000], bz_payload_byte(0));
	free(img);
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bz_valid),
		cmocka_unit_test(bz_setup_sects_zero_means_four),
		cmocka_unit_test(bz_old_header_without_init_size),
		cmocka_unit_test(bz_too_short),
		cmocka_unit_test(bz_truncated_header),
		cmocka_unit_test(bz_old_protocol),
		cmocka_unit_test(bz_payload_too_big),
		cmocka_unit_test(bz_init_size_too_big),
		cmocka_unit_test(bz_hostile_sizes),
		cmocka_unit_test(bz_entry_outside_payload),
		cmocka_unit_test(elf_valid),
		cmocka_unit_test(elf_bad_ident),
		cmocka_unit_test(elf_too_short),
		cmocka_unit_test(elf_phdrs_outside_file),
		cmocka_unit_test(elf_segment_outside_file),
		cmocka_unit_test(elf_filesz_over_memsz),
		cmocka_unit_test(elf_segment_outside_ram),
		cmocka_unit_test(elf_segment_over_zero_page),
		cmocka_unit_test(elf_entry_outside),
		cmocka_unit_test(elf_no_load_segments),
		cmocka_unit_test(elf_refused_leaves_ram_alone),
		cmocka_unit_test(neither_format),
		cmocka_unit_test(initrd_valid),
		cmocka_unit_test(initrd_empty),
		cmocka_unit_test(initrd_too_large),
		cmocka_unit_test(initrd_overlaps_kernel),
		cmocka_unit_test(bp_elf_no_initrd),
		cmocka_unit_test(bp_bzimage_with_initrd),
		cmocka_unit_test(bp_header_length_bounded),
		cmocka_unit_test(bp_cmdline_limits),
		cmocka_unit_test(bp_small_ram),
		cmocka_unit_test(bp_bad_inputs),
		cmocka_unit_test(full_bzimage_boot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
