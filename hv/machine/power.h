/*
 * power.h - ending the hypervisor's run.
 *
 * How depends on the "exit=" option: QEMU's isa-debug-exit device (the
 * status becomes QEMU's exit code, 2 * status + 1, which is how the tests
 * learn the outcome), ACPI power-off, a reset, or a halt.
 */
#ifndef HV_POWER_H
#define HV_POWER_H

#include "hv/lib/lib.h"
#include "hv/setup/options.h"

enum hv_exit_status {
	HV_EXIT_OK = 0,		  /* every guest powered off: QEMU exits 1 */
	HV_EXIT_PANIC = 1,	  /* the hypervisor panicked: QEMU exits 3 */
	HV_EXIT_GUEST_KILLED = 2, /* a guest was killed: QEMU exits 5 */
	HV_EXIT_TEST_FAILED = 3,  /* a self-test failed: QEMU exits 7 */
};

void power_init(const struct hv_options *o, const uint8_t *rsdp,
		unsigned rsdp_len);
__noreturn void hv_exit_machine(enum hv_exit_status status);
const char *trap_name(uint32_t vec);

#endif
