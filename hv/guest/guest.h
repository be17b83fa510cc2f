/*
 * guest.h - a guest: its memory, its one virtual CPU, and everything the
 * hypervisor remembers on its behalf between exits.
 *
 * The register state lives in `regs` (a struct trapframe, the same shape
 * the Switcher saves and restores).  The guest's view of its descriptor
 * tables (GDT, IDT), its virtual interrupt state and its timer are here
 * too; the real tables are loaded from these on entry.
 */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include "hv/include/layout.h"
#include "hv/include/lguest.h"
#include "hv/include/trapframe.h"
#include "hv/include/x86.h"
#include "hv/lib/lib.h"
#include "hv/machine/time.h"
#include "hv/setup/options.h"

enum guest_state {
	GUEST_RUNNING,
	GUEST_STOPPED, /* powered off or killed; see stop_reason */
};

enum stop_reason {
	STOP_NONE,
	STOP_POWEROFF,
	STOP_RESTART,
	STOP_KILLED,
};

/* A guest's IDT entry, reduced to what the ABI keeps (section 8.1). */
struct guest_gate {
	uint32_t handler;
	uint8_t type; /* GATE_INTERRUPT or GATE_TRAP */
	uint8_t dpl;
	bool present;
};

struct guest_stats {
	uint64_t exits, hypercalls, async_hypercalls, irqs_delivered;
	uint64_t traps_reflected, port_io, halts, page_faults;
	uint64_t fpu_switches;
	uint64_t cpu_cycles; /* TSC cycles of its slices (sched.c), ours
				included */
	uint32_t
		by_hypercall[LHCALL_NR]; /* synchronous and queued, by number */
	uint32_t flushes_all; /* FLUSH_TLB(1): every shadow emptied */
	uint64_t view_switches; /* to the full view, on a #GP (segments.c) */
};

/* Which of the two real GDTs a guest runs with (hv/core/segments.c). */
enum guest_view {
	GUEST_VIEW_TRUNCATED, /* every segment ends below the region */
	GUEST_VIEW_FULL,      /* DPL-3 data whole: ring 3 only */
};

struct shadow;
struct guest_devices;

#define DEBUG_LINE_MAX 160 /* early console output is printed by lines */

struct guest {
	int id;
	const struct guest_config *cfg;
	char name[GUEST_NAME_MAX];

	/* RAM: one contiguous machine block; GPA x is at mem + x. */
	uint8_t *mem;
	uint32_t mem_size;
	uint32_t kernel_entry, kernel_end;
	/* The device window [mem_size, mmio_end): never mapped, so every
	 * access traps and is emulated (empty until devices exist). */
	uint32_t mmio_end;

	/* Its registers: the Switcher's frame while it is the guest whose
	 * registers the CPU will next load (hv/core/exits.c), so that an
	 * exit copies nothing; saved_regs otherwise.  Always use regs. */
	struct trapframe *regs;
	struct trapframe saved_regs;

	enum guest_state state;
	enum stop_reason stop_reason;
	unsigned restarts;
	uint64_t started_ns; /* when it last booted (time_now_ns) */

	/* Where it runs (hv/core/sched.c): the processor whose scheduler
	 * owns it, and whether that one is in a slice of it now (then no
	 * other processor may free or reset it: sched_wait_off_cpu()). */
	unsigned cpu;
	bool pinned;
	volatile bool on_cpu;
	unsigned moves;
	uint64_t moved_ns; /* when it last moved (time_now_ns) */
	uint64_t woken_ns; /* made ready while halted, not yet entered; or 0 */

	/* Set by LGUEST_INIT (section 3). */
	uint32_t lguest_data; /* GPA, 0 until registered */
	uint32_t noirq_iret, kernel_address;
	unsigned hcall_cursor; /* next async ring slot to look at */

	/* Segments (section 7) and the ring-1 stack (SET_STACK). */
	struct desc gdt[GDT_ENTRIES];
	uint32_t ss1, esp1, stack_pages;
	enum guest_view view;
	uint32_t view_diff; /* bit n: slot n differs between the views */

