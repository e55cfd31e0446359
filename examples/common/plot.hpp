#pragma once
/// \file plot.hpp
/// Pictures for the examples, drawn by gnuplot: line and point plots of named series (with
/// an optional second y axis) and grids of grayscale images. Header-only, standard library
/// only; not part of nabla.
///
/// A figure is a plain description; save_png() writes it as a gnuplot script (the data goes
/// inline, as datablocks), runs gnuplot on it and leaves only the PNG:
///
///     plot::Figure fig{.title = "Training", .xlabel = "epoch", .ylabel = "loss",
///                      .y2label = "accuracy"};
///     fig.line("train loss", epochs, losses);
///     fig.linespoints("test accuracy", epochs, accuracy, plot::Axis::y2);
///     plot::try_save_png(fig, "training.png");   // prints "wrote training.png" or why not
///
///     plot::ImageGrid grid{.title = "Autoencoder", .row_labels = {"original", "decoded"}};
///     grid.rows = {{img0, img1}, {rec0, rec1}};  // plot::Image{28, 28, pixels in [0, 1]}
///     plot::try_save_png(grid, "reconstructions.png");
///
/// The PNG terminal is pngcairo (antialiased) when this gnuplot has it, png otherwise; both
/// ship in Debian's gnuplot-nox. When gnuplot is missing, save_png() throws plot::Error
/// saying to run `apt-get install gnuplot-nox`: print your numbers before plotting.

