/*
 * rng.h - [Pvguest 21] the entropy device: the virtio-rng driver's
 * interface.
 */
#ifndef PVGUEST_RNG_H
#define PVGUEST_RNG_H

#include <stdbool.h>
#include <stdint.h>

#define RNG_BROKEN (-1) /* no answer: the device needs a reset */

bool vrng_init(void);
void vrng_enable_irq(void);
bool rng_present(void);
/* Up to len random bytes into buf (a kernel address); how many the
 * device wrote, or RNG_BROKEN. */
int rng_read(void *buf, uint32_t len);

/* For the test guest's cases that build requests by hand. */
struct virtio_dev *rng_device(void);
struct vq *rng_queue(void);

#endif /* PVGUEST_RNG_H */
