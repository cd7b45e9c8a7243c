{#-
    Use the custom schema name as is (`staging`, `marts`), not dbt's default `main_marts`,
    so a user in the DuckDB shell types `from marts.models`.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
