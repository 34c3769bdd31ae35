# Checks a systemd unit file with systemd-analyze.
#   -DUNIT=path/to/x.service -DBINARY=built/program -DWORK=dir -DMODE=verify|security [-DMAX=2.0]
# `verify` needs ExecStart to name an existing file, so the unit is checked as a copy whose
# ExecStart points at the freshly built program; everything else is the unit as shipped.
find_program(SYSTEMD_ANALYZE systemd-analyze REQUIRED)
get_filename_component(name "${UNIT}" NAME)
file(READ "${UNIT}" text)
string(REGEX REPLACE "ExecStart=[^ \n]+" "ExecStart=${BINARY}" text "${text}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/${name}" "${text}")

if(MODE STREQUAL "verify")
  execute_process(COMMAND ${SYSTEMD_ANALYZE} verify "${WORK}/${name}"
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0 OR NOT "${err}" STREQUAL "")
    message(FATAL_ERROR "systemd-analyze verify refused ${name} (${result}):\n${out}${err}")
  endif()
  message(STATUS "systemd-analyze verify accepts ${name}")
elseif(MODE STREQUAL "security")
  execute_process(COMMAND ${SYSTEMD_ANALYZE} security --offline=true --no-pager "${WORK}/${name}"
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX MATCH "Overall exposure level for [^:]+: ([0-9]+\\.[0-9]+)" line "${out}")
  if(NOT line)
    message(FATAL_ERROR "no exposure level in the output of systemd-analyze security:\n${out}${err}")
  endif()
  set(level "${CMAKE_MATCH_1}")
  if(level GREATER MAX)
    message(FATAL_ERROR "${name} exposure level ${level} is above ${MAX}:\n${out}")
  endif()
  message(STATUS "${name} exposure level ${level} (at most ${MAX})")
else()
  message(FATAL_ERROR "MODE must be verify or security")
endif()
