/*
 * chacha20.h - the ChaCha20 block function (RFC 8439, its section 2.3):
 * 64 bytes of keystream from a 256-bit key, a 32-bit block counter and a
 * 96-bit nonce.
 *
 * Additions, XORs and rotations of 32-bit words only, so it needs no
 * FPU or vector register: it suits the hypervisor's
 * -mgeneral-regs-only build.  The entropy fallback (hv/machine/entropy.c)
 * uses it to mix its seed material and to stretch the result; nothing in
 * the hypervisor encrypts anything.
 */
#ifndef HV_CHACHA20_H
#define HV_CHACHA20_H

#include "hv/lib/lib.h"

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_NONCE_WORDS 3
#define CHACHA20_BLOCK_WORDS 16
#define CHACHA20_BLOCK_BYTES 64

/* One block.  As bytes, out is the RFC's serialized keystream block on a
 * little-endian machine (each word in memory order). */
void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS],
		    uint32_t out[CHACHA20_BLOCK_WORDS]);

#endif
