# sluice_library(NAME DIRS dir... [SOURCES file...])
#
# One library of src/, which sees only its own headers and those of the
# libraries it links (their include roots travel with target_link_libraries).
# Each library gets a private include root under build/include/NAME holding
# links to exactly the headers of its DIRS (not their subfolders, which are
# other libraries), so `#include "sync/table_sync.h"` from a library below
# sync fails to compile: the arrows between libraries point one way, and
# the build holds them (docs/architecture.md).
function(sluice_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;SOURCES" ${ARGN})
  if(ARG_SOURCES)
    add_library(${name} ${ARG_SOURCES})
    set(scope PUBLIC)
  else()
    add_library(${name} INTERFACE)  # headers only: an interface
    set(scope INTERFACE)
  endif()
  set(root ${CMAKE_BINARY_DIR}/include/${name})
  file(REMOVE_RECURSE ${root})
  foreach(dir ${ARG_DIRS})
    file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${dir}/*.h)
    file(MAKE_DIRECTORY ${root}/${dir})
    foreach(header ${headers})
      get_filename_component(file ${header} NAME)
      file(CREATE_LINK ${header} ${root}/${dir}/${file} SYMBOLIC)
    endforeach()
  endforeach()
  target_include_directories(${name} ${scope} ${root})
endfunction()
