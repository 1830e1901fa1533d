/*
 * rin's native kernels (optional; src/engine/addon.ts loads them): single-precision matrix
 * products on the machine's CBLAS (OpenBLAS), opened at run time with dlopen, and the model's
 * heaviest loops: both LSTM directions, the GRU update (Eq. 4-7), the RE loss over all cells
 * (Eq. 13) and Adam, each forward and backward where it has one.
 *
 * Why: tfjs-wasm's XNNPACK matmul reaches ~17 GFLOP/s a core here (128-bit SIMD, no FMA);
 * OpenBLAS with AVX-512 reaches ~100, and a training step is mostly matmuls and per-kernel
 * overhead. Why dlopen, not linking: no BLAS headers or -dev package are needed to build, and a
 * machine without a BLAS still loads the addon, which then says so (init returns null) and rin
 * stays on wasm and JavaScript.
 *
 * Arrays are Float32Arrays: views of the wasm heap (the tensors' own memory) or pooled host
 * arrays (src/engine/scratch.ts). Every length is checked against the sizes given: a short array
 * is an error, never a read or write past its end.
 */
#include <dlfcn.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);

static sgemm_fn sgemm;
static const char *blas_name;

/* Libraries tried in order; the first with cblas_sgemm wins. RIN_BLAS names another. */
static const char *CANDIDATES[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libblis.so.4", "libmkl_rt.so", NULL};

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void find_blas(void) {
  const char *forced = getenv("RIN_BLAS");
  for (int k = forced ? -1 : 0; forced ? k < 0 : CANDIDATES[k] != NULL; k++) {
    const char *name = k < 0 ? forced : CANDIDATES[k];
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib) continue;
    sgemm_fn f = (sgemm_fn)dlsym(lib, "cblas_sgemm");
    if (!f) {
      dlclose(lib);
      continue;
    }
    /* One BLAS thread per caller: rin's parallelism is its worker threads, one per core. */
    set_threads_fn st = (set_threads_fn)dlsym(lib, "openblas_set_num_threads");
    if (st) st(1);
    blas_name = name;
    sgemm = f;
    return;
  }
}

/* Once per process, whichever worker thread asks first. */
static int open_blas(void) {
  pthread_once(&blas_once, find_blas);
  return sgemm != NULL;
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "rin native: bad call of " #call); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

/* An empty array may have no data pointer: it gets this one (nothing is read or written). */
static float empty_array[1];

/* A Float32Array's data; NULL after throwing when v is not one (or is detached while non-empty). */
static float *f32(napi_env env, napi_value v, size_t *len, const char *what) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value ab;
  size_t off;
  char msg[128];
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_float32_array) {
    snprintf(msg, sizeof msg, "rin native: %s must be a Float32Array", what);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (*len == 0) return empty_array;
  if (!data) {
    snprintf(msg, sizeof msg, "rin native: %s has no data (a detached buffer?)", what);
    napi_throw_error(env, NULL, msg);
    return NULL;
  }
  return (float *)data;
}

static int64_t i64(napi_env env, napi_value v) {
  int64_t x = -1;
  napi_get_value_int64(env, v, &x);
  return x;
}

/* init() → the BLAS library's name, or null when none was found. */
static napi_value init_blas(napi_env env, napi_callback_info info) {
  napi_value out;
  if (open_blas()) CHECK(napi_create_string_utf8(env, blas_name, NAPI_AUTO_LENGTH, &out));
  else CHECK(napi_get_null(env, &out));
  return out;
}

