/*
 * switcher.c - [Switcher 6] preparing the Switcher: its page tables, the
 * GDT, the TSS and the IDT that every trap goes through.
 *
 * The hypervisor and its guests use one GDT, one IDT and one TSS, all in
 * the Switcher's descriptor page.  The hypervisor owns GDT slots 10, 11
 * and 16 (its code, data and TSS); the guest's slots are filled in when a
 * guest is switched in (issue: the Switcher and ring-1 guests).
 */
#include "switcher/switcher.h"
#include "hv/include/lguest.h"
#include "hv/lib/lib.h"
#include "hv/lib/printk.h"

struct switcher_desc switcher_desc __attribute__((section(".switcher.desc")));
static uint32_t host_cr3; /* the hypervisor's page directory */

/* Two views of the same pages: ours may write the descriptor page, a
 * guest's may not (the CPU never needs to write it once TR is loaded). */
static uint32_t host_switcher_pt[1024] __attribute__((aligned(4096)));
static uint32_t guest_switcher_pt[1024] __attribute__((aligned(4096)));

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

void idt_set_gate(unsigned vec, uint32_t handler, uint16_t sel, unsigned dpl,
		  unsigned type)
{
	switcher_desc.idt[vec].lo = ((uint32_t)sel << 16) | (handler & 0xFFFF);
	switcher_desc.idt[vec].hi = (handler & 0xFFFF0000u) | DESC_HI_P |
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
	uint32_t desc_va = (uint32_t)(uintptr_t)&switcher_desc;
	uint32_t stack_va = (uint32_t)(uintptr_t)switcher_stack;

	for (uint32_t va = (uint32_t)(uintptr_t)__switcher_start;
	     va < (uint32_t)(uintptr_t)__switcher_end; va += PAGE_SIZE) {
		/* Not global: the two tables map the descriptor page with
		 * different rights, and with exits=switch a global entry of
		 * ours (writable) would outlive the guest's CR3 load.  With
		 * exits=resident the guest uses our table too, and
		 * switcher_set_resident() makes its entries global. */
		uint32_t pte = switcher_phys((void *)va) | PTE_P;
		uint32_t host = pte, guest = pte;

		if (va == desc_va)
			host |= PTE_RW;
		if (va == stack_va) {
			host |= PTE_RW;
			guest |= PTE_RW;
		}
		host_switcher_pt[PTX(va)] = host;
		guest_switcher_pt[PTX(va)] = guest;
	}
	return virt_to_phys(host_switcher_pt);
}

uint32_t switcher_guest_pde(void)
{
	/* Supervisor-only and read-only at the directory level too: ring 3
	 * can never reach it; ring 1 only as the table says. */
	return virt_to_phys(guest_switcher_pt) | PTE_P | PTE_RW;
}

static void build_gdt_tss(void)
{
	struct tss *t = &switcher_desc.tss;
	uint32_t base = (uint32_t)(uintptr_t)t;
	uint32_t limit = sizeof(*t) - 1;

	hv_memset(switcher_desc.gdt, 0, sizeof(switcher_desc.gdt));
	/* Accessed bits preset: the CPU would otherwise write them. */
	switcher_desc.gdt[GDT_HV_CS] = make_segment(0, 0xFFFFF, 0xB, 0);
	switcher_desc.gdt[GDT_HV_DS] = make_segment(0, 0xFFFFF, 0x3, 0);
	/* An available 32-bit TSS (type 9), byte granular. */
	switcher_desc.gdt[GDT_HV_TSS].lo = (base << 16) | limit;
	switcher_desc.gdt[GDT_HV_TSS].hi = (base & 0xFF000000u) |
					   ((base >> 16) & 0xFF) | DESC_HI_P |
					   (0x9 << 8);

	hv_memset(t, 0, sizeof(*t));
	t->ss0 = HV_DS;
	t->esp0 = (uint32_t)(uintptr_t)(switcher_stack + 4096);
	/* The I/O bitmap base lies beyond the limit: no bitmap, so every
	 * guest in/out at CPL > IOPL faults and is emulated. */
	t->iomap_base = sizeof(*t);
}

/* Vector v as the hypervisor handles it: through its stub. */
void switcher_default_gate(unsigned v)
{
	unsigned dpl = 0;

	/* int3 and into from guest user space, and the guest's system-call
	 * vector, must reach us instead of faulting; the hypercall vector is
	 * for the guest kernel (ring 1) only (ABI 8.1, 4). */
	if (v == T_BREAKPOINT || v == T_OVERFLOW || v == LGUEST_SYSCALL_VEC)
		dpl = 3;
	else if (v == LGUEST_TRAP_ENTRY)
		dpl = 1;
	idt_set_gate(v, switcher_stub_table[v], HV_CS, dpl, GATE_INTERRUPT);
}

static void build_idt(void)
{
	for (unsigned v = 0; v < 256; v++)
		switcher_default_gate(v);
}

void switcher_set_resident(bool resident)
{
	switcher_desc.exit_cr3 = resident ? 0 : host_cr3;
	if (!resident)
		return;
	/* (The bit means nothing on a CPU without PGE.) */
	for (unsigned i = 0; i < 1024; i++)
		if (host_switcher_pt[i] & PTE_P)
			host_switcher_pt[i] |= PTE_G;
	write_cr3(read_cr3()); /* (not global yet: this flush is enough) */
}

/* Our GDT, our segments in every register, our IDT: what every CPU needs
 * before it may take a trap.  (The TSS is only the first CPU's.) */
void switcher_load_tables(void)
{
	lgdt((uint32_t)(uintptr_t)switcher_desc.gdt,
	     sizeof(switcher_desc.gdt) - 1);
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
	lidt((uint32_t)(uintptr_t)switcher_desc.idt,
	     sizeof(switcher_desc.idt) - 1);
}

void switcher_init(void)
{
	build_gdt_tss();
	build_idt();
	host_cr3 = read_cr3();
	switcher_desc.exit_cr3 = host_cr3;
	switcher_load_tables();
	ltr(HV_TSS);
	/* The full view carries our slots too, the TSS as ltr left it
	 * (busy), so either GDT may be loaded when we trap. */
	hv_memset(switcher_desc.gdt_full, 0, sizeof(switcher_desc.gdt_full));
	switcher_desc.gdt_full[GDT_HV_CS] = switcher_desc.gdt[GDT_HV_CS];
	switcher_desc.gdt_full[GDT_HV_DS] = switcher_desc.gdt[GDT_HV_DS];
	switcher_desc.gdt_full[GDT_HV_TSS] = switcher_desc.gdt[GDT_HV_TSS];
	pr_debug("switcher: %u pages at %#x, backed at %#x\n",
		 (unsigned)((__switcher_end - __switcher_start) / PAGE_SIZE),
		 SWITCHER_BASE, (unsigned)(uintptr_t)__switcher_lma);
}
