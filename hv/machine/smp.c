/*
 * smp.c - [Processors 1] the other processors: found in the MADT, woken with
 * INIT and STARTUP IPIs (SDM vol. 3, 8.4.4: "MP initialization
 * example"), and then at work like the first: each runs the scheduler's
 * loop for the guests placed on it (hv/core/sched.c).
 *
 * Each application processor starts in real mode at the trampoline
 * (boot/ap_trampoline.S), copied to AP_TRAMPOLINE below 1 MiB, which
 * brings it to protected mode and paging and into ap_main() here, on a
 * stack of its own.  ap_main() loads our page directory, its own GDT,
 * TSS and IDT (its Switcher pages), its local APIC, and says it is alive.
 * It waits for the guests to be created, then takes the hypervisor lock
 * and runs the loop the scheduler gave smp_run_others().
 *
 * Also here: the hypervisor lock (docs/smp.md), the wake-up interrupt
 * one processor sends another, and the panic stop.
 *
 * The start-up waits are drv_delay_us()'s (the drivers' clock, set up
 * before us).  One processor is started at a time, so the trampoline,
 * its stack pointer and the "alive" word are never shared.
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
#define AP_STACK_PAGES 8      /* 32 KiB, as the first CPU's boot stack */
#define NO_CPU 0xFFFFFFFFu

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern char boot_stack_bottom[], boot_stack_top[];
void ap_main(void);

/* For the processor being started: its stack, its index, its answer. */
uint32_t ap_boot_stack;
static unsigned ap_boot_cpu;
static volatile uint32_t ap_alive = NO_CPU;

static uint32_t host_cr3; /* our page directory, the first CPU's */
static unsigned online = 1;
static uint32_t apic_ids[MAX_CPUS];
static uint32_t stack_lo[MAX_CPUS], stack_hi[MAX_CPUS];
static void (*volatile others_loop)(void); /* set by smp_run_others() */
static volatile bool stopping;		   /* a panic: every CPU stops */
static volatile uint32_t nr_stopped;	   /* ... and says it has */

struct smp_cpu_stats smp_stats[MAX_CPUS];

/* ---- The hypervisor lock ---- */

static struct spinlock hv_lock = SPINLOCK_INIT;

static bool stopped[MAX_CPUS];

/* Never returns: a panic elsewhere stopped the machine.  Counted once per
 * processor (an NMI may wake one that stopped already). */
