# Finds every third-party library sluice uses. All come from Debian -dev
# packages except DuckDB, which scripts/setup.sh fetches into .deps/.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_package(zstd REQUIRED)
find_package(Snappy REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)

if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()

if(TARGET zstd::libzstd_shared)
  set(SLUICE_ZSTD zstd::libzstd_shared)
else()
  set(SLUICE_ZSTD zstd::libzstd_static)
endif()

# DuckDB: set DUCKDB_ROOT or let it default to the pinned copy in .deps/.
set(DUCKDB_ROOT "${CMAKE_CURRENT_SOURCE_DIR}/.deps/duckdb-1.4.4" CACHE PATH "Directory with include/duckdb.h and lib/libduckdb.so")
find_path(DUCKDB_INCLUDE_DIR duckdb.h PATHS ${DUCKDB_ROOT}/include NO_DEFAULT_PATH)
find_library(DUCKDB_LIBRARY duckdb PATHS ${DUCKDB_ROOT}/lib NO_DEFAULT_PATH)
if(NOT DUCKDB_INCLUDE_DIR OR NOT DUCKDB_LIBRARY)
  message(FATAL_ERROR "DuckDB not found under ${DUCKDB_ROOT}: run scripts/setup.sh (or `make setup`) first")
endif()
add_library(DuckDB::duckdb SHARED IMPORTED)
set_target_properties(DuckDB::duckdb PROPERTIES
  IMPORTED_LOCATION ${DUCKDB_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${DUCKDB_INCLUDE_DIR})
# Binaries find libduckdb.so where it was fetched, without LD_LIBRARY_PATH.
get_filename_component(DUCKDB_LIBRARY_DIR ${DUCKDB_LIBRARY} DIRECTORY)
set(CMAKE_BUILD_RPATH ${DUCKDB_LIBRARY_DIR})
set(CMAKE_INSTALL_RPATH ${DUCKDB_LIBRARY_DIR})
