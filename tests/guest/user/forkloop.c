/* forkloop.c - fork and exit, again and again: nothing may leak. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

int main(int n)
{
	for (int i = 0; i < n; i++) {
		int status = -1, pid = fork();

		if (pid == 0)
			_exit(i & 0x7f);
		if (pid < 0 || wait(&status) != pid || status != (i & 0x7f)) {
			printf("guest: forkloop: FAIL at cycle %d (pid %d, "
			       "status %d)\n",
			       i, pid, status);
			return 1;
		}
	}
	printf("guest: forkloop: %d fork+exit cycles done\n", n);
	return 0;
}
