# Install the headers and an exported ctdiff::ctdiff target, so that an
# installed copy is found with find_package(ctdiff).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/ctdiff DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ctdiff EXPORT ctdiff-targets)
install(EXPORT ctdiff-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
# The least_squares component has its own export set, so that only
# find_package(ctdiff COMPONENTS least_squares) looks for Eigen.
if(TARGET ctdiff_least_squares)
  install(TARGETS ctdiff_least_squares EXPORT ctdiff-least-squares-targets)
  install(EXPORT ctdiff-least-squares-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
endif()

# Likewise the batch component: only find_package(ctdiff COMPONENTS batch) looks for Eigen.
if(TARGET ctdiff_batch)
  install(TARGETS ctdiff_batch EXPORT ctdiff-batch-targets)
  install(EXPORT ctdiff-batch-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
endif()

# Likewise the mpi component: only find_package(ctdiff COMPONENTS mpi) looks for MPI.
if(TARGET ctdiff_mpi)
  install(TARGETS ctdiff_mpi EXPORT ctdiff-mpi-targets)
  install(EXPORT ctdiff-mpi-targets NAMESPACE ctdiff:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
endif()

configure_package_config_file(cmake/ctdiff-config.cmake.in ${PROJECT_BINARY_DIR}/ctdiff-config.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
# A header-only library has no ABI: any compiler may use it, so the version file is arch-independent.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ctdiff-config-version.cmake COMPATIBILITY SameMinorVersion
                                 ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/ctdiff-config.cmake ${PROJECT_BINARY_DIR}/ctdiff-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctdiff)
