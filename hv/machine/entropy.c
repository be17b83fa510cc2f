/*
 * entropy.c - where the random bytes of the guests' entropy devices come
 * from (virtio_rng.c serves them), chosen once at boot, best first:
 *
 *   RDSEED    the output of the CPU's conditioned noise source (CPUID.7.0
 *             EBX bit 18).  It may run dry when asked too fast: a few
 *             tries, then RDRAND for that word.
 *   RDRAND    the CPU's DRBG, reseeded by that same source (CPUID.1 ECX
 *             bit 30).  Either instruction says it had no value by
 *             clearing CF; ten tries in a row failing is what Intel's
 *             DRNG guide takes as broken hardware.
 *   fallback  ChaCha20 (hv/lib/chacha20.c) keyed from what this machine
 *             offers without such an instruction: the TSC, the RTC's
 *             time, and the jitter of timing a small memory workload
 *             JITTER_SAMPLES times at boot; each request then folds in
 *             the TSC at the moment it came, and rekeys.
 *
 * The fallback is NOT cryptographic-quality entropy.  What it starts
 * from is guessable by anyone who knows roughly when the machine booted
 * and what it is: the RTC has one-second resolution, the TSC counts from
 * power-on at a known rate, and the jitter of a few hundred loops, on an
 * emulator above all, may hold only a few bits each, with no way for us
 * to measure how many.  ChaCha20 makes the output look random and keeps
 * one request's bytes from revealing another's, but it cannot create
 * entropy the seed did not have.  It is still the best this machine can
 * do: no other source of unpredictability reaches the hypervisor (no
 * disk or network timing yet, no user input worth the name), and a guest
 * is better off with these bytes mixed into its pool than with none,
 * which is how Linux treats a hardware RNG anyway: as one input among
 * others, credited conservatively.  The boot line says which source is
 * in use, so nobody mistakes one for the other.
 *
 * A CPU whose RDRAND or RDSEED fails a small check at boot (eight draws
 * that all fail, or all return the same value, as some have after a
 * firmware bug) is not trusted, and the next source down is used.
 */
#include "hv/machine/entropy.h"
#include "hv/include/x86.h"
#include "hv/lib/chacha20.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/time.h"

#define RDRAND_TRIES 10 /* then the DRNG is taken as broken */
#define RDSEED_TRIES 8	/* then RDRAND for this word */
#define BOOT_CHECK_DRAWS 8
#define BOOT_CHECK_RDSEED_TRIES 1000 /* a slow source may start dry */
#define JITTER_SAMPLES 512
#define JITTER_LOOPS 64

enum source { FALLBACK, RDRAND, RDSEED };
static enum source source;
static bool rdrand_ok;	   /* RDRAND passed its boot check */
static uint64_t hw_failed; /* words the CPU gave none for */

/* The fallback generator. */
static struct {
	uint32_t key[CHACHA20_KEY_WORDS];
	uint32_t nonce[CHACHA20_NONCE_WORDS];
	uint32_t counter;
	uint32_t block[CHACHA20_BLOCK_WORDS]; /* output not yet handed out */
	unsigned used;			      /* bytes of block handed out */
	unsigned absorbed;		      /* words folded into the key */
} pool = { .used = CHACHA20_BLOCK_BYTES };

/* The next key is the first half of a block under the current one: what
 * was folded into the key is spread over all of it, and the old key (and
 * so the output already given) cannot be computed back from the new. */
static void rekey(void)
{
	uint32_t out[CHACHA20_BLOCK_WORDS];

	chacha20_block(pool.key, pool.counter++, pool.nonce, out);
	hv_memcpy(pool.key, out, sizeof(pool.key));
	hv_memset(out, 0, sizeof(out));
	pool.used = CHACHA20_BLOCK_BYTES; /* buffered output is dropped */
}

/* Fold one word of seed material into the key; every key's worth, mix. */
static void absorb(uint32_t v)
{
	pool.key[pool.absorbed % CHACHA20_KEY_WORDS] ^= v;
	if (++pool.absorbed % CHACHA20_KEY_WORDS == 0)
		rekey();
}

static void absorb64(uint64_t v)
{
	absorb((uint32_t)v);
	absorb((uint32_t)(v >> 32));
}

static void fallback_fill(uint8_t *p, uint32_t len)
{
	while (len) {
		uint32_t n;

		if (pool.used == CHACHA20_BLOCK_BYTES) {
			chacha20_block(pool.key, pool.counter++, pool.nonce,
				       pool.block);
			pool.used = 0;
			if (pool.counter == 0) /* 256 GiB under one key */
				pool.nonce[0]++;
		}
		n = MIN(len, CHACHA20_BLOCK_BYTES - pool.used);
		hv_memcpy(p, (uint8_t *)pool.block + pool.used, n);
		hv_memset((uint8_t *)pool.block + pool.used, 0, n);
		pool.used += n;
		p += n;
		len -= n;
	}
}

