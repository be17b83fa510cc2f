/*
 * emulate.c - [Ports 2] the instructions a guest kernel may run in ring 1
 * that fault there: in, out and cli (ABI section 8.10), and hlt.
 *
 * They raise #GP(0) because IOPL is 0.  We read the instruction bytes at
 * the guest's CS:EIP, and if they are one of the forms below, perform it and
 * step over it.  Anything else is the guest's business: it gets its #GP.
 */
#include "hv/dev/ports.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/mm/guestvirt.h"

/* Pure (and unit-tested): decode a port instruction; see ports.h. */
bool decode_port_insn(const uint8_t *b, unsigned avail, struct port_insn *pi)
{
	unsigned i = 0;
	bool opsize16 = false;
	uint8_t op;

	*pi = (struct port_insn){ 0 };
	if (avail == 0)
		return false;
	if (b[0] == 0xFA) {
		pi->is_cli = true;
		pi->len = 1;
		return true;
	}
	if (b[0] == 0x66) {
		opsize16 = true;
		i = 1;
	}
	if (i >= avail)
		return false;
	op = b[i++];
	switch (op) {
	case 0xE4:
	case 0xE5:
	case 0xE6:
	case 0xE7:
		if (i >= avail)
			return false;
		pi->imm_port = true;
		pi->port = b[i++];
		break;
	case 0xEC:
	case 0xED:
	case 0xEE:
	case 0xEF:
		break;
	default:
		return false;
	}
	pi->in = (op & 0x02) == 0; /* E4/E5/EC/ED read */
	if (!(op & 0x01))
		pi->size = 1; /* even opcodes: 8-bit, prefix or not */
	else
		pi->size = opsize16 ? 2 : 4;
	pi->len = i;
	return true;
}

/*
 * A bare "hlt" in the guest kernel.  The Linux guest idles with the HALT
 * hypercall, but "halt" (as opposed to "poweroff") ends in a loop of real
 * hlt instructions with interrupts off.  ABI section 12 lets a hypervisor
 * take that as "halted for good" instead of reflecting the #GP (which
 * oopses the guest): nothing could ever wake it, so the guest stops, as
 * if powered off.  With virtual interrupts on, hlt is just an idle like
 * the HALT hypercall.
 */
static bool emulate_hlt(struct guest *g)
{
	uint32_t flags;

	if (!g->lguest_data)
		return false; /* no virtual IF yet: the guest's own #GP */
	flags = lgd_read32(g, LGD(irq_enabled));
	g->regs->eip += 1;
	if (!(flags & EFLAGS_IF)) {
		guest_stop(g, STOP_POWEROFF,
			   "halted (hlt with interrupts disabled)");
		return true;
	}
	g->halted = true;
	g->stats.halts++;
	return true;
}

bool emulate_insn(struct guest *g)
{
	uint8_t bytes[7];
	unsigned avail;
	struct port_insn pi;
	struct trapframe *r = g->regs;
	const char *why;
	uint16_t port;

	/* At CS.base + EIP, within CS's limit (guestvirt.c): a guest with a
	 * based code segment has its own instruction emulated, not the one
	 * at a plain EIP.  A CS that cannot be fetched from is its #GP. */
	if (!fetch_insn_bytes(g, bytes, sizeof(bytes), &avail, &why)) {
		pr_debug("hv: guest %s: #GP at eip %#x: %s\n", g->name, r->eip,
			 why);
		return false;
	}
	if (bytes[0] == 0xF4 && (r->cs & 3) == 1 && emulate_hlt(g))
		return true;
	if (!decode_port_insn(bytes, avail, &pi))
		return false;
	if (!pi.is_cli) {
		port = pi.imm_port ? pi.port : (uint16_t)(r->edx & 0xFFFF);
		if (pi.in) {
			uint32_t v = guest_port_in(g, port, pi.size);
			uint32_t keep =
				pi.size == 4 ? 0 : ~((1u << (pi.size * 8)) - 1);
			r->eax = (r->eax & keep) | v;
		} else {
			guest_port_out(
				g, port, pi.size,
				pi.size == 4
					? r->eax
					: r->eax & ((1u << (pi.size * 8)) - 1));
		}
	}
	r->eip += pi.len;
	return true;
}
