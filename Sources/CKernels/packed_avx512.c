// The AVX-512 twins of kernels.c's packed product and LSTM update, chosen at run time by `ckpt_gemm_packed` and
// `ckpt_lstm_update` when the CPU has AVX-512F (compiled with function attributes, so the package still builds
// for baseline x86-64). Same packed layout (16-column panels), same results up to summation order: one zmm holds
// a panel row, so a tile is up to 16 batch rows by one panel, 16 accumulators, one panel load and one broadcast
// per row and k step; the whole batch of a recurrent step (usually ≤ 16 rows) reads each panel once.
#include "CKernels.h"
#include "packed_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CKPT_AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))

#define CKPT_TILE512(MR)                                                                                       \
    CKPT_AVX512 static void tile512_##MR(long k, const float *a, long lda, const float *b, float *c, long ldc) { \
        __m512 acc[MR];                                                                                        \
        for (int r = 0; r < MR; r++) acc[r] = _mm512_setzero_ps();                                             \
        for (long kk = 0; kk < k; kk++) {                                                                      \
            __m512 bk = _mm512_loadu_ps(b + kk * CKPT_PANEL);                                                  \
            for (int r = 0; r < MR; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + kk]), bk, acc[r]); \
        }                                                                                                      \
        for (int r = 0; r < MR; r++) {                                                                         \
            float *row = c + r * ldc;                                                                          \
            _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[r]));                                \
        }                                                                                                      \
    }

CKPT_TILE512(16)
CKPT_TILE512(8)
CKPT_TILE512(4)
CKPT_TILE512(2)
CKPT_TILE512(1)

CKPT_AVX512 void ckpt_gemm_packed_avx512(long m, long k, const float *a, long lda, const float *packed,
                                         const long *panel_ids, long count, float *c, long ldc) {
    for (long p = 0; p < count; p++) {
        long q = panel_ids[p];
        const float *b = packed + q * k * CKPT_PANEL;
        float *cq = c + q * CKPT_PANEL;
        long i = 0;
        for (; i + 16 <= m; i += 16) tile512_16(k, a + i * lda, lda, b, cq + i * ldc, ldc);
        if (m - i >= 8) { tile512_8(k, a + i * lda, lda, b, cq + i * ldc, ldc); i += 8; }
        if (m - i >= 4) { tile512_4(k, a + i * lda, lda, b, cq + i * ldc, ldc); i += 4; }
        if (m - i >= 2) { tile512_2(k, a + i * lda, lda, b, cq + i * ldc, ldc); i += 2; }
        if (m - i >= 1) tile512_1(k, a + i * lda, lda, b, cq + i * ldc, ldc);
    }
}

// e^x, sigmoid and tanh on 16 lanes: kernels.c's Cephes polynomials and clamps, with mask registers for the
// selects.
CKPT_AVX512 static inline __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(88.7f), _mm512_max_ps(_mm512_set1_ps(-87.3f), x));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), magic);
    __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.1219444e-4f), _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x));
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.16657959e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.00000012e-1f));
    __m512 er = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_castps_si512(magic));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(er, scale);
}

CKPT_AVX512 static inline __m512 sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 ax = _mm512_abs_ps(x);
    __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), ax));
    __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, e));
    __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NGE_UQ);
    return _mm512_mask_mul_ps(s, negative, e, s);
}

CKPT_AVX512 static inline __m512 tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f), sign = _mm512_set1_ps(-0.0f);
    __m512 ax = _mm512_abs_ps(x), z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-5.70498873e-3f);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390888e-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397156e-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422e-1f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819e-1f));
    __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
    __m512 e = exp16(_mm512_mul_ps(_mm512_set1_ps(2.0f), _mm512_min_ps(_mm512_set1_ps(10.0f), ax)));
    __m512 large = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
    large = _mm512_or_ps(large, _mm512_and_ps(x, sign));
    __mmask16 isSmall = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(isSmall, large, small);
}

CKPT_AVX512 void ckpt_lstm_update_avx512(float *gates, long h, long lo, long hi, float *c, float *y, int keep) {
    for (long j = lo; j < hi; j += 16) {
        __mmask16 live = hi - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (hi - j)) - 1);
        __m512 i = sigmoid16(_mm512_maskz_loadu_ps(live, gates + j));
        __m512 f = sigmoid16(_mm512_maskz_loadu_ps(live, gates + h + j));
        __m512 g = tanh16(_mm512_maskz_loadu_ps(live, gates + 2 * h + j));
        __m512 o = sigmoid16(_mm512_maskz_loadu_ps(live, gates + 3 * h + j));
        if (keep) {
            _mm512_mask_storeu_ps(gates + j, live, i);
            _mm512_mask_storeu_ps(gates + h + j, live, f);
            _mm512_mask_storeu_ps(gates + 2 * h + j, live, g);
            _mm512_mask_storeu_ps(gates + 3 * h + j, live, o);
        }
        __m512 cj = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(live, c + j), _mm512_mul_ps(i, g));
        _mm512_mask_storeu_ps(c + j, live, cj);
        _mm512_mask_storeu_ps(y + j, live, _mm512_mul_ps(o, tanh16(cj)));
    }
}

#endif
