/*
 * exits.c - [Guest 5] running a guest: one trip in through the Switcher,
 * and whatever brought it back out.
 *
 * An exit is a hypercall, a trap to reflect, a port or a device register
 * to emulate, a page to map, the lazy FPU switch, or a hardware interrupt
 * that was ours all along.  Each is handled here and the guest goes back
 * in; the scheduler (sched.c) decides when it stops going back.
 */
#include "hv/dev/devices.h"
#include "hv/dev/ports.h"
#include "hv/core/core.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/machine/irq.h"
#include "hv/machine/power.h"
#include "hv/machine/smp.h"
#include "hv/mm/shadow.h"
#include "switcher/switcher.h"

static void handle_exit(struct guest *g, uint32_t status)
{
	struct trapframe *r = g->regs;
	uint32_t vec = r->trapno, mmio_gpa = 0, cr2;

	g->stats.exits++;
	if (status == TRAP_BAD_GUEST_STATE) {
		guest_kill(g,
			   "cannot resume it: reloading its segment "
			   "registers or its return frame faulted "
			   "(vector %u)",
			   switcher_here()->bad_vector);
		return;
	}
	/*
	 * [Guest 6] A hardware interrupt arrived while the guest ran: it is
	 * ours (the guest's devices are virtual), so serve it and go back in.
	 * The guest sees its own interrupts later, as virtual ones, when the
	 * device model raises them.
	 */
	if (vec == LGUEST_TRAP_ENTRY) {
		do_hypercall(g); /* the commonest exit: first */
		return;
	}
	if (irq_vector(vec))
		return; /* a line, or the local APIC's timer, error, spurious */
	switch (vec) {
	case T_GP:
		if (r->err == 0 && (r->cs & 3) == 1 && emulate_insn(g))
			return;
		/* A limit of the truncated view, perhaps: retry with the
		 * full one (segments.c).  If that was not it,
		 * the same #GP comes back and is the guest's. */
		if (r->err == 0 && (r->cs & 3) == 3 && guest_view_widen(g))
			return;
		deliver_trap(g, T_GP, true, r->err);
		return;
	/*
	 * [Guest 7] A page fault asks three questions, in this order: is it
	 * only a shadow entry we have not built yet (fixed, the guest never
	 * knows); is it an access to a device register (emulated); or is it the
	 * guest's own fault, by its own page tables (reflected, with cr2 set).
	 */
	case T_PAGE_FAULT:
		/* CR2 is read here only: nothing since the fault has
		 * touched an unmapped page. */
		cr2 = read_cr2();
		switch (shadow_page_fault(g, cr2, r->err, &mmio_gpa)) {
		case PF_FIXED:
		case PF_KILLED:
			return;
		case PF_MMIO:
			if (mmio_emulate(g, cr2, mmio_gpa, r->err) !=
			    MMIO_REFLECT)
				return;
			/* No register there, or an instruction we do not
			 * emulate: the guest's own fault (section 11.6). */
			__attribute__((fallthrough));
		case PF_REFLECT:
			lgd_write32(g, LGD(cr2), cr2);
			deliver_trap(g, T_PAGE_FAULT, true, r->err);
			return;
		}
		return;
	case T_NO_DEVICE:
		fpu_handle_nm(g);
		return;
	case T_NMI:
		/* Not the guest's: a panic's stop, or else report it, as
		 * hv_trap() does when one arrives in the hypervisor. */
		smp_nmi();
		pr_warn("hv: NMI while guest %s ran (eip %#x)\n", g->name,
			r->eip);
		return;
	case T_DOUBLE_FAULT:
		guest_kill(g, "double fault");
		return;
	case T_MACHINE_CHECK:
		panic("machine check while guest %s ran", g->name);
	}
	if (vec < NR_EXCEPTIONS || vec == LGUEST_SYSCALL_VEC)
		deliver_trap(g, vec, vector_has_error_code(vec), r->err);
	else
		guest_kill(g, "unexpected vector %u", vec);
}

/*
 * The Switcher's frame is the one place the CPU takes a guest's
 * registers from and puts them back, so the guest about to run keeps its
 * registers in its processor's frame (g->regs points at it) and an exit
 * copies nothing.  Only when another guest takes that frame, or g is
 * looked at from elsewhere (it moves, it is destroyed), do they move to
 * saved_regs.  Each processor has its frame, in its stack page.
 */
static struct guest *frame_owner[MAX_CPUS];

void guest_regs_unload(struct guest *g)
{
	for (unsigned c = 0; c < MAX_CPUS; c++) {
		if (frame_owner[c] != g)
			continue;
		g->saved_regs = *switcher_guest_frame(switcher_cpu(c));
		g->regs = &g->saved_regs;
		frame_owner[c] = NULL;
	}
}

static struct trapframe *guest_regs_load(struct guest *g, unsigned cpu)
{
	struct trapframe *f = switcher_guest_frame(switcher_cpu(cpu));

	if (frame_owner[cpu] != g) {
		if (frame_owner[cpu])
			guest_regs_unload(frame_owner[cpu]);
		guest_regs_unload(g); /* from where it ran before */
		*f = g->saved_regs;
		g->regs = f;
		frame_owner[cpu] = g;
	}
	return f;
}

/* One trip into the guest and back. */
void guest_enter_once(struct guest *g)
{
	unsigned cpu = cpu_index();
	struct trapframe *f;
	uint32_t status, cr3;

	guest_gdt_install(g);
	guest_idt_install(g, guest_view_enter(g) == GUEST_VIEW_TRUNCATED);
	fpu_prepare_entry(g);
	f = guest_regs_load(g, cpu);
	/* [Guest 8] Whatever the guest did to its flags: interrupts on (they
	 * are ours), IOPL 0 (so port I/O traps), no virtual-8086 or nested
	 * task. */
	f->eflags = (f->eflags | EFLAGS_IF | EFLAGS_RESERVED1) &
		    ~(EFLAGS_IOPL | EFLAGS_VM | EFLAGS_NT);
	BUG_ON((f->cs & 3) == 0 || (f->ss & 3) == 0);
	shadow_sync_tlb(g);
	cr3 = shadow_cr3(g);
	/* [Processors 7] No lock is held in a guest: the other processors
	 * serve their guests' exits meanwhile.  Nothing of g's is touched by
	 * them while it runs but what is shared on purpose (its devices'
	 * queues, its pending interrupts), and only under the lock. */
	hvlock_drop();
	status = switcher_enter(cr3, switcher_cpu(cpu));
	hvlock_take();
	handle_exit(g, status);
}
