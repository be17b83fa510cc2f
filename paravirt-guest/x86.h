/*
 * x86.h - the few processor facts the guest needs, named as in the Intel SDM.
 *
 * The guest runs in ring 1, so most of the machine is out of reach: no
 * control registers, no real IDT or GDT, no "cli".  What is left is the
 * instruction set, the layout of gates and descriptors (which we hand to
 * the hypervisor) and a handful of instructions C cannot express.
 */
#ifndef PVGUEST_X86_H
#define PVGUEST_X86_H

#include <stdint.h>

/* The selectors the hypervisor gives us at entry (ABI 2.5), like every
 * other number of the ABI, are in the shared header: GUEST_KERNEL_CS and
 * GUEST_KERNEL_DS. */
#include "hv/include/lguest.h"

#define EFLAGS_IF 0x00000200u /* interrupt enable: the bit irq_enabled uses */

/* Gate types (SDM Vol 3, 6.11). */
#define GATE_INTERRUPT 0xe /* 32-bit interrupt gate: IF cleared on entry */
#define GATE_TRAP 0xf	   /* 32-bit trap gate */
#define GATE_TASK 0x5	   /* task gate: the hypervisor must refuse it */
#define GATE_CALL 0xc	   /* 32-bit call gate (GDT only) */

/* The two words of a gate (ABI 8.1), as LOAD_IDT_ENTRY wants them. */
static inline uint32_t gate_lo(uint16_t selector, uint32_t offset)
{
	return ((uint32_t)selector << 16) | (offset & 0xffff);
}

static inline uint32_t gate_hi(uint32_t offset, unsigned dpl, unsigned type)
{
	return (offset & 0xffff0000u) | 0x8000u /* present */ |
	       ((dpl & 3) << 13) | ((type & 0xf) << 8);
}

/* CPUID leaf 1, EDX (SDM Vol 2, CPUID). */
#define CPUID_EDX_FXSR (1u << 24)
#define CPUID_EDX_SSE (1u << 25)

/* Keep the compiler from moving memory accesses across this point. */
#define barrier() asm volatile("" : : : "memory")

/*
 * Read or write a variable exactly once, as written.  We use these on
 * memory that something else changes behind the compiler's back: the
 * hypervisor (lguest_data) or our own interrupt handlers.
 */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* A port write.  At ring 1 this traps and the hypervisor emulates it. */
static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

/*
 * The other port accesses, for PCI configuration (pci.c).  Each of them
 * traps too, and the hypervisor answers for the device (ABI 8.10, 11.1).
 */
static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
	asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The time-stamp counter: allowed at ring 1 (the hypervisor keeps TSD 0). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* CPUID is not trapped (ABI 1.3): we see the real processor. */
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(0));
}

#endif /* PVGUEST_X86_H */
