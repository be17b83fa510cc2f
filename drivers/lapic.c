/*
 * lapic.c - the local APIC (see lapic.h).  Registers: SDM vol. 3,
 * chapter 11 (table 11-1), each a 32-bit word at a 16-byte boundary.
 *
 * Its registers, like the I/O APIC's and the HPET's, live in the top
 * 16 MiB below 4 GiB.  The hypervisor reaches them through a device
 * window, a 4 MiB page that drv_map_mmio() maps uncached (PCD and PWT:
 * an APIC register must never be cached or its writes combined).
 * No guest can reach them.  A guest's shadow page tables map only frames
 * of its own RAM: every shadow entry is g->mem plus a frame number that
 * guest_pte_check() (hv/mm/ptwalk.c) has held below the guest's RAM
 * size, on the fault path and in SET_PTE alike (hv/mm/shadow.c), frames
 * in the device window above it stay unmapped, and guest RAM comes from
 * the page allocator, which hands out only the memory map's usable RAM,
 * never this reserved range.  So no guest address ever leads to
 * 0xFEC00000-0xFEFFFFFF.
 */
#include "drivers/lapic.h"
#include "drivers/driver_env.h"
#include "drivers/madt.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10) /* registers are MSRs, not memory */
#define APIC_BASE_ADDR (~0xFFFull)  /* bits 12 up: the registers' page */

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_ACTIVE_LOW (1u << 13)
#define LVT_DM_NMI (4u << 8)
#define LVT_TIMER_ONESHOT 0u /* bits 17-18: 00 */
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define TIMER_DIV_16 0x3u /* bits 0, 1 and 3: 0b0011 */

#define LAPIC_REGS_LEN 0x1000

static volatile void *regs;
static uint64_t phys;

static uint32_t rd(uint32_t reg)
{
	return mmio_read32(regs, reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	mmio_write32(regs, reg, v);
}

/* LINT0 and LINT1: NMI where the MADT says so (usually LINT1, for all
 * processors), otherwise masked. */
static void set_lint_pins(const struct madt_info *m)
{
	uint32_t lint[2] = { LVT_MASKED, LVT_MASKED };
	uint32_t self = 0xFFFFFFFEu; /* our ACPI processor ID, if listed */
	uint32_t apic_id = lapic_id();

	for (unsigned i = 0; i < m->nr_cpus; i++)
		if (m->cpu[i].apic_id == apic_id)
			self = m->cpu[i].acpi_id;
	for (unsigned i = 0; i < m->nr_nmis; i++) {
		const struct madt_nmi *n = &m->nmi[i];
		uint32_t v = LVT_DM_NMI;

		if (n->acpi_id != 0xFF && n->acpi_id != 0xFFFFFFFFu &&
		    n->acpi_id != self)
			continue; /* another processor's */
		if ((n->flags & MADT_POLARITY_MASK) == MADT_POLARITY_LOW)
			v |= LVT_ACTIVE_LOW;
		/* NMIs are edge-triggered whatever the flags say (SDM 11.5.1:
		 * the trigger bit is used for fixed delivery only). */
		lint[n->lint] = v;
	}
	wr(LAPIC_LVT_LINT0, lint[0]);
	wr(LAPIC_LVT_LINT1, lint[1]);
}

bool lapic_init(const struct madt_info *m, uint8_t spurious_vec,
		uint8_t error_vec)
{
	/* The registers answer where IA32_APIC_BASE puts them, and nowhere
	 * else (SDM 11.4.4).  The MADT should say the same; where it does
	 * not (or names an address off a page boundary), our writes must
	 * not go to whatever is at its address instead.  Every processor's
	 * APIC answers at the same address, each to its own processor. */
	phys = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR;
	if (phys != m->lapic_addr)
		pr_warn("lapic: the MADT says %#llx, IA32_APIC_BASE %#llx; "
			"using IA32_APIC_BASE's\n",
			(unsigned long long)m->lapic_addr,
			(unsigned long long)phys);
	regs = drv_map_mmio(phys, LAPIC_REGS_LEN);
	if (!regs)
		return false;
	lapic_start_this_cpu(m, spurious_vec, error_vec);
	return true;
}

void lapic_start_this_cpu(const struct madt_info *m, uint8_t spurious_vec,
			  uint8_t error_vec)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	unsigned max_lvt;

	if (base & APIC_BASE_X2APIC) {
		/* Firmware may hand over an APIC in x2APIC mode, where the
		 * registers below answer no memory access.  The only way back
		 * to xAPIC is through disabled (SDM 11.12.5): off, then on. */
		pr_info("lapic: the firmware left x2APIC mode on; back to "
			"xAPIC\n");
		base &= ~(uint64_t)(APIC_BASE_X2APIC | APIC_BASE_ENABLE);
		wrmsr(MSR_APIC_BASE, base);
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	max_lvt = (rd(LAPIC_VERSION) >> 16) & 0xFF;
	/* Accept every priority; then on, with the spurious vector. */
	wr(LAPIC_TPR, 0);
	wr(LAPIC_SVR, SVR_ENABLE | spurious_vec);
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	if (max_lvt >= 4)
		wr(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= 5)
		wr(LAPIC_LVT_THERMAL, LVT_MASKED);
	set_lint_pins(m);
	wr(LAPIC_LVT_ERROR, error_vec);
	(void)lapic_read_errors(); /* clear what the firmware left */
	wr(LAPIC_TIMER_DIV, TIMER_DIV_16);
	/* Anything the firmware left in service ends here. */
	lapic_eoi();
}

uint64_t lapic_phys(void)
{
	return phys;
}

uint32_t lapic_id(void)
{
	return rd(LAPIC_ID) >> 24;
}

uint32_t lapic_version(void)
{
	return rd(LAPIC_VERSION);
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

uint32_t lapic_read_errors(void)
{
	wr(LAPIC_ESR, 0);
	return rd(LAPIC_ESR);
}

void lapic_timer_oneshot(uint8_t vec, uint32_t count)
{
	/* The LVT first: a write of the initial count starts the count. */
	wr(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | vec);
	wr(LAPIC_TIMER_INIT, count);
}

void lapic_timer_stop(void)
{
	wr(LAPIC_TIMER_INIT, 0);
}

uint32_t lapic_timer_current(void)
{
	return rd(LAPIC_TIMER_CUR);
}

bool lapic_send_ipi(uint32_t dest, uint8_t vec, uint32_t mode)
{
	wr(LAPIC_ICR_HI, dest << 24);
	wr(LAPIC_ICR_LO, mode | ICR_ASSERT | vec); /* this write sends it */
	for (int i = 0; i < 1000000; i++) {
		if (!(rd(LAPIC_ICR_LO) & ICR_PENDING))
			return true;
		pause();
	}
	return false;
}
