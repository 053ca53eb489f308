#include "ref/science/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <numbers>
#include <stdexcept>

#include <cairo.h>

#include "cairo_drawing.hpp"
#include "ref/science/atomic_file.hpp"

namespace ref::science {
namespace {

constexpr int width = 900;
constexpr int height = 500;
constexpr double left = 90;
constexpr double right = 30;
constexpr double top = 50;
constexpr double bottom = 65;

struct Rgb {
    double r, g, b;
};
// Matplotlib's tab10 colours: distinguishable and familiar to climate scientists.
constexpr std::array<Rgb, 10> palette = {{{0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
                                          {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50},
                                          {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81}}};

struct Range {
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    void add(double v) {
        if (std::isfinite(v)) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    }
    bool empty() const { return low > high; }
    // A usable, non-degenerate interval.
    void settle(double fallback_low, double fallback_high) {
        if (empty()) {
            low = fallback_low;
            high = fallback_high;
        } else if (low == high) {
            const double pad = low == 0.0 ? 1.0 : std::fabs(low) * 0.05;
            low -= pad;
            high += pad;
        }
    }
};

using drawing::text_at;

double text_width(cairo_t* cr, const std::string& text, double size) {
    drawing::select_font(cr, size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    return ext.x_advance;
}

void draw_series(cairo_t* cr, const LineSeries& s, const auto& to_x, const auto& to_y) {
    if (s.markers_only) {
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            cairo_new_sub_path(cr);
            cairo_arc(cr, to_x(s.x[i]), to_y(s.y[i]), 3.0, 0, 2 * std::numbers::pi);
        }
        cairo_fill(cr);
        return;
    }
    bool pen_down = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
        const bool ok = std::isfinite(s.x[i]) && std::isfinite(s.y[i]);
        if (!ok) {
            pen_down = false;
            continue;
        }
        const bool prev_ok = i > 0 && std::isfinite(s.x[i - 1]) && std::isfinite(s.y[i - 1]);
        const bool next_ok = i + 1 < s.x.size() && std::isfinite(s.x[i + 1]) && std::isfinite(s.y[i + 1]);
        if (!prev_ok && !next_ok) {
            // An isolated point has no segment to show it: mark it with a dot.
            cairo_new_sub_path(cr);
            cairo_arc(cr, to_x(s.x[i]), to_y(s.y[i]), 2.5, 0, 2 * std::numbers::pi);
            cairo_fill(cr);
            pen_down = false;
            continue;
        }
        if (pen_down) {
            cairo_line_to(cr, to_x(s.x[i]), to_y(s.y[i]));
        } else {
            cairo_move_to(cr, to_x(s.x[i]), to_y(s.y[i]));
            pen_down = true;
        }
    }
    cairo_stroke(cr);
}

struct Box {
    double x, y, w, h;
    bool contains(double px, double py) const { return px >= x && px <= x + w && py >= y && py <= y + h; }
};

// Puts the legend in the plot corner that hides the fewest data points and segment midpoints.
void draw_legend(cairo_t* cr, const LinePlot& plot, const Box& area, const auto& to_x, const auto& to_y) {
    const double size = 12;
    double widest = 0;
    for (const auto& s : plot.series) widest = std::max(widest, text_width(cr, s.label, size));
    const double row = 18;
    const double w = widest + 48;
    const double h = row * static_cast<double>(plot.series.size()) + 10;
    const double m = 8;
    const std::array<Box, 4> corners = {{{area.x + area.w - w - m, area.y + m, w, h},
                                         {area.x + m, area.y + m, w, h},
                                         {area.x + area.w - w - m, area.y + area.h - h - m, w, h},
                                         {area.x + m, area.y + area.h - h - m, w, h}}};
    Box best = corners[0];
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (const Box& box : corners) {
        std::size_t hidden = 0;
        for (const auto& s : plot.series) {
            for (std::size_t i = 0; i < s.x.size(); ++i) {
                if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
                hidden += box.contains(to_x(s.x[i]), to_y(s.y[i])) ? 1 : 0;
                if (i + 1 < s.x.size() && std::isfinite(s.x[i + 1]) && std::isfinite(s.y[i + 1])) {
                    hidden += box.contains(to_x(0.5 * (s.x[i] + s.x[i + 1])), to_y(0.5 * (s.y[i] + s.y[i + 1]))) ? 1 : 0;
                }
            }
        }
        if (hidden < fewest) {
            fewest = hidden;
            best = box;
        }
    }
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, best.x, best.y, best.w, best.h);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const double y = best.y + 5 + row * (static_cast<double>(i) + 0.5);
        const Rgb c = palette[i % palette.size()];
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        if (plot.series[i].markers_only) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, best.x + 20, y, 3.5, 0, 2 * std::numbers::pi);
            cairo_fill(cr);
        } else {
            cairo_set_line_width(cr, 2.5);
            cairo_move_to(cr, best.x + 8, y);
            cairo_line_to(cr, best.x + 32, y);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, plot.series[i].label, best.x + 40, y, size, 0.0, 0.5);
    }
}

}  // namespace