	/* Traps and interrupts (section 8). */
	struct guest_gate idt[256];
	bool idt_changed;      /* reload the direct gates on the next entry */
	uint32_t irqs_pending; /* bit n: IRQ n raised, not yet delivered */
	uint32_t irq_pending_shown; /* lguest_data.irq_pending as we wrote it */
	bool halted;

	/* FPU (section 8.9): the guest's TS flag and its saved state. */
	bool ts;
	uint8_t fpu_state[512] __attribute__((aligned(16)));

	/* The one-shot clock event (section 10). */
	struct hv_timer clock;

	/* Shadow page tables (hv/mm/shadow.c): one page of bookkeeping,
	 * allocated with the guest's first address space. */
	struct shadow *shadow;

	/* Devices (ABI section 11): the PCI bus, what is on it, the legacy
	 * timer channel (hv/dev/devices.h); allocated by devices_create(). */
	struct guest_devices *dev;

	/* The early console's line in progress (hv/guest/debugcon.c). */
	struct {
		char buf[DEBUG_LINE_MAX];
		unsigned len;
	} debug_line;
	/* Whether its console output goes to the screen too: it has the
	 * console (hv/dev/devices.c keeps this true of the guest typed
	 * input goes to and of no other; of none between that guest's end
	 * and the next input).  The monitor's prompt does not take it: the
	 * last guest to have the console keeps it meanwhile. */
	bool has_console;

	struct guest_stats stats;
};

/*
 * What every room may do to a guest.  They are implemented above this
 * room, where guests are run (hv/core/lifecycle.c, sched.c,
 * interrupts.c), and declared here so that the shadow page tables or a
 * device can kill a guest, stop it or interrupt it without depending on
 * the code that runs it.
 */
void guest_kill(struct guest *g, const char *fmt, ...) __printf(2, 3);
void guest_stop(struct guest *g, enum stop_reason why, const char *msg);
static inline bool guest_alive(const struct guest *g)
{
	return g->state == GUEST_RUNNING;
}
/* The first guest still running, or NULL. */
struct guest *guest_first_alive(void);
/* Wake the scheduler's attention: an interrupt was raised for g. */
void guest_raise_irq(struct guest *g, unsigned irq);

/* guestmem.c: every access to guest memory goes through these. */
bool guest_range_ok(const struct guest *g, uint32_t gpa, uint32_t len);
__must_check bool copy_from_guest(const struct guest *g, void *dst,
				  uint32_t gpa, uint32_t len);
__must_check bool copy_to_guest(struct guest *g, uint32_t gpa, const void *src,
				uint32_t len);
__must_check bool guest_read32(const struct guest *g, uint32_t gpa,
			       uint32_t *v);
__must_check bool guest_write32(struct guest *g, uint32_t gpa, uint32_t v);
/* A pointer to [gpa, gpa+len) in guest RAM for the moment, or NULL if
 * any of it lies outside.  For bulk device I/O only. */
__must_check void *guest_ptr(struct guest *g, uint32_t gpa, uint32_t len);
/* The guest-virtual doors are hv/mm/guestvirt.h. */

/*
 * lguest_data fields (ABI 6), by offset: LGD(irq_enabled).  The guest's
 * copy is only ever reached by guest-physical address, a field at a time,
 * because the guest may change it under us at any moment.
 *
 * These cannot fail, so they return nothing: LGUEST_INIT accepts the
 * structure only if all of it lies inside the guest's RAM, and RAM never
 * moves or shrinks.  Before LGUEST_INIT there is no structure: reads give
 * 0 and writes go nowhere, as for a guest that never registered one.
 */
#define LGD(field) offsetof(struct lguest_data, field)
void lgd_read(const struct guest *g, uint32_t off, void *dst, uint32_t len);
void lgd_write(struct guest *g, uint32_t off, const void *src, uint32_t len);
uint32_t lgd_read32(const struct guest *g, uint32_t off);
void lgd_write32(struct guest *g, uint32_t off, uint32_t v);

#endif
