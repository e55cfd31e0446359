#pragma once
// How many threads nabla's kernels use.

namespace nabla {

/// Sets the number of threads that nabla's kernels split large work over: elementwise and
/// reduction kernels (tensors of more than about 2¹⁶ elements), convolutions (over the
/// samples of a batch) and every matmul (OpenBLAS itself is kept on one thread, and a
/// large gemm is cut into pieces, one per thread), so nabla never runs more threads
/// than asked. The default is the
/// value of OPENBLAS_NUM_THREADS if set, else OMP_NUM_THREADS if set, else
/// std::thread::hardware_concurrency(). Throws std::invalid_argument for n < 1.
/// Ops may be called from several threads at once; while one call uses the kernel
/// threads, a concurrent call runs on its own thread.
void set_num_threads(int n);
/// The current number of threads (see set_num_threads).
int get_num_threads();

}  // namespace nabla