/*
 * sgemm(transA, transB, M, N, K, A, B, C, bias, act): C[M,N] = op(A)·op(B) (+ bias[N]) (then ReLU
 * when act is 1), row-major; op(A) is [M,K] (A stored [K,M] when transA), op(B) is [K,N].
 * bias may be null. Lengths are checked: a short array is an error, never a read past its end.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value a[10];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc != 10) {
    napi_throw_error(env, NULL, "rin native: sgemm takes 10 arguments");
    return NULL;
  }
  if (!open_blas()) {
    napi_throw_error(env, NULL, "rin native: no BLAS library was found");
    return NULL;
  }
  bool ta, tb;
  CHECK(napi_get_value_bool(env, a[0], &ta));
  CHECK(napi_get_value_bool(env, a[1], &tb));
  int64_t M = i64(env, a[2]), N = i64(env, a[3]), K = i64(env, a[4]);
  if (M < 0 || N < 0 || K < 0 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) {
    napi_throw_range_error(env, NULL, "rin native: sgemm sizes must be non-negative 32-bit integers");
    return NULL;
  }
  size_t la, lb, lc, lbias = 0;
  float *A = f32(env, a[5], &la, "A");
  if (!A) return NULL;
  float *B = f32(env, a[6], &lb, "B");
  if (!B) return NULL;
  float *C = f32(env, a[7], &lc, "C");
  if (!C) return NULL;
  napi_valuetype bt;
  CHECK(napi_typeof(env, a[8], &bt));
  float *bias = NULL;
  if (bt != napi_null && bt != napi_undefined) {
    bias = f32(env, a[8], &lbias, "bias");
    if (!bias) return NULL;
  }
  int64_t act = i64(env, a[9]);
  if (la < (size_t)(M * K) || lb < (size_t)(K * N) || lc < (size_t)(M * N) || (bias && lbias < (size_t)N)) {
    napi_throw_range_error(env, NULL, "rin native: sgemm array shorter than its shape");
    return NULL;
  }
  if (M == 0 || N == 0) return NULL;
  if (bias)
    for (int64_t i = 0; i < M; i++) memcpy(C + i * N, bias, N * sizeof(float));
  if (K > 0) sgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, (int)M, (int)N, (int)K, 1.0f, A, ta ? (int)M : (int)K, B, tb ? (int)K : (int)N, bias ? 1.0f : 0.0f, C, (int)N);
  else if (!bias) memset(C, 0, M * N * sizeof(float));
  if (act == 1)
    for (int64_t i = 0; i < M * N; i++) C[i] = C[i] < 0 ? 0 : C[i]; /* NaN stays NaN */
  return NULL;
}


/*
 * adam(p, m, v, g, out, k): one Adam update of one parameter, in float32 exactly as tfjs's kernels
 * compute it op by op (src/train/adam.ts has the same loop in JavaScript; each line rounds to
 * float32, and -ffp-contract=off keeps the compiler from fusing a multiply and an add).
 * k = [scale, b1, 1-b1, b2, 1-b2, 1-b1^t, 1-b2^t, eps, -lr]; m and v are updated in place, the new
 * parameter is written to out (which may be p).
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc != 6) {
    napi_throw_error(env, NULL, "rin native: adam takes 6 arguments");
    return NULL;
  }
  size_t lp, lm, lv, lg, lo, lk;
  float *p = f32(env, a[0], &lp, "p"), *m = p ? f32(env, a[1], &lm, "m") : NULL, *v = m ? f32(env, a[2], &lv, "v") : NULL;
  float *g = v ? f32(env, a[3], &lg, "g") : NULL, *out = g ? f32(env, a[4], &lo, "out") : NULL, *k = out ? f32(env, a[5], &lk, "k") : NULL;
  if (!k) return NULL;
  if (lm != lp || lv != lp || lg != lp || lo != lp || lk != 9) {
    napi_throw_range_error(env, NULL, "rin native: adam arrays differ in length");
    return NULL;
  }
  const float s = k[0], b1 = k[1], b1c = k[2], b2 = k[3], b2c = k[4], c1 = k[5], c2 = k[6], eps = k[7], lr = k[8];
  for (size_t i = 0; i < lp; i++) {
    float gi = s == 1.0f ? g[i] : g[i] * s;
    float m1 = m[i] * b1;
    m1 += gi * b1c;
    float gg = gi * gi;
    float v1 = v[i] * b2;
    v1 += gg * b2c;
    m[i] = m1;
    v[i] = v1;
    float mHat = m1 / c1, vHat = v1 / c2;
    float den = sqrtf(vHat);
    den += eps;
    float r = mHat / den;
    r *= lr;
    out[i] = r + p[i];
  }
  return NULL;
}


/* ---- helpers for the ops below: arguments by position, checked ---- */

