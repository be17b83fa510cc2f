/*
 * guest.c - running the configured guests.
 */
#include "hv.h"
#include "power.h"
#include "printk.h"

__noreturn void hv_run_guests(struct guest_config *cfg, int n)
{
	(void)cfg;
	if (n == 0) {
		printk("hv: no guests configured; nothing to run\n");
		hv_exit_machine(HV_EXIT_OK);
	}
	printk("hv: %d guest(s) configured, but guests cannot run yet\n", n);
	hv_exit_machine(HV_EXIT_GUEST_KILLED);
}
