/*
 * demo.c - [Testguest 1] the default mode: a tour of the ABI, one line a step.
 *
 * Each step uses one mechanism and prints one line saying it worked (or a
 * line containing "FAIL" saying what did not).  tests/qemu/guest-demo.test
 * checks for every line.  The steps, in order:
 *
 *   1. (the kernel's early.c and setup.c) LGUEST_INIT, and what the
 *      hypervisor told us;
 *   2. the IDT, and a batch of calls through the asynchronous ring;
 *   3. the virtual interrupt flag;
 *   4. traps: divide error, breakpoint, invalid opcode;
 *   5. the timer, idling with HALT between ticks;
 *   6. the FPU and the TS flag;
 *   7. a long burst of calls through the ring;
 *   8. (procdemo.c) user processes: fork, exec, the scheduler, faults;
 *   9. power off.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/timer.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define TICK_NS 10000000u      /* 10 ms */
#define COUNT_NS 1000000000ull /* over 1 s of wall-clock time */
#define ASYNC_BURST 100

#define VECTOR_DE 0
#define VECTOR_BP 3
#define VECTOR_UD 6

static int failures;

/*
 * A stack for the hypervisor to switch to when we are entered from user
 * mode (SET_STACK, ABI 5).  There is no user mode yet at this step, so it
 * stays unused; once processes run, proc.c names each one's own kernel
 * stack on every switch, through the ring, as Linux does.
 */
static uint8_t ring1_stack[2 * 4096] __attribute__((aligned(4096)));

static void fail(const char *what)
{
	printf("guest: FAIL: %s\n", what);
	failures++;
}

/* Step 2: gates, then SET_STACK and TS queued and flushed. */
static void setup_idt_and_stack(void)
{
	unsigned int gates = idt_init();

	printf("guest: idt: %u gates loaded (vectors 0-19, 0x20-0x2f, "
	       "0x80)\n",
	       gates);

	hcall_async(LHCALL_SET_STACK, GUEST_KERNEL_DS,
		    (uint32_t)ring1_stack + sizeof(ring1_stack), 2);
	hcall_async(LHCALL_TS, 0, 0, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	if (hcall_ring_idle())
		printf("guest: async: SET_STACK and TS queued, run by "
		       "FLUSH_ASYNC\n");
	else
		fail("async: ring not drained by FLUSH_ASYNC");
}

/* Step 3: cli and sti are stores to lguest_data.irq_enabled. */
static void show_irq_flag(void)
{
	uint32_t off, on;

	irq_disable();
	off = lguest_data.irq_enabled;
	irq_enable();
	on = lguest_data.irq_enabled;
	if (off == 0 && on == EFLAGS_IF)
		printf("guest: irq: virtual IF off 0x%x, on 0x%x\n", off, on);
	else
		fail("irq: irq_enabled did not follow cli/sti");
}

/* Step 4: three traps, each handled and survived. */
static volatile unsigned int traps_seen[VECTOR_UD + 1];

/*
 * Divide error is a fault: EIP points at the "div" itself, and returning
 * would run it again, forever.  We only ever divide by zero on purpose,
 * with "div %reg" (opcode F7, ModRM 11 110 rrr), so we step over those two
 * bytes.  Anything else is a real bug.
 */
static void handle_divide_error(struct trapframe *tf)
{
	const uint8_t *insn = (const uint8_t *)tf->eip;

	if (insn[0] != 0xf7 || (insn[1] & 0xf8) != 0xf0) {
		printf("guest: unexpected divide error at %p\n",
		       (void *)tf->eip);
		guest_poweroff("crash: divide error");
	}
	tf->eip += 2;
	traps_seen[VECTOR_DE]++;
}

/* A breakpoint is a trap: EIP is already past the "int3". */
static void handle_breakpoint(struct trapframe *tf)
{
	traps_seen[VECTOR_BP]++;
}

/* Invalid opcode is a fault too; "ud2" is the two bytes 0F 0B. */
static void handle_invalid_opcode(struct trapframe *tf)
{
	const uint8_t *insn = (const uint8_t *)tf->eip;

	if (insn[0] != 0x0f || insn[1] != 0x0b) {
		printf("guest: unexpected invalid opcode at %p\n",
		       (void *)tf->eip);
		guest_poweroff("crash: invalid opcode");
	}
	tf->eip += 2;
	traps_seen[VECTOR_UD]++;
}

static void report_trap(unsigned int vector)
{
	if (traps_seen[vector] == 1)
		printf("guest: trap %u (%s) handled\n", vector,
		       trap_name(vector));
	else
		printf("guest: FAIL: trap %u (%s) seen %u times, want 1\n",
		       vector, trap_name(vector), traps_seen[vector]);
	if (traps_seen[vector] != 1)
		failures++;
}

static void take_traps(void)
{
	uint32_t quotient, remainder, divisor = 0;

	trap_set_handler(VECTOR_DE, handle_divide_error);
	trap_set_handler(VECTOR_BP, handle_breakpoint);
	trap_set_handler(VECTOR_UD, handle_invalid_opcode);

	/* 1 / 0, in asm: C would let the compiler see it coming. */
	asm volatile("divl %2"
		     : "=a"(quotient), "=d"(remainder)
		     : "r"(divisor), "a"(1), "d"(0)
		     : "memory");
	(void)quotient;
	(void)remainder;
	report_trap(VECTOR_DE);
	asm volatile("int3" : : : "memory");
	report_trap(VECTOR_BP);
	asm volatile("ud2" : : : "memory");
	report_trap(VECTOR_UD);

	/* Later steps should not have their mistakes skipped over. */
	trap_set_handler(VECTOR_DE, NULL);
	trap_set_handler(VECTOR_BP, NULL);
	trap_set_handler(VECTOR_UD, NULL);
}

/*
 * Step 5: tick every 10 ms and count the ticks in one second of the
 * hypervisor's wall clock.  We start the second at the first tick, whose
 * delivery refreshed lguest_data.time, and count every tick after it
 * until the clock says a second has gone.
 */
static void count_ticks(void)
{
	uint32_t first;
	uint64_t start;

	timer_start(TICK_NS);
	timer_wait_tick();
	first = timer_ticks();
	start = wallclock_ns();
	do
		timer_wait_tick();
	while (wallclock_ns() - start < COUNT_NS);
	timer_stop();
	printf("guest: timer: %u ticks in 1 s at 10 ms\n",
	       timer_ticks() - first);
}

/*
 * Step 7: more calls than the ring holds.  When the ring is full,
 * hcall_async() makes the call directly, which drains the ring first; so
 * all of them run, in order, and afterwards every slot is free again.
 */
static void async_burst(void)
{
	unsigned int queued = 0, direct = 0;

	for (int i = 0; i < ASYNC_BURST; i++) {
		if (hcall_async(LHCALL_TS, 0, 0, 0))
			queued++;
		else
			direct++;
	}
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	if (hcall_ring_idle())
		printf("guest: async: %d calls (%u queued, %u direct), all "
		       "%d slots free after FLUSH_ASYNC\n",
		       ASYNC_BURST, queued, direct, LHCALL_RING_SIZE);
	else
		fail("async: ring not drained by FLUSH_ASYNC");
}

void demo_run(void)
{
	setup_idt_and_stack();
	show_irq_flag();
	take_traps();
	count_ticks();
	failures += fpu_demo();
	async_burst();
	failures += procdemo_all();

	if (failures) {
		printf("guest: demo: %d step(s) failed\n", failures);
		guest_poweroff("demo failed");
	}
	printf("guest: demo: all steps passed\n");
	guest_poweroff("demo complete");
}
