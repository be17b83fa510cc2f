/*
 * ahci_regs.h - what an AHCI controller looks like to software: its
 * registers (in the memory window of PCI BAR 5, "ABAR") and the structures
 * it reads from and writes to memory.  Names follow the Serial ATA AHCI
 * 1.3.1 specification; the section numbers are that document's.  Only
 * what drivers/ahci.c uses is here.
 */
#ifndef DRIVERS_AHCI_REGS_H
#define DRIVERS_AHCI_REGS_H

#include "hv/lib/lib.h"

/* ---- Generic host control (3.1), offsets into ABAR. */
#define AHCI_CAP 0x00				/* host capabilities (3.1.1) */
#define AHCI_CAP_NP(cap) ((cap)&0x1F)		/* number of ports - 1 */
#define AHCI_CAP_NCS(cap) (((cap) >> 8) & 0x1F) /* command slots - 1 */
#define AHCI_GHC 0x04	       /* global host control (3.1.2) */
#define AHCI_GHC_IE (1u << 1)  /* interrupt enable */
#define AHCI_GHC_AE (1u << 31) /* AHCI enable */
#define AHCI_IS 0x08	       /* interrupt status, one bit per port (3.1.3) */
#define AHCI_PI 0x0C	       /* ports implemented, one bit per port (3.1.4) */
#define AHCI_VS 0x10   /* version: major in 31:16, minor in 15:0 (3.1.5) */
#define AHCI_CAP2 0x24 /* more capabilities (3.1.10) */
#define AHCI_CAP2_BOH (1u << 0) /* BIOS/OS handoff supported */
#define AHCI_BOHC 0x28		/* BIOS/OS handoff control (3.1.11) */
#define AHCI_BOHC_BOS (1u << 0) /* BIOS owns the controller */
#define AHCI_BOHC_OOS (1u << 1) /* the OS asks for it */
#define AHCI_BOHC_BB (1u << 4)	/* BIOS busy: still cleaning up */

/* ---- Port registers (3.3): 0x80 bytes per port, from ABAR + 0x100. */
#define AHCI_PORT_REGS(n) (0x100u + 0x80u * (n))
#define AHCI_MAX_PORTS 32
#define AHCI_MAX_SLOTS 32 /* command slots per port, at most */

#define PX_CLB 0x00  /* command list base, 1 KiB aligned (3.3.1) */
#define PX_CLBU 0x04 /* ... its upper 32 bits */
#define PX_FB 0x08   /* received-FIS base, 256-byte aligned (3.3.3) */
#define PX_FBU 0x0C
#define PX_IS 0x10   /* interrupt status, write 1 to clear (3.3.5) */
#define PX_IE 0x14   /* interrupt enable (3.3.6): we leave it 0 and poll */
#define PX_CMD 0x18  /* command and status (3.3.7) */
#define PX_TFD 0x20  /* task file data: the device's status, error (3.3.8) */
#define PX_SIG 0x24  /* signature of the attached device (3.3.9) */
#define PX_SSTS 0x28 /* SATA status: SStatus (3.3.10) */
#define PX_SCTL 0x2C /* SATA control: SControl (3.3.11) */
#define PX_SERR 0x30 /* SATA error: SError, write 1 to clear (3.3.12) */
#define PX_CI 0x38   /* command issue: one bit per slot (3.3.14) */

/* PxIS: the bits that say a command went wrong (3.3.5; 6.1 sorts them). */
#define PX_IS_OFS (1u << 24)  /* overflow: more data than the PRDT holds */
#define PX_IS_IFS (1u << 27)  /* interface fatal error */
#define PX_IS_HBDS (1u << 28) /* host bus data error */
#define PX_IS_HBFS (1u << 29) /* host bus fatal error */
#define PX_IS_TFES (1u << 30) /* task file error: the device said ERR */
#define PX_IS_ERRORS                                                           \
	(PX_IS_OFS | PX_IS_IFS | PX_IS_HBDS | PX_IS_HBFS | PX_IS_TFES)

/* PxCMD (3.3.7). */
#define PX_CMD_ST (1u << 0)  /* start: process the command list */
#define PX_CMD_SUD (1u << 1) /* spin up device */
#define PX_CMD_POD (1u << 2) /* power on device (when CPD) */
#define PX_CMD_FRE (1u << 4) /* FIS receive enable */
#define PX_CMD_CCS(cmd) (((cmd) >> 8) & 0x1F) /* slot being processed */
#define PX_CMD_FR (1u << 14)		      /* FIS receive running */
#define PX_CMD_CR (1u << 15)		      /* command list running */
#define PX_CMD_CPD (1u << 20)		      /* cold presence detection */

/* PxTFD: the ATA status register in 7:0, the error register in 15:8. */
#define ATA_STS_ERR (1u << 0)
#define ATA_STS_DRQ (1u << 3)
#define ATA_STS_DF (1u << 5) /* device fault */
#define ATA_STS_BSY (1u << 7)
#define PX_TFD_STS(tfd) ((tfd)&0xFF)
#define PX_TFD_ERR(tfd) (((tfd) >> 8) & 0xFF)

/* PxSSTS.DET and PxSCTL.DET (3.3.10, 3.3.11). */
#define PX_SSTS_DET(ssts) ((ssts)&0xF)
#define PX_SSTS_DET_NONE 0x0  /* no device */
#define PX_SSTS_DET_NOPHY 0x1 /* a device, no link yet */
#define PX_SSTS_DET_OK 0x3    /* a device, and the link is up */
#define PX_SCTL_DET_MASK 0x00Fu
#define PX_SCTL_DET_COMRESET 0x1u /* hold: send COMRESET (10.4.2) */
#define PX_SCTL_IPM_MASK 0xF00u
#define PX_SCTL_IPM_ACTIVE 0x300u /* no partial or slumber link states */

