/*
 * exec.c - [Pvguest 9] loading a user program: from the disk, or from
 * the kernel image.
 *
 * Programs are the .c files of user/, each linked by itself at USER_BASE
 * (user/user.ld) and flattened to its bytes with objcopy.  Each starts
 * with a small header that user.ld writes: a magic number, the entry
 * point and the end of its BSS.  Loading is copying the bytes into fresh
 * pages at USER_BASE; the BSS is the zeroes those pages already hold.
 *
 * The bytes come from the file of that name on /dev/vda (pvfs.c), where
 * guest.mk puts every program when it builds the disk image.  Without a
 * disk (most tests boot without one) they come from the copies built
 * into the kernel image by progs.S, as a Linux kernel falls back to its
 * built-in initramfs.
 */
#include <stddef.h>

#include "mm.h"
#include "proc.h"
#include "progs.h"
#include "pvfs.h"
#include "x86.h"

#define PROG_MAGIC 0x31475650 /* "PVG1" */

struct prog_header {
	uint32_t magic, entry, end;
};

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static const struct prog *prog_find(const char *name)
{
	for (const struct prog *p = __progs_start; p < __progs_end; p++)
		if (same(p->name, name))
			return p;
	return NULL;
}

/* Where a program's bytes are: a file on the disk, or the image. */
struct image {
	const struct pvfs_dirent *file;
	const uint8_t *start;
	uint32_t size;
};

static bool image_find(const char *name, struct image *img)
{
	const struct prog *prog;

	img->file = pvfs_lookup(name);
	if (img->file) {
		img->size = img->file->length;
		return true;
	}
	prog = prog_find(name);
	if (!prog)
		return false;
	img->start = prog->start;
	img->size = prog->end - prog->start;
	return true;
}

static bool image_read(const struct image *img, uint32_t off, void *dst,
		       uint32_t len)
{
	if (img->file)
		return pvfs_read(img->file, off, dst, len) == (int)len;
	memcpy(dst, img->start + off, len);
	return true;
}

bool prog_exists(const char *name)
{
	struct image img;

	return image_find(name, &img);
}

/*
 * The first user stack page holds main's argument, under a zero return
 * address; user/crt0.S calls main(arg) from there.
 */
static bool setup_stack(struct proc *p, int arg, uint32_t *esp)
{
	uint32_t *top = vm_map_new(p->pgdir, USER_TOP - PAGE_SIZE);

	if (!top)
		return false;
	top[PAGE_SIZE / 4 - 1] = 0;
	top[PAGE_SIZE / 4 - 2] = (uint32_t)arg;
	*esp = USER_TOP - 8;
	return true;
}

/*
 * Replace p's user address space with program "name" and fill in *tf to
 * enter it.  The old user half goes first, with FLUSH_TLB(0) after it as
 * Linux's flush_tlb_user would send; SET_PTE/SET_PGD already told the
 * hypervisor about each entry, so this is belt and braces.
 */
bool exec_load(struct proc *p, const char *name, int arg, struct trapframe *tf)
{
	struct prog_header h;
	struct image img;
	uint32_t va;

	if (!image_find(name, &img) || img.size < sizeof(h) ||
	    !image_read(&img, 0, &h, sizeof(h)))
		return false;
	if (h.magic != PROG_MAGIC || h.end < USER_BASE + img.size ||
	    h.end > USER_TOP - USER_STACK_MAX)
		return false;
	vm_free_user(p->pgdir);
	if (p == current)
		flush_tlb(false);

	for (va = USER_BASE & PTE_FRAME; va < h.end; va += PAGE_SIZE) {
		uint8_t *page = vm_map_new(p->pgdir, va);
		uint32_t from = va < USER_BASE ? USER_BASE : va;
		uint32_t off = from - USER_BASE, n;

		if (!page)
			return false;
		/* Copy the part of this page that is in the file. */
		if (off >= img.size)
			continue;
		n = va + PAGE_SIZE - from;
		if (n > img.size - off)
			n = img.size - off;
		if (!image_read(&img, off, page + (from - va), n))
			return false;
	}
	p->heap_start = p->brk = page_round_up(h.end);

	memset(tf, 0, sizeof(*tf));
	if (!setup_stack(p, arg, &tf->esp))
		return false;
	tf->eip = h.entry;
	tf->cs = USER_CS;
	tf->ss = tf->ds = tf->es = USER_DS;
	tf->eflags = EFLAGS_IF | 0x2; /* bit 1 is always set */
	return true;
}
