/*
 * nvme_regs.h - the NVMe controller's registers, its queue entries and
 * the parts of the Identify data nvme.c reads, with the names and the
 * section numbers of the NVM Express Base Specification 1.4 ("NVMe 1.4
 * spec" below).  Hardware facts only: the driver is nvme.c.
 *
 * Everything here is little-endian, as the x86 is, so the structures are
 * the bytes the controller reads and writes.
 */
#ifndef DRIVERS_NVME_REGS_H
#define DRIVERS_NVME_REGS_H

#include "hv/lib/lib.h"

/* PCI class of an NVMe controller: mass storage, non-volatile memory,
 * the NVM Express I/O interface (NVMe 1.4 spec 2.1.5). */
#define NVME_PCI_CLASS 0x01
#define NVME_PCI_SUBCLASS 0x08
#define NVME_PCI_PROGIF 0x02

/* Controller registers in BAR0 (NVMe 1.4 spec 3.1).  All are read and
 * written 32 bits at a time: the 64-bit ones as two halves, low first. */
#define NVME_REG_CAP_LO 0x00 /* Controller Capabilities, 3.1.1 */
#define NVME_REG_CAP_HI 0x04
#define NVME_REG_VS 0x08     /* Version, 3.1.2 */
#define NVME_REG_INTMS 0x0C  /* Interrupt Mask Set, 3.1.3 */
#define NVME_REG_CC 0x14     /* Controller Configuration, 3.1.5 */
#define NVME_REG_CSTS 0x1C   /* Controller Status, 3.1.6 */
#define NVME_REG_AQA 0x24    /* Admin Queue Attributes, 3.1.8 */
#define NVME_REG_ASQ_LO 0x28 /* Admin Submission Queue Base, 3.1.9 */
#define NVME_REG_ASQ_HI 0x2C
#define NVME_REG_ACQ_LO 0x30 /* Admin Completion Queue Base, 3.1.10 */
#define NVME_REG_ACQ_HI 0x34
/* The doorbells start here, one pair per queue, (4 << CAP.DSTRD) bytes
 * apart: queue y's SQ tail, then its CQ head (3.1.24, 3.1.25). */
#define NVME_REG_DOORBELLS 0x1000

/* CAP, low half. */
#define NVME_CAP_MQES(lo) ((lo)&0xFFFFu)       /* largest queue, 0-based */
#define NVME_CAP_CQR (1u << 16)		       /* queues must be contiguous */
#define NVME_CAP_TO(lo) (((lo) >> 24) & 0xFFu) /* ready timeout, 500 ms */
/* CAP, high half (bit 32 of CAP is bit 0 here). */
#define NVME_CAP_DSTRD(hi) ((hi)&0xFu)		  /* doorbell stride */
#define NVME_CAP_CSS_NVM(hi) (((hi) >> 5) & 1u)	  /* NVM command set */
#define NVME_CAP_MPSMIN(hi) (((hi) >> 16) & 0xFu) /* 2^(12+n) bytes */
#define NVME_CAP_TO_UNIT_MS 500u

/* VS: major in bits 31:16, minor in 15:8, tertiary in 7:0. */
#define NVME_VS_MAJOR(vs) ((vs) >> 16)
#define NVME_VS_MINOR(vs) (((vs) >> 8) & 0xFFu)
#define NVME_VS_1_1 0x00010100u /* the first with Identify CNS 2 */

/* CC.  CSS 0 (NVM), AMS 0 (round robin) and MPS 0 (4 KiB) are zeros. */
#define NVME_CC_EN (1u << 0)
#define NVME_CC_CSS_NVM (0u << 4)
#define NVME_CC_MPS_4K (0u << 7)
#define NVME_CC_AMS_RR (0u << 11)
#define NVME_CC_IOSQES(n) ((uint32_t)(n) << 16) /* SQ entry 2^n bytes */
#define NVME_CC_IOCQES(n) ((uint32_t)(n) << 20) /* CQ entry 2^n bytes */

/* CSTS. */
#define NVME_CSTS_RDY (1u << 0)
#define NVME_CSTS_CFS (1u << 1) /* Controller Fatal Status */

/* AQA: the admin queues' sizes, 0-based, in 12-bit fields. */
#define NVME_AQA(sq_entries, cq_entries)                                       \
	((uint32_t)((sq_entries)-1) | ((uint32_t)((cq_entries)-1) << 16))

/* The memory page the driver sets in CC.MPS, and the unit of a PRP. */
#define NVME_PAGE_SIZE 4096u
#define NVME_PAGE_MASK (NVME_PAGE_SIZE - 1)

/* A Submission Queue Entry (NVMe 1.4 spec 4.2): 64 bytes, 2^6 for
 * CC.IOSQES.  CDW0 holds the opcode in bits 7:0, FUSE and PSDT (0: data
 * by PRPs) above it, and the Command Identifier in bits 31:16. */
