#include "CKernels.h"
#include "packed_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_AVX2 __attribute__((target("avx2,fma")))

// The instruction set the packed kernels use: what the CPU has, lowered by ckpt_set_kernel_isa. Written once
// at start-up or by tests and benchmarks before a run; read by every call.
static int chosen_isa = -1;

static int detected_isa(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? 2 : 1;
}

int ckpt_kernel_isa(void) {
    int isa = __atomic_load_n(&chosen_isa, __ATOMIC_RELAXED);
    if (isa < 0) {
        // CKPT_KERNEL_ISA=avx2 (or none) lowers the choice, to compare the paths on one machine.
        const char *wanted = getenv("CKPT_KERNEL_ISA");
        int best = detected_isa();
        isa = best;
        if (wanted && strcmp(wanted, "avx2") == 0 && best > 1) isa = 1;
        if (wanted && strcmp(wanted, "none") == 0) isa = 0;
        __atomic_store_n(&chosen_isa, isa, __ATOMIC_RELAXED);
    }
    return isa;
}

int ckpt_set_kernel_isa(int isa) {
    int best = detected_isa();
    isa = isa < 0 || isa > best ? best : isa;
    __atomic_store_n(&chosen_isa, isa, __ATOMIC_RELAXED);
    return isa;
}

int ckpt_packed_available(void) { return ckpt_kernel_isa() >= 1; }

CKPT_AVX2 void ckpt_pack_panels(const float *w, long ldw, long k, long panels, float *packed) {
    for (long q = 0; q < panels; q++) {
        const float *rows = w + q * CKPT_PANEL * ldw;
        float *dst = packed + q * k * CKPT_PANEL;
        for (long kk = 0; kk < k; kk++)
            for (long j = 0; j < CKPT_PANEL; j++) dst[kk * CKPT_PANEL + j] = rows[j * ldw + kk];
    }
}

// MR rows by 16 columns: 2·MR accumulators, two panel loads and one broadcast per k step (MR = 6 uses 15
// of the 16 ymm registers).
#define CKPT_TILE(MR)                                                                                      \
    CKPT_AVX2 static void tile##MR(long k, const float *a, long lda, const float *b, float *c, long ldc) {   \
        __m256 lo[MR], hi[MR];                                                                             \
        for (int r = 0; r < MR; r++) { lo[r] = _mm256_setzero_ps(); hi[r] = _mm256_setzero_ps(); }         \
        for (long kk = 0; kk < k; kk++) {                                                                  \
            __m256 b0 = _mm256_loadu_ps(b + kk * CKPT_PANEL), b1 = _mm256_loadu_ps(b + kk * CKPT_PANEL + 8); \
            for (int r = 0; r < MR; r++) {                                                                 \
                __m256 x = _mm256_broadcast_ss(a + r * lda + kk);                                          \
                lo[r] = _mm256_fmadd_ps(x, b0, lo[r]);                                                     \
                hi[r] = _mm256_fmadd_ps(x, b1, hi[r]);                                                     \
            }                                                                                              \
        }                                                                                                  \
        for (int r = 0; r < MR; r++) {                                                                     \
            float *row = c + r * ldc;                                                                      \
            _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), lo[r]));                             \
            _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), hi[r]));                     \
        }                                                                                                  \
    }

CKPT_TILE(6)
CKPT_TILE(5)
CKPT_TILE(4)
CKPT_TILE(3)
CKPT_TILE(2)
CKPT_TILE(1)

CKPT_AVX2 static void gemm_packed_avx2(long m, long k, const float *a, long lda, const float *packed,
                                       const long *panel_ids, long count, float *c, long ldc) {
    for (long p = 0; p < count; p++) {
        long q = panel_ids[p];
        const float *b = packed + q * k * CKPT_PANEL;
        float *cq = c + q * CKPT_PANEL;
        long i = 0;
        for (; i + 6 <= m; i += 6) tile6(k, a + i * lda, lda, b, cq + i * ldc, ldc);
        switch (m - i) {
        case 5: tile5(k, a + i * lda, lda, b, cq + i * ldc, ldc); break;
        case 4: tile4(k, a + i * lda, lda, b, cq + i * ldc, ldc); break;
        case 3: tile3(k, a + i * lda, lda, b, cq + i * ldc, ldc); break;
        case 2: tile2(k, a + i * lda, lda, b, cq + i * ldc, ldc); break;
        case 1: tile1(k, a + i * lda, lda, b, cq + i * ldc, ldc); break;
        default: break;
        }
    }
}

