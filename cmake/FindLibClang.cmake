# Finds libclang (the C API) whatever version Debian installs (14 today; 15-19 must work too).
# Order: llvm-config (any suffixed version, newest first), the Clang CMake package, then a plain
# library search. Sets LIBCLANG_LIBRARY, LIBCLANG_INCLUDE_DIR and LIBCLANG_RESOURCE_DIR (where
# clang's builtin headers such as stddef.h live; the importer passes it to libclang so a fresh
# machine needs no extra flags).
set(_bw_llvm_versions 19 18 17 16 15 14 13)
set(_bw_llvm_config_names llvm-config)
foreach(v ${_bw_llvm_versions})
  list(APPEND _bw_llvm_config_names llvm-config-${v})
endforeach()
set(_bw_hints)
foreach(v ${_bw_llvm_versions})
  list(APPEND _bw_hints /usr/lib/llvm-${v})
endforeach()

find_program(LLVM_CONFIG_EXECUTABLE NAMES ${_bw_llvm_config_names}
  HINTS ${_bw_hints} PATH_SUFFIXES bin)
if(LLVM_CONFIG_EXECUTABLE)
  execute_process(COMMAND ${LLVM_CONFIG_EXECUTABLE} --libdir OUTPUT_VARIABLE _bw_llvm_libdir
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG_EXECUTABLE} --includedir OUTPUT_VARIABLE _bw_llvm_incdir
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG_EXECUTABLE} --prefix OUTPUT_VARIABLE _bw_llvm_prefix
    OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

if(NOT _bw_llvm_libdir)
  find_package(Clang CONFIG QUIET HINTS ${_bw_hints})
  if(Clang_FOUND AND TARGET libclang)
    get_target_property(_bw_libclang_loc libclang LOCATION)
    get_filename_component(_bw_llvm_libdir ${_bw_libclang_loc} DIRECTORY)
    set(_bw_llvm_incdir ${CLANG_INCLUDE_DIRS})
  endif()
endif()

set(_bw_libclang_names clang libclang)
foreach(v ${_bw_llvm_versions})
  list(APPEND _bw_libclang_names clang-${v} libclang-${v}.so.1)
endforeach()
find_library(LIBCLANG_LIBRARY NAMES ${_bw_libclang_names}
  HINTS ${_bw_llvm_libdir} PATHS ${_bw_hints} PATH_SUFFIXES lib)
find_path(LIBCLANG_INCLUDE_DIR clang-c/Index.h
  HINTS ${_bw_llvm_incdir} PATHS ${_bw_hints} PATH_SUFFIXES include)

if(NOT LIBCLANG_LIBRARY OR NOT LIBCLANG_INCLUDE_DIR)
  message(FATAL_ERROR "libclang not found: install libclang-dev (apt-get install libclang-dev) "
    "or configure with -DBW_IMPORT=OFF")
endif()

# The builtin headers live in <libdir>/clang/<version>/include next to libclang.
if(NOT LIBCLANG_RESOURCE_DIR)
  get_filename_component(_bw_lib_real ${LIBCLANG_LIBRARY} REALPATH)
  get_filename_component(_bw_lib_dir ${_bw_lib_real} DIRECTORY)
  file(GLOB _bw_resource_dirs ${_bw_lib_dir}/clang/* ${_bw_llvm_libdir}/clang/*)
  foreach(d ${_bw_resource_dirs})
    if(EXISTS ${d}/include/stddef.h)
      set(LIBCLANG_RESOURCE_DIR ${d})
    endif()
  endforeach()
endif()
if(NOT LIBCLANG_RESOURCE_DIR)
  set(LIBCLANG_RESOURCE_DIR "")
  message(WARNING "clang's builtin headers not found; bw-import will rely on libclang's own search")
endif()
message(STATUS "libclang: ${LIBCLANG_LIBRARY} (headers ${LIBCLANG_INCLUDE_DIR}, resources ${LIBCLANG_RESOURCE_DIR})")
