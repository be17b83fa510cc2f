/* hello.c - the smallest user program: who am I, and in which ring? */
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

int main(int arg)
{
	uint32_t cs;

	asm volatile("movl %%cs, %0" : "=r"(cs));
	printf("guest: [pid %d] hello from ring %u (cs 0x%x), arg %d\n",
	       getpid(), cs & 3, cs, arg);
	return (cs & 3) == 3 ? 0 : 1;
}
