// Chooses OpenBLAS's kernels on AMD CPUs with AVX-512 (Zen 4 and later).
//
// OpenBLAS's dynamic dispatch (0.3.21, Debian 12) gives these CPUs its Intel AVX-512 kernels (SkylakeX or
// Cooperlake). Zen 4 executes a 512-bit FMA as two 256-bit halves, so those kernels gain nothing there, and their
// blocking, tuned for Intel's caches, loses: single-threaded sgemm at n = 1024–2048 ran 93–96 GFLOP/s per
// CPU-second with Cooperlake against 98–102 with OpenBLAS's Zen kernels (FMA peak 117; Benchmarks/README.md).
//
// OpenBLAS reads OPENBLAS_CORETYPE once, in its library constructor, which runs before any constructor of the
// executable, and a variable set earlier (.preinit_array) is lost when libc's own initialisation resets the
// environment. So this constructor, which runs after OpenBLAS's and before main (no BLAS call can be in flight),
// sets the variable and restarts OpenBLAS through its exported pair gotoblas_quit / gotoblas_init (threads and
// core tables rebuilt: well under a millisecond). An OPENBLAS_CORETYPE already in the environment is left alone
// (the user's choice, or a benchmark comparing kernels), and so is every other CPU. The OpenBLAS symbols are weak:
// executables that link CKernels without OpenBLAS skip this.
#if defined(__linux__) && defined(__x86_64__)
#include <cpuid.h>
#include <stdlib.h>

void gotoblas_init(void) __attribute__((weak));
void gotoblas_quit(void) __attribute__((weak));

__attribute__((constructor)) static void choose_openblas_core(void) {
    if (!gotoblas_init || !gotoblas_quit || getenv("OPENBLAS_CORETYPE")) return;
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d) || a < 7) return;
    if (b != 0x68747541 || d != 0x69746e65 || c != 0x444d4163) return;  // "AuthenticAMD"
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & (1u << 16))) return;  // AVX-512F: where OpenBLAS picks an Intel AVX-512 core
    setenv("OPENBLAS_CORETYPE", "Zen", 0);
    gotoblas_quit();
    gotoblas_init();
}
#endif
