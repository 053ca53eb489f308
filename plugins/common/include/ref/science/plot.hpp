#pragma once

// PNG line plots drawn with cairo.

#include <optional>
#include <string>
#include <vector>

namespace ref::science {

struct LineSeries {
    std::string label;
    std::vector<double> x;
    std::vector<double> y;  // NaN breaks the line
};

struct LinePlot {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<LineSeries> series;
    bool zero_line = false;  // dashed horizontal line at y = 0, kept inside the y range
};

// Writes a 900x500 PNG atomically; a legend is drawn when there is more than one series.
// Throws std::runtime_error on invalid input or when the file cannot be written.
void write_line_plot(const std::string& path, const LinePlot& plot);

// Tick positions with 1-2-5 spacing covering [low, high] with about `target` ticks.
struct Ticks {
    double step = 1.0;
    std::vector<double> values;
};
Ticks nice_ticks(double low, double high, int target);
std::string tick_label(double value, double step);

}  // namespace ref::science
