/*
 * io.h - [Pvguest 14] reading and writing device registers.
 *
 * A register access must be exactly one load or store of the register's
 * own width: the hypervisor emulates the one instruction that faulted
 * (ABI 11.6), and virtio requires natural widths (virtio 1.0 4.1.3.1).
 * Plain C through a volatile pointer usually gives that, but the compiler
 * is free to compare against memory directly ("cmpb $0, (%eax)"), which
 * no device emulator has to understand.  So each access is one "mov" in
 * asm, the way Linux's readb()/writel() are written; the "m" operand
 * still lets the compiler choose the addressing form.
 */
#ifndef PVGUEST_IO_H
#define PVGUEST_IO_H

#include <stdint.h>

static inline uint8_t ioread8(const volatile void *addr)
{
	uint8_t v;

	asm volatile("movb %1, %0"
		     : "=q"(v)
		     : "m"(*(const volatile uint8_t *)addr));
	return v;
}

static inline uint16_t ioread16(const volatile void *addr)
{
	uint16_t v;

	asm volatile("movw %1, %0"
		     : "=r"(v)
		     : "m"(*(const volatile uint16_t *)addr));
	return v;
}

static inline uint32_t ioread32(const volatile void *addr)
{
	uint32_t v;

	asm volatile("movl %1, %0"
		     : "=r"(v)
		     : "m"(*(const volatile uint32_t *)addr));
	return v;
}

static inline void iowrite8(uint8_t v, volatile void *addr)
{
	asm volatile("movb %1, %0"
		     : "=m"(*(volatile uint8_t *)addr)
		     : "q"(v)
		     : "memory");
}

static inline void iowrite16(uint16_t v, volatile void *addr)
{
	asm volatile("movw %1, %0"
		     : "=m"(*(volatile uint16_t *)addr)
		     : "r"(v)
		     : "memory");
}

static inline void iowrite32(uint32_t v, volatile void *addr)
{
	asm volatile("movl %1, %0"
		     : "=m"(*(volatile uint32_t *)addr)
		     : "r"(v)
		     : "memory");
}

#endif /* PVGUEST_IO_H */
