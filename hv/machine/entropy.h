/*
 * entropy.h - random bytes for the guests' entropy devices
 * (hv/virtio/virtio_rng.c): from the CPU's RDSEED or RDRAND where it has
 * them, else from a fallback generator that is NOT of cryptographic
 * quality (entropy.c says why, and why it is still served).
 */
#ifndef HV_ENTROPY_H
#define HV_ENTROPY_H

#include "hv/lib/lib.h"

/* Choose the source, seed the fallback, and say which it is; once, at
 * boot, after cpu_identify() and time_init(). */
void entropy_init(void);
/* A new request: fold the moment it came (the TSC) into the fallback
 * generator and rekey it, so no two requests share a key. */
void entropy_stir(void);
/* len random bytes into buf. */
void entropy_fill(void *buf, uint32_t len);

#endif
