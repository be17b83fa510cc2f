/*
 * pic.c - the 8259A pair.  At power-on they deliver IRQs on vectors 8-15,
 * on top of the CPU's exceptions; we move them to vector_base..+15 and
 * mask every line until a driver asks for it.
 */
#include "drivers/pic.h"
#include "hv/include/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define OCW2_EOI 0x20
#define OCW3_READ_ISR 0x0B
#define CASCADE_IRQ 2

static uint16_t mask = 0xFFFF; /* bit n set: IRQ n masked */

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xFF);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(uint8_t vector_base)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC1_DATA, vector_base); /* ICW2: vector offsets */
	io_delay();
	outb(PIC2_DATA, vector_base + 8);
	io_delay();
	outb(PIC1_DATA, 1u << CASCADE_IRQ); /* ICW3: slave on IRQ 2 */
	io_delay();
	outb(PIC2_DATA, CASCADE_IRQ);
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	mask = 0xFFFF & ~(1u << CASCADE_IRQ);
	write_mask();
}

void pic_unmask(unsigned irq)
{
	mask &= ~(1u << irq);
	write_mask();
}

void pic_mask_all(void)
{
	mask = 0xFFFF;
	write_mask();
}

void pic_mask(unsigned irq)
{
	mask |= 1u << irq;
	write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t read_isr(uint16_t cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

bool pic_spurious(unsigned irq)
{
	if (irq == 7 && !(read_isr(PIC1_CMD) & 0x80))
		return true; /* no EOI for a ghost on the master */
	if (irq == 15 && !(read_isr(PIC2_CMD) & 0x80)) {
		outb(PIC1_CMD, OCW2_EOI); /* the master did see the cascade */
		return true;
	}
	return false;
}