Ticks nice_ticks(double low, double high, int target) {
    Ticks ticks;
    const double span = high - low;
    if (!(span > 0) || !std::isfinite(span) || target < 1) {
        ticks.values = {low};
        return ticks;
    }
    const double raw = span / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    ticks.step = (fraction <= 1.5 ? 1.0 : fraction <= 3.0 ? 2.0 : fraction <= 7.0 ? 5.0 : 10.0) * magnitude;
    const double first = std::ceil(low / ticks.step - 1e-9) * ticks.step;
    for (double v = first; v <= high + ticks.step * 1e-9; v += ticks.step) {
        ticks.values.push_back(std::fabs(v) < ticks.step * 1e-9 ? 0.0 : v);
        if (ticks.values.size() > 100) break;
    }
    return ticks;
}

std::string tick_label(double value, double step) {
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 12);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

void write_line_plot(const std::string& path, const LinePlot& plot) {
    Range xr;
    Range yr;
    for (const auto& s : plot.series) {
        if (s.x.size() != s.y.size()) {
            throw std::runtime_error(path + ": series '" + s.label + "' has " + std::to_string(s.x.size()) +
                                     " x values but " + std::to_string(s.y.size()) + " y values");
        }
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
                xr.add(s.x[i]);
                yr.add(s.y[i]);
            }
        }
    }
    const bool has_data = !xr.empty();
    if (plot.zero_line) yr.add(0.0);
    xr.settle(0.0, 1.0);
    yr.settle(0.0, 1.0);
    const double pad = 0.06 * (yr.high - yr.low);
    const Ticks yt = nice_ticks(yr.low - pad, yr.high + pad, 6);
    yr.low = std::min(yr.low - pad, yt.values.front());
    yr.high = std::max(yr.high + pad, yt.values.back());
    const Ticks xt = nice_ticks(xr.low, xr.high, 8);

    const double plot_w = width - left - right;
    const double plot_h = height - top - bottom;
    const auto to_x = [&](double v) { return left + (v - xr.low) / (xr.high - xr.low) * plot_w; };
    const auto to_y = [&](double v) { return top + plot_h - (v - yr.low) / (yr.high - yr.low) * plot_h; };

    const drawing::Canvas canvas(width, height);
    cairo_t* cr = canvas.get();

    // Grid lines and tick labels.
    drawing::draw_y_grid(cr, yt, yr.low, yr.high, left, plot_w, to_y);
    for (const double v : xt.values) {
        const double x = std::round(to_x(v)) + 0.5;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x, top + plot_h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_move_to(cr, x, top + plot_h);
        cairo_line_to(cr, x, top + plot_h + 5);
        cairo_stroke(cr);
        text_at(cr, tick_label(v, xt.step), x, top + plot_h + 9, 12, 0.5, 0.0);
    }

    cairo_save(cr);
    cairo_rectangle(cr, left, top, plot_w, plot_h);
    cairo_clip(cr);
    if (plot.zero_line) {
        const double dashes[] = {6.0, 4.0};
        cairo_set_dash(cr, dashes, 2, 0);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, left, to_y(0.0));
        cairo_line_to(cr, left + plot_w, to_y(0.0));
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
    }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, 2);
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const Rgb c = palette[i % palette.size()];
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        draw_series(cr, plot.series[i], to_x, to_y);
    }
    cairo_restore(cr);

    // Frame, title, axis labels, legend.
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, left + 0.5, top + 0.5, plot_w, plot_h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    text_at(cr, plot.title, left + plot_w / 2, top / 2, 17, 0.5, 0.5, true);
    text_at(cr, plot.x_label, left + plot_w / 2, height - 10, 14, 0.5, 1.0);
    cairo_save(cr);
    cairo_translate(cr, 20, top + plot_h / 2);
    cairo_rotate(cr, -std::numbers::pi / 2);
    text_at(cr, plot.y_label, 0, 0, 14, 0.5, 0.5);
    cairo_restore(cr);
    if (plot.series.size() > 1) draw_legend(cr, plot, Box{left, top, plot_w, plot_h}, to_x, to_y);
    if (!has_data) {
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        text_at(cr, "no data", left + plot_w / 2, top + plot_h / 2, 16, 0.5, 0.5);
    }

    canvas.save(path);
}

