/*
 * e1000_regs.h - the registers and descriptors of Intel's e1000 family
 * that e1000.c uses, with the names of Intel's "PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual" (the 8254x
 * SDM; its chapter 13 lists the registers, chapter 3 the descriptors).
 * The 82574L keeps these offsets and bits for everything used here (see
 * the register chapter of its datasheet); where it differs, the name
 * says 82574.
 * Hardware facts only: the driver is e1000.c.
 *
 * All registers are 32 bits wide and little-endian, as the x86 is, so the
 * descriptor structures are the bytes the card reads and writes.
 */
#ifndef DRIVERS_E1000_REGS_H
#define DRIVERS_E1000_REGS_H

#include "hv/lib/lib.h"

#define E1000_PCI_VENDOR 0x8086
/* PCI class of an Ethernet controller: network, Ethernet, no prog-if. */
#define E1000_PCI_CLASS 0x02
#define E1000_PCI_SUBCLASS 0x00
#define E1000_PCI_PROGIF 0x00

/* ---- Register offsets in BAR0 (SDM table 13-2). */
#define E1000_CTRL 0x0000   /* Device Control */
#define E1000_STATUS 0x0008 /* Device Status */
#define E1000_EERD 0x0014   /* EEPROM Read */
#define E1000_ICR 0x00C0    /* Interrupt Cause Read (clears on read) */
#define E1000_IMC 0x00D8    /* Interrupt Mask Clear */
#define E1000_RCTL 0x0100   /* Receive Control */
#define E1000_TCTL 0x0400   /* Transmit Control */
#define E1000_TIPG 0x0410   /* Transmit Inter-Packet Gap */
#define E1000_RDBAL 0x2800  /* Receive Descriptor Base Low */
#define E1000_RDBAH 0x2804  /* ... High */
#define E1000_RDLEN 0x2808  /* ... Length, bytes (13.4.27) */
#define E1000_RDH 0x2810    /* ... Head (13.4.28) */
#define E1000_RDT 0x2818    /* ... Tail */
#define E1000_RDTR 0x2820   /* Receive Delay Timer */
#define E1000_TDBAL 0x3800  /* Transmit Descriptor Base Low */
#define E1000_TDBAH 0x3804  /* ... High */
#define E1000_TDLEN 0x3808  /* ... Length, bytes */
#define E1000_TDH 0x3810    /* ... Head */
#define E1000_TDT 0x3818    /* ... Tail (13.4.40) */
#define E1000_RXCSUM 0x5000 /* Receive Checksum Control */
#define E1000_MTA 0x5200    /* Multicast Table Array, 128 words */
#define E1000_MTA_WORDS 128
#define E1000_RAL0 0x5400 /* Receive Address Low, entry 0 (13.5.2) */
#define E1000_RAH0 0x5404 /* Receive Address High, entry 0 (13.5.3) */
/* The register window must reach at least this far for us to use it. */
#define E1000_REGS_SPAN 0x5800

/* ---- CTRL. */
#define E1000_CTRL_FD (1u << 0)	      /* full duplex (when forced) */
#define E1000_CTRL_LRST (1u << 3)     /* link reset */
#define E1000_CTRL_ASDE (1u << 5)     /* auto-speed detection enable */
#define E1000_CTRL_SLU (1u << 6)      /* set link up */
#define E1000_CTRL_ILOS (1u << 7)     /* invert loss-of-signal */
#define E1000_CTRL_FRCSPD (1u << 11)  /* force speed */
#define E1000_CTRL_FRCDPLX (1u << 12) /* force duplex */
#define E1000_CTRL_RST (1u << 26)     /* device reset, self-clearing */
#define E1000_CTRL_VME (1u << 30)     /* VLAN mode */
#define E1000_CTRL_PHY_RST (1u << 31) /* PHY reset */

/* ---- STATUS. */
#define E1000_STATUS_FD (1u << 0)		/* full duplex */
#define E1000_STATUS_LU (1u << 1)		/* link up */
#define E1000_STATUS_SPEED(s) (((s) >> 6) & 3u) /* 0: 10, 1: 100, else 1000 */

