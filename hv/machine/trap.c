/*
 * trap.c - [Trap 1] traps taken while the hypervisor itself runs.
 *
 * switcher.S sends every vector here when the interrupted code was ring 0.
 * Hardware interrupts are expected (we take them when idle); anything else
 * is a bug in the hypervisor and ends in panic_trap() with a register dump.
 * Traps from guests never come here: they return from switcher_enter().
 */
#include "hv/include/layout.h"
#include "hv/include/trapframe.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/irq.h"
#include "hv/machine/smp.h"

void hv_trap(struct trapframe *tf);

void hv_trap(struct trapframe *tf)
{
	bool took;

	if (tf->trapno == T_NMI) {
		/* Nothing here arms NMIs (no watchdog) but a panic's stop;
		 * one that comes anyway (a front-panel button, a chipset
		 * error) is reported, and the machine goes on.  No lock:
		 * the NMI may have come in the middle of its holder. */
		smp_nmi();
		pr_warn("hv: NMI at eip %#x (cpu %u)\n", tf->eip, cpu_index());
		return;
	}
	/* An interrupt in idle, where the lock was let go: take it for the
	 * handler.  Anywhere else this processor holds it already. */
	took = !hvlock_held();
	if (took)
		hvlock_take();
	if (irq_vector(tf->trapno)) {
		/* a line, or one of the local APIC's vectors */
	} else if (tf->trapno == T_GP &&
		   tf->eip == (uint32_t)(uintptr_t)seglimit_probe_insn) {
		/* The answer cpu_enforces_segment_limits() asks for. */
		seglimit_probe_faulted = true;
		tf->eip = (uint32_t)(uintptr_t)seglimit_probe_resume;
	} else {
		panic_trap(tf);
	}
	if (took)
		hvlock_drop();
}
