/*
 * proc.h - [Pvguest 9] processes.
 */
#ifndef PVGUEST_PROC_H
#define PVGUEST_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "trap.h"

#define NPROC 16
#define KSTACK_PAGES 2 /* what SET_STACK allows (ABI 5) */
#define KSTACK_SIZE (KSTACK_PAGES * 4096)

/* Selectors for user mode, in the GDT slots Linux uses (ABI 7). */
#define USER_CS 0x73 /* entry 14, RPL 3 */
#define USER_DS 0x7b /* entry 15, RPL 3 */

/*
 * A process's x87/SSE registers while it is switched out: the 512-byte
 * image fxsave writes, which must be 16-byte aligned (fpu.c).
 */
struct fpu_state {
	uint8_t image[512];
} __attribute__((aligned(16)));

enum proc_state { UNUSED, RUNNABLE, RUNNING, WAITING, ZOMBIE };

struct proc {
	int pid;
	enum proc_state state;
	char name[16];
	uint32_t *pgdir;  /* its page directory (direct-map address) */
	uint8_t *kstack;  /* the lowest byte of its kernel stack */
	uint32_t context; /* its kernel ESP while it is switched out */
	struct proc *parent;
	int exit_status;
	uint32_t heap_start, brk; /* the heap is [heap_start, brk) */
	/* Timer ticks that found it running, and those of its children
	 * that it has waited for (SYS_times). */
	uint32_t cpu_ticks, child_ticks;
	struct fpu_state fpu; /* saved at a switch away, loaded at one back */
};

extern struct proc *current;

/* Counters for the demo and the tests. */
struct sched_stats {
	uint32_t switches, preemptions, forks, exits, user_faults;
};
extern struct sched_stats sched_stats;

void proc_init(void);
struct proc *proc_spawn(const char *prog, int arg);
int proc_fork(const struct trapframe *tf);
int proc_exec(const char *prog, int arg, struct trapframe *tf);
__attribute__((noreturn)) void proc_exit(int status);
int proc_wait(int *status);
void schedule(void);
void sched_tick(void);
void proc_idle(void);
__attribute__((noreturn, format(printf, 1, 2))) void proc_kill(const char *fmt,
							       ...);

/* trap.c calls these for every trap from user mode. */
void user_trap(struct trapframe *tf);
void return_to_user(struct trapframe *tf);

/* syscall.c */
void syscall_handler(struct trapframe *tf);

/* vm.c: a process's address space. */
uint32_t *vm_create(void);
void vm_free_user(uint32_t *pgdir);
bool vm_copy(uint32_t *dst, uint32_t *src);
void *vm_map_new(uint32_t *pgdir, uint32_t va);
bool user_range_ok(uint32_t va, uint32_t len);
void page_fault(struct trapframe *tf);

/* exec.c: loading a built-in program. */
bool exec_load(struct proc *p, const char *prog, int arg, struct trapframe *tf);
bool prog_exists(const char *prog);

/* fpu.c: the FPU registers, per process. */
void fpu_init(void);
void fpu_reset(struct fpu_state *s);
void fpu_save(struct fpu_state *s);
void fpu_load(const struct fpu_state *s);

/* swtch.S */
void swtch(uint32_t *save_esp, uint32_t new_esp);

#endif /* PVGUEST_PROC_H */
