/*
 * selftest.c - deliberate failures, for the tests that prove the
 * hypervisor reports its own faults well.  Compiled in only by test builds
 * (HV_SELFTEST, set by "make ... SELFTEST=1"); a normal build refuses the
 * option, so a production image can never be told to crash itself.
 */
#include "hv/hv.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"

#ifdef HV_SELFTEST
static volatile uint32_t zero;

static void __attribute__((noinline)) selftest_fault_ud(void)
{
	__asm__ volatile("ud2");
}

static void __attribute__((noinline)) selftest_fault_pf(void)
{
	/* Page 0 is unmapped in the hypervisor's address space. */
	*(volatile uint32_t *)(uintptr_t)(zero + 0x10) = 0xDEAD;
}

static void __attribute__((noinline)) selftest_fault_de(void)
{
	volatile uint32_t x = 1;

	x /= zero;
	(void)x;
}

int selftest_run(const char *name)
{
	printk("hv: selftest: %s\n", name);
	if (!hv_strcmp(name, "fault-ud"))
		selftest_fault_ud();
	else if (!hv_strcmp(name, "fault-pf"))
		selftest_fault_pf();
	else if (!hv_strcmp(name, "fault-de"))
		selftest_fault_de();
	else if (!hv_strcmp(name, "panic"))
		panic("deliberate panic from the self-test");
	printk("hv: selftest: unknown self-test '%s'\n", name);
	return HV_EXIT_TEST_FAILED;
}
#else
int selftest_run(const char *name)
{
	printk("hv: selftest=%s refused: this build has no self-tests "
	       "(build with SELFTEST=1)\n",
	       name);
	return HV_EXIT_TEST_FAILED;
}
#endif