typedef struct {
  napi_env env;
  napi_value *argv;
  size_t argc;
  int bad;
} Args;

static void arg_fail(Args *a, const char *msg) {
  if (!a->bad) napi_throw_range_error(a->env, NULL, msg);
  a->bad = 1;
}

/* The product of sizes, or -1 (and the call fails) when it overflows 2^62. */
static int64_t size_of(Args *a, int64_t x, int64_t y, int64_t z) {
  int64_t p;
  if (__builtin_mul_overflow(x, y, &p) || __builtin_mul_overflow(p, z, &p) || p > ((int64_t)1 << 62)) {
    arg_fail(a, "rin native: sizes too large");
    return -1;
  }
  return p;
}

/* A size handed to the BLAS, which takes 32-bit ints. */
static void blas_int(Args *a, int64_t x) {
  if (x > INT32_MAX) arg_fail(a, "rin native: a matrix dimension exceeds 2^31 - 1");
}

static float *arg_f32(Args *a, size_t k, int64_t need, const char *what) {
  if (a->bad) return NULL;
  if (k >= a->argc) {
    arg_fail(a, "rin native: too few arguments");
    return NULL;
  }
  size_t len;
  float *p = f32(a->env, a->argv[k], &len, what);
  if (!p) {
    a->bad = 1;
    return NULL;
  }
  if (need < 0 || len < (size_t)need) {
    char msg[128];
    snprintf(msg, sizeof msg, "rin native: %s has %zu values, needs %lld", what, len, (long long)need);
    arg_fail(a, msg);
    return NULL;
  }
  return p;
}

/* The addon's ops need the BLAS; a call without one is an error (addon.ts never makes it). */
static int need_blas(Args *a) {
  if (a->bad) return 0;
  if (!open_blas()) {
    napi_throw_error(a->env, NULL, "rin native: no BLAS library was found");
    a->bad = 1;
    return 0;
  }
  return 1;
}

static int64_t arg_int(Args *a, size_t k) {
  if (a->bad) return 0;
  if (k >= a->argc) {
    arg_fail(a, "rin native: too few arguments");
    return 0;
  }
  int64_t x = 0;
  if (napi_get_value_int64(a->env, a->argv[k], &x) != napi_ok || x < 0 || x > INT32_MAX) {
    arg_fail(a, "rin native: sizes must be non-negative 32-bit integers");
    return 0;
  }
  return x;
}

/*
 * exp in float32 written so that the compiler vectorises loops over it (glibc's expf is a scalar
 * call, and these loops were half of a GRU update's time): Cephes' expf, range reduction by ln 2,
 * a degree-6 polynomial, 2^n through the exponent bits; within 2 ulp of expf for |x| ≤ 87, and
 * clamped there (sigmoid and tanh saturate long before). tanh through it is 2σ(2x) − 1: absolute
 * error ~1e-7, so relative error grows near 0 (1e-4 at |x| = 1e-3), harmless inside the gates.
 */
static inline float fexp(float x) {
  x = x < -87.0f ? -87.0f : (x > 87.0f ? 87.0f : x);
  float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round(x / ln 2) */
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

static inline float sigm(float x) { return 1.0f / (1.0f + fexp(-x)); }
static inline float ftanh(float x) { return 2.0f / (1.0f + fexp(-2.0f * x)) - 1.0f; }

/* The element-wise loops, compiled twice (AVX2 and baseline), the CPU's picked at load. */
#if defined(__x86_64__) && defined(__linux__)
#define VEC __attribute__((target_clones("avx2", "default")))
#else
#define VEC
#endif

VEC static void sigmoid_all(float *restrict a, int64_t n) {
  for (int64_t i = 0; i < n; i++) a[i] = sigm(a[i]);
}

/* Eq. 6-7 after the matmul: c = tanh(c), h' = h + z∘(c − h). */
VEC static void gru_out(float *restrict c, const float *restrict z, const float *restrict h, float *restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float ci = ftanh(c[i]);
    c[i] = ci;
    out[i] = h[i] + z[i] * (ci - h[i]);
  }
}

