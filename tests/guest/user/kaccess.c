/*
 * kaccess.c - a user program that reads memory it may not: the kernel
 * (which is mapped in its address space, but as supervisor pages), the
 * hypervisor's region, or a null pointer.  It must die, and only it.
 */
#include <stdio.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

static const uint32_t targets[] = {
	0xc0400000, /* the kernel's own code */
	0xffc00000, /* the hypervisor region */
	0,	    /* a null pointer */
};

int main(int which)
{
	uint32_t addr = targets[which % 3];
	uint32_t v;

	printf("guest: kaccess: pid %d reads 0x%08x\n", getpid(), addr);
	v = *(volatile uint32_t *)addr;
	printf("guest: kaccess: FAIL: read 0x%x at 0x%08x\n", v, addr);
	return 1;
}
