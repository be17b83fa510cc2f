/*
 * volume.h - the part of a disk one guest is given: a whole
 * disk, one partition of it, or a RAM disk module.  A guest's virtio-blk
 * device is served from a volume (hv/virtio/virtio_blk.c), and nothing
 * outside the volume's sectors ever reaches the disk.
 */
#ifndef HV_STORAGE_VOLUME_H
#define HV_STORAGE_VOLUME_H

#include "drivers/disk.h"

/* The largest piece a request moves through the bounce buffer, for
 * memory the device cannot reach by DMA as the guest laid it out. */
#define VOLUME_BOUNCE_BYTES KiB(64)

struct volume {
	struct disk *disk;
	uint64_t first;	  /* the volume's first sector on the disk */
	uint64_t sectors; /* its length, in the disk's sectors */
	bool readonly;
	char name[24];	   /* "sata0p2", "ram": for messages */
	uint8_t *bounce;   /* VOLUME_BOUNCE_BYTES, DMA-able */
	const char *owner; /* the guest's name, while open */
	/* What the guest's block device did with it (printed at the end). */
	struct volume_stats {
		uint64_t reads, writes, flushes, failed;
		uint64_t bytes_read, bytes_written;
		uint64_t pieces, bounced; /* disk requests, and via bounce */
	} stats;
};

/*
 * disk=DEV[,ro] for guest `guest`: DEV is a disk ("sata0", "nvme0n1"), a
 * partition of one ("sata0p2", "nvme0n1p1"), or a GPT partition by name
 * ("label:data") or unique GUID ("uuid:0fc63daf-...").  True with *v open;
 * false with the reason printed, naming the guest: no such disk or
 * partition, a table that does not parse, or a range another guest holds
 * writable (or that this guest would write and another reads).
 */
bool __must_check volume_open(struct volume *v, const char *spec, bool readonly,
			      const char *guest);
/* A RAM disk module's disk, whole, for `guest` (no claims: it is its
 * own); false, with the reason said, when memory is out. */
bool __must_check volume_open_ram(struct volume *v, struct disk *ram,
				  bool readonly, const char *guest);
/* Give the range back (the guest stopped for good). */
void volume_close(struct volume *v);

/* Pure, for the unit tests: does "sata0p2" name partition 2 of "sata0"?
 * Splits spec into a disk name and a partition number (0: the whole
 * disk) when the disk name is one that `known` accepts. */
bool __must_check volume_split_name(const char *spec, size_t len,
				    bool (*known)(const char *, size_t),
				    size_t *disk_len, unsigned *part);

#endif
