/*
 * chacha20.c - the ChaCha20 block function (see chacha20.h).
 *
 * The state is a 4x4 matrix of words: four constants, the key, the
 * counter, the nonce.  Twenty rounds, alternately down the columns and
 * along the diagonals, each a "quarter round" on four words; then the
 * input is added back in, which is what makes the function one-way.
 */
#include "hv/lib/chacha20.h"

/* "expand 32-byte k", as four little-endian words. */
static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32,
				   0x6b206574 };

static inline uint32_t rotl(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static void quarter_round(uint32_t *x, unsigned a, unsigned b, unsigned c,
			  unsigned d)
{
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS],
		    uint32_t out[CHACHA20_BLOCK_WORDS])
{
	uint32_t in[CHACHA20_BLOCK_WORDS];

	for (unsigned i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (unsigned i = 0; i < CHACHA20_KEY_WORDS; i++)
		in[4 + i] = key[i];
	in[12] = counter;
	for (unsigned i = 0; i < CHACHA20_NONCE_WORDS; i++)
		in[13 + i] = nonce[i];
	for (unsigned i = 0; i < CHACHA20_BLOCK_WORDS; i++)
		out[i] = in[i];
	for (unsigned round = 0; round < 20; round += 2) {
		/* Down the columns, */
		quarter_round(out, 0, 4, 8, 12);
		quarter_round(out, 1, 5, 9, 13);
		quarter_round(out, 2, 6, 10, 14);
		quarter_round(out, 3, 7, 11, 15);
		/* then along the diagonals. */
		quarter_round(out, 0, 5, 10, 15);
		quarter_round(out, 1, 6, 11, 12);
		quarter_round(out, 2, 7, 8, 13);
		quarter_round(out, 3, 4, 9, 14);
	}
	for (unsigned i = 0; i < CHACHA20_BLOCK_WORDS; i++)
		out[i] += in[i];
}
