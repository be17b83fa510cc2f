/*
 * bench.c - [Testguest 8] how much does each way into the hypervisor cost?
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
 *   irq-toggle       cli + sti, which never leave the guest;
 *   shadow-fault     a read of a mapped kernel page the hypervisor has not
 *                    shadowed yet (after FLUSH_TLB(1)): it fixes the fault
 *                    silently, and we never see it (ABI 9.4);
 *   pgdir-switch     NEW_PGTABLE to a directory whose shadow is cached;
 *
 * and from a user program (user/ubench.c):
 *
 *   syscall-getpid   "int $0x80" from ring 3 and back;
 *   user-fault       a user page fault the hypervisor reflects to us and we
 *                    fix with a demand-zero page and a SET_PTE;
 *   proc-switch      one process yielding to another: a system call, a
 *                    switch of kernel stacks, SET_STACK and NEW_PGTABLE;
 *
 * and, last, the devices (bench_dev.c): the disk's and the console's
 * throughput.
 */
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/proc.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

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

/* Read one word of each of n mapped kernel pages just after a full flush. */
static void bench_shadow_fault(uint32_t n, uint32_t rounds)
{
	uint32_t room = (boot_mm.lowmem_bytes - boot_mm.free_start) / PAGE_SIZE;
	const uint8_t *base = __va(boot_mm.free_start);
	uint64_t cycles = 0, t;

	if (n > room)
		n = room;
	for (uint32_t r = 0; r < rounds; r++) {
		flush_tlb(true);
		t = rdtsc();
		for (uint32_t i = 0; i < n; i++)
			(void)*(volatile const uint8_t *)(base + i * PAGE_SIZE);
		cycles += rdtsc() - t;
	}
	printf("guest: bench: shadow-fault %llu cycles per op (%u ops)\n",
	       (unsigned long long)(cycles / (n * rounds)), n * rounds);
}

/* Two directories, both shadowed: switch from one to the other and back. */
static void bench_pgdir_switch(uint32_t n)
{
	uint32_t *pgdir = vm_create();
	uint64_t t;

	load_pgdir(pgdir);
	load_pgdir(swapper_pgdir);
	t = rdtsc();
	for (uint32_t i = 0; i < n; i++) {
		load_pgdir(pgdir);
		load_pgdir(swapper_pgdir);
	}
	report("pgdir-switch", t, 2 * n);
	page_free(pgdir);
}

/* The user-mode numbers come from a program; we wait for it. */
static void bench_user(int n)
{
	int status;

	proc_init();
	if (!proc_spawn("ubench", n)) {
		printf("guest: bench: cannot start ubench\n");
		return;
	}
	while (proc_wait(&status) > 0)
		;
}

void bench_run(void)
{
	idt_init();
	trap_set_handler(VECTOR_BP, nothing);
	trap_set_handler(SYSCALL_VECTOR, nothing);
	irq_enable();

	printf("guest: bench: tsc_khz %u\n", lguest_data.tsc_khz);
	bench_hypercall(100000);
	bench_async(1563); /* 100032 calls */
	bench_int80(50000);
	bench_int3(50000);
	bench_port(20000);
	bench_irq_toggle(1000000);
	bench_shadow_fault(2048, 4);
	bench_pgdir_switch(20000);
	bench_user(20000);
	bench_devices();
	printf("guest: bench: done\n");
	guest_poweroff("bench complete");
}
