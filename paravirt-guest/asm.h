/*
 * asm.h - things the assembly files share with C.
 */
#ifndef PVGUEST_ASM_H
#define PVGUEST_ASM_H

/* Size of the boot stack in head.S; traps and interrupts use it too. */
#define BOOT_STACK_SIZE 16384

#endif /* PVGUEST_ASM_H */
