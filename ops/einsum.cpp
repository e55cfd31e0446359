// einsum: Einstein summation over one or two operands (torch.einsum), built of other ops.
//   forward : result[out] = Σ over the subscripts not in the output of Π operand[subscripts]:
//             a subscript repeated in one operand takes the diagonal (diagonal), one found in
//             a single operand and not in the output is summed there (sum), extents of 1
//             are broadcast (expand); then one operand is permuted to the output, and two are
//             permuted and reshaped to [batch.., L, K]·[batch.., K, R] for one (batched)
//             matmul, or multiplied elementwise (mul) when nothing is contracted or only a
//             batch remains, then reshaped and permuted to the output
//   backward: through the ops it is built of, so gradients of any order flow (no rule of
//             its own)
//   saves   : what those ops save (matmul or mul: the operands' views)
//   shapes  : subscripts a–z, A–Z (spaces ignored), one per dimension, or fewer with one
//             `...` covering the rest (right-aligned, broadcast across operands); explicit
//             output after `->` (each subscript once, present in an input; `...` there keeps
//             the ellipsis dims, else they are summed) or implicit (ellipsis dims, then the
//             subscripts found exactly once, in ASCII order); anything else, or three or
//             more operands, throws std::invalid_argument quoting the equation
//   dtypes  : float32 or float64, one for both operands

#include <array>

#include "ops/linalg_common.hpp"

