/*
 * elfseg.c - the PT_LOAD segments of hv.elf, checked before one byte is
 * placed.
 *
 * hv.efi puts each segment at its physical address (p_paddr), as GRUB
 * does, so a segment linked elsewhere (the Switcher, at 0xFFC00000) still
 * lands inside the image.  The checks are the ones that keep a bad or
 * truncated file from making the loader read past its buffer or write
 * over memory it did not allocate: the headers and every segment inside
 * the file, no segment wrapping 4 GiB, segments in increasing address
 * order without overlap (so the pages of one never hold another's), and
 * the entry point inside a segment whose virtual and physical addresses
 * agree (paging is off when the hypervisor starts).
 */
#include <elf.h>

#include "boot/efi/elfseg.h"

static void copy(void *dst, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = ((const uint8_t *)src)[i];
}

static bool no(const char **why, const char *reason)
{
	*why = reason;
	return false;
}

static bool check_header(const Elf32_Ehdr *h, size_t len, const char **why)
{
	if (h->e_ident[EI_MAG0] != ELFMAG0 || h->e_ident[EI_MAG1] != ELFMAG1 ||
	    h->e_ident[EI_MAG2] != ELFMAG2 || h->e_ident[EI_MAG3] != ELFMAG3)
		return no(why, "not an ELF file");
	if (h->e_ident[EI_CLASS] != ELFCLASS32 ||
	    h->e_ident[EI_DATA] != ELFDATA2LSB || h->e_machine != EM_386)
		return no(why, "not a 32-bit x86 ELF file");
	if (h->e_type != ET_EXEC)
		return no(why, "not an executable ELF file");
	if (h->e_phentsize != sizeof(Elf32_Phdr) || h->e_phnum == 0)
		return no(why, "no program headers of the usual size");
	if (h->e_phoff > len ||
	    (len - h->e_phoff) / sizeof(Elf32_Phdr) < h->e_phnum)
		return no(why, "program headers past the end of the file");
	return true;
}

static bool take_segment(const Elf32_Phdr *p, size_t len,
			 struct elfseg_image *out, const char **why)
{
	struct elfseg *s;

	if (p->p_filesz > p->p_memsz)
		return no(why, "a segment with more file bytes than memory");
	if (p->p_offset > len || len - p->p_offset < p->p_filesz)
		return no(why, "a segment past the end of the file");
	if ((uint64_t)p->p_paddr + p->p_memsz > 0x100000000ull)
		return no(why, "a segment that runs past 4 GiB");
	if (out->nr_seg) {
		const struct elfseg *prev = &out->seg[out->nr_seg - 1];
		/* In 64 bits: a segment may end at 4 GiB exactly. */
		if (p->p_paddr < (uint64_t)prev->paddr + prev->memsz)
			return no(why, "segments out of order or overlapping");
	}
	if (out->nr_seg == ELFSEG_MAX)
		return no(why, "more than 8 loadable segments");
	s = &out->seg[out->nr_seg++];
	s->paddr = p->p_paddr;
	s->offset = p->p_offset;
	s->filesz = p->p_filesz;
	s->memsz = p->p_memsz;
	return true;
}

bool elfseg_read(const void *img, size_t len, struct elfseg_image *out,
		 const char **why)
{
	const uint8_t *file = img;
	Elf32_Ehdr h;
	bool entry_ok = false;

	out->nr_seg = 0;
	if (len < sizeof(h))
		return no(why, "too small for an ELF header");
	copy(&h, file, sizeof(h));
	if (!check_header(&h, len, why))
		return false;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		Elf32_Phdr p;

		copy(&p, file + h.e_phoff + i * sizeof(p), sizeof(p));
		if (p.p_type != PT_LOAD || p.p_memsz == 0)
			continue;
		if (!take_segment(&p, len, out, why))
			return false;
		if (p.p_vaddr == p.p_paddr && h.e_entry >= p.p_paddr &&
		    h.e_entry - p.p_paddr < p.p_memsz)
			entry_ok = true;
	}
	if (out->nr_seg == 0)
		return no(why, "no loadable segments");
	if (!entry_ok)
		return no(why, "the entry point is in no segment loaded "
			       "where it runs");
	out->entry = h.e_entry;
	return true;
}
