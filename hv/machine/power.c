/*
 * power.c - [Boot 9] the end of a run (see power.h).
 */
#include "hv/machine/power.h"
#include "drivers/acpi.h"
#include "drivers/ps2kbd.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"

static enum exit_method method = EXIT_ACPI;
static uint16_t qemu_port = 0xF4;

void power_init(const struct hv_options *o, const uint8_t *rsdp,
		unsigned rsdp_len)
{
	method = o->exit;
	qemu_port = o->qemu_exit_port;
	acpi_init(rsdp, rsdp_len);
}

static __noreturn void halt_forever(void)
{
	printk("hv: system halted.\n");
	for (;;) {
		cli();
		hlt();
	}
}

/* Give a reset a moment to take: a write that resets the machine does
 * not return, but the next method should not race it. */
static void settle(void)
{
	for (int i = 0; i < 1000000; i++)
		pause();
}

/* The chipset's reset control register (Intel PCHs and PIIX alike):
 * bit 1 asks for a hard reset, and setting bit 2 after it starts one. */
static void port_cf9_reset(void)
{
	outb(0xCF9, 0x02);
	io_delay();
	outb(0xCF9, 0x06);
}

__noreturn void hv_exit_machine(enum hv_exit_status status)
{
	cli();
	switch (method) {
	case EXIT_QEMU:
		printk("hv: exiting QEMU with status %d\n", status);
		outl(qemu_port, (uint32_t)status);
		/* Not under QEMU after all: fall back to a halt. */
		printk("hv: no isa-debug-exit device at port %#x\n", qemu_port);
		break;
	case EXIT_REBOOT:
		printk("hv: rebooting\n");
		/* The FADT's RESET_REG when its flags say it works (it says
		 * how on the console), then the two ways older PCs have. */
		acpi_reset();
		settle();
		printk("hv: reset through the keyboard controller\n");
		ps2kbd_pulse_reset();
		settle();
		printk("hv: reset through port 0xcf9\n");
		port_cf9_reset();
		settle();
		printk("hv: no reset method worked\n");
		break;
	case EXIT_ACPI:
		if (status != HV_EXIT_OK) {
			/* Keep the message on screen rather than power off. */
			break;
		}
		printk("hv: powering off\n");
		acpi_poweroff(); /* back only if it failed, and said why */
		break;
	case EXIT_HALT:
		break;
	}
	halt_forever();
}
