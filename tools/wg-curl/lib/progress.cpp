#include "progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>

namespace wgnet::curl {
namespace {

constexpr int kMaxBarLength = 256;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);  // at most 10 Hz

// Where one of the bouncing '#' is at tick `t` (of 200 per period), in 0..1000000.
int sine_position(int t) {
  double angle = 2.0 * std::numbers::pi * ((t % 200) + 1) / 200.0;
  return static_cast<int>(std::lround(500000.0 + 500000.0 * std::sin(angle)));
}

}  // namespace

bool show_progress(bool silent, bool no_progress_option, bool output_is_terminal) {
  return !silent && !no_progress_option && !output_is_terminal;
}

int progress_bar_width(const char* columns_env, int terminal_columns) {
  int width = 0;
  if (columns_env && *columns_env) {
    char* end = nullptr;
    long n = std::strtol(columns_env, &end, 10);
    if (*end == '\0' && n > 20 && n < 10000) width = static_cast<int>(n);
  }
  if (width == 0 && terminal_columns > 20) width = terminal_columns;
  if (width == 0) width = 79;
  return std::min(width, kMaxBarLength);
}

ProgressBar::ProgressBar(int width, int64_t initial_size)
    : width_(width), initial_(std::max<int64_t>(initial_size, 0)) {}

std::string ProgressBar::fly(bool moved) {
  int check = width_ - 2;
  std::string line(static_cast<size_t>(width_ - 1), ' ');
  line.replace(static_cast<size_t>(bar_), 5, "-=O=-");
  for (int offset : {0, 5, 10, 15}) {
    int pos = sine_position(tick_ + offset) / (1000000 / check);
    line[static_cast<size_t>(std::clamp(pos, 0, width_ - 2))] = '#';
  }
  line += '\r';
  tick_ = (tick_ + 2) % 200;
  bar_ += moved ? bar_move_ : 0;
  if (bar_ >= width_ - 6) {
    bar_move_ = -1;
    bar_ = width_ - 6;
  } else if (bar_ < 0) {
    bar_move_ = 1;
    bar_ = 0;
  }
  return line;
}

std::string ProgressBar::update(int64_t dltotal, int64_t dlnow, int64_t ultotal, int64_t ulnow,
                                Clock::time_point now) {
  int64_t total = dltotal + ultotal + initial_;
  int64_t point = dlnow + ulnow + initial_;
  std::string out;
  if (calls_ > 0) {
    if (total > 0) {
      if (prev_ == point) return out;
      if (now - prev_time_ < kRedrawInterval && point < total) return out;
    } else {
      if (now - prev_time_ < kRedrawInterval) return out;
      out = fly(point != prev_);
    }
  }
  ++calls_;
  if (total > 0 && point != prev_) {
    if (point > total) total = point;
    double frac = static_cast<double>(point) / static_cast<double>(total);
    int bar_width = width_ - 7;
    int hashes = std::min(static_cast<int>(bar_width * frac), kMaxBarLength);
    std::string bar(static_cast<size_t>(std::max(hashes, 0)), '#');
    char text[kMaxBarLength + 32];
    std::snprintf(text, sizeof text, "\r%-*s %5.1f%%", bar_width, bar.c_str(), frac * 100.0);
    out += text;
  }
  prev_ = point;
  prev_time_ = now;
  return out;
}

std::string ProgressBar::finish() const { return calls_ > 0 ? "\n" : ""; }

}  // namespace wgnet::curl
