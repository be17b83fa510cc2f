/*
 * multiboot.c - [Boot 2] turn GRUB's Multiboot2 tags into struct boot_info.
 *
 * The tags are a packed list: {type, size, payload}, each starting on an
 * 8-byte boundary, ended by a tag of type 0.  We trust nothing about it: a
 * tag that claims to run past the end of the block, or is too small for its
 * type, stops the parse with a reason, so a broken loader gives a clear
 * message instead of a wild read.
 */
#include "hv/include/multiboot2.h"
#include "hv/setup/bootinfo.h"

static void copy_string(char *dst, size_t dstlen, const char *src,
			size_t srclen, bool *truncated)
{
	size_t n = hv_strnlen(src, srclen);

	if (n >= dstlen) {
		n = dstlen - 1;
		if (truncated)
			*truncated = true;
	}
	hv_memcpy(dst, src, n);
	dst[n] = 0;
}

static void add_region(struct boot_info *bi, uint64_t base, uint64_t len,
		       uint32_t type)
{
	if (len == 0)
		return;
	if (bi->nr_mem == BOOT_MAX_MEM_REGIONS) {
		bi->mem_truncated = true;
		return;
	}
	/* Merge with the previous region when contiguous and alike: UEFI maps
	 * list hundreds of small neighbouring descriptors. */
	if (bi->nr_mem) {
		struct mem_region *p = &bi->mem[bi->nr_mem - 1];
		if (p->type == type && p->base + p->len == base) {
			p->len += len;
			return;
		}
	}
	bi->mem[bi->nr_mem].base = base;
	bi->mem[bi->nr_mem].len = len;
	bi->mem[bi->nr_mem].type = type;
	bi->nr_mem++;
}

static uint32_t bios_type(uint32_t t)
{
	switch (t) {
	case MB2_MEMORY_AVAILABLE:
		return MEM_USABLE;
	case MB2_MEMORY_ACPI_RECLAIMABLE:
		return MEM_ACPI;
	case MB2_MEMORY_NVS:
		return MEM_NVS;
	case MB2_MEMORY_BADRAM:
		return MEM_BAD;
	default:
		return MEM_RESERVED;
	}
}

/* After ExitBootServices these EFI types are free for the OS to use. */
static uint32_t efi_type(uint32_t t)
{
	switch (t) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return MEM_USABLE;
	case 9: /* EfiACPIReclaimMemory */
		return MEM_ACPI;
	case 10: /* EfiACPIMemoryNVS */
		return MEM_NVS;
	case 8: /* EfiUnusableMemory */
		return MEM_BAD;
	default:
		return MEM_RESERVED;
	}
}

static bool parse_mmap(const uint8_t *p, uint32_t size, struct boot_info *bi,
		       char *err, size_t errlen)
{
	const struct mb2_tag_mmap *t = (const void *)p;

	if (size < sizeof(*t) ||
	    t->entry_size < sizeof(struct mb2_mmap_entry)) {
		hv_snprintf(err, errlen, "memory map tag malformed (size %u)",
			    size);
		return false;
	}
	bi->nr_mem = 0;
	bi->mem_source = MEMMAP_BIOS;
	/* "size - off", not "off + entry_size": a huge entry_size must not
	 * wrap the sum and walk us back over the tag. */
	for (uint32_t off = sizeof(*t); size - off >= t->entry_size;
	     off += t->entry_size) {
		struct mb2_mmap_entry e;
		hv_memcpy(&e, p + off, sizeof(e));
		add_region(bi, e.addr, e.len, bios_type(e.type));
	}
	return true;
}

static bool parse_efi_mmap(const uint8_t *p, uint32_t size,
			   struct boot_info *bi, char *err, size_t errlen)
{
	const struct mb2_tag_efi_mmap *t = (const void *)p;

	if (size < sizeof(*t) ||
	    t->descr_size < sizeof(struct efi_memory_descriptor)) {
		hv_snprintf(err, errlen, "EFI memory map tag malformed");
		return false;
	}
	bi->nr_efi_descriptors = 0;
	/* Written as "size - off" for the reason given in parse_mmap(). */
	for (uint32_t off = sizeof(*t); size - off >= t->descr_size;
	     off += t->descr_size)
		bi->nr_efi_descriptors++;
	/* The BIOS-style map, when GRUB gives one, already covers the same
	 * memory; use the EFI map only when it is all there is. */
	if (bi->mem_source == MEMMAP_BIOS)
		return true;
	bi->nr_mem = 0;
	bi->mem_source = MEMMAP_EFI;
	for (uint32_t off = sizeof(*t); size - off >= t->descr_size;
	     off += t->descr_size) {
		struct efi_memory_descriptor d;
		hv_memcpy(&d, p + off, sizeof(d));
		if (d.num_pages > (UINT64_MAX >> 12))
			continue;
		add_region(bi, d.phys_start, d.num_pages << 12,
			   efi_type(d.type));
	}
	return true;
}

/* An RGB framebuffer's colour layout, if the tag is long enough to hold
 * it; otherwise the fields stay zero and the screen driver refuses the
 * framebuffer rather than guess. */
static void read_fb_colours(const uint8_t *p, uint32_t size,
			    struct boot_info *bi)
{
	size_t at = sizeof(struct mb2_tag_framebuffer);

	/* A second framebuffer tag replaces the first, all of it. */
	hv_memset(&bi->fb_rgb, 0, sizeof(bi->fb_rgb));
	if (bi->fb_type == MB2_FB_TYPE_RGB && size >= at + sizeof(bi->fb_rgb))
		hv_memcpy(&bi->fb_rgb, p + at, sizeof(bi->fb_rgb));
}

