# Writes a C++ file holding every migrations/NNNN_name.sql as (number, name, text).
separate_arguments(FILES)
set(body "")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" number ${name})
  # 0008 would be an (invalid) octal literal in C++: the number without its leading zeros.
  math(EXPR number "${number}")
  file(READ ${f} sql)
  string(APPEND body "  {${number}, \"${name}\", R\"__sql__(${sql})__sql__\"},\n")
endforeach()
file(WRITE ${OUT} "#include \"store/migrations.hpp\"\nnamespace carelive::store {\nconst std::vector<Migration>& migrations() {\n  static const std::vector<Migration> all = {\n${body}  };\n  return all;\n}\n}  // namespace carelive::store\n")
