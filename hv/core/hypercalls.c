/*
 * hypercalls.c - [Hypercalls 1] what a guest asks of us with int $0x1F
 * (ABI sections 4 and 5).
 *
 * EAX holds the call number, EBX, ECX and EDX the arguments.  No call
 * returns a value and every register is preserved.  A call that breaks
 * the rules kills the guest: the ABI has no error returns, so a guest
 * that sends nonsense is broken or hostile, and either way must stop.
 *
 * Before each synchronous call we run the calls the guest queued in the
 * asynchronous ring inside lguest_data, in ring order (section 4.1).
 */
#include "hv/core/core.h"
#include "hv/dev/guest_tsc.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"
#include "hv/mm/paging.h"
#include "hv/mm/shadow.h"

/* The hypervisor region as the guest sees it: 4 GiB minus H. */
#define RESERVE_MEM (0u - GUEST_H)

static void lguest_init(struct guest *g, uint32_t gpa)
{
	uint32_t syscall_vec, tsc;

	if (g->lguest_data) {
		guest_kill(g, "LGUEST_INIT again: already have lguest_data");
		return;
	}
	/*
	 * [Hypercalls 2] The one check that makes every later access to
	 * lguest_data safe: all of it inside RAM (lgd_read and lgd_write rely
	 * on it and cannot fail).
	 */
	if (!guest_range_ok(g, gpa, sizeof(struct lguest_data))) {
		guest_kill(g,
			   "LGUEST_INIT with lguest_data at %#x, outside "
			   "its RAM",
			   gpa);
		return;
	}
	g->lguest_data = gpa;
	/* Known to be 0, so deliver_pending_irq() need not write it again
	 * until it changes. */
	lgd_write32(g, LGD(irq_pending), 0);
	g->irq_pending_shown = 0;
	/* The TSC's rate if the hypervisor stands behind it, else 0 and
	 * the guest uses lguest_data.time (section 10; hv/dev/guest_tsc.c
	 * has the rule). */
	tsc = guest_tsc_khz();
	lgd_write32(g, LGD(tsc_khz), tsc);
	syscall_vec = lgd_read32(g, LGD(syscall_vec));
	if (syscall_vec != LGUEST_SYSCALL_VEC) {
		guest_kill(g, "bad syscall vector %#x (only 0x80 is served)",
			   syscall_vec);
		return;
	}
	g->noirq_iret = lgd_read32(g, LGD(noirq_iret));
	guest_write_time(g);
	g->kernel_address = lgd_read32(g, LGD(kernel_address));
	if (g->kernel_address >= GUEST_H) {
		guest_kill(g,
			   "kernel_address %#x is inside the hypervisor "
			   "region (%#x)",
			   g->kernel_address, GUEST_H);
		return;
	}
	lgd_write32(g, LGD(reserve_mem), RESERVE_MEM);
	shadow_discard_all(g);
}

static void set_stack(struct guest *g, uint32_t ss, uint32_t esp,
		      uint32_t pages)
{
	if ((ss & 3) != 1) {
		guest_kill(g, "SET_STACK with selector %#x, not ring 1", ss);
		return;
	}
	if (pages > 2) {
		guest_kill(g, "SET_STACK with %u pages (at most 2)", pages);
		return;
	}
	if (!g->ss1)
		g->idt_changed = true; /* direct gates need a ring-1 stack */
	g->ss1 = ss;
	g->esp1 = esp;
	g->stack_pages = pages;
	if (!shadow_pin_stack(g))
		guest_kill(g,
			   "bad stack page: SET_STACK(%#x) is not mapped "
			   "writable",
			   esp);
}

static void shutdown(struct guest *g, uint32_t gpa, uint32_t how)
{
	char msg[128];
	uint32_t n = 0;

	/* Up to 127 bytes or the first NUL, inside RAM; an unreadable
	 * address is an empty message, never a reason to ignore the
	 * request (the ABI's recommendation, section 5). */
	for (n = 0; n < sizeof(msg) - 1; n++) {
		if (gpa + n < gpa || !copy_from_guest(g, &msg[n], gpa + n, 1) ||
		    !msg[n])
			break;
	}
	msg[n] = 0;
	for (uint32_t i = 0; i < n; i++)
		if (msg[i] < 0x20 || msg[i] > 0x7E)
			msg[i] = '?'; /* keep the console readable */
	guest_stop(g,
		   how == LGUEST_SHUTDOWN_RESTART ? STOP_RESTART
						  : STOP_POWEROFF,
		   msg);
}

/* LAB hypercall: BEGIN SOLUTION */
/*
 * GUEST_STATS (ABI 5; ours, not Linux's): the guest's own counters,
 * copied into its memory.  They say nothing about any other guest, so
 * there is nothing to hide; the only check is the one every write into
 * a guest needs, that the buffer is inside its RAM.  A guest that knows
 * fewer fields asks for fewer bytes.
 */
