// nabla-gradcheck: checks the gradients of every registered op (or those named with
// --op) against finite differences. The work is nabla::gradcheck_main, a library function,
// so programs that register their own ops can offer the same command line.

#include <nabla/sweep.hpp>

int main(int argc, char** argv) {
  return nabla::gradcheck_main(argc, argv);
}
