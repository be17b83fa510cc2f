/*
 * segments.c - [Segments 1] the guest's GDT entries (ABI section 7).
 *
 * A guest supplies descriptors with LOAD_GDT_ENTRY and LOAD_TLS; the CPU
 * uses them for real once they are copied into the GDT in the Switcher's
 * descriptor page.  So every entry is sanitised before we keep it:
 *
 *  - DPL 0 becomes DPL 1: the guest kernel runs in ring 1, and a ring-0
 *    segment in its hands could only be a way into ours;
 *  - the accessed bit is set, because the real GDT is read-only in the
 *    guest's address space and the CPU could not set it there;
 *  - any present system descriptor (call gate, task gate, TSS, LDT) is
 *    stored as zero.  Linux never needs one, and a call gate is exactly
 *    how a guest would try to jump into the hypervisor's ring-0 code
 *    segment.  (The lguest reference accepted them: our hardening.)
 *
 * Slots 10, 11, 16 and 31 are the hypervisor's.  Guest writes to them are
 * kept but never reach the real GDT.
 *
 * Then each entry is cut short of the hypervisor region
 * (desc_limit.c), because paging cannot keep ring 1 out: ring 1 is
 * "supervisor" to it.  There are two real GDTs, two views of the same
 * entries (docs/segment-views.md):
 *
 *  - the truncated view, every segment ending below GUEST_H, where the
 *    hypervisor region begins (hv/mm/paging.h); loaded whenever the
 *    guest is entered in ring 1 (or 2), so the Switcher's pops of DS,
 *    ES, FS and GS and the iret's CS and SS all come from it, and
 *    whatever ring 1 loads later does too;
 *  - the full view, the same except that DPL-3 data keeps its 4 GiB
 *    limit: glibc's TLS reads at negative %gs offsets, which wrap round
 *    through the region.  Only ring 3 runs with it, which paging keeps
 *    out of the region.  A ring-3 #GP(0) under the truncated view, in a
 *    guest whose views differ, switches to it and retries.
 *
 * Ring 3 cannot reach ring 1 without us while the full view is loaded:
 * call and task gates are never stored, the IDT then holds no direct
 * gate (interrupts.c), and SYSENTER and SYSCALL are off (cpu.c).
 */
#include "hv/core/core.h"
#include "hv/core/desc_limit.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/mm/paging.h"
#include "switcher/switcher.h"

static bool hypervisor_slot(uint32_t idx)
{
	return idx == GDT_HV_CS || idx == GDT_HV_DS || idx == GDT_HV_TSS ||
	       idx == GDT_HV_SPARE;
}

/* [Segments 2] Pure: what a guest descriptor becomes in the real GDT. */
static struct desc sanitize_gdt_entry(struct desc d)
{
	if (!(d.hi & DESC_HI_S)) {
		/* System descriptor (or an empty slot, which has S = 0 too). */
		/* LAB call-gate: BEGIN SOLUTION */
		if (d.hi & DESC_HI_P)
			d.lo = d.hi = 0;
		/* LAB call-gate: END */
		return d;
	}
	if ((d.hi & DESC_HI_DPL_MASK) == 0)
		d.hi |= 1u << DESC_HI_DPL_SHIFT;
	d.hi |= DESC_HI_ACCESSED;
	return d;
}

/* Each processor's real GDTs hold the entries of the guest that last ran
 * there; it has one of them loaded (switcher_load_tables() loaded the
 * truncated one). */
static const struct guest *gdt_owner[MAX_CPUS];
static enum guest_view loaded_view[MAX_CPUS]; /* 0: GUEST_VIEW_TRUNCATED */
_Static_assert(GUEST_VIEW_TRUNCATED == 0, "loaded_view starts truncated");

#ifdef HV_SELFTEST
bool views_eager_full;
#else
#define views_eager_full false
#endif

/* [Segments 4] Slot i of g into both real GDTs, each view of it: the
 * truncated one in gdt, the full one in gdt_full (switcher.h). */
static void install_slot(struct guest *g, uint32_t i)
{
	uint32_t base = GUEST_H;
	struct desc t = desc_truncate(g->gdt[i], base);
	struct desc f = desc_full_view(g->gdt[i], base);
	struct switcher_desc *d = switcher_here();

	BUG_ON(!desc_reach_below(t, base));
	d->gdt[i] = t;
	d->gdt_full[i] = f;
	if (t.lo != f.lo || t.hi != f.hi)
		g->view_diff |= 1u << i;
	else
		g->view_diff &= ~(1u << i);
}