/* One step of one LSTM direction for all B sentences (the loop of lstmForward). */
/* cPrev: the previous step's cells [B, h] (zeros at the first step); H: this direction's half of time t's rows. */
VEC static void lstm_cells(const float *restrict x, const float *restrict rec, const float *restrict cPrev, float *restrict gates, float *restrict c, float *restrict tc, float *restrict hs,
                           float *restrict H, const float *restrict keep, int64_t B, int64_t h, int64_t d) {
  const int64_t G = 4 * h;
  for (int64_t b = 0; b < B; b++) {
    const float kp = keep[b];
    const float *xr = x + b * G, *rr = rec + b * 2 * G, *cp = cPrev + b * h;
    float *gr = gates + b * G, *cr = c + b * h, *tr = tc + b * h, *hr = hs + b * h, *Hr = H + b * 2 * h + d * h;
    for (int64_t k = 0; k < h; k++) {
      float i = sigm(xr[k] + rr[k]), f = sigm(xr[h + k] + rr[h + k]), g = ftanh(xr[2 * h + k] + rr[2 * h + k]), o = sigm(xr[3 * h + k] + rr[3 * h + k]);
      float cv = (f * cp[k] + i * g) * kp;
      float tcv = ftanh(cv);
      gr[k] = i, gr[h + k] = f, gr[2 * h + k] = g, gr[3 * h + k] = o;
      float hv = o * tcv * kp;
      cr[k] = cv, tr[k] = tcv, hr[k] = hv, Hr[k] = hv;
    }
  }
}

/* C[M,N] = A[M,K]·B[K,N] (+ C when acc), row-major, with leading dimensions. */
static void mm(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, int acc) {
  sgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, M, N, K, 1.0f, A, lda, B, ldb, acc ? 1.0f : 0.0f, C, ldc);
}

/*
 * Eq. 4-7, one GRU update of N rows (src/model/interaction.ts gruUpdate is the same in tfjs ops):
 * z = σ([h, x]·Wz), u = σ([h, x]·Wu), c = tanh([u∘h, x]·Wo), h' = h + z∘(c − h).
 * gruForward(h, x, Wz, Wu, Wo, N, d, dx, hx, ux, z, u, c, out): hx, ux [N, d+dx] and z, u, c [N, d]
 * are filled for the backward.
 */
static napi_value gru_forward(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value v[14];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  Args a = {env, v, argc, 0};
  int64_t N = arg_int(&a, 5), d = arg_int(&a, 6), dx = arg_int(&a, 7), w = d + dx;
  blas_int(&a, w);
  float *h = arg_f32(&a, 0, N * d, "h"), *x = arg_f32(&a, 1, N * dx, "x"), *Wz = arg_f32(&a, 2, w * d, "Wz"), *Wu = arg_f32(&a, 3, w * d, "Wu"), *Wo = arg_f32(&a, 4, w * d, "Wo");
  float *hx = arg_f32(&a, 8, N * w, "hx"), *ux = arg_f32(&a, 9, N * w, "ux"), *z = arg_f32(&a, 10, N * d, "z"), *u = arg_f32(&a, 11, N * d, "u"), *c = arg_f32(&a, 12, N * d, "c"), *out = arg_f32(&a, 13, N * d, "out");
  if (!need_blas(&a)) return NULL;
  for (int64_t r = 0; r < N; r++) {
    memcpy(hx + r * w, h + r * d, d * sizeof(float));
    memcpy(hx + r * w + d, x + r * dx, dx * sizeof(float));
  }
  mm(0, 0, N, d, w, hx, w, Wz, d, z, d, 0);
  mm(0, 0, N, d, w, hx, w, Wu, d, u, d, 0);
  sigmoid_all(z, N * d); /* Eq. 4 */
  sigmoid_all(u, N * d); /* Eq. 5 */
  for (int64_t r = 0; r < N; r++) {
    for (int64_t k = 0; k < d; k++) ux[r * w + k] = u[r * d + k] * h[r * d + k];
    memcpy(ux + r * w + d, x + r * dx, dx * sizeof(float));
  }
  mm(0, 0, N, d, w, ux, w, Wo, d, c, d, 0);
  gru_out(c, z, h, out, N * d); /* Eq. 6-7 */
  return NULL;
}

