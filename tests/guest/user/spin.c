/*
 * spin.c - burn the CPU without ever giving it up.  Two of these make
 * progress side by side only if the timer preempts them.
 */
#include <stdio.h>

#include "paravirt-guest/user/ulib.h"

#define ROUNDS 3
#define TICKS_PER_ROUND 3

int main(int id)
{
	for (int round = 1; round <= ROUNDS; round++) {
		uint32_t start = uptime();

		while (uptime() - start < TICKS_PER_ROUND)
			for (volatile int i = 0; i < 2000; i++)
				;
		printf("guest: spin %d: round %d of %d\n", id, round, ROUNDS);
	}
	return 0;
}