/* PxSERR, the errors that mean data may be wrong or lost (3.3.12). */
#define PX_SERR_ERR_T (1u << 8)	 /* transient data integrity */
#define PX_SERR_ERR_C (1u << 9)	 /* persistent communication */
#define PX_SERR_ERR_P (1u << 10) /* protocol */
#define PX_SERR_ERR_E (1u << 11) /* internal (of the controller) */
#define PX_SERR_ERRORS                                                         \
	(PX_SERR_ERR_T | PX_SERR_ERR_C | PX_SERR_ERR_P | PX_SERR_ERR_E)

/* PxSIG: what the device said it is in its first FIS after a reset. */
#define SATA_SIG_ATA 0x00000101u   /* a disk */
#define SATA_SIG_ATAPI 0xEB140101u /* a CD/DVD drive (packet commands) */
#define SATA_SIG_SEMB 0xC33C0101u  /* an enclosure management bridge */
#define SATA_SIG_PM 0x96690101u	   /* a port multiplier */
#define SATA_SIG_NONE 0xFFFFFFFFu  /* no FIS received since the reset */

/* ---- System memory structures (4.2). */

/* The received-FIS area: where the controller puts the FISes the device
 * sends (4.2.1).  We read none of them (PxTFD has what we need), but the
 * controller must have somewhere to put them. */
#define AHCI_RFIS_SIZE 256

/* One of the 32 entries of a port's command list (4.2.2). */
struct ahci_cmd_header {
	uint16_t flags;		 /* CFL and the bits below */
	uint16_t prdtl;		 /* entries in the command table's PRDT */
	volatile uint32_t prdbc; /* bytes moved, written by the controller */
	uint32_t ctba;		 /* command table, 128-byte aligned */
	uint32_t ctbau;
	uint32_t reserved[4];
};
#define AHCI_CMD_CFL(dwords) ((dwords)&0x1F) /* command FIS length */
#define AHCI_CMD_WRITE (1u << 6) /* W: the data goes to the device */
#define AHCI_CMD_LIST_SIZE (AHCI_MAX_SLOTS * sizeof(struct ahci_cmd_header))

/* One physical region of a command's data (4.2.3.3). */
struct ahci_prd {
	uint32_t dba; /* data base address; bit 0 must be 0 */
	uint32_t dbau;
	uint32_t reserved;
	uint32_t dbc; /* bytes - 1 in 21:0, so at most 4 MiB; must be odd */
};
#define AHCI_PRD_MAX_BYTES MiB(4)

/* A command table (4.2.3): the command FIS, an ATAPI command (unused:
 * we drive disks only), and then the PRDT of as many regions as the
 * command header's PRDTL says. */
struct ahci_cmd_table {
	uint8_t cfis[64];
	uint8_t acmd[16];
	uint8_t reserved[48];
	struct ahci_prd prdt[];
};
#define AHCI_CMD_TABLE_ALIGN 128

/* The command FIS: the Serial ATA spec's "Register - Host to Device"
 * FIS, the ATA registers of one command. */
struct fis_reg_h2d {
	uint8_t type;  /* FIS_TYPE_REG_H2D */
	uint8_t flags; /* FIS_H2D_C; port multiplier port in 3:0 */
	uint8_t command;
	uint8_t feature_lo;
	uint8_t lba0, lba1, lba2; /* LBA 7:0, 15:8, 23:16 */
	uint8_t device;		  /* ATA_DEV_LBA; LBA 27:24 for 28-bit */
	uint8_t lba3, lba4, lba5; /* LBA 31:24, 39:32, 47:40 (48-bit) */
	uint8_t feature_hi;
	uint8_t count_lo, count_hi;
	uint8_t icc;
	uint8_t control;
	uint8_t reserved[4];
};
#define FIS_TYPE_REG_H2D 0x27
#define FIS_H2D_C 0x80 /* this FIS carries a command, not a control write */
#define ATA_DEV_LBA 0x40

/* ATA commands (ATA8-ACS). */
#define ATA_CMD_READ_DMA 0xC8
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_DMA 0xCA
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_FLUSH_CACHE 0xE7
#define ATA_CMD_FLUSH_CACHE_EXT 0xEA
#define ATA_CMD_CHECK_POWER_MODE 0xE5 /* no data, changes nothing */
#define ATA_CMD_IDENTIFY 0xEC

/* IDENTIFY DEVICE data, in 16-bit words (ATA8-ACS, IDENTIFY DEVICE). */
#define ATA_ID_WORDS 256
#define ATA_ID_SERIAL 10	 /* 10 words */
#define ATA_ID_MODEL 27		 /* 20 words */
#define ATA_ID_CAPABILITY 49	 /* bit 9: LBA */
#define ATA_ID_LBA28_SECTORS 60	 /* 2 words */
#define ATA_ID_CMDSET2 83	 /* bit 10: 48-bit addresses */
#define ATA_ID_LBA48_SECTORS 100 /* 4 words */
#define ATA_ID_SECTOR_SIZE 106	 /* bit 12: logical sector > 256 words */
#define ATA_ID_LOGICAL_WORDS 117 /* 2 words: words per logical sector */

#endif
