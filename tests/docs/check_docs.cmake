# Compiles and runs the C++ blocks of one Markdown document, checks the
# outputs their comments state, and checks that its relative links lead to
# files, so that the README and docs/ cannot drift from the code.
#   cmake -DDOC=docs/tutorial.md -DSOURCE_DIR=... -DWORK_DIR=... -DCOMPILER=c++
#         [-DINCLUDE_DIRS=...] [-DEIGEN_INCLUDE_DIRS=...] [-DSEPARATE=ON] -P check_docs.cmake
# DOC is relative to SOURCE_DIR. INCLUDE_DIRS are added with -I (the system's
# own include directories are left out); EIGEN_INCLUDE_DIRS too, and where it
# is empty the blocks that include an Eigen component are skipped. SEPARATE=ON
# compiles every block alone (slower); by default all the blocks of a document
# are compiled together, one translation unit, each in a namespace of its own.
#
# The convention (docs/design.md, "The docs are tested", says the same):
# - A ```cpp block with no marker must be a complete program (it has
#   `int main`): it is compiled and run, and must return 0. It runs in a
#   scratch directory where examples/ is the repository's.
# - An HTML comment on the line right before the fence marks the others:
#     <!-- compile: wrap -->   a fragment, compiled as the body of a function,
#                              after #include <ctdiff/ctdiff.hpp> and the usual
#                              standard headers, inside `using namespace ctdiff;`.
#                              Code written after "compile: wrap" (up to the
#                              closing -->, over several lines if needed) is
#                              placed before the fragment, unseen by readers:
#                              the declarations it needs.
#     <!-- not compiled: reason -->   shown only (say why; MPI blocks, for one).
#   A block with neither `int main` nor a marker is a failure. #include lines
#   of fragments and of hidden code go to the top of the file.
# - A printing line (std::cout, printf, puts) with a trailing // comment states
#   that line's output: the comment is compared with what the line printed,
#   each time it printed something, at least once; whitespace at the ends of
#   lines is ignored and runs of spaces count as one; "\n" in the comment is a
#   line break. The line must be one complete statement (ending in ';' before
#   the comment). Comments on other lines are prose.
#   A comment starting "about " is loose: each number printed has the decimal
#   exponent of the one stated, give or take one (1e-11 accepts 2.7e-12 and
#   4e-11). A comment starting "≈ " agrees to the digits stated: each number
#   printed, rounded at the last digit stated, is within one unit of it
#   (≈ 0.9539 accepts 0.95393 and 0.9540). Otherwise the text must match.
# - A block of another language (```text, say) right after the comment
#   <!-- output --> is the whole output of the C++ block before it, compared
#   line by line as above.
# - Blocks of other languages (sh, cmake, text) are not compiled.
# - A block that includes <ctdiff/least_squares.hpp>, <ctdiff/newton.hpp> or
#   <ctdiff/batch.hpp> is skipped where Eigen is not found; one that includes
#   <ctdiff/mpi.hpp> must be marked not compiled.
# - Relative links outside code ([text](path)) must lead to a file or folder.
cmake_minimum_required(VERSION 3.25)

foreach(required IN ITEMS DOC SOURCE_DIR WORK_DIR COMPILER)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_docs.cmake: -D${required}=... is required")
  endif()
endforeach()

# Lines become list elements with their ';', '[' and ']' stood in for by
# control characters (a list would split at ';' and keep '[...]' together).
string(ASCII 1 semicolon_mark)
string(ASCII 2 open_bracket_mark)
string(ASCII 3 close_bracket_mark)
string(ASCII 4 link_mark)
function(restore_line line result)
  string(REPLACE "${semicolon_mark}" ";" line "${line}")
  string(REPLACE "${open_bracket_mark}" "[" line "${line}")
  string(REPLACE "${close_bracket_mark}" "]" line "${line}")
  set(${result} "${line}" PARENT_SCOPE)
endfunction()

set(problems "")
function(problem text)
  set(problems "${problems}${DOC}: ${text}\n" PARENT_SCOPE)
