// The body of every vector kernel, written once over a vector of CVEC_WIDTH
// floats (clang's vector extension) and included by one .c file per level,
// which sets CVEC_WIDTH, CVEC_NAME(x) and the target region. No include guard.

typedef float vf __attribute__((vector_size(CVEC_WIDTH * 4), aligned(4), __may_alias__));
typedef int vi __attribute__((vector_size(CVEC_WIDTH * 4), aligned(4), __may_alias__));
#define W CVEC_WIDTH
#define INLINE static inline __attribute__((always_inline))

INLINE vf load(const float *p) { return *(const vf *)p; }
INLINE void store(float *p, vf v) { *(vf *)p = v; }
// x + (−0) is x exactly, so the add folds away and only the broadcast remains (+0 would not fold).
INLINE vf splat(float x) { return x + -(vf){0}; }
INLINE vf select(vi m, vf a, vf b) { return (vf)(((vi)a & m) | ((vi)b & ~m)); }
INLINE vf vmax(vf a, vf b) { return select(a > b, a, b); }
// Horizontal sums and maxima as a tree of lane swaps (log2 W steps); an element
// loop compiles to W − 1 extracts and dependent adds.
#if W == 16
#define SWAP8 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7
#define SWAP4 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11
#define SWAP2 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13
#define SWAP1 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14
#define FOLD(v, op) v = op(v, __builtin_shufflevector(v, v, SWAP8)); v = op(v, __builtin_shufflevector(v, v, SWAP4)); \
  v = op(v, __builtin_shufflevector(v, v, SWAP2)); v = op(v, __builtin_shufflevector(v, v, SWAP1))
#elif W == 8
#define FOLD(v, op) v = op(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3)); \
  v = op(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5)); v = op(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6))
#else
#define FOLD(v, op) v = op(v, __builtin_shufflevector(v, v, 2, 3, 0, 1)); v = op(v, __builtin_shufflevector(v, v, 1, 0, 3, 2))
#endif
INLINE vf vadd(vf a, vf b) { return a + b; }
INLINE float hsum(vf v) {
  FOLD(v, vadd);
  return v[0];
}
INLINE float hmax(vf v) {
  FOLD(v, vmax);
  return v[0];
}
/// dst[0..<n] = src[0..<n]: whole vectors, then the tail one float at a time.
INLINE void copy_row(float *dst, const float *src, long n) {
  long j = 0;
  for (; j + W <= n; j += W) store(dst + j, load(src + j));
  for (; j < n; j++) dst[j] = src[j];
}
INLINE long round_up(long n) { return (n + 15) & ~15L; }

/// e^x with FastMath.exp's scheme (Cephes expf: x = n·ln2 + r, degree-6
/// polynomial for e^r, 2^n in the exponent bits); 0 below -86.6, +inf above 88.72283.
INLINE vf vexp(vf x) {
  vf lo = splat(-86.6f), hi = splat(88.72283f);
  vf c = select(x < lo, lo, select(x > hi, hi, x));
  vf shifted = c * 1.44269504f + 12582912.0f;
  vf n = shifted - 12582912.0f;
  vf r = c - n * 0.693359375f;
  r = r - n * -2.1219444e-4f;
  vf p = splat(1.98756915e-4f);
  p = p * r + 1.39819995e-3f;
  p = p * r + 8.3334519e-3f;
  p = p * r + 4.16657959e-2f;
  p = p * r + 1.66666655e-1f;
  p = p * r + 5.00000012e-1f;
  vf er = (p * r * r + r) + 1.0f;
  vi bits = ((vi)shifted - 0x4B400000 + 126) << 23;
  vf y = er * (vf)bits * 2.0f;
  return select(x < lo, splat(0), select(x > hi, splat(__builtin_inff()), y));
}

