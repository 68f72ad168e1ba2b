# The install tree and the Debian package (issue 18).
#
#   cmake --install build/release --prefix /opt/popcheck     # or: cd build/release && cpack -G DEB
#
# lays out
#   <prefix>/bin/popcheck
#   <prefix>/share/popcheck/{metadata,schemas,cases,adapters}   the run-time data; the binary finds it as
#                                                               <dir of the executable>/../share/popcheck
#   <prefix>/share/doc/popcheck/                                README, the adapter protocol, the data folder
# The package installs under /usr; its name, version and architecture make its file name
# (popcheck_<version>_<arch>.deb, what the Dockerfile and the CI templates install).
include(GNUInstallDirs)
# Installing and packaging take the build as it is (build first): cpack never starts a build of its own.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(POPCHECK_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/popcheck)

install(TARGETS popcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/metadata ${PROJECT_SOURCE_DIR}/data/schemas
                  ${PROJECT_SOURCE_DIR}/cases
        DESTINATION ${POPCHECK_INSTALL_DATADIR})
# The adapters and the pinned SDK list they require(): `npm ci` in <prefix>/share/popcheck/adapters
# installs the SDKs beside them (docs/adapters.md).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/adapters DESTINATION ${POPCHECK_INSTALL_DATADIR}
        FILES_MATCHING PATTERN "*.js")
install(FILES ${PROJECT_SOURCE_DIR}/tests/sdk/package.json ${PROJECT_SOURCE_DIR}/tests/sdk/package-lock.json
        DESTINATION ${POPCHECK_INSTALL_DATADIR}/adapters)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/adapters.md
              ${PROJECT_SOURCE_DIR}/docs/data.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(POPCHECK_PACKAGE_MAINTAINER "popcheck maintainers <maintainers@users.noreply.h-seed-bd903cbf.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME popcheck)
set(CPACK_PACKAGE_VENDOR "popcheck")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "conformance testing for Alibaba Cloud RPC (POP) APIs")
set(CPACK_PACKAGE_DESCRIPTION
    "popcheck compiles API documentation and metadata into test cases, runs them against the real cloud,\n\
an emulator or an SDK, records and replays real exchanges through a proxy, and emulates the bundled\n\
products (ECS, VPC, ESS) offline. JUnit, JSON and HTML reports.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${POPCHECK_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: dpkg-shlibdeps reads the binary's shared libraries and names the Debian packages that ship
# them with their minimum versions (libc6, libgcc-s1, libpugixml1v5, libssl3, libstdc++6 on Debian 12).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Node runs the SDK adapters of `popcheck run --sdk`; everything else works without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nodejs")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "npm")
include(CPack)
