// Text placement shared by the line plots and the maps.
#pragma once

#include <string>

#include <cairo.h>

namespace ref::science::drawing {

inline constexpr const char* font = "DejaVu Sans";

// Draws `text` so that (align_x, align_y) of its box (0 left/top .. 1 right/bottom) lands on (x, y).
inline void text_at(cairo_t* cr, const std::string& text, double x, double y, double size, double align_x,
                    double align_y, bool bold = false) {
    cairo_select_font_face(cr, font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    cairo_move_to(cr, x - ext.x_bearing - ext.width * align_x, y - ext.y_bearing - ext.height * align_y);
    cairo_show_text(cr, text.c_str());
}

}  // namespace ref::science::drawing
