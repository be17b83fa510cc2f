/*
 * kmap.c - watch a kernel page change under us.  The kernel gives us the
 * address of a fixmap page (in its half, so we use the peek system call to
 * read it).  We read it once, so our address space has the mapping, then
 * wait for the kernel to map another page there, from another address
 * space, and check that we see the new one.
 */
#include "ulib.h"

#define MAX_YIELDS 200

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
