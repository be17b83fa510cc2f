/*
 * cpu.c - [Boot 5] identify the processor and set the control registers
 * the way both the hypervisor and its guests need them (ABI section 1.3).
 */
#include "hv/machine/cpu.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"

struct cpu_info boot_cpu;

static const char *const feature_names[CPU_NR_FEATURES] = {
	"fpu",	  "pse",  "tsc",   "msr",    "apic",   "sep",
	"pge",	  "cmov", "fxsr",  "sse",    "sse2",   "xsave",
	"invtsc", "efer", "pse36", "rdrand", "rdseed",
};

const char *cpu_feature_name(enum cpu_feature f)
{
	return feature_names[f];
}

/* Is CPUID there at all?  (Only a 486 lacks it; check rather than crash.) */
static bool have_cpuid(void)
{
	uint32_t before = read_eflags(), after;

	__asm__ volatile("pushfl; xorl %0, (%%esp); popfl" : : "r"(EFLAGS_ID));
	after = read_eflags();
	__asm__ volatile("pushl %0; popfl" : : "r"(before));
	return ((before ^ after) & EFLAGS_ID) != 0;
}

void cpu_identify(void)
{
	uint32_t a, b, c, d, max, maxext;
	struct cpu_info *ci = &boot_cpu;

	hv_memset(ci, 0, sizeof(*ci));
	if (!have_cpuid())
		panic("this CPU has no CPUID instruction; cannot continue");
	cpuid(0, 0, &max, &b, &c, &d);
	hv_memcpy(ci->vendor + 0, &b, 4);
	hv_memcpy(ci->vendor + 4, &d, 4);
	hv_memcpy(ci->vendor + 8, &c, 4);
	if (max >= 1) {
		cpuid(1, 0, &a, &b, &c, &d);
		ci->family = (a >> 8) & 0xF;
		ci->model = (a >> 4) & 0xF;
		ci->stepping = a & 0xF;
		if (ci->family == 0xF)
			ci->family += (a >> 20) & 0xFF;
		if (ci->family >= 6)
			ci->model |= ((a >> 16) & 0xF) << 4;
		ci->feature[CPU_FPU] = d & (1u << 0);
		ci->feature[CPU_PSE] = d & (1u << 3);
		ci->feature[CPU_TSC] = d & (1u << 4);
		ci->feature[CPU_MSR] = d & (1u << 5);
		ci->feature[CPU_APIC] = d & (1u << 9);
		ci->feature[CPU_SEP] = d & (1u << 11);
		ci->feature[CPU_PGE] = d & (1u << 13);
		ci->feature[CPU_PSE36] = d & (1u << 17);
		ci->feature[CPU_CMOV] = d & (1u << 15);
		ci->feature[CPU_FXSR] = d & (1u << 24);
		ci->feature[CPU_SSE] = d & (1u << 25);
		ci->feature[CPU_SSE2] = d & (1u << 26);
		ci->feature[CPU_XSAVE] = c & (1u << 26);
		ci->feature[CPU_RDRAND] = c & (1u << 30);
	}
	if (max >= 7) { /* structured extended features, subleaf 0 */
		cpuid(7, 0, &a, &b, &c, &d);
		ci->feature[CPU_RDSEED] = b & (1u << 18);
	}
	cpuid(0x80000000u, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000004u && maxext < 0x8000FFFFu) {
		uint32_t *w = (uint32_t *)ci->brand;
		for (uint32_t leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002u + leaf, 0, &w[leaf * 4],
			      &w[leaf * 4 + 1], &w[leaf * 4 + 2],
			      &w[leaf * 4 + 3]);
		ci->brand[48] = 0;
	}
	if (maxext >= 0x80000001u && maxext < 0x8000FFFFu) {
		cpuid(0x80000001u, 0, &a, &b, &c, &d);
		/* SYSCALL (bit 11) or long mode (bit 29): EFER is there. */
		ci->feature[CPU_EFER] = d & ((1u << 11) | (1u << 29));
	}
	/* MAXPHYADDR: 36 bits unless the CPU says (SDM vol. 3, 4.1.4). */
	ci->phys_bits = 36;
	if (maxext >= 0x80000008u && maxext < 0x8000FFFFu) {
		cpuid(0x80000008u, 0, &a, &b, &c, &d);
		ci->phys_bits = a & 0xFF;
	}
	if (maxext >= 0x80000007u && maxext < 0x8000FFFFu) {
		cpuid(0x80000007u, 0, &a, &b, &c, &d);
		ci->feature[CPU_TSC_INVARIANT] = d & (1u << 8);
	}
}

void cpu_init_control_regs(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	/* Native FPU error reporting, FPU present, WAIT honours TS. */
	cr0 |= CR0_NE | CR0_MP | CR0_ET;
	cr0 &= ~(CR0_EM | CR0_TS | CR0_CD | CR0_NW | CR0_AM);
	write_cr0(cr0);
	if (cpu_has(CPU_FPU))
		__asm__ volatile("fninit");

	/* Guests see FXSR/SSE and cannot set CR4 themselves (ABI 1.3). */
	if (cpu_has(CPU_FXSR))
		cr4 |= CR4_OSFXSR;
	if (cpu_has(CPU_SSE))
		cr4 |= CR4_OSXMMEXCPT;
	/* rdtsc must work in rings 1 and 3; nothing may stop the guest
	 * kernel touching user memory or leave AVX state unsaved. */
	cr4 &= ~(CR4_TSD | CR4_SMAP | CR4_SMEP | CR4_UMIP | CR4_OSXSAVE |
		 CR4_VME | CR4_PVI | CR4_DE | CR4_PAE);
	write_cr4(cr4);

	/* A guest "sysenter" would otherwise enter ring 0 (ABI 1.3). */
	if (cpu_has(CPU_SEP) && cpu_has(CPU_MSR))
		wrmsr(MSR_IA32_SYSENTER_CS, 0);
	/* Likewise "syscall": on AMD processors it works in 32-bit mode when
	 * EFER.SCE is set, and jumps to ring 0 at an address from the STAR
	 * MSR, which a firmware may have left set.  Turn it off. */
	if (cpu_has(CPU_EFER) && cpu_has(CPU_MSR))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
	/* No breakpoint the firmware left armed may fire in a guest. */
	__asm__ volatile("movl %0, %%dr7" : : "r"(0u));
}
