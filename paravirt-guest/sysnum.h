/*
 * sysnum.h - [Pvguest 14] system-call numbers, shared by the kernel and the
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
#define SYS_exec 4	/* (name, arg): a program built into the kernel */
#define SYS_exit 5	/* (status) */
#define SYS_wait 6	/* (int *status): any child; its pid */
#define SYS_sbrk 7	/* (bytes): grow the heap; the old end */
#define SYS_yield 8	/* () */
#define SYS_uptime 9	/* (): timer ticks since the scheduler started */
#define SYS_peek 10	/* (addr): read a word of the kernel's fixmap */
#define NR_SYSCALLS 11

#endif /* PVGUEST_SYSNUM_H */
