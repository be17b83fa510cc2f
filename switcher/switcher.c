/*
 * switcher.c - [Switcher 6] preparing the Switcher: its page tables, the
 * GDT, the TSS and the IDT that every trap goes through.
 *
 * Each processor has one GDT (in two views), one IDT and one TSS, all in
 * its own descriptor page, which the hypervisor and the guest that runs
 * there share.  The hypervisor owns GDT slots 10, 11 and 16 (its code,
 * data and TSS); the guest's slots are filled in when a guest is switched
 * in (issue: the Switcher and ring-1 guests).
 */
#include "switcher/switcher.h"
#include "hv/include/lguest.h"
#include "hv/lib/lib.h"
#include "hv/lib/printk.h"

struct switcher_cpu switcher_cpus[MAX_CPUS]
	__attribute__((section(".switcher.cpus"), aligned(4096)));
static uint32_t host_cr3; /* the hypervisor's page directory */

/* Views of the same pages: ours may write every descriptor page, a
 * guest's may not (the CPU never needs to write it once TR is loaded),
 * and a guest's sees only the pages of the processor it runs on. */
static uint32_t host_switcher_pt[1024] __attribute__((aligned(4096)));
static uint32_t guest_switcher_pt[MAX_CPUS][1024]
	__attribute__((aligned(4096)));

uint32_t switcher_phys(const void *va)
{
	return (uint32_t)(uintptr_t)va - SWITCHER_BASE +
	       (uint32_t)(uintptr_t)__switcher_lma;
}

static struct desc make_segment(uint32_t base, uint32_t limit_pages,
				uint32_t type, unsigned dpl)
{
	struct desc d;

	d.lo = (base << 16) | (limit_pages & 0xFFFF);
	d.hi = (base & 0xFF000000u) | ((base >> 16) & 0xFF) |
	       (limit_pages & 0xF0000) | DESC_HI_G | DESC_HI_DB | DESC_HI_P |
	       DESC_HI_S | (dpl << DESC_HI_DPL_SHIFT) | (type << 8);
	return d;
}

void idt_set_gate(struct switcher_desc *d, unsigned vec, uint32_t handler,
		  uint16_t sel, unsigned dpl, unsigned type)
{
	d->idt[vec].lo = ((uint32_t)sel << 16) | (handler & 0xFFFF);
	d->idt[vec].hi = (handler & 0xFFFF0000u) | DESC_HI_P |
			 (dpl << DESC_HI_DPL_SHIFT) | (type << 8);
}

/*
 * The Switcher's page table for each world.  Returns the hypervisor's
 * table; the caller (hv_main) hangs it in the host page directory before
 * switcher_init() loads descriptors that live at SWITCHER_BASE.  The
 * Switcher itself knows nothing of the host's paging code.
 */
uint32_t switcher_build_page_tables(void)
{
	uint32_t cpus = (uint32_t)(uintptr_t)switcher_cpus;
	uint32_t cpus_end = cpus + sizeof(switcher_cpus);

	for (uint32_t va = (uint32_t)(uintptr_t)__switcher_start;
	     va < (uint32_t)(uintptr_t)__switcher_end; va += PAGE_SIZE) {
		/* Not global: the tables map the descriptor pages with
		 * different rights, and with exits=switch a global entry of
		 * ours (writable) would outlive the guest's CR3 load.  With
		 * exits=resident the guest uses our table too, and
		 * switcher_set_resident() makes its entries global. */
		uint32_t pte = switcher_phys((void *)va) | PTE_P;
		bool per_cpu = va >= cpus && va < cpus_end;
		unsigned cpu = (va - cpus) / SWITCHER_CPU_SIZE;
		bool stack = per_cpu && ((va - cpus) & PAGE_SIZE);

		host_switcher_pt[PTX(va)] = pte | (per_cpu ? PTE_RW : 0);
		for (unsigned c = 0; c < MAX_CPUS; c++)
			if (!per_cpu || c == cpu)
				guest_switcher_pt[c][PTX(va)] =
					pte | (stack ? PTE_RW : 0);
	}
	return virt_to_phys(host_switcher_pt);
}

uint32_t switcher_guest_pde(unsigned cpu)
{
	/* Supervisor-only and read-only at the directory level too: ring 3
	 * can never reach it; ring 1 only as the table says. */
	return virt_to_phys(guest_switcher_pt[cpu]) | PTE_P | PTE_RW;
}

