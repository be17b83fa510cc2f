/*
 * blk.h - [Pvguest 18] the disk: the virtio block driver's interface.
 */
#ifndef PVGUEST_BLK_H
#define PVGUEST_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define SECTOR_SIZE 512u
#define BLK_ID_BYTES 20

/* Request types and status bytes (virtio 1.0 5.2.6; ABI 11.11). */
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define BLK_S_OK 0
#define BLK_S_IOERR 1
#define BLK_S_UNSUPP 2
#define BLK_BROKEN (-1) /* no answer: the device needs a reset */

bool vblk_init(void);
void vblk_enable_irq(void);
bool blk_present(void);
uint64_t blk_capacity(void);
int blk_request(uint32_t type, uint64_t sector, void *buf, uint32_t len,
		bool device_writes);
int blk_read(uint64_t sector, void *buf, uint32_t len);
int blk_write(uint64_t sector, const void *buf, uint32_t len);
int blk_flush(void);
int blk_get_id(char id[BLK_ID_BYTES + 1]);
const char *blk_status_name(int status);

/* For the test guest's cases that build malformed requests by hand. */
struct virtio_dev *blk_device(void);
struct vq *blk_queue(void);

#endif /* PVGUEST_BLK_H */
