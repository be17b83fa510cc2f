/*
 * kmap.c - watch a kernel page change under us.  The kernel gives us the
 * address of a fixmap page (in its half, so we ask it to read the page
 * for us: peek() below).  We read it once, so our address space has the
 * mapping, then wait for the kernel to map another page there, from
 * another address space, and check that we see the new one.
 */
#include <stdio.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

#define MAX_YIELDS 200

/*
 * Not a system call: the test guest claims the overflow trap, "int $4",
 * for this while it runs us (procdemo.c).  The address goes in EAX, the
 * word comes back there, -1 if it is not a mapped fixmap word.
 */
static int peek(uint32_t addr)
{
	int word;

	asm volatile("int $4" : "=a"(word) : "a"(addr) : "memory");
	return word;
}

int main(int addr)
{
	int first = peek((uint32_t)addr), now = first, n;

	for (n = 0; n < MAX_YIELDS && now == first; n++) {
		yield();
		now = peek((uint32_t)addr);
	}
	printf("guest: kmap: pid %d saw 0x%x, then 0x%x after %d yields: %s\n",
	       getpid(), first, now, n, now != first ? "ok" : "FAIL (stale)");
	return now != first ? 0 : 1;
}
