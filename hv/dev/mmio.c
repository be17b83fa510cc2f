/*
 * mmio.c - [Devices 8] a guest touched the device window: find the
 * register, decode the instruction that faulted, and perform it (ABI
 * section 11.6).
 *
 * The window is never mapped, so every load or store there faults.  We
 * already know the guest-physical address (the shadow walk found it); the
 * instruction tells us the width, the direction and which register to
 * fill or read.  Then EIP moves past it, as if the device had answered.
 *
 * The instruction is fetched at CS.base + EIP, the linear address the CPU
 * fetched it from (guestvirt.c), not at a plain EIP: a guest running with
 * a based code segment would otherwise have some other instruction
 * emulated in its place.
 */
#include "hv/dev/decode.h"
#include "hv/dev/devices.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/mm/guestvirt.h"

/* The guest's general registers in x86 encoding order (decode.h). */
static void regs_out(const struct trapframe *r, uint32_t v[8])
{
	v[MMIO_EAX] = r->eax;
	v[MMIO_ECX] = r->ecx;
	v[MMIO_EDX] = r->edx;
	v[MMIO_EBX] = r->ebx;
	v[MMIO_ESP] = r->esp;
	v[MMIO_EBP] = r->ebp;
	v[MMIO_ESI] = r->esi;
	v[MMIO_EDI] = r->edi;
}

static void regs_in(struct trapframe *r, const uint32_t v[8])
{
	r->eax = v[MMIO_EAX];
	r->ecx = v[MMIO_ECX];
	r->edx = v[MMIO_EDX];
	r->ebx = v[MMIO_EBX];
	r->esp = v[MMIO_ESP];
	r->ebp = v[MMIO_EBP];
	r->esi = v[MMIO_ESI];
	r->edi = v[MMIO_EDI];
}

/* The selector in the segment register the decoder named.  The CPU may
 * leave the upper half of a pushed segment register undefined. */
static uint32_t seg_selector(const struct trapframe *r, enum mmio_seg seg)
{
	switch (seg) {
	case MMIO_ES:
		return r->es & 0xffff;
	case MMIO_CS:
		return r->cs & 0xffff;
	case MMIO_SS:
		return r->ss & 0xffff;
	case MMIO_FS:
		return r->fs & 0xffff;
	case MMIO_GS:
		return r->gs & 0xffff;
	case MMIO_DS:
	default:
		return r->ds & 0xffff;
	}
}

/*
 * [Devices 9] Where the access starts, and whether it is one register.
 *
 * CR2 is a linear address, the data segment's base already applied by the
 * CPU, so for an access inside one page it is the access's first byte.
 * But for an access that crosses a page boundary into a faulting page
 * (a 4-byte load 2 bytes below a BAR whose page follows a RAM page, say)
 * the SDM only promises "the linear address that generated the exception":
 * QEMU reports the start of the faulting page, and hardware need not
 * report the first byte of the access.  Taking CR2 as the start emulated
 * such an access as a whole register access at the BAR's start, the RAM
 * half lost.  So the start is computed as the CPU computed it: the
 * segment's base plus the operand's effective address.
 *
 * An access whose bytes are not all in one register of one device (it
 * crosses a page, runs off the end of a BAR, or covers two registers) is
 * refused, and the guest killed with the reason: virtio drivers access
 * every register at its natural width (ABI 11.4), a register half-written
 * is worse than none, and a RAM half done separately would make one
 * instruction two accesses.  Nothing correct does it, so it is not
 * emulated piecewise.
 *
 * An instruction whose access does not cover CR2 at all did not cause this
 * fault (it was an instruction fetch from the window, say): the guest's own
 * fault, reflected.
 */
static enum mmio_result check_access(struct guest *g,
				     const struct mmio_insn *in,
				     const uint32_t regs[8], uint32_t cr2,
				     uint32_t gpa, uint32_t *start_gpa)
{
	const struct trapframe *r = g->regs;
	struct guest_seg seg;
	struct virtio_dev *first, *last;
	uint32_t start;

	if (!guest_segment(g, seg_selector(r, in->seg), &seg)) {
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: its segment "
			 "register is unusable\n",
			 g->name, cr2, r->eip);
		return MMIO_REFLECT;
	}
	start = seg.base + mmio_effective_address(in, regs);
	switch (mmio_access_span(in, start, cr2)) {
	case MMIO_SPAN_NOT_CR2:
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: the "
			 "instruction accesses %#x\n",
			 g->name, cr2, r->eip, start);
		return MMIO_REFLECT;
	case MMIO_SPAN_CROSSES_PAGE:
		guest_kill(g,
			   "%u-byte MMIO access at %#x (eip %#x) crosses a "
			   "page boundary into or out of its device window; "
			   "a register access must lie in one page",
			   in->size, start, r->eip);
		return MMIO_KILLED;
	case MMIO_SPAN_OK:
		break;
	}
	/* The same page as CR2, so the same frame: no second walk. */
	*start_gpa = gpa - (cr2 - start);
	first = devices_find_bar(g, *start_gpa);
	last = devices_find_bar(g, *start_gpa + in->size - 1);
	if (!first || first != last ||
	    !virtio_bar_one_register(*start_gpa - first->bar0, in->size)) {
		guest_kill(g,
			   "%u-byte MMIO access at %#x (guest-physical %#x, "
			   "eip %#x) straddles two device registers, or a "
			   "register and what is not one",
			   in->size, start, *start_gpa, r->eip);
		return MMIO_KILLED;
	}
	return MMIO_DONE;
}

enum mmio_result mmio_emulate(struct guest *g, uint32_t cr2, uint32_t gpa,
			      uint32_t err)
{
	struct virtio_dev *d = devices_find_bar(g, gpa);
	struct trapframe *r = g->regs;
	uint8_t bytes[DECODE_MAX_LEN];
	unsigned avail;
	struct mmio_insn in;
	uint32_t regs[8], off;
	enum mmio_result res;
	const char *why;
	char err_text[48];

	if (!d)
		return MMIO_REFLECT; /* no device there (section 11.6) */
	if (!fetch_insn_bytes(g, bytes, sizeof(bytes), &avail, &why)) {
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: %s\n", g->name,
			 gpa, r->eip, why);
		return MMIO_REFLECT;
	}
	if (!decode_mmio_insn(bytes, avail, &in, err_text, sizeof(err_text))) {
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: %s\n", g->name,
			 gpa, r->eip, err_text);
		return MMIO_REFLECT;
	}
	if (in.is_write != ((err & PF_WRITE) != 0)) {
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: the fault's "
			 "direction is not the instruction's\n",
			 g->name, gpa, r->eip);
		return MMIO_REFLECT;
	}
	regs_out(r, regs);
	res = check_access(g, &in, regs, cr2, gpa, &gpa);
	if (res != MMIO_DONE)
		return res;
	d = devices_find_bar(g, gpa);
	off = gpa - d->bar0;
	if (in.is_write) {
		/* A refused write (a bad value, a narrow width) is
		 * dropped, as virtio_pci.c documents. */
		virtio_bar_write(d, off, in.size, mmio_store_value(&in, regs));
	} else {
		bool ok;
		uint32_t v = virtio_bar_read(d, off, in.size, &ok);
		if (!ok)
			v = 0xFFFFFFFFu; /* as a missing register reads */
		mmio_complete_load(&in, regs, v);
		regs_in(r, regs);
	}
	r->eip += in.len;
	return MMIO_DONE;
}
