#pragma once
// Internal: what every op file includes.

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/kernels.hpp"
#include "nabla/autograd.hpp"
#include "nabla/ops.hpp"
#include "nabla/registry.hpp"
#include "ops/op_list.hpp"
#include "core/tensor_impl.hpp"
