// Hand-written float kernels for shapes OpenBLAS serves poorly: the per-step product of a recurrent layer
// (a few batch rows times a weight that is the same every step). Compiled for AVX2 + FMA (kernels.c) and
// AVX-512 (packed_avx512.c) with function attributes and chosen at run time by the CPU's features, so the
// package still builds and runs for baseline x86-64 and other architectures (where `ckpt_packed_available`
// returns 0 and callers use BLAS).
#ifndef CKPT_KERNELS_H
#define CKPT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// 2 when `ckpt_crc32_fast` folds with VPCLMULQDQ on AVX-512, 1 with PCLMULQDQ and SSE4.1, 0 when it cannot run.
int ckpt_crc32_fast_available(void);

/// Nonzero: `ckpt_crc32_fast` keeps to the 128-bit PCLMULQDQ loop (benchmarks and tests comparing the two).
extern int ckpt_crc32_narrow;

/// Folds the longest prefix of `buf` that is a multiple of 16 bytes into `*crc` (zlib's CRC-32, the value
/// zlib's `crc32(*crc, buf, n)` would return) and returns its length: 0 when `len` < 64 or the CPU lacks
/// PCLMULQDQ. The caller checksums the rest with zlib.
size_t ckpt_crc32_fast(uint32_t *crc, const void *buf, size_t len);

/// Columns per packed panel.
#define CKPT_PANEL 16

/// 1 when `ckpt_pack_panels` / `ckpt_gemm_packed` can run on this CPU (x86-64 with AVX2 and FMA), else 0.
int ckpt_packed_available(void);

/// The instructions the packed kernels use: 2 AVX-512, 1 AVX2 + FMA, 0 none (BLAS is used instead). The CPU's
/// best unless the environment variable CKPT_KERNEL_ISA (`avx2`, `none`) or `ckpt_set_kernel_isa` lowers it.
int ckpt_kernel_isa(void);

/// Lowers the kernels' instruction set to `isa` (2, 1 or 0; above what the CPU has, or negative: the CPU's best)
/// and returns the level in use. For tests and benchmarks comparing the paths; not thread-safe with running kernels.
int ckpt_set_kernel_isa(int isa);

/// Runs `work(context, chunk, step)` for every `chunk` in `0 ..< chunks` of every `step` in `0 ..< steps` on up to
/// `chunks` threads (the caller included; at most 64), all chunks of a step finishing before any of the next
/// starts (waiters spin for a few tens of microseconds, then sleep). Chunks go to whichever thread claims them
/// first. Returns when all steps are done. `work` must not throw or unwind.
void ckpt_team_run(long chunks, long steps, void (*work)(void *context, long chunk, long step), void *context);

#if defined(__x86_64__)
/// Packs the row-major `[panels * 16, k]` matrix `w` (rows `ldw` apart) as `panels` blocks of `k * 16`
/// floats, block `q` holding `packed[q*k*16 + kk*16 + j] = w[(q*16 + j) * ldw + kk]`: the columns of `wᵀ`
/// sixteen at a time, in the order the product reads them.
void ckpt_pack_panels(const float *w, long ldw, long k, long panels, float *packed);

/// `c[i, q*16 + j] += Σ_kk a[i, kk] · w[q*16 + j, kk]` for rows `i < m` and the panels `q` listed in
/// `panel_ids` (`count` of them), with `w` packed by `ckpt_pack_panels`; `a` and `c` are row-major with
/// rows `lda` and `ldc` apart.
void ckpt_gemm_packed(long m, long k, const float *a, long lda, const float *packed, const long *panel_ids,
                      long count, float *c, long ldc);

/// The LSTM cell update for hidden units `lo ..< hi` (a multiple of 8 apart) of one batch row: `gates` holds
/// the row's pre-activation i, f, g, o blocks of `h` each; `c` and `y` are the row's cell and hidden state.
/// `c = σ(f)·c + σ(i)·tanh(g)`, `y = σ(o)·tanh(c)`, with the same Cephes polynomials as Swift's `VectorMath`.
/// With `keep` (training) the activations σ(i), σ(f), tanh(g), σ(o) are written back over the gates.
void ckpt_lstm_update(float *gates, long h, long lo, long hi, float *c, float *y, int keep);
#endif

#include "StoredKernels.h"

#endif
