/*
 * fuzz_efi_elf.c - libFuzzer target for elfseg_read (boot/efi/elfseg.c),
 * hv.efi's check of the hypervisor's ELF file, which it reads from a
 * FAT partition anyone with the stick can write.  The input is the file.
 *
 * elfseg_read must read nothing past the file (it is copied into a buffer
 * of exactly its size), and on success: 1..ELFSEG_MAX segments, each
 * with filesz <= memsz, its file bytes inside the file, below 4 GiB, in
 * increasing address order without overlap, and the entry point inside
 * one of them; on failure, a reason.
 *
 * Built and run by tests/fuzz.sh.
 *
 * FUZZ_SOURCES: boot/efi/elfseg.c
 * FUZZ_MAX_LEN: 512
 * FUZZ_SEEDS: 7f454c46010101000000000000000000020003000100000048001000340000000000000000000000340020000100000000000000010000005400000000001000000010000c000000001000000700000000100000909090909090909090909090
 */
#include <string.h>

#include "boot/efi/elfseg.h"

#include "tests/fuzz/fuzz_stubs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfseg_image img;
	const char *why = NULL;
	uint8_t *file = malloc(size ? size : 1);
	bool ok, entry_inside = false;

	memcpy(file, data, size);
	ok = elfseg_read(file, size, &img, &why);
	free(file);
	if (!ok) {
		check(why != NULL && why[0] != 0);
		return 0;
	}
	check(img.nr_seg >= 1 && img.nr_seg <= ELFSEG_MAX);
	for (unsigned i = 0; i < img.nr_seg; i++) {
		const struct elfseg *s = &img.seg[i];

		check(s->filesz <= s->memsz && s->memsz > 0);
		check(s->offset <= size && size - s->offset >= s->filesz);
		check((uint64_t)s->paddr + s->memsz <= 0x100000000ull);
		if (i)
			check(s->paddr >= (uint64_t)img.seg[i - 1].paddr +
						  img.seg[i - 1].memsz);
		if (img.entry >= s->paddr && img.entry - s->paddr < s->memsz)
			entry_inside = true;
	}
	check(entry_inside);
	return 0;
}
