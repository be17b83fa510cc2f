/*
 * interrupts.c - [Interrupts 1] traps and virtual interrupts for a guest
 * (ABI section 8), and its clock (section 10).
 *
 * Every trap and interrupt a guest should see is delivered in software:
 * we push the frame the CPU would have pushed onto the guest's stack and
 * point the guest at its handler.  Virtual interrupts are a pending bitmap
 * here, masked by the guest's virtual IF (lguest_data.irq_enabled) and its
 * per-IRQ mask (blocked_interrupts).
 */
#include "hv/core/core.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"
#include "hv/mm/guestvirt.h"
#include "hv/mm/shadow.h"
#include "switcher/switcher.h"

/* ---- The guest's IDT (section 8.1). ---- */

void guest_load_idt_entry(struct guest *g, uint32_t vec, uint32_t lo,
			  uint32_t hi)
{
	struct guest_gate *gate;
	uint32_t type;

	/* [Interrupts 2] NMI, double fault, spurious and the hypercall vector
	 * are ours: silently ignored, and checked before the range, as in the
	 * ABI. */
	if (vec == T_NMI || vec == T_DOUBLE_FAULT || vec == T_RESERVED15 ||
	    vec == LGUEST_TRAP_ENTRY)
		return;
	if (vec >= 256) {
		guest_kill(g, "LOAD_IDT_ENTRY for vector %u", vec);
		return;
	}
	gate = &g->idt[vec];
	if (!(hi & DESC_HI_P)) {
		gate->present = false;
		return;
	}
	type = DESC_TYPE(hi);
	if (type != GATE_INTERRUPT && type != GATE_TRAP) {
		guest_kill(g, "bad IDT type %#x for vector %u", type, vec);
		return;
	}
	/* Keep offset, DPL and type; the selector is always the guest
	 * kernel's code segment, whatever the guest wrote. */
	gate->handler = (hi & 0xFFFF0000u) | (lo & 0xFFFF);
	gate->type = (uint8_t)type;
	gate->dpl = (uint8_t)((hi & DESC_HI_DPL_MASK) >> DESC_HI_DPL_SHIFT);
	gate->present = true;
	g->idt_changed = true;
}

/* ---- Direct delivery (section 8.2) ---- */

/* [Interrupts 3] May the CPU deliver vector v straight to the guest's handler?
 * Never the ones we must see first: NMI, double fault, #NM (lazy FPU), #GP
 * (port emulation), #PF (shadow paging), the hypercall vector, and no hardware
 * interrupt vector. */
static bool may_be_direct(unsigned v)
{
	if (v == LGUEST_SYSCALL_VEC)
		return true;
	return v < NR_EXCEPTIONS && v != T_NMI && v != T_NO_DEVICE &&
	       v != T_DOUBLE_FAULT && v != T_GP && v != T_PAGE_FAULT &&
	       v != T_RESERVED15 && v != LGUEST_TRAP_ENTRY;
}

/* Per processor: whose gates its IDT holds, and whether the owner's trap
 * gates are in. */
static const struct guest *idt_owner[MAX_CPUS];
static bool idt_direct[MAX_CPUS];

void guest_idt_forget(const struct guest *g)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (idt_owner[c] == g)
			idt_owner[c] = NULL;
}

/*
 * Before entering g: point the real IDT at the guest's own handler for
 * every vector it registered as a trap gate, so "int $0x80" from its user
 * space goes from ring 3 to ring 1 without visiting us.  The CPU then
 * switches to the ring-1 stack in our TSS (SET_STACK's values).  A trap
 * gate leaves IF alone, which matches the ABI: only interrupt gates clear
 * the virtual IF.  Everything else keeps our stub, and is reflected.
 *
 * Not with the full descriptor view loaded (direct false): a gate from
 * ring 3 would enter ring 1 with DS, ES, FS and GS still holding full
 * limits (segments.c).  Then every vector comes to us, and reflecting it
 * switches to the truncated view.
 */
