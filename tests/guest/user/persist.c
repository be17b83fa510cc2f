/*
 * persist.c - does the disk keep what we write across a reboot?
 *
 * First boot: the file is not there, so write it (with a value taken
 * from the clock, so that an old copy cannot pass for a new one) and ask
 * for a reboot.  The hypervisor starts the guest again with its memory
 * zeroed but the same disk.  Second boot: the file is there; print it,
 * remove it, and finish (the kernel then powers off).
 */
#include "paravirt-guest/user/ulib.h"

#define FILE_NAME "persist.txt"

int main(int arg)
{
	struct file_info info;
	char text[64], back[64];
	uint32_t stamp = (uint32_t)rdtsc();
	int n, len = 0;

	if (fstat(FILE_NAME, &info) < 0) {
		const char *s = "written before reboot, stamp ";

		while (*s)
			text[len++] = *s++;
		for (int shift = 28; shift >= 0; shift -= 4)
			text[len++] = "0123456789abcdef"[(stamp >> shift) & 15];
		if (fwrite(FILE_NAME, text, len) != len) {
			printf("guest: persist: FAIL: cannot write %s\n",
			       FILE_NAME);
			return 1;
		}
		printf("guest: persist: wrote %d bytes to %s, rebooting\n", len,
		       FILE_NAME);
		shutdown(SHUTDOWN_REBOOT);
		printf("guest: persist: FAIL: still running after reboot\n");
		return 1;
	}
	n = fread(FILE_NAME, back, sizeof(back) - 1);
	if (n < 0) {
		printf("guest: persist: FAIL: cannot read %s\n", FILE_NAME);
		return 1;
	}
	back[n] = '\0';
	printf("guest: persist: after the reboot %s holds '%s' (written %u "
	       "time%s)\n",
	       FILE_NAME, back, info.writes, info.writes == 1 ? "" : "s");
	if (fremove(FILE_NAME) < 0 || fstat(FILE_NAME, &info) == 0) {
		printf("guest: persist: FAIL: cannot remove %s\n", FILE_NAME);
		return 1;
	}
	printf("guest: persist: removed %s\n", FILE_NAME);
	return 0;
}
