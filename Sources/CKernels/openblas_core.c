// Configures OpenBLAS before any BLAS call: its idle threads' spin, and its kernels on AMD CPUs with AVX-512.
//
// Idle threads. After a call, OpenBLAS's worker threads spin for 2^28 cycles (70 ms at 3.7 GHz) before they
// sleep. ckpt's recurrent layers run an sgemm for a sequence's input projection and then their steps on a team of
// their own threads (team.c), so for most of a forward OpenBLAS's idle workers spun on the cores the team needed:
// at 2 threads on 2 cores an LSTM forward took 10.4–12.6 ms median instead of 8.7–8.9 (Benchmarks/README.md).
// OPENBLAS_THREAD_TIMEOUT=12 (2^12 cycles, about a microsecond) makes them sleep at once; back-to-back products
// (an MLP's layers, sgemm benchmarks) measured the same either way.
//
// Kernels. OpenBLAS's dynamic dispatch (0.3.21, Debian 12) gives AMD CPUs with AVX-512 (Zen 4 and later) its
// Intel AVX-512 kernels (SkylakeX or Cooperlake). Zen 4 executes a 512-bit FMA as two 256-bit halves, so those
// kernels gain nothing there, and their blocking, tuned for Intel's caches, loses: single-threaded sgemm at
// n = 1024–2048 ran 93–96 GFLOP/s per CPU-second with Cooperlake against 98–102 with OpenBLAS's Zen kernels (FMA
// peak 117; Benchmarks/README.md).
//
// OpenBLAS reads its environment once, in its library constructor, which runs before any constructor of the
// executable, and a variable set earlier (.preinit_array) is lost when libc's own initialisation resets the
// environment. So this constructor, which runs after OpenBLAS's and before main (no BLAS call can be in flight),
// sets the variables and restarts OpenBLAS through its exported pair gotoblas_quit / gotoblas_init (threads and
// core tables rebuilt: well under a millisecond). A variable already in the environment is left alone (the user's
// choice, or a benchmark comparing kernels). The OpenBLAS symbols are weak: executables that link CKernels without
// OpenBLAS skip this.
#if defined(__linux__)
#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

void gotoblas_init(void) __attribute__((weak));
void gotoblas_quit(void) __attribute__((weak));

/// True on an AMD CPU with AVX-512F: where OpenBLAS picks an Intel AVX-512 core.
static int amd_with_avx512(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d) || a < 7) return 0;
    if (b != 0x68747541 || d != 0x69746e65 || c != 0x444d4163) return 0;  // "AuthenticAMD"
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 16)) != 0;
#else
    return 0;
#endif
}

__attribute__((constructor)) static void configure_openblas(void) {
    if (!gotoblas_init || !gotoblas_quit) return;
    int changed = 0;
    if (!getenv("OPENBLAS_THREAD_TIMEOUT")) changed |= setenv("OPENBLAS_THREAD_TIMEOUT", "12", 0) == 0;
    if (!getenv("OPENBLAS_CORETYPE") && amd_with_avx512()) changed |= setenv("OPENBLAS_CORETYPE", "Zen", 0) == 0;
    if (!changed) return;
    gotoblas_quit();
    gotoblas_init();
}
#endif
