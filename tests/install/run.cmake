# Runs the README's "Use it in your project" section: its commands, line for
# line, and its CMakeLists.txt (tests/install/${CONSUMER}/), with scratch
# directories in place of the README's paths. Fails if the README no longer
# shows a command or a CMakeLists.txt as they are here, so the two stay in step.
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCOMPILER=... -DCONSUMER=find_package|add_subdirectory|compiler -P run.cmake

# The README's commands; they run in the ctdiff clone (SOURCE_DIR), where its "-S ." points.
set(install_commands "cmake -S . -B build/install -DCTDIFF_BUILD_TESTS=OFF -DCTDIFF_BUILD_EXAMPLES=OFF"
                     "cmake --install build/install --prefix /opt/ctdiff")
set(find_package_commands "cmake -S app -B app/build -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=/opt/ctdiff"
                          "cmake --build app/build" "app/build/app")
set(add_subdirectory_commands "cmake -S app -B app/build -DCMAKE_BUILD_TYPE=Release" "cmake --build app/build"
                              "app/build/app")
set(compiler_commands "g++ -std=c++20 -O2 -pthread -I ctdiff/include app/main.cpp -o app/app" "app/app")

file(READ ${SOURCE_DIR}/README.md readme)

function(expect_in_readme text what)
  string(FIND "${readme}" "${text}" position)
  if(position EQUAL -1)
    message(FATAL_ERROR "README.md does not show ${what}:\n${text}")
  endif()
endfunction()

# Runs one README command: its paths mapped to the scratch directories, the
# test's compiler added where it configures.
function(run_readme_command command)
  expect_in_readme("\n${command}\n" "the command")
  separate_arguments(arguments UNIX_COMMAND "${command}")
  set(mapped)
  foreach(argument IN LISTS arguments)
    string(REGEX REPLACE "^cmake$" "${CMAKE_COMMAND}" argument "${argument}")
    string(REGEX REPLACE "^g\\+\\+$" "${COMPILER}" argument "${argument}")
    string(REGEX REPLACE "^ctdiff/include$" "${SOURCE_DIR}/include" argument "${argument}")
    string(REGEX REPLACE "^build/install$" "${WORK_DIR}/library" argument "${argument}")
    # Not REGEX REPLACE "^app(/|$)": it replaces again after its own match, making app/app WORK_DIR/app/WORK_DIR/app.
    if(argument MATCHES "^app(/.*)?$")
      set(argument "${WORK_DIR}/app${CMAKE_MATCH_1}")
    endif()
    string(REPLACE "/opt/ctdiff" "${WORK_DIR}/prefix" argument "${argument}")
    list(APPEND mapped "${argument}")
  endforeach()
  if(command MATCHES "^cmake -S ")
    list(APPEND mapped "-DCMAKE_CXX_COMPILER=${COMPILER}")
  endif()
  execute_process(COMMAND ${mapped} WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${command}\nrun as: ${mapped}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${CMAKE_CURRENT_LIST_DIR}/main.cpp DESTINATION ${WORK_DIR}/app)
if(NOT CONSUMER STREQUAL "compiler")
  file(READ ${CMAKE_CURRENT_LIST_DIR}/${CONSUMER}/CMakeLists.txt consumer_cmakelists)
  expect_in_readme("${consumer_cmakelists}" "tests/install/${CONSUMER}/CMakeLists.txt")
  file(COPY ${CMAKE_CURRENT_LIST_DIR}/${CONSUMER}/CMakeLists.txt DESTINATION ${WORK_DIR}/app)
endif()

if(CONSUMER STREQUAL "find_package")
  foreach(command IN LISTS install_commands)
    run_readme_command("${command}")
  endforeach()
elseif(CONSUMER STREQUAL "add_subdirectory")
  # The README's copy of the repository (a git submodule, say): here a link to this one.
  file(MAKE_DIRECTORY ${WORK_DIR}/app/external)
  file(CREATE_LINK ${SOURCE_DIR} ${WORK_DIR}/app/external/ctdiff SYMBOLIC)
elseif(NOT CONSUMER STREQUAL "compiler")
  message(FATAL_ERROR "CONSUMER is find_package, add_subdirectory or compiler, not '${CONSUMER}'")
endif()
foreach(command IN LISTS ${CONSUMER}_commands)
  run_readme_command("${command}")
endforeach()
