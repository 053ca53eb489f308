# The dataset catalog's sources, compiled into ref_engine_core (included from engine/CMakeLists.txt).
set(REF_CATALOG_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/adapter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/csv_catalog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmip6.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmip7.cpp
  ${CMAKE_CURRENT_LIST_DIR}/discovery.cpp
  ${CMAKE_CURRENT_LIST_DIR}/esmvaltool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hdf5_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/netcdf_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/obs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/solver_catalog.cpp)
# The ingest code joins as soon as its file exists (re-checked on every build).
file(GLOB REF_CATALOG_INGEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/ingest.cpp)
list(APPEND REF_CATALOG_SOURCES ${REF_CATALOG_INGEST_SOURCES})
