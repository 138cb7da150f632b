# Runs COMMAND (a list) and passes if it exits non-zero within 60 s with
# EXPECTED on its stderr.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
message("exit status: ${status}\nstdout:\n${out}\nstderr:\n${err}")
if(status EQUAL 0 OR status MATCHES "timeout")
  message(FATAL_ERROR "expected a non-zero exit, got: ${status}")
endif()
string(FIND "${err}" "${EXPECTED}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr lacks: ${EXPECTED}")
endif()
