/*
 * ulib.c - the guest's own system calls, for user programs: one line each
 * on "int $0x80" (sysnum.h says what they take and give).  The calls a C
 * library expects (write, open, fork, ...) are in syscalls.c instead,
 * under the names newlib calls them by.
 */
#include "ulib.h"

int exec(const char *prog, int arg)
{
	return syscall3(SYS_exec, (uint32_t)prog, (uint32_t)arg, 0);
}

void yield(void)
{
	syscall3(SYS_yield, 0, 0, 0);
}

uint32_t uptime(void)
{
	return (uint32_t)syscall3(SYS_uptime, 0, 0, 0);
}

void sleep_ticks(uint32_t ticks)
{
	syscall3(SYS_sleep, ticks, 0, 0);
}

int fslot(unsigned int index, struct file_info *info)
{
	return syscall3(SYS_fslot, index, (uint32_t)info, 0);
}

int file_stat(const char *name, struct file_info *info)
{
	return syscall3(SYS_fstat, (uint32_t)name, (uint32_t)info, 0);
}

int file_read(const char *name, void *buf, uint32_t len)
{
	return syscall3(SYS_fread, (uint32_t)name, (uint32_t)buf, len);
}

int file_write(const char *name, const void *buf, uint32_t len)
{
	return syscall3(SYS_fwrite, (uint32_t)name, (uint32_t)buf, len);
}

int file_remove(const char *name)
{
	return syscall3(SYS_fremove, (uint32_t)name, 0, 0);
}

int shutdown(int how)
{
	return syscall3(SYS_shutdown, (uint32_t)how, 0, 0);
}

int netinfo(struct net_info *info)
{
	return syscall3(SYS_netinfo, (uint32_t)info, 0, 0);
}

int netconf(uint32_t addr, uint32_t prefix)
{
	return syscall3(SYS_netconf, addr, prefix, 0);
}

int ping(uint32_t addr, uint32_t seq, struct ping_reply *reply)
{
	return syscall3(SYS_ping, addr, seq, (uint32_t)reply);
}

int udpbind(uint32_t port)
{
	return syscall3(SYS_udpbind, port, 0, 0);
}

int udpclose(uint32_t port)
{
	return syscall3(SYS_udpclose, port, 0, 0);
}

int udpsend(const struct udp_msg *msg)
{
	return syscall3(SYS_udpsend, (uint32_t)msg, 0, 0);
}

int udprecv(struct udp_msg *msg, uint32_t ticks)
{
	return syscall3(SYS_udprecv, (uint32_t)msg, ticks, 0);
}

int random_bytes(void *buf, uint32_t len)
{
	return syscall3(SYS_random, (uint32_t)buf, len, 0);
}
