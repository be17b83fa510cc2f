/*
 * isolate.c - run two of these at once (arguments 1 and 2): each writes
 * its own value to the same address, lets the other run, and must read
 * back its own.  Same virtual address, different page directories.
 */
#include <stdio.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

static volatile uint32_t cell;

int main(int id)
{
	uint32_t mine = 0x11111111u * (uint32_t)id, seen;

	cell = mine;
	for (int i = 0; i < 5; i++)
		yield();
	seen = cell;
	printf("guest: isolation: pid %d wrote 0x%x at 0x%08x, read back "
	       "0x%x: %s\n",
	       getpid(), mine, (uint32_t)&cell, seen,
	       seen == mine ? "ok" : "FAIL");
	return seen == mine ? 0 : 1;
}