endfunction()

file(READ ${SOURCE_DIR}/${DOC} document)
string(REPLACE ";" "${semicolon_mark}" document "${document}")
string(REPLACE "[" "${open_bracket_mark}" document "${document}")
string(REPLACE "]" "${close_bracket_mark}" document "${document}")
string(REPLACE "\r" "" document "${document}")
string(REPLACE "\n" ";" lines "${document}")
get_filename_component(doc_dir ${SOURCE_DIR}/${DOC} DIRECTORY)

# ---------------------------------------------------------------------------
# The blocks: block_<n>_kind (unmarked, wrap, shown; other and output for
# other languages), _line (the fence's line), _first (the first code line),
# _code, _hidden and _hidden_first (a wrap's hidden code and its first line).
set(block_count 0)
set(output_blocks "")
set(in_block FALSE)
set(in_comment FALSE)
set(comment_end_line -1)
set(line_number 0)
foreach(raw IN LISTS lines)
  math(EXPR line_number "${line_number} + 1")
  restore_line("${raw}" line)
  if(in_block)
    if(line MATCHES "^[ \t]*```[ \t]*$")
      set(in_block FALSE)
    else()
      string(APPEND block_${block_count}_code "${line}\n")
    endif()
    continue()
  endif()
  if(in_comment)
    string(APPEND comment_text "\n${line}")
    if(line MATCHES "-->")
      set(in_comment FALSE)
      set(comment_end_line ${line_number})
    endif()
    continue()
  endif()
  if(line MATCHES "^[ \t]*<!--")
    set(comment_text "${line}")
    set(comment_first_line ${line_number})
    if(line MATCHES "-->")
      set(comment_end_line ${line_number})
    else()
      set(in_comment TRUE)
    endif()
    continue()
  endif()
  # A relative link (outside code) must lead to a file or folder of the repository.
  string(REGEX REPLACE "`[^`]*`" "" prose "${raw}")
  string(REPLACE "${close_bracket_mark}(" "${link_mark}" prose "${prose}")
  string(REGEX MATCHALL "${link_mark}[^)# \t${link_mark}${semicolon_mark}]+" links "${prose}")
  foreach(link IN LISTS links)
    string(REPLACE "${link_mark}" "" target "${link}")
    if(NOT target MATCHES "^[a-z]+:" AND NOT EXISTS "${doc_dir}/${target}")
      problem("line ${line_number}: the link (${target}) leads nowhere")
    endif()
  endforeach()
  if(line MATCHES "^[ \t]*```")
    if(NOT line MATCHES "^[ \t]*```(cpp|c\\+\\+|C\\+\\+|cxx)[ \t]*$")
      set(in_block TRUE)  # another language: read past it
      math(EXPR block_count "${block_count} + 1")
      set(block_${block_count}_kind other)
      set(block_${block_count}_code "")
      set(block_${block_count}_line ${line_number})
      math(EXPR previous "${line_number} - 1")
      if(comment_end_line EQUAL previous AND comment_text MATCHES "^[ \t]*<!--[ \t]*output[ \t]*-->")
        # The whole output of the C++ block before it.
        set(block_${block_count}_kind output)
        set(output_of "")
        foreach(earlier RANGE 1 ${block_count})
          if(block_${earlier}_kind MATCHES "^(unmarked|wrap|shown)$")
            set(output_of ${earlier})
          endif()
        endforeach()
        if(output_of STREQUAL "" OR block_${output_of}_kind STREQUAL "shown")
          problem("line ${line_number}: <!-- output --> follows no compiled C++ block")
        else()
          list(APPEND output_blocks ${block_count})
          set(block_${block_count}_output_of ${output_of})
        endif()
      endif()
      continue()
    endif()
    math(EXPR block_count "${block_count} + 1")
    set(n ${block_count})
    set(in_block TRUE)
    set(block_${n}_line ${line_number})
    math(EXPR block_${n}_first "${line_number} + 1")
    set(block_${n}_code "")
    set(block_${n}_hidden "")
    set(block_${n}_kind unmarked)
    math(EXPR previous "${line_number} - 1")
    if(comment_end_line EQUAL previous)
      string(REGEX REPLACE "^[ \t]*<!--[ \t]*" "" marker "${comment_text}")
      string(REGEX REPLACE "[ \t]*-->[ \t]*$" "" marker "${marker}")
      if(marker MATCHES "^compile: wrap(.*)$")
        set(block_${n}_kind wrap)
        set(block_${n}_hidden "${CMAKE_MATCH_1}\n")
        set(block_${n}_hidden_first ${comment_first_line})
      elseif(marker MATCHES "^not compiled: *(.*)$")
        if(CMAKE_MATCH_1 STREQUAL "")
          problem("line ${line_number}: say why a block is not compiled (<!-- not compiled: reason -->)")
        endif()
        set(block_${n}_kind shown)
        set(block_${n}_reason "${CMAKE_MATCH_1}")
      endif()
    endif()
  endif()
