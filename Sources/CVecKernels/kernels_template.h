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
/// maximum may overflow exp to inf, and inf·0 is NaN.
INLINE void softmax_padded(float *y, const float *mask, long cols) {
  vf top = splat(-__builtin_inff());
  for (long j = 0; j < cols; j += W) top = vmax(top, select(load(mask + j) != 0, load(y + j), top));
  float m = hmax(top);
  if (m == -__builtin_inff()) {
    for (long j = 0; j < cols; j++) y[j] = 0;
    return;
  }
  vf sum = splat(0), mv = splat(m);
  for (long j = 0; j < cols; j += W) {
    vf e = select(load(mask + j) != 0, vexp(load(y + j) - mv), splat(0));
    store(y + j, e);
    sum += e;
  }
  vf inverse = splat(1 / hsum(sum));
  for (long j = 0; j < cols; j += W) store(y + j, load(y + j) * inverse);
}

/// Leading entries up to the last nonzero one (the used keys or queries).
INLINE long used_length(const float *mask, long n) {
  if (!mask) return n;
  while (n > 0 && mask[n - 1] == 0) n--;
  return n;
}

static long CVEC_NAME(attention_scratch)(const cvec_attention_dims *d) {
  long pad = round_up(d->key_length);
  long width = d->heads * (d->key_dim > d->value_dim ? d->key_dim : d->value_dim);
  return pad * (width + 2 * d->query_length + 1);
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
                                         float *probabilities, float *scratch) {
  long H = d->heads, tq_all = d->query_length, tk = d->key_length, dk = d->key_dim, dv = d->value_dim;
  long kw = H * dk, vw = H * dv, pad = round_up(tk);
  long used = used_length(key_mask, tk);
  long tq = used == 0 ? 0 : used_length(query_mask, tq_all);
  for (long i = tq * vw; i < tq_all * vw; i++) out[i] = 0;
  if (probabilities)
    for (long h = 0; h < H; h++)
      for (long i = tq * tk; i < tq_all * tk; i++) probabilities[h * tq_all * tk + i] = 0;
  if (tq == 0) return;
  float *kt = scratch, *mask = kt + kw * pad, *scores = mask + pad;
  prepare_keys(k, kw, used, pad, key_mask, kt, mask);
  long upad = round_up(used);  // scores past the used keys are masked: no need to compute them
  for (long h = 0; h < H; h++) {
    combine(tq, dk, upad, q + h * dk, kw, 1, kt + h * dk * pad, pad, scores, pad, d->scale, 0);
    for (long i = 0; i < tq; i++) {
      float *row = scores + i * pad;
      if (query_mask && query_mask[i] == 0) {
        for (long j = 0; j < upad; j++) row[j] = 0;
      } else {
        softmax_padded(row, mask, upad);
      }
      for (long j = upad; j < pad; j += W) store(row + j, splat(0));
    }
    combine(tq, used, dv, scores, pad, 1, v + h * dv, vw, out + h * dv, vw, 1, 0);
    if (probabilities) {  // rows are zero from `used` on (masked or past upad), so copy them whole
      float *p = probabilities + h * tq_all * tk;
      for (long i = 0; i < tq; i++) copy_row(p + i * tk, scores + i * pad, tk);
    }
  }
}

static void CVEC_NAME(attention_backward)(const cvec_attention_dims *d, const float *q, const float *k,
                                          const float *v, const float *key_mask, const float *query_mask,
                                          const float *probabilities, const float *grad_out, float *dq, float *dk,
                                          float *dv, float *scratch) {
  long H = d->heads, tq_all = d->query_length, tk = d->key_length, kd = d->key_dim, vd = d->value_dim;
  long kw = H * kd, vw = H * vd, pad = round_up(tk);
  long used = used_length(key_mask, tk);
  long tq = used == 0 ? 0 : used_length(query_mask, tq_all);
  if (tq == 0) return;  // every probability is 0: no gradient reaches this item
  long upad = round_up(used);
  float *vt = scratch, *mask = vt + vw * pad, *p = mask + pad, *ds = p + tq * pad;
  if (dq || dk) prepare_keys(v, vw, used, pad, key_mask, vt, mask);
  for (long h = 0; h < H; h++) {
    const float *ph = probabilities + h * tq_all * tk, *go = grad_out + h * vd;
    // P rows are zero from `used` on, so copying min(upad, tk) entries and zeroing the rest pads them.
    long copied = upad < tk ? upad : tk;
    for (long i = 0; i < tq; i++) {
      copy_row(p + i * pad, ph + i * tk, copied);
      for (long j = copied; j < upad; j++) p[i * pad + j] = 0;
    }
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

const cvec_kernels CVEC_NAME(kernels) = {
  CVEC_LEVEL, CVEC_LEVEL_NAME, CVEC_NAME(attention_scratch), CVEC_NAME(attention_forward),
  CVEC_NAME(attention_backward), CVEC_NAME(exp), CVEC_NAME(sigmoid), CVEC_NAME(softmax_row),
};

#undef W
#undef INLINE
#undef FOLD
