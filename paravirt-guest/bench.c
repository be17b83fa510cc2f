/*
 * bench.c - [Pvguest 10] how much does each way into the hypervisor cost?
 *
 * We time each operation with the time-stamp counter over many repetitions
 * and print the average, one line each:
 *
 *   guest: bench: NAME CYCLES cycles per op (N ops)
 *
 * tests/bench.sh collects these lines into a table.  The operations:
 *
 *   hypercall        a synchronous hypercall that does nothing (FLUSH_ASYNC):
 *                    the bare cost of a round trip into the hypervisor;
 *   async-hypercall  a call queued in the ring, including its share of the
 *                    FLUSH_ASYNC that runs every 64;
 *   syscall-int80    "int $0x80" reflected back to our own handler: what a
 *                    Linux guest's system call costs (the design goal is a
 *                    hypercall at most twice this);
 *   trap-int3        a breakpoint reflected to our handler;
 *   port-out         an "outb" the hypervisor emulates (port 0x80, ignored);
 *   irq-toggle       cli + sti, which never leave the guest.
 */
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "hcall.h"
#include "idt.h"
#include "irq.h"
#include "trap.h"
#include "x86.h"

#define VECTOR_BP 3
#define POST_PORT 0x80

static void nothing(struct trapframe *tf)
{
}

static void report(const char *name, uint64_t start, uint32_t ops)
{
	uint64_t cycles = rdtsc() - start;

	printf("guest: bench: %s %llu cycles per op (%u ops)\n", name,
	       (unsigned long long)(cycles / ops), ops);
}

static void bench_hypercall(uint32_t n)
{
	uint64_t t = rdtsc();

	for (uint32_t i = 0; i < n; i++)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	report("hypercall", t, n);
}

/* Fill the ring, flush it, again: every call is queued, none direct. */
static void bench_async(uint32_t rounds)
{
	uint64_t t = rdtsc();

	for (uint32_t r = 0; r < rounds; r++) {
		for (int i = 0; i < LHCALL_RING_SIZE; i++)
			hcall_async(LHCALL_TS, 0, 0, 0);
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	}
	report("async-hypercall", t, rounds * LHCALL_RING_SIZE);
}

static void bench_int80(uint32_t n)
{
	uint64_t t = rdtsc();

	for (uint32_t i = 0; i < n; i++)
		asm volatile("int $0x80" : : : "memory");
	report("syscall-int80", t, n);
}

static void bench_int3(uint32_t n)
{
	uint64_t t = rdtsc();

	for (uint32_t i = 0; i < n; i++)
		asm volatile("int3" : : : "memory");
	report("trap-int3", t, n);
}

static void bench_port(uint32_t n)
{
	uint64_t t = rdtsc();

	for (uint32_t i = 0; i < n; i++)
		outb(POST_PORT, 0);
	report("port-out", t, n);
}

static void bench_irq_toggle(uint32_t n)
{
	uint64_t t = rdtsc();

	for (uint32_t i = 0; i < n; i++) {
		irq_disable();
		irq_enable();
	}
	report("irq-toggle", t, n);
}

void bench_run(void)
{
	idt_init();
	trap_set_handler(VECTOR_BP, nothing);
	trap_set_handler(SYSCALL_VECTOR, nothing);
	irq_enable();

	printf("guest: bench: tsc_khz %u\n", lguest_data.tsc_khz);
	bench_hypercall(100000);
	bench_async(1563);	/* 100032 calls */
	bench_int80(50000);
	bench_int3(50000);
	bench_port(20000);
	bench_irq_toggle(1000000);
	printf("guest: bench: done\n");
	guest_poweroff("bench complete");
}
