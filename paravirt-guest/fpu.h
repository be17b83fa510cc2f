/*
 * fpu.h - [Pvguest 8] floating-point state across the hypervisor.
 */
#ifndef PVGUEST_FPU_H
#define PVGUEST_FPU_H

int fpu_demo(void);

#endif /* PVGUEST_FPU_H */
