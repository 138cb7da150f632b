# Compiles SOURCE with COMPILER and expects it to fail with exactly one
# "error:" line and at most MAX_LINES lines of diagnostics, matching PATTERN:
# a mistake must read as one short message, on every compiler.
# SYSTEM_INCLUDE_DIRS: the dependencies' headers (Eigen's), a list.
set(system_includes)
foreach(directory IN LISTS SYSTEM_INCLUDE_DIRS)
  list(APPEND system_includes -isystem ${directory})
endforeach()
execute_process(COMMAND ${COMPILER} -std=c++20 -fsyntax-only -fdiagnostics-color=never -I${INCLUDE_DIR} ${system_includes}
                        ${SOURCE}
                RESULT_VARIABLE result ERROR_VARIABLE diagnostics OUTPUT_VARIABLE output)
string(APPEND diagnostics "${output}")
string(REGEX MATCHALL "error:" errors "${diagnostics}")
list(LENGTH errors error_count)
string(REGEX MATCHALL "\n" newlines "${diagnostics}")
list(LENGTH newlines line_count)
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but must not")
elseif(NOT error_count EQUAL 1)
  message(FATAL_ERROR "${error_count} errors, expected 1:\n${diagnostics}")
elseif(line_count GREATER MAX_LINES)
  message(FATAL_ERROR "${line_count} lines of diagnostics, at most ${MAX_LINES} expected:\n${diagnostics}")
elseif(NOT diagnostics MATCHES "${PATTERN}")
  message(FATAL_ERROR "the diagnostics do not match ${PATTERN}:\n${diagnostics}")
endif()