endforeach()
if(in_block)
  problem("a code block is not closed")
endif()

# ---------------------------------------------------------------------------
# Each block becomes a namespace of the generated source; the harness marks
# the output of each checked printing line.
set(eigen_headers "ctdiff/(least_squares|newton|batch)\\.hpp")
set(programs 0)
set(fragments 0)
set(shown 0)
set(skipped 0)
set(checked_lines "")
set(compiled_blocks "")
set(block_numbers "")
if(block_count GREATER 0)
  foreach(n RANGE 1 ${block_count})
    list(APPEND block_numbers ${n})
  endforeach()
endif()
foreach(n IN LISTS block_numbers)
  set(kind ${block_${n}_kind})
  if(kind MATCHES "^(other|output)$")
    continue()
  endif()
  set(at "line ${block_${n}_line}")
  if(kind STREQUAL "shown")
    math(EXPR shown "${shown} + 1")
    message(STATUS "${DOC}:${block_${n}_line}: not compiled: ${block_${n}_reason}")
    continue()
  endif()
  set(code "${block_${n}_code}")
  if(kind STREQUAL "unmarked")
    if(code MATCHES "int main\\(")
      set(kind program)
    else()
      problem("${at}: a C++ block without `int main` and without a marker: mark it <!-- compile: wrap --> (a fragment) or <!-- not compiled: reason -->")
      continue()
    endif()
  endif()
  set(whole "${block_${n}_hidden}${code}")
  if(whole MATCHES "#include <ctdiff/mpi\\.hpp>")
    problem("${at}: an MPI block runs under mpirun: mark it <!-- not compiled: reason -->")
    continue()
  endif()
  if(whole MATCHES "#include <${eigen_headers}>" AND "${EIGEN_INCLUDE_DIRS}" STREQUAL "")
    math(EXPR skipped "${skipped} + 1")
    message(STATUS "${DOC}:${block_${n}_line}: skipped: Eigen was not found")
    continue()
  endif()

  # Builds the block's namespace: its #include lines go to the top, a
  # checked printing line is wrapped in marks, #line keeps the document's lines.
  set(includes "")
  set(body "")
  foreach(part IN ITEMS hidden code)
    if(part STREQUAL "hidden")
      set(text "${block_${n}_hidden}")
      set(number ${block_${n}_hidden_first})
    else()
      set(text "${code}")
      set(number ${block_${n}_first})
    endif()
    if(text STREQUAL "" OR text STREQUAL "\n")
      continue()
    endif()
    string(APPEND body "#line ${number} \"${DOC}\"\n")
    string(REPLACE ";" "${semicolon_mark}" text "${text}")
    string(REPLACE "[" "${open_bracket_mark}" text "${text}")
    string(REPLACE "]" "${close_bracket_mark}" text "${text}")
    string(REGEX REPLACE "\n$" "" text "${text}")
    string(REPLACE "\n" ";" text_lines "${text}")
    foreach(raw IN LISTS text_lines)
      restore_line("${raw}" line)
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*([<\"][^>\"]+[>\"])")
        string(APPEND includes "#include ${CMAKE_MATCH_1}\n")
        set(line "")
      elseif(line MATCHES "^([ \t]*)([^ \t/].*[^ \t])[ \t]*//[ \t]?(.*)$")
        set(indent "${CMAKE_MATCH_1}")
        set(statement "${CMAKE_MATCH_2}")
        set(comment "${CMAKE_MATCH_3}")
        if(statement MATCHES "std::cout|(^|[^A-Za-z_])(std::)?(printf|puts)\\(")
          if(statement MATCHES ";$")
            set(line "${indent}{ ctdiff_doc::mark(${number}, true); ${statement} ctdiff_doc::mark(${number}, false); }")
            list(APPEND checked_lines ${number})
            set(expected_${number} "${comment}")
          else()
            problem("line ${number}: a printing line's comment states its output, but the line is not one statement")
          endif()
        endif()
      endif()
      if(part STREQUAL "code" AND kind STREQUAL "program" AND line MATCHES "^(.*)int main\\((.*)$")
        set(line "${CMAKE_MATCH_1}auto main_(${CMAKE_MATCH_2}")
      endif()
      string(APPEND body "${line}\n")
      math(EXPR number "${number} + 1")
    endforeach()
  endforeach()

  if(kind STREQUAL "program")
    math(EXPR programs "${programs} + 1")
    set(block_${n}_source "// ${DOC}:${block_${n}_line}: a program\n")
    string(APPEND block_${n}_source "namespace ctdiff_doc_${n} {\n${body}}  // namespace ctdiff_doc_${n}\n")
  else()
    math(EXPR fragments "${fragments} + 1")
    set(prelude "#include <ctdiff/ctdiff.hpp>\n")
    foreach(header IN ITEMS array cmath cstddef cstdio iostream memory span string vector)
      string(APPEND prelude "#include <${header}>\n")
    endforeach()
    set(includes "${prelude}${includes}")
    set(block_${n}_source "// ${DOC}:${block_${n}_line}: a fragment\n")
    string(APPEND block_${n}_source "namespace ctdiff_doc_${n} {\nusing namespace ctdiff;\nauto main_() {\n${body}}\n"
                                     "}  // namespace ctdiff_doc_${n}\n")
  endif()
  set(block_${n}_includes "${includes}")
  list(APPEND compiled_blocks ${n})
endforeach()

# ---------------------------------------------------------------------------
# Compiles and runs the blocks (all together, or one at a time).
set(harness [=[
#include <cstdio>
#include <type_traits>
namespace ctdiff_doc {
inline void mark(int line, bool begin) { std::printf(begin ? "@@<%d>@@" : "@@</%d>@@", line); }
// Runs a block's main (with or without argc, argv); a nonzero number it returns is a failure.
template <class F>
int run(F f, int line, int argc, char** argv) {
  struct marks {
    int line;
    explicit marks(int l) : line(l) { std::printf("@@block %d@@", line); }
    ~marks() { std::printf("@@/block %d@@", line); }
  } block(line);
  auto call = [&] {
    if constexpr (std::is_invocable_v<F>) {
      return f();
    } else {
      return f(argc, argv);
    }
  };
  if constexpr (std::is_void_v<decltype(call())>) {
    call();
    return 0;
  } else {
    const int status = static_cast<int>(call());
    if (status != 0) {
      std::fprintf(stderr, "the block at line %d returned %d\n", line, status);
    }
    return status != 0;
  }
}
}  // namespace ctdiff_doc
]=])

set(flags -std=c++20 -O1 -pthread -fdiagnostics-color=never)
foreach(directory IN LISTS INCLUDE_DIRS EIGEN_INCLUDE_DIRS)
  if(NOT directory STREQUAL "" AND NOT directory MATCHES "^/usr(/local)?/include/?$")
    list(APPEND flags -I${directory})
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/run)
# Run from the repository's root as far as paths go: examples/data/... is found.
file(CREATE_LINK ${SOURCE_DIR}/examples ${WORK_DIR}/run/examples SYMBOLIC)

