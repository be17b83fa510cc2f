/*
 * fpu.c - [FPU 1] the guests' x87/SSE state, switched lazily (ABI 8.9).
 *
 * The hypervisor never uses the FPU itself (it is built without FPU and
 * SSE code), so the registers in the CPU always belong to one guest: the
 * "owner".  While some other guest runs we keep CR0.TS set, so its first
 * FPU instruction raises #NM; then we save the owner's registers, load the
 * new guest's, and let it go on.  A guest's own TS flag (the TS hypercall)
 * also sets CR0.TS, and then #NM is the guest's to handle.
 */
#include "hv/core/core.h"
#include "hv/guest/guest.h"
#include "hv/include/percpu.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"

/* Each processor's registers are one guest's: per processor, whose.  A
 * guest that moves to another processor takes its state along first
 * (fpu_leave_cpu()). */
static struct guest *owners[MAX_CPUS];

static void save_state(struct guest *g)
{
	if (cpu_has(CPU_FXSR))
		__asm__ volatile("fxsave %0" : "=m"(g->fpu_state));
	else
		__asm__ volatile("fnsave %0" : "=m"(g->fpu_state));
}

static void load_state(struct guest *g)
{
	if (cpu_has(CPU_FXSR))
		__asm__ volatile("fxrstor %0" : : "m"(g->fpu_state));
	else
		__asm__ volatile("frstor %0" : : "m"(g->fpu_state));
}

static void clts(void)
{
	__asm__ volatile("clts");
}

/* A fresh guest's FPU is in the state "fninit" leaves; we build that image
 * by doing it, so its format matches whatever save_state() uses. */
void fpu_guest_init(struct guest *g)
{
	struct guest **owner = &owners[cpu_index()];

	clts(); /* FPU instructions in ring 0 must not trap either */
	if (*owner)
		save_state(*owner);
	__asm__ volatile("fninit");
	if (cpu_has(CPU_SSE)) {
		uint32_t mxcsr = 0x1F80; /* all exceptions masked */
		__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	}
	save_state(g);
	/* The CPU's registers are the owner's again (fnsave reinitialises
	 * them, and fninit did anyway). */
	if (*owner)
		load_state(*owner);
}

/* Before entering g: CR0.TS must trap its FPU use unless it owns the FPU
 * and has not set its own TS. */
void fpu_prepare_entry(struct guest *g)
{
	struct guest **owner = &owners[cpu_index()];
	uint32_t cr0 = read_cr0();
	bool want_ts = g->ts || *owner != g;

	if (want_ts != !!(cr0 & CR0_TS))
		write_cr0(want_ts ? cr0 | CR0_TS : cr0 & ~CR0_TS);
}

void fpu_handle_nm(struct guest *g)
{
	struct guest **owner = &owners[cpu_index()];

	/*
	 * [FPU 2] Whose #NM is this? If the guest set its own TS it asked to be
	 * told: it switches its processes' FPU state lazily, so reflect.  Else
	 * it is ours: hand the FPU over, and the guest never notices.
	 */
	if (g->ts) {
		/* The guest asked for this trap: it is lazy-switching its own
		 * tasks' FPU state. */
		deliver_trap(g, T_NO_DEVICE, false, 0);
		return;
	}
	clts();
	if (*owner != g) {
		if (*owner)
			save_state(*owner);
		load_state(g);
		*owner = g;
		g->stats.fpu_switches++;
	}
}

void fpu_guest_gone(struct guest *g)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (owners[c] == g)
			owners[c] = NULL;
}

/* On g's processor, before g moves away from it: its registers into
 * fpu_state, where the next processor will find them. */
void fpu_leave_cpu(struct guest *g)
{
	struct guest **owner = &owners[cpu_index()];

	if (*owner != g)
		return;
	clts();
	save_state(g);
	*owner = NULL;
	write_cr0(read_cr0() | CR0_TS);
}