/*
 * The gradients of gruForward: gruBackward(dy, Wz, Wu, Wo, N, d, dx, hx, ux, z, u, c, dh, dxOut,
 * dWz, dWu, dWo), all outputs overwritten. h is read from hx = [h, x] (no copy of it is kept).
 */
static napi_value gru_backward(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value v[17];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  Args a = {env, v, argc, 0};
  int64_t N = arg_int(&a, 4), d = arg_int(&a, 5), dx = arg_int(&a, 6), w = d + dx;
  blas_int(&a, w);
  float *dy = arg_f32(&a, 0, N * d, "dy"), *Wz = arg_f32(&a, 1, w * d, "Wz"), *Wu = arg_f32(&a, 2, w * d, "Wu"), *Wo = arg_f32(&a, 3, w * d, "Wo");
  float *hx = arg_f32(&a, 7, N * w, "hx"), *ux = arg_f32(&a, 8, N * w, "ux"), *z = arg_f32(&a, 9, N * d, "z"), *u = arg_f32(&a, 10, N * d, "u"), *c = arg_f32(&a, 11, N * d, "c");
  float *dh = arg_f32(&a, 12, N * d, "dh"), *dxo = arg_f32(&a, 13, N * dx, "dx"), *dWz = arg_f32(&a, 14, w * d, "dWz"), *dWu = arg_f32(&a, 15, w * d, "dWu"), *dWo = arg_f32(&a, 16, w * d, "dWo");
  if (!need_blas(&a)) return NULL;
  float *dZ = malloc(N * d * sizeof(float)), *dU = malloc(N * d * sizeof(float)), *dC = malloc(N * d * sizeof(float)), *dw = malloc(N * w * sizeof(float));
  if (!dZ || !dU || !dC || !dw) {
    free(dZ), free(dU), free(dC), free(dw);
    napi_throw_error(env, NULL, "rin native: out of memory");
    return NULL;
  }
  for (int64_t r = 0; r < N; r++)
    for (int64_t k = 0; k < d; k++) {
      const int64_t i = r * d + k;
      float g = dy[i], zi = z[i], ci = c[i];
      dZ[i] = g * (ci - hx[r * w + k]) * zi * (1 - zi); /* through σ of Eq. 4 */
      dC[i] = g * zi * (1 - ci * ci);                  /* through tanh of Eq. 6 */
      dh[i] = g * (1 - zi);                            /* h' = (1 − z)∘h + z∘c */
    }
  mm(1, 0, w, d, N, ux, w, dC, d, dWo, d, 0); /* dWo = uxᵀ·dC */
  mm(0, 1, N, w, d, dC, d, Wo, d, dw, w, 0);  /* d[u∘h, x] = dC·Woᵀ */
  for (int64_t r = 0; r < N; r++) {
    for (int64_t k = 0; k < d; k++) {
      float duh = dw[r * w + k], uk = u[r * d + k];
      dU[r * d + k] = duh * hx[r * w + k] * uk * (1 - uk); /* through σ of Eq. 5 */
      dh[r * d + k] += duh * uk;
    }
    memcpy(dxo + r * dx, dw + r * w + d, dx * sizeof(float));
  }
  mm(1, 0, w, d, N, hx, w, dZ, d, dWz, d, 0); /* dWz = [h, x]ᵀ·dZ */
  mm(1, 0, w, d, N, hx, w, dU, d, dWu, d, 0);
  mm(0, 1, N, w, d, dZ, d, Wz, d, dw, w, 0); /* d[h, x] = dZ·Wzᵀ + dU·Wuᵀ */
  mm(0, 1, N, w, d, dU, d, Wu, d, dw, w, 1);
  for (int64_t r = 0; r < N; r++) {
    for (int64_t k = 0; k < d; k++) dh[r * d + k] += dw[r * w + k];
    for (int64_t k = 0; k < dx; k++) dxo[r * dx + k] += dw[r * w + d + k];
  }
  free(dZ), free(dU), free(dC), free(dw);
  return NULL;
}

