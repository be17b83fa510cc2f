/*
 * sysnum.h - [Pvguest 10] system-call numbers, shared by the kernel and the
 * user programs in user/.
 *
 * A user program puts the number in EAX and up to three arguments in EBX,
 * ECX and EDX, and executes "int $0x80"; the result comes back in EAX,
 * -1 for failure.  (The same registers as Linux, different numbers.)
 */
#ifndef PVGUEST_SYSNUM_H
#define PVGUEST_SYSNUM_H

#define SYS_write 1	/* (fd, buf, len): to the console; fd is ignored */
#define SYS_getpid 2	/* () */
#define SYS_fork 3	/* (): child gets 0, parent the child's pid */
#define SYS_exec 4	/* (name, arg): a program on the disk, or built in */
#define SYS_exit 5	/* (status) */
#define SYS_wait 6	/* (int *status): any child; its pid */
#define SYS_sbrk 7	/* (bytes): grow the heap (by free RAM at most) */
#define SYS_yield 8	/* () */
#define SYS_uptime 9	/* (): timer ticks since the scheduler started */
#define SYS_read 10	/* (fd, buf, len): a typed line; fd is ignored */
#define SYS_fslot 11	/* (index, struct file_info *): 1 used, 0 free */
#define SYS_fstat 12	/* (name, struct file_info *) */
#define SYS_fread 13	/* (name, buf, len): from its start; bytes read */
#define SYS_fwrite 14	/* (name, buf, len): create or replace; len */
#define SYS_fremove 15	/* (name) */
#define SYS_shutdown 16 /* (how): SHUTDOWN_POWEROFF or SHUTDOWN_REBOOT */
#define SYS_sleep 17	/* (ticks): of 10 ms */
#define SYS_netinfo 18	/* (struct net_info *): -1 if there is no card */
#define SYS_netconf 19	/* (addr, prefix): eth0's IPv4 address */
#define SYS_ping 20	/* (addr, seq, struct ping_reply *): 0 if answered */
#define SYS_udpbind 21	/* (port): 0 for any free one; the port */
#define SYS_udpclose 22 /* (port): one this process bound */
#define SYS_udpsend 23	/* (struct udp_msg *): bytes sent */
#define SYS_udprecv 24	/* (struct udp_msg *, ticks): bytes received */
#define SYS_random 25	/* (buf, len): random bytes; how many */
#define SYS_clock 26	/* (struct wall_time *): the time of day */
#define SYS_times 27	/* (struct proc_times *): ticks since the start */
#define NR_SYSCALLS 28

#define SHUTDOWN_POWEROFF 1
#define SHUTDOWN_REBOOT 2

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What SYS_fslot and SYS_fstat tell about a file on the disk (pvfs). */
struct file_info {
	char name[40];
	uint32_t size;	 /* bytes */
	uint32_t writes; /* times written since the image was made */
};

/*
 * What SYS_clock tells: the wall-clock time the hypervisor keeps for us
 * (lguest_data.time, from the machine's clock), since 1970-01-01 UTC.
 */
struct wall_time {
	uint32_t sec;
	uint32_t nsec;
};

/*
 * What SYS_times tells, in timer ticks (SYS_TICK_HZ a second): the ticks
 * that came while the process was the one running, in user mode or in
 * the kernel working for it (the kernel does not tell the two apart), and
 * the same summed over the children it has waited for.
 */
#define SYS_TICK_HZ 100
struct proc_times {
	uint32_t cpu;
	uint32_t children;
};

/*
 * The network (net.h).  IPv4 addresses are numbers in host byte order:
 * 192.0.2.1 is 0xc0000201.
 */
struct net_info {
	uint8_t mac[6];
	uint8_t link;	/* 1 if up */
	uint8_t prefix; /* of addr: 24 for a /24 */
	uint32_t addr;	/* 0 for none yet */
	uint32_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint32_t rx_dropped, tx_dropped;
};

/* A reply to SYS_ping, which waits for it for up to a second. */
#define PING_NO_USECS 0xffffffffu /* the TSC's rate is unknown */
struct ping_reply {
	uint32_t from, bytes, ttl;
	uint32_t cycles; /* TSC cycles from the request to the reply */
	uint32_t usecs;	 /* the same in microseconds, or PING_NO_USECS */
};

/* A datagram for SYS_udpsend, or room for one for SYS_udprecv, which
 * fills in addr, port and len and waits up to "ticks" (UDP_WAIT_FOREVER:
 * no limit).  The data: at most UDP_MAX bytes. */
#define UDP_MAX 1472
#define UDP_WAIT_FOREVER 0xffffffffu
struct udp_msg {
	uint32_t addr;	/* the other end: where to, or where from */
	uint16_t port;	/* its port */
	uint16_t lport; /* ours, from SYS_udpbind */
	void *buf;
	uint32_t len; /* bytes to send, or room to receive */
};
#endif

#endif /* PVGUEST_SYSNUM_H */
