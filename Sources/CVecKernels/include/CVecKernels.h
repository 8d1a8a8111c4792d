// Wide-vector kernels in C: each function is compiled three times (AVX-512,
// AVX2+FMA, baseline SSE2 / portable) with per-function target attributes, and
// one table is chosen at run time from the CPU's features. Sizes are `long`.
#ifndef CVEC_KERNELS_H
#define CVEC_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, widest last. `cvec_level_portable` is plain C vectors
/// of 4 floats (SSE2 on x86-64, NEON on arm64).
typedef enum { cvec_level_portable = 0, cvec_level_avx2 = 1, cvec_level_avx512 = 2 } cvec_level;

/// Sizes of one attention item: H heads, Tq queries, Tk keys, head widths dk, dv.
typedef struct {
  long heads, query_length, key_length, key_dim, value_dim;
  float scale;
} cvec_attention_dims;

/// One level's kernels. Pointers are never NULL in a table returned below.
typedef struct {
  cvec_level level;
  const char *name;
  /// Floats of per-thread scratch the attention item functions need.
  long (*attention_scratch)(const cvec_attention_dims *d);
  /// One batch item of masked multi-head attention (see Attention.swift for the maths).
  void (*attention_forward)(const cvec_attention_dims *d, const float *q, const float *k, const float *v,
                            const float *key_mask, const float *query_mask, float *out, float *row_stats,
                            float *scratch);
  void (*attention_backward)(const cvec_attention_dims *d, const float *q, const float *k, const float *v,
                             const float *key_mask, const float *query_mask, const float *row_stats,
                             const float *grad_out, float *dq, float *dk, float *dv, float *scratch);
  /// y[i] = e^x[i] (x and y may be the same buffer).
  void (*exp)(const float *x, float *y, long count);
  /// y[i] = 1 / (1 + e^-x[i]).
  void (*sigmoid)(const float *x, float *y, long count);
  /// In-place masked softmax of one row (mask NULL: all kept); a row with nothing kept becomes 0.
  void (*softmax_row)(float *y, const float *mask, long cols);
  /// Adagrad over n contiguous elements (CVROptim's AdagradKernel, bit for bit):
  /// d = g + decay·p; s += d²; p −= lr·d / (√max(s, 0) + eps).
  void (*adagrad_update)(float *p, const float *g, float *s, long n, float lr, float eps, float decay);
  /// Adam over n contiguous elements (CVROptim's AdamKernel, bit for bit): d = g + coupled·p;
  /// m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d²; p = keep·p − step·m / (√max(v, 0)·vscale + eps).
  void (*adam_update)(float *p, const float *g, float *m, float *v, long n, float beta1, float beta2, float step,
                      float vscale, float eps, float coupled, float keep);
  /// Layer norm of `rows` rows of `cols` (CVRKernels' LayerNorm, Double statistics, the
  /// mean kept as a Float pair); gain, bias, mean [2, rows], inv_std [rows] may be NULL.
  void (*layer_norm_forward)(const float *x, long rows, long cols, const float *gain, const float *bias, float eps,
                             float *y, float *mean, float *inv_std);
  /// Adds the layer-norm gradients (dx, dgain, dbias may be NULL).
  void (*layer_norm_backward)(const float *x, const float *dy, long rows, long cols, const float *gain,
                              const float *mean, const float *inv_std, float *dx, float *dgain, float *dbias);
  /// Batch norm with batch statistics (CVRKernels' BatchNorm.trainingForward, bit for bit):
  /// y, the running statistics updated in place, mean [2, cols] and inv_std [cols] (may be NULL).
  void (*batch_norm_training_forward)(const float *x, long rows, long cols, const float *gain, const float *bias,
                                      float eps, float momentum, float *running_mean, float *running_var, float *y,
                                      float *mean, float *inv_std);
  /// Batch norm with the running statistics (BatchNorm.inferenceForward, bit for bit).
  void (*batch_norm_inference_forward)(const float *x, long rows, long cols, const float *gain, const float *bias,
                                       float eps, const float *running_mean, const float *running_var, float *y,
                                       float *mean, float *inv_std);
  /// Adds the batch-norm gradients (dx, dgain, dbias may be NULL); batch_statistics 0: the
  /// running statistics were used and are constants.
  void (*batch_norm_backward)(const float *x, const float *dy, long rows, long cols, const float *gain,
                              const float *mean, const float *inv_std, int batch_statistics, float *dx,
                              float *dgain, float *dbias);
} cvec_kernels;

/// The widest level this CPU and OS support, lowered by the environment variable
/// CVR_VECTOR_LEVEL=portable|avx2 (for measuring the narrower paths).
const cvec_kernels *cvec_best(void);
/// The table of one level, or NULL when this CPU cannot run it.
const cvec_kernels *cvec_at_level(cvec_level level);

#ifdef __cplusplus
}
#endif
#endif