#include <stdio.h>   // popen, pclose (POSIX)
#include <stdlib.h>  // mkstemp (POSIX)
#include <unistd.h>  // close, write (POSIX)

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace plot {

/// Why a picture was not drawn: gnuplot missing, gnuplot's own error, or bad series data.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How a series is drawn.
enum class Style { lines, points, linespoints };
/// Which y axis a series is measured on: y1 on the left, y2 on the right.
enum class Axis { y1, y2 };

/// One named curve or point cloud: y[i] against x[i]. A NaN y leaves a gap in a line.
struct Series {
  std::string title{};  ///< legend entry; empty: not listed in the legend
  std::vector<double> x{}, y{};
  Style style = Style::lines;
  Axis axis = Axis::y1;
  std::string color{};      ///< "#1f77b4", "dark-red", ...; empty: the next default color
  double line_width = 2.0;  ///< lines and linespoints
  double point_size = 1.0;  ///< points and linespoints
  int point_type = 7;       ///< gnuplot's point type: 7 filled circle, 5 filled square, 1 plus
  bool dashed = false;      ///< a dashed line (for reference curves, tangents)
};

/// A text placed at data coordinates (on the y1 axis).
struct Label {
  double x = 0, y = 0;
  std::string text{};
};

/// A plot of several series on shared x, one or two y axes.
struct Figure {
  std::string title{};
  std::string xlabel{}, ylabel{};
  std::string y2label{};  ///< the right axis' label; that axis is shown when a series uses it
  int width = 900, height = 600;  ///< pixels
  bool log_y = false;             ///< logarithmic y1 axis (loss curves)
  std::optional<std::pair<double, double>> xrange{}, yrange{}, y2range{};  ///< default: automatic
  std::string legend = "top right";  ///< gnuplot's `set key` position, e.g. "bottom left"
  /// Extra room above the data, as a fraction of the y1 range, so that a legend at the top
  /// does not hide the data (autoscaled ranges only).
  double headroom = 0.0;
  std::vector<Series> series{};
  std::vector<Label> labels{};

  /// Adds a series and returns it, for further styling (the reference is valid until the
  /// next series is added).
  Series& add(Series s) {
    series.push_back(std::move(s));
    return series.back();
  }
  /// Adds a line through the points (x[i], y[i]).
  Series& line(std::string name, std::vector<double> x, std::vector<double> y,
               Axis axis = Axis::y1) {
    return add({.title = std::move(name),
                .x = std::move(x),
                .y = std::move(y),
                .style = Style::lines,
                .axis = axis});
  }
  /// Adds unconnected points.
  Series& points(std::string name, std::vector<double> x, std::vector<double> y,
                 Axis axis = Axis::y1) {
    return add({.title = std::move(name),
                .x = std::move(x),
                .y = std::move(y),
                .style = Style::points,
                .axis = axis,
                .point_size = 0.6});
  }
  /// Adds a line with a marker at each point.
  Series& linespoints(std::string name, std::vector<double> x, std::vector<double> y,
                      Axis axis = Axis::y1) {
    return add({.title = std::move(name),
                .x = std::move(x),
                .y = std::move(y),
                .style = Style::linespoints,
                .axis = axis,
                .point_size = 1.0});
  }
};

/// A grayscale image: height × width values, row-major, top row first.
struct Image {
  std::int64_t height = 0, width = 0;
  std::vector<double> pixels{};
};

/// Images in rows (e.g. originals above their reconstructions), drawn at an integer zoom
/// so every image pixel is a crisp square.
struct ImageGrid {
  std::string title{};
  std::vector<std::vector<Image>> rows{};  ///< rows[r][c]: row r, left to right
  std::vector<std::string> row_labels{};   ///< optional: one per row, printed at its left
  double black = 0.0, white = 1.0;         ///< values drawn black and white (clamped between)
  int zoom = 4;                            ///< screen pixels per image pixel
  int gap = 4;                             ///< image pixels between neighbouring images
};

namespace detail {

// A gnuplot string literal: single quotes, a quote doubled.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}

inline std::string number(double v) {
  if (!std::isfinite(v)) return "NaN";
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

inline std::string terminal(int width, int height) {
  std::ostringstream os;
  os << "if (strstrt(' '.GPVAL_TERMINALS.' ', ' pngcairo ') > 0) {\n"
     << "  set terminal pngcairo size " << width << "," << height
     << " enhanced font 'Sans,11' background '#ffffff'\n"
     << "} else {\n"
     << "  set terminal png size " << width << "," << height << " background '#ffffff'\n"
     << "}\n";
  return os.str();
}

// Runs gnuplot on `script` (through a temporary file, so gnuplot's messages can be
// captured). Throws Error when gnuplot is missing or fails.
inline void run_gnuplot(const std::string& script, const std::string& png_path) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw Error("plot: gnuplot is not installed, so " + png_path +
                " was not drawn. Install it with: apt-get install gnuplot-nox");
  }
  std::string tmp = (std::filesystem::temp_directory_path() / "nabla-plot-XXXXXX").string();
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw Error("plot: cannot create a temporary file for the gnuplot script");
  const bool written =
      write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  close(fd);
  std::string output;
  int status = -1;
  if (written) {
    // mkstemp's name has no quote or space: safe to pass to the shell as it is.
    if (FILE* pipe = popen(("gnuplot " + tmp + " 2>&1").c_str(), "r")) {
      char buf[512];
      while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
      status = pclose(pipe);
    }
  }
  std::filesystem::remove(tmp);
  if (!written) throw Error("plot: cannot write the gnuplot script to " + tmp);
  if (status != 0) {
    throw Error("plot: gnuplot failed to draw " + png_path + ":\n" + output);
  }
  if (!output.empty()) std::cerr << "gnuplot: " << output;  // warnings
}

}  // namespace detail