static void build_gdt_tss(struct switcher_cpu *c)
{
	struct switcher_desc *d = &c->desc;
	struct tss *t = &d->tss;
	uint32_t base = (uint32_t)(uintptr_t)t;
	uint32_t limit = sizeof(*t) - 1;

	hv_memset(d->gdt, 0, sizeof(d->gdt));
	/* Accessed bits preset: the CPU would otherwise write them. */
	d->gdt[GDT_HV_CS] = make_segment(0, 0xFFFFF, 0xB, 0);
	d->gdt[GDT_HV_DS] = make_segment(0, 0xFFFFF, 0x3, 0);
	/* An available 32-bit TSS (type 9), byte granular. */
	d->gdt[GDT_HV_TSS].lo = (base << 16) | limit;
	d->gdt[GDT_HV_TSS].hi = (base & 0xFF000000u) | ((base >> 16) & 0xFF) |
				DESC_HI_P | (0x9 << 8);

	hv_memset(t, 0, sizeof(*t));
	t->ss0 = HV_DS;
	t->esp0 = (uint32_t)(uintptr_t)(c->stack + 4096);
	/* The I/O bitmap base lies beyond the limit: no bitmap, so every
	 * guest in/out at CPL > IOPL faults and is emulated. */
	t->iomap_base = sizeof(*t);
	/* The full view carries our slots too, the TSS as ltr will leave it
	 * (busy, type 11), so either GDT may be loaded when we trap. */
	hv_memset(d->gdt_full, 0, sizeof(d->gdt_full));
	d->gdt_full[GDT_HV_CS] = d->gdt[GDT_HV_CS];
	d->gdt_full[GDT_HV_DS] = d->gdt[GDT_HV_DS];
	d->gdt_full[GDT_HV_TSS] = d->gdt[GDT_HV_TSS];
	d->gdt_full[GDT_HV_TSS].hi |= 0x2 << 8;
}

/* Vector v as the hypervisor handles it: through its stub. */
void switcher_default_gate(struct switcher_desc *d, unsigned v)
{
	unsigned dpl = 0;

	/* int3 and into from guest user space, and the guest's system-call
	 * vector, must reach us instead of faulting; the hypercall vector is
	 * for the guest kernel (ring 1) only (ABI 8.1, 4). */
	if (v == T_BREAKPOINT || v == T_OVERFLOW || v == LGUEST_SYSCALL_VEC)
		dpl = 3;
	else if (v == LGUEST_TRAP_ENTRY)
		dpl = 1;
	idt_set_gate(d, v, switcher_stub_table[v], HV_CS, dpl, GATE_INTERRUPT);
}

void switcher_set_resident(bool resident)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		switcher_cpus[c].desc.exit_cr3 = resident ? 0 : host_cr3;
	if (!resident)
		return;
	/* (The bit means nothing on a CPU without PGE.) */
	for (unsigned i = 0; i < 1024; i++)
		if (host_switcher_pt[i] & PTE_P)
			host_switcher_pt[i] |= PTE_G;
	write_cr3(read_cr3()); /* (not global yet: this flush is enough) */
}

/* A processor's descriptor pages, built (by any processor: nothing here
 * is loaded yet). */
void switcher_init_cpu(unsigned cpu)
{
	struct switcher_cpu *c = &switcher_cpus[cpu];

	build_gdt_tss(c);
	for (unsigned v = 0; v < 256; v++)
		switcher_default_gate(&c->desc, v);
	c->desc.exit_cr3 = switcher_cpus[0].desc.exit_cr3;
}

/* On processor `cpu`: its GDT, our segments in every register, its IDT
 * and its TSS: what every CPU needs before it may take a trap. */
void switcher_load_tables(unsigned cpu)
{
	struct switcher_desc *d = &switcher_cpus[cpu].desc;

	lgdt((uint32_t)(uintptr_t)d->gdt, sizeof(d->gdt) - 1);
	__asm__ volatile("ljmp %0, $1f\n1:\n"
			 "movl %1, %%eax\n"
			 "movl %%eax, %%ds\n"
			 "movl %%eax, %%es\n"
			 "movl %%eax, %%ss\n"
			 "xorl %%eax, %%eax\n"
			 "movl %%eax, %%fs\n"
			 "movl %%eax, %%gs\n"
			 :
			 : "i"(HV_CS), "i"(HV_DS)
			 : "eax", "memory");
	lidt((uint32_t)(uintptr_t)d->idt, sizeof(d->idt) - 1);
	ltr(HV_TSS);
}

void switcher_init(void)
{
	host_cr3 = read_cr3();
	switcher_cpus[0].desc.exit_cr3 = host_cr3;
	switcher_init_cpu(0);
	switcher_load_tables(0);
	pr_debug("switcher: %u pages at %#x, backed at %#x\n",
		 (unsigned)((__switcher_end - __switcher_start) / PAGE_SIZE),
		 SWITCHER_BASE, (unsigned)(uintptr_t)__switcher_lma);
}
