#pragma once
// How many threads nabla's kernels use.

namespace nabla {

/// Sets the number of threads that nabla's elementwise and reduction kernels split large
/// work over (tensors of more than about 2¹⁶ elements) and, together, OpenBLAS's thread
/// count for matmul, so the two never run more threads than asked. The default is the
/// value of OPENBLAS_NUM_THREADS if set, else OMP_NUM_THREADS if set, else
/// std::thread::hardware_concurrency(). Throws std::invalid_argument for n < 1.
/// Ops may be called from several threads at once; while one call uses the kernel
/// threads, a concurrent call runs on its own thread.
void set_num_threads(int n);
/// The current number of threads (see set_num_threads).
int get_num_threads();

}  // namespace nabla
