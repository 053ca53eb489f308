// Writing values into files a tool reads, so that any path or facet value (spaces, quotes,
// shell or YAML characters, non-ASCII) reaches the tool unchanged.
#pragma once

#include <string>
#include <string_view>

namespace ref::tooling {

// A double-quoted YAML scalar with every special character escaped.
std::string yaml_quote(std::string_view value);

// A Python string literal (single-quoted, escaped), for PMP parameter files.
std::string python_quote(std::string_view value);

// A POSIX-shell single-quoted word (for display only; nothing is ever run through a shell).
std::string shell_quote(std::string_view value);

}  // namespace ref::tooling