struct nvme_sqe {
	uint32_t cdw0;
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr; /* metadata pointer: unused, no metadata */
	uint64_t prp1; /* data pointer, 4.3 */
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
#define NVME_SQE_SIZE_SHIFT 6

#define NVME_CDW0(opcode, cid) ((uint32_t)(opcode) | ((uint32_t)(cid) << 16))

/* A Completion Queue Entry (4.6): 16 bytes, 2^4 for CC.IOCQES.  DW3 holds
 * the Command Identifier in bits 15:0, the Phase Tag in bit 16 and the
 * Status Field above it (4.6.1): Status Code in bits 24:17, Status Code
 * Type in 27:25, More in 30, Do Not Retry in 31. */
struct nvme_cqe {
	uint32_t result; /* command specific */
	uint32_t rsvd;
	uint16_t sq_head; /* how far the controller has read our SQ */
	uint16_t sq_id;
	uint32_t dw3;
};
#define NVME_CQE_SIZE_SHIFT 4

#define NVME_CQE_CID(dw3) ((dw3)&0xFFFFu)
#define NVME_CQE_PHASE(dw3) (((dw3) >> 16) & 1u)
#define NVME_CQE_SC(dw3) (((dw3) >> 17) & 0xFFu)
#define NVME_CQE_SCT(dw3) (((dw3) >> 25) & 0x7u)
#define NVME_CQE_DNR(dw3) (((dw3) >> 31) & 1u)
#define NVME_CQE_STATUS(dw3) (((dw3) >> 17) & 0x7FFu) /* SCT << 8 | SC */
#define NVME_CQE_FAILED(dw3) (NVME_CQE_STATUS(dw3) != 0)

/* Status Code Types (4.6.1). */
#define NVME_SCT_GENERIC 0
#define NVME_SCT_COMMAND 1
#define NVME_SCT_MEDIA 2
#define NVME_SCT_PATH 3

/* Admin commands (NVMe 1.4 spec 5). */
#define NVME_ADMIN_CREATE_IO_SQ 0x01 /* 5.4 */
#define NVME_ADMIN_CREATE_IO_CQ 0x05 /* 5.3 */
#define NVME_ADMIN_IDENTIFY 0x06     /* 5.15 */

/* Create I/O Completion/Submission Queue: CDW10 has the queue's size,
 * 0-based, in bits 31:16 and its id in 15:0; CDW11 says physically
 * contiguous (bit 0), and for a CQ whether it interrupts (IEN, bit 1),
 * for an SQ which CQ it completes into (bits 31:16). */
#define NVME_QUEUE_CDW10(qid, entries)                                         \
	((uint32_t)(qid) | ((uint32_t)((entries)-1) << 16))
#define NVME_QUEUE_PC (1u << 0)
#define NVME_CQ_IEN (1u << 1)
#define NVME_SQ_CQID(cqid) ((uint32_t)(cqid) << 16)

/* Identify: CDW10 bits 7:0 (CNS) say which structure (5.15). */
#define NVME_CNS_NAMESPACE 0x00 /* CDW1 = NSID */
#define NVME_CNS_CONTROLLER 0x01
#define NVME_CNS_ACTIVE_NS_LIST 0x02 /* active NSIDs above CDW1's, rising */
#define NVME_IDENTIFY_SIZE 4096u

/* The Identify Controller data structure (5.15): byte offsets. */
#define NVME_IDC_SN 4 /* serial number, 20 ASCII bytes, space-padded */
#define NVME_IDC_SN_LEN 20
#define NVME_IDC_MN 24 /* model number, 40 ASCII bytes */
#define NVME_IDC_MN_LEN 40
#define NVME_IDC_MDTS 77 /* largest transfer, 2^n min. pages; 0: any */
#define NVME_IDC_NN 516	 /* number of namespaces, 32 bits */

/* The Identify Namespace data structure (5.15; in NVMe 2.0 it moved to
 * the NVM Command Set spec): byte offsets. */
#define NVME_IDNS_NSZE 0    /* size in logical blocks, 64 bits */
#define NVME_IDNS_NLBAF 25  /* number of LBA formats, 0-based */
#define NVME_IDNS_FLBAS 26  /* bits 3:0: the format in use */
#define NVME_IDNS_LBAF0 128 /* LBA formats, 4 bytes each */
/* An LBA Format: metadata bytes per block (MS) in bits 15:0, the block
 * size as a power of two (LBADS) in bits 23:16. */
#define NVME_LBAF_MS(f) ((f)&0xFFFFu)
#define NVME_LBAF_LBADS(f) (((f) >> 16) & 0xFFu)

/* NVM commands (NVMe 1.4 spec 6). */
#define NVME_CMD_FLUSH 0x00 /* 6.8 */
#define NVME_CMD_WRITE 0x01 /* 6.15 */
#define NVME_CMD_READ 0x02  /* 6.9 */
/* Read and Write: CDW10-11 the first LBA, CDW12 bits 15:0 the number of
 * blocks, 0-based. */
#define NVME_RW_NLB_MAX 0x10000u

#endif
