/*
 * swtch.S - [Pvguest 9] switching kernel stacks: the heart of a context
 * switch.
 *
 * swtch(&prev->context, next->context) saves the registers C expects a
 * call to preserve on prev's stack, remembers prev's ESP, loads next's,
 * and pops next's registers: the "ret" then returns into whatever call of
 * swtch() next made when it was switched out.  A new process never made
 * one, so proc.c builds a stack that looks as if it had, with trap_return
 * (entry.S) as the return address.
 *
 * Everything else about a process is switched before this (proc.c): by
 * hypercalls, its page directory (NEW_PGTABLE) and the kernel stack the
 * hypervisor should use when it next traps from user mode (SET_STACK);
 * by fxsave and fxrstor, its FPU registers (fpu.c).
 */
	.text
	.globl swtch
swtch:
	movl 4(%esp), %eax		/* where to save prev's ESP */
	movl 8(%esp), %edx		/* next's ESP */
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
