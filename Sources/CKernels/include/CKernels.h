// Hand-written float kernels for shapes OpenBLAS serves poorly: the per-step product of a recurrent layer
// (a few batch rows times a weight that is the same every step). Compiled for AVX2 + FMA with function
// attributes and chosen at run time, so the package still builds and runs for baseline x86-64 and other
// architectures (where only `ckpt_packed_available` is declared, returning 0, and callers use BLAS).
#ifndef CKPT_KERNELS_H
#define CKPT_KERNELS_H

/// Columns per packed panel.
#define CKPT_PANEL 16

/// 1 when `ckpt_pack_panels` / `ckpt_gemm_packed` can run on this CPU (x86-64 with AVX2 and FMA), else 0.
int ckpt_packed_available(void);

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
void ckpt_lstm_update(const float *gates, long h, long lo, long hi, float *c, float *y);
#endif

#include "StoredKernels.h"

#endif