namespace nabla {
namespace {
namespace einsum_parts {  // named, so that a unity batch of op files keeps these apart

// Subscripts as numbers: 'A'–'Z' are 0–25 and 'a'–'z' 26–51 (so that sorting them is ASCII
// order, as PyTorch's implicit output), and the dimensions an ellipsis covers 52, 53, ...
// counted from the first of the widest ellipsis.
constexpr int kLetters = 52;

int subscript_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

std::string subscript_name(int s) {
  if (s < 26) return std::string(1, static_cast<char>('A' + s));
  if (s < kLetters) return std::string(1, static_cast<char>('a' + (s - 26)));
  return fmt::format("'...' dim {}", s - kLetters);
}

// One term of the equation: the subscripts before and after its `...`, if any.
struct Term {
  std::vector<int> before, after;
  bool ellipsis = false;
};

struct Equation {
  std::vector<Term> inputs;
  Term output;
  bool explicit_output = false;
};

[[noreturn]] void fail(const std::string& eq, const std::string& what) {
  throw std::invalid_argument(fmt::format("nabla::einsum: equation \"{}\": {}", eq, what));
}

Equation parse(const std::string& eq) {
  Equation p;
  p.inputs.emplace_back();
  Term* term = &p.inputs.back();
  const auto where = [&] {
    return p.explicit_output ? std::string("the output")
                             : fmt::format("operand {}", p.inputs.size() - 1);
  };
  for (std::size_t i = 0; i < eq.size(); ++i) {
    const char c = eq[i];
    if (c == ' ') continue;
    if (c == ',') {
      if (p.explicit_output) fail(eq, fmt::format("',' at index {} is in the output", i));
      p.inputs.emplace_back();
      term = &p.inputs.back();
    } else if (c == '-') {
      if (i + 1 >= eq.size() || eq[i + 1] != '>') {
        fail(eq, fmt::format("'-' at index {} is not part of '->'", i));
      }
      if (p.explicit_output) fail(eq, fmt::format("a second '->' at index {}", i));
      p.explicit_output = true;
      term = &p.output;
      ++i;
    } else if (c == '.') {
      if (i + 2 >= eq.size() || eq[i + 1] != '.' || eq[i + 2] != '.') {
        fail(eq, fmt::format("'.' at index {} is not part of an ellipsis '...'", i));
      }
      if (term->ellipsis) fail(eq, fmt::format("a second '...' in {} at index {}", where(), i));
      term->ellipsis = true;
      i += 2;
    } else {
      const int s = subscript_of(c);
      if (s < 0) {
        fail(eq, fmt::format("invalid character '{}' at index {}: subscripts are the letters "
                             "a-z and A-Z",
                             c, i));
      }
      (term->ellipsis ? term->after : term->before).push_back(s);
    }
  }
  return p;
}

// The positions of `order`'s subscripts in `labels` (every one present).
std::vector<std::int64_t> positions(const std::vector<int>& labels, const std::vector<int>& order) {
  std::vector<std::int64_t> perm;
  for (int s : order) {
    perm.push_back(std::find(labels.begin(), labels.end(), s) - labels.begin());
  }
  return perm;
}

bool is_identity(const std::vector<std::int64_t>& perm) {
  for (std::size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<std::int64_t>(i)) return false;
  return true;
}

bool contains(const std::vector<int>& v, int s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace einsum_parts
}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands, CallSite where) {
  detail::CallSiteScope site(where);
  using namespace einsum_parts;
  const std::string& eq = equation;
  const std::size_t n_ops = operands.size();
  if (n_ops == 0 || n_ops > 2) {
    fail(eq,
         fmt::format("nabla supports one or two operands, got {} (contract them pairwise)", n_ops));
  }
  for (std::size_t k = 0; k < n_ops; ++k) {
    const std::string name = fmt::format("operand {}", k);
    detail::check_defined("einsum", operands[k], name.c_str());
    detail::check_floating("einsum", operands[k], name.c_str());
  }
  if (n_ops == 2) detail::check_same_dtype("einsum", operands[0], operands[1]);
  const Equation p = parse(eq);
  if (p.inputs.size() != n_ops) {
    fail(eq, fmt::format("it has {} input term{} but {} operand{} given", p.inputs.size(),
                         p.inputs.size() == 1 ? "" : "s", n_ops, n_ops == 1 ? " was" : "s were"));
  }

  // Each operand's subscripts, one per dimension, the ellipsis expanded right-aligned.
  std::array<std::size_t, 2> cover{0, 0};
  std::size_t ellipsis_rank = 0;
  for (std::size_t k = 0; k < n_ops; ++k) {
    const Term& t = p.inputs[k];
    const std::size_t named = t.before.size() + t.after.size();
    const auto rank = static_cast<std::size_t>(operands[k].dim());
    if (t.ellipsis ? named > rank : named != rank) {
      fail(eq,
           fmt::format("operand {} has {} subscripts{} but {} dimensions (shape {})", k, named,
                       t.ellipsis ? " besides '...'" : "", rank, shape_str(operands[k].shape())));
    }
    cover[k] = rank - named;
    ellipsis_rank = std::max(ellipsis_rank, cover[k]);
  }
  const int first_ellipsis = kLetters;
  std::array<std::vector<int>, 2> labels;
  for (std::size_t k = 0; k < n_ops; ++k) {
    const Term& t = p.inputs[k];
    labels[k] = t.before;
    for (std::size_t i = 0; i < cover[k]; ++i) {
      labels[k].push_back(first_ellipsis + static_cast<int>(ellipsis_rank - cover[k] + i));
    }
    labels[k].insert(labels[k].end(), t.after.begin(), t.after.end());
  }

  // Extents: equal within an operand, broadcast (1 against n) across the two.
  std::vector<std::int64_t> extent(kLetters + ellipsis_rank, -1);
  std::vector<int> count(kLetters + ellipsis_rank, 0);  // occurrences over all operands
  for (std::size_t k = 0; k < n_ops; ++k) {
    const Shape& s = operands[k].shape();
    for (std::size_t d = 0; d < labels[k].size(); ++d) {
      const int l = labels[k][d];
      for (std::size_t e = 0; e < d; ++e) {
        if (labels[k][e] == l && s[e] != s[d]) {
          fail(eq, fmt::format("subscript {} is repeated in operand {} (shape {}) with extents "
                               "{} and {}; a diagonal needs equal extents",
                               subscript_name(l), k, shape_str(s), s[e], s[d]));
        }
      }
      ++count[l];
      if (extent[l] == -1 || extent[l] == 1) {
        extent[l] = s[d];
      } else if (s[d] != extent[l] && s[d] != 1) {
        fail(eq, fmt::format("subscript {} has extent {} in operand {} (shape {}) but {} in "
                             "operand 0 (shape {}); extents must match or be 1",
                             subscript_name(l), s[d], k, shape_str(s), extent[l],
                             shape_str(operands[0].shape())));
      }
    }
  }

  // The output's subscripts.
  std::vector<int> out;
  if (p.explicit_output) {
    out = p.output.before;
    if (p.output.ellipsis) {
      for (std::size_t i = 0; i < ellipsis_rank; ++i)
        out.push_back(first_ellipsis + static_cast<int>(i));
    }
    out.insert(out.end(), p.output.after.begin(), p.output.after.end());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] < kLetters && count[static_cast<std::size_t>(out[i])] == 0) {
        fail(eq, fmt::format("output subscript {} appears in no operand", subscript_name(out[i])));
      }
      if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(i), out[i]) !=
          out.begin() + static_cast<std::ptrdiff_t>(i)) {
        fail(eq, fmt::format("output subscript {} appears more than once", subscript_name(out[i])));
      }
    }
  } else {
    for (std::size_t i = 0; i < ellipsis_rank; ++i)
      out.push_back(first_ellipsis + static_cast<int>(i));
    for (int l = 0; l < kLetters; ++l)
      if (count[static_cast<std::size_t>(l)] == 1) out.push_back(l);
  }

  // Per operand: diagonals of repeated subscripts, then sums of the subscripts no one else
  // needs, then extents of 1 broadcast to the other operand's.
  std::array<Tensor, 2> x;
  for (std::size_t k = 0; k < n_ops; ++k) {
    x[k] = operands[k];
    std::vector<int>& lab = labels[k];
    for (bool found = true; found;) {
      found = false;
      for (std::size_t i = 0; i < lab.size() && !found; ++i) {
        for (std::size_t j = i + 1; j < lab.size() && !found; ++j) {
          if (lab[i] != lab[j]) continue;
          const int l = lab[i];
          x[k] = diagonal(x[k], 0, static_cast<std::int64_t>(i), static_cast<std::int64_t>(j));
          lab.erase(lab.begin() + static_cast<std::ptrdiff_t>(j));
          lab.erase(lab.begin() + static_cast<std::ptrdiff_t>(i));
          lab.push_back(l);
          found = true;
        }
      }
    }
    const std::vector<int>& other = labels[1 - k];
    std::vector<std::int64_t> axes;
    std::vector<int> kept;
    for (std::size_t d = 0; d < lab.size(); ++d) {
      if (!contains(out, lab[d]) && (n_ops == 1 || !contains(other, lab[d]))) {
        axes.push_back(static_cast<std::int64_t>(d));
      } else {
        kept.push_back(lab[d]);
      }
    }
    if (!axes.empty()) {
      x[k] = sum(x[k], axes);
      lab = kept;
    }
  }
  if (n_ops == 1) {  // every subscript left is in the output
    return permute(x[0], positions(labels[0], out));
  }
  for (std::size_t k = 0; k < 2; ++k) {
    Shape full = x[k].shape();
    bool broadcast = false;
    for (std::size_t d = 0; d < full.size(); ++d) {
      const std::int64_t e = extent[static_cast<std::size_t>(labels[k][d])];
      if (full[d] != e) {
        full[d] = e;
        broadcast = true;
      }
    }
    if (broadcast) x[k] = expand(x[k], full);
  }

  // Two operands: batch subscripts are in both and the output, contracted ones in both but
  // not the output, and the rest belong to one operand (and the output).
  const std::vector<int>&la = labels[0], &lb = labels[1];
  std::vector<int> batch, left, right, contracted;
  for (int l : out) {
    const bool in_a = contains(la, l), in_b = contains(lb, l);
    (in_a && in_b ? batch : in_a ? left : right).push_back(l);
  }
  for (int l : la)
    if (contains(lb, l) && !contains(out, l)) contracted.push_back(l);
  const auto extents_of = [&](const std::vector<int>& ls) {
    Shape s;
    for (int l : ls) s.push_back(extent[static_cast<std::size_t>(l)]);
    return s;
  };
  const auto concat = [](auto v, const auto& w) {
    v.insert(v.end(), w.begin(), w.end());
    return v;
  };
  const Shape batch_ext = extents_of(batch), left_ext = extents_of(left),
              right_ext = extents_of(right), contracted_ext = extents_of(contracted);
  Tensor c;
  std::vector<int> c_labels;  // the subscripts of c's dimensions
  if (contracted.empty() || (left.empty() && right.empty())) {
    // Nothing contracted (an outer or elementwise product), or only a batch of dot products:
    // one broadcasting mul (and a sum over the contracted axes), no gemm per batch element.
    Tensor a = permute(x[0], positions(la, concat(concat(batch, left), contracted)));
    Tensor b = permute(x[1], positions(lb, concat(concat(batch, right), contracted)));
    Shape sa = concat(batch_ext, left_ext), sb = batch_ext;
    sa.insert(sa.end(), right.size(), 1);
    sb.insert(sb.end(), left.size(), 1);
    sb.insert(sb.end(), right_ext.begin(), right_ext.end());
    sa.insert(sa.end(), contracted_ext.begin(), contracted_ext.end());
    sb.insert(sb.end(), contracted_ext.begin(), contracted_ext.end());
    c = mul(reshape(a, sa), reshape(b, sb));
    if (!contracted.empty()) {
      std::vector<std::int64_t> axes;
      for (std::size_t i = 0; i < contracted.size(); ++i) {
        axes.push_back(static_cast<std::int64_t>(sa.size() - 1 - i));
      }
      c = sum(c, axes);
    }
    c_labels = concat(concat(batch, left), right);
  } else {
    // [batch.., L, K] · [batch.., K, R] → [batch.., L, R]: gemm per batch matrix, or one.
    const std::int64_t L = shape_numel(left_ext), K = shape_numel(contracted_ext),
                       R = shape_numel(right_ext);
    Shape sa = batch_ext, sb = batch_ext;
    sa.push_back(L);
    sa.push_back(K);
    sb.push_back(K);
    sb.push_back(R);
    const Tensor a =
        reshape(permute(x[0], positions(la, concat(concat(batch, left), contracted))), sa);
    const Tensor b =
        reshape(permute(x[1], positions(lb, concat(concat(batch, contracted), right))), sb);
    Shape sc = concat(batch_ext, left_ext);
    sc.insert(sc.end(), right_ext.begin(), right_ext.end());
    c = reshape(matmul(a, b), sc);
    c_labels = concat(concat(batch, left), right);
  }
  const std::vector<std::int64_t> perm = positions(c_labels, out);
  return is_identity(perm) ? c : permute(c, perm);
}

