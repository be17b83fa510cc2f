/*
 * idt.h - [Pvguest 6] telling the hypervisor where our handlers are.
 */
#ifndef PVGUEST_IDT_H
#define PVGUEST_IDT_H

#include <stdint.h>

void idt_set_gate(unsigned int vector, uint32_t handler, unsigned int dpl,
		  unsigned int type);
unsigned int idt_init(void);

extern unsigned int syscall_gate_type;

#endif /* PVGUEST_IDT_H */
