/*
 * acpi.h - just enough ACPI to switch the machine off and reset it: find
 * the FADT from the RSDP GRUB handed us, and the S5 sleep type in the DSDT.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stddef.h>
#include <stdint.h>

void acpi_init(const uint8_t *rsdp, unsigned len);
int acpi_poweroff(void); /* returns only on failure, with -1 */
void acpi_reset(void);	 /* returns if the FADT has no reset register */
/* Pure: find SLP_TYPa for \_S5 in AML bytes; -1 if not found. */
int acpi_find_s5(const uint8_t *aml, size_t len);

#endif
