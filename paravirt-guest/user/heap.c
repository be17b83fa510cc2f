/*
 * heap.c - grow the heap with sbrk and use it.  No page exists until it is
 * touched: each first touch faults, and the kernel makes a zeroed page.
 */
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

#define PAGE 4096

int main(int pages)
{
	volatile uint8_t *p = sbrk(pages * PAGE);
	int bad = 0;

	for (int i = 0; i < pages * PAGE; i++)
		bad += p[i] != 0;
	for (int i = 0; i < pages * PAGE; i += 64)
		p[i] = (uint8_t)(i / PAGE + 1);
	for (int i = 0; i < pages * PAGE; i += 64)
		bad += p[i] != (uint8_t)(i / PAGE + 1);
	printf("guest: heap: %d demand-zero pages at 0x%08x: %s\n", pages,
	       (uint32_t)p, bad ? "FAIL" : "all zero, written and read back");
	return bad != 0;
}
