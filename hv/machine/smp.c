/*
 * smp.c - [Processors 1] the other processors: found in the MADT, woken with
 * INIT and STARTUP IPIs (SDM vol. 3, 8.4.4: "MP initialization
 * example"), and for now parked.
 *
 * Each application processor starts in real mode at the trampoline
 * (boot/ap_trampoline.S), copied to AP_TRAMPOLINE below 1 MiB, which
 * brings it to protected mode and paging and into ap_main() here, on a
 * page of stack of its own.  ap_main() loads what the first CPU uses (our
 * page directory, GDT, IDT, control registers) and says it is alive.
 * Then it waits with interrupts off: the guests still run on the first
 * CPU (running them on every CPU is the rest of the SMP work, issue 16).
 *
 * The waits are drv_delay_us()'s (the drivers' clock, set up before us).
 * One processor is started at a time, so the trampoline, its stack
 * pointer and the "alive" word are never shared.
 */
#include "hv/machine/smp.h"
#include "drivers/driver_env.h"
#include "drivers/lapic.h"
#include "drivers/madt.h"
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/irq.h"
#include "hv/setup/bootinfo.h"
#include "switcher/switcher.h"

#define AP_TRAMPOLINE 0x8000u /* boot/ap_trampoline.S says so too */
#define NO_CPU 0xFFFFFFFFu

extern const char ap_trampoline_start[], ap_trampoline_end[];
void ap_main(void);

/* For the processor being started: its stack, and its answer. */
uint32_t ap_boot_stack;
static volatile uint32_t ap_alive = NO_CPU;
static uint32_t host_cr3; /* our page directory, the first CPU's */
static unsigned online = 1;

/* Whether [base, base+len) lies in one usable region of the memory map. */
static bool usable(uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];

		if (r->type == MEM_USABLE && r->base <= base &&
		    base + len <= r->base + r->len)
			return true;
	}
	return false;
}

/* [Processors 2] INIT, then STARTUP (twice if need be), then wait for it. */
static bool start_one(uint32_t apic_id, void *stack)
{
	uint8_t page = AP_TRAMPOLINE >> PAGE_SHIFT;


	if (!stack) {
		printk("hv: cpu %u: no memory for its stack\n", apic_id);
		return false;
	}
	ap_boot_stack = (uint32_t)(uintptr_t)stack + PAGE_SIZE;
	ap_alive = NO_CPU;
	if (!lapic_send_ipi(apic_id, 0, LAPIC_DM_INIT))
		return false;
	drv_delay_us(10000);
	for (int tries = 0; tries < 2 && ap_alive == NO_CPU; tries++) {
		if (!lapic_send_ipi(apic_id, page, LAPIC_DM_STARTUP))
			return false;
		drv_delay_us(200);
		for (int ms = 0; ms < 100 && ap_alive == NO_CPU; ms++)
			drv_delay_us(1000);
	}
	return ap_alive == apic_id;
}

void smp_start(uint32_t cr3, void *(*alloc_page)(void))
{
	const struct madt_info *m = irq_madt();
	uint32_t self, size = ap_trampoline_end - ap_trampoline_start;
	char ids[MAX_CPUS * 4 + 1] = "";
	unsigned parked = 0;

	if (!m || m->nr_cpus < 2)
		return; /* one CPU, or no APICs to start others with */
	self = lapic_id(); /* (only with the local APIC's registers mapped) */
	if (!usable(AP_TRAMPOLINE, PAGE_SIZE) || size > PAGE_SIZE) {
		printk("hv: cpus: page %#x is not usable RAM for the start-up "
		       "code; running on one CPU\n",
		       AP_TRAMPOLINE);
		return;
	}
	host_cr3 = cr3;
	hv_memcpy(phys_to_virt(AP_TRAMPOLINE), ap_trampoline_start, size);
	hv_snprintf(ids, sizeof(ids), "%u", self);
	for (unsigned i = 0; i < m->nr_cpus; i++) {
		uint32_t id = m->cpu[i].apic_id;
		size_t len = hv_strlen(ids);

		if (!m->cpu[i].enabled || id == self)
			continue;
		if (online == MAX_CPUS || id > 0xFF) {
			printk("hv: cpu %u: not started (at most %u CPUs, "
			       "8-bit APIC IDs)\n",
			       id, MAX_CPUS);
			continue;
		}
		if (!start_one(id, alloc_page())) {
			printk("hv: cpu %u: did not come up; left alone\n", id);
			continue;
		}
		online++;
		parked++;
		hv_snprintf(ids + len, sizeof(ids) - len, " %u", id);
	}
	printk("hv: cpus: %u online (APIC IDs %s); %u waiting: guests run on "
	       "the first\n",
	       online, ids, parked);
}

unsigned smp_cpus_online(void)
{
	return online;
}

/* [Processors 4] The application processor, now on our page directory's high
 * addresses but the boot one's tables: take ours, then say so. */
void ap_main(void)
{
	write_cr4(read_cr4() | CR4_PSE | (cpu_has(CPU_PGE) ? CR4_PGE : 0));
	write_cr3(host_cr3);
	cpu_init_control_regs();
	switcher_load_tables();
	ap_alive = lapic_id();
	for (;;)
		__asm__ volatile("cli; hlt");
}