/*
 * Eq. 13, the RE loss over every cell (i, t, j), i ≠ j unless selfPairs, both real words, with
 * logit a[i,t] + c[j,t] + bias[t] (src/engine/ops.ts separableBce has the same loop in JS):
 * bce(a, c, bias, lengths, n, B, l, selfPairs, ga, gc) → Σ softplus(x) (the gold cells' −x is the
 * caller's); ga, gc (zeroed by the caller) get Σ sigmoid(x) over the cells each is part of.
 */
static napi_value bce(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value v[10];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  Args a = {env, v, argc, 0};
  int64_t n = arg_int(&a, 4), B = arg_int(&a, 5), l = arg_int(&a, 6), cells = size_of(&a, n, B, l);
  bool self = false;
  if (!a.bad && (argc < 8 || napi_get_value_bool(env, v[7], &self) != napi_ok)) arg_fail(&a, "rin native: selfPairs must be a boolean");
  float *A = arg_f32(&a, 0, cells, "a"), *C = arg_f32(&a, 1, cells, "c"), *bias = arg_f32(&a, 2, l, "bias");
  float *ga = arg_f32(&a, 8, cells, "ga"), *gc = arg_f32(&a, 9, cells, "gc");
  napi_typedarray_type type;
  size_t nl;
  void *data;
  napi_value ab;
  size_t off;
  if (!a.bad && (napi_get_typedarray_info(env, v[3], &type, &nl, &data, &ab, &off) != napi_ok || type != napi_int32_array || nl < (size_t)B)) {
    napi_throw_type_error(env, NULL, "rin native: lengths must be an Int32Array of B values");
    a.bad = 1;
  }
  if (a.bad) return NULL;
  const int32_t *len = data;
  double loss = 0;
  double *ea = malloc(n * l * sizeof(double)), *eb = malloc(l * sizeof(double)), *bj = malloc(l * sizeof(double)), *gcj = malloc(l * sizeof(double));
  if (!ea || !eb || !bj || !gcj) {
    free(ea), free(eb), free(bj), free(gcj);
    napi_throw_error(env, NULL, "rin native: out of memory");
    return NULL;
  }
  for (int64_t b = 0; b < B; b++) {
    int64_t L = len[b] < n ? len[b] : n;
    /* exp(x) = exp(a[i,t])·exp(c[j,t] + b[t]): factors within e^±300 keep the product finite and
     * normal; outside, NaN sends the cell to the exact path. */
    for (int64_t i = 0; i < L; i++)
      for (int64_t t = 0; t < l; t++) {
        double x = A[(i * B + b) * l + t];
        ea[i * l + t] = fabs(x) <= 300 ? exp(x) : NAN;
      }
    for (int64_t j = 0; j < L; j++) {
      const int64_t cj = (j * B + b) * l;
      for (int64_t t = 0; t < l; t++) {
        bj[t] = (double)(C[cj + t] + bias[t]);
        eb[t] = fabs(bj[t]) <= 300 ? exp(bj[t]) : NAN;
        gcj[t] = 0;
      }
      for (int64_t i = 0; i < L; i++) {
        if (i == j && !self) continue;
        const int64_t ai = (i * B + b) * l;
        for (int64_t t = 0; t < l; t++) {
          double E = ea[i * l + t] * eb[t], sp, sg;
          if (E < 1e-4) {
            sp = E * (1 - E * (0.5 - E / 3));
            sg = E * (1 - E * (1 - E));
          } else if (E <= 1) {
            sp = log1p(E);
            sg = E / (1 + E);
          } else {
            double x = (double)A[ai + t] + bj[t], e = exp(x < 0 ? x : -x), inv = 1 / (1 + e);
            sg = x >= 0 ? inv : e * inv;
            sp = (x > 0 ? x : 0) + log1p(e);
          }
          loss += sp;
          ga[ai + t] += (float)sg;
          gcj[t] += sg;
        }
      }
      for (int64_t t = 0; t < l; t++) gc[cj + t] += (float)gcj[t];
    }
  }
  free(ea), free(eb), free(bj), free(gcj);
  napi_value out;
  CHECK(napi_create_double(env, loss, &out));
  return out;
}

