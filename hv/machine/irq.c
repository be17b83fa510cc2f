/*
 * irq.c - [Boot 8] routing the machine's interrupt lines to the drivers that own
 * them.  The hypervisor takes hardware interrupts in two situations: while
 * a guest runs (the interrupt exits the guest) and while it is idle in
 * "sti; hlt".  Either way the handler runs with interrupts off and to
 * completion, so handlers never nest.
 *
 * Two controllers, one interface.  Where ACPI's MADT lists a local APIC
 * and an I/O APIC, they deliver: each line is routed through the I/O
 * APIC to vector IRQ_BASE + line, honouring the MADT's overrides (on
 * QEMU the PIT's IRQ 0 is GSI 2), and the 8259s are remapped and fully
 * masked.  Otherwise, or with irqchip=pic, the 8259s deliver, as on the
 * PCs before the APIC.  Both Switcher paths (a guest interrupted, or the
 * hypervisor idling) end in irq_vector(), so the local APIC's vectors
 * (timer, error, spurious) go the same way as the lines.
 */
#include "hv/machine/irq.h"
#include "drivers/acpi.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/madt.h"
#include "drivers/pic.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/smp.h"

#define ERRORS_REPORTED 8 /* then quiet: a storm must not flood the log */

static irq_handler_t handlers[NR_HW_IRQS];
static uint64_t counts[NR_HW_IRQS];
static uint64_t timer_count, spurious_count, error_count, stray_count;
static irq_handler_t timer_handler;
static struct madt_info madt;
static bool apic;

/* Why the APICs cannot be used, or NULL when they can (then set up). */
static const char *start_apics(char *err, size_t errlen)
{
	const void *t;
	uint32_t len;

	if (!cpu_has(CPU_APIC) || !cpu_has(CPU_MSR))
		return "this CPU has no local APIC";
	t = acpi_table("APIC", &len);
	if (!t)
		return "no MADT in the ACPI tables";
	if (!madt_parse(t, len, &madt, err, errlen))
		return err;
	if (madt.nr_ioapics == 0)
		return "the MADT lists no I/O APIC";
	if (ioapic_init(&madt) == 0)
		return "no I/O APIC answers";
	if (!lapic_init(&madt, LAPIC_SPURIOUS_VECTOR, LAPIC_ERROR_VECTOR))
		return "the local APIC's registers are out of reach";
	return NULL;
}

static void say_apics(void)
{
	uint64_t phys;
	uint32_t gsi;
	unsigned lines;

	ioapic_describe(0, &phys, &gsi, &lines);
	printk("hv: irq: local APIC at %#llx (ID %u), I/O APIC 0 at %#llx "
	       "(%u lines, GSI %u)",
	       (unsigned long long)lapic_phys(), lapic_id(),
	       (unsigned long long)phys, lines, gsi);
	if (ioapic_count() > 1)
		printk(" and %u more", ioapic_count() - 1);
	printk(", %u overrides; 8259s masked\n", madt.nr_overrides);
}

void irq_init(enum irqchip_mode want)
{
	char err[80];
	const char *why;

	/* Remapped off the exception vectors in every case: even masked,
	 * an 8259 could raise a spurious IRQ 7 at its power-on vectors. */
	pic_init(IRQ_BASE);
	if (want == IRQCHIP_PIC) {
		printk("hv: irq: 8259 PICs (irqchip=pic)\n");
		return;
	}
	why = start_apics(err, sizeof(err));
	if (why) {
		if (want == IRQCHIP_APIC)
			pr_warn("hv: irq: irqchip=apic, but %s\n", why);
		printk("hv: irq: 8259 PICs (%s)\n", why);
		return;
	}
	pic_mask_all();
	apic = true;
	say_apics();
}

bool irq_apic(void)
{
	return apic;
}

const struct madt_info *irq_madt(void)
{
	return apic ? &madt : NULL;
}

void irq_register(unsigned irq, irq_handler_t fn)
{
	BUG_ON(irq >= NR_HW_IRQS);
	handlers[irq] = fn;
	if (!apic) {
		pic_unmask(irq);
		return;
	}
	if (ioapic_route_isa(&madt, irq, (uint8_t)(IRQ_BASE + irq),
			     lapic_id()) < 0)
		pr_warn("hv: irq: no I/O APIC serves ISA IRQ %u\n", irq);
}

void irq_set_timer_handler(irq_handler_t fn)
{
	timer_handler = fn;
}

static void line_8259(unsigned irq)
{
	if (pic_spurious(irq))
		return;
	counts[irq]++;
	/* Acknowledge first: a one-shot PIT re-armed inside the handler
	 * must be able to raise its next interrupt. */
	pic_eoi(irq);
	if (handlers[irq])
		handlers[irq]();
}

/* An EOI after the handler: a level-triggered line whose device still
 * asserts it is sent again only once the handler has had its say.
 * (Interrupts are off here, so nothing is lost in between.) */
static void line_apic(unsigned irq)
{
	counts[irq]++;
	if (handlers[irq])
		handlers[irq]();
	lapic_eoi();
}

static void local_error(void)
{
	uint32_t esr = lapic_read_errors();

	if (++error_count <= ERRORS_REPORTED)
		pr_warn("hv: irq: local APIC error, ESR %#x%s\n", esr,
			error_count == ERRORS_REPORTED ? " (no more reported)"
						       : "");
	lapic_eoi();
}

/* Only the local APIC sends these. */
static void local_vector(uint32_t vec)
{
	switch (vec) {
	case LAPIC_SPURIOUS_VECTOR:
		/* Raised when an interrupt went away before the CPU took it;
		 * nothing is in service, so no EOI (one would end another
		 * interrupt's service early). */
		spurious_count++;
		return;
	case LAPIC_TIMER_VECTOR:
		timer_count++;
		if (timer_handler)
			timer_handler();
		lapic_eoi();
		return;
	case LAPIC_ERROR_VECTOR:
		local_error();
		return;
	case LAPIC_WAKE_VECTOR:
		/* Another processor made one of our guests ready, or wants
		 * it stopped: the interrupt itself is the point (it ends a
		 * guest's run or our idle; the scheduler looks again). */
		smp_wake_received();
		lapic_eoi();
		return;
	}
	/* 0xF2-0xFD: nothing sends one. */
	if (++stray_count <= ERRORS_REPORTED)
		pr_warn("hv: irq: unexpected local APIC vector %#x\n", vec);
	lapic_eoi();
}

bool irq_vector(uint32_t vec)
{
	if (vec >= IRQ_BASE && vec < IRQ_BASE + NR_HW_IRQS) {
		if (apic)
			line_apic(vec - IRQ_BASE);
		else
			line_8259(vec - IRQ_BASE);
		return true;
	}
	if (apic && vec >= LAPIC_VECTORS_FIRST && vec <= 0xFF) {
		local_vector(vec);
		return true;
	}
	if (vec == LAPIC_SPURIOUS_VECTOR) {
		/* With the 8259s the local APIC keeps the firmware's set-up,
		 * and may have this spurious vector too. */
		spurious_count++;
		return true;
	}
	return false;
}

uint64_t irq_total(void)
{
	uint64_t n = timer_count + spurious_count + error_count + stray_count;

	for (unsigned i = 0; i < NR_HW_IRQS; i++)
		n += counts[i];
	return n;
}