void write_scatter_plot(const std::string& path, const ScatterPlot& plot) {
    if (plot.x.size() != plot.y.size())
        throw std::runtime_error(path + ": " + std::to_string(plot.x.size()) + " x values but " +
                                 std::to_string(plot.y.size()) + " y values");
    Range xr;
    for (std::size_t i = 0; i < plot.x.size(); ++i)
        if (std::isfinite(plot.y[i])) xr.add(plot.x[i]);
    if (plot.line_x_min) xr.add(*plot.line_x_min);
    if (plot.line_x_max) xr.add(*plot.line_x_max);
    LinePlot lines{plot.title, plot.x_label, plot.y_label, {}, plot.zero_line};
    lines.series.push_back({plot.points_label, plot.x, plot.y, true});
    if (!xr.empty() && std::isfinite(plot.slope) && std::isfinite(plot.intercept)) {
        lines.series.push_back({plot.line_label,
                                {xr.low, xr.high},
                                {plot.slope * xr.low + plot.intercept, plot.slope * xr.high + plot.intercept},
                                false});
    }
    write_line_plot(path, lines);
}

void write_bar_chart(const std::string& path, const BarChart& chart) {
    if (chart.labels.size() != chart.values.size())
        throw std::runtime_error(path + ": " + std::to_string(chart.labels.size()) + " labels but " +
                                 std::to_string(chart.values.size()) + " values");
    Range yr;
    yr.add(0.0);
    for (const double v : chart.values) yr.add(v);
    yr.settle(0.0, 1.0);
    const double pad = 0.08 * (yr.high - yr.low);
    const Ticks yt = nice_ticks(yr.low - (yr.low < 0 ? pad : 0.0), yr.high + (yr.high > 0 ? pad : 0.0), 6);
    yr.low = std::min(yr.low, yt.values.front());
    yr.high = std::max(yr.high, yt.values.back());

    const double plot_w = width - left - right;
    const double plot_h = height - top - bottom;
    const auto to_y = [&](double v) { return top + plot_h - (v - yr.low) / (yr.high - yr.low) * plot_h; };

    const drawing::Canvas canvas(width, height);
    cairo_t* cr = canvas.get();

    drawing::draw_y_grid(cr, yt, yr.low, yr.high, left, plot_w, to_y);
    const double slot = chart.values.empty() ? plot_w : plot_w / static_cast<double>(chart.values.size());
    for (std::size_t i = 0; i < chart.values.size(); ++i) {
        const double centre = left + slot * (static_cast<double>(i) + 0.5);
        if (std::isfinite(chart.values[i])) {
            const Rgb c = palette[i % palette.size()];
            cairo_set_source_rgb(cr, c.r, c.g, c.b);
            const double y0 = to_y(0.0), y1 = to_y(chart.values[i]);
            const double bar = std::min(slot * 0.7, 120.0);  // one bar stays a bar, not a block
            cairo_rectangle(cr, centre - bar / 2, std::min(y0, y1), bar, std::fabs(y1 - y0));
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        text_at(cr, chart.labels[i], centre, top + plot_h + 9, 12, 0.5, 0.0);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_move_to(cr, left, std::round(to_y(0.0)) + 0.5);
    cairo_line_to(cr, left + plot_w, std::round(to_y(0.0)) + 0.5);
    cairo_stroke(cr);

    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, left + 0.5, top + 0.5, plot_w, plot_h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    text_at(cr, chart.title, left + plot_w / 2, top / 2, 17, 0.5, 0.5, true);
    cairo_save(cr);
    cairo_translate(cr, 20, top + plot_h / 2);
    cairo_rotate(cr, -std::numbers::pi / 2);
    text_at(cr, chart.y_label, 0, 0, 14, 0.5, 0.5);
    cairo_restore(cr);

    canvas.save(path);
}

}  // namespace ref::science