/*
 * Both LSTM directions (src/engine/biLstm.ts has the same loops in JS; its comment explains the
 * layout): lstmForward(xf, xb, Uf, Ub, mask, n, B, h, gates, c, tc, hs, keep, H). xf, xb: input
 * projections [n*B, 4h] in time order; Uf, Ub: [h, 4h]; mask [n*B]; the saved arrays are
 * step-major ([2, n, B, ·]); H [n*B, 2h] = [h_fw | h_bw] in time order. Gates [i | f | g | o].
 */
static napi_value lstm_forward(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value v[14];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  Args a = {env, v, argc, 0};
  int64_t n = arg_int(&a, 5), B = arg_int(&a, 6), h = arg_int(&a, 7), G = 4 * h, R = n * B;
  blas_int(&a, 2 * G);
  const int64_t RG = size_of(&a, R, G, 1), Rh2 = size_of(&a, R, h, 2);
  float *xf = arg_f32(&a, 0, RG, "xf"), *xb = arg_f32(&a, 1, RG, "xb"), *Uf = arg_f32(&a, 2, h * G, "Uf"), *Ub = arg_f32(&a, 3, h * G, "Ub"), *mask = arg_f32(&a, 4, R, "mask");
  float *gates = arg_f32(&a, 8, size_of(&a, RG, 2, 1), "gates"), *c = arg_f32(&a, 9, Rh2, "c"), *tc = arg_f32(&a, 10, Rh2, "tc"), *hs = arg_f32(&a, 11, Rh2, "hs"), *keep = arg_f32(&a, 12, 2 * R, "keep"), *H = arg_f32(&a, 13, Rh2, "H");
  if (!need_blas(&a)) return NULL;
  float *rec = calloc(B * 2 * G, sizeof(float)); /* [B, 2G]: h_prev · U of both directions */
  float *zeros = calloc(B * h, sizeof(float));    /* the cells before the first step */
  if (!rec || !zeros) {
    free(rec), free(zeros);
    napi_throw_error(env, NULL, "rin native: out of memory");
    return NULL;
  }
  for (int64_t step = 0; step < n; step++) {
    for (int d = 0; d < 2; d++) {
      const int64_t at = d * n + step, t = d == 0 ? step : n - 1 - step;
      const float *x = d == 0 ? xf : xb;
      if (step > 0) mm(0, 0, B, G, h, hs + (at - 1) * B * h, h, d == 0 ? Uf : Ub, G, rec + d * G, 2 * G, 0);
      for (int64_t b = 0; b < B; b++) keep[at * B + b] = d == 0 ? 1.0f : mask[t * B + b];
      /* H rows of time t: sentence b at (t*B + b), this direction's half. */
      lstm_cells(x + t * B * G, rec + d * G, step == 0 ? zeros : c + (at - 1) * B * h, gates + at * B * G, c + at * B * h, tc + at * B * h, hs + at * B * h, H + t * B * 2 * h, keep + at * B, B, h, d);
    }
  }
  free(rec), free(zeros);
  return NULL;
}

/*
 * Back through time: lstmBackward(dH, Uf, Ub, n, B, h, gates, c, tc, hs, keep, dxf, dxb, dUf, dUb),
 * the saved arrays as lstmForward left them; dxf, dxb [n*B, 4h] in time order, dUf, dUb [h, 4h].
 * dU of all steps is one matmul per direction: H_prevᵀ · dGates.
 */
