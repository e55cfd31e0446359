#pragma once
// Progress of one pass over a data set, for the examples' training loops.
//
//     examples::Progress bar("epoch 1/5", loader.size());
//     for (...) { ...; bar.update(batches_done, samples_done, "loss 0.4123  acc 85.1%"); }
//     bar.finish();
//
// On a terminal it redraws one line with '\r' (at most ten times a second, cut to the
// terminal's width so that it never wraps):
//
//     epoch 1/5 [=====>      ] 450/938 loss 0.5123 acc 81.2% 19870 samples/s ETA 0:02
//
// When stdout is a file or a pipe (a log, ctest) it prints a plain line at every tenth of
// the way instead, so the log holds ten lines per epoch rather than a thousand redraws.

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace examples {

/// True when stdout is a terminal.
inline bool stdout_is_terminal() {
  return isatty(fileno(stdout)) == 1;
}

/// "m:ss", or "h:mm:ss" from an hour on.
inline std::string format_duration(double seconds) {
  const auto s = static_cast<std::int64_t>(std::max(seconds, 0.0) + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  /// A bar for `total` steps (batches), labelled `label`.
  Progress(std::string label, std::int64_t total)
      : label_(std::move(label)),
        total_(std::max<std::int64_t>(total, 1)),
        terminal_(stdout_is_terminal()),
        start_(Clock::now()),
        last_draw_(start_) {}

  /// Reports that `done` of the total steps are finished, covering `samples` samples, with
  /// `metrics` (e.g. the running loss) shown after the counts.
  void update(std::int64_t done, std::int64_t samples, const std::string& metrics) {
    const Clock::time_point now = Clock::now();
    if (terminal_) {
      if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
      last_draw_ = now;
      std::string text = line(done, samples, metrics, now);
      if (winsize w{}; ioctl(fileno(stdout), TIOCGWINSZ, &w) == 0 && w.ws_col > 1) {
        text.resize(std::min<std::size_t>(text.size(), w.ws_col - 1u));
      }
      fmt::print("\r{}\033[K", text);  // \033[K clears the rest of the old line
      std::fflush(stdout);
    } else {
      // Print at 10%, 20%, ... 100%: the first `done` at or past each tenth.
      const std::int64_t tenth = done * 10 / total_;
      if (tenth <= printed_tenths_) return;
      printed_tenths_ = tenth;
      fmt::print("{}\n", line(done, samples, metrics, now));
      std::fflush(stdout);
    }
  }

  /// Ends the bar's line (on a terminal; plain output already ended its lines).
  void finish() {
    if (terminal_) std::fputs("\n", stdout);
    std::fflush(stdout);
  }

  /// Seconds since the bar was made.
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  std::string line(std::int64_t done, std::int64_t samples, const std::string& metrics,
                   Clock::time_point now) const {
    constexpr std::int64_t kWidth = 12;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(samples) / seconds : 0.0;
    const double eta =
        done > 0 ? seconds / static_cast<double>(done) * static_cast<double>(total_ - done) : 0.0;
    const std::int64_t filled = done * kWidth / total_;
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    const int digits = static_cast<int>(std::to_string(total_).size());
    return fmt::format("{} [{}] {:>{}}/{} {} {} samples/s {} {}", label_, bar, done, digits, total_,
                       metrics, static_cast<std::int64_t>(rate), done < total_ ? "ETA" : "took",
                       format_duration(done < total_ ? eta : seconds));
  }

  std::string label_;
  std::int64_t total_;
  bool terminal_;
  Clock::time_point start_, last_draw_;
  std::int64_t printed_tenths_ = 0;
};

}  // namespace examples
