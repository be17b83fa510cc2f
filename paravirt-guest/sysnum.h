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
#define SYS_sbrk 7	/* (bytes): grow the heap; the old end */
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
#define SYS_random 18	/* (buf, len): random bytes; how many */
#define NR_SYSCALLS 19

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
#endif

#endif /* PVGUEST_SYSNUM_H */
