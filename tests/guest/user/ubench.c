/*
 * ubench.c - the costs only a user program can measure: a system call
 * round trip, a page fault the guest kernel handles, and a switch between
 * two processes.  Lines as bench.c prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

#define PAGE 4096

static void report(const char *name, uint64_t cycles, uint32_t ops)
{
	printf("guest: bench: %s %u cycles per op (%u ops)\n", name,
	       (uint32_t)(cycles / ops), ops);
}

int main(int n)
{
	uint32_t pages = 1000;
	volatile uint8_t *heap;
	uint64_t t;
	int pid;

	t = rdtsc();
	for (int i = 0; i < n; i++)
		getpid();
	report("syscall-getpid", rdtsc() - t, n);

	heap = sbrk(pages * PAGE);
	t = rdtsc();
	for (uint32_t i = 0; i < pages; i++)
		heap[i * PAGE] = 1;
	report("user-fault", rdtsc() - t, pages);

	/* Two processes yielding to each other: each yield is a switch. */
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n / 10; i++)
			yield();
		_exit(0);
	}
	t = rdtsc();
	for (int i = 0; i < n / 10; i++)
		yield();
	report("proc-switch", rdtsc() - t, 2 * (n / 10));
	wait(0);
	return 0;
}