/*
 * How long a small, memory-bound loop takes, in TSC cycles.  The time
 * varies with caches, TLBs, interrupts, and (under an emulator) whatever
 * the host is doing; the low bits of that variation are what we hope is
 * unpredictable.  The loop's addresses depend on the TSC, so they are not
 * the same from one boot to the next either.
 */
static uint32_t jitter_sample(uint32_t i)
{
	static volatile uint8_t scratch[4096];
	uint64_t t0 = rdtsc();
	uint32_t x = (uint32_t)t0 ^ i;

	for (unsigned k = 0; k < JITTER_LOOPS; k++) {
		x = x * 1664525u + 1013904223u; /* an LCG: just addresses */
		scratch[x >> 20] += (uint8_t)k;
	}
	return (uint32_t)(rdtsc() - t0);
}

static void seed_fallback(uint32_t *jitter_min, uint32_t *jitter_max)
{
	uint32_t sec, nsec;

	time_wallclock(&sec, &nsec);
	absorb(sec);
	absorb(nsec);
	absorb(tsc_khz());
	absorb64(rdtsc());
	*jitter_min = UINT32_MAX;
	*jitter_max = 0;
	for (uint32_t i = 0; i < JITTER_SAMPLES; i++) {
		uint32_t d = jitter_sample(i);

		*jitter_min = MIN(*jitter_min, d);
		*jitter_max = MAX(*jitter_max, d);
		absorb(d);
	}
	absorb64(rdtsc());
	rekey();
}

/* Eight draws, each within `tries`; false if one never came, or if all
 * were the same value (a stuck generator). */
static bool boot_check(bool (*draw)(uint32_t *v), unsigned tries)
{
	uint32_t first = 0, v = 0;
	bool differs = false;

	for (unsigned i = 0; i < BOOT_CHECK_DRAWS; i++) {
		unsigned t = 0;

		while (t < tries && !draw(&v))
			t++;
		if (t == tries)
			return false;
		if (i == 0)
			first = v;
		else if (v != first)
			differs = true;
		absorb(v); /* the fallback is better for it, if ever used */
	}
	return differs;
}

void entropy_init(void)
{
	uint32_t jmin, jmax;
	const char *why = "no RDRAND/RDSEED";

	seed_fallback(&jmin, &jmax); /* always: the backstop */
	if (cpu_has(CPU_RDRAND)) {
		rdrand_ok = boot_check(rdrand32, RDRAND_TRIES);
		if (!rdrand_ok) {
			printk("hv: entropy: RDRAND failed its boot check (no "
			       "value, or the same one %u times); not used\n",
			       BOOT_CHECK_DRAWS);
			why = "RDRAND failed its boot check";
		} else {
			source = RDRAND;
		}
	}
	if (cpu_has(CPU_RDSEED)) {
		if (boot_check(rdseed32, BOOT_CHECK_RDSEED_TRIES))
			source = RDSEED;
		else
			printk("hv: entropy: RDSEED failed its boot check; not "
			       "used\n");
	}
	rekey();
	switch (source) {
	case RDSEED:
		printk("hv: entropy: RDSEED%s\n",
		       rdrand_ok ? " (RDRAND when it runs dry)" : "");
		break;
	case RDRAND:
		printk("hv: entropy: RDRAND\n");
		break;
	case FALLBACK:
		printk("hv: entropy: fallback (%s): ChaCha20 seeded from the "
		       "TSC, the RTC and boot-time timing jitter (%u samples, "
		       "%u-%u cycles); NOT cryptographic-quality entropy\n",
		       why, JITTER_SAMPLES, jmin, jmax);
		break;
	}
}

void entropy_stir(void)
{
	absorb64(rdtsc());
	rekey();
}

/* One word from the CPU; false if it gave none in its tries. */
static bool hw_word(uint32_t *v)
{
	if (source == RDSEED) {
		for (unsigned t = 0; t < RDSEED_TRIES; t++) {
			if (rdseed32(v))
				return true;
			__asm__ volatile("pause");
		}
		if (!rdrand_ok)
			return false;
	}
	for (unsigned t = 0; t < RDRAND_TRIES; t++)
		if (rdrand32(v))
			return true;
	return false;
}

void entropy_fill(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	if (source == FALLBACK) {
		fallback_fill(p, len);
		return;
	}
	while (len) {
		uint32_t v, n = MIN(len, (uint32_t)sizeof(v));

		if (!hw_word(&v)) {
			/* Rare, and never silent: said once, counted. */
			if (!hw_failed++)
				printk("hv: entropy: %s gave no value in %u "
				       "tries; such words come from the "
				       "fallback generator\n",
				       source == RDSEED && !rdrand_ok
					       ? "RDSEED"
					       : "RDRAND",
				       source == RDSEED && !rdrand_ok
					       ? RDSEED_TRIES
					       : RDRAND_TRIES);
			fallback_fill((uint8_t *)&v, sizeof(v));
		}
		hv_memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}
