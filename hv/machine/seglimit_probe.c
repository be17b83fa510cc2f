/*
 * seglimit_probe.c - does this CPU enforce segment limits?
 *
 * exits=resident keeps the guest kernel (ring 1, which paging counts as
 * supervisor) out of the hypervisor by segment limits alone
 * (docs/isolation.md).  Every x86 processor enforces them in 32-bit
 * protected mode, but an emulator need not: QEMU's software CPU (TCG, QEMU
 * without KVM) ignores data segment limits, for speed.  There the limits
 * are decoration and the design is not safe.  So before choosing it we
 * ask the CPU itself: a read one page beyond the end of a one-byte
 * segment must raise #GP.  hv_trap() (trap.c) turns that #GP into a jump
 * past the read.
 */
#include "hv/machine/cpu.h"
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "switcher/switcher.h"

volatile bool seglimit_probe_faulted;

/* A one-byte data segment at probe_area, in our spare GDT slot. */
static uint8_t probe_area[2 * PAGE_SIZE] __attribute__((aligned(4096)));

__attribute__((noinline)) bool cpu_enforces_segment_limits(void)
{
	uint32_t base = (uint32_t)(uintptr_t)probe_area, v;
	struct desc *d = &switcher_cpus[0].desc.gdt[GDT_HV_SPARE];

	/* Byte granular, limit 0: only offset 0 is inside.  Writable data
	 * (type 3, accessed), DPL 0, 32-bit. */
	d->lo = base << 16;
	d->hi = (base & 0xFF000000u) | ((base >> 16) & 0xFF) | DESC_HI_DB |
		DESC_HI_P | DESC_HI_S | (0x3 << 8);
	seglimit_probe_faulted = false;
	__asm__ volatile("movw %w1, %%fs\n"
			 ".globl seglimit_probe_insn\n"
			 "seglimit_probe_insn:\n"
			 "movl %%fs:0x1000, %0\n"
			 ".globl seglimit_probe_resume\n"
			 "seglimit_probe_resume:\n"
			 "movw %w2, %%fs\n"
			 : "=&r"(v)
			 : "r"(GDT_HV_SPARE << 3), "r"(0)
			 : "memory");
	(void)v;
	d->lo = d->hi = 0;
	return seglimit_probe_faulted;
}
