/*
 * layout.h - where things are: the hypervisor's segments, the Switcher
 * region, and the interrupt vectors the real hardware uses.
 *
 * The picture (docs/architecture.md has it drawn out):
 *
 *   hypervisor address space          guest address space (shadow tables)
 *   0xFFC00000 +-- Switcher --+       0xFFC00000 +-- Switcher --+
 *              | code, GDT/IDT|                  |              |
 *              | TSS, stack   |                  | exits=switch:|
 *   0xFFBFFFFF +--------------+                  | only the     |
 *              | windows onto |                  | Switcher     |
 *              | device regs  |                  |              |
 *   0xFC000000 +--------------+                  | exits=       |
 *              | direct map:  |                  | resident:    |
 *              | physical     |                  | all of the   |
 *              | 0..448 MiB,  |                  | left, same   |
 *              | our image    |                  | addresses    |
 *   0xE0000000 +--------------+       0xE0000000 +--------------+
 *              |  (nothing)   |                  | guest kernel |
 *              |              |                  | and user     |
 *   0x00000000 +--------------+       0x00000000 +--------------+
 *
 * The hypervisor runs in the top 512 MiB: its image is linked at
 * HV_BASE + its physical address (linker.ld), and it reaches physical
 * memory through the direct map, phys_to_virt() (below).  The
 * bottom 3.5 GiB of its own address space is empty, so a stray pointer
 * that was meant to be physical faults instead of touching memory.
 *
 * With exits=switch (the lguest design) a guest's address space holds only
 * the Switcher, and every exit loads the hypervisor's CR3.  With
 * exits=resident all of the top 512 MiB is mapped into every guest's shadow
 * tables too, supervisor-only (ring 3 cannot touch it) and beyond the limit
 * of every segment ring 1 can use (hv/core/segments.c), so exits are served
 * without changing address space (docs/isolation.md).
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

/*
 * The Switcher: the top 4 MiB of every address space, in both designs.
 */
#define SWITCHER_BASE 0xFFC00000u
#define SWITCHER_PDX 1023

/*
 * Processors the hypervisor runs on, at most (hv/machine/smp.c).  Each
 * has two pages of its own in the Switcher (switcher/switcher.h): the
 * first holds its GDT, TSS and IDT, the second the stack its traps land
 * on.  Its GDT's address says which processor it is (hv/include/percpu.h).
 */
#define MAX_CPUS 16
#define SWITCHER_CPU_SIZE 0x2000

/*
 * Where the hypervisor lives, and how much physical memory it can reach.
 * linker.ld links the image at HV_BASE + its load address and says the
 * same number again (checked at boot).  Physical memory from 0 up to
 * DIRECT_MAP_SIZE appears at HV_BASE; RAM above that is not used (a
 * 32-bit hypervisor without PAE has 4 GiB of addresses for everything; 32-bit
 * Linux draws the same line at 896 MiB).  512 MiB leaves a Linux guest
 * (kernel at 0xC0000000) about 360 MiB of direct-mapped RAM below it.
 */
#define HV_BASE 0xE0000000 /* (no "u": boot/multiboot2.S uses these) */
#define HV_BASE_PDX (HV_BASE >> 22)
#define DIRECT_MAP_SIZE 0x1C000000 /* 448 MiB, up to the device windows */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

static inline bool phys_in_direct_map(uint64_t phys, uint64_t len)
{
	return phys < DIRECT_MAP_SIZE && len <= DIRECT_MAP_SIZE - phys;
}

/*
 * A physical address the direct map covers (phys_in_direct_map()) as a
 * pointer, and back: the bus address a device is given.  virt_to_phys()
 * takes only pointers into the image or the direct map (anything
 * page_alloc() or a static gave out, a guest's RAM), never a Switcher or
 * device-window address.  In the host's unit tests (HV_HOST_TEST) memory
 * is the test's own and its fake devices read the same pointers.
 */
#ifndef HV_HOST_TEST
static inline void *phys_to_virt(uint32_t phys)
{
	return (void *)(uintptr_t)(phys + HV_BASE);
}

static inline uint32_t virt_to_phys(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p - HV_BASE;
}
#else
static inline void *phys_to_virt(uintptr_t phys)
{
	return (void *)phys;
}

static inline uintptr_t virt_to_phys(const volatile void *p)
{
	return (uintptr_t)p;
}
#endif
#endif

/*
 * Between the direct map and the Switcher, fifteen 4 MiB windows onto
 * device registers: the local and I/O APICs, the HPET, PCI BARs, the
 * framebuffer, anything the firmware or the boot loader hands us outside
 * the direct map (hv/mm/paging.c), including registers above 4 GiB (a
 * 64-bit PCI BAR, which UEFI firmware likes to place high) through PSE-36
 * pages.  Each window is one uncached 4 MiB page; registers that share
 * one share its window.
 */
#define DEVICE_WINDOWS_BASE (HV_BASE + DIRECT_MAP_SIZE) /* 0xFC000000 */
#define DEVICE_WINDOWS 15

/*
 * GDT slots.  The lguest ABI (section 7) gives the guest every slot except
 * 10, 11, 16 and 31; those are ours.  The GDT has 32 entries in all.
 */
#define GDT_ENTRIES 32
#define GDT_HV_CS 10
#define GDT_HV_DS 11
#define GDT_HV_TSS 16
#define GDT_HV_SPARE 31
#define HV_CS (GDT_HV_CS << 3)	 /* 0x50 */
#define HV_DS (GDT_HV_DS << 3)	 /* 0x58 */
#define HV_TSS (GDT_HV_TSS << 3) /* 0x80 */

/*
 * Hardware interrupt vectors.  The 8259 PICs are remapped so IRQ n arrives
 * on vector IRQ_BASE + n.  The guest cannot forge these with "int": their
 * IDT gates have DPL 0, so "int $0x20" from ring 1 or 3 is a #GP instead.
 */
#define IRQ_BASE 0x20
#define NR_HW_IRQS 16

/*
 * With an APIC the same vectors carry the same ISA lines, now from the
 * I/O APIC (the 8259s are remapped there too, and fully masked), and the
 * local APIC's own sources sit at the top, above every guest-visible
 * vector: the timer, the interprocessor interrupts (0xF1-0xFD: one used,
 * the wake-up of hv/machine/smp.c), the error interrupt and the spurious
 * vector, whose low four bits must be ones on older processors.  All have DPL 0
 * gates like the lines, so no guest can raise them with "int".
 */
#define LAPIC_VECTORS_FIRST 0xF0
#define LAPIC_TIMER_VECTOR 0xF0
#define LAPIC_WAKE_VECTOR 0xF1 /* "look at your guests again" */
#define LAPIC_ERROR_VECTOR 0xFE
#define LAPIC_SPURIOUS_VECTOR 0xFF

/*
 * Trap number the Switcher reports when returning to the guest failed:
 * reloading a guest segment register or the iret itself faulted, so the
 * guest's saved state is unusable (the ABI's "trap 256").
 */
#define TRAP_BAD_GUEST_STATE 256

#endif
