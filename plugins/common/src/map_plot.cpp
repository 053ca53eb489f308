#include "ref/science/map_plot.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include <cairo.h>
#include <sched.h>

#include "cairo_drawing.hpp"
#include "ref/science/atomic_file.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/plot.hpp"

namespace ref::science {
namespace {

constexpr int width = 900;
constexpr int height = 520;
constexpr double left = 60, right = 30, top = 50, bottom = 110;

struct Rgb {
    double r, g, b;
};

Rgb mix(const Rgb& a, const Rgb& b, double f) { return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f}; }

// Piecewise-linear colour maps: viridis-like for levels, blue-white-red for signed values.
Rgb colour_at(double f, bool diverging) {
    static constexpr std::array<Rgb, 5> sequential = {
        {{0.267, 0.005, 0.329}, {0.231, 0.322, 0.545}, {0.129, 0.569, 0.549}, {0.369, 0.788, 0.384}, {0.993, 0.906, 0.144}}};
    static constexpr std::array<Rgb, 5> signed_map = {
        {{0.020, 0.188, 0.380}, {0.400, 0.655, 0.812}, {0.969, 0.969, 0.969}, {0.937, 0.541, 0.384}, {0.404, 0.000, 0.122}}};
    const auto& stops = diverging ? signed_map : sequential;
    f = std::clamp(f, 0.0, 1.0) * static_cast<double>(stops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(f), stops.size() - 2);
    return mix(stops[i], stops[i + 1], f - static_cast<double>(i));
}

// For each pixel from `first` on (centres at p + 0.5), the cell whose edges [bounds[2c], bounds[2c+1]]
// (in either order, mapped to pixels by `to_pixel`) hold its centre, or -1.
template <typename ToPixel>
std::vector<int> cell_of_each_pixel(const std::vector<double>& bounds, int first, int count, const ToPixel& to_pixel) {
    std::vector<int> cell(static_cast<std::size_t>(std::max(count, 0)), -1);
    for (std::size_t c = 0; 2 * c + 1 < bounds.size(); ++c) {
        const double a = to_pixel(bounds[2 * c]), b = to_pixel(bounds[2 * c + 1]);
        const int from = std::max(static_cast<int>(std::ceil(std::min(a, b) - 0.5)), first);
        const int to = std::min(static_cast<int>(std::ceil(std::max(a, b) - 0.5)), first + count);
        for (int p = from; p < to; ++p) cell[static_cast<std::size_t>(p - first)] = static_cast<int>(c);
    }
    return cell;
}

// Writes the cells' colours straight into the image, one lookup per pixel: a cairo fill per
// cell costs far more once grids have tens of thousands of cells. Missing values stay blank.
template <typename ToX, typename ToY>
void paint_cells(cairo_t* cr, const MapPlot& plot, const std::vector<double>& lat_bounds,
                 const std::vector<double>& lon_bounds, const ToX& to_x, const ToY& to_y, double low, double high) {
    cairo_surface_t* surface = cairo_get_target(cr);
    cairo_surface_flush(surface);
    unsigned char* data = cairo_image_surface_get_data(surface);
    const int image_w = cairo_image_surface_get_width(surface), image_h = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    if (!data) return;

    const auto columns = cell_of_each_pixel(lon_bounds, 0, image_w, to_x);
    const auto rows = cell_of_each_pixel(lat_bounds, 0, image_h, to_y);
    constexpr std::uint32_t blank = 0xFF000000u;  // never an RGB24 colour
    std::vector<std::uint32_t> colours(plot.values.size(), blank);
    for (std::size_t i = 0; i < plot.values.size(); ++i) {
        const double v = plot.values[i];
        if (!std::isfinite(v)) continue;
        const Rgb c = colour_at((v - low) / (high - low), plot.diverging);
        const auto byte = [](double f) { return static_cast<std::uint32_t>(std::lround(std::clamp(f, 0.0, 1.0) * 255.0)); };
        colours[i] = byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b);
    }
    const std::size_t nlon = plot.lon.size();
    for (int y = 0; y < image_h; ++y) {
        const int lat = rows[static_cast<std::size_t>(y)];
        if (lat < 0) continue;
        auto* pixels = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        const std::uint32_t* row_colours = colours.data() + static_cast<std::size_t>(lat) * nlon;
        for (int x = 0; x < image_w; ++x) {
            const int lon = columns[static_cast<std::size_t>(x)];
            if (lon < 0) continue;
            if (const std::uint32_t colour = row_colours[lon]; colour != blank) pixels[x] = colour;
        }
    }
    cairo_surface_mark_dirty(surface);
}

using drawing::text_at;

