/*
 * fpu.c - [Testguest 2] does our FPU state survive the hypervisor?
 *
 * The FPU and SSE registers belong to us while we run.  The hypervisor
 * may use them itself, or run another guest, between two of our
 * instructions, and it must put ours back (ABI 8.9).  We check by leaving
 * a value in a register across a few hypercalls.  The compiler never
 * touches these registers (paravirt-guest/guest.mk says
 * -mgeneral-regs-only), so between our asm statements nothing of ours
 * changes them.
 *
 * Then the TS flag.  A kernel that switches FPU state lazily sets CR0.TS so
 * that the next FPU instruction traps (#NM, vector 7), and restores the
 * state in the handler.  We cannot write CR0, so LHCALL_TS(8) sets the
 * flag for us and LHCALL_TS(0) clears it, and the hypervisor passes #NM on
 * to us only while our TS is set.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define X86_CR0_TS 8
#define VECTOR_NM 7
#define HYPERCALLS 10

/* The bits of the double nearest pi: easy to recognise in a dump. */
static const uint64_t pi_bits = 0x400921fb54442d18ull;

static volatile unsigned int nm_traps;

static void some_hypercalls(void)
{
	for (int i = 0; i < HYPERCALLS; i++)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

/* Leave pi in st(0), make hypercalls, and see whether it is still pi. */
static bool x87_survives(void)
{
	uint64_t out = 0;

	asm volatile("fninit; fldl %0" : : "m"(pi_bits));
	some_hypercalls();
	asm volatile("fstpl %0" : "=m"(out));
	return out == pi_bits;
}

/* The same with xmm0, if the processor has SSE. */
static bool sse_survives(void)
{
	static const uint32_t pattern[4] = {
		0x01234567,
		0x89abcdef,
		0xfedcba98,
		0x76543210,
	};
	uint32_t out[4] = { 0 };

	fixup_vector = -1;
	/* If the hypervisor did not enable SSE (CR4.OSFXSR), this traps. */
	asm volatile("1: movups %0, %%xmm0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     : "m"(pattern)
		     : "memory");
	if (fixup_vector >= 0) {
		printf("guest: fpu: FAIL: SSE instruction raised trap %d\n",
		       fixup_vector);
		return false;
	}
	some_hypercalls();
	asm volatile("movups %%xmm0, %0" : "=m"(out));
	for (int i = 0; i < 4; i++) {
		if (out[i] != pattern[i]) {
			printf("guest: fpu: FAIL: SSE register changed by "
			       "hypercalls\n");
			return false;
		}
	}
	return true;
}

/* #NM: the flag did its job; clear it, and the FPU instruction reruns. */
static void handle_nm(struct trapframe *tf)
{
	nm_traps++;
	hcall(LHCALL_TS, 0, 0, 0);
}

/*
 * Set TS and touch the FPU.  The "fldz" traps to handle_nm(), which
 * clears TS; the CPU then runs the "fldz" again and it works.  The value
 * we loaded before must still be underneath.
 */
static bool ts_traps(void)
{
	uint64_t out = 0;

	trap_set_handler(VECTOR_NM, handle_nm);
	nm_traps = 0;
	asm volatile("fninit; fldl %0" : : "m"(pi_bits));
	hcall(LHCALL_TS, X86_CR0_TS, 0, 0);
	asm volatile("fldz");
	asm volatile("fstp %%st(0); fstpl %0" : "=m"(out));
	trap_set_handler(VECTOR_NM, NULL);
	if (nm_traps != 1 || out != pi_bits) {
		printf("guest: fpu: FAIL: with TS set, %u traps (want 1), "
		       "x87 value %s\n",
		       nm_traps, out == pi_bits ? "intact" : "lost");
		return false;
	}
	return true;
}

/* Returns the number of failures. */
int fpu_demo(void)
{
	uint32_t a, b, c, d;
	int failures = 0;

	if (x87_survives()) {
		printf("guest: fpu: x87 register survived %d hypercalls\n",
		       HYPERCALLS);
	} else {
		printf("guest: fpu: FAIL: x87 register changed by "
		       "hypercalls\n");
		failures++;
	}

	cpuid(1, &a, &b, &c, &d);
	if ((d & (CPUID_EDX_SSE | CPUID_EDX_FXSR)) !=
	    (CPUID_EDX_SSE | CPUID_EDX_FXSR)) {
		printf("guest: fpu: no SSE on this processor, skipped\n");
	} else if (sse_survives()) {
		printf("guest: fpu: SSE register survived %d hypercalls\n",
		       HYPERCALLS);
	} else {
		failures++;
	}

	if (ts_traps()) {
		printf("guest: fpu: TS set, trap 7 (%s) taken, TS cleared, "
		       "x87 state intact\n",
		       trap_name(VECTOR_NM));
	} else {
		failures++;
	}
	return failures;
}
