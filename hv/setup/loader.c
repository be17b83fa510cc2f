/*
 * loader.c - guest kernel, initrd and zero-page loading (ABI section 2).
 *
 * Everything here works on buffers: no globals, no hardware.  The image
 * formats come from the uapi headers (boot protocol and ELF) so the field
 * offsets are the kernel's own, and image fields are read byte-wise
 * little-endian because a module may sit at any alignment.
 *
 * Images are hostile input.  A size or offset from an image is only used
 * after a check done in 64 bits (so a sum cannot wrap), and nothing is
 * written to guest RAM until the whole image has been checked, so a
 * refused image leaves RAM as it was.
 */
#include <asm/bootparam.h>
#include <elf.h>

#include "hv/setup/loader.h"
#include "hv/lib/lib.h"

_Static_assert(sizeof(struct boot_params) == 4096, "zero page is one page");

/* Offset of a setup-header field, both in the bzImage file and in the
 * zero page: the header sits at 0x1F1 in each. */
#define HDR_OFF(f) offsetof(struct boot_params, hdr.f)
#define HDR_START HDR_OFF(setup_sects)
/* The header's length is given by the byte at 0x201 (the operand of the
 * short jump at 0x200), counted from 0x202. */
#define HDR_LEN_BYTE 0x201u
#define HDR_LEN_BASE 0x202u
#define HDR_MAGIC "HdrS"
/* A bzImage is only recognised if the magic and version can be read. */
#define BZ_MIN_LEN (HDR_OFF(version) + 2)

/*
 * The guest maps at most this much RAM directly (NOHIGHMEM, ABI 2.1), and
 * its memory count leaves out page 0 and the BIOS hole below 1 MiB, so the
 * "half of memory" it compares an initrd with is a bit under half of RAM.
 * These make our own check conservative rather than exact.
 */
#define GUEST_LOWMEM_MAX MiB(880)
#define GUEST_LOW_HOLE MiB(1)

#define PAGE_SZ 4096u

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Round a byte count up to whole MiB, for messages people can act on. */
static uint32_t mib_up(uint64_t bytes)
{
	return (uint32_t)((bytes + MiB(1) - 1) >> 20);
}

/* Report why, in err, and say "no": every refusal here ends in this. */
static __printf(3, 4) bool fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

static bool is_bzimage(const uint8_t *img, uint32_t len)
{
	return len >= BZ_MIN_LEN &&
	       hv_memcmp(img + HDR_OFF(header), HDR_MAGIC, 4) == 0;
}

static bool load_bzimage(uint8_t *ram, uint32_t ram_size, const uint8_t *img,
			 uint32_t len, struct guest_image_info *out, char *err,
			 size_t errlen)
{
	uint32_t sects = img[HDR_OFF(setup_sects)];
	uint32_t setup, payload, hdr_end, init_size = 0, entry;
	uint16_t version = rd16(img + HDR_OFF(version));
	uint64_t pref = LOADER_KERNEL_GPA, need;

	/* Boot protocol: setup_sects == 0 is an old way of writing 4. */
	if (sects == 0)
		sects = 4;
	/* The boot sector plus the setup sectors: at most 256 * 512. */
	setup = (sects + 1) * 512;
	/* setup >= 1024, so once this holds every header field is in the
	 * file and can be read below without further checks. */
	if (len <= setup)
		return fail(err, errlen,
			    "bzImage too short: %u bytes, but its setup part "
			    "alone is %u",
			    len, setup);
	if (version < LOADER_MIN_VERSION)
		return fail(err, errlen,
			    "bzImage boot protocol %u.%02u is older than 2.07, "
			    "which the guest needs for hardware_subarch",
			    version >> 8, version & 0xff);
	payload = len - setup;
	if ((uint64_t)LOADER_BZIMAGE_GPA + payload > ram_size)
		return fail(err, errlen,
			    "bzImage needs %u MiB of guest RAM for its %u-byte "
			    "payload at 0x%x, has %u MiB",
			    mib_up((uint64_t)LOADER_BZIMAGE_GPA + payload),
			    payload, LOADER_BZIMAGE_GPA, ram_size >> 20);

	/*
	 * Protocol 2.10 added init_size and pref_address: the decompressor
	 * unpacks into [pref_address, pref_address + init_size).  Older
	 * headers lack both; the guest's fixed LOAD_PHYSICAL_ADDR stands in.
	 */
	hdr_end = HDR_LEN_BASE + img[HDR_LEN_BYTE];
	/* init_size follows pref_address, so this covers both. */
	if (version >= 0x020a && hdr_end >= HDR_OFF(init_size) + 4) {
		init_size = rd32(img + HDR_OFF(init_size));
		if (rd64(img + HDR_OFF(pref_address)))
			pref = rd64(img + HDR_OFF(pref_address));
	}
	/* A pref_address at or beyond 4 GiB can never fit; clamping it
	 * keeps the sum below from wrapping. */
	pref = MIN(pref, 1ull << 32);
	need = MAX((uint64_t)LOADER_BZIMAGE_GPA + payload, pref + init_size);
	if (need > ram_size)
		return fail(err, errlen,
			    "bzImage needs %u MiB of guest RAM (decompressing "
			    "0x%x bytes at 0x%llx), has %u MiB",
			    mib_up(need), init_size, (unsigned long long)pref,
			    ram_size >> 20);

	/* A jump outside what we load would only crash the guest later,
	 * with a far less useful message. */
	entry = rd32(img + HDR_OFF(code32_start));
	if (entry < LOADER_BZIMAGE_GPA || entry - LOADER_BZIMAGE_GPA >= payload)
		return fail(err, errlen,
			    "bzImage entry point (code32_start) 0x%x is "
			    "outside its payload [0x%x, 0x%x)",
			    entry, LOADER_BZIMAGE_GPA,
			    LOADER_BZIMAGE_GPA + payload);

	hv_memcpy(ram + LOADER_BZIMAGE_GPA, img + setup, payload);
	out->kind = LOADER_BZIMAGE;
	out->entry = entry;
	out->load_start = LOADER_BZIMAGE_GPA;
	out->load_end = LOADER_BZIMAGE_GPA + payload;
	out->kernel_end = (uint32_t)need;
	return true;
}

