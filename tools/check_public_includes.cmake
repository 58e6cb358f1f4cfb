# Fails when a tool includes a private libwgnet header: tools use the public API
# (libwgnet/include/wgnet/) and nothing else. Run by the build (target check_public_includes)
# and by ctest against a fixture that must fail.
#   cmake -DSOURCES_DIR=<dir to scan> -DPRIVATE_DIR=<libwgnet> -P check_public_includes.cmake

cmake_minimum_required(VERSION 3.25)  # IN_LIST in script mode

# "file: header" pairs allowed for now, each with the reason it goes (none since wg-dig moved to
# the public DNS query call).
set(allowed "")

file(GLOB_RECURSE sources RELATIVE ${SOURCES_DIR} ${SOURCES_DIR}/*.cpp ${SOURCES_DIR}/*.hpp
     ${SOURCES_DIR}/*.h ${SOURCES_DIR}/*.c)
set(violations "")
foreach(source ${sources})
  file(STRINGS ${SOURCES_DIR}/${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line ${lines})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
    # A private header: one that lives in the library's own tree, or lwIP's.
    if((EXISTS ${PRIVATE_DIR}/${header} AND NOT header MATCHES "^include/")
       OR header MATCHES "^(lwip|arch|netif)/")
      if(NOT "${source}: ${header}" IN_LIST allowed)
        string(APPEND violations "  ${source}: #include \"${header}\"\n")
      endif()
    endif()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "tools may include only the public headers (wgnet/...); private ones:\n"
                      "${violations}")
endif()
