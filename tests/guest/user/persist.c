/*
 * persist.c - does the disk keep what we write across a reboot?
 *
 * First boot: the file is not there, so write it (with a value taken
 * from the clock, so that an old copy cannot pass for a new one) and ask
 * for a reboot.  The hypervisor starts the guest again with its memory
 * zeroed but the same disk.  Second boot: the file is there; print it,
 * remove it, and finish (the kernel then powers off).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "paravirt-guest/user/ulib.h"

#define FILE_NAME "persist.txt"

int main(int arg)
{
	struct file_info info;
	char back[64];
	FILE *f = fopen(FILE_NAME, "r");
	int len;

	if (!f && errno == ENOENT) {
		f = fopen(FILE_NAME, "w");
		len = f ? fprintf(f, "written before reboot, stamp %08x",
				  (uint32_t)rdtsc())
			: -1;
		if (!f || fclose(f) != 0 || len < 0) {
			printf("guest: persist: FAIL: cannot write %s: %s\n",
			       FILE_NAME, strerror(errno));
			return 1;
		}
		printf("guest: persist: wrote %d bytes to %s, rebooting\n", len,
		       FILE_NAME);
		shutdown(SHUTDOWN_REBOOT);
		printf("guest: persist: FAIL: still running after reboot\n");
		return 1;
	}
	if (!f || !fgets(back, sizeof(back), f) || fclose(f) != 0 ||
	    file_stat(FILE_NAME, &info) < 0) {
		printf("guest: persist: FAIL: cannot read %s\n", FILE_NAME);
		return 1;
	}
	printf("guest: persist: after the reboot %s holds '%s' (written %u "
	       "time%s)\n",
	       FILE_NAME, back, info.writes, info.writes == 1 ? "" : "s");
	if (remove(FILE_NAME) < 0 || fopen(FILE_NAME, "r") || errno != ENOENT) {
		printf("guest: persist: FAIL: cannot remove %s\n", FILE_NAME);
		return 1;
	}
	printf("guest: persist: removed %s\n", FILE_NAME);
	return 0;
}