/// The gnuplot script that draws `fig` into `png_path`, data included: save it and run
/// `gnuplot script.gp` to tweak a picture by hand. Throws Error when a series' x and y
/// differ in length or a series is empty.
inline std::string gnuplot_script(const Figure& fig, const std::string& png_path) {
  std::ostringstream gp;
  gp << detail::terminal(fig.width, fig.height);
  gp << "set output " << detail::quote(png_path) << "\n";
  for (std::size_t i = 0; i < fig.series.size(); ++i) {
    const Series& s = fig.series[i];
    if (s.x.size() != s.y.size() || s.x.empty()) {
      throw Error("plot: series '" + s.title + "' has " + std::to_string(s.x.size()) +
                  " x values and " + std::to_string(s.y.size()) + " y values");
    }
    gp << "$s" << i << " << EOD\n";
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      gp << detail::number(s.x[k]) << " " << detail::number(s.y[k]) << "\n";
    }
    gp << "EOD\n";
  }
  if (!fig.title.empty()) gp << "set title " << detail::quote(fig.title) << " font ',13'\n";
  if (!fig.xlabel.empty()) gp << "set xlabel " << detail::quote(fig.xlabel) << "\n";
  if (!fig.ylabel.empty()) gp << "set ylabel " << detail::quote(fig.ylabel) << "\n";
  bool uses_y2 = false;
  for (const Series& s : fig.series) uses_y2 = uses_y2 || s.axis == Axis::y2;
  if (uses_y2) {
    gp << "set y2tics\nset ytics nomirror\n";
    if (!fig.y2label.empty()) gp << "set y2label " << detail::quote(fig.y2label) << "\n";
  }
  if (fig.log_y) gp << "set logscale y\n";
  auto range = [&](const char* axis, const std::optional<std::pair<double, double>>& r) {
    if (r) {
      gp << "set " << axis << "range [" << detail::number(r->first) << ":"
         << detail::number(r->second) << "]\n";
    }
  };
  range("x", fig.xrange);
  range("y", fig.yrange);
  range("y2", fig.y2range);
  if (fig.headroom > 0) gp << "set offsets 0, 0, graph " << detail::number(fig.headroom) << ", 0\n";
  gp << "set grid lc rgb '#dddddd'\n";
  gp << "set key " << fig.legend << " box opaque\n";
  for (const Label& l : fig.labels) {
    gp << "set label " << detail::quote(l.text) << " at " << detail::number(l.x) << ","
       << detail::number(l.y) << " front\n";
  }
  gp << "plot ";
  for (std::size_t i = 0; i < fig.series.size(); ++i) {
    const Series& s = fig.series[i];
    if (i > 0) gp << ", \\\n     ";
    gp << "$s" << i << " using 1:2";
    if (s.axis == Axis::y2) gp << " axes x1y2";
    gp << " with "
       << (s.style == Style::lines    ? "lines"
           : s.style == Style::points ? "points"
                                      : "linespoints");
    if (!s.color.empty()) gp << " lc rgb " << detail::quote(s.color);
    if (s.style != Style::points) gp << " lw " << detail::number(s.line_width);
    if (s.dashed) gp << " dt 2";
    if (s.style != Style::lines) {
      gp << " pt " << s.point_type << " ps " << detail::number(s.point_size);
    }
    gp << (s.title.empty() ? std::string(" notitle") : " title " + detail::quote(s.title));
  }
  gp << "\n";
  return gp.str();
}

