/*
 * virtio_notes.h - the notes device's requests (ABI 11.14), shared by the
 * hypervisor (hv/virtio/virtio_notes.c) and our guest's driver
 * (paravirt-guest/virtio_notes.c), as lguest.h is.
 *
 * Not a device of the virtio standard: this hypervisor's own, with a
 * device type from the top of the range virtio-pci can name (0x1040 +
 * type, up to 0x107F), which no standard device uses.  A driver that
 * does not know it leaves it alone.
 */
#ifndef HV_INCLUDE_VIRTIO_NOTES_H
#define HV_INCLUDE_VIRTIO_NOTES_H

#include <stdint.h>

#define VIRTIO_ID_NOTES 63

#define NOTES_MAX 16	   /* notes one guest may keep */
#define NOTES_KEY_LEN 16   /* a key: 16 bytes, NUL-padded */
#define NOTES_VALUE_MAX 64 /* a value: up to 64 bytes, any bytes */

#define NOTES_OP_PUT 1 /* store value under key; len 0 deletes the note */
#define NOTES_OP_GET 2 /* the value under key */

#define NOTES_OK 0
#define NOTES_NOT_FOUND 1
#define NOTES_BAD_REQUEST 2 /* an unknown op, or len over 64 */
#define NOTES_FULL 3	    /* PUT of a new key with 16 notes kept */

/* The device-readable part of a request chain. */
struct notes_req {
	uint32_t op;
	uint32_t len; /* PUT: bytes of value that count */
	uint8_t key[NOTES_KEY_LEN];
	uint8_t value[NOTES_VALUE_MAX];
};

/* The device-writable part: status and len always, value for a GET. */
struct notes_resp {
	uint32_t status;
	uint32_t len;
	uint8_t value[NOTES_VALUE_MAX];
};

#define NOTES_RESP_HEAD 8 /* status and len: the least a reply needs */

_Static_assert(sizeof(struct notes_req) == 88, "ABI 11.14");
_Static_assert(sizeof(struct notes_resp) == 72, "ABI 11.14");

#endif
