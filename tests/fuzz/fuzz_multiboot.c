/*
 * fuzz_multiboot.c - libFuzzer target for mb2_parse, the Multiboot2
 * information parser (hv/setup/multiboot.c).
 *
 * The boot loader's tag list is the first input the hypervisor trusts
 * nothing about.  The fuzzer's input is the whole information block, in
 * a heap block of its exact size, so ASan sees any byte read past it.
 * Whatever the bytes, mb2_parse must answer true or false, and:
 *
 *   - false comes with a reason: a NUL-terminated, non-empty err;
 *   - true leaves a self-consistent boot_info: counts within their arrays
 *     (and at the limit when "truncated" is said), every module starting
 *     before it ends, every string NUL-terminated inside its array, a
 *     memory map that came from somewhere, regions of known types and
 *     non-zero length, neighbours that add_region would have merged
 *     merged, and an RSDP of at most 36 bytes;
 *   - the answer depends only on the first total_size bytes: parsing a
 *     copy cut to exactly total_size gives the same boot_info and the
 *     same reason, so nothing past the block is read, even in bounds;
 *     without bytes past total_size, parsing twice gives the same answer
 *     (nothing uninitialised is read).
 *
 * Built and run by tests/fuzz.sh; seeds are in tests/fuzz/corpus/multiboot.
 *
 * FUZZ_SOURCES: hv/setup/multiboot.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 4096
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/include/multiboot2.h"
#include "hv/setup/bootinfo.h"

#include "tests/fuzz/fuzz_stubs.h"

/* A NUL inside the array, so every reader of it stops in bounds. */
static bool terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static void check_info(const struct boot_info *bi)
{
	check(terminated(bi->cmdline, sizeof(bi->cmdline)));
	check(terminated(bi->loader, sizeof(bi->loader)));
	check(!bi->cmdline_truncated ||
	      strlen(bi->cmdline) == sizeof(bi->cmdline) - 1);

	check(bi->mem_source == MEMMAP_BIOS || bi->mem_source == MEMMAP_EFI ||
	      bi->mem_source == MEMMAP_BASIC);
	check(bi->mem_source != MEMMAP_BASIC || bi->mem_upper_kib != 0);
	check(bi->mem_source != MEMMAP_EFI || bi->efi);
	check(bi->nr_mem <= BOOT_MAX_MEM_REGIONS);
	check(!bi->mem_truncated || bi->nr_mem == BOOT_MAX_MEM_REGIONS);
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct mem_region *r = &bi->mem[i];

		check(r->len != 0);
		check(r->type >= MEM_USABLE && r->type <= MEM_BAD);
		if (i > 0) /* add_region merges these */
			check(r->type != r[-1].type ||
			      r[-1].base + r[-1].len != r->base);
	}

	check(bi->nr_mods <= BOOT_MAX_MODULES);
	check(!bi->mods_truncated || bi->nr_mods == BOOT_MAX_MODULES);
	for (unsigned i = 0; i < bi->nr_mods; i++) {
		check(bi->mods[i].start <= bi->mods[i].end);
		check(terminated(bi->mods[i].string,
				 sizeof(bi->mods[i].string)));
	}
	check(bi->rsdp_len <= sizeof(bi->rsdp));
}

/* Parse block[0..n) from its own heap copy of exactly n bytes. */
static bool parse(const uint8_t *block, size_t n, struct boot_info *bi,
		  char *err, size_t errlen)
{
	uint8_t *copy = malloc(n ? n : 1);
	bool ok;

	check(copy != NULL);
	memcpy(copy, block, n);
	memset(err, 0x55, errlen);
	ok = mb2_parse(copy, n, bi, err, errlen);
	free(copy);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi, again;
	char err[128], err2[128];
	struct mb2_info_header h;
	bool ok;

	ok = parse(data, size, &bi, err, sizeof(err));
	if (ok) {
		check_info(&bi);
	} else {
		check(terminated(err, sizeof(err)));
		check(err[0] != 0);
	}

	/* Cut to the size the header claims: nothing after it matters.
	 * Without such a tail, the same bytes again must give the same
	 * answer (nothing uninitialised is read).  One of the two, as each
	 * parse clears 40 KiB of boot_info. */
	if (size >= sizeof(h))
		memcpy(&h, data, sizeof(h));
	if (size < sizeof(h) || h.total_size >= size) {
		check(parse(data, size, &again, err2, sizeof(err2)) == ok);
		check(memcmp(&bi, &again, sizeof(bi)) == 0);
		check(ok || strcmp(err, err2) == 0);
		return 0;
	}
	check(parse(data, h.total_size, &again, err2, sizeof(err2)) == ok);
	if (ok)
		check(memcmp(&bi, &again, sizeof(bi)) == 0);
	else if (h.total_size >= 16)
		/* (Below 16 the header itself is refused, either way.) */
		check(strcmp(err, err2) == 0);
	return 0;
}