static napi_value lstm_backward(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value v[15];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  Args a = {env, v, argc, 0};
  int64_t n = arg_int(&a, 3), B = arg_int(&a, 4), h = arg_int(&a, 5), G = 4 * h, R = n * B;
  blas_int(&a, 2 * G);
  blas_int(&a, R);
  const int64_t RG = size_of(&a, R, G, 1), Rh2 = size_of(&a, R, h, 2);
  float *dH = arg_f32(&a, 0, Rh2, "dH"), *Uf = arg_f32(&a, 1, h * G, "Uf"), *Ub = arg_f32(&a, 2, h * G, "Ub");
  float *gates = arg_f32(&a, 6, size_of(&a, RG, 2, 1), "gates"), *c = arg_f32(&a, 7, Rh2, "c"), *tc = arg_f32(&a, 8, Rh2, "tc"), *hs = arg_f32(&a, 9, Rh2, "hs"), *keep = arg_f32(&a, 10, 2 * R, "keep");
  float *dxf = arg_f32(&a, 11, RG, "dxf"), *dxb = arg_f32(&a, 12, RG, "dxb"), *dUf = arg_f32(&a, 13, h * G, "dUf"), *dUb = arg_f32(&a, 14, h * G, "dUb");
  if (!need_blas(&a)) return NULL;
  float *dG = malloc(2 * R * G * sizeof(float)); /* pre-activation gradients, step-major [2, n, B, G] */
  float *dhRec = calloc(B * 2 * h, sizeof(float)), *dcNext = calloc(B * 2 * h, sizeof(float)); /* [B, 2h] */
  if (!dG || !dhRec || !dcNext) {
    free(dG), free(dhRec), free(dcNext);
    napi_throw_error(env, NULL, "rin native: out of memory");
    return NULL;
  }
  for (int64_t step = n - 1; step >= 0; step--) {
    for (int d = 0; d < 2; d++) {
      const int64_t at = d * n + step, t = d == 0 ? step : n - 1 - step;
      for (int64_t b = 0; b < B; b++) {
        const float kp = keep[at * B + b];
        const int64_t so = (at * B + b) * h, ro = b * 2 * h + d * h;
        const float *gr = gates + (at * B + b) * G, *dy = dH + (t * B + b) * 2 * h + d * h;
        float *dg = dG + (at * B + b) * G;
        for (int64_t k = 0; k < h; k++) {
          float i = gr[k], f = gr[h + k], g = gr[2 * h + k], o = gr[3 * h + k], tcv = tc[so + k];
          float cPrev = step > 0 ? c[so - B * h + k] : 0.0f;
          float dh = (dy[k] + dhRec[ro + k]) * kp;            /* through h = o·tanh(c)·keep */
          float dc = (dcNext[ro + k] + dh * o * (1 - tcv * tcv)) * kp; /* through c = c̃·keep */
          dcNext[ro + k] = dc * f;
          dg[k] = dc * g * i * (1 - i);
          dg[h + k] = dc * cPrev * f * (1 - f);
          dg[2 * h + k] = dc * i * (1 - g * g);
          dg[3 * h + k] = dh * tcv * o * (1 - o);
        }
      }
      /* The previous step's h gets dGates · Uᵀ. */
      if (step > 0) mm(0, 1, B, h, G, dG + at * B * G, G, d == 0 ? Uf : Ub, G, dhRec + d * h, 2 * h, 0);
    }
  }
  for (int d = 0; d < 2; d++) {
    /* dU = Σ_steps h_prevᵀ · dGates: step s ≥ 1 pairs hs[d, s-1] with dG[d, s]; step 0 had h = 0. */
    float *dU = d == 0 ? dUf : dUb;
    if (n > 1) mm(1, 0, h, G, (n - 1) * B, hs + d * R * h, h, dG + (d * n + 1) * B * G, G, dU, G, 0);
    else memset(dU, 0, h * G * sizeof(float));
  }
  memcpy(dxf, dG, R * G * sizeof(float));
  for (int64_t step = 0; step < n; step++) memcpy(dxb + (n - 1 - step) * B * G, dG + (n + step) * B * G, B * G * sizeof(float));
  free(dG), free(dhRec), free(dcNext);
  return NULL;
}

NAPI_MODULE_INIT() {
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"init", init_blas},       {"sgemm", gemm}, {"adam", adam}, {"gruForward", gru_forward}, {"gruBackward", gru_backward},
             {"bce", bce},              {"lstmForward", lstm_forward},    {"lstmBackward", lstm_backward}};
  for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++) {
    napi_value f;
    if (napi_create_function(env, fns[k].name, NAPI_AUTO_LENGTH, fns[k].fn, NULL, &f) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, fns[k].name, f) != napi_ok) return NULL;
  }
  return exports;
}
