/*
 * ulib.c - the system-call wrappers and a small printf for user programs.
 *
 * printf formats the whole line into a buffer and makes one write() call:
 * the kernel does a write without switching to another process, so lines
 * from processes running at the same time never mix.
 */
#include <stdarg.h>

#include "ulib.h"

int write(const void *buf, uint32_t len)
{
	return syscall3(SYS_write, 1, (uint32_t)buf, len);
}

int getpid(void)
{
	return syscall3(SYS_getpid, 0, 0, 0);
}

int fork(void)
{
	return syscall3(SYS_fork, 0, 0, 0);
}

int exec(const char *prog, int arg)
{
	return syscall3(SYS_exec, (uint32_t)prog, (uint32_t)arg, 0);
}

void exit(int status)
{
	syscall3(SYS_exit, (uint32_t)status, 0, 0);
	for (;;)
		;
}

int wait(int *status)
{
	return syscall3(SYS_wait, (uint32_t)status, 0, 0);
}

void *sbrk(int bytes)
{
	return (void *)syscall3(SYS_sbrk, (uint32_t)bytes, 0, 0);
}

void yield(void)
{
	syscall3(SYS_yield, 0, 0, 0);
}

uint32_t uptime(void)
{
	return (uint32_t)syscall3(SYS_uptime, 0, 0, 0);
}

int read(void *buf, uint32_t len)
{
	return syscall3(SYS_read, 0, (uint32_t)buf, len);
}

int fslot(unsigned int index, struct file_info *info)
{
	return syscall3(SYS_fslot, index, (uint32_t)info, 0);
}

int fstat(const char *name, struct file_info *info)
{
	return syscall3(SYS_fstat, (uint32_t)name, (uint32_t)info, 0);
}

int fread(const char *name, void *buf, uint32_t len)
{
	return syscall3(SYS_fread, (uint32_t)name, (uint32_t)buf, len);
}

int fwrite(const char *name, const void *buf, uint32_t len)
{
	return syscall3(SYS_fwrite, (uint32_t)name, (uint32_t)buf, len);
}

int fremove(const char *name)
{
	return syscall3(SYS_fremove, (uint32_t)name, 0, 0);
}

int shutdown(int how)
{
	return syscall3(SYS_shutdown, (uint32_t)how, 0, 0);
}

void sleep(uint32_t ticks)
{
	syscall3(SYS_sleep, ticks, 0, 0);
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

int random(void *buf, uint32_t len)
{
	return syscall3(SYS_random, (uint32_t)buf, len, 0);
}

uint32_t strlen(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

void *memset(void *dst, int c, uint32_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *dst, const void *src, uint32_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

struct buf {
	char text[160];
	uint32_t len;
};

static void put(struct buf *b, char c)
{
	if (b->len < sizeof(b->text))
		b->text[b->len++] = c;
}

static void put_number(struct buf *b, uint32_t n, uint32_t base, int width)
{
	char digits[12];
	int i = 0;

	do {
		digits[i++] = "0123456789abcdef"[n % base];
		n /= base;
	} while (n);
	for (; width > i; width--)
		put(b, '0');
	while (i)
		put(b, digits[--i]);
}

/* %d %u %x %s %c and %p; a zero-padded width for numbers. */
void printf(const char *fmt, ...)
{
	struct buf b = { .len = 0 };
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0;
		const char *s;
		int d;

		if (*fmt != '%') {
			put(&b, *fmt);
			continue;
		}
		while (*++fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt - '0');
		switch (*fmt) {
		case 'd':
			d = va_arg(ap, int);
			if (d < 0)
				put(&b, '-');
			put_number(&b, d < 0 ? -(uint32_t)d : (uint32_t)d, 10,
				   width);
			break;
		case 'u':
			put_number(&b, va_arg(ap, uint32_t), 10, width);
			break;
		case 'x':
			put_number(&b, va_arg(ap, uint32_t), 16, width);
			break;
		case 'p':
			put(&b, '0');
			put(&b, 'x');
			put_number(&b, (uint32_t)va_arg(ap, void *), 16, 8);
			break;
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				put(&b, *s);
			break;
		case 'c':
			put(&b, (char)va_arg(ap, int));
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&b, *fmt);
			break;
		}
	}
	va_end(ap);
	write(b.text, b.len);
}
