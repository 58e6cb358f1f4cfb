# `cmake --install` of libwgnet: the public headers, libwgnet.a and libwgnet.so (SONAME
# libwgnet.so.MAJOR), wgnet.pc for pkg-config and a CMake package for find_package(wgnet).
include(CMakePackageConfigHelpers)

set(wgnet_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wgnet)
install(TARGETS wgnet wgnet_shared EXPORT wgnetTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/wgnet
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT wgnetTargets NAMESPACE wgnet:: DESTINATION ${wgnet_cmake_dir})

configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/wgnetConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/wgnetConfig.cmake
                              INSTALL_DESTINATION ${wgnet_cmake_dir})
# 0.x: every minor version may change the API.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/wgnetConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wgnetConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/wgnetConfigVersion.cmake
        DESTINATION ${wgnet_cmake_dir})

# wgnet.pc finds the prefix from its own directory, so an installed tree can be moved.
file(RELATIVE_PATH wgnet_pc_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" wgnet_pc_to_prefix "${wgnet_pc_to_prefix}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/wgnet.pc.in ${CMAKE_CURRENT_BINARY_DIR}/wgnet.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wgnet.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
