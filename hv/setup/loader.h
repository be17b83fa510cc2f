/*
 * loader.h - puts a guest kernel, its initrd and its zero page into guest
 * RAM, as the lguest ABI's "Loading and entry" section describes.
 *
 * Pure logic: guest RAM is a plain buffer (guest-physical address X is
 * ram[X]) and the images are buffers too, so all of it runs in host unit
 * tests.  The images come from whoever wrote the boot configuration and
 * are treated as hostile: every offset and size in them is checked, with
 * 64-bit arithmetic where a sum could wrap, before anything is read or
 * written.  Every function returns true, or false with a one-line reason in
 * err (truncated to errlen; err may be NULL when errlen is 0).
 *
 * Order of use: loader_load_kernel, then loader_load_initrd (given the
 * kernel's kernel_end), then loader_build_boot_params.  The caller sets
 * the registers: EIP = entry, ESI = LOADER_BOOT_PARAMS_GPA.
 */
#ifndef HV_LOADER_H
#define HV_LOADER_H

#include "hv/lib/lib.h"

/* Fixed places in guest-physical memory (ABI 2.1). */
#define LOADER_BOOT_PARAMS_GPA 0x0u  /* the 4 KiB zero page */
#define LOADER_CMDLINE_GPA 0x1000u   /* directly after it */
#define LOADER_CMDLINE_SIZE 2048u    /* the guest copies this many bytes */
#define LOADER_LOW_END 0x2000u	     /* kernels must not load below this */
#define LOADER_BZIMAGE_GPA 0x100000u /* a bzImage's protected-mode part */
#define LOADER_KERNEL_GPA 0x1000000u /* LOAD_PHYSICAL_ADDR of the guest */
#define LOADER_MIN_VERSION 0x0207u   /* boot protocol with subarch */

enum loader_kind {
	LOADER_BZIMAGE = 1,
	LOADER_ELF = 2,
};

struct guest_image_info {
	uint32_t entry;	     /* guest EIP: code32_start or e_entry */
	uint32_t kind;	     /* enum loader_kind */
	uint32_t load_start; /* [load_start, load_end): GPAs written now */
	uint32_t load_end;
	/*
	 * End of all memory the kernel occupies before its own allocator
	 * runs.  For a bzImage this includes the decompressor's buffer
	 * [pref_address, pref_address + init_size), which the loader does
	 * not write but which an initrd must not overlap.
	 */
	uint32_t kernel_end;
};

/*
 * Recognises a bzImage ("HdrS" at 0x202, boot protocol >= 2.07) or a
 * 32-bit i386 ET_EXEC ELF, checks that it fits in ram_size bytes, and
 * copies it in.  Bytes outside what it reports in *out are not touched.
 */
bool __must_check loader_load_kernel(uint8_t *ram, uint32_t ram_size,
				     const uint8_t *image, uint32_t len,
				     struct guest_image_info *out, char *err,
				     size_t errlen);

/*
 * Copies an initrd to the top of RAM, page aligned (ABI 2.1), zeroing the
 * padding up to ram_size, and returns its GPA in *gpa_out.  Refuses an
 * empty initrd, one above half of RAM (the guest would panic) and one that
 * would overlap [0, kernel_end).
 */
bool __must_check loader_load_initrd(uint8_t *ram, uint32_t ram_size,
				     uint32_t kernel_end, const uint8_t *initrd,
				     uint32_t len, uint32_t *gpa_out, char *err,
				     size_t errlen);

/*
 * Writes the zero page at GPA 0 and the command line at GPA 0x1000 (ABI
 * 2.4).  bzimage is the bzImage file when the kernel is one (its setup
 * header is copied in first), else NULL.  cmdline may be NULL (empty).
 * initrd_len == 0 means no initrd.
 */
bool __must_check loader_build_boot_params(uint8_t *ram, uint32_t ram_size,
					   const uint8_t *bzimage,
					   uint32_t bzlen, const char *cmdline,
					   uint32_t initrd_gpa,
					   uint32_t initrd_len, char *err,
					   size_t errlen);

#endif
