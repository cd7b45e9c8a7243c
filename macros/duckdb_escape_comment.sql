{#-
    Overrides dbt-duckdb's macro of the same name, which persist_docs calls for every table and
    column comment. Descriptions are written wrapped at 100 columns (and docs blocks span
    paragraphs), and the DuckDB shell prints each newline of a comment as a literal "\n"; a
    comment is one line of text, so runs of whitespace become one space. The docs site reads the
    descriptions from the manifest, so it keeps the original layout.
-#}
{% macro duckdb_escape_comment(comment) -%}
    {%- if comment is not string -%}
        {%- do exceptions.raise_compiler_error('cannot escape a non-string: ' ~ comment) -%}
    {%- endif -%}
    {%- set magic = '$dbt_comment_literal_block$' -%}
    {%- set one_line = comment.split() | join(' ') -%}
    {%- if magic in one_line -%}
        {%- do exceptions.raise_compiler_error(
            'The string ' ~ magic ~ ' is not allowed in comments.'
        ) -%}
    {%- endif -%}
    {{ magic }}{{ one_line }}{{ magic }}
{%- endmacro %}
