/*
 * pic.h - the two cascaded 8259A interrupt controllers.
 */
#ifndef DRIVERS_PIC_H
#define DRIVERS_PIC_H

#include <stdbool.h>
#include <stdint.h>

void pic_init(uint8_t vector_base);
void pic_unmask(unsigned irq);
/* Every line masked, the cascade too: for machines whose interrupts come
 * through the I/O APIC instead. */
void pic_mask_all(void);
void pic_mask(unsigned irq);
void pic_eoi(unsigned irq);
/* IRQ 7 and 15 fire spuriously when a request vanishes before the CPU
 * acknowledges it; true if this one was such a ghost (and was handled). */
bool pic_spurious(unsigned irq);

#endif