static void stats_to_guest(struct guest *g, uint32_t gpa, uint32_t len)
{
	const struct guest_stats *s = &g->stats;
	struct lguest_stats out = {
		.exits = s->exits,
		.hypercalls = s->hypercalls,
		.async_hypercalls = s->async_hypercalls,
		.page_faults = s->page_faults,
		.irqs = s->irqs_delivered,
		.cpu_ns = time_cycles_to_ns(s->cpu_cycles),
		.cpu = g->cpu,
		.cpu_moves = g->moves,
	};

	if (!copy_to_guest(g, gpa, &out, MIN(len, (uint32_t)sizeof(out))))
		guest_kill(g, "GUEST_STATS to %#x (%u bytes), outside its RAM",
			   gpa, len);
}
/* LAB hypercall: END */

/* One hypercall, synchronous or from the ring. */
static void dispatch(struct guest *g, uint32_t nr, uint32_t a1, uint32_t a2,
		     uint32_t a3)
{
	if (nr < ARRAY_SIZE(g->stats.by_hypercall))
		g->stats.by_hypercall[nr]++;
	/*
	 * [Hypercalls 3] Every call but LGUEST_INIT needs lguest_data first,
	 * and a number the ABI does not define kills the guest (ABI 5):
	 * hypercalls never return an error, so a guest that asks for the
	 * impossible is broken, not merely refused.
	 */
	if (!g->lguest_data && nr != LHCALL_LGUEST_INIT) {
		guest_kill(g, "hypercall %u before LGUEST_INIT", nr);
		return;
	}
	switch (nr) {
	case LHCALL_FLUSH_ASYNC:
	case LHCALL_SEND_INTERRUPTS:
		/* Nothing to do: the drain before this call, or the
		 * interrupt check after it, is the point. */
		break;
	case LHCALL_LGUEST_INIT:
		lguest_init(g, a1);
		break;
	case LHCALL_SHUTDOWN:
		shutdown(g, a1, a2);
		break;
	case LHCALL_NEW_PGTABLE:
		shadow_new_pgtable(g, a1);
		break;
	case LHCALL_FLUSH_TLB:
		shadow_flush_tlb(g, a1 != 0);
		break;
	case LHCALL_LOAD_IDT_ENTRY:
		guest_load_idt_entry(g, a1, a2, a3);
		break;
	case LHCALL_SET_STACK:
		set_stack(g, a1, a2, a3);
		break;
	case LHCALL_TS:
		g->ts = a1 != 0;
		break;
	case LHCALL_SET_CLOCKEVENT:
		guest_set_clockevent(g, a1);
		break;
	case LHCALL_HALT:
		g->halted = true;
		g->stats.halts++;
		break;
	case LHCALL_SET_PTE:
		shadow_set_pte(g, a1, a2, a3);
		break;
	case LHCALL_SET_PGD:
		shadow_set_pgd(g, a1, a2);
		break;
	case LHCALL_LOAD_TLS:
		guest_load_tls(g, a1);
		break;
	case LHCALL_LOAD_GDT_ENTRY:
		guest_load_gdt_entry(g, a1, a2, a3);
		break;
	/* LAB hypercall: BEGIN SOLUTION */
	case LHCALL_GUEST_STATS:
		stats_to_guest(g, a1, a2);
		break;
	/* LAB hypercall: END */
	default: /* including SET_PMD: this is a two-level, non-PAE ABI */
		guest_kill(g, "bad hypercall %u", nr);
		break;
	}
}

/* Run what the guest queued in lguest_data's ring (section 4.1). */
static void drain_async_ring(struct guest *g)
{
	uint8_t status[LHCALL_RING_SIZE];
	const uint8_t done = LHCALL_SLOT_FREE;

	/* Mostly the ring is empty: one byte says so. */
	lgd_read(g, LGD(hcall_status[g->hcall_cursor]), status, 1);
	if (status[0] == LHCALL_SLOT_FREE)
		return;
	/* One snapshot: slots the guest fills while we work wait for the
	 * next hypercall, as they would under the reference host. */
	lgd_read(g, LGD(hcall_status), status, sizeof(status));
	for (unsigned n = 0; n < LHCALL_RING_SIZE && guest_alive(g); n++) {
		unsigned slot = g->hcall_cursor;
		uint32_t args[5];

		if (status[slot] == LHCALL_SLOT_FREE)
			break;
		g->hcall_cursor = (slot + 1) % LHCALL_RING_SIZE;
		lgd_read(g, LGD(hcalls[slot]), args, sizeof(args));
		g->stats.async_hypercalls++;
		dispatch(g, args[0], args[1], args[2], args[3]);
		lgd_write(g, LGD(hcall_status[slot]), &done, 1);
	}
}

void do_hypercall(struct guest *g)
{
	struct trapframe *r = g->regs;

	g->stats.hypercalls++;
	/*
	 * [Hypercalls 4] The queued calls first, in ring order, then the one
	 * in the registers: the guest queued them earlier, and a page-table
	 * update it queued must be in place before the NEW_PGTABLE it makes
	 * now.
	 */
	if (g->lguest_data)
		drain_async_ring(g);
	if (guest_alive(g))
		dispatch(g, r->eax, r->ebx, r->ecx, r->edx);
}
