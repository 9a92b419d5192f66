# The one place for compiler warnings. Every target links `recoverysim_warnings` PRIVATE, so the
# flags (and -Werror, for CI) never drift apart between the core, the module and the tests.
option(RECOVERYSIM_WERROR "Treat compiler warnings as errors" OFF)

add_library(recoverysim_warnings INTERFACE)
target_compile_options(recoverysim_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${RECOVERYSIM_WERROR}>:-Werror>)