__noreturn void smp_stop_here(void)
{
	if (!__atomic_exchange_n(&stopped[cpu_index()], true, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&nr_stopped, 1, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A waiter for the lock whose holder was stopped by a panic would wait
 * for ever: it stops too. */
static void stop_if_stopping(void)
{
	if (stopping)
		smp_stop_here();
}

void hvlock_take(void)
{
	if (spin_lock_waiting(&hv_lock, stop_if_stopping))
		smp_stats[hv_lock.owner].lock_waits++;
}

void hvlock_drop(void)
{
	BUG_ON(!spin_held_here(&hv_lock));
	spin_unlock(&hv_lock);
}

void hvlock_let_others(void)
{
	hvlock_drop();
	cpu_relax();
	hvlock_take();
}

bool hvlock_held(void)
{
	return spin_held_here(&hv_lock);
}

/* ---- Starting the processors ---- */

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
static bool start_one(uint32_t apic_id, unsigned cpu, char *stack)
{
	uint8_t page = AP_TRAMPOLINE >> PAGE_SHIFT;

	if (!stack) {
		printk("hv: cpu %u: no memory for its stack\n", apic_id);
		return false;
	}
	stack_lo[cpu] = (uint32_t)(uintptr_t)stack;
	stack_hi[cpu] = stack_lo[cpu] + AP_STACK_PAGES * PAGE_SIZE;
	ap_boot_stack = stack_hi[cpu];
	ap_boot_cpu = cpu;
	switcher_init_cpu(cpu);
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

void smp_start(uint32_t cr3, void *(*alloc_pages)(uint32_t count))
{
	const struct madt_info *m = irq_madt();
	uint32_t self, size = ap_trampoline_end - ap_trampoline_start;
	char ids[MAX_CPUS * 4 + 1] = "";

	stack_lo[0] = (uint32_t)(uintptr_t)boot_stack_bottom;
	stack_hi[0] = (uint32_t)(uintptr_t)boot_stack_top;
	if (!m || m->nr_cpus < 2)
		return;	   /* one CPU, or no APICs to start others with */
	self = lapic_id(); /* (only with the local APIC's registers mapped) */
	apic_ids[0] = self;
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
		if (!start_one(id, online, alloc_pages(AP_STACK_PAGES))) {
			/* Back to waiting for a STARTUP, in case it is only
			 * late: it must not run on the next one's stack and
			 * pages (its own stack is not given to anyone). */
			(void)lapic_send_ipi(id, 0, LAPIC_DM_INIT);
			drv_delay_us(10000);
			printk("hv: cpu %u: did not come up; left alone\n", id);
			continue;
		}
		apic_ids[online++] = id;
		hv_snprintf(ids + len, sizeof(ids) - len, " %u", id);
	}
	printk("hv: cpus: %u online (APIC IDs %s); guests run on all of "
	       "them\n",
	       online, ids);
}

unsigned smp_cpus_online(void)
{
	return online;
}

bool smp_stack_bounds(unsigned cpu, uint32_t *lo, uint32_t *hi)
{
	if (cpu >= online || !stack_hi[cpu])
		return false;
	*lo = stack_lo[cpu];
	*hi = stack_hi[cpu];
	return true;
}

/* [Processors 4] The application processor, now on our page directory's
 * high addresses but the boot one's tables: take ours and its own
 * descriptor tables, say so, and wait for guests. */
void ap_main(void)
{
	unsigned cpu = ap_boot_cpu;

	write_cr4(read_cr4() | CR4_PSE | (cpu_has(CPU_PGE) ? CR4_PGE : 0));
	write_cr3(host_cr3);
	cpu_init_control_regs();
	switcher_load_tables(cpu);
	lapic_start_this_cpu(irq_madt(), LAPIC_SPURIOUS_VECTOR,
			     LAPIC_ERROR_VECTOR);
	ap_alive = lapic_id();
	while (!others_loop)
		cpu_relax();
	hvlock_take();
	others_loop();
	smp_stop_here(); /* (the loop parks instead of returning) */
}

void smp_run_others(void (*loop)(void))
{
	others_loop = loop;
}

/* ---- Between processors ---- */

void smp_wake(unsigned cpu)
{
	if (cpu == cpu_index() || cpu >= online)
		return;
	/* One is enough until it is taken: the receiver looks at all its
	 * guests when it comes. */
	if (__atomic_exchange_n(&smp_stats[cpu].wake_pending, true,
				__ATOMIC_SEQ_CST))
		return;
	if (!lapic_send_ipi(apic_ids[cpu], LAPIC_WAKE_VECTOR, LAPIC_DM_FIXED))
		pr_warn("hv: cpu %u: its local APIC did not take a wake-up\n",
			cpu);
}

void smp_wake_received(void)
{
	struct smp_cpu_stats *s = &smp_stats[cpu_index()];

	s->wake_pending = false;
	s->ipis_in++;
}

/* A panic: everyone else stops where they are, with an NMI (it reaches a
 * processor with interrupts off too: one spinning for the lock, say).
 * Returns how many said they stopped, within 100 ms. */
unsigned smp_stop_others(void)
{
	unsigned me = cpu_index();

	stopping = true;
	if (online == 1)
		return 0;
	for (unsigned c = 0; c < online; c++)
		if (c != me)
			(void)lapic_send_ipi(apic_ids[c], 0, LAPIC_DM_NMI);
	for (int ms = 0; ms < 100 && nr_stopped < online - 1; ms++)
		drv_delay_us(1000);
	return nr_stopped;
}

void smp_nmi(void)
{
	if (stopping)
		smp_stop_here();
}
