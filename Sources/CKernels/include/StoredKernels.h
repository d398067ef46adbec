// Kernels for weights kept in their checkpoint's dtype (bfloat16, float16): widening to float32 where they are
// read, and (where the CPU has AVX-512) a fused product of a few float32 rows with a bf16/f16 matrix. Compiled
// with function target attributes and chosen at run time, with portable C fallbacks, so every CPU runs them.
#ifndef CKPT_STORED_KERNELS_H
#define CKPT_STORED_KERNELS_H

#include <stdint.h>

/// Element types of stored weights.
enum ckpt_stored_type { CKPT_STORED_BF16 = 0, CKPT_STORED_F16 = 1 };

/// `dst[i] = float(src[i])` for `n` bfloat16 bit patterns: exact (bf16 is float32's upper half).
void ckpt_widen_bf16(const uint16_t *src, float *dst, long n);

/// `dst[i] = float(src[i])` for `n` IEEE half-precision bit patterns: exact, subnormals, infinities and NaNs kept.
void ckpt_widen_f16(const uint16_t *src, float *dst, long n);

/// 1 when `ckpt_rows_times_stored` runs a vector kernel on this CPU (x86-64 with AVX-512F), else 0.
int ckpt_stored_product_available(void);

/// `c[i*ldc + j] = beta·c[i*ldc + j] + Σ_kk a[i*lda + kk] · w[j*k + kk]` for rows `i < m` (read four at a time) and output columns
/// `j` in `[j0, j1)`, `w` a row-major `[n, k]` matrix of `type` bit patterns widened exactly as it is read; sums in
/// float32. Used for the few-row products of a forward on a short prompt, where widening a tile first would cost more
/// than the product.
void ckpt_rows_times_stored(long m, long k, const float *a, long lda, const uint16_t *w, int type, long j0, long j1,
                            float *c, long ldc, float beta);

/// `dst[i] = bf16(src[i])`, rounded to nearest even as torch's `.to(torch.bfloat16)` (NaNs stay NaN, quiet).
void ckpt_round_bf16(const float *src, uint16_t *dst, long n);

/// 1 when the CPU has AVX512-BF16 dot products (`vdpbf16ps`) and `ckpt_bf16_rows_times_bf16` uses them, else 0.
int ckpt_bf16_dot_available(void);

/// `c[i*ldc + j] = beta·c[i*ldc + j] + Σ_kk a[i*lda + kk] · w[j*k + kk]` for rows `i < m` and columns `j` in
/// `[j0, j1)`, `a` and `w` both bfloat16 bit patterns: products of pairs summed in float32 by `vdpbf16ps` (where
/// `ckpt_bf16_dot_available`; elsewhere widened and summed in float32). For `--compute bfloat16`.
void ckpt_bf16_rows_times_bf16(long m, long k, const uint16_t *a, long lda, const uint16_t *w, long j0, long j1,
                               float *c, long ldc, float beta);

#endif
