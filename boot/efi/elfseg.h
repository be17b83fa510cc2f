/*
 * elfseg.h - the hypervisor's ELF file read for what a loader needs:
 * its PT_LOAD segments (where each goes in physical memory) and its entry.
 * Pure C on a buffer, unit-tested with tests/unit/test_efi_loader.c.
 */
#ifndef HV_BOOT_EFI_ELFSEG_H
#define HV_BOOT_EFI_ELFSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELFSEG_MAX 8

struct elfseg {
	uint32_t paddr;		/* where its bytes go */
	uint32_t offset;	/* where they are in the file */
	uint32_t filesz, memsz; /* memsz - filesz bytes of zeros follow */
};

struct elfseg_image {
	struct elfseg seg[ELFSEG_MAX];
	unsigned nr_seg;
	uint32_t entry; /* physical, inside a segment loaded where it runs */
};

/* Check the ELF image of `len` bytes and fill *out: a 32-bit x86
 * executable whose segments lie inside the file, below 4 GiB, in order
 * and apart.  Returns false with the reason in *why. */
bool elfseg_read(const void *img, size_t len, struct elfseg_image *out,
		 const char **why);

#endif