if(SEPARATE)
  set(groups "")
  foreach(n IN LISTS compiled_blocks)
    list(APPEND groups ${n})
    set(group_${n} ${n})
  endforeach()
elseif(compiled_blocks)
  set(groups all)
  set(group_all ${compiled_blocks})
else()
  set(groups "")
endif()

set(output "")
foreach(group IN LISTS groups)
  set(includes "")
  set(sources "")
  set(calls "")
  foreach(n IN LISTS group_${group})
    string(APPEND includes "${block_${n}_includes}")
    string(APPEND sources "${block_${n}_source}")
    string(APPEND calls "  failures += ctdiff_doc::run(ctdiff_doc_${n}::main_, ${block_${n}_line}, argc, argv);\n")
  endforeach()
  # Each #include once, in the order of first use.
  string(REPLACE ";" "${semicolon_mark}" includes "${includes}")
  string(REGEX REPLACE "\n$" "" includes "${includes}")
  string(REPLACE "\n" ";" include_list "${includes}")
  list(REMOVE_DUPLICATES include_list)
  list(JOIN include_list "\n" includes)
  string(REPLACE "${semicolon_mark}" ";" includes "${includes}")
  set(source "// Generated by tests/docs/check_docs.cmake from ${DOC}.\n${includes}\n${harness}\n${sources}\n")
  string(APPEND source "int main(int argc, char** argv) {\n  int failures = 0;\n${calls}  return failures != 0;\n}\n")
  file(WRITE ${WORK_DIR}/doc_${group}.cpp "${source}")
  execute_process(COMMAND ${COMPILER} ${flags} ${WORK_DIR}/doc_${group}.cpp -o ${WORK_DIR}/doc_${group}
                  RESULT_VARIABLE status ERROR_VARIABLE diagnostics OUTPUT_VARIABLE diagnostics_out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${DOC}: the C++ blocks do not compile (${WORK_DIR}/doc_${group}.cpp, lines "
                        "as in ${DOC}):\n${diagnostics_out}${diagnostics}")
  endif()
  execute_process(COMMAND ${WORK_DIR}/doc_${group} WORKING_DIRECTORY ${WORK_DIR}/run RESULT_VARIABLE status
                  OUTPUT_VARIABLE group_output ERROR_VARIABLE errors)
  string(APPEND output "${group_output}")
  if(NOT status EQUAL 0)
    problem("the blocks' program failed (${status}):\n${errors}\noutput:\n${group_output}")
  endif()
endforeach()

# ---------------------------------------------------------------------------
# The outputs the comments state.

# Lines trimmed, runs of blanks collapsed, trailing empty lines dropped.
function(normalize text result)
  string(REPLACE "\r" "" text "${text}")
  string(REGEX REPLACE "[ \t]+" " " text "${text}")
  string(REGEX REPLACE " *\n *" "\n" text "${text}")
  string(REGEX REPLACE "^[ \n]+" "" text "${text}")
  string(REGEX REPLACE "[ \n]+$" "" text "${text}")
  set(${result} "${text}" PARENT_SCOPE)
endfunction()

# A decimal number as sign, significant digits and the exponent of the last digit.
function(parse_number text ok negative digits exponent)
  set(${ok} FALSE PARENT_SCOPE)
  if(NOT text MATCHES "^([-+]?)([0-9]*)(\\.([0-9]*))?([eE]([-+]?[0-9]+))?$")
    return()
  endif()
  set(sign "${CMAKE_MATCH_1}")
  set(whole "${CMAKE_MATCH_2}")
  set(fraction "${CMAKE_MATCH_4}")
  set(power "${CMAKE_MATCH_6}")
  if("${whole}${fraction}" STREQUAL "")
    return()
  endif()
  if(power STREQUAL "")
    set(power 0)
  endif()
  string(REGEX REPLACE "^\\+" "" power "${power}")
  string(REGEX REPLACE "^(-?)0+([0-9])" "\\1\\2" power "${power}")
  string(LENGTH "${fraction}" fraction_length)
  math(EXPR last "${power} - ${fraction_length}")
  string(REGEX REPLACE "^0+" "" significant "${whole}${fraction}")
  set(${ok} TRUE PARENT_SCOPE)
  if(sign STREQUAL "-" AND NOT significant STREQUAL "")
    set(${negative} TRUE PARENT_SCOPE)
  else()
    set(${negative} FALSE PARENT_SCOPE)
  endif()
  set(${digits} "${significant}" PARENT_SCOPE)
  set(${exponent} ${last} PARENT_SCOPE)
endfunction()

# Whether the printed token matches the stated one, loosely ("about", "≈").
function(numbers_match how stated printed result)
  set(${result} FALSE PARENT_SCOPE)
  parse_number("${stated}" stated_ok stated_negative stated_digits stated_last)
  parse_number("${printed}" printed_ok printed_negative printed_digits printed_last)
  if(NOT stated_ok OR NOT printed_ok)
    if(stated STREQUAL printed)
      set(${result} TRUE PARENT_SCOPE)
    endif()
    return()
  endif()
  if(stated_digits STREQUAL "" OR printed_digits STREQUAL "")  # a zero
    if(how STREQUAL "about" AND stated_digits STREQUAL printed_digits)
      set(${result} TRUE PARENT_SCOPE)
      return()
    endif()
    if(how STREQUAL "about")
      return()
    endif()
  endif()
  if(how STREQUAL "about")
    if(NOT stated_negative STREQUAL printed_negative)
      return()
    endif()
    string(LENGTH "${stated_digits}" length)
    math(EXPR stated_lead "${stated_last} + ${length} - 1")
    string(LENGTH "${printed_digits}" length)
    math(EXPR printed_lead "${printed_last} + ${length} - 1")
    math(EXPR difference "${stated_lead} - ${printed_lead}")
    if(difference GREATER_EQUAL -1 AND difference LESS_EQUAL 1)
      set(${result} TRUE PARENT_SCOPE)
    endif()
    return()
  endif()
  # ≈: the printed number rounded at the stated number's last digit.
  if(stated_digits STREQUAL "")
    set(stated_digits 0)
  endif()
  math(EXPR shift "${stated_last} - ${printed_last}")
  if(printed_digits STREQUAL "")
    set(rounded 0)
  elseif(shift LESS_EQUAL 0)
    math(EXPR zeros "-${shift}")
    string(REPEAT "0" ${zeros} padding)
    set(rounded "${printed_digits}${padding}")
  else()
    string(LENGTH "${printed_digits}" length)
    if(shift GREATER length)
      set(rounded 0)
    else()
      math(EXPR keep "${length} - ${shift}")
      string(SUBSTRING "${printed_digits}" 0 ${keep} rounded)
      string(SUBSTRING "${printed_digits}" ${keep} 1 next)
      if(rounded STREQUAL "")
        set(rounded 0)
      endif()
      string(LENGTH "${rounded}" rounded_length)
      if(rounded_length GREATER 17)
        return()
      endif()
      if(next GREATER_EQUAL 5)
        math(EXPR rounded "${rounded} + 1")
      endif()
    endif()
  endif()
  string(LENGTH "${rounded}" rounded_length)
  string(LENGTH "${stated_digits}" stated_length)
  if(rounded_length GREATER 17 OR stated_length GREATER 17)
    return()
  endif()
  if(printed_negative)
    set(rounded "-${rounded}")
  endif()
  if(stated_negative)
    set(stated_digits "-${stated_digits}")
  endif()
  math(EXPR difference "${rounded} - (${stated_digits})")
  if(difference GREATER_EQUAL -1 AND difference LESS_EQUAL 1)
    set(${result} TRUE PARENT_SCOPE)
  endif()
endfunction()

function(outputs_match stated printed result)
  set(how exact)
  if(stated MATCHES "^about (.*)$")
    set(how about)
    set(stated "${CMAKE_MATCH_1}")
  elseif(stated MATCHES "^≈ (.*)$")
    set(how approximately)
    set(stated "${CMAKE_MATCH_1}")
  endif()
  normalize("${stated}" stated)
  normalize("${printed}" printed)
  if(how STREQUAL "exact")
    if(stated STREQUAL printed)
      set(${result} TRUE PARENT_SCOPE)
    else()
      set(${result} FALSE PARENT_SCOPE)
    endif()
    return()
  endif()
  set(${result} FALSE PARENT_SCOPE)
  string(REPLACE "\n" " " stated "${stated}")
  string(REPLACE "\n" " " printed "${printed}")
  string(REPLACE " " ";" stated_tokens "${stated}")
  string(REPLACE " " ";" printed_tokens "${printed}")
  list(LENGTH stated_tokens stated_count)
  list(LENGTH printed_tokens printed_count)
  if(NOT stated_count EQUAL printed_count)
    return()
  endif()
  math(EXPR last "${stated_count} - 1")
  foreach(i RANGE ${last})
    list(GET stated_tokens ${i} s)
    list(GET printed_tokens ${i} p)
    numbers_match(${how} "${s}" "${p}" same)
    if(NOT same)
      return()
    endif()
  endforeach()
  set(${result} TRUE PARENT_SCOPE)
endfunction()

set(checked 0)
foreach(number IN LISTS checked_lines)
  restore_line("${expected_${number}}" stated)
  string(REPLACE "\\n" "\n" stated "${stated}")
  set(rest "${output}")
  set(runs 0)
  while(TRUE)
    string(FIND "${rest}" "@@<${number}>@@" begin)
    if(begin EQUAL -1)
      break()
    endif()
    string(LENGTH "@@<${number}>@@" begin_length)
    math(EXPR begin "${begin} + ${begin_length}")
    string(SUBSTRING "${rest}" ${begin} -1 rest)
    string(FIND "${rest}" "@@</${number}>@@" end)
    if(end EQUAL -1)
      problem("line ${number}: the line's output never ended")
      break()
    endif()
    string(SUBSTRING "${rest}" 0 ${end} printed)
    string(SUBSTRING "${rest}" ${end} -1 rest)
    if(printed STREQUAL "")
      continue()  # ran without printing (an `if` on the line, say)
    endif()
    math(EXPR runs "${runs} + 1")
    outputs_match("${stated}" "${printed}" same)
    if(NOT same)
      normalize("${printed}" shown_printed)
      problem("line ${number}: the comment says\n    ${stated}\n  the line printed\n    ${shown_printed}")
      break()
    endif()
  endwhile()
  if(runs EQUAL 0 AND groups)
    problem("line ${number}: the line never printed anything")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()

# A text block after <!-- output --> is the whole output of the C++ block before it.
foreach(n IN LISTS output_blocks)
  set(of ${block_${n}_output_of})
  if(NOT of IN_LIST compiled_blocks)
    continue()  # skipped, or not compiled for a problem already reported
  endif()
  string(FIND "${output}" "@@block ${block_${of}_line}@@" begin)
  string(FIND "${output}" "@@/block ${block_${of}_line}@@" end)
  if(begin EQUAL -1 OR end EQUAL -1)
    problem("line ${block_${n}_line}: the output of the block at line ${block_${of}_line} is missing")
    continue()
  endif()
  string(LENGTH "@@block ${block_${of}_line}@@" length)
  math(EXPR begin "${begin} + ${length}")
  math(EXPR length "${end} - ${begin}")
  string(SUBSTRING "${output}" ${begin} ${length} printed)
  string(REGEX REPLACE "@@</?[0-9]+>@@" "" printed "${printed}")
  normalize("${printed}" printed)
  normalize("${block_${n}_code}" stated)
  if(NOT printed STREQUAL stated)
    problem("line ${block_${n}_line}: the output block says\n${stated}\n  the block at line ${block_${of}_line} printed\n${printed}")
  endif()
endforeach()

message(STATUS "${DOC}: ${programs} programs and ${fragments} fragments compiled and run (${skipped} skipped: no Eigen), "
               "${shown} blocks shown only, ${checked} printing lines checked")
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${problems}")
endif()
