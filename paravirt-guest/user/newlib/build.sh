#!/bin/sh
# build.sh TARBALL OUT CPPFLAGS - newlib, the C library of our guest's user
# programs.
#
# Builds the C library (libc.a) and the maths library (libm.a) of Debian's
# newlib-source for a generic i686 ELF target, with the machine's own gcc -m32 and binutils
# (there is no i686-elf cross compiler to be had): OUT/src holds the
# sources, OUT/obj the build, and OUT/include, OUT/lib/libc.a and
# OUT/lib/libm.a are what the user programs compile and link against (paravirt-guest/guest.mk).
# OUT/stamp says it is done: guest.mk runs this once, and again only if
# this file changes.  CPPFLAGS are guest.mk's NEWLIB_CPPFLAGS, which the
# programs are compiled with too: the machine's gcc thinks it is compiling
# for Linux, and newlib must not (nor its headers, later) believe it.
#
# Choices (paravirt-guest/README.md says why):
#   - no system calls of newlib's own: ours are in user/syscalls.c.  newlib
#     calls them by their underscore names (_write, _sbrk, ...): a generic
#     target would call write, sbrk, ... (MISSING_SYSCALL_NAMES), so we
#     take that back with -U;
#   - floating point in printf and scanf (%f %e %g), and libm: the guest
#     kernel keeps each process's FPU registers (proc.c), so user programs
#     may use them;
#   - long long in printf and scanf (%lld, for 64-bit counts);
#   - newlib's full malloc (Doug Lea's), not its nano malloc: nano's
#     realloc in 3.3.0 copies the new size out of the old block, reading
#     past its end (tests/guest/user/libctest.c found it: a fault when the
#     old block ends near the top of the heap);
#   - one thread, no wide-character orientation, no multibyte locales.
set -eu

tarball=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
cppflags=$3
jobs=${NEWLIB_JOBS:-2}
# Our make's flags and command-line variables (TEST=, SELFTEST=, its
# jobserver) are not newlib's business.
unset MAKEFLAGS MFLAGS MAKELEVEL

flags="-O2 -g -ffreestanding -fno-pie -fno-pic -fno-stack-protector"
flags="$flags -fno-asynchronous-unwind-tables -ffunction-sections"
flags="$flags -fdata-sections -UMISSING_SYSCALL_NAMES"

start=$(date +%s)
rm -rf "$out/src" "$out/obj" "$out/include" "$out/lib" "$out/stamp"
mkdir -p "$out/src" "$out/obj" "$out/include" "$out/lib"
tar -xf "$tarball" -C "$out/src" --strip-components=1
src=$(cd "$out/src" && pwd)

cd "$out/obj"
echo "newlib: configuring (log: $out/obj/configure.log)"
"$src/newlib/configure" --host=i686-elf --target=i686-elf \
	--build="$("$src/config.guess")" --prefix=/nonexistent \
	CC="gcc -m32 -march=i686 $cppflags" CFLAGS="$flags" AR=ar \
	RANLIB=ranlib AS=as LD=ld NM=nm OBJDUMP=objdump READELF=readelf \
	STRIP=strip \
	--disable-multilib --disable-newlib-supplied-syscalls \
	--enable-newlib-io-float --enable-newlib-io-long-long \
	--disable-newlib-multithread \
	--enable-newlib-global-atexit --enable-lite-exit \
	--disable-newlib-wide-orient --disable-newlib-mb \
	--enable-newlib-reent-small >configure.log 2>&1 ||
	{ tail -20 configure.log; exit 1; }

echo "newlib: building libc.a and libm.a with make -j$jobs" \
	"(log: $out/obj/make.log)"
# The top directory's make would build the documentation too; libc and
# libm alone need the header directories that one passes down in CC.
cc="gcc -m32 -march=i686 $cppflags -I$(pwd)/targ-include"
cc="$cc -I$src/newlib/libc/include"
{ make stmp-targ-include && make -j"$jobs" -C libc CC="$cc" AR_FLAGS=rc &&
	make -j"$jobs" -C libm CC="$cc" AR_FLAGS=rc; } \
	>make.log 2>&1 ||
	{ tail -30 make.log; exit 1; }

# The install: the generic headers, then the ones this configuration
# made or chose (newlib.h, machine/, sys/) over them.
cp -R "$src/newlib/libc/include/." "$out/include/"
cp -R targ-include/. "$out/include/"
cp libc/libc.a "$out/lib/libc.a"
cp libm/libm.a "$out/lib/libm.a"
touch "$out/stamp"
echo "newlib: done in $(($(date +%s) - start)) s"