/* ---- EERD: one EEPROM word read.  The 8254x and the 82574
 * place DONE and the address differently; the data is in 31:16 on both. */
#define E1000_EERD_START (1u << 0)
#define E1000_EERD_DONE (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_82574_DONE (1u << 1)
#define E1000_EERD_82574_ADDR_SHIFT 2
#define E1000_EERD_DATA(v) ((uint16_t)((v) >> 16))
/* The EEPROM's words 0, 1, 2 hold the Ethernet address, low byte first
 * (SDM 5.6.1). */
#define E1000_EEPROM_MAC_WORD 0

/* ---- RAH: bits 15:0 hold address bytes 4 and 5; AV says the entry is
 * valid (the EEPROM was loaded into it). */
#define E1000_RAH_AV (1u << 31)

/* ---- RCTL. */
#define E1000_RCTL_EN (1u << 1)		 /* receiver enable */
#define E1000_RCTL_SBP (1u << 2)	 /* store bad packets */
#define E1000_RCTL_UPE (1u << 3)	 /* unicast promiscuous */
#define E1000_RCTL_MPE (1u << 4)	 /* multicast promiscuous */
#define E1000_RCTL_LPE (1u << 5)	 /* long packets (over 1522 bytes) */
#define E1000_RCTL_BAM (1u << 15)	 /* broadcast accept */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX clear */
#define E1000_RCTL_BSEX (1u << 25)	 /* buffer size x16 */
#define E1000_RCTL_SECRC (1u << 26)	 /* strip the Ethernet CRC */

/* ---- TCTL. */
#define E1000_TCTL_EN (1u << 1)	 /* transmitter enable */
#define E1000_TCTL_PSP (1u << 3) /* pad short packets to 64 bytes */
#define E1000_TCTL_CT(n) ((uint32_t)(n) << 4)	 /* collision threshold */
#define E1000_TCTL_COLD(n) ((uint32_t)(n) << 12) /* collision distance */
#define E1000_TCTL_COLD_MASK E1000_TCTL_COLD(0x3FFu)
/* The SDM's recommended values: 16 attempts (CT 0Fh), and a collision
 * distance of 512 bit times (40h) in full duplex, 4096 (200h) in half. */
#define E1000_TCTL_CT_DEFAULT 0x0F
#define E1000_TCTL_COLD_FD 0x40
#define E1000_TCTL_COLD_HD 0x200

/* ---- TIPG (table 13-77): the IEEE 802.3 gaps for copper, as the SDM
 * gives them: IPGT 10, IPGR1 8, IPGR2 6. */
#define E1000_TIPG_COPPER (10u | 8u << 10 | 6u << 20)

/* ---- Receive descriptor, legacy format (SDM 3.2.3). */
struct e1000_rx_desc {
	uint64_t addr;	 /* buffer, a bus address */
	uint16_t length; /* bytes the card stored in it */
	uint16_t checksum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};

#define E1000_RXD_STAT_DD (1u << 0)  /* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1) /* end of packet */
/* Errors of the frame itself: CRC or alignment, symbol, sequence,
 * carrier extension, RX data.  (Bits 5 and 6 are checksum offload's,
 * which we leave off.) */
#define E1000_RXD_ERR_FRAME 0x97u

/* ---- Transmit descriptor, legacy format (SDM 3.3.3). */
struct e1000_tx_desc {
	uint64_t addr; /* buffer, a bus address */
	uint16_t length;
	uint8_t cso; /* checksum offset: unused */
	uint8_t cmd;
	uint8_t status;
	uint8_t css; /* checksum start: unused */
	uint16_t special;
};

#define E1000_TXD_CMD_EOP (1u << 0)  /* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 1) /* insert the FCS */
#define E1000_TXD_CMD_RS (1u << 3)   /* report status: write DD back */
#define E1000_TXD_STAT_DD (1u << 0)  /* descriptor done */

/* Both rings: a multiple of 8 descriptors, 128 bytes (13.4.27). */
#define E1000_RING_ALIGN 128

#endif
