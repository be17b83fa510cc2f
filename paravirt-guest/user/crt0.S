/*
 * crt0.S - where every user program starts.
 *
 * The kernel (exec.c) enters at _start with ESP pointing at main's one
 * argument.  So "call main" finds it just where C looks for a first
 * argument, and whatever main returns is the exit status.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	call main
	pushl %eax
	call exit
	ud2				/* exit does not return */
