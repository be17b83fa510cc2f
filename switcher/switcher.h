/*
 * switcher.h - the Switcher: the few pages mapped at SWITCHER_BASE in the
 * hypervisor's address space and in every guest's, through which every
 * trap enters the hypervisor and every guest is entered.
 *
 *   SWITCHER_BASE + 0x0000  code: 256 entry stubs, trap entry, guest entry
 *   SWITCHER_BASE + n*4K    descriptor page: GDT, TSS, host CR3, IDT
 *   next page               stack page: where the CPU saves a guest's
 *                           registers when it traps (TSS.esp0 points here)
 *
 * With exits=switch, in a guest's address space the code and descriptor
 * pages are read-only and the stack page is the only writable one: it
 * holds nothing but the guest's own registers while they are in flight.
 * The rest of the hypervisor is not mapped there at all.  With
 * exits=resident the guest's directory holds the hypervisor's own
 * mappings of everything, these pages included, and segment limits keep
 * ring 1 out (docs/isolation.md).
 */
#ifndef SWITCHER_SWITCHER_H
#define SWITCHER_SWITCHER_H

#include "hv/include/layout.h"

/* Offsets inside the descriptor page; switcher.S uses the same numbers. */
#define SWDESC_GDT 0x000
#define SWDESC_TSS 0x100
#define SWDESC_EXIT_CR3 0x180
#define SWDESC_GDT_FULL 0x200
#define SWDESC_IDT 0x800

#ifndef __ASSEMBLER__
#include "hv/include/trapframe.h"
#include "hv/include/x86.h"

struct switcher_desc {
	struct desc gdt[GDT_ENTRIES];
	struct tss tss;
	uint8_t _pad0[SWDESC_EXIT_CR3 - SWDESC_TSS - sizeof(struct tss)];
	/* What an exit loads into CR3: the hypervisor's page directory with
	 * exits=switch; 0 with exits=resident, where the guest's directory
	 * maps us too and the exit stays in it. */
	uint32_t exit_cr3;
	uint8_t _pad1[SWDESC_GDT_FULL - SWDESC_EXIT_CR3 - 4];
	/* The full descriptor view (hv/core/segments.c): loaded instead of
	 * gdt only while a guest runs in ring 3; our slots as in gdt. */
	struct desc gdt_full[GDT_ENTRIES];
	uint8_t _pad3[SWDESC_IDT - SWDESC_GDT_FULL - GDT_ENTRIES * 8];
	struct desc idt[256];
	uint8_t _pad2[4096 - SWDESC_IDT - 256 * 8];
} __attribute__((aligned(4096)));

_Static_assert(__builtin_offsetof(struct switcher_desc, tss) == SWDESC_TSS,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, exit_cr3) ==
		       SWDESC_EXIT_CR3,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, gdt_full) ==
		       SWDESC_GDT_FULL,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, idt) == SWDESC_IDT,
	       "switcher layout");
_Static_assert(sizeof(struct switcher_desc) == 4096, "switcher layout");

/* Linker-provided bounds (linker.ld). */
extern char __switcher_start[], __switcher_end[], __switcher_text_end[];
extern char __switcher_lma[];
extern struct switcher_desc switcher_desc;
extern char switcher_stack[4096];

/* The entry stubs, one per vector, at their Switcher addresses. */
extern const uint32_t switcher_stub_table[256];

/*
 * Enter a guest: load `guest_cr3` (unless it is loaded already: with
 * exits=resident it usually is) and "iret" using the trapframe at
 * switcher_guest_frame().  Returns when the guest traps back: 0 with the
 * guest's registers in that same frame, or TRAP_BAD_GUEST_STATE if the
 * entry itself faulted (a bad guest selector), with the vector that
 * faulted in switcher_bad_vector.
 */
uint32_t switcher_enter(uint32_t guest_cr3);
extern uint32_t switcher_bad_vector;

static inline struct trapframe *switcher_guest_frame(void)
{
	return (struct trapframe *)(switcher_stack + 4096 - TF_SIZE);
}

/* switcher.c */
/* Build both worlds' Switcher page tables; returns the hypervisor's, for
 * the host page directory (hv/mm/paging.c). */
uint32_t switcher_build_page_tables(void);
void switcher_init(void);
/* Load the GDT, the hypervisor's segments and the IDT on this CPU
 * (switcher_init() does it on the first; hv/machine/smp.c on the
 * others). */
void switcher_load_tables(void);
/* With `resident` exits stay in the guest's address space
 * (exits=resident); without, they load the hypervisor's CR3. */
void switcher_set_resident(bool resident);
/* The page table that maps the Switcher into a guest's address space
 * (read-only code and descriptors, writable stack), as a PDE value. */
uint32_t switcher_guest_pde(void);
/* The physical address backing a Switcher virtual address. */
uint32_t switcher_phys(const void *va);
void switcher_default_gate(unsigned vec);
void idt_set_gate(unsigned vec, uint32_t handler, uint16_t sel, unsigned dpl,
		  unsigned type);
#endif

#endif
