/*
 * forktest.c - fork copies the address space: the child sees the parent's
 * memory as it was, and what the child writes the parent never sees.
 * Then fork + exec: the child becomes another program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ulib.h"

static volatile uint32_t value = 1;

int main(int arg)
{
	volatile char *heap = sbrk(4096);
	int pid, status = -1, ok;

	value = 0xaaaa;
	heap[0] = 'p';
	pid = fork();
	if (pid == 0) {
		ok = value == 0xaaaa && heap[0] == 'p';
		value = 0xbbbb;
		heap[0] = 'c';
		printf("guest: fork: child %d saw 0x%x and '%c' from its "
		       "parent, wrote 0x%x and 'c'\n",
		       getpid(), ok ? 0xaaaau : 0, ok ? 'p' : '?', value);
		_exit(ok ? 0 : 1);
	}
	if (pid < 0 || wait(&status) != pid) {
		printf("guest: fork: FAIL: fork or wait failed\n");
		return 1;
	}
	ok = status == 0 && value == 0xaaaa && heap[0] == 'p';
	printf("guest: fork: parent %d after child %d exited (status %d): "
	       "still 0x%x and '%c': %s\n",
	       getpid(), pid, status, value, heap[0], ok ? "ok" : "FAIL");

	pid = fork();
	if (pid == 0) {
		exec("hello", 42);
		printf("guest: fork: FAIL: exec returned\n");
		_exit(1);
	}
	if (wait(&status) != pid || status != 0) {
		printf("guest: exec: FAIL: status %d\n", status);
		return 1;
	}
	printf("guest: exec: child %d ran hello, status %d\n", pid, status);
	return ok ? 0 : 1;
}
