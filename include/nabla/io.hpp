#pragma once
/// \file io.hpp
/// Saving and loading tensors, models and optimizer state in the safetensors format
/// (https://github.com/huggingface/safetensors), which other ecosystems read; Python needs
/// nothing but json, struct and numpy (tests/read_safetensors.py).
///
/// A file is an 8-byte little-endian length N, N bytes of JSON header
///
///     {"__metadata__": {"nabla.kind": "module"},
///      "0.weight": {"dtype": "F32", "shape": [10, 784], "data_offsets": [0, 31360]}, ...}
///
/// padded with spaces so that the data starts at a multiple of 8 bytes, then the raw
/// little-endian values of every tensor, one after another, with no gaps. nabla writes and
/// reads the dtypes F32, F64, I64, I32, U8 and BOOL (a BOOL byte other than 0 reads as
/// true); files written before integer dtypes (F32 and F64 only) load as they always did.
///
///     nabla::save(model, "model.safetensors");          // state_dict(), names as PyTorch's
///     nabla::save(optimizer, "optimizer.safetensors");  // state() and the learning rate
///     ...
///     nabla::load(model, "model.safetensors");
///     nabla::load(optimizer, "optimizer.safetensors");
///
/// A save never leaves a half-written file: it writes a temporary file next to the target,
/// flushes it to disk and renames it over the target.

#include <map>
#include <string>

#include "nabla/nn.hpp"
#include "nabla/optim.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// Free-form string metadata of a file, its "__metadata__" header entry.
using Metadata = std::map<std::string, std::string>;

/// Writes `tensors` in the given order, with `metadata`, to `path` in the safetensors
/// format. Each tensor's values are written in its own dtype (F32, F64, I64, I32, U8 or
/// BOOL), in row-major order whatever its strides (a view is written as its values); a
/// tensor may be 0-d or have zero elements. Replaces an existing file at `path` only once the new
/// one is complete.
///
/// Throws std::invalid_argument, before touching any file, for an empty or duplicate name,
/// a name starting with "__metadata__", an undefined tensor, or a name, metadata key or
/// value that is not valid UTF-8. Throws std::runtime_error naming `path` and the
/// operating system's reason when the file cannot be written (the directory does not
/// exist, `path` is a directory, the disk is full, ...); the previous file at `path`, if
/// any, is then left as it was and no temporary file remains.
void save(const nn::NamedTensors& tensors, const std::string& path, const Metadata& metadata = {});

/// Reads every tensor of a safetensors file, in the order of their data in the file, as
/// float32 or float64 leaf tensors that do not require grad.
///
/// Throws std::runtime_error naming `path`, what was expected and what was found, when the
/// file cannot be opened, is shorter than 8 bytes, declares a header longer than the file
/// (or than 100 MB), has a header whose arrays and objects nest more than 64 levels deep
/// (a valid one nests 3; checked by a linear scan before the JSON is parsed), a header
/// that is not valid JSON or not a JSON object, has an entry without "dtype", "shape" or
/// "data_offsets" or with values of the wrong JSON type, a shape extent that is not a
/// non-negative integer, a shape whose nonzero extents multiply past 2^63 − 1 or whose
/// bytes pass 2^64, a dtype other than F32, F64, I64, I32, U8 and BOOL (BF16, F16, I8, ... are
/// rejected),
/// data_offsets whose length is not numel × dtype size or that lie outside the data, data
/// that overlap or leave a gap between tensors, or bytes after the last tensor. Nothing is
/// allocated for a tensor before its bytes are known to be in the file.
nn::NamedTensors load(const std::string& path);

/// The "__metadata__" of a safetensors file (empty when it has none). Reads and checks the
/// header only; throws as load() does for a file whose header is malformed or does not fit
/// the file's size, or whose "__metadata__" is not an object of strings.
Metadata load_metadata(const std::string& path);

/// Saves module.state_dict() to `path`, with metadata "nabla.kind": "module".
/// Throws as save(tensors, path, metadata) does.
void save(const nn::Module& module, const std::string& path);

/// Loads the parameters saved at `path` into `module` (module.load_state_dict(), which
/// converts dtypes). Files without nabla's metadata, such as safetensors files written by
/// PyTorch, load as well when their names and shapes fit.
///
/// Throws std::runtime_error as load(path) does for a malformed file, and
/// std::invalid_argument naming `path` when the file holds optimizer state (its
/// "nabla.kind" is not "module") or when its tensors do not fit the module: the message
/// lists every missing, unexpected and mis-shaped name, with both shapes. The module is
/// unchanged when it throws.
void load(nn::Module& module, const std::string& path);

/// Saves the optimizer's state() to `path`, with metadata "nabla.kind": "optimizer",
/// "nabla.optimizer": its name ("SGD", "Adam", ...) and "nabla.lr": group 0's learning
/// rate (written so that it reads back exactly). The state holds every parameter group's
/// options ("group.<g>.lr", "group.<g>.momentum", ...), which load restores. Together with
/// the model's file, this is what resuming a training run needs; build the optimizer with
/// the same groups (and buffers: amsgrad, momentum) before loading. Throws as
/// save(tensors, path, metadata) does.
void save(const optim::Optimizer& optimizer, const std::string& path);

/// Restores the state and the learning rate saved at `path` into `optimizer`, which must
/// be of the same kind, over parameters of the same shapes.
///
/// Throws std::runtime_error as load(path) does for a malformed file, and
/// std::invalid_argument naming `path` when the file is not optimizer state written by
/// save(optimizer, path) (a module's file, or no nabla metadata), was written by another
/// kind of optimizer (an Adam file loaded into SGD), has a learning rate that is not a
/// non-negative number, or holds state that does not fit (the message of
/// Optimizer::load_state lists the missing, extra and mis-shaped entries). The optimizer
/// is unchanged when it throws.
void load(optim::Optimizer& optimizer, const std::string& path);

}  // namespace nabla
