/*
 * fpu.c - [Pvguest 9] each process's x87/SSE registers, switched eagerly.
 *
 * The kernel itself never uses the FPU (it is compiled with
 * -mgeneral-regs-only, and the asm here only moves the registers to and
 * from memory), so the registers in the CPU always belong to the process
 * that runs.  At every switch, switch_to() (proc.c) saves the old one's
 * into its struct proc with "fxsave" and loads the new one's with
 * "fxrstor".
 *
 * Why eagerly, and not lazily with TS as Linux's older kernels did?
 * Count the exits.  Both instructions are unprivileged: in ring 1 they
 * run without leaving the guest, so a switch costs no exit more than it
 * did before.  The lazy way queues a TS(8) with the switch's other
 * hypercalls (free), but then the new process's first FPU instruction
 * raises #NM, which the hypervisor must see and reflect to us (ABI 8.9:
 * one exit), and our handler must clear TS before that instruction runs
 * again, with a synchronous TS(0) (a second exit).  Measured with
 * tests/guest/procdemo.c's "fpu" scenario (two processes summing in
 * floating point, 47 switches): 7.3 exits per switch eagerly, 9.3
 * lazily.  Lazy would save the 512-byte copy for processes that never
 * touch the FPU, but each exit costs far more than the copy; and eager is
 * simpler: no owner to track, and nothing left behind when a process
 * exits while the registers are its own (its state is saved into its
 * struct proc like any other, and forgotten with it).
 *
 * The hypervisor switches the registers between guests lazily on its
 * own (hv/core/fpu.c); that costs us an exit only when another guest
 * used the FPU since we last did, and costs it the same either way.
 */
#include "proc.h"
#include "x86.h"

#define MXCSR_DEFAULT 0x1F80 /* every SSE exception masked (SDM 10.2.3) */

/* A new process's registers: what fninit leaves, and the default MXCSR. */
static struct fpu_state initial;
static bool have_fxsr;

/*
 * Without FXSR (a processor older than the Pentium II) there is no SSE
 * either, and fnsave's 108 bytes hold all there is; fnsave also
 * reinitialises the FPU, so we load the state straight back.
 */
void fpu_save(struct fpu_state *s)
{
	if (have_fxsr) {
		asm volatile("fxsave %0" : "=m"(*s));
	} else {
		asm volatile("fnsave %0" : "=m"(*s));
		asm volatile("frstor %0" : : "m"(*s));
	}
}

void fpu_load(const struct fpu_state *s)
{
	if (have_fxsr)
		asm volatile("fxrstor %0" : : "m"(*s));
	else
		asm volatile("frstor %0" : : "m"(*s));
}

/*
 * Build the initial image by putting the registers in that state and
 * saving them, so that it has whatever format fpu_save() uses.  Called
 * once, before there are processes.
 */
void fpu_init(void)
{
	uint32_t a, b, c, d;
	uint32_t mxcsr = MXCSR_DEFAULT;

	cpuid(1, &a, &b, &c, &d);
	have_fxsr = d & CPUID_EDX_FXSR;
	asm volatile("fninit");
	if (d & CPUID_EDX_SSE)
		asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	fpu_save(&initial);
}

/* A new program (spawn, exec) starts with the initial registers. */
void fpu_reset(struct fpu_state *s)
{
	*s = initial;
}