/// out_r[0..<width] = alpha · Σ_t s[r·sr + t·st] · x[t·ldx + 0..<width] (+ out_r when
/// accumulate), for r < rows. Every small product of the attention kernel is this
/// form: scores (s = Q_h, x = K_hᵀ), context (s = P, x = V_h), and the transposed
/// gradient products (st = row stride of P or dS). Rows go 8 at a time against one
/// vector of x, or 4 against 2, so each load of x feeds 4–8 fused multiply-adds.
INLINE void combine_block(int nr, long t_count, long width, const float *s, long sr, long st, const float *x,
                          long ldx, float *out, long ldo, float alpha, int accumulate) {
  long w = 0;
  for (; w + 2 * W <= width; w += 2 * W) {
    vf a0[8] = {0}, a1[8] = {0};
    for (long t = 0; t < t_count; t++) {
      vf x0 = load(x + t * ldx + w), x1 = load(x + t * ldx + w + W);
      for (int r = 0; r < nr; r++) {
        vf b = splat(s[r * sr + t * st]);
        a0[r] += b * x0;
        a1[r] += b * x1;
      }
    }
    for (int r = 0; r < nr; r++) {
      float *o = out + r * ldo + w;
      if (accumulate) {
        store(o, load(o) + a0[r] * alpha);
        store(o + W, load(o + W) + a1[r] * alpha);
      } else {
        store(o, a0[r] * alpha);
        store(o + W, a1[r] * alpha);
      }
    }
  }
  for (; w + W <= width; w += W) {
    vf a0[8] = {0};
    for (long t = 0; t < t_count; t++) {
      vf x0 = load(x + t * ldx + w);
      for (int r = 0; r < nr; r++) a0[r] += splat(s[r * sr + t * st]) * x0;
    }
    for (int r = 0; r < nr; r++) {
      float *o = out + r * ldo + w;
      store(o, accumulate ? load(o) + a0[r] * alpha : a0[r] * alpha);
    }
  }
  for (; w < width; w++) {  // columns past the last whole vector (head widths not a multiple of W)
    for (int r = 0; r < nr; r++) {
      float acc = 0;
      for (long t = 0; t < t_count; t++) acc += s[r * sr + t * st] * x[t * ldx + w];
      out[r * ldo + w] = accumulate ? out[r * ldo + w] + alpha * acc : alpha * acc;
    }
  }
}

static void combine(long rows, long t_count, long width, const float *s, long sr, long st, const float *x, long ldx,
                    float *out, long ldo, float alpha, int accumulate) {
  long r = 0;
  // One vector of x per t (head widths ≤ W): 8 rows share each load of x; wider x: 4 rows × 2 vectors.
  if (width < 2 * W)
    for (; r + 8 <= rows; r += 8)
      combine_block(8, t_count, width, s + r * sr, sr, st, x, ldx, out + r * ldo, ldo, alpha, accumulate);
  for (; r + 4 <= rows; r += 4)
    combine_block(4, t_count, width, s + r * sr, sr, st, x, ldx, out + r * ldo, ldo, alpha, accumulate);
  for (; r < rows; r++)
    combine_block(1, t_count, width, s + r * sr, sr, st, x, ldx, out + r * ldo, ldo, alpha, accumulate);
}

/// In place over cols (a multiple of W): softmax of the entries with mask ≠ 0, 0 elsewhere;
/// all 0 when nothing is kept. Select, not multiply, by the mask: a masked score above the
/// maximum may overflow exp to inf, and inf·0 is NaN. Writes the row's maximum and 1 / Σ e
/// to stats[0], stats[1] (−inf and 0 when nothing is kept): with them `softmax_recompute`
/// rebuilds the same row bit for bit from the scores.
INLINE void softmax_padded(float *y, const float *mask, long cols, float *stats) {
  vf top = splat(-__builtin_inff());
  for (long j = 0; j < cols; j += W) top = vmax(top, select(load(mask + j) != 0, load(y + j), top));
  float m = hmax(top);
  if (m == -__builtin_inff()) {
    for (long j = 0; j < cols; j++) y[j] = 0;
    stats[0] = m;
    stats[1] = 0;
    return;
  }
  vf sum = splat(0), mv = splat(m);
  for (long j = 0; j < cols; j += W) {
    vf e = select(load(mask + j) != 0, vexp(load(y + j) - mv), splat(0));
    store(y + j, e);
    sum += e;
  }
  float inverse_sum = 1 / hsum(sum);
  vf inverse = splat(inverse_sum);
  for (long j = 0; j < cols; j += W) store(y + j, load(y + j) * inverse);
  stats[0] = m;
  stats[1] = inverse_sum;
}

