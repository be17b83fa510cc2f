/*
 * virtio_console.h - [Pvguest 16] the virtio console driver.
 */
#ifndef PVGUEST_VIRTIO_CONSOLE_H
#define PVGUEST_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

bool vcon_init(void);
void vcon_enable_irq(void);
bool vcon_write(const char *s, uint32_t len);

#endif /* PVGUEST_VIRTIO_CONSOLE_H */
