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
    bool markers_only = false;  // dots at the points instead of a line
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

// Points with a straight line y = slope * x + intercept drawn across the x range (extended to
// include `line_x_min`/`line_x_max` when given, e.g. to show where the line crosses y = 0).
struct ScatterPlot {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::string points_label = "data";
    std::vector<double> x;
    std::vector<double> y;
    std::string line_label = "least-squares fit";
    double slope = 0.0;
    double intercept = 0.0;
    std::optional<double> line_x_min;
    std::optional<double> line_x_max;
    bool zero_line = true;
};

// Same format and errors as write_line_plot.
void write_scatter_plot(const std::string& path, const ScatterPlot& plot);

// One bar per label, from 0 to its value (NaN: no bar).
struct BarChart {
    std::string title;
    std::string y_label;
    std::vector<std::string> labels;
    std::vector<double> values;
};

// Same format and errors as write_line_plot.
void write_bar_chart(const std::string& path, const BarChart& chart);

// Tick positions with 1-2-5 spacing covering [low, high] with about `target` ticks.
struct Ticks {
    double step = 1.0;
    std::vector<double> values;
};
Ticks nice_ticks(double low, double high, int target);
std::string tick_label(double value, double step);

}  // namespace ref::science