/// The gnuplot script that draws `grid` into `png_path`. Throws Error when an image's
/// pixel count is not height × width, or the grid is empty.
inline std::string gnuplot_script(const ImageGrid& grid, const std::string& png_path) {
  // Layout in image pixels: each row as tall as its tallest image, gaps between.
  std::int64_t cols_px = 0, rows_px = 0;
  std::vector<std::int64_t> row_top;
  for (const auto& row : grid.rows) {
    std::int64_t w = 0, h = 0;
    for (const Image& im : row) {
      if (im.height < 1 || im.width < 1 ||
          static_cast<std::int64_t>(im.pixels.size()) != im.height * im.width) {
        throw Error("plot: an image of " + std::to_string(im.height) + "x" +
                    std::to_string(im.width) + " has " + std::to_string(im.pixels.size()) +
                    " pixels");
      }
      w += (w > 0 ? grid.gap : 0) + im.width;
      h = std::max(h, im.height);
    }
    row_top.push_back(rows_px + (rows_px > 0 ? grid.gap : 0));
    rows_px = row_top.back() + h;
    cols_px = std::max(cols_px, w);
  }
  if (cols_px == 0) throw Error("plot: an image grid with no images");

  // Screen layout in pixels: a title band on top, a label band on the left.
  bool has_labels = false;
  for (const std::string& l : grid.row_labels) has_labels = has_labels || !l.empty();
  const int zoom = std::max(1, grid.zoom);
  const int pad = 10;
  const int top = grid.title.empty() ? pad : 40;
  const int left = has_labels ? 130 : pad;
  const int width = left + static_cast<int>(cols_px) * zoom + pad;
  const int height = top + static_cast<int>(rows_px) * zoom + pad;
  auto sx = [&](double px) { return detail::number(px / width); };
  auto sy = [&](double px) { return detail::number(1.0 - px / height); };

  std::ostringstream gp;
  gp << detail::terminal(width, height);
  gp << "set output " << detail::quote(png_path) << "\n";
  gp << "unset key\nunset tics\nunset border\nunset colorbox\n";
  gp << "set palette gray\nset cbrange [" << detail::number(grid.black) << ":"
     << detail::number(grid.white) << "]\n";
  gp << "set lmargin at screen " << sx(left) << "\n";
  gp << "set rmargin at screen " << sx(left + static_cast<double>(cols_px) * zoom) << "\n";
  gp << "set tmargin at screen " << sy(top) << "\n";
  gp << "set bmargin at screen " << sy(top + static_cast<double>(rows_px) * zoom) << "\n";
  // Pixel centres at integer coordinates; the y axis points down, as image rows do.
  gp << "set xrange [-0.5:" << cols_px << "-0.5]\n";
  gp << "set yrange [" << rows_px << "-0.5:-0.5]\n";
  if (!grid.title.empty()) {
    gp << "set label " << detail::quote(grid.title) << " at screen 0.5," << sy(top / 2.0 + 2)
       << " center font ',13'\n";
  }
  std::ostringstream plots;
  int n = 0;
  for (std::size_t r = 0; r < grid.rows.size(); ++r) {
    std::int64_t x0 = 0;
    std::int64_t row_h = 0;
    for (const Image& im : grid.rows[r]) {
      gp << "$im" << n << " << EOD\n";
      for (std::int64_t i = 0; i < im.height; ++i) {
        for (std::int64_t j = 0; j < im.width; ++j) {
          const double v = im.pixels[static_cast<std::size_t>(i * im.width + j)];
          gp << (j > 0 ? " " : "") << detail::number(std::clamp(v, grid.black, grid.white));
        }
        gp << "\n";
      }
      gp << "EOD\n";
      plots << (n > 0 ? ", \\\n     " : "") << "$im" << n << " matrix using ($1+" << x0 << "):($2+"
            << row_top[r] << "):3 with image";
      x0 += im.width + grid.gap;
      row_h = std::max(row_h, im.height);
      ++n;
    }
    if (r < grid.row_labels.size() && !grid.row_labels[r].empty()) {
      const double mid = top + static_cast<double>(2 * row_top[r] + row_h) / 2.0 * zoom;
      gp << "set label " << detail::quote(grid.row_labels[r]) << " at screen " << sx(left - 10)
         << "," << sy(mid) << " right\n";
    }
  }
  gp << "plot " << plots.str() << "\n";
  return gp.str();
}

/// Draws `fig` into the PNG file `png_path` with gnuplot. Throws Error when gnuplot is not
/// installed (the message says `apt-get install gnuplot-nox`), when gnuplot fails (its
/// message included), or on bad series data.
inline void save_png(const Figure& fig, const std::string& png_path) {
  detail::run_gnuplot(gnuplot_script(fig, png_path), png_path);
}

/// Draws `grid` into the PNG file `png_path` with gnuplot; throws as the Figure overload.
inline void save_png(const ImageGrid& grid, const std::string& png_path) {
  detail::run_gnuplot(gnuplot_script(grid, png_path), png_path);
}

/// save_png(), for programs whose picture is a bonus: prints "wrote <path>" on success, or
/// the reason on std::cerr, and returns whether the file was written. Never throws Error.
template <class Picture>
bool try_save_png(const Picture& picture, const std::string& png_path) {
  try {
    save_png(picture, png_path);
  } catch (const Error& e) {
    std::cerr << e.what() << "\n";
    return false;
  }
  std::cout << "wrote " << png_path << std::endl;
  return true;
}

}  // namespace plot