void guest_idt_install(struct guest *g, bool direct)
{
	unsigned cpu = cpu_index();
	struct switcher_desc *d = switcher_here();

	d->tss.ss1 = (uint16_t)g->ss1;
	d->tss.esp1 = g->esp1;
	if (idt_owner[cpu] == g && !g->idt_changed && idt_direct[cpu] == direct)
		return;
	for (unsigned v = 0; v < 256; v++) {
		const struct guest_gate *gate = &g->idt[v];

		if (!may_be_direct(v))
			continue;
		if (direct && gate->present && gate->type == GATE_TRAP &&
		    g->ss1)
			idt_set_gate(d, v, gate->handler, GUEST_KERNEL_CS,
				     gate->dpl, GATE_TRAP);
		else
			switcher_default_gate(d, v);
	}
	idt_owner[cpu] = g;
	idt_direct[cpu] = direct;
	g->idt_changed = false;
}

/* ---- Reflecting a trap or interrupt (section 8.3). ---- */

static bool push32(struct guest *g, uint32_t *esp, uint32_t v)
{
	*esp -= 4;
	return copy_to_guest_virt(g, *esp, &v, 4);
}

/* Vectors whose reflected frame carries an error code (ABI 8.3). */
static bool pushes_error_code(unsigned vec)
{
	return vec < 32 && ((LGUEST_ERROR_CODE_VECTORS >> vec) & 1);
}

static bool virtual_if(struct guest *g)
{
	return lgd_read32(g, LGD(irq_enabled)) & EFLAGS_IF;
}

/* Point the guest at its handler (section 8.3 step 5). */
static void enter_handler(struct guest *g, const struct guest_gate *gate)
{
	g->regs->cs = GUEST_KERNEL_CS;
	g->regs->eip = gate->handler;
	g->regs->eflags &= ~(EFLAGS_TF | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT);
	if (gate->type == GATE_INTERRUPT)
		lgd_write32(g, LGD(irq_enabled), 0);
}

bool deliver_trap(struct guest *g, unsigned vec, bool has_err, uint32_t err)
{
	struct guest_gate *gate;
	uint32_t esp, ss, eflags;
	struct trapframe *r = g->regs;

	/*
	 * [Interrupts 4] Reflecting a trap (ABI 8.3): refuse what the guest
	 * cannot take, then build on the guest's own stack exactly the frame
	 * the CPU would have built, ring switch included, and enter its
	 * handler.
	 */
	if (vec >= 256 || vec == T_NMI || vec == T_DOUBLE_FAULT ||
	    vec == T_RESERVED15 || vec == LGUEST_TRAP_ENTRY ||
	    !g->idt[vec].present) {
		guest_kill(g, "unhandled trap %u (%s) at eip %#x", vec,
			   trap_name(vec), r->eip);
		return false;
	}
	gate = &g->idt[vec];
	eflags = r->eflags;
	if (!g->lguest_data || !virtual_if(g))
		eflags &= ~EFLAGS_IF;

	if ((r->ss & 3) != 1) {
		/* From user mode: switch to the ring-1 stack SET_STACK gave,
		 * and save the user's stack pointer first. */
		if (!g->ss1) {
			guest_kill(g, "trap %u from user mode before SET_STACK",
				   vec);
			return false;
		}
		esp = g->esp1;
		ss = g->ss1;
		if (!push32(g, &esp, r->ss) || !push32(g, &esp, r->esp))
			goto bad_stack;
	} else {
		esp = r->esp;
		ss = r->ss;
	}
	if (!push32(g, &esp, eflags) || !push32(g, &esp, r->cs) ||
	    !push32(g, &esp, r->eip))
		goto bad_stack;
	if (has_err && pushes_error_code(vec) && !push32(g, &esp, err))
		goto bad_stack;
	r->esp = esp;
	r->ss = ss;
	enter_handler(g, gate);
	g->stats.traps_reflected++;
	return true;

bad_stack:
	guest_kill(g,
		   "cannot write the frame for trap %u at stack %#x "
		   "(eip %#x)",
		   vec, esp, r->eip);
	return false;
}

