/*
 * fpumath.c - floating point in two processes at once: does each keep
 * its own FPU registers (paravirt-guest/fpu.c)?
 *
 * fpumath 1 and fpumath 2 run side by side (procdemo.c's "fpu"
 * scenario), each summing two long series of its own, one in SSE doubles
 * and one in x87 long doubles, so both kinds of register hold live
 * values for the whole loop.  The loop makes no call, so the compiler
 * keeps the sums in registers and nothing spills them to memory: a
 * preemption in the middle (several, as each runs for many 10 ms ticks)
 * comes back to whatever registers the kernel restored.  If they were
 * the other process's, the sums are wrong.  The right ones are exact
 * bits, computed on an x86-64 host by the same function (its doubles in
 * SSE, its long doubles in x87 at full precision, as here: this file is
 * compiled with -msse2 -mfpmath=sse, and fninit's precision control is
 * the 64-bit mantissa the host's is).
 *
 * fpumath 3 checks the state's life cycle: it changes MXCSR's rounding
 * and the x87 control word, forks, and the child must see them (fork
 * copies the registers); the child then execs fpumath 4, which must see
 * the defaults, MXCSR 0x1F80 and FCW 0x037F (exec resets them).
 *
 * fpumath 5 unmasks the x87 divide-by-zero exception and divides by
 * zero: the kernel must kill it (trap 16), its registers still in the
 * CPU, and the next process (fpumath 4 again) must start clean.
 */
#include <stdio.h>
#include <string.h>
#include <sys/times.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

#define TERMS 2000000
#define MXCSR_DEFAULT 0x1F80
#define MXCSR_ROUND_DOWN 0x3F80
#define FCW_DEFAULT 0x037F
#define FCW_ROUND_UP 0x0B7F
#define FCW_TRAP_ZERO_DIVIDE 0x037B /* ZM, bit 2, clear */

struct expected {
	uint64_t sse;
	uint16_t x87_exp;
	uint64_t x87_mantissa;
};

/* From the host: 1: sum 1/k^2 and 4 (1 - 1/3 + 1/5 ...) (pi);
 * 2: sum 1/k^3 and sum 1/k, for k = 1 .. TERMS. */
static const struct expected expected[2] = {
	{ 0x3ffa51a5dc1b4da3ull, 0x4000, 0xc90fd8894274ab30ull },
	{ 0x3ff33ba004ef62feull, 0x4002, 0xf15fbd0d50d32974ull },
};

static void series(int id, int n, double *a, long double *b)
{
	double x = 0;
	long double y = 0;

	for (int k = 1; k <= n; k++) {
		double dk = k;

		if (id == 1) {
			x += 1.0 / (dk * dk);
			y += (k & 1 ? 4.0L : -4.0L) / (2 * k - 1);
		} else {
			x += 1.0 / (dk * dk * dk);
			y += 1.0L / k;
		}
	}
	*a = x;
	*b = y;
}

static int sums(int id)
{
	const struct expected *want = &expected[id - 1];
	struct tms t;
	uint32_t start = uptime(), elapsed;
	double a;
	long double b;
	uint64_t a_bits, b_mantissa;
	uint16_t b_exp;
	unsigned char raw[sizeof(long double)];
	int ok;

	series(id, TERMS, &a, &b);
	elapsed = uptime() - start;
	times(&t);
	memcpy(&a_bits, &a, sizeof(a_bits));
	memcpy(raw, &b, sizeof(raw));
	memcpy(&b_mantissa, raw, sizeof(b_mantissa));
	memcpy(&b_exp, raw + 8, sizeof(b_exp));
	ok = a_bits == want->sse && b_mantissa == want->x87_mantissa &&
	     b_exp == want->x87_exp;
	printf("guest: fpumath %d: %.17g (sse %016llx) %.17g (x87 "
	       "%04x%016llx) in %u ms, %u of them on the CPU: %s\n",
	       id, a, (unsigned long long)a_bits, (double)b, b_exp,
	       (unsigned long long)b_mantissa, elapsed * 1000 / SYS_TICK_HZ,
	       (unsigned int)(t.tms_utime * 1000 / CLOCKS_PER_SEC),
	       ok ? "exact" : "FAIL");
	return !ok;
}

static uint32_t get_mxcsr(void)
{
	uint32_t v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static uint16_t get_fcw(void)
{
	uint16_t v;

	asm volatile("fnstcw %0" : "=m"(v));
	return v;
}

static int control_words(const char *who, uint32_t mxcsr, uint16_t fcw)
{
	uint32_t m = get_mxcsr();
	uint16_t f = get_fcw();
	int ok = m == mxcsr && f == fcw;

	printf("guest: fpumath: %s: mxcsr %04x fcw %04x (want %04x %04x): "
	       "%s\n",
	       who, (unsigned int)m, f, (unsigned int)mxcsr, fcw,
	       ok ? "ok" : "FAIL");
	return !ok;
}

static int fork_and_exec(void)
{
	uint32_t mxcsr = MXCSR_ROUND_DOWN;
	uint16_t fcw = FCW_ROUND_UP;
	int status = -1, pid;

	asm volatile("ldmxcsr %0; fldcw %1" : : "m"(mxcsr), "m"(fcw));
	pid = fork();
	if (pid == 0) {
		if (control_words("forked child", mxcsr, fcw))
			_exit(1);
		exec("fpumath", 4);
		_exit(2);
	}
	if (pid < 0 || wait(&status) != pid || status != 0) {
		printf("guest: fpumath: FAIL: child %d, status %d\n", pid,
		       status);
		return 1;
	}
	return control_words("parent after fork", mxcsr, fcw);
}

static int divide_by_zero(void)
{
	uint16_t fcw = FCW_TRAP_ZERO_DIVIDE;

	printf("guest: fpumath: dividing by zero with the exception "
	       "unmasked\n");
	asm volatile("fldcw %0; fld1; fldz; fdivrp; fwait" : : "m"(fcw));
	printf("guest: fpumath: FAIL: no trap\n");
	return 1;
}

int main(int arg)
{
	if (arg == 1 || arg == 2)
		return sums(arg);
	if (arg == 3)
		return fork_and_exec();
	if (arg == 4)
		return control_words("a new program", MXCSR_DEFAULT,
				     FCW_DEFAULT);
	if (arg == 5)
		return divide_by_zero();
	printf("guest: fpumath: FAIL: no mode %d\n", arg);
	return 1;
}
