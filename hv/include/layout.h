/*
 * layout.h - where things are: the hypervisor's segments, the Switcher
 * region, and the interrupt vectors the real hardware uses.
 *
 * The picture (docs/architecture.md has it drawn out):
 *
 *   hypervisor address space          guest address space (shadow tables)
 *   0xFFC00000 +-- Switcher --+       0xFFC00000 +-- Switcher --+   same pages,
 *              | code, GDT/IDT|                  | code, GDT/IDT|   same address
 *              | TSS, stack   |                  | TSS, stack   |
 *   0xFFBFFFFF +--------------+       0xFFBFFFFF +--------------+
 *              | windows onto |                  |              |
 *              | high BARs    |                  |              |
 *   0xFF000000 +--------------+                  |              |
 *              | all physical |                  | guest kernel |
 *              | memory,      |                  | and user     |
 *              | identity     |                  | mappings     |
 *              | mapped       |                  | (shadowed)   |
 *   0x00000000 +--------------+       0x00000000 +--------------+
 *
 * The hypervisor itself runs identity-mapped (virtual == physical), so the
 * only addresses both worlds share are the Switcher's.  A guest never sees
 * the rest of the hypervisor: it is simply not in the guest's page tables.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

/*
 * The hypervisor region ("H" in the ABI doc): the top 4 MiB of every address
 * space.  LGUEST_INIT tells the guest reserve_mem = 4 GiB - H.
 */
#define SWITCHER_BASE 0xFFC00000u
#define SWITCHER_PDX 1023

/*
 * Below the Switcher, three 4 MiB slots of the hypervisor's own address
 * space are windows onto device registers above 4 GiB (a 64-bit PCI BAR,
 * which UEFI firmware likes to place high), through PSE-36 pages
 * (hv/mm/paging.c).  Physically these addresses are the firmware's flash
 * on every PC, which the hypervisor never reads; RAM is never there.
 */
#define DEVICE_WINDOWS_BASE 0xFF000000u
#define DEVICE_WINDOWS 3
#define IDENTITY_MAP_END DEVICE_WINDOWS_BASE

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
 * vector: the timer, room for the interprocessor interrupts of the SMP
 * work to come (0xF1-0xFD), the error interrupt and the spurious vector,
 * whose low four bits must be ones on older processors.  All have DPL 0
 * gates like the lines, so no guest can raise them with "int".
 */
#define LAPIC_VECTORS_FIRST 0xF0
#define LAPIC_TIMER_VECTOR 0xF0
#define LAPIC_ERROR_VECTOR 0xFE
#define LAPIC_SPURIOUS_VECTOR 0xFF

/*
 * Trap number the Switcher reports when returning to the guest failed:
 * reloading a guest segment register or the iret itself faulted, so the
 * guest's saved state is unusable (the ABI's "trap 256").
 */
#define TRAP_BAD_GUEST_STATE 256

#endif