// e^x, Cephes' expf as in VectorMath.exp: x = n·ln2 + r, a degree-7 polynomial for e^r, 2^n from the
// exponent bits; clamped to the normal range. (min/max return their second operand when either is NaN, so x
// goes second: NaN passes through every clamp here.)
CKPT_AVX2 static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(88.7f), _mm256_max_ps(_mm256_set1_ps(-87.3f), x));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504f), magic);
    __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.1219444e-4f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x));
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.39819995e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.16657959e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.66666655e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.00000012e-1f));
    __m256 er = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_castps_si256(magic));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(er, scale);
}

// 1 / (1 + e^-x), from e^-|x| both ways.
CKPT_AVX2 static inline __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), ax));
    __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, e));
    return _mm256_blendv_ps(_mm256_mul_ps(e, s), s, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
}

// tanh: odd polynomial below |x| = 0.625, 1 - 2 / (e^{2|x|} + 1) above (|x| clamped at 10), sign restored.
CKPT_AVX2 static inline __m256 tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    __m256 ax = _mm256_andnot_ps(sign, x), z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498873e-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390888e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397156e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422e-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819e-1f));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    __m256 e = exp8(_mm256_mul_ps(_mm256_set1_ps(2.0f), _mm256_min_ps(_mm256_set1_ps(10.0f), ax)));
    __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    large = _mm256_or_ps(large, _mm256_and_ps(x, sign));
    return _mm256_blendv_ps(large, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

CKPT_AVX2 static void lstm_update_avx2(float *gates, long h, long lo, long hi, float *c, float *y, int keep) {
    for (long j = lo; j < hi; j += 8) {
        __m256 i = sigmoid8(_mm256_loadu_ps(gates + j)), f = sigmoid8(_mm256_loadu_ps(gates + h + j));
        __m256 g = tanh8(_mm256_loadu_ps(gates + 2 * h + j)), o = sigmoid8(_mm256_loadu_ps(gates + 3 * h + j));
        if (keep) {
            _mm256_storeu_ps(gates + j, i);
            _mm256_storeu_ps(gates + h + j, f);
            _mm256_storeu_ps(gates + 2 * h + j, g);
            _mm256_storeu_ps(gates + 3 * h + j, o);
        }
        __m256 cj = _mm256_fmadd_ps(f, _mm256_loadu_ps(c + j), _mm256_mul_ps(i, g));
        _mm256_storeu_ps(c + j, cj);
        _mm256_storeu_ps(y + j, _mm256_mul_ps(o, tanh8(cj)));
    }
}

void ckpt_gemm_packed(long m, long k, const float *a, long lda, const float *packed, const long *panel_ids,
                      long count, float *c, long ldc) {
    if (ckpt_kernel_isa() == 2) ckpt_gemm_packed_avx512(m, k, a, lda, packed, panel_ids, count, c, ldc);
    else gemm_packed_avx2(m, k, a, lda, packed, panel_ids, count, c, ldc);
}

void ckpt_lstm_update(float *gates, long h, long lo, long hi, float *c, float *y, int keep) {
    if (ckpt_kernel_isa() == 2) ckpt_lstm_update_avx512(gates, h, lo, hi, c, y, keep);
    else lstm_update_avx2(gates, h, lo, hi, c, y, keep);
}

#else

int ckpt_kernel_isa(void) { return 0; }
int ckpt_set_kernel_isa(int isa) { (void)isa; return 0; }
int ckpt_packed_available(void) { return 0; }

#endif
