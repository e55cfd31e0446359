#pragma once
/// \file nabla.hpp
/// Everything a user of nabla needs: tensors, ops, autograd, gradient checks, printing
/// with fmt, xtensor interoperability, the op registry, models (nn, optim), data loading
/// and saving/loading (io).

#include "nabla/autograd.hpp"
#include "nabla/data.hpp"
#include "nabla/dtype.hpp"
#include "nabla/errors.hpp"
#include "nabla/format.hpp"
#include "nabla/functional.hpp"
#include "nabla/gradcheck.hpp"
#include "nabla/graph.hpp"
#include "nabla/io.hpp"
#include "nabla/nn.hpp"
#include "nabla/ops.hpp"
#include "nabla/optim.hpp"
#include "nabla/registry.hpp"
#include "nabla/shape.hpp"
#include "nabla/sweep.hpp"
#include "nabla/tensor.hpp"
#include "nabla/threads.hpp"
#include "nabla/trace.hpp"
#include "nabla/xtensor.hpp"
