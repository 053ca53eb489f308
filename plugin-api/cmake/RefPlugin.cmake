# ref_add_provider_plugin(<target> [OUTPUT_DIR dir] SOURCES ...)
# Builds a provider plugin as a MODULE library that exports only the entry symbol.
# Third parties may include this file from an installed ref-engine or copy it.
set(REF_PLUGIN_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/ref-plugin.map)

function(ref_add_provider_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  endif()
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${REF_PLUGIN_VERSION_SCRIPT}" "LINKER:--no-undefined")
  target_link_libraries(${target} PRIVATE ref::plugin_api)
endfunction()
