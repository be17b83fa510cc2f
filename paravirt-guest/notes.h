/*
 * notes.h - [Pvguest 28] the notes device (ABI 11.14): small named notes
 * the hypervisor keeps for us across our restarts.  The driver is
 * virtio_notes.c; the requests are hv/include/virtio_notes.h's.
 */
#ifndef PVGUEST_NOTES_H
#define PVGUEST_NOTES_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/include/virtio_notes.h"

#define NOTES_BROKEN (-1) /* no answer: no device, or it needs a reset */

bool vnotes_init(void);
bool notes_present(void);
/* Store len bytes (at most 64; 0 deletes) under key, a string of at most
 * 15 characters: NOTES_OK, NOTES_FULL, ... or NOTES_BROKEN. */
int notes_put(const char *key, const void *value, uint32_t len);
/* The value under key into buf (room for 64 bytes), its length in *len:
 * NOTES_OK, NOTES_NOT_FOUND, ... or NOTES_BROKEN. */
int notes_get(const char *key, void *buf, uint32_t *len);

#endif /* PVGUEST_NOTES_H */
