// Drawing pieces shared by the line plots, bar charts and maps: a white canvas saved as a PNG
// atomically, text placement, and the horizontal grid with its tick labels.
#pragma once

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include <cairo.h>

#include "ref/science/atomic_file.hpp"
#include "ref/science/plot.hpp"

namespace ref::science::drawing {

// Selects DejaVu Sans at `size`: straight from its font file through FreeType when the file is where
// Debian puts it (fontconfig's start-up, about 5 ms, is then never paid), else through fontconfig.
void select_font(cairo_t* cr, double size, bool bold = false);

// Writes an opaque RGB24 surface as an 8-bit RGB PNG. Fast zlib settings, no row filter: cairo's
// own writer (best adaptive filtering, default level) takes over three times as long for these flat images.
void write_png(cairo_surface_t* surface, const std::string& path);

// Draws `text` so that (align_x, align_y) of its box (0 left/top .. 1 right/bottom) lands on (x, y).
inline void text_at(cairo_t* cr, const std::string& text, double x, double y, double size, double align_x,
                    double align_y, bool bold = false) {
    select_font(cr, size, bold);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    cairo_move_to(cr, x - ext.x_bearing - ext.width * align_x, y - ext.y_bearing - ext.height * align_y);
    cairo_show_text(cr, text.c_str());
}

// An RGB image painted white; save() checks the drawing and writes the PNG atomically.
class Canvas {
public:
    Canvas(int width, int height)
        : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy),
          context_(cairo_create(surface_.get()), cairo_destroy) {
        cairo_set_source_rgb(context_.get(), 1, 1, 1);
        cairo_paint(context_.get());
    }
    cairo_t* get() const { return context_.get(); }

    void save(const std::string& path) const {
        cairo_surface_flush(surface_.get());
        if (const auto status = cairo_status(context_.get()); status != CAIRO_STATUS_SUCCESS)
            throw std::runtime_error(path + ": drawing failed: " + cairo_status_to_string(status));
        write_atomically(path, [&](const std::filesystem::path& temporary) { write_png(surface_.get(), temporary.string()); });
    }

private:
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface_;
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context_;
};

// Light horizontal grid lines from x = left over `plot_width`, one per tick inside [low, high],
// each labelled at its left.
template <typename ToY>
void draw_y_grid(cairo_t* cr, const Ticks& ticks, double low, double high, double left, double plot_width,
                 const ToY& to_y) {
    cairo_set_line_width(cr, 1);
    for (const double v : ticks.values) {
        if (v < low || v > high) continue;
        const double y = std::round(to_y(v)) + 0.5;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, left + plot_width, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        text_at(cr, tick_label(v, ticks.step), left - 8, y, 12, 1.0, 0.5);
    }
}

}  // namespace ref::science::drawing
