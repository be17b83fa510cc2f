/*
 * mbi.c - [Uefi 3] the Multiboot2 information block, as GRUB would
 * have written it.
 *
 * The hypervisor has one entry path (boot/multiboot2.S), so hv.efi does
 * not ask it to learn UEFI: it writes the tags GRUB's EFI build writes,
 * and the hypervisor cannot tell the difference except by the loader's
 * name.  The tags, in order:
 *
 *	cmdline, boot loader name        the options, "hv.efi"
 *	module (one per module2 line)    page-aligned start, end, string
 *	mmap                             the EFI map converted to E820
 *	                                 types: hv/setup/multiboot.c uses
 *	                                 this one when it is there
 *	efi mmap                         the EFI map itself, as the
 *	                                 firmware gave it
 *	framebuffer                      the GOP mode, RGB field positions
 *	acpi old, acpi new               copies of the RSDP
 *	efi64                            the system table's address
 *
 * There is no "boot services not terminated" tag: hv.efi exits them.
 * Everything is written after ExitBootServices(), into memory allocated
 * before it (mbi_size_bound()), so this code calls nothing.
 */
#include "boot/efi/mbi.h"
#include "hv/include/multiboot2.h"

#define TAG_ALIGN(n) (((n) + 7) & ~(size_t)7)

static size_t str_size(const char *s)
{
	size_t n = 0;

	while (s && s[n])
		n++;
	return n + 1;
}

size_t mbi_size_bound(const struct mbi_input *in, size_t max_map_size)
{
	size_t n = 8 + 8; /* header, end tag */
	size_t descs = in->efi_desc_size ? max_map_size / in->efi_desc_size : 0;

	n += TAG_ALIGN(8 + str_size(in->cmdline));
	n += TAG_ALIGN(8 + str_size(in->loader));
	for (unsigned i = 0; i < in->nr_mods; i++)
		n += TAG_ALIGN(16 + str_size(in->mods[i].string));
	n += TAG_ALIGN(16 + descs * sizeof(struct mb2_mmap_entry));
	n += TAG_ALIGN(16 + max_map_size);
	n += TAG_ALIGN(sizeof(struct mb2_tag_framebuffer) + 6);
	n += TAG_ALIGN(8 + 20) + TAG_ALIGN(8 + in->rsdp_new_len);
	n += TAG_ALIGN(16);
	return n;
}

/* The tag writer: each tag opened at an 8-byte boundary, its bytes
 * appended, its size set when it is closed. */
struct out {
	uint8_t *buf;
	size_t cap, at, tag;
	bool full;
};

static void bytes(struct out *o, const void *src, size_t n)
{
	if (o->full || n > o->cap - o->at) {
		o->full = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		o->buf[o->at + i] = ((const uint8_t *)src)[i];
	o->at += n;
}

static void u32(struct out *o, uint32_t v)
{
	bytes(o, &v, 4);
}

static void open_tag(struct out *o, uint32_t type)
{
	static const uint8_t zero[8];

	bytes(o, zero, TAG_ALIGN(o->at) - o->at);
	o->tag = o->at;
	u32(o, type);
	u32(o, 0); /* size, filled in by close_tag() */
}

static void close_tag(struct out *o)
{
	uint32_t size = (uint32_t)(o->at - o->tag);

	if (!o->full)
		for (int i = 0; i < 4; i++)
			o->buf[o->tag + 4 + i] = (uint8_t)(size >> (8 * i));
}

static void string_tag(struct out *o, uint32_t type, const char *s)
{
	open_tag(o, type);
	bytes(o, s ? s : "", str_size(s));
	close_tag(o);
}

/* After ExitBootServices() these EFI types are the OS's to use. */
static uint32_t e820_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MB2_MEMORY_AVAILABLE;
	case 8: /* EfiUnusableMemory */
		return MB2_MEMORY_BADRAM;
	case 9: /* EfiACPIReclaimMemory */
		return MB2_MEMORY_ACPI_RECLAIMABLE;
	case 10: /* EfiACPIMemoryNVS */
		return MB2_MEMORY_NVS;
	default:
		return MB2_MEMORY_RESERVED;
	}
}