/// The probabilities of one row from its scores and the forward's (max, 1 / Σ e), in place.
INLINE void softmax_recompute(float *y, const float *mask, long cols, const float *stats) {
  float m = stats[0];
  if (m == -__builtin_inff()) {
    for (long j = 0; j < cols; j++) y[j] = 0;
    return;
  }
  vf mv = splat(m), inverse = splat(stats[1]);
  for (long j = 0; j < cols; j += W) store(y + j, select(load(mask + j) != 0, vexp(load(y + j) - mv), splat(0)) * inverse);
}

/// Leading entries up to the last nonzero one (the used keys or queries).
INLINE long used_length(const float *mask, long n) {
  if (!mask) return n;
  while (n > 0 && mask[n - 1] == 0) n--;
  return n;
}

static long CVEC_NAME(attention_scratch)(const cvec_attention_dims *d) {
  long pad = round_up(d->key_length);
  // Kᵀ and Vᵀ of one item (the backward recomputes the scores), its mask, two [Tq, pad] blocks.
  return pad * (d->heads * (d->key_dim + d->value_dim) + 2 * d->query_length + 1);
}

/// Copies the padded key mask (1 / 0, zero past `used`) and one operand transposed,
/// xt[c][j] = x[j][c] for j < used, zero up to `pad`: one item's keys (≤ 26 KB at
/// T = 50, H·d = 128) then stay in L1 for every head.
INLINE void prepare_keys(const float *x, long width, long used, long pad, const float *key_mask, float *xt,
                         float *mask) {
  for (long j = 0; j < pad; j++) mask[j] = j < used && (!key_mask || key_mask[j] != 0) ? 1 : 0;
  for (long c = 0; c < width; c++) {
    float *column = xt + c * pad;
    for (long j = 0; j < used; j++) column[j] = x[j * width + c];
    for (long j = used; j < pad; j++) column[j] = 0;
  }
}

static void CVEC_NAME(attention_forward)(const cvec_attention_dims *d, const float *q, const float *k,
                                         const float *v, const float *key_mask, const float *query_mask, float *out,
                                         float *row_stats, float *scratch) {
  long H = d->heads, tq_all = d->query_length, tk = d->key_length, dk = d->key_dim, dv = d->value_dim;
  long kw = H * dk, vw = H * dv, pad = round_up(tk);
  long used = used_length(key_mask, tk);
  long tq = used == 0 ? 0 : used_length(query_mask, tq_all);
  for (long i = tq * vw; i < tq_all * vw; i++) out[i] = 0;
  if (row_stats)  // rows never computed: nothing kept
    for (long h = 0; h < H; h++)
      for (long i = tq; i < tq_all; i++) {
        row_stats[2 * (h * tq_all + i)] = -__builtin_inff();
        row_stats[2 * (h * tq_all + i) + 1] = 0;
      }
  if (tq == 0) return;
  float *kt = scratch, *mask = kt + kw * pad, *scores = mask + pad;
  prepare_keys(k, kw, used, pad, key_mask, kt, mask);
  long upad = round_up(used);  // scores past the used keys are masked: no need to compute them
  for (long h = 0; h < H; h++) {
    combine(tq, dk, upad, q + h * dk, kw, 1, kt + h * dk * pad, pad, scores, pad, d->scale, 0);
    for (long i = 0; i < tq; i++) {
      float *row = scores + i * pad, local[2];
      float *stats = row_stats ? row_stats + 2 * (h * tq_all + i) : local;
      if (query_mask && query_mask[i] == 0) {
        for (long j = 0; j < upad; j++) row[j] = 0;
        stats[0] = -__builtin_inff();
        stats[1] = 0;
      } else {
        softmax_padded(row, mask, upad, stats);
      }
    }
    // P is not kept: the backward recomputes it from the scores and the row statistics.
    combine(tq, used, dv, scores, pad, 1, v + h * dv, vw, out + h * dv, vw, 1, 0);
  }
}

