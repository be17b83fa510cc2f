/*
 * cpu.h - what the processor can do, from CPUID, read once at boot.
 */
#ifndef HV_CPU_H
#define HV_CPU_H

#include "hv/lib/lib.h"

enum cpu_feature {
	CPU_FPU,
	CPU_PSE,
	CPU_TSC,
	CPU_MSR,
	CPU_APIC,
	CPU_SEP,
	CPU_PGE,
	CPU_CMOV,
	CPU_FXSR,
	CPU_SSE,
	CPU_SSE2,
	CPU_XSAVE,
	CPU_TSC_INVARIANT,
	CPU_EFER,   /* the EFER MSR exists (SYSCALL or long mode) */
	CPU_PSE36,  /* 4 MiB pages reach physical addresses above 4 GiB */
	CPU_RDRAND, /* random numbers from the CPU's DRBG */
	CPU_RDSEED, /* seeds from the noise source behind the DRBG */
	CPU_NR_FEATURES
};

struct cpu_info {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	uint32_t phys_bits; /* physical address width (MAXPHYADDR) */
	bool feature[CPU_NR_FEATURES];
};

extern struct cpu_info boot_cpu;

void cpu_identify(void);
void cpu_init_control_regs(void);
/* Whether a data access beyond a segment's limit faults, as on every real
 * x86 processor but not under QEMU's software CPU (seglimit_probe.c).
 * Needs our GDT and IDT (after switcher_init()). */
bool cpu_enforces_segment_limits(void);
/* For trap.c: the probe's faulting read, and where it resumes. */
extern const char seglimit_probe_insn[], seglimit_probe_resume[];
extern volatile bool seglimit_probe_faulted;
static inline bool cpu_has(enum cpu_feature f)
{
	return boot_cpu.feature[f];
}
const char *cpu_feature_name(enum cpu_feature f);

#endif