static void mmap_tags(struct out *o, const struct mbi_input *in)
{
	const uint8_t *map = in->efi_map;
	size_t step = in->efi_desc_size;

	open_tag(o, MB2_TAG_MMAP);
	u32(o, sizeof(struct mb2_mmap_entry));
	u32(o, 0); /* entry version */
	for (size_t off = 0; step && in->efi_map_size - off >= step;
	     off += step) {
		struct efi_memory_descriptor d;
		struct mb2_mmap_entry e = { 0 };

		for (size_t i = 0; i < sizeof(d); i++)
			((uint8_t *)&d)[i] = map[off + i];
		e.addr = d.phys_start;
		e.len = d.num_pages << 12;
		e.type = e820_type(d.type);
		bytes(o, &e, sizeof(e));
	}
	close_tag(o);

	open_tag(o, MB2_TAG_EFI_MMAP);
	u32(o, (uint32_t)in->efi_desc_size);
	u32(o, in->efi_desc_version);
	bytes(o, in->efi_map, in->efi_map_size);
	close_tag(o);
}

static void framebuffer_tag(struct out *o, const struct mbi_framebuffer *f)
{
	struct mb2_tag_framebuffer t = { 0 };
	uint8_t colours[6] = { f->red_pos,    f->red_size, f->green_pos,
			       f->green_size, f->blue_pos, f->blue_size };

	t.type = MB2_TAG_FRAMEBUFFER;
	t.addr = f->addr;
	t.pitch = f->pitch;
	t.width = f->width;
	t.height = f->height;
	t.bpp = f->bpp;
	t.fb_type = MB2_FB_TYPE_RGB;
	open_tag(o, MB2_TAG_FRAMEBUFFER);
	bytes(o, (const uint8_t *)&t + 8, sizeof(t) - 8);
	bytes(o, colours, sizeof(colours));
	close_tag(o);
}

size_t mbi_build(void *buf, size_t cap, const struct mbi_input *in)
{
	struct out o = { .buf = buf, .cap = cap };

	u32(&o, 0); /* total size, set at the end */
	u32(&o, 0);
	string_tag(&o, MB2_TAG_CMDLINE, in->cmdline);
	string_tag(&o, MB2_TAG_BOOTLOADER, in->loader);
	for (unsigned i = 0; i < in->nr_mods; i++) {
		open_tag(&o, MB2_TAG_MODULE);
		u32(&o, in->mods[i].start);
		u32(&o, in->mods[i].end);
		bytes(&o, in->mods[i].string ? in->mods[i].string : "",
		      str_size(in->mods[i].string));
		close_tag(&o);
	}
	mmap_tags(&o, in);
	if (in->has_fb)
		framebuffer_tag(&o, &in->fb);
	/* An ACPI 2.0 RSDP begins with the 1.0 one, checksum and all. */
	if (in->rsdp_old || in->rsdp_new) {
		open_tag(&o, MB2_TAG_ACPI_OLD);
		bytes(&o, in->rsdp_old ? in->rsdp_old : in->rsdp_new, 20);
		close_tag(&o);
	}
	if (in->rsdp_new) {
		open_tag(&o, MB2_TAG_ACPI_NEW);
		bytes(&o, in->rsdp_new, in->rsdp_new_len);
		close_tag(&o);
	}
	open_tag(&o, MB2_TAG_EFI64);
	bytes(&o, &in->efi_system_table, 8);
	close_tag(&o);
	open_tag(&o, MB2_TAG_END);
	close_tag(&o);
	if (o.full)
		return 0;
	((uint32_t *)buf)[0] = (uint32_t)o.at;
	return o.at;
}

bool mbi_mask_field(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	uint8_t p = 0, n = 0;

	if (!mask)
		return false;
	while (!(mask & 1)) {
		mask >>= 1;
		p++;
	}
	while (mask & 1) {
		mask >>= 1;
		n++;
	}
	if (mask)
		return false; /* bits apart: no Multiboot2 field says that */
	*pos = p;
	*size = n;
	return true;
}