static void CVEC_NAME(attention_backward)(const cvec_attention_dims *d, const float *q, const float *k,
                                          const float *v, const float *key_mask, const float *query_mask,
                                          const float *row_stats, const float *grad_out, float *dq, float *dk,
                                          float *dv, float *scratch) {
  long H = d->heads, tq_all = d->query_length, tk = d->key_length, kd = d->key_dim, vd = d->value_dim;
  long kw = H * kd, vw = H * vd, pad = round_up(tk);
  long used = used_length(key_mask, tk);
  long tq = used == 0 ? 0 : used_length(query_mask, tq_all);
  if (tq == 0) return;  // every probability is 0: no gradient reaches this item
  long upad = round_up(used);
  float *kt = scratch, *vt = kt + kw * pad, *mask = vt + vw * pad, *p = mask + pad, *ds = p + tq * pad;
  prepare_keys(k, kw, used, pad, key_mask, kt, mask);
  if (dq || dk) prepare_keys(v, vw, used, pad, key_mask, vt, mask);
  for (long h = 0; h < H; h++) {
    const float *go = grad_out + h * vd;
    // P recomputed as the forward made it: the same scores, then exp(s − max) · (1 / Σ e).
    combine(tq, kd, upad, q + h * kd, kw, 1, kt + h * kd * pad, pad, p, pad, d->scale, 0);
    for (long i = 0; i < tq; i++) softmax_recompute(p + i * pad, mask, upad, row_stats + 2 * (h * tq_all + i));
    // dV_h += Pᵀ dO_h
    if (dv) combine(used, tq, vd, p, 1, pad, go, vw, dv + h * vd, vw, 1, 1);
    if (!dq && !dk) continue;
    // dP = dO_h V_hᵀ, then dS = P ⊙ (dP − rowsum(dP ⊙ P))
    combine(tq, vd, upad, go, vw, 1, vt + h * vd * pad, pad, ds, pad, 1, 0);
    for (long i = 0; i < tq; i++) {
      float *g = ds + i * pad;
      const float *pi = p + i * pad;
      vf dot = splat(0);
      for (long j = 0; j < upad; j += W) dot += load(g + j) * load(pi + j);
      vf total = splat(hsum(dot));
      for (long j = 0; j < upad; j += W) store(g + j, load(pi + j) * (load(g + j) - total));
    }
    // dQ_h += dS K_h / √dk; dK_h += dSᵀ Q_h / √dk
    if (dq) combine(tq, used, kd, ds, pad, 1, k + h * kd, kw, dq + h * kd, kw, d->scale, 1);
    if (dk) combine(used, tq, kd, ds, 1, pad, q + h * kd, kw, dk + h * kd, kw, d->scale, 1);
  }
}

static void CVEC_NAME(exp)(const float *x, float *y, long count) {
  long i = 0;
  for (; i + W <= count; i += W) store(y + i, vexp(load(x + i)));
  if (i < count) {  // the tail through a zero-padded vector, so it rounds as the body does
    float tail[W] = {0};
    for (long j = i; j < count; j++) tail[j - i] = x[j];
    vf e = vexp(load(tail));
    for (long j = i; j < count; j++) y[j] = e[j - i];
  }
}

/// 1 / (1 + e^-|x|), then e·s for x < 0: no overflow for large |x| (FastMath.sigmoid).
INLINE vf vsigmoid(vf x) {
  vf ax = select(x < 0, -x, x);
  vf e = vexp(-ax);
  vf s = 1.0f / (1.0f + e);
  return select(x >= 0, s, e * s);
}

static void CVEC_NAME(sigmoid)(const float *x, float *y, long count) {
  long i = 0;
  for (; i + W <= count; i += W) store(y + i, vsigmoid(load(x + i)));
  if (i < count) {
    float tail[W] = {0};
    for (long j = i; j < count; j++) tail[j - i] = x[j];
    vf s = vsigmoid(load(tail));
    for (long j = i; j < count; j++) y[j] = s[j - i];
  }
}

