# Our changes to lwIP live as patches in netstack/patches/NNNN-name.patch (applied in name order,
# each with a header saying what it changes and why), never as edits to deps/lwip: that tree is
# Debian's pristine source and is shared by every worktree. At configure time the source is
# copied into the build directory and patched there; a stamp (the source's and every patch's
# SHA-256) makes a changed, added or removed patch redo the copy on the next build, and a patch
# that does not apply exactly (no fuzz) stops the configure with patch's own output.

# wgnet_patch_lwip(<pristine source dir> <out var: patched source dir>)
function(wgnet_patch_lwip pristine out_var)
  find_program(PATCH_EXECUTABLE patch)
  if(NOT PATCH_EXECUTABLE)
    message(FATAL_ERROR "'patch' not found: it applies netstack/patches/*.patch to lwIP. "
                        "Install it (Debian: apt-get install patch; scripts/setup.sh does).")
  endif()

  file(GLOB patches CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/patches/*.patch")
  list(SORT patches)
  # The glob notices added and removed patches; this makes an edited one re-run the configure.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${patches})

  # Everything the patched copy depends on, as text: the pristine files' hashes and the patches'.
  file(GLOB_RECURSE pristine_files RELATIVE "${pristine}" "${pristine}/src/*")
  list(SORT pristine_files)
  set(pristine_hashes "")
  foreach(f IN LISTS pristine_files)
    file(SHA256 "${pristine}/${f}" h)
    string(APPEND pristine_hashes "${f} ${h}\n")
  endforeach()
  string(SHA256 pristine_digest "${pristine_hashes}")
  set(stamp_text "lwIP ${pristine} ${pristine_digest}\n")
  foreach(p IN LISTS patches)
    file(SHA256 "${p}" h)
    string(APPEND stamp_text "patch ${p} ${h}\n")
  endforeach()

  set(patched "${CMAKE_BINARY_DIR}/lwip-patched")
  set(stamp "${patched}.stamp")
  set(old_stamp "")
  if(EXISTS "${stamp}" AND EXISTS "${patched}/src/Filelists.cmake")
    file(READ "${stamp}" old_stamp)
  endif()
  if(NOT old_stamp STREQUAL stamp_text)
    message(STATUS "lwIP: copying ${pristine} and applying ${CMAKE_CURRENT_SOURCE_DIR}/patches")
    file(REMOVE_RECURSE "${patched}")
    file(REMOVE "${stamp}")
    # doc/ too: Filelists.cmake configures lwIP's Doxyfile from it.
    file(COPY "${pristine}/src" "${pristine}/doc" "${pristine}/COPYING" DESTINATION "${patched}")
    foreach(p IN LISTS patches)
      execute_process(COMMAND "${PATCH_EXECUTABLE}" -p1 --batch --forward --fuzz=0
                              --no-backup-if-mismatch -d "${patched}" -i "${p}"
                      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      if(NOT rc EQUAL 0)
        file(REMOVE_RECURSE "${patched}")
        message(FATAL_ERROR "lwIP patch ${p} does not apply to ${pristine} "
                            "(patch exit ${rc}):\n${out}")
      endif()
      message(STATUS "lwIP: applied ${p}")
    endforeach()
    file(WRITE "${stamp}" "${stamp_text}")
  endif()
  set(${out_var} "${patched}" PARENT_SCOPE)
endfunction()
