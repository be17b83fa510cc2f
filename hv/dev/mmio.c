/*
 * mmio.c - [Devices 8] a guest touched the device window: find the
 * register, decode the instruction that faulted, and perform it (ABI
 * section 11.6).
 *
 * The window is never mapped, so every load or store there faults.  We
 * already know the guest-physical address (the shadow walk found it); the
 * instruction tells us the width, the direction and which register to
 * fill or read.  Then EIP moves past it, as if the device had answered.
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

bool mmio_emulate(struct guest *g, uint32_t gpa)
{
	struct virtio_dev *d = devices_find_bar(g, gpa);
	struct trapframe *r = &g->regs;
	uint8_t bytes[DECODE_MAX_LEN];
	unsigned avail;
	struct mmio_insn in;
	uint32_t regs[8], off;
	char err[48];

	if (!d)
		return false;
	avail = fetch_insn_bytes(g, r->eip, bytes, sizeof(bytes));
	if (!decode_mmio_insn(bytes, avail, &in, err, sizeof(err))) {
		pr_debug("hv: guest %s: MMIO at %#x by eip %#x: %s\n", g->name,
			 gpa, r->eip, err);
		return false;
	}
	off = gpa - d->bar0;
	if (off + in.size > VIRTIO_BAR_SIZE)
		return false;
	regs_out(r, regs);
	if (in.is_write) {
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
	return true;
}