static void CVEC_NAME(softmax_row)(float *y, const float *mask, long cols) {
  long body = cols & ~(long)(W - 1);
  float top = -__builtin_inff();
  vf vtop = splat(top);
  for (long j = 0; j < body; j += W)
    vtop = vmax(vtop, mask ? select(load(mask + j) != 0, load(y + j), vtop) : load(y + j));
  top = hmax(vtop);
  for (long j = body; j < cols; j++)
    if ((!mask || mask[j] != 0) && y[j] > top) top = y[j];
  if (top == -__builtin_inff()) {
    for (long j = 0; j < cols; j++) y[j] = 0;
    return;
  }
  vf sum = splat(0), mv = splat(top);
  for (long j = 0; j < body; j += W) {
    vf e = vexp(load(y + j) - mv);
    if (mask) e = select(load(mask + j) != 0, e, splat(0));
    store(y + j, e);
    sum += e;
  }
  float total = hsum(sum);
  if (body < cols) {
    float tail[W] = {0};
    for (long j = body; j < cols; j++) tail[j - body] = y[j] - top;
    vf e = vexp(load(tail));
    for (long j = body; j < cols; j++) {
      float ej = (!mask || mask[j] != 0) ? e[j - body] : 0;
      y[j] = ej;
      total += ej;
    }
  }
  vf inverse = splat(1 / total);
  for (long j = 0; j < body; j += W) store(y + j, load(y + j) * inverse);
  for (long j = body; j < cols; j++) y[j] *= inverse[0];
}

// MARK: - Optimizer updates and normalisation
// Contraction off: each multiply and add rounds on its own, as in the Swift reference
// (CVROptim's AdagradKernel and AdamKernel, CVRKernels' LayerNorm and BatchNorm), so the
// optimizer updates and batch norm are bit-identical to it at every level.

typedef double vd __attribute__((vector_size(CVEC_WIDTH * 8), aligned(8), __may_alias__));
INLINE vd widen(vf v) { return __builtin_convertvector(v, vd); }
INLINE vf narrow(vd v) { return __builtin_convertvector(v, vf); }
INLINE vd vaddd(vd a, vd b) { return a + b; }
INLINE double hsumd(vd v) {
  FOLD(v, vaddd);
  return v[0];
}
INLINE vf vsqrt_nonnegative(vf x) { return __builtin_elementwise_sqrt(select(x < 0, splat(0), x)); }
INLINE float sqrt_nonnegative(float x) { return __builtin_sqrtf(x < 0 ? 0 : x); }

static void CVEC_NAME(adagrad_update)(float *p, const float *g, float *s, long n, float lr, float eps, float decay) {
#pragma clang fp contract(off)
  long i = 0;
  for (; i + W <= n; i += W) {
    vf pv = load(p + i), d = load(g + i) + decay * pv;
    vf acc = load(s + i) + d * d;
    store(s + i, acc);
    store(p + i, pv - lr * d / (vsqrt_nonnegative(acc) + eps));
  }
  for (; i < n; i++) {
    float d = g[i] + decay * p[i];
    float acc = s[i] + d * d;
    s[i] = acc;
    p[i] -= lr * d / (sqrt_nonnegative(acc) + eps);
  }
}

static void CVEC_NAME(adam_update)(float *p, const float *g, float *m, float *v, long n, float beta1, float beta2,
                                   float step, float vscale, float eps, float coupled, float keep) {
#pragma clang fp contract(off)
  float c1 = 1 - beta1, c2 = 1 - beta2;
  long i = 0;
  for (; i + W <= n; i += W) {
    vf pv = load(p + i), d = load(g + i) + coupled * pv;
    vf first = beta1 * load(m + i) + c1 * d;
    vf second = beta2 * load(v + i) + c2 * (d * d);
    store(m + i, first);
    store(v + i, second);
    store(p + i, keep * pv - step * first / (vsqrt_nonnegative(second) * vscale + eps));
  }
  for (; i < n; i++) {
    float d = g[i] + coupled * p[i];
    float first = beta1 * m[i] + c1 * d;
    float second = beta2 * v[i] + c2 * (d * d);
    m[i] = first;
    v[i] = second;
    p[i] = keep * p[i] - step * first / (sqrt_nonnegative(second) * vscale + eps);
  }
}