void draw_panel(cairo_t* cr, const std::string& path, const MapPlot& plot, double offset) {
    if (plot.lat.empty() || plot.lon.empty() || plot.values.size() != plot.lat.size() * plot.lon.size())
        throw std::invalid_argument(path + ": a map needs lat x lon values (" + std::to_string(plot.values.size()) +
                                    " for " + std::to_string(plot.lat.size()) + " x " + std::to_string(plot.lon.size()) + ")");
    const auto lat_bounds = bounds_from_centres(plot.lat, true);
    const auto lon_bounds = bounds_from_centres(plot.lon, false);
    double west = lon_bounds.front(), east = lon_bounds.front(), south = 90, north = -90;
    for (const double b : lon_bounds) west = std::min(west, b), east = std::max(east, b);
    for (const double b : lat_bounds) south = std::min(south, b), north = std::max(north, b);

    double low = plot.low.value_or(INFINITY), high = plot.high.value_or(-INFINITY);
    if (!plot.low || !plot.high) {
        double lo = INFINITY, hi = -INFINITY;
        for (const double v : plot.values)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        if (plot.diverging && std::isfinite(lo)) hi = std::max(std::fabs(lo), std::fabs(hi)), lo = -hi;
        if (!plot.low) low = lo;
        if (!plot.high) high = hi;
    }
    if (!std::isfinite(low) || !std::isfinite(high)) low = 0.0, high = 1.0;
    if (low == high) {
        const double pad = low == 0.0 ? 1.0 : std::fabs(low) * 0.05;
        low -= pad, high += pad;
    }

    // Keep the map's aspect ratio (degrees) inside the available box.
    const double box_w = width - left - right, box_h = height - top - bottom;
    const double scale = std::min(box_w / (east - west), box_h / (north - south));
    const double map_w = scale * (east - west), map_h = scale * (north - south);
    const double x0 = left + (box_w - map_w) / 2, y0 = top + (box_h - map_h) / 2;
    const auto to_x = [&](double lon) { return x0 + (lon - west) * scale; };
    const auto to_y = [&](double lat) { return y0 + (north - lat) * scale; };

    paint_cells(cr, plot, lat_bounds, lon_bounds, [&](double lon) { return to_x(lon); },
                [&](double lat) { return to_y(lat) + offset; }, low, high);
    cairo_save(cr);
    cairo_translate(cr, 0, offset);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x0 + 0.5, y0 + 0.5, map_w, map_h);
    cairo_stroke(cr);
    // Latitude and longitude labels at the frame's corners.
    text_at(cr, tick_label(north, 1.0), x0 - 6, y0, 11, 1.0, 0.0);
    text_at(cr, tick_label(south, 1.0), x0 - 6, y0 + map_h, 11, 1.0, 1.0);
    text_at(cr, tick_label(west, 1.0), x0, y0 + map_h + 4, 11, 0.0, 0.0);
    text_at(cr, tick_label(east, 1.0), x0 + map_w, y0 + map_h + 4, 11, 1.0, 0.0);

    // Colour bar.
    const double bar_x = left + box_w * 0.15, bar_w = box_w * 0.7, bar_y = height - bottom + 40, bar_h = 16;
    for (int p = 0; p < static_cast<int>(bar_w); ++p) {
        const Rgb c = colour_at(p / bar_w, plot.diverging);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_rectangle(cr, bar_x + p, bar_y, 1.5, bar_h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, bar_x + 0.5, bar_y + 0.5, bar_w, bar_h);
    cairo_stroke(cr);
    const Ticks ticks = nice_ticks(low, high, 6);
    for (const double v : ticks.values) {
        if (v < low || v > high) continue;
        const double x = bar_x + (v - low) / (high - low) * bar_w;
        cairo_move_to(cr, x, bar_y + bar_h);
        cairo_line_to(cr, x, bar_y + bar_h + 4);
        cairo_stroke(cr);
        text_at(cr, tick_label(v, ticks.step), x, bar_y + bar_h + 7, 11, 0.5, 0.0);
    }
    text_at(cr, plot.units, bar_x + bar_w / 2, bar_y - 6, 12, 0.5, 1.0);
    text_at(cr, plot.title, width / 2.0, top / 2, 16, 0.5, 0.5, true);
    cairo_restore(cr);
}

}  // namespace

void write_map_plot(const std::string& path, const MapPlot& plot) { write_map_panels(path, {plot}); }

void write_map_panels(const std::string& path, const std::vector<MapPlot>& panels) {
    if (panels.empty()) throw std::invalid_argument(path + ": no map to draw");
    const drawing::Canvas canvas(width, height * static_cast<int>(panels.size()));
    cairo_t* cr = canvas.get();
    for (std::size_t i = 0; i < panels.size(); ++i) draw_panel(cr, path, panels[i], static_cast<double>(i) * height);
    canvas.save(path);
}

void write_map_figures(const std::vector<MapFigure>& figures) {
    cpu_set_t allowed;
    const int cores = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 1;
    const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(cores, 1)), figures.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> failures(figures.size());
    const auto work = [&] {
        for (std::size_t i = next++; i < figures.size(); i = next++) {
            try {
                write_map_panels(figures[i].path, figures[i].panels);
            } catch (...) {
                failures[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
}

}  // namespace ref::science