/* ---- Virtual interrupts (sections 8.4, 8.5). ---- */

void guest_raise_irq(struct guest *g, unsigned irq)
{
	if (irq < LGUEST_IRQS) {
		g->irqs_pending |= 1u << irq;
		sched_wake(g);
	}
}

bool guest_deliverable_irq(struct guest *g, unsigned *irq)
{
	uint32_t ready;

	if (!g->lguest_data || !g->irqs_pending)
		return false;
	ready = g->irqs_pending & ~lgd_read32(g, LGD(blocked_interrupts));
	if (!ready)
		return false;
	*irq = (unsigned)__builtin_ctz(ready);
	return true;
}

void guest_write_time(struct guest *g)
{
	uint32_t t[2];

	time_wallclock(&t[0], &t[1]);
	lgd_write(g, LGD(time_sec), t, sizeof(t));
}

/* Deliver a virtual interrupt through gate vec, honouring noirq_iret. */
static bool deliver_irq(struct guest *g, unsigned vec)
{
	struct trapframe *r = g->regs;
	uint32_t flags;

	if (r->eip != g->noirq_iret || (r->cs & 3) != 1)
		return deliver_trap(g, vec, false, 0);
	/* [Interrupts 5] The guest is at its iret, with virtual interrupts
	 * already on but the frame not yet popped.  Reuse that frame rather
	 * than stack a new one on top of it: take its EFLAGS and enter the
	 * handler, whose own iret will complete the original return
	 * (section 8.5). */
	if (!copy_from_guest_virt(g, &flags, r->esp + 8, 4)) {
		guest_kill(g, "cannot read the iret frame at %#x", r->esp + 8);
		return false;
	}
	r->eflags = flags & ~(EFLAGS_TF | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT);
	enter_handler(g, &g->idt[vec]);
	g->stats.traps_reflected++;
	return true;
}

/* irq_pending as the guest last saw it from us: the guest only reads it
 * (ABI 6), so a write that would not change it is skipped.  This runs
 * before every entry. */
static void show_irq_pending(struct guest *g, uint32_t v)
{
	if (g->irq_pending_shown == v)
		return;
	lgd_write32(g, LGD(irq_pending), v);
	g->irq_pending_shown = v;
}

/* [Interrupts 6] Before every entry into the guest (section 8.4). */
void deliver_pending_irq(struct guest *g)
{
	unsigned irq, vec;

	if (!guest_deliverable_irq(g, &irq)) {
		show_irq_pending(g, 0);
		return;
	}
	if (g->halted) {
		/* Waking from HALT is "sti; hlt" completing. */
		lgd_write32(g, LGD(irq_enabled), EFLAGS_IF);
		g->halted = false;
	} else if (!virtual_if(g)) {
		show_irq_pending(g, LGUEST_IRQ_PENDING);
		return;
	}
	vec = IRQ_BASE + irq;
	if (g->idt[vec].present) {
		g->irqs_pending &= ~(1u << irq);
		if (!deliver_irq(g, vec))
			return;
		g->stats.irqs_delivered++;
	}
	guest_write_time(g);
	show_irq_pending(g, guest_deliverable_irq(g, &irq) ? LGUEST_IRQ_PENDING
							 : 0);
}

/* ---- The clock event device (section 10). ---- */

static struct guest *clock_owner(struct hv_timer *t)
{
	return (struct guest *)((char *)t -
				__builtin_offsetof(struct guest, clock));
}

static void clock_fired(struct hv_timer *t)
{
	guest_raise_irq(clock_owner(t), 0);
}

void guest_set_clockevent(struct guest *g, uint32_t ns)
{
	g->clock.fn = clock_fired;
	if (ns == 0) {
		timer_cancel(&g->clock);
		return;
	}
	timer_arm(&g->clock, time_now_ns() + ns);
}