namespace detail {
void register_einsum(OpRegistry& r) {
  // Each entry binds one equation; the samples give the operand shapes it takes.
  struct Case {
    const char* name;
    const char* equation;
    std::vector<std::pair<const char*, std::vector<Shape>>> samples;
    std::vector<std::pair<const char*, std::vector<Shape>>> bad;
  };
  const std::vector<Case> cases = {
      {"einsum",
       "ij,jk->ik",
       {{"[3,4]·[4,5]", {{3, 4}, {4, 5}}}, {"[1,2]·[2,1]", {{1, 2}, {2, 1}}}},
       {{"inner [3,4]·[5,2]", {{3, 4}, {5, 2}}}, {"rank [3]·[3,2]", {{3}, {3, 2}}}}},
      {"einsum_bmm",
       "bij,bjk->bik",
       {{"[2,3,4]·[2,4,5]", {{2, 3, 4}, {2, 4, 5}}},
        {"broadcast batch [1,3,4]·[2,4,2]", {{1, 3, 4}, {2, 4, 2}}}},
       {{"batch [2,3,4]·[3,4,5]", {{2, 3, 4}, {3, 4, 5}}}}},
      {"einsum_implicit",
       "ik,jk",
       {{"[3,4]·[2,4] → [3,2]", {{3, 4}, {2, 4}}}},
       {{"[3,4]·[2,5]", {{3, 4}, {2, 5}}}}},
      {"einsum_outer", "i,j->ij", {{"[3]·[4]", {{3}, {4}}}}, {{"[3,1]·[4]", {{3, 1}, {4}}}}},
      {"einsum_batch_dot",
       "bi,bi->b",
       {{"[3,4]·[3,4]", {{3, 4}, {3, 4}}}, {"[3,4]·[1,4]", {{3, 4}, {1, 4}}}},
       {{"[3,4]·[2,4]", {{3, 4}, {2, 4}}}}},
      {"einsum_ellipsis",
       "...ij,...jk->...ik",
       {{"[2,3,4]·[4,2]", {{2, 3, 4}, {4, 2}}}, {"[2,1,3,4]·[3,4,2]", {{2, 1, 3, 4}, {3, 4, 2}}}},
       {{"[2,3,4]·[3,4,2]", {{2, 3, 4}, {3, 4, 2}}}}},
      {"einsum_diag_contract",
       "iij,jk->ik",
       {{"[3,3,4]·[4,2]", {{3, 3, 4}, {4, 2}}}},
       {{"[3,2,4]·[4,2]", {{3, 2, 4}, {4, 2}}}}},
      {"einsum_trace", "ii", {{"[3,3]", {{3, 3}}}}, {{"[3,4]", {{3, 4}}}}},
      {"einsum_diagonal",
       "...ii->...i",
       {{"[3,3]", {{3, 3}}}, {"[2,3,3]", {{2, 3, 3}}}},
       {{"[2]", {{2}}}}},
      {"einsum_sum_permute", "ijk->ki", {{"[2,3,4]", {{2, 3, 4}}}}, {{"[2,3]", {{2, 3}}}}},
  };
  for (const Case& c : cases) {
    const std::string eq = c.equation;
    const auto make = [](const std::vector<std::pair<const char*, std::vector<Shape>>>& list) {
      return [list](Generator& g, Dtype d) {
        std::vector<OpSample> out;
        for (const auto& [label, shapes] : list) {
          OpSample s{label, {}};
          for (const Shape& shape : shapes) s.inputs.push_back(sample_tensor(shape, g, d));
          out.push_back(std::move(s));
        }
        return out;
      };
    };
    r.add({.name = c.name,
           .formula = fmt::format("einsum(\"{}\")", eq),
           .arity = c.samples.front().second.size(),
           .fn = [eq](const std::vector<Tensor>& in) { return einsum(eq, in); },
           .samples = make(c.samples),
           .bad_samples = make(c.bad)});
  }
}
}  // namespace detail
}  // namespace nabla
