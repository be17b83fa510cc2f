/*
 * devices.h - [Pvguest 11] our devices, found and started in one place.
 */
#ifndef PVGUEST_DEVICES_H
#define PVGUEST_DEVICES_H

#include <stdbool.h>

void devices_init(bool early_console_only);
void devices_enable_irqs(void);

#endif /* PVGUEST_DEVICES_H */