/* A guest slot changed (by g, on its own processor): straight into the
 * real GDTs if they are g's, else at g's next entry. */
static void slot_changed(struct guest *g, uint32_t i)
{
	if (gdt_owner[cpu_index()] == g)
		install_slot(g, i);
}

/* No processor's GDTs hold g's entries any more: g is being reset, or has
 * moved away from them (its next entry anywhere installs them all). */
void guest_gdt_forget(const struct guest *g)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (gdt_owner[c] == g)
			gdt_owner[c] = NULL;
}

void guest_gdt_init(struct guest *g)
{
	hv_memset(g->gdt, 0, sizeof(g->gdt));
	/* Flat 4 GiB ring-1 code and data, accessed (section 2.5). */
	g->gdt[GUEST_GDT_KERNEL_CS].lo = 0x0000FFFF;
	g->gdt[GUEST_GDT_KERNEL_CS].hi = 0x00CFBB00;
	g->gdt[GUEST_GDT_KERNEL_DS].lo = 0x0000FFFF;
	g->gdt[GUEST_GDT_KERNEL_DS].hi = 0x00CFB300;
	g->view = GUEST_VIEW_TRUNCATED;
	g->view_diff = 0;
	guest_gdt_forget(g);
}

void guest_load_gdt_entry(struct guest *g, uint32_t idx, uint32_t lo,
			  uint32_t hi)
{
	struct desc d = { lo, hi };

	if (idx >= GDT_ENTRIES) {
		guest_kill(g, "LOAD_GDT_ENTRY index %u (the GDT has %u)", idx,
			   GDT_ENTRIES);
		return;
	}
	if (hypervisor_slot(idx)) {
		g->gdt[idx] = d; /* kept, never used */
		return;
	}
	g->gdt[idx] = sanitize_gdt_entry(d);
	slot_changed(g, idx);
}

void guest_load_tls(struct guest *g, uint32_t gpa)
{
	struct desc tls[GUEST_TLS_ENTRIES];

	if (!copy_from_guest(g, tls, gpa, sizeof(tls))) {
		guest_kill(g, "LOAD_TLS from %#x, outside its RAM", gpa);
		return;
	}
	for (unsigned i = 0; i < GUEST_TLS_ENTRIES; i++) {
		g->gdt[GUEST_GDT_TLS_MIN + i] = sanitize_gdt_entry(tls[i]);
		slot_changed(g, GUEST_GDT_TLS_MIN + i);
	}
}

/* Before entering g: put its entries into the real GDT if they are not
 * there already.  Our own slots are left as they are. */
void guest_gdt_install(struct guest *g)
{
	unsigned cpu = cpu_index();

	if (gdt_owner[cpu] == g)
		return;
	for (uint32_t i = 0; i < GDT_ENTRIES; i++)
		if (!hypervisor_slot(i))
			install_slot(g, i);
	gdt_owner[cpu] = g;
}

/*
 * [Segments 5] Just before entering g (after guest_gdt_install()): the
 * view it runs with, loaded.  Anything but ring 3 gets the truncated one,
 * always: that is what makes reflecting a trap into the guest kernel
 * safe, since the Switcher's return path reloads every segment register
 * from the GDT loaded now.  Ring 3 keeps the view it had.
 */
enum guest_view guest_view_enter(struct guest *g)
{
	unsigned cpu = cpu_index();

	if ((g->regs->cs & 3) != 3 || !g->view_diff)
		g->view = GUEST_VIEW_TRUNCATED;
	else if (views_eager_full)
		g->view = GUEST_VIEW_FULL; /* selftest=full-view */
	if (g->view != loaded_view[cpu]) {
		struct switcher_desc *d = switcher_here();
		const struct desc *gdt =
			g->view == GUEST_VIEW_FULL ? d->gdt_full : d->gdt;

		lgdt((uint32_t)(uintptr_t)gdt, GDT_ENTRIES * 8 - 1);
		loaded_view[cpu] = g->view;
	}
	return g->view;
}

/* A #GP(0) from ring 3: if a truncated limit may be why, the full view
 * and the same instruction again.  False: the #GP is the guest's. */
bool guest_view_widen(struct guest *g)
{
	if (g->view == GUEST_VIEW_FULL || !g->view_diff)
		return false;
	g->view = GUEST_VIEW_FULL;
	g->stats.view_switches++;
	return true;
}
