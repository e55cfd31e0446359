#pragma once
// Internal: what every op file includes.

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels.hpp"
#include "nabla/autograd.hpp"
#include "nabla/ops.hpp"
#include "nabla/registry.hpp"
#include "op_list.hpp"
#include "tensor_impl.hpp"
