/*
 * fuzz_stubs.h - what the fuzz targets share: libFuzzer's entry point,
 * check(), which turns a broken invariant into a crash libFuzzer reports
 * with its input, and quiet stand-ins for the hypervisor's console and
 * failure paths that the sources under test call.
 *
 * Each target is one file and includes this once.  A target that links
 * code printing or panicking defines FUZZ_STUB_PRINTK first; one whose
 * code kills guests or raises their interrupts, FUZZ_STUB_GUEST too.
 */
#ifndef TESTS_FUZZ_STUBS_H
#define TESTS_FUZZ_STUBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

#ifdef FUZZ_STUB_PRINTK
void printk(const char *fmt, ...)
{
	(void)fmt;
}
void log_msg(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}
void panic(const char *fmt, ...)
{
	(void)fmt;
	abort(); /* a hypervisor bug: the fuzzer reports the input */
}
#endif

#ifdef FUZZ_STUB_GUEST
struct guest;
void guest_raise_irq(struct guest *g, unsigned irq)
{
	(void)g;
	(void)irq;
}
void guest_kill(struct guest *g, const char *fmt, ...)
{
	(void)g;
	(void)fmt;
}
#endif

#endif