/// Σ x[j] and Σ (x[j] − mean)² in Double (W lanes, then the tail).
INLINE double row_sum(const float *x, long n) {
  vd acc = (vd){0};
  long j = 0;
  for (; j + W <= n; j += W) acc += widen(load(x + j));
  double total = hsumd(acc);
  for (; j < n; j++) total += (double)x[j];
  return total;
}

INLINE double row_squares(const float *x, long n, double mean) {
  vd acc = (vd){0}, mv = mean + -(vd){0};
  long j = 0;
  for (; j + W <= n; j += W) {
    vd d = widen(load(x + j)) - mv;
    acc += d * d;
  }
  double total = hsumd(acc);
  for (; j < n; j++) {
    double d = (double)x[j] - mean;
    total += d * d;
  }
  return total;
}

static void CVEC_NAME(layer_norm_forward)(const float *x, long rows, long cols, const float *gain, const float *bias,
                                          float eps, float *y, float *saved_mean, float *saved_inv) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    float *out = y + i * cols;
    double mean = row_sum(row, cols) / (double)cols;
    double squares = row_squares(row, cols, mean);
    float inv = (float)(1 / __builtin_sqrt(squares / (double)cols + (double)eps));
    float hi = (float)mean, lo = (float)(mean - (double)hi);
    long j = 0;
    for (; j + W <= cols; j += W) {
      vf t = ((load(row + j) - hi) - lo) * inv;
      if (gain) t = t * load(gain + j);
      if (bias) t = t + load(bias + j);
      store(out + j, t);
    }
    for (; j < cols; j++) {
      float t = ((row[j] - hi) - lo) * inv;
      if (gain) t = t * gain[j];
      if (bias) t = t + bias[j];
      out[j] = t;
    }
    if (saved_mean) {
      saved_mean[i] = hi;
      saved_mean[rows + i] = lo;
    }
    if (saved_inv) saved_inv[i] = inv;
  }
}

static void CVEC_NAME(layer_norm_backward)(const float *x, const float *dy, long rows, long cols, const float *gain,
                                           const float *mean, const float *inv_std, float *dx, float *dgain,
                                           float *dbias) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *row = x + i * cols, *drow = dy + i * cols;
    float hi = mean[i], lo = mean[rows + i], inv = inv_std[i];
    long j = 0;
    if (dgain) {
      for (j = 0; j + W <= cols; j += W)
        store(dgain + j, load(dgain + j) + load(drow + j) * ((load(row + j) - hi) - lo) * inv);
      for (; j < cols; j++) dgain[j] += drow[j] * ((row[j] - hi) - lo) * inv;
    }
    if (dbias) {
      for (j = 0; j + W <= cols; j += W) store(dbias + j, load(dbias + j) + load(drow + j));
      for (; j < cols; j++) dbias[j] += drow[j];
    }
    if (!dx) continue;
    vd sg = (vd){0}, sgx = (vd){0};
    for (j = 0; j + W <= cols; j += W) {
      vf g = gain ? load(drow + j) * load(gain + j) : load(drow + j);
      sg += widen(g);
      sgx += widen(g * ((load(row + j) - hi) - lo) * inv);
    }
    double sum_g = hsumd(sg), sum_gx = hsumd(sgx);
    for (; j < cols; j++) {
      float g = gain ? drow[j] * gain[j] : drow[j];
      sum_g += (double)g;
      sum_gx += (double)(g * ((row[j] - hi) - lo) * inv);
    }
    float mean_g = (float)(sum_g / (double)cols), mean_gx = (float)(sum_gx / (double)cols);
    float *out = dx + i * cols;
    for (j = 0; j + W <= cols; j += W) {
      vf g = gain ? load(drow + j) * load(gain + j) : load(drow + j);
      store(out + j, load(out + j) + inv * (g - mean_g - ((load(row + j) - hi) - lo) * inv * mean_gx));
    }
    for (; j < cols; j++) {
      float g = gain ? drow[j] * gain[j] : drow[j];
      out[j] += inv * (g - mean_g - ((row[j] - hi) - lo) * inv * mean_gx);
    }
  }
}

