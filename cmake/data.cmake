# The bundled products' api-docs.json (ECS, VPC, ESS: 6 MB of JSON) are kept in the repository as one
# xz archive (data/metadata.tar.xz, about a tenth of the size) and unpacked into data/metadata/ at
# configure time, whenever the archive is newer than what is there; data/metadata/ is ignored by git.
# Everything else (the build tree's share/popcheck/metadata link, install, tests) reads that folder.
set(_archive ${PROJECT_SOURCE_DIR}/data/metadata.tar.xz)
set(_stamp ${PROJECT_BINARY_DIR}/data-metadata.unpacked)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_archive})
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/data/metadata OR NOT EXISTS ${_stamp} OR
   ${_archive} IS_NEWER_THAN ${_stamp})
  file(REMOVE_RECURSE ${PROJECT_SOURCE_DIR}/data/metadata)
  file(ARCHIVE_EXTRACT INPUT ${_archive} DESTINATION ${PROJECT_SOURCE_DIR}/data)
  file(TOUCH ${_stamp})
endif()