bool mb2_parse(const void *mbi, size_t avail, struct boot_info *bi, char *err,
	       size_t errlen)
{
	const uint8_t *base = mbi;
	struct mb2_info_header h;
	uint32_t off;
	bool saw_end = false;

	hv_memset(bi, 0, sizeof(*bi));
	if (avail < sizeof(h)) {
		hv_snprintf(err, errlen, "boot information too small");
		return false;
	}
	hv_memcpy(&h, base, sizeof(h));
	if (h.total_size < 16 || h.total_size > avail) {
		hv_snprintf(err, errlen, "boot information size %u invalid",
			    h.total_size);
		return false;
	}

	/* Process the BIOS memory map before the EFI one whatever their
	 * order, so the choice between them does not depend on tag order. */
	for (int pass = 0; pass < 2 && !saw_end; pass++) {
		for (off = 8; off + 8 <= h.total_size;) {
			struct mb2_tag tag;
			const uint8_t *p = base + off;

			hv_memcpy(&tag, p, sizeof(tag));
			if (tag.size < 8 || tag.size > h.total_size - off) {
				hv_snprintf(err, errlen,
					    "tag type %u at offset %u has bad "
					    "size %u",
					    tag.type, off, tag.size);
				return false;
			}
			if (tag.type == MB2_TAG_END) {
				if (pass == 1)
					saw_end = true;
				break;
			}
			if (pass == 0) {
				if (tag.type == MB2_TAG_MMAP &&
				    !parse_mmap(p, tag.size, bi, err, errlen))
					return false;
			} else {
				switch (tag.type) {
				case MB2_TAG_CMDLINE:
					copy_string(bi->cmdline,
						    sizeof(bi->cmdline),
						    (const char *)p + 8,
						    tag.size - 8,
						    &bi->cmdline_truncated);
					break;
				case MB2_TAG_BOOTLOADER:
					copy_string(bi->loader,
						    sizeof(bi->loader),
						    (const char *)p + 8,
						    tag.size - 8, NULL);
					break;
				case MB2_TAG_MODULE: {
					struct boot_module *m;
					bool trunc = false;

					if (tag.size < 16) {
						hv_snprintf(err, errlen,
							    "module tag too "
							    "small");
						return false;
					}
					if (bi->nr_mods == BOOT_MAX_MODULES) {
						bi->mods_truncated = true;
						break;
					}
					m = &bi->mods[bi->nr_mods];
					hv_memcpy(&m->start, p + 8, 4);
					hv_memcpy(&m->end, p + 12, 4);
					if (m->end < m->start) {
						hv_snprintf(err, errlen,
							    "module %u ends "
							    "before it starts",
							    bi->nr_mods);
						return false;
					}
					copy_string(m->string,
						    sizeof(m->string),
						    (const char *)p + 16,
						    tag.size - 16, &trunc);
					if (trunc) {
						hv_snprintf(err, errlen,
							    "module %u string "
							    "too long",
							    bi->nr_mods);
						return false;
					}
					bi->nr_mods++;
					break;
				}
				case MB2_TAG_BASIC_MEMINFO:
					if (tag.size >= 16) {
						hv_memcpy(&bi->mem_lower_kib,
							  p + 8, 4);
						hv_memcpy(&bi->mem_upper_kib,
							  p + 12, 4);
					}
					break;
				case MB2_TAG_EFI_MMAP:
					bi->efi = true;
					if (!parse_efi_mmap(p, tag.size, bi,
							    err, errlen))
						return false;
					break;
				case MB2_TAG_FRAMEBUFFER: {
					struct mb2_tag_framebuffer fb;

					if (tag.size < sizeof(fb))
						break;
					hv_memcpy(&fb, p, sizeof(fb));
					bi->has_fb = true;
					bi->fb_addr = fb.addr;
					bi->fb_pitch = fb.pitch;
					bi->fb_width = fb.width;
					bi->fb_height = fb.height;
					bi->fb_bpp = fb.bpp;
					bi->fb_type = fb.fb_type;
					read_fb_colours(p, tag.size, bi);
					break;
				}
				case MB2_TAG_ACPI_OLD:
				case MB2_TAG_ACPI_NEW: {
					size_t n = tag.size - 8;

					/* Prefer the 2.0 RSDP if both come. */
					if (tag.type == MB2_TAG_ACPI_OLD &&
					    bi->rsdp_len > 20)
						break;
					if (n > sizeof(bi->rsdp))
						n = sizeof(bi->rsdp);
					hv_memcpy(bi->rsdp, p + 8, n);
					bi->rsdp_len = (unsigned)n;
					break;
				}
				case MB2_TAG_EFI32:
				case MB2_TAG_EFI64:
					bi->efi = true;
					break;
				default:
					break; /* tags we do not need */
				}
			}
			off += (tag.size + 7) & ~7u;
		}
	}
	if (!saw_end) {
		hv_snprintf(err, errlen, "no end tag in boot information");
		return false;
	}
	if (bi->mem_source == MEMMAP_NONE && bi->mem_upper_kib) {
		bi->mem_source = MEMMAP_BASIC;
		add_region(bi, 0, (uint64_t)bi->mem_lower_kib << 10,
			   MEM_USABLE);
		add_region(bi, 0x100000, (uint64_t)bi->mem_upper_kib << 10,
			   MEM_USABLE);
	}
	if (bi->mem_source == MEMMAP_NONE) {
		hv_snprintf(err, errlen, "boot loader gave no memory map");
		return false;
	}
	return true;
}

bool boot_info_usable_overlap(const struct boot_info *bi, uint64_t base,
			      uint64_t len)
{
	uint64_t end = base + len < base ? ~0ull : base + len;

	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct mem_region *r = &bi->mem[i];

		if (r->type == MEM_USABLE && len && base < r->base + r->len &&
		    r->base < end)
			return true;
	}
	return false;
}