// Batch norm: W columns at a time, rows in order, so each column's Double sums add in
// the reference's order (bit-identical); the tail columns one at a time.
/// One column block's statistics, output and running update; the lanes as the reference's columns.
INLINE void bn_store_column(long j, double mean, double squares, long rows, float eps, float momentum,
                            float *running_mean, float *running_var, float *hi_out, float *lo_out, float *inv_out) {
#pragma clang fp contract(off)
  *inv_out = (float)(1 / __builtin_sqrt(squares / (double)rows + (double)eps));
  *hi_out = (float)mean;
  *lo_out = (float)(mean - (double)*hi_out);
  running_mean[j] = (float)((1 - (double)momentum) * (double)running_mean[j] + (double)momentum * mean);
  running_var[j] =
    (float)((1 - (double)momentum) * (double)running_var[j] + (double)momentum * squares / (double)(rows - 1));
}

static void CVEC_NAME(batch_norm_training_forward)(const float *x, long rows, long cols, const float *gain,
                                                   const float *bias, float eps, float momentum, float *running_mean,
                                                   float *running_var, float *y, float *saved_mean,
                                                   float *saved_inv) {
#pragma clang fp contract(off)
  long j = 0;
  for (; j + W <= cols; j += W) {
    vd sum = (vd){0};
    for (long i = 0; i < rows; i++) sum += widen(load(x + i * cols + j));
    vd mean = sum / (double)rows, squares = (vd){0};
    for (long i = 0; i < rows; i++) {
      vd d = widen(load(x + i * cols + j)) - mean;
      squares += d * d;
    }
    float hi[W], lo[W], inv[W];
    for (int l = 0; l < W; l++)
      bn_store_column(j + l, mean[l], squares[l], rows, eps, momentum, running_mean, running_var, hi + l, lo + l,
                      inv + l);
    vf h = load(hi), lw = load(lo), scale = load(inv) * (gain ? load(gain + j) : splat(1));
    vf b = bias ? load(bias + j) : splat(0);
    for (long i = 0; i < rows; i++) store(y + i * cols + j, ((load(x + i * cols + j) - h) - lw) * scale + b);
    if (saved_mean) {
      store(saved_mean + j, h);
      store(saved_mean + cols + j, lw);
    }
    if (saved_inv) store(saved_inv + j, load(inv));
  }
  for (; j < cols; j++) {
    double sum = 0;
    for (long i = 0; i < rows; i++) sum += (double)x[i * cols + j];
    double mean = sum / (double)rows, squares = 0;
    for (long i = 0; i < rows; i++) {
      double d = (double)x[i * cols + j] - mean;
      squares += d * d;
    }
    float hi, lo, inv;
    bn_store_column(j, mean, squares, rows, eps, momentum, running_mean, running_var, &hi, &lo, &inv);
    float scale = inv * (gain ? gain[j] : 1), b = bias ? bias[j] : 0;
    for (long i = 0; i < rows; i++) y[i * cols + j] = ((x[i * cols + j] - hi) - lo) * scale + b;
    if (saved_mean) {
      saved_mean[j] = hi;
      saved_mean[cols + j] = lo;
    }
    if (saved_inv) saved_inv[j] = inv;
  }
}

