/*
 * switcher.h - the Switcher: the few pages mapped at SWITCHER_BASE in the
 * hypervisor's address space and in every guest's, through which every
 * trap enters the hypervisor and every guest is entered.
 *
 *   SWITCHER_BASE + 0x0000  code: 256 entry stubs, trap entry, guest entry
 *   __switcher_cpus         two pages for each processor (struct
 *                           switcher_cpu): its descriptor page (GDT, TSS,
 *                           IDT, the exit's CR3) and its stack page,
 *                           where the CPU saves a guest's registers when
 *                           it traps (its TSS.esp0 points here)
 *
 * Each processor has pages of its own because each runs its own guest:
 * the GDT holds that guest's segments, the IDT its direct trap gates, the
 * TSS its kernel stack, the stack page its registers in flight.  The
 * Switcher's code finds its processor's pages from the stack it is on
 * (a trap from a guest lands on that processor's stack page, and the
 * descriptor page is the page below) or from "sgdt" (hv/include/percpu.h).
 *
 * With exits=switch, in a guest's address space the code and descriptor
 * pages are read-only and the stack page is the only writable one: it
 * holds nothing but the guest's own registers while they are in flight.
 * A guest's directory maps only the pages of the processor it runs on
 * (switcher_guest_pde()): another processor's stack page holds another
 * guest's registers.  The rest of the hypervisor is not mapped there at
 * all.  With exits=resident the guest's directory holds the hypervisor's
 * own mappings of everything, these pages included, and segment limits
 * keep ring 1 out (docs/isolation.md).
 */
#ifndef SWITCHER_SWITCHER_H
#define SWITCHER_SWITCHER_H

#include "hv/include/layout.h"

/* Offsets inside the descriptor page; switcher.S uses the same numbers. */
#define SWDESC_GDT 0x000
#define SWDESC_TSS 0x100
#define SWDESC_EXIT_CR3 0x180
#define SWDESC_HOST_ESP 0x184
#define SWDESC_BAD_VECTOR 0x188
#define SWDESC_GDT_FULL 0x200
#define SWDESC_IDT 0x800

#ifndef __ASSEMBLER__
#include "hv/include/percpu.h"
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
	/* The hypervisor's stack pointer while this processor is in a
	 * guest (switcher_enter() saves it, an exit takes it back), and the
	 * vector of a failed entry (TRAP_BAD_GUEST_STATE).  Read-only in a
	 * guest's address space like the rest of this page. */
	uint32_t host_esp;
	uint32_t bad_vector;
	uint8_t _pad1[SWDESC_GDT_FULL - SWDESC_BAD_VECTOR - 4];
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
_Static_assert(__builtin_offsetof(struct switcher_desc, host_esp) ==
		       SWDESC_HOST_ESP,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, bad_vector) ==
		       SWDESC_BAD_VECTOR,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, gdt_full) ==
		       SWDESC_GDT_FULL,
	       "switcher layout");
_Static_assert(__builtin_offsetof(struct switcher_desc, idt) == SWDESC_IDT,
	       "switcher layout");
_Static_assert(sizeof(struct switcher_desc) == 4096, "switcher layout");

/* One processor's pages. */
struct switcher_cpu {
	struct switcher_desc desc;
	char stack[4096];
};
_Static_assert(sizeof(struct switcher_cpu) == SWITCHER_CPU_SIZE,
	       "switcher layout");

/* Linker-provided bounds (linker.ld). */
extern char __switcher_start[], __switcher_end[], __switcher_text_end[];
extern char __switcher_lma[];
extern struct switcher_cpu switcher_cpus[MAX_CPUS];

/* The entry stubs, one per vector, at their Switcher addresses. */
extern const uint32_t switcher_stub_table[256];

/*
 * Enter a guest on this processor, whose pages are `c`: load `guest_cr3`
 * (unless it is loaded already: with exits=resident it usually is) and
 * "iret" using the trapframe at switcher_guest_frame(c).  Returns when
 * the guest traps back: 0 with the guest's registers in that same frame,
 * or TRAP_BAD_GUEST_STATE if the entry itself faulted (a bad guest
 * selector), with the vector that faulted in c->desc.bad_vector.
 */
uint32_t switcher_enter(uint32_t guest_cr3, struct switcher_cpu *c);

static inline struct switcher_cpu *switcher_cpu(unsigned cpu)
{
	return &switcher_cpus[cpu];
}

/* This processor's descriptor page. */
static inline struct switcher_desc *switcher_here(void)
{
	return &switcher_cpus[cpu_index()].desc;
}

static inline struct trapframe *switcher_guest_frame(struct switcher_cpu *c)
{
	return (struct trapframe *)(c->stack + 4096 - TF_SIZE);
}

/* switcher.c */
/* Build both worlds' Switcher page tables; returns the hypervisor's, for
 * the host page directory (hv/mm/paging.c). */
uint32_t switcher_build_page_tables(void);
/* The first processor's tables, built and loaded; then for each other
 * one, switcher_init_cpu() builds its own and switcher_load_tables()
 * (run on it) loads them. */
void switcher_init(void);
void switcher_init_cpu(unsigned cpu);
void switcher_load_tables(unsigned cpu);
/* With `resident` exits stay in the guest's address space
 * (exits=resident); without, they load the hypervisor's CR3. */
void switcher_set_resident(bool resident);
/* The page table that maps the Switcher into the address space of a
 * guest that runs on `cpu` (read-only code and descriptors, writable
 * stack: that processor's only), as a PDE value. */
uint32_t switcher_guest_pde(unsigned cpu);
/* The physical address backing a Switcher virtual address. */
uint32_t switcher_phys(const void *va);
void switcher_default_gate(struct switcher_desc *d, unsigned vec);
void idt_set_gate(struct switcher_desc *d, unsigned vec, uint32_t handler,
		  uint16_t sel, unsigned dpl, unsigned type);
#endif

#endif