/* Program header i; the caller has checked the table lies in the file. */
static void get_phdr(const uint8_t *img, const Elf32_Ehdr *eh, uint32_t i,
		     Elf32_Phdr *ph)
{
	hv_memcpy(ph, img + eh->e_phoff + i * sizeof(*ph), sizeof(*ph));
}

/* Checks every program header; on success gives the loaded range. */
static bool check_elf_segments(uint32_t ram_size, const uint8_t *img,
			       uint32_t len, const Elf32_Ehdr *eh,
			       struct guest_image_info *out, char *err,
			       size_t errlen)
{
	uint32_t lo = UINT32_MAX, hi = 0, nload = 0, i;
	bool entry_ok = false;
	Elf32_Phdr ph;

	for (i = 0; i < eh->e_phnum; i++) {
		get_phdr(img, eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return fail(err, errlen,
				    "ELF segment %u: file size 0x%x exceeds "
				    "memory size 0x%x",
				    i, ph.p_filesz, ph.p_memsz);
		if (ph.p_memsz == 0)
			continue; /* nothing to load */
		if ((uint64_t)ph.p_offset + ph.p_filesz > len)
			return fail(err, errlen,
				    "ELF segment %u: file bytes 0x%x+0x%x lie "
				    "outside the %u-byte file",
				    i, ph.p_offset, ph.p_filesz, len);
		if ((uint64_t)ph.p_paddr + ph.p_memsz > ram_size)
			return fail(err, errlen,
				    "ELF segment %u: [0x%x, 0x%llx) is outside "
				    "the %u MiB of guest RAM",
				    i, ph.p_paddr,
				    (unsigned long long)ph.p_paddr + ph.p_memsz,
				    ram_size >> 20);
		if (ph.p_paddr < LOADER_LOW_END)
			return fail(err, errlen,
				    "ELF segment %u at 0x%x overlaps the zero "
				    "page and command line [0, 0x%x)",
				    i, ph.p_paddr, LOADER_LOW_END);
		nload++;
		lo = MIN(lo, ph.p_paddr);
		hi = MAX(hi, ph.p_paddr + ph.p_memsz);
		/* The entry must be real code from the file, not the
		 * zero-filled tail. */
		if (eh->e_entry >= ph.p_paddr &&
		    eh->e_entry - ph.p_paddr < ph.p_filesz)
			entry_ok = true;
	}
	if (nload == 0)
		return fail(err, errlen, "ELF kernel has no PT_LOAD segments");
	if (!entry_ok)
		return fail(
			err, errlen,
			"ELF entry point 0x%x is not inside any loaded segment",
			eh->e_entry);
	out->load_start = lo;
	out->load_end = hi;
	return true;
}

static bool load_elf(uint8_t *ram, uint32_t ram_size, const uint8_t *img,
		     uint32_t len, struct guest_image_info *out, char *err,
		     size_t errlen)
{
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	uint32_t i;

	if (len < EI_NIDENT)
		return fail(err, errlen, "ELF kernel too short: %u bytes", len);
	if (img[EI_CLASS] == ELFCLASS64)
		return fail(err, errlen,
			    "64-bit ELF kernel: guests must be 32-bit i386");
	if (img[EI_CLASS] != ELFCLASS32)
		return fail(err, errlen, "ELF kernel has unknown class %u",
			    img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "ELF kernel is not little-endian");
	if (len < sizeof(eh))
		return fail(err, errlen, "ELF kernel too short: %u bytes", len);
	/* A copy, since the image need not be aligned for Elf32_Ehdr. */
	hv_memcpy(&eh, img, sizeof(eh));
	if (eh.e_type != ET_EXEC)
		return fail(
			err, errlen,
			"ELF kernel has type %u, not an executable (ET_EXEC)",
			eh.e_type);
	if (eh.e_machine != EM_386)
		return fail(err, errlen,
			    "ELF kernel is for machine %u, not i386 (%u)",
			    eh.e_machine, EM_386);
	if (eh.e_phnum == 0)
		return fail(err, errlen, "ELF kernel has no PT_LOAD segments");
	if (eh.e_phentsize != sizeof(Elf32_Phdr))
		return fail(err, errlen,
			    "ELF program header size is %u, expected %zu",
			    eh.e_phentsize, sizeof(Elf32_Phdr));
	if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(ph) > len)
		return fail(err, errlen,
			    "ELF program headers (%u at 0x%x) lie outside the "
			    "%u-byte file",
			    eh.e_phnum, eh.e_phoff, len);
	if (!check_elf_segments(ram_size, img, len, &eh, out, err, errlen))
		return false;

	for (i = 0; i < eh.e_phnum; i++) {
		get_phdr(img, &eh, i, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		hv_memcpy(ram + ph.p_paddr, img + ph.p_offset, ph.p_filesz);
		/* RAM may hold a previous run's data: clear the BSS here
		 * rather than trust it to be zero. */
		hv_memset(ram + ph.p_paddr + ph.p_filesz, 0,
			  ph.p_memsz - ph.p_filesz);
	}
	out->kind = LOADER_ELF;
	out->entry = eh.e_entry;
	out->kernel_end = out->load_end;
	return true;
}

bool loader_load_kernel(uint8_t *ram, uint32_t ram_size, const uint8_t *image,
			uint32_t len, struct guest_image_info *out, char *err,
			size_t errlen)
{
	bool ok;

	hv_memset(out, 0, sizeof(*out));
	if (image && len >= SELFMAG && hv_memcmp(image, ELFMAG, SELFMAG) == 0)
		ok = load_elf(ram, ram_size, image, len, out, err, errlen);
	else if (image && is_bzimage(image, len))
		ok = load_bzimage(ram, ram_size, image, len, out, err, errlen);
	else
		return fail(err, errlen,
			    "not a bzImage or ELF kernel (%u bytes)", len);
	if (!ok)
		hv_memset(out, 0, sizeof(*out));
	return ok;
}

bool loader_load_initrd(uint8_t *ram, uint32_t ram_size, uint32_t kernel_end,
			const uint8_t *initrd, uint32_t len, uint32_t *gpa_out,
			char *err, size_t errlen)
{
	uint32_t floor = MAX(kernel_end, LOADER_LOW_END);
	uint32_t mapped = MIN(ram_size, GUEST_LOWMEM_MAX);
	uint32_t limit, gpa;

	*gpa_out = 0;
	if (len == 0 || !initrd)
		return fail(err, errlen, "initrd is empty");
	/* Linux's reserve_initrd() panics with "initrd too large to
	 * handle" once the page-rounded size reaches half its memory. */
	limit = mapped > GUEST_LOW_HOLE ? (mapped - GUEST_LOW_HOLE) / 2 : 0;
	if ((uint64_t)ALIGN_UP((uint64_t)len, PAGE_SZ) >= limit)
		return fail(err, errlen,
			    "initrd is %u KiB, not under half of the guest's "
			    "%u MiB of RAM: Linux would panic (\"initrd too "
			    "large to handle\")",
			    (uint32_t)(((uint64_t)len + 1023) >> 10),
			    ram_size >> 20);
	/* Top of RAM, page aligned (ABI 2.1); len < ram_size here. */
	gpa = ALIGN_DOWN(ram_size - len, PAGE_SZ);
	if (gpa < floor)
		return fail(
			err, errlen,
			"initrd (%u bytes at 0x%x) would overlap the kernel, "
			"which uses up to 0x%x: give the guest more RAM",
			len, gpa, floor);
	hv_memcpy(ram + gpa, initrd, len);
	/* The guest may read the rounded-up tail; keep it clean. */
	hv_memset(ram + gpa + len, 0, ram_size - gpa - len);
	*gpa_out = gpa;
	return true;
}

/*
 * Copies the bzImage's setup header into the zero page (ABI 2.2,
 * "Recommended"), so the decompressor sees the image's real init_size.
 */
static void copy_setup_header(struct boot_params *bp, const uint8_t *bz,
			      uint32_t bzlen)
{
	uint32_t end, n;

	/* is_bzimage() held, so bzlen > HDR_START and end > HDR_START. */
	end = HDR_LEN_BASE + bz[HDR_LEN_BYTE];
	/* Bounded by the file and by what struct setup_header holds:
	 * a header claiming more is not trusted beyond what we know. */
	end = MIN(end, bzlen);
	n = MIN(end - HDR_START, (uint32_t)sizeof(bp->hdr));
	hv_memcpy(&bp->hdr, bz + HDR_START, n);

	/*
	 * Fields the boot protocol reserves for the loader: the image's
	 * values mean nothing here, and setup_data would make the guest
	 * walk a list at a GPA of the image's choosing.
	 */
	bp->hdr.loadflags &= LOADED_HIGH;
	bp->hdr.setup_move_size = 0;
	bp->hdr.heap_end_ptr = 0;
	bp->hdr.ext_loader_ver = 0;
	bp->hdr.ext_loader_type = 0;
	bp->hdr.setup_data = 0;
	bp->hdr.hardware_subarch_data = 0;
}

bool loader_build_boot_params(uint8_t *ram, uint32_t ram_size,
			      const uint8_t *bzimage, uint32_t bzlen,
			      const char *cmdline, uint32_t initrd_gpa,
			      uint32_t initrd_len, char *err, size_t errlen)
{
	struct boot_params *bp;
	size_t clen = cmdline ? hv_strnlen(cmdline, LOADER_CMDLINE_SIZE) : 0;

	/* The guest copies the whole zero page and 2048 bytes from
	 * cmd_line_ptr, so all of that must be RAM. */
	if (ram_size < LOADER_CMDLINE_GPA + LOADER_CMDLINE_SIZE)
		return fail(err, errlen,
			    "guest RAM of %u bytes cannot hold the zero page "
			    "and command line",
			    ram_size);
	if (clen >= LOADER_CMDLINE_SIZE)
		return fail(err, errlen,
			    "guest command line is longer than %u characters",
			    LOADER_CMDLINE_SIZE - 1);
	if (initrd_len && (initrd_gpa < LOADER_LOW_END ||
			   (uint64_t)initrd_gpa + initrd_len > ram_size))
		return fail(err, errlen,
			    "initrd [0x%x, 0x%llx) is not inside guest RAM "
			    "above 0x%x",
			    initrd_gpa,
			    (unsigned long long)initrd_gpa + initrd_len,
			    LOADER_LOW_END);
	if (bzimage && !is_bzimage(bzimage, bzlen))
		return fail(
			err, errlen,
			"boot parameters: the kernel given is not a bzImage");

	/* Every field we do not set must be zero (ABI 2.4). */
	bp = (struct boot_params *)(ram + LOADER_BOOT_PARAMS_GPA);
	hv_memset(bp, 0, sizeof(*bp));
	if (bzimage)
		copy_setup_header(bp, bzimage, bzlen);

	bp->e820_entries = 1;
	bp->e820_table[0].addr = 0;
	bp->e820_table[0].size = ram_size;
	bp->e820_table[0].type = 1; /* E820 type 1: usable RAM */

	/* Below 2.07 the guest ignores hardware_subarch and takes the
	 * native path, which faults at ring 1. */
	bp->hdr.version = MAX(bp->hdr.version, LOADER_MIN_VERSION);
	/* With KEEP_SEGMENTS the decompressor and head_32.S skip the
	 * cli, lgdt and segment reloads that would #GP at ring 1. */
	bp->hdr.loadflags |= KEEP_SEGMENTS;
	bp->hdr.hardware_subarch = X86_SUBARCH_LGUEST;
	bp->hdr.kernel_alignment = LOADER_KERNEL_GPA;
	bp->hdr.cmd_line_ptr = LOADER_CMDLINE_GPA;
	bp->hdr.type_of_loader = 0;
	bp->hdr.ramdisk_image = 0;
	bp->hdr.ramdisk_size = 0;
	if (initrd_len) {
		bp->hdr.ramdisk_image = initrd_gpa;
		bp->hdr.ramdisk_size = initrd_len;
		/* The guest ignores the ramdisk when this is 0; 0xFF means
		 * "a loader with no assigned ID". */
		bp->hdr.type_of_loader = 0xff;
	}

	/* All 2048 bytes are copied by the guest; zero them so no stale
	 * text follows the terminating NUL. */
	hv_memset(ram + LOADER_CMDLINE_GPA, 0, LOADER_CMDLINE_SIZE);
	if (clen)
		hv_memcpy(ram + LOADER_CMDLINE_GPA, cmdline, clen);
	return true;
}