static void CVEC_NAME(batch_norm_inference_forward)(const float *x, long rows, long cols, const float *gain,
                                                    const float *bias, float eps, const float *running_mean,
                                                    const float *running_var, float *y, float *saved_mean,
                                                    float *saved_inv) {
#pragma clang fp contract(off)
  long j = 0;
  for (; j + W <= cols; j += W) {
    vf inv = 1 / __builtin_elementwise_sqrt(load(running_var + j) + eps);
    vf h = load(running_mean + j), scale = inv * (gain ? load(gain + j) : splat(1));
    vf b = bias ? load(bias + j) : splat(0);
    for (long i = 0; i < rows; i++) store(y + i * cols + j, ((load(x + i * cols + j) - h) - 0.0f) * scale + b);
    if (saved_mean) {
      store(saved_mean + j, h);
      store(saved_mean + cols + j, splat(0));
    }
    if (saved_inv) store(saved_inv + j, inv);
  }
  for (; j < cols; j++) {
    float inv = 1 / __builtin_sqrtf(running_var[j] + eps);
    float h = running_mean[j], scale = inv * (gain ? gain[j] : 1), b = bias ? bias[j] : 0;
    for (long i = 0; i < rows; i++) y[i * cols + j] = ((x[i * cols + j] - h) - 0.0f) * scale + b;
    if (saved_mean) {
      saved_mean[j] = h;
      saved_mean[cols + j] = 0;
    }
    if (saved_inv) saved_inv[j] = inv;
  }
}

static void CVEC_NAME(batch_norm_backward)(const float *x, const float *dy, long rows, long cols, const float *gain,
                                           const float *mean, const float *inv_std, int batch_statistics, float *dx,
                                           float *dgain, float *dbias) {
#pragma clang fp contract(off)
  long j = 0;
  for (; j + W <= cols; j += W) {
    vf hi = load(mean + j), lo = load(mean + cols + j), inv = load(inv_std + j);
    vd sdy = (vd){0}, sdyx = (vd){0};
    for (long i = 0; i < rows; i++) {
      vf g = load(dy + i * cols + j);
      sdy += widen(g);
      sdyx += widen(g * ((load(x + i * cols + j) - hi) - lo) * inv);
    }
    if (dgain) store(dgain + j, load(dgain + j) + narrow(sdyx));
    if (dbias) store(dbias + j, load(dbias + j) + narrow(sdy));
    if (!dx) continue;
    vf scale = (gain ? load(gain + j) : splat(1)) * inv;
    vf mdy = batch_statistics ? narrow(sdy / (double)rows) : splat(0);
    vf mdyx = batch_statistics ? narrow(sdyx / (double)rows) : splat(0);
    for (long i = 0; i < rows; i++) {
      long k = i * cols + j;
      store(dx + k, load(dx + k) + scale * (load(dy + k) - mdy - ((load(x + k) - hi) - lo) * inv * mdyx));
    }
  }
  for (; j < cols; j++) {
    float hi = mean[j], lo = mean[cols + j], inv = inv_std[j];
    double sdy = 0, sdyx = 0;
    for (long i = 0; i < rows; i++) {
      float g = dy[i * cols + j];
      sdy += (double)g;
      sdyx += (double)(g * ((x[i * cols + j] - hi) - lo) * inv);
    }
    if (dgain) dgain[j] += (float)sdyx;
    if (dbias) dbias[j] += (float)sdy;
    if (!dx) continue;
    float scale = (gain ? gain[j] : 1) * inv;
    float mdy = batch_statistics ? (float)(sdy / (double)rows) : 0;
    float mdyx = batch_statistics ? (float)(sdyx / (double)rows) : 0;
    for (long i = 0; i < rows; i++) {
      long k = i * cols + j;
      dx[k] += scale * (dy[k] - mdy - ((x[k] - hi) - lo) * inv * mdyx);
    }
  }
}

const cvec_kernels CVEC_NAME(kernels) = {
  CVEC_LEVEL, CVEC_LEVEL_NAME, CVEC_NAME(attention_scratch), CVEC_NAME(attention_forward),
  CVEC_NAME(attention_backward), CVEC_NAME(exp), CVEC_NAME(sigmoid), CVEC_NAME(softmax_row),
  CVEC_NAME(adagrad_update), CVEC_NAME(adam_update), CVEC_NAME(layer_norm_forward), CVEC_NAME(layer_norm_backward),
  CVEC_NAME(batch_norm_training_forward), CVEC_NAME(batch_norm_inference_forward), CVEC_NAME(batch_norm_backward),
};

#undef W
#undef INLINE
#undef FOLD
