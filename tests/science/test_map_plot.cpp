// Map PNGs: the file is a PNG of the documented size, one panel per map.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>

#include <cairo.h>

#include "ref/datagen/temp_dir.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/plot.hpp"

#include "cairo_drawing.hpp"

using namespace ref::science;

namespace {

std::uint32_t big_endian(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// Width and height from the PNG's IHDR chunk.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char header[24] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    REQUIRE(in.good());
    REQUIRE(header[1] == 'P');
    REQUIRE(header[2] == 'N');
    REQUIRE(header[3] == 'G');
    return {big_endian(header + 16), big_endian(header + 20)};
}

MapPlot sample_map() {
    MapPlot p;
    p.title = "sample";
    p.units = "K";
    for (double la = 85; la > -90; la -= 10) p.lat.push_back(la);  // north first
    for (double lo = -175; lo < 180; lo += 10) p.lon.push_back(lo);
    for (const double la : p.lat)
        for (const double lo : p.lon) p.values.push_back(lo > 0 && lo < 40 ? NAN : la + 0.1 * lo);
    return p;
}

// The pixel at (x, y) of a PNG as 0xRRGGBB, decoded by cairo (not by the code that wrote it).
std::uint32_t pixel_at(const std::filesystem::path& path, int x, int y) {
    const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
        cairo_image_surface_create_from_png(path.c_str()), cairo_surface_destroy);
    REQUIRE(cairo_surface_status(image.get()) == CAIRO_STATUS_SUCCESS);
    REQUIRE(x < cairo_image_surface_get_width(image.get()));
    REQUIRE(y < cairo_image_surface_get_height(image.get()));
    const unsigned char* row = cairo_image_surface_get_data(image.get()) + y * cairo_image_surface_get_stride(image.get());
    return reinterpret_cast<const std::uint32_t*>(row)[x] & 0xFFFFFFu;
}

}  // namespace

TEST_CASE("map cells are painted where they lie, in their own panel, and missing cells stay white") {
    const ref::datagen::TemporaryDirectory dir;
    // Two cells on a 1 x 2 grid spanning 0..180 and 180..360 degrees east, 10 S..10 N.
    MapPlot map;
    map.title = "two cells";
    map.lat = {0.0};
    map.lon = {90.0, 270.0};
    map.values = {1.0, NAN};
    map.low = 0.0;
    map.high = 1.0;  // the value 1 takes the top of the colour map (yellow)
    write_map_panels((dir / "two.png").string(), {map, map});
    // The map box is 810 x 360 pixels from (60, 50); a 360 x 20 degree map fills its width,
    // 2.25 pixels a degree, so it is 45 pixels tall, centred: rows 207.5..252.5.
    constexpr int middle_row = 230;
    for (const int panel_top : {0, 520}) {
        const std::uint32_t painted = pixel_at(dir / "two.png", 60 + 200, panel_top + middle_row);
        CHECK(painted == 0xFDE725u);  // (0.993, 0.906, 0.144) in 8 bits
        CHECK(pixel_at(dir / "two.png", 60 + 600, panel_top + middle_row) == 0xFFFFFFu);  // the missing cell
        CHECK(pixel_at(dir / "two.png", 60 + 200, panel_top + 100) == 0xFFFFFFu);        // above the map
    }
}

TEST_CASE("map plots are PNGs with one 900x520 panel per map") {
    const ref::datagen::TemporaryDirectory dir;
    write_map_plot((dir / "one.png").string(), sample_map());
    CHECK(png_size(dir / "one.png") == std::pair<std::uint32_t, std::uint32_t>{900, 520});
    MapPlot signed_map = sample_map();
    signed_map.diverging = true;
    signed_map.values.assign(signed_map.values.size(), NAN);  // all missing: blank, still drawn
    write_map_panels((dir / "three.png").string(), {sample_map(), sample_map(), signed_map});
    CHECK(png_size(dir / "three.png") == std::pair<std::uint32_t, std::uint32_t>{900, 1560});
    MapPlot bad = sample_map();
    bad.values.pop_back();
    CHECK_THROWS_AS(write_map_plot((dir / "bad.png").string(), bad), std::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.png"));
}

TEST_CASE("bar charts are 900x500 PNGs and refuse labels without values") {
    const ref::datagen::TemporaryDirectory dir;
    write_bar_chart((dir / "bars.png").string(), {"bars", "K", {"a", "b", "c"}, {1.5, -0.5, NAN}});
    CHECK(png_size(dir / "bars.png") == std::pair<std::uint32_t, std::uint32_t>{900, 500});
    CHECK_THROWS_AS(write_bar_chart((dir / "bad.png").string(), {"bad", "K", {"a", "b"}, {1.0}}), std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.png"));
}

TEST_CASE("several map figures are written at once and one bad figure does not stop the others") {
    const ref::datagen::TemporaryDirectory dir;
    std::vector<MapFigure> figures;
    for (int i = 0; i < 5; ++i) figures.push_back({(dir / ("map" + std::to_string(i) + ".png")).string(), {sample_map()}});
    MapPlot bad = sample_map();
    bad.values.pop_back();
    figures[2].panels = {sample_map(), bad};
    CHECK_THROWS_AS(write_map_figures(figures), std::invalid_argument);
    for (int i = 0; i < 5; ++i) {
        INFO("figure " << i);
        CHECK(std::filesystem::exists(dir / ("map" + std::to_string(i) + ".png")) == (i != 2));
    }
    CHECK(png_size(dir / "map4.png") == std::pair<std::uint32_t, std::uint32_t>{900, 520});
}

TEST_CASE("a written PNG decodes to exactly the pixels drawn") {
    const ref::datagen::TemporaryDirectory dir;
    constexpr int width = 301, height = 203;  // odd sizes: no row length is a multiple of a word
    const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy);
    // Flat blocks (as in maps), a smooth gradient and noise (where compression finds no runs).
    unsigned char* data = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    std::uint32_t noise = 12345;
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + y * stride);
        for (int x = 0; x < width; ++x) {
            noise = noise * 1664525u + 1013904223u;
            if (y < 70)
                row[x] = (x / 40) % 2 ? 0xFDE725u : 0x440154u;
            else if (y < 140)
                row[x] = static_cast<std::uint32_t>(x * 255 / width) << 16 | static_cast<std::uint32_t>(y) << 8 | 0x80u;
            else
                row[x] = noise >> 8;
        }
    }
    cairo_surface_mark_dirty(surface.get());
    const auto path = dir / "pixels.png";
    ref::science::drawing::write_png(surface.get(), path.string());

    const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> decoded(
        cairo_image_surface_create_from_png(path.c_str()), cairo_surface_destroy);
    REQUIRE(cairo_surface_status(decoded.get()) == CAIRO_STATUS_SUCCESS);
    REQUIRE(cairo_image_surface_get_width(decoded.get()) == width);
    REQUIRE(cairo_image_surface_get_height(decoded.get()) == height);
    const unsigned char* read = cairo_image_surface_get_data(decoded.get());
    const int read_stride = cairo_image_surface_get_stride(decoded.get());
    int different = 0;
    for (int y = 0; y < height; ++y) {
        const auto* want = reinterpret_cast<const std::uint32_t*>(data + y * stride);
        const auto* got = reinterpret_cast<const std::uint32_t*>(read + y * read_stride);
        for (int x = 0; x < width; ++x) different += (want[x] & 0xFFFFFFu) != (got[x] & 0xFFFFFFu);
    }
    CHECK(different == 0);
}
