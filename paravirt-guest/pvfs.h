/*
 * pvfs.h - [Pvguest 19] the file system on /dev/vda.
 */
#ifndef PVGUEST_PVFS_H
#define PVGUEST_PVFS_H

#include <stdbool.h>
#include <stdint.h>

#include "pvfs_format.h"

bool pvfs_mount(void);
bool pvfs_mounted(void);
const struct pvfs_dirent *pvfs_lookup(const char *name);
const struct pvfs_dirent *pvfs_slot(unsigned int i);
int pvfs_read(const struct pvfs_dirent *e, uint32_t off, void *dst,
	      uint32_t len);
int pvfs_write(const char *name, const void *src, uint32_t len);
int pvfs_remove(const char *name);

#endif /* PVGUEST_PVFS_H */
