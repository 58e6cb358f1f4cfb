// -# / --progress-bar: curl 7.88's bar (tool_cb_prg.c), drawn on stderr.
//   known size:   "\r######...                    45.3%" (bar width = columns - 7)
//   unknown size: a "-=O=-" sliding back and forth with four '#' bouncing on a sine
// at most 10 updates a second (always the one that reaches 100%). Pure: the transfer passes
// libcurl's counters and the time, and writes what comes back.
//
// The default progress meter is libcurl's own (CURLOPT_NOPROGRESS 0 without a callback), as
// in curl; show_progress() is curl's rule for when either is shown.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace wgnet::curl {

// curl's rule: no meter or bar with -s, or when the body goes to a terminal.
bool show_progress(bool silent, bool no_progress_option, bool output_is_terminal);

// The bar's width: $COLUMNS when it is a number in (20, 10000), else the terminal's columns
// when more than 20, else 79; at most 256.
int progress_bar_width(const char* columns_env, int terminal_columns);

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  // `initial_size`: bytes already there before this transfer (-C), counted as done.
  ProgressBar(int width, int64_t initial_size);

  // libcurl's CURLOPT_XFERINFOFUNCTION counters; returns the text to write (often empty).
  std::string update(int64_t dltotal, int64_t dlnow, int64_t ultotal, int64_t ulnow,
                     Clock::time_point now);

  // At the end of the transfer: "\n" when the bar was drawn, else "".
  std::string finish() const;

 private:
  std::string fly(bool moved);

  int width_;
  int64_t initial_;
  int64_t prev_ = 0;
  Clock::time_point prev_time_{};
  long calls_ = 0;
  int tick_ = 150;
  int bar_ = 0;
  int bar_move_ = 1;
};

}  // namespace wgnet::curl
