# Install the headers and an exported ctdiff::ctdiff target, so that an
# installed copy is found with find_package(ctdiff).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/ctdiff DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ctdiff EXPORT ctdiff-targets)
install(EXPORT ctdiff-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
# Each optional component has its own export set, so that only
# find_package(ctdiff COMPONENTS <name>) looks for its dependencies.
# The precompiled component's archive is installed where it was built
# (cmake --build <dir> --target ctdiff_precompiled before the install).
foreach(component IN LISTS CTDIFF_COMPONENTS)
  install(TARGETS ctdiff_${component} EXPORT ctdiff-${component}-targets OPTIONAL)
  install(EXPORT ctdiff-${component}-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
endforeach()

configure_package_config_file(cmake/ctdiff-config.cmake.in ${PROJECT_BINARY_DIR}/ctdiff-config.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
# A header-only library has no ABI: any compiler may use it, so the version file is arch-independent.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ctdiff-config-version.cmake COMPATIBILITY SameMinorVersion
                                 ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/ctdiff-config.cmake ${PROJECT_BINARY_DIR}/ctdiff-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
