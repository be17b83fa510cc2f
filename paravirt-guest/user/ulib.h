/*
 * ulib.h - the user programs' whole C library: system calls, printf, a few
 * string functions, and the time-stamp counter.
 *
 * Programs are built with -mgeneral-regs-only: the kernel does not yet
 * save a process's FPU registers when it switches to another.
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

int write(const void *buf, uint32_t len);
int getpid(void);
int fork(void);
int exec(const char *prog, int arg);
__attribute__((noreturn)) void exit(int status);
int wait(int *status);
void *sbrk(int bytes);
void yield(void);
uint32_t uptime(void);
int read(void *buf, uint32_t len);
int fslot(unsigned int index, struct file_info *info);
int fstat(const char *name, struct file_info *info);
int fread(const char *name, void *buf, uint32_t len);
int fwrite(const char *name, const void *buf, uint32_t len);
int fremove(const char *name);
int shutdown(int how);
void sleep(uint32_t ticks);
int netinfo(struct net_info *info);
int netconf(uint32_t addr, uint32_t prefix);
int ping(uint32_t addr, uint32_t seq, struct ping_reply *reply);
int udpbind(uint32_t port);
int udpclose(uint32_t port);
int udpsend(const struct udp_msg *msg);
int udprecv(struct udp_msg *msg, uint32_t ticks);
int random(void *buf, uint32_t len);

/* Strings and memory: the compiler may call the last two by itself. */
uint32_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *dst, int c, uint32_t n);
void *memcpy(void *dst, const void *src, uint32_t n);

__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);

#endif /* PVGUEST_ULIB_H */
