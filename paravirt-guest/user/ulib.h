/*
 * ulib.h - what the user programs have besides newlib's C library: the
 * guest's own system calls, which no C library knows (pvfs's directory,
 * exec by name, the network, the tick clock...), and the time-stamp
 * counter.  printf, malloc, <string.h>, <stdio.h> on files and the
 * console, <time.h>, floating point in printf and scanf, and <math.h>
 * (libm) are newlib's, on the system calls of syscalls.c.
 */
#ifndef PVGUEST_ULIB_H
#define PVGUEST_ULIB_H

#include <stdint.h>

#include "sysnum.h"

static inline int syscall3(int nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	int ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
		     : "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Each returns what the system call does (sysnum.h): -1 for failure,
 * without errno, which only the C library's calls set. */
int exec(const char *prog, int arg);
void yield(void);
uint32_t uptime(void);
void sleep_ticks(uint32_t ticks);
int fslot(unsigned int index, struct file_info *info);
int file_stat(const char *name, struct file_info *info);
int file_read(const char *name, void *buf, uint32_t len);
int file_write(const char *name, const void *buf, uint32_t len);
int file_remove(const char *name);
int shutdown(int how);
int netinfo(struct net_info *info);
int netconf(uint32_t addr, uint32_t prefix);
int ping(uint32_t addr, uint32_t seq, struct ping_reply *reply);
int udpbind(uint32_t port);
int udpclose(uint32_t port);
int udpsend(const struct udp_msg *msg);
int udprecv(struct udp_msg *msg, uint32_t ticks);
int random_bytes(void *buf, uint32_t len);

#endif /* PVGUEST_ULIB_H */
